"""Benchmark: reading a supplier list (read_recipients), real lists and hostile files, in one run.

Files (written to a temporary directory):
- real lists of 1,000 and 5,000 rows, as XLSX (openpyxl) and as CSV (Dutch Excel: ';', cp1252);
- blank-rows bomb: a header, three recipients, then rows of styled empty cells and cells with
  only spaces up to row 1,000,000 (95 MB of sheet XML, 9 MB zipped: just under the 100 MB
  unzipped limit), with and without a <dimension> element;
- lying dimension: three recipients, but <dimension ref="A1:XFD1048576"/>;
- CSV bomb: 2,000,000 lines ",,,".

Compared on the bomb in the same run: "old", what the reader did before (openpyxl read-only,
reset_dimensions(), a plain ``sheet.iter_rows()`` loop), stopped after 60 s; "openpyxl load",
only ``load_workbook(read_only=True)``; and "ours", read_recipients.

Each case runs in its own process, so its peak memory is its own: "extra MB" is the maximum
resident size minus the size before the case started (imports and the file in memory
excluded). The answer column shows what a user would see.

Usage: NLTK_DATA=.state/nltk_data .venv/bin/python bench/bench_spreadsheet.py [--quick]
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

HEADER = ["Organisatie", "Straat en huisnummer", "Postcode", "Plaats", "Land", "Aanspreekvorm",
          "Voornaam of voorletters", "Tussenvoegsel", "Achternaam", "Aanhef"]
NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
OLD_LIMIT_SECONDS = 60


def recipient(n: int) -> list[str]:
    return [f"Bedrijf {n} B.V.", f"Kerkstraat {n % 200 + 1}", f"{1000 + n % 8999} AB", "Amsterdam", "",
            ("heer", "mevrouw", "neutraal", "onbekend")[n % 4], "Kim", "van den", f"Berg{n}", ""]


def real_xlsx(count: int) -> bytes:
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    for n in range(count):
        sheet.append(recipient(n))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def real_csv(count: int) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(HEADER)
    writer.writerows(recipient(n) for n in range(count))
    return out.getvalue().encode("cp1252")


def with_sheet(sheet_chunks, level: int = 6) -> bytes:
    """A three-recipient workbook from openpyxl whose sheet1.xml is replaced by ``sheet_chunks``."""
    source = zipfile.ZipFile(io.BytesIO(real_xlsx(3)))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as target:
        for item in source.infolist():
            if item.filename == "xl/worksheets/sheet1.xml":
                with target.open(item.filename, "w", force_zip64=True) as stream:
                    for chunk in sheet_chunks:
                        stream.write(chunk.encode("utf-8"))
            else:
                target.writestr(item, source.read(item.filename))
    return out.getvalue()


def _inline(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'


def _filled_rows(count: int):
    rows = [HEADER] + [recipient(n) for n in range(count)]
    for number, values in enumerate(rows, start=1):
        yield f'<row r="{number}">' + "".join(
            _inline(f"{chr(65 + i)}{number}", value) for i, value in enumerate(values) if value) + "</row>"


def bomb_chunks(dimension: str | None, last: int = 1_000_000):
    yield f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{NS}">'
    if dimension:
        yield f'<dimension ref="{dimension}"/>'
    yield "<sheetData>"
    yield from _filled_rows(3)
    block = []
    for number in range(5, last + 1):
        if number % 2:  # cells with only a style
            cells = "".join(f'<c r="{column}{number}" s="0"/>' for column in "ABCD")
            block.append(f'<row r="{number}">{cells}</row>')
        else:  # a cell with only spaces
            block.append(f'<row r="{number}">{_inline(f"A{number}", "  ")}</row>')
        if len(block) == 10_000:
            yield "".join(block)
            block = []
    yield "".join(block) + "</sheetData></worksheet>"


def lying_dimension_chunks():
    yield f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{NS}">'
    yield '<dimension ref="A1:XFD1048576"/><sheetData>'
    yield from _filled_rows(3)
    yield "</sheetData></worksheet>"


def make_files(folder: Path, quick: bool) -> dict[str, Path]:
    sizes = (1000,) if quick else (1000, 5000)
    made = {}
    for count in sizes:
        made[f"{count} rows xlsx"] = real_xlsx(count)
        made[f"{count} rows csv"] = real_csv(count)
    made["blank bomb xlsx"] = with_sheet(bomb_chunks("A1:J1000000"))
    made["bomb, no dimension"] = with_sheet(bomb_chunks(None))
    made["lying dimension"] = with_sheet(lying_dimension_chunks())
    made["csv bomb ,,,"] = b",,,\n" * 2_000_000
    paths = {}
    for number, (name, content) in enumerate(made.items()):
        path = folder / f"{number:02d}.{'csv' if 'csv' in name else 'xlsx'}"
        path.write_bytes(content)
        paths[name] = path
    return paths


# ------------------------------------------------------------------------------ cases


def case_ours(path: Path) -> str:
    from docassemble.psobrief.spreadsheet import read_recipients

    result = read_recipients(path.read_bytes(), path.name)
    if result.problems:
        return f"problem: {result.problems[0][:60]}"
    return f"{len(result.recipients)} recipients, warnings: {len(result.warnings)}"


def case_old(path: Path) -> str:
    import warnings

    import openpyxl

    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        workbook = openpyxl.load_workbook(path, read_only=True)
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()
        rows = 0
        for rows, _ in enumerate(sheet.iter_rows(), start=1):
            if time.perf_counter() - start > OLD_LIMIT_SECONDS:
                return f"stopped after {OLD_LIMIT_SECONDS} s at row {rows:,}"
    return f"{rows:,} rows iterated"


def case_load(path: Path) -> str:
    import openpyxl

    openpyxl.load_workbook(path, read_only=True)
    return "loaded (no row read yet)"


CASES = {"ours": case_ours, "old": case_old, "openpyxl load": case_load}


def _status_mb(field: str) -> float:
    """A memory figure of this process from /proc (VmRSS: now; VmHWM: the peak since exec)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return float("nan")


def child(case: str, path: Path) -> None:
    import openpyxl  # noqa: F401  (imports are not what we measure)

    import docassemble.psobrief.spreadsheet  # noqa: F401

    before = _status_mb("VmRSS")
    start = time.perf_counter()
    answer = CASES[case](path)
    seconds = time.perf_counter() - start
    peak = _status_mb("VmHWM")  # not ru_maxrss: that keeps the parent's size from before the exec
    print(json.dumps({"seconds": seconds, "extra_mb": max(0.0, peak - before), "answer": answer}))


def run(case: str, path: Path) -> dict:
    try:
        result = subprocess.run([sys.executable, __file__, "--child", case, str(path)],
                                capture_output=True, text=True, timeout=OLD_LIMIT_SECONDS + 60, cwd=ROOT)
    except subprocess.TimeoutExpired:
        return {"seconds": float("nan"), "extra_mb": float("nan"), "answer": "killed after the time limit"}
    if result.returncode:
        return {"seconds": float("nan"), "extra_mb": float("nan"),
                "answer": "crashed: " + (result.stderr.strip().splitlines() or ["?"])[-1][:60]}
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="skip the 5,000-row lists")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], Path(args.child[1]))
        return
    with tempfile.TemporaryDirectory(prefix="psobrief-bench-") as folder:
        paths = make_files(Path(folder), args.quick)
        print(f"{'file':20} {'MB':>6} {'case':14} {'seconds':>8} {'extra MB':>9}  answer")
        plan = [(name, "ours") for name in paths]
        plan += [("blank bomb xlsx", "openpyxl load"), ("blank bomb xlsx", "old"),
                 ("bomb, no dimension", "openpyxl load"), ("bomb, no dimension", "old")]
        for name, case in plan:
            r = run(case, paths[name])
            size = paths[name].stat().st_size / 2**20
            print(f"{name:20} {size:6.2f} {case:14} {r['seconds']:8.2f} {r['extra_mb']:9.0f}  {r['answer']}")


if __name__ == "__main__":
    main()
