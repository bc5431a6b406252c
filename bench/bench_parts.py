"""Benchmark: a list's PDFs through the part path, offline, one process, old way against new.

A list job in the worker (``jobs.run_part_job``) makes each part of ``bulk.PART_LETTERS``
letters (render, PDFs, the part written to a file and read back) and the last part joins
them (``bulk.finish_bundle``, the ZIP). This runs those steps for every part one after the
other in one process, as one celery worker does, each way in its own process (peak RSS is
that process's own; LibreOffice's is not included):

- floor: LibreOffice alone converting the print file in sections of 50 letters in one fresh
  run (as bench_workers.py's floor);
- old: the package as it is at ``--old`` (a git revision, default ``main``): jobs.py's calls
  of that time (``render_part(pdf=False)``, ``add_pdfs(unoserver=False)``: a fresh soffice
  per part);
- new: this checkout, jobs.py's calls (the same): a fresh soffice per part, each section
  cut as soon as LibreOffice has written its PDF;
- new-unoserver: this checkout with a unoserver of the worker process's own (started here
  from .venv-uno; ``PSOBRIEF_UNOSERVER`` as a comma list, ``add_pdfs(unoserver="own")``):
  the sections sent one by one from a thread while the worker cuts the ones before;
- new-unoserver-render: the same with ``render_part(pdf=True)``: the letters rendered while
  the unoserver converts the sections rendered before them too.

Every way's ZIP is checked: every letter has its PDF and nothing is missing.

    NLTK_DATA=.state/nltk_data .venv/bin/python bench/bench_parts.py [--letters 1000] [--old main]
        [--ways floor old new new-unoserver new-unoserver-render] [--big-logo]
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_pdf import stop_unoserver  # bench/ is on sys.path when run

ROOT = Path(__file__).resolve().parents[1]
PYTHON = ROOT / ".venv" / "bin" / "python"
UNOSERVER = ROOT / ".venv-uno" / "bin" / "unoserver"

CHILD = r"""
import io, json, resource, sys, tempfile, time, zipfile
sys.path.insert(0, {bench!r})
way, letters, logo = sys.argv[1], int(sys.argv[2]), sys.argv[3]
import copy, yaml
from pathlib import Path
from docassemble.psobrief.answers import parse_answers
from docassemble.psobrief import bulk
example = Path({example!r})
data = yaml.safe_load(example.read_text(encoding="utf-8"))
people = data["recipients"]
data["recipients"] = [{{**copy.deepcopy(people[n % len(people)]), "organisation": f"Leverancier {{n:04d}} B.V."}}
                      for n in range(letters)]
if logo:
    data["sender"]["logo"] = logo
answers = parse_answers(data, base_dir=example.parent)
if way.startswith("new-unoserver"):
    from docassemble.psobrief import libreoffice
    libreoffice._pool_index = lambda: 0  # as in celery's first pool process
bulk.render_letters  # imported
from docassemble.psobrief.render import render_letters
list(render_letters(answers, answers.recipients[:1]))  # docassemble's Jinja environment, outside the timing
stages = {{"render": 0.0, "pdf": 0.0, "store": 0.0, "finish": 0.0, "zip": 0.0}}
started = time.perf_counter()
if way == "floor":
    items = bulk.plan_letters(answers)
    part = bulk.render_part(answers, items, pdf=False)
    names = list(part.letters)
    sections = {{f"deel {{n:03d}}.docx": bulk.combine_docx([part.letters[name] for name in names[s:s + 50]])
                for n, s in enumerate(range(0, len(names), 50))}}
    started = time.perf_counter()
    converted, missing = bulk.convert_to_pdf(sections, unoserver=False)
    print(json.dumps({{"seconds": time.perf_counter() - started, "pdfs": len(converted), "missing": len(missing),
                      "peak": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024}}))
    sys.exit(0)
items = bulk.plan_letters(answers)
size = bulk.PART_LETTERS
stored = []
with tempfile.TemporaryDirectory() as work:
    for number, start in enumerate(range(0, len(items), size)):
        mine = items[start:start + size]
        t0 = time.perf_counter()
        if way == "new-unoserver-render":
            made = bulk.render_part(answers, mine, pdf=True, annex=number == 0, unoserver="own")
            t1 = t0
        else:
            made = bulk.render_part(answers, mine, pdf=False, annex=number == 0)
            t1 = time.perf_counter()
            if way in ("old", "new"):  # jobs.run_part_job's call at the time
                bulk.add_pdfs(made, unoserver=len(mine) <= bulk.PRINT_PART)
            else:
                bulk.add_pdfs(made, unoserver="own")
        t2 = time.perf_counter()
        path = Path(work) / f"part {{number}}.zip"
        made.write(path)
        stored.append(path)
        t3 = time.perf_counter()
        stages["render"] += t1 - t0
        stages["pdf"] += t2 - t1
        stages["store"] += t3 - t2
    t3 = time.perf_counter()
    if hasattr(bulk, "finish_job"):  # this checkout: the ZIP is written by finish_job, part by part
        finished = bulk.finish_job(items, stored, Path(work) / "klaar")
        t4 = t5 = time.perf_counter()
        out, missing, print_pdf = finished.zip, finished.pdf_missing, finished.combined_pdf is not None
    else:  # a revision before it: the parts read back whole, the bundle in memory
        parts = [bulk.Part.read(path) for path in stored]
        bundle = bulk.finish_bundle(items, parts)
        t4 = time.perf_counter()
        out = Path(work) / "bundle.zip"
        bundle.write_zip(out)
        t5 = time.perf_counter()
        missing, print_pdf = bundle.pdf_missing, bundle.combined_pdf is not None
    stages["finish"] += t4 - t3
    stages["zip"] += t5 - t4
    with zipfile.ZipFile(out) as archive:
        pdfs = [name for name in archive.namelist() if name.startswith("PDF/")]
me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({{"seconds": time.perf_counter() - started, "pdfs": len(pdfs), "missing": len(missing),
                  "cpu": me.ru_utime + me.ru_stime, "cpu_children": kids.ru_utime + kids.ru_stime,
                  "print_pdf": print_pdf, "stages": stages,
                  "peak": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024}}))
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_unoserver(work: Path) -> tuple[subprocess.Popen, int]:
    """A unoserver on free ports (a worker process's own); waits until it answers."""
    (work / "home").mkdir(parents=True, exist_ok=True)
    port, uno_port = free_port(), free_port()
    server = subprocess.Popen(
        [str(UNOSERVER), "--interface", "127.0.0.1", "--port", str(port), "--uno-port", str(uno_port),
         "--user-installation", str(work / "profile"), "--conversion-timeout", "60"],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        env={**os.environ, "HOME": str(work / "home"), "LANG": "en_US.UTF-8"})
    deadline = time.monotonic() + 60
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return server, port
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("unoserver did not start") from None
            time.sleep(0.2)


def tree_cpu(pid: int) -> float:
    """CPU seconds (user + system) used so far by a process and everything under it (Linux /proc)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            children.setdefault(int(fields[1]), []).append(int(entry.name))
    total, todo = 0.0, [pid]
    while todo:
        current = todo.pop()
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        todo.extend(children.get(current, []))
    return total


def old_package(revision: str, work: Path) -> Path:
    """The package at ``revision`` in ``work`` (git archive), to put first on PYTHONPATH."""
    work.mkdir(parents=True, exist_ok=True)
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", "--format=tar", revision, "docassemble/psobrief"],
                             capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(work)], input=archive, check=True)
    return work


def photo(path: Path) -> None:
    """A 4000 x 3000 JPEG of noise: about 15 MB, as a phone photo of a logo can be."""
    from PIL import Image

    Image.frombytes("RGB", (4000, 3000), os.urandom(4000 * 3000 * 3)).save(path, "JPEG", quality=95)


def run(way: str, letters: int, logo: str, env: dict[str, str], work: Path) -> dict:
    script = CHILD.format(bench=str(ROOT / "bench"), example=str(ROOT / "docs" / "examples" / "answers.yml"))
    # in a folder of its own: `python -c` puts the working folder first on sys.path
    done = subprocess.run([str(PYTHON), "-c", script, way, str(letters), logo], capture_output=True, text=True,
                          timeout=7200, env=env, cwd=work)
    if done.returncode:
        raise SystemExit(f"{way} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--letters", type=int, default=1000)
    parser.add_argument("--old", default="main", help="git revision of the old way (default: main)")
    parser.add_argument("--ways", nargs="+", default=["floor", "old", "new"])
    parser.add_argument("--big-logo", action="store_true", help="a 15 MB photo as the logo")
    args = parser.parse_args()
    base = {**os.environ, "NLTK_DATA": str(ROOT / ".state" / "nltk_data")}
    base.pop("PSOBRIEF_UNOSERVER", None)
    rows = []
    with tempfile.TemporaryDirectory(prefix="psobrief-bench-parts-") as folder:
        work = Path(folder)
        logo = ""
        if args.big_logo:
            logo = str(work / "logo.jpg")
            photo(Path(logo))
        for way in args.ways:
            env = dict(base)
            server = None
            if way == "old":
                env["PYTHONPATH"] = str(old_package(args.old, work / "old"))
            elif way.startswith("new-unoserver"):
                server, port = start_unoserver(work / f"unoserver-{way}")
                # the first entry is the web processes' unoserver: a dead port, never asked by a pool process
                env["PSOBRIEF_UNOSERVER"] = f"127.0.0.1:{free_port()},127.0.0.1:{port}"
            try:
                before = tree_cpu(server.pid) if server else 0.0
                result = run(way, args.letters, logo, env, work)
                result["cpu_unoserver"] = tree_cpu(server.pid) - before if server else 0.0
            finally:
                if server:
                    stop_unoserver(server)
            rows.append((way, result))
            stages = " ".join(f"{key} {value:.1f}" for key, value in result.get("stages", {}).items())
            print(f"{way:>12}: {result['seconds']:6.1f} s  {args.letters / result['seconds']:5.1f} letters/s  "
                  f"PDFs {result['pdfs']}  missing {result['missing']}  peak {result['peak'] / 1e6:.0f} MB  "
                  f"CPU s: python {result.get('cpu', 0):.1f} soffice/pdftotext {result.get('cpu_children', 0):.1f} "
                  f"unoserver {result['cpu_unoserver']:.1f}  stages s: {stages}",
                  flush=True)
    floor = dict(rows).get("floor")
    if floor:
        for way, result in rows:
            print(f"{way:>12}: {result['seconds'] / floor['seconds']:.2f}x floor")
    bad = [way for way, result in rows if result["missing"] or (way != "floor" and result["pdfs"] != args.letters)]
    if bad:
        print("missing PDFs:", ", ".join(bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
