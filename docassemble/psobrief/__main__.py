"""Command line: ``python -m docassemble.psobrief render answers.yml --out DIR``.

Makes the same documents as the interview from an answers file (YAML or JSON; see
docs/answers-format.md), or from the ZIP the interview saves ("Antwoorden opslaan":
answers.yml with its logo and signature). With ``--pdf`` each DOCX is also converted with LibreOffice.
With ``--recipients lijst.xlsx`` the recipients come from a spreadsheet (the interview's
format, XLSX or CSV) instead of the answers file; ``--bundle`` writes the bulk bundle:
one ZIP with every letter, the print file and the overview.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

from . import exchange
from .answers import Answers, AnswersError
from .dutch import count_of

__all__ = ["main"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m docassemble.psobrief", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    render = commands.add_parser("render", help="documenten maken uit een antwoordenbestand")
    render.add_argument("answers", type=Path,
                        help="antwoordenbestand (.yml, .yaml of .json) of het ZIP-bestand uit de vragenlijst")
    render.add_argument("--out", type=Path, default=Path("."), help="map voor de documenten")
    render.add_argument("--pdf", action="store_true", help="ook PDF maken (LibreOffice nodig)")
    render.add_argument("--recipients", type=Path, help="ketenpartners uit een spreadsheet (.xlsx of .csv)")
    render.add_argument("--bundle", action="store_true",
                        help="één ZIP-bestand met alle brieven, het verzamelbestand en het overzicht")
    args = parser.parse_args(argv)

    try:
        content = args.answers.read_bytes()
    except FileNotFoundError:
        print(f"Het bestand {args.answers} bestaat niet.", file=sys.stderr)
        return 2
    except OSError:
        print(f"Het bestand {args.answers} kan niet worden gelezen.", file=sys.stderr)
        return 2
    # the images of a ZIP are unpacked here, under safe names, for as long as the rendering takes
    with tempfile.TemporaryDirectory(prefix="psobrief-") as folder:
        try:
            if exchange.is_zip(content):
                data, problems = exchange.unpack(content, Path(folder), args.answers.name)
                base_dir = Path(folder)
            else:  # YAML or JSON: image paths are relative to the answers file
                data, problems = exchange.load_text(content, str(args.answers)), []
                base_dir = args.answers.resolve().parent
        except AnswersError as error:
            for problem in error.problems:
                print(problem, file=sys.stderr)
            return 2
        if args.recipients:
            from .spreadsheet import read_recipients

            try:
                sheet = read_recipients(args.recipients.read_bytes(), args.recipients.name)
            except FileNotFoundError:
                print(f"Het bestand {args.recipients} bestaat niet.", file=sys.stderr)
                return 2
            if sheet.problems or not sheet.recipients:
                print(f"De spreadsheet {args.recipients.name} bevat fouten:", file=sys.stderr)
                for problem in sheet.problems:
                    print(f"- {problem}", file=sys.stderr)
                return 2
            for warning in sheet.warnings:
                print(f"Let op: {warning}", file=sys.stderr)
            if isinstance(data, dict):
                data["recipients"] = sheet.recipients
        try:
            answers = exchange.parse(data, base_dir, problems)
        except AnswersError as error:
            print("Het antwoordenbestand bevat fouten:", file=sys.stderr)
            for problem in error.problems:
                print(f"- {problem}", file=sys.stderr)
            return 2
        return _render(answers, args)


def _render(answers: Answers, args: argparse.Namespace) -> int:
    """Write the documents for ``answers`` into ``args.out``; the exit status."""
    for notice in answers.notices:
        print(f"Let op: {notice}", file=sys.stderr)

    from .bulk import COMBINED_FILENAME, ZIP_FILENAME, pdf_name, render_job  # needs NLTK_DATA (see README)

    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="psobrief-") as work:
        finished = render_job(answers, Path(work), pdf=args.pdf)  # the interview's own production path
        if args.bundle:
            shutil.copyfile(finished.zip, args.out / ZIP_FILENAME)
            print(args.out / ZIP_FILENAME)
        else:
            for name, content in finished.documents():  # one file at a time
                (args.out / name).write_bytes(content)
                print(args.out / name)
    if not args.pdf:
        return 0
    # without --bundle the print file is not written, so neither is its PDF missed
    missing = [name for name in finished.pdf_missing if args.bundle or name != pdf_name(COMBINED_FILENAME)]
    return _pdf_report(finished.pdf_error, missing)


def _pdf_report(error: str, missing: list[str]) -> int:
    """Say which PDFs are missing (exit status 1), or nothing (0)."""
    if error:
        print(error, file=sys.stderr)
        return 1
    if missing:
        print(f"Van {count_of(len(missing), 'document', 'documenten')} kon geen PDF worden gemaakt "
              "(de Word-bestanden zijn er wel):",
              file=sys.stderr)
        for name in missing:
            print(f"- {name}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
