"""Benchmark: DOCX -> PDF with a fresh LibreOffice vs a running unoserver, in one run.

For 1, 10 and 50 letters (the example answers' three recipients, repeated):
- soffice per file: one fresh ``soffice --convert-to`` per letter (what one PDF at a time costs
  without a server: a person's documents, a preview);
- soffice batch: one fresh soffice for the whole set (what bulk.convert_to_pdf did for every set
  before, and still does for sets over libreoffice.UNOSERVER_MAX_DOCUMENTS);
- unoserver: one XML-RPC call per letter to a running unoserver (what bulk.convert_to_pdf now
  does for small sets when PSOBRIEF_UNOSERVER names one);
then the review screen's preview (bulk.first_page_png) both ways, and 4 callers at once.

The unoserver is started here, from .venv-uno (scripts/setup), on free ports, and stopped at the end.
Every PDF is checked (it must exist and name its recipient); times are wall-clock seconds.

Usage: NLTK_DATA=.state/nltk_data .venv/bin/python bench/bench_pdf.py [--sizes 1 10 50] [--repeat 5]
"""

from __future__ import annotations

import argparse
import copy
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "docs" / "examples" / "answers.yml"
UNOSERVER = ROOT / ".venv-uno" / "bin" / "unoserver"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_unoserver(work: Path) -> tuple[subprocess.Popen, tuple[str, int], float]:
    if not UNOSERVER.is_file():
        sys.exit(f"{UNOSERVER} is missing: run scripts/setup")
    (work / "home").mkdir()
    port, uno_port = free_port(), free_port()
    began = time.perf_counter()
    server = subprocess.Popen(
        [str(UNOSERVER), "--interface", "127.0.0.1", "--port", str(port), "--uno-port", str(uno_port),
         "--user-installation", str(work / "profile"), "--conversion-timeout", "120"],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        env={**os.environ, "HOME": str(work / "home"), "LANG": "en_US.UTF-8"})
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if server.poll() is not None or time.perf_counter() - began > 60:
                sys.exit("unoserver did not start")
            time.sleep(0.1)
    return server, ("127.0.0.1", port), time.perf_counter() - began


def stop_unoserver(server: subprocess.Popen) -> None:
    server.terminate()
    try:
        server.wait(15)
    except subprocess.TimeoutExpired:
        pass
    try:
        os.killpg(server.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    server.wait()


def letters(count: int) -> list[tuple[str, bytes]]:
    """(organisation, DOCX) for ``count`` letters."""
    from docassemble.psobrief.answers import parse_answers
    from docassemble.psobrief.render import render_letter

    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    people = data["recipients"]
    data["recipients"] = [{**copy.deepcopy(people[n % 3]), "organisation": f"Leverancier {n:02d}"}
                          for n in range(count)]
    answers = parse_answers(data, base_dir=EXAMPLE.parent)
    return [(recipient.organisation, render_letter(answers, recipient)) for recipient in answers.recipients]


def check(out: Path, paths: list[Path], names: list[str]) -> None:
    for path, name in zip(paths, names):
        text = subprocess.run(["pdftotext", str(out / f"{path.stem}.pdf"), "-"], capture_output=True,
                              check=True).stdout.decode()
        assert name in text, f"the PDF of {name} does not name it"


def run(method: str, documents: list[tuple[str, bytes]], address) -> float:
    from docassemble.psobrief import libreoffice

    with tempfile.TemporaryDirectory(prefix="bench-pdf-") as work:
        folder = Path(work) / "in"
        folder.mkdir()
        paths = []
        for number, (_, content) in enumerate(documents):
            paths.append(folder / f"{number:05d}.docx")
            paths[-1].write_bytes(content)
        out = Path(work) / "out"
        began = time.perf_counter()
        if method == "soffice per file":
            for path in paths:
                report = libreoffice.make_pdfs([path], out, home=Path(work), address=None)
                assert report.soffice == [path]
        elif method == "soffice batch":
            report = libreoffice.make_pdfs(paths, out, home=Path(work), address=None)
            assert len(report.soffice) == len(paths)
        else:
            report = libreoffice.make_pdfs(paths, out, home=Path(work), address=address, max_unoserver=len(paths))
            assert len(report.unoserver) == len(paths), report.unoserver_problem
        took = time.perf_counter() - began
        check(out, paths, [name for name, _ in documents])
    return took


def preview(docx: bytes, address) -> float:
    from docassemble.psobrief import bulk

    if address:
        os.environ["PSOBRIEF_UNOSERVER"] = f"{address[0]}:{address[1]}"
    else:
        os.environ["PSOBRIEF_UNOSERVER"] = "off"
    began = time.perf_counter()
    png = bulk.first_page_png(docx)
    took = time.perf_counter() - began
    assert png and png.startswith(b"\x89PNG")
    return took


def at_once(documents: list[tuple[str, bytes]], address) -> tuple[float, list[float]]:
    waits = [0.0] * len(documents)

    def one(index):
        began = time.perf_counter()
        run("unoserver", [documents[index]], address)
        waits[index] = time.perf_counter() - began

    threads = [threading.Thread(target=one, args=(index,)) for index in range(len(documents))]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - began, waits


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 10, 50])
    parser.add_argument("--repeat", type=int, default=5, help="runs of the single-letter and preview cases")
    options = parser.parse_args()
    version = subprocess.run([shutil.which("soffice"), "--version"], capture_output=True, text=True).stdout
    print(f"LibreOffice: {version.strip()}")
    print(f"load average at start: {os.getloadavg()[0]:.2f} ({os.cpu_count()} cores)")
    with tempfile.TemporaryDirectory(prefix="bench-unoserver-") as work:
        server, address, startup = start_unoserver(Path(work))
        try:
            print(f"unoserver answers after {startup:.1f} s (once per server start)")
            run("unoserver", letters(1), address)  # the first conversion loads Writer: not counted
            print()
            print("| letters | soffice per file | soffice batch (1 run) | unoserver (1 call per letter) |")
            print("|---:|---:|---:|---:|")
            for size in options.sizes:
                documents = letters(size)
                rounds = options.repeat if size == 1 else 1
                cells = []
                for method in ("soffice per file", "soffice batch", "unoserver"):
                    times = [run(method, documents, address) for _ in range(rounds)]
                    median = statistics.median(times)
                    cells.append(f"{median:.2f} s ({median / size:.2f}/letter)")
                suffix = f" (median of {rounds})" if rounds > 1 else ""
                print(f"| {size}{suffix} | " + " | ".join(cells) + " |")
            docx = letters(1)[0][1]
            fresh = statistics.median(preview(docx, None) for _ in range(options.repeat))
            served = statistics.median(preview(docx, address) for _ in range(options.repeat))
            print()
            print(f"preview (bulk.first_page_png, median of {options.repeat}): fresh soffice {fresh:.2f} s, "
                  f"unoserver {served:.2f} s")
            total, waits = at_once(letters(4), address)
            print(f"4 callers at once (threads, one letter each, unoserver): all done in {total:.2f} s; "
                  f"each waited {', '.join(f'{w:.2f}' for w in sorted(waits))} s")
        finally:
            stop_unoserver(server)
    print(f"load average at end: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
