"""PDFs through a running unoserver (a real one, from .venv-uno) and the fallback to a fresh soffice.

scripts/setup always makes .venv-uno: without it these tests fail (they are never skipped).
"""

import copy
import io
import os
import signal
import socket
import subprocess
import threading
import time
import xmlrpc.client
import xmlrpc.server

import pytest
import yaml
from conftest import EXAMPLE, ROOT

from docassemble.psobrief import bulk, libreoffice
from docassemble.psobrief.answers import parse_answers
from docassemble.psobrief.render import render_letter

UNOSERVER = ROOT / ".venv-uno" / "bin" / "unoserver"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def answering(port):
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        return True
    except OSError:
        return False


@pytest.fixture(scope="module")
def unoserver(tmp_path_factory):
    """A real unoserver on free ports, as scripts/serve runs it: (host, port), its log file."""
    if not UNOSERVER.is_file():
        pytest.fail(f"{UNOSERVER} is missing: scripts/setup makes .venv-uno (python3-uno + unoserver); run it")
    work = tmp_path_factory.mktemp("unoserver")
    (work / "home").mkdir()
    port, uno_port = free_port(), free_port()
    log = work / "unoserver.log"
    with log.open("wb") as handle:
        server = subprocess.Popen(
            [str(UNOSERVER), "--interface", "127.0.0.1", "--port", str(port), "--uno-port", str(uno_port),
             "--user-installation", str(work / "profile"), "--conversion-timeout", "60"],
            stdin=subprocess.DEVNULL, stdout=handle, stderr=subprocess.STDOUT, start_new_session=True,
            env={**os.environ, "HOME": str(work / "home"), "LANG": "en_US.UTF-8"})
    try:
        deadline = time.monotonic() + 60
        while not answering(port):
            assert server.poll() is None, f"unoserver exited at start-up:\n{log.read_text(errors='replace')[-2000:]}"
            assert time.monotonic() < deadline, f"unoserver did not answer in 60 s:\n{log.read_text(errors='replace')}"
            time.sleep(0.2)
        yield ("127.0.0.1", port), log
    finally:
        server.terminate()  # unoserver stops its LibreOffice; a signal to the whole group can hang it
        try:
            server.wait(15)
        except subprocess.TimeoutExpired:
            pass
        try:
            os.killpg(server.pid, signal.SIGKILL)  # whatever is left (LibreOffice)
        except ProcessLookupError:
            pass
        server.wait()


@pytest.fixture(scope="module")
def letters():
    """Three letters, one per example recipient: {organisation: DOCX}."""
    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    answers = parse_answers(copy.deepcopy(data), base_dir=ROOT / "docs" / "examples")
    return {recipient.organisation: render_letter(answers, recipient) for recipient in answers.recipients}


def pdf_text(content):
    return subprocess.run(["pdftotext", "-", "-"], input=content, capture_output=True, check=True).stdout.decode()


def tagged(content):
    import pikepdf

    with pikepdf.open(io.BytesIO(content)) as pdf:
        return "/StructTreeRoot" in pdf.Root and bool(pdf.Root.get("/MarkInfo", {}).get("/Marked", False))


def conversions(log):
    return log.read_text(errors="replace").count("Exporting to")


def write(folder, documents):
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for number, content in enumerate(documents):
        path = folder / f"{number:05d}.docx"
        path.write_bytes(content)
        paths.append(path)
    return paths


def test_unoserver_makes_a_tagged_pdf(unoserver, letters, tmp_path):
    address, log = unoserver
    organisation = "Transport & Logistiek Noord"
    before = conversions(log)
    paths = write(tmp_path / "in", [letters[organisation]])
    report = libreoffice.make_pdfs(paths, tmp_path / "out", home=tmp_path, address=address)
    assert report.unoserver == paths and report.soffice == [] and report.unoserver_problem == ""
    assert conversions(log) == before + 1
    pdf = (tmp_path / "out" / "00000.pdf").read_bytes()
    assert organisation in pdf_text(pdf)
    assert tagged(pdf)


def test_convert_to_pdf_uses_the_unoserver_named_in_the_environment(unoserver, letters, monkeypatch):
    address, log = unoserver
    monkeypatch.setenv("PSOBRIEF_UNOSERVER", f"{address[0]}:{address[1]}")
    before = conversions(log)
    pdfs, missing = bulk.convert_to_pdf({f"{name}.docx": content for name, content in letters.items()})
    assert missing == [] and sorted(pdfs) == sorted(f"{name}.pdf" for name in letters)
    assert conversions(log) == before + len(letters)
    for name in letters:
        assert name in pdf_text(pdfs[f"{name}.pdf"]) and tagged(pdfs[f"{name}.pdf"])


def test_a_dead_unoserver_falls_back_to_a_fresh_libreoffice(letters, monkeypatch, tmp_path):
    port = free_port()  # nothing listens there
    monkeypatch.setenv("PSOBRIEF_UNOSERVER", f"127.0.0.1:{port}")
    organisation = "Groenvoorziening De Boer"
    pdfs, missing = bulk.convert_to_pdf({"brief.docx": letters[organisation]})
    assert missing == []
    assert organisation in pdf_text(pdfs["brief.pdf"]) and tagged(pdfs["brief.pdf"])
    paths = write(tmp_path / "in", [letters[organisation]])
    report = libreoffice.make_pdfs(paths, tmp_path / "out", home=tmp_path, address=("127.0.0.1", port))
    assert report.unoserver == [] and report.soffice == paths
    assert "ConnectionRefused" in report.unoserver_problem


def test_a_hung_unoserver_times_out_and_falls_back(letters, monkeypatch, tmp_path):
    """A server that takes the connection and never answers (LibreOffice hung)."""
    monkeypatch.setattr(libreoffice, "UNOSERVER_TIMEOUT", 2)
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        paths = write(tmp_path / "in", list(letters.values())[:2])
        report = libreoffice.make_pdfs(paths, tmp_path / "out", home=tmp_path, address=silent.getsockname())
    assert report.unoserver == [] and report.soffice == paths
    assert "timed out" in report.unoserver_problem
    for path, organisation in zip(paths, letters):
        assert organisation in pdf_text((tmp_path / "out" / f"{path.stem}.pdf").read_bytes())


def test_a_bad_pdf_from_the_server_is_made_again_by_soffice(letters, tmp_path):
    """An XML-RPC server that answers convert() with something that is not a PDF."""
    server = xmlrpc.server.SimpleXMLRPCServer(("127.0.0.1", 0), logRequests=False, allow_none=True)
    server.register_function(lambda *args: xmlrpc.client.Binary(b"<html>not a pdf</html>" * 10), "convert")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        paths = write(tmp_path / "in", [letters["Groenvoorziening De Boer"]])
        report = libreoffice.make_pdfs(paths, tmp_path / "out", home=tmp_path, address=server.server_address)
    finally:
        server.shutdown()
        server.server_close()
    assert report.unoserver == [] and report.soffice == paths and report.unoserver_problem == ""
    assert "Groenvoorziening De Boer" in pdf_text((tmp_path / "out" / "00000.pdf").read_bytes())


def test_four_threads_at_once_get_their_own_pdfs(unoserver, letters, monkeypatch):
    """unoserver converts one document at a time; callers at once wait their turn, none fails or gets
    another's PDF (one letter twice and the two others: four conversions at once)."""
    address, log = unoserver
    monkeypatch.setenv("PSOBRIEF_UNOSERVER", f"{address[0]}:{address[1]}")
    names = [*letters, next(iter(letters))]
    results = [None] * len(names)
    start = threading.Barrier(len(names))

    def convert(index):
        start.wait()
        results[index] = bulk.convert_to_pdf({"brief.docx": letters[names[index]]})

    before = conversions(log)
    threads = [threading.Thread(target=convert, args=(index,)) for index in range(len(names))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert conversions(log) == before + 4  # all four by unoserver, none by the fallback
    for name, (pdfs, missing) in zip(names, results):
        assert missing == []
        text = pdf_text(pdfs["brief.pdf"])
        assert name in text and all(other not in text for other in letters if other != name)


@pytest.mark.parametrize(("value", "expected"), [
    ("127.0.0.1:2003", ("127.0.0.1", 2003)),
    ("http://localhost:8613/", ("localhost", 8613)),
    ("[::1]:2003", ("::1", 2003)),
    ("", None), ("off", None), ("2003", None), ("localhost:port", None), ("localhost:70000", None),
])
def test_the_unoserver_setting(monkeypatch, value, expected):
    monkeypatch.setenv("PSOBRIEF_UNOSERVER", value)
    assert libreoffice.unoserver_address() == expected


def test_without_a_setting_no_unoserver_is_asked(monkeypatch):
    monkeypatch.delenv("PSOBRIEF_UNOSERVER", raising=False)
    assert libreoffice.unoserver_address() is None


def test_soffice_missing_is_reported_in_dutch_even_with_a_dead_unoserver(letters, monkeypatch):
    monkeypatch.setenv("PSOBRIEF_UNOSERVER", f"127.0.0.1:{free_port()}")
    monkeypatch.setattr("shutil.which", lambda name: None)
    with pytest.raises(bulk.PdfError, match="LibreOffice \\(soffice\\) is niet gevonden"):
        bulk.convert_to_pdf({"brief.docx": letters["Groenvoorziening De Boer"]})


def test_the_setup_script_makes_the_unoserver_venv():
    """scripts/setup installs python3-uno and makes .venv-uno with the system Python."""
    python = ROOT / ".venv-uno" / "bin" / "python"
    assert python.is_file(), "no .venv-uno: run scripts/setup"
    result = subprocess.run([str(python), "-c", "import uno, unoserver, importlib.metadata as m; "
                             "print(m.version('unoserver'))"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    setup = (ROOT / "scripts" / "setup").read_text()
    assert f'UNOSERVER_VERSION="{result.stdout.strip()}"' in setup
    assert "python3-uno" in setup


def test_the_unoserver_in_docassembles_configuration(monkeypatch):
    """Another docassemble server names one in its configuration (`psobrief unoserver:`); the
    environment variable wins, and `off` there switches it off."""
    from docassemble.base import config

    monkeypatch.delenv("PSOBRIEF_UNOSERVER", raising=False)
    monkeypatch.setitem(config.daconfig, "psobrief unoserver", "127.0.0.1:2003")
    assert libreoffice.unoserver_address() == ("127.0.0.1", 2003)
    monkeypatch.setenv("PSOBRIEF_UNOSERVER", "off")
    assert libreoffice.unoserver_address() is None


# --- one unoserver per celery worker process, and a list's sections pipelined through it -----

@pytest.mark.parametrize(("value", "index", "expected", "own"), [
    ("127.0.0.1:8613", None, ("127.0.0.1", 8613), None),  # one: everybody shares it, nobody owns it
    ("127.0.0.1:8613", 0, ("127.0.0.1", 8613), None),
    ("127.0.0.1:8613,127.0.0.1:8616,127.0.0.1:8618", None, ("127.0.0.1", 8613), None),  # a web process
    ("127.0.0.1:8613,127.0.0.1:8616,127.0.0.1:8618", 0, ("127.0.0.1", 8616), ("127.0.0.1", 8616)),
    ("127.0.0.1:8613, 127.0.0.1:8616 ,127.0.0.1:8618", 1, ("127.0.0.1", 8618), ("127.0.0.1", 8618)),
    ("127.0.0.1:8613,127.0.0.1:8616,127.0.0.1:8618", 2, ("127.0.0.1", 8616), ("127.0.0.1", 8616)),  # wraps round
    ("127.0.0.1:8613,nonsense,127.0.0.1:8618", 0, ("127.0.0.1", 8618), ("127.0.0.1", 8618)),  # a bad one left out
])
def test_each_worker_process_takes_its_own_unoserver(monkeypatch, value, index, expected, own):
    monkeypatch.setenv("PSOBRIEF_UNOSERVER", value)
    monkeypatch.setattr(libreoffice, "_pool_index", lambda: index)
    assert libreoffice.unoserver_address() == expected
    assert libreoffice.own_unoserver_address() == own


def test_outside_celery_there_is_no_pool_index():
    assert libreoffice._pool_index() is None


def _many_letters(count):
    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    people = data["recipients"]
    data["recipients"] = [{**copy.deepcopy(people[n % 3]), "organisation": f"Leverancier {n:02d}"}
                          for n in range(count)]
    return parse_answers(data, base_dir=ROOT / "docs" / "examples")


def test_a_lists_sections_go_to_the_worker_processs_own_unoserver(unoserver, monkeypatch):
    """A long part in a worker process with a unoserver of its own: every section and the annex
    by that unoserver (none by a fresh LibreOffice), rendered, converted and cut side by side,
    every letter's PDF its own and tagged, the same pages as the way without unoserver."""
    address, log = unoserver
    monkeypatch.setattr(bulk, "PRINT_PART", 2)
    monkeypatch.setenv("PSOBRIEF_UNOSERVER", f"127.0.0.1:{free_port()},{address[0]}:{address[1]}")
    monkeypatch.setattr(libreoffice, "_pool_index", lambda: 0)
    answers = _many_letters(5)
    items = bulk.plan_letters(answers)
    before = conversions(log)
    made = bulk.render_part(answers, items, pdf=True, annex=True, unoserver="own")  # rendered while converting
    assert conversions(log) == before + 4  # three sections and the annex
    assert made.pdf_missing == [] and len(made.pdfs) == 5 and len(made.print_pdfs) == 3
    assert made.annex_pdf and tagged(made.annex_pdf)
    later = bulk.render_part(answers, items, pdf=False, annex=True)
    bulk.add_pdfs(later, unoserver="own")  # the letters made first, then their PDFs (as jobs.py does)
    assert conversions(log) == before + 8 and later.pdfs.keys() == made.pdfs.keys()
    fresh = bulk.render_part(answers, items, pdf=True, annex=True, unoserver=False)
    assert conversions(log) == before + 8  # False: never a unoserver
    for name, docx in made.letters.items():
        pdf = made.pdfs[bulk.pdf_name(name)]
        assert bulk.pdf_says_what_docx_says(pdf, docx) and tagged(pdf)
        assert bulk._page_texts(pdf) == bulk._page_texts(fresh.pdfs[bulk.pdf_name(name)])
    joined = bulk.finish_bundle(items, [made])
    assert joined.pdf_missing == [] and tagged(joined.combined_pdf)
    assert bulk._page_texts(joined.combined_pdf) == bulk._page_texts(bulk.finish_bundle(items, [fresh]).combined_pdf)


def test_a_long_list_leaves_a_shared_unoserver_alone(unoserver, monkeypatch):
    """One unoserver only (the Docker image's 127.0.0.1:2003, say): a long part ("own") gets a
    fresh LibreOffice; a short one (one section) may use the shared one."""
    address, log = unoserver
    monkeypatch.setattr(bulk, "PRINT_PART", 2)
    monkeypatch.setenv("PSOBRIEF_UNOSERVER", f"{address[0]}:{address[1]}")
    monkeypatch.setattr(libreoffice, "_pool_index", lambda: 0)
    answers = _many_letters(3)
    items = bulk.plan_letters(answers)
    before = conversions(log)
    made = bulk.render_part(answers, items, pdf=True, unoserver="own")
    assert conversions(log) == before and made.pdf_missing == [] and len(made.pdfs) == 3
    short = bulk.render_part(answers, items[:2], pdf=True, unoserver=True)
    assert conversions(log) == before + 1 and short.pdf_missing == [] and len(short.pdfs) == 2


def test_a_dead_own_unoserver_costs_no_pdf(monkeypatch):
    """The worker process's unoserver is not running (restarting, say): the first section finds
    that out and every section is made by a fresh LibreOffice instead."""
    monkeypatch.setattr(bulk, "PRINT_PART", 2)
    monkeypatch.setenv("PSOBRIEF_UNOSERVER", f"127.0.0.1:{free_port()},127.0.0.1:{free_port()}")
    monkeypatch.setattr(libreoffice, "_pool_index", lambda: 0)
    answers = _many_letters(5)
    made = bulk.render_part(answers, bulk.plan_letters(answers), pdf=True, annex=True, unoserver="own")
    assert made.pdf_missing == [] and len(made.pdfs) == 5 and None not in made.print_pdfs and made.annex_pdf
    for name, docx in made.letters.items():
        assert bulk.pdf_says_what_docx_says(made.pdfs[bulk.pdf_name(name)], docx)
