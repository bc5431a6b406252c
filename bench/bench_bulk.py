"""Benchmark: letters for 10, 100 and 1,000 recipients, three ways, in one run.

- floor: a raw docxtpl render of the template with plain Jinja (autoescaped) and a ready context
  (no escaping, no answers checking, no ZIP): the least any approach can cost.
- ours: docassemble.psobrief.bulk.render_bundle: every letter, the combined print file,
  the overview spreadsheet, and the ZIP.
- naive: what one docassemble attachment per recipient does: open the template from disk,
  make docassemble's Jinja environment, render, save, for each recipient; then a ZIP.
PDF (the same bundle, made without PDFs first and not timed):
- pdf-per-letter: how render_bundle made them before: every letter converted as its own
  document (100 per LibreOffice run) plus the print file as one more document.
- pdf-split: how render_bundle makes them now: the print file converted in parts of
  bulk.PRINT_PART letters, the parts joined for the print file's PDF and cut into one
  tagged PDF per letter, each letter's pages found and checked by their text.
- pdf-floor-parts: only converting the print file's parts (the floor of pdf-split).
- pdf-floor-whole: only converting the print file as one document (one LibreOffice run).

Each case runs in its own process, so its peak memory (max RSS) is its own (LibreOffice's
is not included); the import of docassemble (a few seconds) is outside the timing.

Usage: NLTK_DATA=.state/nltk_data .venv/bin/python bench/bench_bulk.py [--sizes 10 100 1000] [--pdf-sizes 100 1000]
"""

from __future__ import annotations

import argparse
import copy
import io
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "docs" / "examples" / "answers.yml"


def answers_for(count: int):
    from docassemble.psobrief.answers import parse_answers

    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    people = data["recipients"]
    data["recipients"] = [
        {**copy.deepcopy(people[n % len(people)]), "organisation": f"Leverancier {n:04d} B.V."} for n in range(count)
    ]
    return parse_answers(data, base_dir=EXAMPLE.parent)


def case_floor(answers) -> int:
    from docxtpl import DocxTemplate
    from jinja2 import Environment

    from docassemble.psobrief.context import build_context
    from docassemble.psobrief.render import template_path

    content = template_path().read_bytes()
    context = build_context(answers, answers.recipients[0])
    context.update(logo="", signature="")
    size = 0
    for recipient in answers.recipients:
        context["recipient_address_lines"] = [recipient.organisation, recipient.street]
        template = DocxTemplate(io.BytesIO(content))
        template.render(context, jinja_env=Environment(autoescape=True))
        out = io.BytesIO()
        template.save(out)
        size += len(out.getvalue())
    return size


def case_ours(answers) -> int:
    from docassemble.psobrief.bulk import render_bundle

    return len(render_bundle(answers, pdf=False).zip_bytes())


def case_naive(answers) -> int:
    from docassemble.base.jinja import custom_jinja_env
    from docassemble.psobrief.context import build_context
    from docassemble.psobrief.render import _docx_values, letter_filename, template_path

    from docxtpl import DocxTemplate

    taken: set[str] = set()
    out = io.BytesIO()
    with tempfile.TemporaryDirectory() as work, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for recipient in answers.recipients:
            template = DocxTemplate(str(template_path()))
            values = _docx_values(template, build_context(answers, recipient))
            template.render(values, jinja_env=custom_jinja_env())
            path = Path(work) / letter_filename(recipient, taken)
            template.save(path)
            archive.write(path, path.name)
    return len(out.getvalue())


def _prepared(answers):
    """The bundle without PDFs: what the PDF cases start from (not timed)."""
    from docassemble.psobrief.bulk import render_bundle

    return render_bundle(answers, pdf=False)


def _pdf_total(pdfs, missing) -> int:
    assert not missing, missing
    return sum(len(pdf) for pdf in pdfs.values())


def case_pdf_per_letter(bundle) -> int:
    """Before: every letter converted as its own document (100 per LibreOffice run), and the
    print file converted as one more document, as render_bundle did."""
    from docassemble.psobrief.bulk import COMBINED_FILENAME, convert_to_pdf

    return _pdf_total(*convert_to_pdf({**bundle.letters, COMBINED_FILENAME: bundle.combined}))


def case_pdf_split(bundle) -> int:
    """Now: the print file converted (in parts of PRINT_PART letters), cut into one PDF per
    letter, each checked against its letter's text (render_bundle's PDF step)."""
    from docassemble.psobrief.bulk import _list_pdfs

    _list_pdfs(bundle)
    assert not bundle.pdf_missing, bundle.pdf_missing
    return len(bundle.combined_pdf) + sum(len(pdf) for pdf in bundle.pdfs.values())


def case_pdf_floor_parts(bundle) -> int:
    """The floor of the split: converting the print file's parts alone, nothing cut."""
    from docassemble.psobrief.bulk import PRINT_PART, combine_docx, convert_to_pdf

    letters = list(bundle.letters.values())
    return _pdf_total(*convert_to_pdf({f"deel {start:05d}.docx": combine_docx(letters[start:start + PRINT_PART])
                                       for start in range(0, len(letters), PRINT_PART)}))


def case_pdf_floor_whole(bundle) -> int:
    """One conversion of the whole print file as one document, nothing cut."""
    from docassemble.psobrief.bulk import COMBINED_FILENAME, convert_to_pdf

    return _pdf_total(*convert_to_pdf({COMBINED_FILENAME: bundle.combined}))


CASES = {"floor": case_floor, "ours": case_ours, "naive": case_naive,
         "pdf-per-letter": case_pdf_per_letter, "pdf-split": case_pdf_split,
         "pdf-floor-parts": case_pdf_floor_parts, "pdf-floor-whole": case_pdf_floor_whole}
PDF_CASES = ("pdf-per-letter", "pdf-split", "pdf-floor-parts", "pdf-floor-whole")


def child(case: str, count: int) -> None:
    answers = answers_for(count)
    import docassemble.base.jinja  # noqa: F401  (the import is not what we measure)

    from docassemble.psobrief.render import render_letter

    render_letter(answers, answers.recipients[0])  # warm: first-use costs are not per letter
    subject = _prepared(answers) if case in PDF_CASES else answers
    start = time.perf_counter()
    size = CASES[case](subject)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"case": case, "n": count, "seconds": seconds, "peak_mb": peak, "bytes": size}))


def run(case: str, count: int) -> dict:
    result = subprocess.run([sys.executable, __file__, "--child", case, str(count)],
                            capture_output=True, text=True, check=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 100, 1000])
    parser.add_argument("--pdf-sizes", type=int, nargs="+", default=[100, 1000])
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], int(args.child[1]))
        return
    if not shutil.which("soffice"):
        args.pdf_sizes = []
        print("LibreOffice not found: PDF cases skipped")
    print(f"{'case':15} {'recipients':>10} {'seconds':>9} {'letters/s':>10} {'peak MB':>8}")
    results = {}
    for count in args.sizes:
        for case in ("floor", "ours", "naive"):
            results[case, count] = r = run(case, count)
            print(f"{case:15} {count:10} {r['seconds']:9.2f} {count / r['seconds']:10.1f} {r['peak_mb']:8.0f}",
                  flush=True)
    for count in args.pdf_sizes:
        for case in PDF_CASES:
            results[case, count] = r = run(case, count)
            print(f"{case:15} {count:10} {r['seconds']:9.2f} {count / r['seconds']:10.1f} {r['peak_mb']:8.0f}",
                  flush=True)
    print()
    for count in args.sizes:
        ours, naive, floor = (results[c, count]["seconds"] for c in ("ours", "naive", "floor"))
        print(f"{count:5} recipients, DOCX: naive takes {naive / ours:.2f}x the time of ours; "
              f"ours takes {ours / floor:.2f}x the time of the raw docxtpl floor")
    for count in args.pdf_sizes:
        before, now, parts, whole = (results[c, count]["seconds"] for c in PDF_CASES)
        print(f"{count:5} recipients, PDF: per letter takes {before / now:.1f}x the time of print file and split; "
              f"the split adds {now - parts:.1f} s to converting the print file's parts ({parts:.1f} s); "
              f"the print file as one document takes {whole:.1f} s")

if __name__ == "__main__":
    main()
