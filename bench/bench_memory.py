"""Benchmark: peak memory and ZIP size of a list job with a 15 MB logo, against no logo.

The issue behind it: a 15 MB photo as the logo and 75 letters once made a 1.2 GB ZIP in
memory and a 3.2 GB worker. The letters now carry the print-ready copy of the logo (scaled
to the size it is printed at, ``images.print_ready``), so the logo should cost about what
the print-ready copy weighs, per letter. Both ways run in one invocation, each in its own
process (its max RSS is its own): ``no logo`` (the floor) and ``15 MB logo``. "largest child"
is the largest process a job started (sampled every 0.1 s): a LibreOffice run, or (from 4
sections of the print file on) the process that joins the print file's PDF.

Usage: NLTK_DATA=.state/nltk_data .venv/bin/python bench/bench_memory.py [--sizes 75 1000] [--pdf]
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "docs" / "examples" / "answers.yml"


def photo(path: Path) -> int:
    """A 4000 x 3000 JPEG of noise: about 15 MB, as a phone photo of a logo can be."""
    from PIL import Image

    Image.frombytes("RGB", (4000, 3000), os.urandom(4000 * 3000 * 3)).save(path, "JPEG", quality=95)
    return path.stat().st_size


def child(case: str, count: int, pdf: bool) -> None:
    from docassemble.psobrief.answers import parse_answers
    from docassemble.psobrief.bulk import render_job

    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    data["sender"].pop("signature", None)
    data["sender"]["signatory"].pop("signature", None)
    with tempfile.TemporaryDirectory(prefix="psobrief-bench-") as folder:
        logo_bytes = 0
        if case == "logo":
            logo = Path(folder) / "logo.jpg"
            logo_bytes = photo(logo)
            data["sender"]["logo"] = str(logo)
        else:
            data["sender"].pop("logo", None)
        template = data["recipients"][0]
        data["recipients"] = []
        for number in range(1, count + 1):
            item = copy.deepcopy(template)
            item["organisation"] = f"Leverancier {number:04d} B.V."
            data["recipients"].append(item)
        answers = parse_answers(data, base_dir=ROOT / "docs" / "examples")
        # the largest process the job starts (a LibreOffice run, the print PDF's join), sampled:
        # the kernel's figure for children counts the parent's memory copied at the start
        children, watching = {"peak": 0}, threading.Event()

        def watch() -> None:
            import psutil

            me = psutil.Process()
            while not watching.wait(0.1):
                for process in me.children(recursive=True):
                    try:
                        children["peak"] = max(children["peak"], process.memory_info().rss)
                    except psutil.Error:
                        continue

        threading.Thread(target=watch, daemon=True).start()
        start = time.perf_counter()
        finished = render_job(answers, Path(folder) / "job", pdf=pdf)  # the command line's path
        size = finished.zip.stat().st_size
        seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    watching.set()
    child_peak = children["peak"]
    print(json.dumps({"seconds": seconds, "zip": size, "peak": peak, "child": child_peak, "logo": logo_bytes,
                      "pdfs": finished.pdfs}))


def run(case: str, count: int, pdf: bool) -> dict:
    command = [sys.executable, __file__, "--child", case, str(count)] + (["--pdf"] if pdf else [])
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[75, 1000])
    parser.add_argument("--pdf", action="store_true", help="also make the PDFs (LibreOffice)")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], int(args.child[1]), args.pdf)
        return
    megabyte = 1024 * 1024
    print(f"list job (render_job{' with PDF' if args.pdf else ', DOCX only'}), each case in its own process")
    print(f"{'letters':>8} {'case':<12} {'seconds':>8} {'ZIP MB':>8} {'peak MB':>8} {'largest child MB':>17}")
    for count in args.sizes:
        for case, label in (("none", "no logo"), ("logo", "15 MB logo")):
            result = run(case, count, args.pdf)
            if case == "logo":
                label = f"{result['logo'] / megabyte:.0f} MB logo"
            print(f"{count:>8} {label:<12} {result['seconds']:>8.1f} {result['zip'] / megabyte:>8.1f} "
                  f"{result['peak'] / megabyte:>8.0f} {result['child'] / megabyte:>17.0f}")


if __name__ == "__main__":
    main()
