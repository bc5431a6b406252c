"""PDFs of DOCX files with LibreOffice: a running unoserver when one is named, else a fresh soffice.

Starting LibreOffice costs about a second per conversion run. When a unoserver (a LibreOffice
kept running, as docassemble's Docker image runs it) is named, each DOCX goes to it by one
XML-RPC call; whatever it does not deliver (it is not running, it is restarting, it is busy
past the timeout, the PDF is bad) is made by a fresh ``soffice --convert-to`` as before, so a
missing or crashed unoserver never costs a PDF, only time.

Naming a unoserver (the first that is set wins):

- the environment variable ``PSOBRIEF_UNOSERVER`` (``host:port``), which ``scripts/serve``
  sets for its web server and worker;
- docassemble's configuration ``psobrief unoserver: host:port`` (other docassemble servers,
  for example the Docker image's own unoserver: ``127.0.0.1:2003``).

Empty, ``off`` or unset: no unoserver, every PDF from a fresh soffice.

Several, comma-separated (``host:port,host:port,…``, as ``scripts/serve`` names one per
celery worker process): the first is shared by the web processes (and anything that is not
a celery pool process), the others belong to the celery worker processes, process ``i`` of
the pool (billiard's ``index``) taking entry ``1 + i`` (wrapping round when there are fewer).
A process with a unoserver of its own (:func:`own_unoserver_address`) sends a long list's
print sections to it too; with one unoserver only, a long list keeps to fresh soffice runs
so that the one shared LibreOffice stays free for people waiting for a preview.

Only the Python standard library talks to unoserver: the ``unoserver`` package needs
LibreOffice's ``uno`` module, which exists only for the system Python, not for docassemble's.
The document travels inside the call (no shared paths), so the server may run as another user
or in another container.
"""

from __future__ import annotations

import http.client
import logging
import os
import shutil
import subprocess
import xmlrpc.client
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["PDF_BATCH", "PDF_FILTER", "Conversion", "LibreOfficeMissing", "make_pdfs", "soffice",
           "unoserver_address", "unoserver_addresses", "own_unoserver_address", "convert_one_with_unoserver"]

log = logging.getLogger(__name__)

ENVIRONMENT = "PSOBRIEF_UNOSERVER"
CONFIG_KEY = "psobrief unoserver"
#: Seconds one call may take, including the wait for the conversions ahead of it (unoserver
#: converts one document at a time and lets the others wait; a letter takes about 0.2 s).
#: A hung LibreOffice costs a caller this long once, then the rest goes to a fresh soffice.
UNOSERVER_TIMEOUT = 30
#: Sets larger than this (a list job in the worker) go to a fresh soffice in batches: per file
#: that is as fast (about 0.13 s), it uses the other processor core, and it does not keep
#: the one shared LibreOffice busy while people wait for a preview or their documents.
UNOSERVER_MAX_DOCUMENTS = 20
#: Documents per soffice run. One run converts a list far faster than one start per file, but
#: a single run over more than about 245 documents stops making PDFs (seen with LibreOffice
#: 7.4 here): lists are converted in parts of this size.
PDF_BATCH = 100
#: soffice's PDF export with its options as JSON (LibreOffice 7.4 or later): a tagged PDF, so
#: screen readers get the headings (/H1, /H2), the reading order, the images' alt text and the
#: language (/Lang nl-NL, from the template).
PDF_FILTER = 'pdf:writer_pdf_Export:{"UseTaggedPDF": {"type": "boolean", "value": "true"}}'
#: The same for unoserver, which takes options as NAME=VALUE (its JSON form fails).
UNOSERVER_FILTER = "writer_pdf_Export"
UNOSERVER_OPTIONS = ["UseTaggedPDF=true"]


class LibreOfficeMissing(RuntimeError):
    """No soffice on this machine (and no unoserver made the PDFs)."""


@dataclass
class Conversion:
    """Which document's PDF was made how (input paths); a path in neither failed."""

    unoserver: list[Path] = field(default_factory=list)
    soffice: list[Path] = field(default_factory=list)
    unoserver_problem: str = ""  # why unoserver stopped being asked, for the log and tests


def unoserver_addresses() -> list[tuple[str, int]]:
    """Every unoserver named (``host:port``, comma-separated), in order; [] for none.

    One that is not ``host:port`` is left out with a warning (the others still count).
    """
    value = os.environ.get(ENVIRONMENT)
    if value is None:
        value = _configured()
    value = (value or "").strip()
    if not value or value.lower() in ("off", "no", "false", "0"):
        return []
    found = []
    for entry in value.split(","):
        entry = entry.strip()
        if "://" in entry:
            entry = entry.split("://", 1)[1]
        host, _, port = entry.rstrip("/").rpartition(":")
        if not host or not port.isdigit() or not 0 < int(port) < 65536:
            log.warning("psobrief: %s=%r is not host:port; PDFs come from a fresh LibreOffice", ENVIRONMENT, entry)
            continue
        found.append((host.strip("[]"), int(port)))
    return found


def _pool_index() -> int | None:
    """The index of this celery (billiard) pool process, or None outside a pool process."""
    try:
        from billiard.process import current_process
    except ImportError:
        return None
    index = getattr(current_process(), "index", None)
    return index if isinstance(index, int) and index >= 0 else None


def unoserver_address() -> tuple[str, int] | None:
    """(host, port) of the unoserver this process uses, or None.

    With several named, a celery pool process takes its own (entry ``1 + index``), every
    other process the first.
    """
    addresses = unoserver_addresses()
    if not addresses:
        return None
    index = _pool_index()
    if len(addresses) == 1 or index is None:
        return addresses[0]
    return addresses[1 + index % (len(addresses) - 1)]


def own_unoserver_address() -> tuple[str, int] | None:
    """The unoserver that belongs to this process alone (a celery pool process when several
    are named), or None: only then does a long list's conversion go to a unoserver."""
    if len(unoserver_addresses()) > 1 and _pool_index() is not None:
        return unoserver_address()
    return None


def _configured() -> str | None:
    """``psobrief unoserver`` from docassemble's configuration, when docassemble is loaded."""
    try:
        from docassemble.base.config import daconfig
    except Exception:  # noqa: BLE001 - outside docassemble (CLI, tests): no configuration
        return None
    value = daconfig.get(CONFIG_KEY) if isinstance(daconfig, dict) else None
    return str(value) if value is not None else None


#: The environment variable naming the LibreOffice program, when it is not ``soffice`` on the PATH.
PROGRAM_ENVIRONMENT = "PSOBRIEF_SOFFICE"


def soffice() -> str:
    """The LibreOffice program (``PSOBRIEF_SOFFICE``, else ``soffice`` or ``libreoffice`` on
    the PATH), or :class:`LibreOfficeMissing`."""
    named = os.environ.get(PROGRAM_ENVIRONMENT)
    program = shutil.which(named) if named else shutil.which("soffice") or shutil.which("libreoffice")
    if not program:
        raise LibreOfficeMissing(named or "soffice")
    return program


def good_pdf(content: bytes) -> bool:
    return len(content) >= 100 and content.startswith(b"%PDF-") and b"%%EOF" in content[-1024:]


class _Transport(xmlrpc.client.Transport):
    """HTTP to unoserver with a socket timeout (the standard transport waits forever)."""

    def __init__(self, timeout: float):
        super().__init__()
        self.timeout = timeout

    def make_connection(self, host):
        connection = super().make_connection(host)
        if isinstance(connection, http.client.HTTPConnection):
            connection.timeout = self.timeout
        return connection


def convert_with_unoserver(address: tuple[str, int], paths: list[Path], out: Path,
                           timeout: float = UNOSERVER_TIMEOUT) -> tuple[list[Path], str]:
    """Ask unoserver for the PDF of each path, written to ``out/<stem>.pdf``.

    Returns the paths done and, when it stopped asking, why. A refused connection or a
    timeout ends the attempt at once (the rest go to soffice without waiting again); a
    conversion error or a bad PDF costs only that document. A new connection per call:
    ``ServerProxy`` is not safe to share between threads, and unoserver itself queues
    calls from any number of threads and processes.
    """
    done: list[Path] = []
    for path in paths:
        content, problem = convert_one_with_unoserver(address, path.read_bytes(), timeout, path.name)
        if problem:
            return done, problem
        if content is not None:
            (out / f"{path.stem}.pdf").write_bytes(content)
            done.append(path)
    return done, ""


def convert_one_with_unoserver(address: tuple[str, int], docx: bytes, timeout: float = UNOSERVER_TIMEOUT,
                               name: str = "document") -> tuple[bytes | None, str]:
    """The tagged PDF of one DOCX from unoserver: (PDF or None, why unoserver cannot be asked).

    A refused connection or a timeout gives (None, the reason): the caller stops asking. A
    conversion error or a bad PDF gives (None, ""): only this document failed. Safe to call
    from any thread (a new connection per call).
    """
    host, port = address
    url = f"http://{host}:{port}/" if ":" not in host else f"http://[{host}]:{port}/"
    try:
        with xmlrpc.client.ServerProxy(url, allow_none=True, transport=_Transport(timeout)) as proxy:
            # convert(inpath, indata, outpath, convert_to, filtername, filter_options,
            #         update_index, infiltername, password): the data in, the PDF back.
            result = proxy.convert(None, xmlrpc.client.Binary(docx), None, "pdf",
                                   UNOSERVER_FILTER, UNOSERVER_OPTIONS, False, None, None)
    except xmlrpc.client.Fault as error:
        log.warning("psobrief: unoserver could not convert %s: %s", name, error.faultString[-300:])
        return None, ""
    except (OSError, xmlrpc.client.Error, http.client.HTTPException) as error:
        return None, f"{type(error).__name__}: {error}"
    content = result.data if isinstance(result, xmlrpc.client.Binary) else None
    if content is None or not good_pdf(content):
        log.warning("psobrief: unoserver returned no valid PDF for %s", name)
        return None, ""
    return content, ""


def convert_with_soffice(program: str, paths: list[Path], out: Path, timeout: float, home: Path,
                         soffice_filter: str = PDF_FILTER) -> None:
    """One fresh LibreOffice run for ``paths``; what it could not make is simply missing from ``out``.

    ``home`` gets the throw-away LibreOffice profile (a new one per job: several jobs at once
    must not share one).
    """
    profile = home / "profile"
    command = [program, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
               "--convert-to", soffice_filter, "--outdir", str(out), *map(str, paths)]
    env = {**os.environ, "HOME": str(home)}
    try:
        subprocess.run(command, capture_output=True, timeout=timeout, env=env)
    except (subprocess.SubprocessError, OSError):
        pass  # the files it did not make are retried and then reported


def _made(out: Path, path: Path) -> bool:
    pdf = out / f"{path.stem}.pdf"
    if not pdf.is_file() or pdf.stat().st_size < 100:
        return False
    with pdf.open("rb") as handle:
        return handle.read(5) == b"%PDF-"


def make_pdfs(paths: list[Path], out: Path, home: Path, timeout: float = 3600,
              max_unoserver: int = UNOSERVER_MAX_DOCUMENTS,
              address: tuple[str, int] | None | bool = True, batch: int = PDF_BATCH,
              soffice_filter: str = PDF_FILTER) -> Conversion:
    """PDFs of the DOCX ``paths`` (distinct stems) as ``out/<stem>.pdf``.

    First the named unoserver, one call per document (sets up to ``max_unoserver``
    documents); then a fresh soffice, in runs of ``batch`` documents, for every PDF still
    missing; then a fresh soffice once more for each one still missing, on its own.
    ``address``: True for :func:`unoserver_address`, None for no unoserver, or (host, port).
    ``timeout`` bounds each soffice run. Raises :class:`LibreOfficeMissing` only when soffice
    is needed and not installed.
    """
    out.mkdir(parents=True, exist_ok=True)
    report = Conversion()
    if address is True:
        address = unoserver_address()
    if address and len(paths) <= max_unoserver:
        report.unoserver, report.unoserver_problem = convert_with_unoserver(
            address, paths, out, min(timeout, UNOSERVER_TIMEOUT))
        if report.unoserver_problem:
            log.warning("psobrief: unoserver %s:%s not usable (%s): a fresh LibreOffice makes the PDFs",
                        address[0], address[1], report.unoserver_problem)
    left = [path for path in paths if path not in report.unoserver]
    if not left:
        return report
    try:
        program = soffice()
    except LibreOfficeMissing:
        if report.unoserver:
            return report  # what unoserver made is kept; the rest is missing
        raise
    for start in range(0, len(left), batch):
        convert_with_soffice(program, left[start:start + batch], out, timeout, home, soffice_filter)
    for path in left:  # a second chance, one by one
        if not _made(out, path):
            convert_with_soffice(program, [path], out, timeout, home, soffice_filter)
    report.soffice = [path for path in left if _made(out, path)]
    return report
