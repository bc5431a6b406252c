"""Letters for a whole list of chain partners at once.

One bundle per job: a ZIP with one DOCX (and PDF) per recipient, one combined DOCX (and
PDF) with every letter on its own pages for printing, the annex alone, and an overview
spreadsheet (recipient, salutation, file name) for envelopes or an e-mail merge.

Plain Python, shared by the interview's background task, the offline renderer and the
benchmark; PDF conversion runs LibreOffice once for all files of a job (a running unoserver
for a few files, see libreoffice.py).
"""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from collections.abc import Callable

from . import libreoffice, sources
from .answers import Answers
from .dutch import attention_line, salutation
from .render import ANNEX_FILENAME, letter_filename, render_annex, render_letters

__all__ = [
    "COMBINED_FILENAME",
    "OVERVIEW_FILENAME",
    "ZIP_FILENAME",
    "Bundle",
    "render_bundle",
    "combine_docx",
    "overview_workbook",
    "convert_to_pdf",
    "first_page_png",
    "PdfError",
]

COMBINED_FILENAME = "Alle brieven om te printen.docx"
OVERVIEW_FILENAME = "Overzicht ketenpartners.xlsx"
ZIP_FILENAME = "Stimuleringsbrieven.zip"

Progress = Callable[[int, int, str], None]


class PdfError(RuntimeError):
    """LibreOffice could not convert; the DOCX files are still complete."""


@dataclass
class Bundle:
    """Everything a job produced, as file name -> bytes."""

    letters: dict[str, bytes] = field(default_factory=dict)  # one DOCX per recipient, in order
    pdfs: dict[str, bytes] = field(default_factory=dict)  # the PDF of each DOCX (when converted)
    annex: bytes | None = None
    combined: bytes = b""
    combined_pdf: bytes | None = None
    overview: bytes = b""
    pdf_error: str = ""  # LibreOffice is missing: no PDF at all
    pdf_missing: list[str] = field(default_factory=list)  # PDFs that could not be made

    def zip_bytes(self) -> bytes:
        """The ZIP a user downloads: letters, PDFs, combined file, annex, overview.

        DOCX, XLSX and PDF files are compressed already: they are stored, not deflated again.
        """
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:
            for name, content in self.letters.items():
                archive.writestr(f"Brieven/{name}", content)
            for name, content in self.pdfs.items():
                archive.writestr(f"PDF/{name}", content)
            archive.writestr(COMBINED_FILENAME, self.combined)
            if self.combined_pdf:
                archive.writestr(COMBINED_FILENAME[: -len(".docx")] + ".pdf", self.combined_pdf)
            if self.annex:
                archive.writestr(ANNEX_FILENAME, self.annex)
            archive.writestr(OVERVIEW_FILENAME, self.overview)
        return out.getvalue()


def _relationships(content: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return archive.read("word/_rels/document.xml.rels")


def combine_docx(documents: list[bytes]) -> bytes:
    """One DOCX with every document in turn, each starting on a new page.

    Letters rendered from the one template with the same logo and signature share their
    relationships (images, header, styles), so their bodies can simply follow each other,
    each starting with a page break: fast and exact. Documents that differ go through
    docxcompose, which merges styles, numbering and images (much slower).
    """
    from docx import Document
    from docx.oxml.ns import qn
    from docx.text.paragraph import Paragraph

    master = Document(io.BytesIO(documents[0]))
    if any(_relationships(content) != _relationships(documents[0]) for content in documents[1:]):
        from docxcompose.composer import Composer

        composer = Composer(master)
        for content in documents[1:]:
            composer.append(Document(io.BytesIO(content)))
        out = io.BytesIO()
        composer.save(out)
        return out.getvalue()
    from docx.oxml import parse_xml

    body = master.element.body
    section = body.find(qn("w:sectPr"))
    for content in documents[1:]:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:  # only the body: the rest is shared
            other = parse_xml(archive.read("word/document.xml")).find(qn("w:body"))
        parts = [child for child in other if child.tag != qn("w:sectPr")]
        if parts and parts[0].tag == qn("w:p"):
            Paragraph(parts[0], None).paragraph_format.page_break_before = True
        for part in parts:
            section.addprevious(part)
    out = io.BytesIO()
    master.save(out)
    return out.getvalue()


#: A cell text starting with one of these is a formula to a spreadsheet program (OWASP's
#: CSV injection list): "=HYPERLINK(...)", "+1+1", "-1+1", "@SUM(A1)", a tab or a CR.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _as_text(cell: Any) -> None:
    """Store a user's text as text: never a formula, and shown exactly as typed.

    openpyxl makes any value that starts with "=" a formula; the data type "s" keeps it a
    string, and the quote prefix (Excel's own "'" that is not shown) keeps Excel from
    turning it into a formula when someone edits the cell.
    """
    if isinstance(cell.value, str):
        cell.data_type = "s"
        if cell.value.startswith(FORMULA_STARTS):
            cell.quotePrefix = True


def overview_workbook(rows: list[dict[str, str]]) -> bytes:
    """The overview spreadsheet: one row per recipient with address, salutation and file name."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    headers = ["Organisatie", "T.a.v.", "Straat en huisnummer", "Postcode", "Plaats", "Land", "Aanhef", "Bestand"]
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Ketenpartners"
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([row[key] for key in headers])
        for cell in sheet[sheet.max_row]:
            _as_text(cell)
    for column, width in zip("ABCDEFGH", (34, 34, 28, 10, 18, 12, 34, 60)):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


#: Documents per LibreOffice run. One run converts a list far faster than one start per
#: file, but a single run over more than about 245 documents stops making PDFs (seen with
#: LibreOffice 7.4 here): lists are converted in parts of this size.
PDF_BATCH = 100
#: LibreOffice's PDF export with its options as JSON (LibreOffice 7.4 or later): a tagged
#: PDF, so screen readers get the headings (/H1, /H2), the reading order, the images' alt
#: text and the language (/Lang nl-NL, from the template).
PDF_FILTER = "pdf:writer_pdf_Export:" + json.dumps({"UseTaggedPDF": {"type": "boolean", "value": "true"}})


def _soffice() -> str:
    try:
        return libreoffice.soffice()
    except libreoffice.LibreOfficeMissing:
        raise PdfError("LibreOffice (soffice) is niet gevonden: er zijn geen PDF-bestanden gemaakt.") from None


def _convert_batch(folder: Path, paths: list[Path], out: Path, timeout: int) -> libreoffice.Conversion:
    """PDFs of ``paths`` in ``out``: by the running unoserver when one is named, else (and for
    whatever it did not deliver) by fresh LibreOffice runs of :data:`PDF_BATCH` documents and
    then one by one; what could not be made is simply missing from ``out``."""
    try:
        return libreoffice.make_pdfs(paths, out, home=folder.parent, timeout=timeout, batch=PDF_BATCH,
                                     soffice_filter=PDF_FILTER)
    except libreoffice.LibreOfficeMissing:
        _soffice()  # raises PdfError with the message for users
        raise


def _good_pdf(path: Path) -> bool:
    if not path.is_file() or path.stat().st_size < 100:
        return False
    with path.open("rb") as handle:
        return handle.read(5) == b"%PDF-"


def convert_to_pdf(documents: dict[str, bytes], timeout: int = 3600) -> tuple[dict[str, bytes], list[str]]:
    """PDFs of DOCX files (name -> bytes): the PDFs made, and the names of those that failed.

    Small sets go to the running unoserver (:mod:`.libreoffice`) when one is named; the rest,
    and whatever unoserver did not deliver, go to LibreOffice once per :data:`PDF_BATCH`
    documents; a document whose PDF is missing afterwards is tried once more on its own.
    A PDF that still fails is named in the second value, never silently left out and never
    the reason to drop the others. Raises :class:`PdfError` only when LibreOffice is not
    installed (and no unoserver made the PDFs).
    """
    with tempfile.TemporaryDirectory(prefix="psobrief-pdf-") as work:
        folder, out = Path(work) / "in", Path(work) / "out"
        folder.mkdir()
        names = {}
        for number, (name, content) in enumerate(documents.items()):
            path = folder / f"{number:05d}.docx"  # plain names: LibreOffice's command line is picky
            path.write_bytes(content)
            names[path] = name
        _convert_batch(folder, list(names), out, timeout)
        result, missing = {}, []
        for path, name in names.items():
            pdf = out / f"{path.stem}.pdf"
            if _good_pdf(pdf):
                result[name[: -len(".docx")] + ".pdf"] = pdf.read_bytes()
            else:
                missing.append(name[: -len(".docx")] + ".pdf")
        return result, missing


def first_page_png(docx: bytes, width: int = 600) -> bytes | None:
    """The first page of a DOCX as a PNG ``width`` pixels wide (the review screen's preview).

    Made the way the PDFs are made (LibreOffice), then drawn by poppler's ``pdftoppm``.
    None when either is missing or fails: a preview is never the reason a screen fails.
    """
    pdftoppm = shutil.which("pdftoppm")
    try:
        pdfs, _ = convert_to_pdf({"voorbeeld.docx": docx}, timeout=120)
    except PdfError:
        return None
    if not pdftoppm or "voorbeeld.pdf" not in pdfs:
        return None
    with tempfile.TemporaryDirectory(prefix="psobrief-preview-") as work:
        source = Path(work) / "voorbeeld.pdf"
        source.write_bytes(pdfs["voorbeeld.pdf"])
        try:
            subprocess.run([pdftoppm, "-png", "-f", "1", "-l", "1", "-singlefile", "-scale-to-x", str(width),
                            "-scale-to-y", "-1", str(source), str(Path(work) / "pagina")],
                           capture_output=True, timeout=60, check=True)
        except (subprocess.SubprocessError, OSError):
            return None
        page = Path(work) / "pagina.png"
        return page.read_bytes() if page.is_file() else None


def render_bundle(answers: Answers, pdf: bool = True, progress: Progress | None = None) -> Bundle:
    """Render every letter of ``answers`` and assemble the bundle.

    ``progress(done, total, stage)`` is called after each letter and at each stage.
    """
    report = progress or (lambda done, total, stage: None)
    total = len(answers.recipients)
    bundle = Bundle()
    taken: set[str] = set()
    overview = []
    default_unknown = sources.unknown_salutations()[0]
    letters = render_letters(answers, answers.recipients)
    for number, recipient in enumerate(answers.recipients, start=1):
        name = letter_filename(recipient, taken)
        bundle.letters[name] = next(letters)
        text = salutation(recipient.contact, default_unknown)
        overview.append({
            "Organisatie": recipient.organisation, "T.a.v.": attention_line(recipient.contact)[len("T.a.v. "):],
            "Straat en huisnummer": recipient.street, "Postcode": recipient.postcode, "Plaats": recipient.city,
            "Land": recipient.country, "Aanhef": text, "Bestand": name,
        })
        report(number, total, "brieven")
    bundle.annex = render_annex(answers) if answers.annex.include else None
    report(total, total, "verzamelbestand")
    bundle.combined = combine_docx(list(bundle.letters.values()))
    bundle.overview = overview_workbook(overview)
    if pdf:
        report(total, total, "pdf")
        try:
            converted, bundle.pdf_missing = convert_to_pdf({**bundle.letters, COMBINED_FILENAME: bundle.combined})
            bundle.combined_pdf = converted.pop(COMBINED_FILENAME[: -len(".docx")] + ".pdf", None)
            bundle.pdfs = converted
        except PdfError as error:
            bundle.pdf_error = str(error)
    report(total, total, "klaar")
    return bundle
