"""Benchmark: e-mailing 200 chain partners their letters (issue 12), our send path against the raw floor.

Both hand the same 200 messages (a letter PDF each, and the annex PDF) to the same SMTP server:
scripts/mailserver.py (aiosmtpd from .venv-mail, the server scripts/serve runs), started here on
a free port and writing each message as an .eml file into a temporary directory.

- "ours": what the background task does per recipient (sending.run_send_job without the
  docassemble session): read the letter's PDF from the job's ZIP, build the message
  (mail.letter_message: headers checked, body, base64 attachments), then mail.send_all: the
  status "sending" in the store, SMTP over one connection (NOOP before each reuse), the status
  "sent". The store here is mail.DictStore; on the server it is a Redis hash (two more round
  trips to a local Redis per message).
- "floor": the same messages built beforehand (not timed), handed over by one Python loop of
  smtplib.SMTP.send_message on one connection: what no sender in Python can beat.

Usage: .venv/bin/python bench/bench_mail.py [--count 200] [--runs 3] [--letter-kb 60] [--annex-kb 140]
"""

from __future__ import annotations

import argparse
import os
import smtplib
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from docassemble.psobrief import mail  # noqa: E402

MAIL_PYTHON = ROOT / ".venv-mail" / "bin" / "python"
SENDER = '"PSO-stimuleringsbrief" <noreply@psobrief.example>'


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fake_pdf(kilobytes: int, seed: int) -> bytes:
    """A PDF-sized payload that does not compress (a real letter's PDF is mostly compressed streams)."""
    body = os.urandom(kilobytes * 1024)
    return b"%PDF-1.7\n% " + str(seed).encode() + b"\n" + body + b"\n%%EOF\n"


def build(index: int, letter: bytes, annex: bytes) -> mail.EmailMessage:
    return mail.letter_message(
        to=f"inkoop{index}@partner{index}.example", sender_address=SENDER,
        organisation="Bouwbedrijf De Vries & Zonen B.V.", reply_to="inkoop@devries-bouw.nl",
        subject="Socialer inkopen wordt belangrijker!", salutation=f"Geachte Sam Jansen{index:03d},",
        signatory_name="Anna de Vries", signatory_function="Directeur", kvk="30123456",
        letter_pdf=letter, letter_filename=f"Stimuleringsbrief - Partner {index:03d} B.V.pdf",
        annex_pdf=annex, annex_filename="Bijlage - Socialer inkoopbeleid met de PSO-prestatieladder.pdf")


def ours(zip_path: Path, count: int, annex: bytes, config: dict) -> tuple[float, int]:
    start = time.perf_counter()
    with zipfile.ZipFile(zip_path) as archive:
        jobs = [mail.MailJob(key=f"k{index}", address=f"inkoop{index}@partner{index}.example",
                             message=lambda index=index: build(index, archive.read(f"PDF/{index}.pdf"), annex))
                for index in range(count)]
        report = mail.send_all(jobs, mail.DictStore(), config)
    elapsed = time.perf_counter() - start
    assert len(report.sent) == count, report.failed
    return elapsed, count


def floor(messages: list, config: dict) -> tuple[float, int]:
    start = time.perf_counter()
    smtp = smtplib.SMTP(config["server"], config["port"], timeout=30)
    for message in messages:
        smtp.send_message(message)
    smtp.quit()
    return time.perf_counter() - start, len(messages)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--letter-kb", type=int, default=60)
    parser.add_argument("--annex-kb", type=int, default=140)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="psobrief-bench-mail-") as work:
        work = Path(work)
        (work / "mail").mkdir()
        port = free_port()
        log = open(work / "mail.log", "w")  # a file: a pipe nobody reads would stop the server when full
        server = subprocess.Popen([str(MAIL_PYTHON), str(ROOT / "scripts" / "mailserver.py"), "--port", str(port),
                                   "--dir", str(work / "mail")], stdout=log, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + 30
            while "mail server ready" not in (work / "mail.log").read_text():
                assert server.poll() is None and time.monotonic() < deadline, (work / "mail.log").read_text()
                time.sleep(0.1)
            config = {"server": "127.0.0.1", "port": port, "use tls": False, "use ssl": False,
                      "default sender": SENDER}
            zip_path = work / "Stimuleringsbrieven.zip"
            with zipfile.ZipFile(zip_path, "w", zipfile.ZIP_STORED) as archive:
                for index in range(args.count):
                    archive.writestr(f"PDF/{index}.pdf", fake_pdf(args.letter_kb, index))
            annex = fake_pdf(args.annex_kb, -1)
            started = time.perf_counter()
            with zipfile.ZipFile(zip_path) as archive:
                messages = [build(index, archive.read(f"PDF/{index}.pdf"), annex) for index in range(args.count)]
            building = time.perf_counter() - started
            size = sum(len(message.as_bytes()) for message in messages) / args.count / 1024
            results = {"ours": [], "floor": []}
            for _ in range(args.runs):
                results["floor"].append(floor(messages, config))
                results["ours"].append(ours(zip_path, args.count, annex, config))
            kept = len(list((work / "mail").glob("*.eml")))
            print(f"{args.count} messages per run, {size:.0f} kB each on the wire (letter {args.letter_kb} kB + "
                  f"annex {args.annex_kb} kB PDF, base64), {args.runs} runs each, {kept} .eml files kept")
            print(f"{'':8} {'median s':>9} {'msg/s':>7} {'best msg/s':>11} {'MB/s':>6}")
            for name, runs in results.items():
                times = [elapsed for elapsed, _ in runs]
                median = statistics.median(times)
                print(f"{name:8} {median:9.2f} {args.count / median:7.0f} {args.count / min(times):11.0f} "
                      f"{args.count * size / 1024 / median:6.1f}")
            ratio = statistics.median(t for t, _ in results["ours"]) / statistics.median(t for t, _ in results["floor"])
            print(f"ours takes {ratio:.2f}x the floor's time; reading the PDFs from the ZIP and building the "
                  f"{args.count} messages alone takes {building:.2f} s")
        finally:
            server.terminate()
            server.wait(timeout=10)
            log.close()


if __name__ == "__main__":
    main()
