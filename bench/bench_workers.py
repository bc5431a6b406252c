"""A long list with PDFs on the local server: one celery worker against two, and the floor.

Runs one list job (default 1,000 letters, a 15 MB photo as the logo) through docassemble's
REST API on the running local server (`scripts/serve start`), from "Documenten maken" until
every file is stored, first with `PSOBRIEF_WORKERS=1` and then with `PSOBRIEF_WORKERS=2`
(`scripts/serve restart` in between; the server is restarted with its defaults at the end).
While a job runs it samples the memory (RSS) of every celery process and counts the CPU
seconds of the worker and everything it started. Each job's ZIP is read back: every letter
must have its PDF, and a sample of the PDFs must name their own recipient.

Two floors, LibreOffice alone on the same print file, the letters made once (DOCX only), each
in one fresh LibreOffice run timed here in the same run: the print file as one document (the
issue's floor) and the print file in sections of 50 letters (the way the parts convert it,
and LibreOffice's fastest: its time grows faster than the document).

One worker already keeps two cores busy (Python renders and cuts while its LibreOffice
converts), so on a 2-core machine a second worker has little left to use ("busy" shows it).
With --pinned each worker gets cores of its own (taskset, `PSOBRIEF_WORKER_CPUS`): one worker
on core 0 against two on cores 0 and 1, as worker machines of one core each.

    .venv-tools/bin/python bench/bench_workers.py [--letters 1000] [--workers 1 2] [--no-logo] [--pinned]
"""

from __future__ import annotations

import argparse
import copy
import io
import os
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "e2e"))

from conftest import Api, _server_env, finished_job, flat, pdf_text  # noqa: E402
from test_exchange_flow import EXAMPLES, REVIEW, start_from_saved_answers  # noqa: E402

SERVE = ROOT / "scripts" / "serve"


def photo() -> bytes:
    """A 4000 x 3000 JPEG of noise: about 15 MB, as a phone photo of a logo can be."""
    from PIL import Image

    out = io.BytesIO()
    Image.frombytes("RGB", (4000, 3000), os.urandom(4000 * 3000 * 3)).save(out, "JPEG", quality=95)
    return out.getvalue()


def answers(letters: int, logo: bytes | None) -> tuple[dict, bytes]:
    data = yaml.safe_load((EXAMPLES / "answers.yml").read_text(encoding="utf-8"))
    data["sender"]["signatory"].pop("signature", None)
    data["sender"].pop("logo", None)
    template = data["recipients"][0]
    data["recipients"] = []
    for number in range(1, letters + 1):
        item = copy.deepcopy(template)
        item["organisation"] = f"Leverancier {number:04d} B.V."
        data["recipients"].append(item)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:
        if logo:
            data["sender"]["logo"] = "logo.jpg"
            archive.writestr("logo.jpg", logo)
        archive.writestr("answers.yml", yaml.safe_dump(data, allow_unicode=True))
    return data, out.getvalue()


def restart(workers: int | None, cpus: str | None = None) -> None:
    env = dict(os.environ)
    env.pop("PSOBRIEF_WORKERS", None)
    env.pop("PSOBRIEF_WORKER_CPUS", None)
    if workers:
        env["PSOBRIEF_WORKERS"] = str(workers)
    if cpus:
        env["PSOBRIEF_WORKER_CPUS"] = cpus
    done = subprocess.run([str(SERVE), "restart"], capture_output=True, text=True, timeout=600, env=env)
    if done.returncode:
        raise SystemExit(f"scripts/serve restart failed:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")


def celery_group() -> list[Path]:
    """/proc entries of every process of the celery worker's process group (its pool
    processes and what they started: LibreOffice, pdftotext, the print PDF's join)."""
    group = int((ROOT / ".state" / "run" / "celery.pid").read_text().strip())
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and os.getpgid(int(entry.name)) == group:
                found.append(entry)
        except OSError:
            continue
    return found


def celery_rss() -> dict[int, int]:
    """RSS (bytes) of every process of the celery worker's process group."""
    sizes = {}
    for entry in celery_group():
        try:
            for line in (entry / "status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    sizes[int(entry.name)] = int(line.split()[1]) * 1024
        except (OSError, ValueError):
            continue
    return sizes


def celery_cpu() -> float:
    """CPU seconds (user + system) of the celery worker's processes so far, with those of the
    children they waited for (every LibreOffice run and join ends before its part does)."""
    total = 0.0
    for entry in celery_group():
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += sum(int(value) for value in fields[11:15]) / os.sysconf("SC_CLK_TCK")
    return total


def run_job(server: dict, content: bytes, letters: int) -> dict:
    api = Api(server)
    question = start_from_saved_answers(api, "antwoorden.zip", content)
    assert question["questionText"].strip() == REVIEW, question
    peak = {"total": 0, "one": 0}
    stop = threading.Event()

    def sample() -> None:
        while not stop.wait(0.25):
            sizes = celery_rss()
            peak["total"] = max(peak["total"], sum(sizes.values()))
            peak["one"] = max(peak["one"], max(sizes.values(), default=0))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    cpu = celery_cpu()
    started = time.perf_counter()
    api.answer({"review_answers": True}, question_name=question["questionName"])
    job = finished_job(api, api.variables(), timeout=3600)
    seconds = time.perf_counter() - started
    cpu = celery_cpu() - cpu
    stop.set()
    sampler.join()
    result = job["result"]
    archive = zipfile.ZipFile(io.BytesIO(api.file(result["files"]["zip"]["number"])))
    pdfs = sorted(name for name in archive.namelist() if name.startswith("PDF/"))
    wrong = 0
    for number in (1, letters // 2, letters):  # a sample: first, middle, last
        name = f"Leverancier {number:04d} B.V."
        pdf = next((entry for entry in pdfs if f"Leverancier {number:04d}" in entry), None)
        wrong += pdf is None or name not in flat(pdf_text(archive.read(pdf)))
    return {"seconds": seconds, "pdfs": len(pdfs), "missing": len(result["summary"]["pdf_missing"]),
            "wrong": wrong, "parts": job["parts"], "peak_total": peak["total"], "peak_one": peak["one"], "cpu": cpu,
            "zip_mb": len(api.file(result["files"]["zip"]["number"])) / 1e6}


def floor(data: dict, logo: bytes | None) -> tuple[float, float]:
    """Seconds of one fresh LibreOffice run converting the print file (all letters, one
    document: the issue's floor), and of one converting it in sections of 50 letters (what
    LibreOffice does fastest: its time grows faster than the document; the stricter floor)."""
    script = f"""
import sys, time, yaml
from pathlib import Path
from docassemble.psobrief.answers import parse_answers
from docassemble.psobrief import bulk
data = yaml.safe_load(Path(sys.argv[1]).read_text(encoding="utf-8"))
answers = parse_answers(data, base_dir=Path(sys.argv[1]).parent)
items = bulk.plan_letters(answers)
part = bulk.render_part(answers, items, pdf=False)
names = list(part.letters)
sections = {{f"deel {{n:03d}}.docx": bulk.combine_docx([part.letters[name] for name in names[start:start + {50}]])
             for n, start in enumerate(range(0, len(names), 50))}}
started = time.perf_counter()
converted, missing = bulk.convert_to_pdf(sections, unoserver=False)
sections_seconds = time.perf_counter() - started
assert not missing, missing
whole = bulk.combine_docx(list(part.letters.values()))
started = time.perf_counter()
converted, missing = bulk.convert_to_pdf({{"print.docx": whole}}, unoserver=False)
assert not missing, missing
print(time.perf_counter() - started, sections_seconds)
"""
    with tempfile.TemporaryDirectory(prefix="psobrief-floor-") as folder:
        copied = copy.deepcopy(data)
        if logo:
            (Path(folder) / "logo.jpg").write_bytes(logo)
        (Path(folder) / "answers.yml").write_text(yaml.safe_dump(copied, allow_unicode=True), encoding="utf-8")
        done = subprocess.run([str(ROOT / ".venv" / "bin" / "python"), "-c", script, str(Path(folder) / "answers.yml")],
                              capture_output=True, text=True, timeout=3600,
                              env={**os.environ, "NLTK_DATA": str(ROOT / ".state" / "nltk_data")})
        if done.returncode:
            raise SystemExit(f"floor failed: {done.stderr[-2000:]}")
        whole, sections = done.stdout.split()[-2:]
        return float(whole), float(sections)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--letters", type=int, default=1000)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--no-logo", action="store_true")
    parser.add_argument("--pinned", action="store_true",
                        help="one core per worker (taskset): 1 worker on core 0, 2 workers on cores 0 and 1, "
                             "as worker machines of one core each")
    args = parser.parse_args()
    env = _server_env()
    server = {"url": env["PSOBRIEF_URL"], "key": env["PSOBRIEF_API_KEY"]}
    logo = None if args.no_logo else photo()
    data, content = answers(args.letters, logo)
    print(f"{args.letters} letters, logo {len(logo) / 1e6:.1f} MB" if logo else f"{args.letters} letters, no logo")
    whole_floor, section_floor = floor(data, logo)
    print(f"floor: LibreOffice alone on the print file in one run: as one document {whole_floor:.1f} s "
          f"({args.letters / whole_floor:.1f} letters/s), in sections of 50 {section_floor:.1f} s "
          f"({args.letters / section_floor:.1f} letters/s)")
    cores = os.cpu_count() or 1
    rows = []
    try:
        for workers in args.workers:
            cpus = ",".join(str(core) for core in range(workers)) if args.pinned else None
            restart(workers, cpus)
            rows.append((workers, cpus or f"0-{cores - 1}", run_job(server, content, args.letters)))
    finally:
        restart(None)
    print(f"{'workers':>7} {'cores':>5} {'parts':>5} {'seconds':>8} {'PDF letters/s':>14} {'x floor':>8} "
          f"{'x 50s':>6} {'speed-up':>9} {'CPU s':>6} {'busy':>5} {'PDFs':>6} {'missing':>8} {'wrong':>6} "
          f"{'peak RSS all':>13} {'one process':>12} {'ZIP':>8}")
    first = rows[0][2]["seconds"] if rows else 1
    for workers, cpus, row in rows:
        seconds = row["seconds"]
        print(f"{workers:>7} {cpus:>5} {row['parts']:>5} {seconds:>7.1f}s {args.letters / seconds:>14.1f} "
              f"{seconds / whole_floor:>7.2f}x {seconds / section_floor:>5.2f}x "
              f"{first / seconds:>8.2f}x {row['cpu']:>6.1f} {row['cpu'] / seconds:>5.2f} {row['pdfs']:>6} "
              f"{row['missing']:>8} {row['wrong']:>6} {row['peak_total'] / 1e6:>10.0f} MB "
              f"{row['peak_one'] / 1e6:>9.0f} MB {row['zip_mb']:>5.0f} MB")
    print("x floor: against the print file as one document; x 50s: against it in sections of 50; "
          "busy: the worker's CPU seconds per second (its LibreOffice and joins included), of "
          f"{cores} cores: two workers can be at most {cores} / busy of one worker times as fast")
    return 1 if any(row["wrong"] or row["missing"] or row["pdfs"] != args.letters for _, _, row in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
