"""Letters for a whole list of chain partners at once.

One bundle per job: a ZIP with one DOCX (and PDF) per recipient, one combined DOCX (and
PDF) with every letter on its own pages for printing, the annex alone, and an overview
spreadsheet (recipient, salutation, file name) for envelopes or an e-mail merge.

Plain Python, shared by the interview's background task, the offline renderer and the
benchmark. PDFs: LibreOffice converts the print file (in parts for a long list) and its PDF
is cut into one tagged PDF per letter, each letter's pages found and checked by their text
(conversion: a running unoserver for a few files, else a fresh soffice; see libreoffice.py).
"""

from __future__ import annotations

import io
import json
import logging
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future

from . import libreoffice, sources
from .answers import Answers
from .dutch import attention_line, salutation
from .render import ANNEX_FILENAME, letter_filename, render_annex, render_letters

log = logging.getLogger(__name__)

__all__ = [
    "COMBINED_FILENAME",
    "OVERVIEW_FILENAME",
    "ZIP_FILENAME",
    "Bundle",
    "render_bundle",
    "plan_letters",
    "render_part",
    "part_pdfs",
    "finish_bundle",
    "finish_job",
    "Finished",
    "render_job",
    "StoredPart",
    "write_combined_docx",
    "join_pdfs",
    "add_pdfs",
    "Part",
    "PART_LETTERS",
    "combine_docx",
    "overview_workbook",
    "text_workbook",
    "convert_to_pdf",
    "first_page_png",
    "letter_pdfs",
    "pdf_says_what_docx_says",
    "split_print_pdf",
    "PdfError",
    "pdf_name",
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
    pdfs: dict[str, bytes] = field(default_factory=dict)  # the PDF of each letter (when converted)
    #: one record per recipient, in order: organisation, salutation, docx and pdf (file names)
    items: list[dict[str, str]] = field(default_factory=list)
    annex: bytes | None = None
    annex_pdf: bytes | None = None
    combined: bytes = b""
    combined_pdf: bytes | None = None
    overview: bytes = b""
    pdf_error: str = ""  # LibreOffice is missing: no PDF at all
    pdf_missing: list[str] = field(default_factory=list)  # PDFs that could not be made
    zip: bytes = b""  # the ZIP a user downloads

    def documents(self) -> dict[str, bytes]:
        """The separate documents: every letter and the annex, then their PDFs (file name -> bytes)."""
        annex = {ANNEX_FILENAME: self.annex} if self.annex else {}
        annex_pdf = {pdf_name(ANNEX_FILENAME): self.annex_pdf} if self.annex_pdf else {}
        return {**self.letters, **annex, **self.pdfs, **annex_pdf}

    def zip_bytes(self) -> bytes:
        """The ZIP a user downloads (:func:`finish_job`)."""
        return self.zip

    @classmethod
    def load(cls, items: list[dict[str, Any]], finished: Finished) -> Bundle:
        """The files of ``finished`` in memory."""
        bundle = cls(items=[{key: item[key] for key in ("organisation", "salutation", "docx", "pdf")}
                            for item in items],
                     pdf_error=finished.pdf_error, pdf_missing=list(finished.pdf_missing),
                     combined=finished.combined.read_bytes(), overview=finished.overview.read_bytes(),
                     zip=finished.zip.read_bytes())
        for path in finished.parts:
            with StoredPart(path) as stored:
                bundle.letters.update(stored.letters())
                bundle.pdfs.update(stored.pdfs())
        for name, path in (("annex", finished.annex), ("annex_pdf", finished.annex_pdf),
                           ("combined_pdf", finished.combined_pdf)):
            if path is not None:
                setattr(bundle, name, path.read_bytes())
        return bundle


def pdf_name(docx_name: str) -> str:
    """The PDF's file name beside a DOCX's."""
    return docx_name[: -len(".docx")] + ".pdf"


def _relationships(content: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return archive.read("word/_rels/document.xml.rels")


def combine_docx(documents: list[bytes]) -> bytes:
    """One DOCX with every document in turn, each starting on a new page (see :func:`write_combined_docx`)."""
    out = io.BytesIO()
    write_combined_docx(lambda: iter(documents), out)
    return out.getvalue()


_BODY_START = re.compile(rb"<w:body(?:\s[^>]*)?>")


def _body_content(document_xml: bytes, page_break: bool) -> bytes:
    """The body of a ``word/document.xml`` without its closing section properties, as XML
    bytes to put in another document's body (the namespace prefixes of the one template);
    with ``page_break`` its first paragraph starts on a new page."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import qn
    from docx.text.paragraph import Paragraph
    from lxml import etree

    body = parse_xml(document_xml).find(qn("w:body"))
    for child in body.findall(qn("w:sectPr")):
        body.remove(child)
    if page_break and len(body) and body[0].tag == qn("w:p"):
        Paragraph(body[0], None).paragraph_format.page_break_before = True
    xml = etree.tostring(body, encoding="UTF-8")  # the namespaces declared once, on <w:body>
    xml = xml[xml.index(b"?>") + 2:] if xml.startswith(b"<?xml") else xml
    opening = _BODY_START.match(xml.lstrip())
    if opening is None:  # an empty body: <w:body .../>
        return b""
    xml = xml.lstrip()
    return xml[opening.end():xml.rindex(b"</w:body>")]


def write_combined_docx(documents: Callable[[], Iterator[bytes]], target: str | Path | IO[bytes]) -> None:
    """One DOCX with every document of ``documents()`` in turn, each starting on a new page,
    written to ``target`` one document at a time (5,000 letters are never in memory at once).

    Letters rendered from the one template with the same logo and signature share their
    relationships (images, header, styles), so their bodies can simply follow each other,
    each starting with a page break: fast and exact. When a document's relationships differ,
    ``documents()`` is read again and everything goes through docxcompose, which merges styles,
    numbering and images (much slower, in memory).
    """
    from docx.oxml import parse_xml
    from docx.oxml.ns import qn
    from lxml import etree

    stream = documents()
    first = next(stream)
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        shared = archive.read("word/_rels/document.xml.rels")
        entries = [(info, archive.read(info)) for info in archive.infolist()]
    whole = next(data for info, data in entries if info.filename == "word/document.xml")
    root = parse_xml(whole)
    body = root.find(qn("w:body"))
    for child in [child for child in body if child.tag != qn("w:sectPr")]:
        body.remove(child)
    marker = etree.Comment("psobrief-letters")
    body.insert(0, marker)
    head, tail = etree.tostring(root, encoding="UTF-8", xml_declaration=True, standalone=True).split(
        b"<!--psobrief-letters-->")
    with tempfile.TemporaryFile() as spool:
        with zipfile.ZipFile(spool, "w", zipfile.ZIP_DEFLATED) as archive:
            for info, data in entries:
                if info.filename != "word/document.xml":
                    archive.writestr(info, data)
            with archive.open("word/document.xml", "w") as xml:
                xml.write(head)
                xml.write(_body_content(whole, page_break=False))
                for content in stream:
                    if _relationships(content) != shared:
                        break
                    with zipfile.ZipFile(io.BytesIO(content)) as letter:
                        xml.write(_body_content(letter.read("word/document.xml"), page_break=True))
                else:
                    xml.write(tail)
                    shared = None
        if shared is not None:  # a document with relationships of its own
            _compose(documents, target)
            return
        spool.seek(0)
        if isinstance(target, (str, Path)):
            with open(target, "wb") as out:
                shutil.copyfileobj(spool, out)
        else:
            shutil.copyfileobj(spool, target)


def _compose(documents: Callable[[], Iterator[bytes]], target: str | Path | IO[bytes]) -> None:
    """:func:`write_combined_docx` by docxcompose (documents that do not share relationships)."""
    from docx import Document
    from docxcompose.composer import Composer

    stream = documents()
    composer = Composer(Document(io.BytesIO(next(stream))))
    for content in stream:
        composer.append(Document(io.BytesIO(content)))
    composer.save(target)


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


OVERVIEW_HEADERS = ["Organisatie", "T.a.v.", "Straat en huisnummer", "Postcode", "Plaats", "Land", "Aanhef",
                    "Bestand", "E-mail"]


def overview_workbook(rows: list[dict[str, str]]) -> bytes:
    """The overview spreadsheet: one row per recipient with address, salutation, file name and e-mail address."""
    return text_workbook("Ketenpartners", OVERVIEW_HEADERS, [[row[key] for key in OVERVIEW_HEADERS] for row in rows],
                         (34, 34, 28, 10, 18, 12, 34, 60, 34))


def text_workbook(title: str, headers: list[str], rows: list[list[Any]], widths: tuple[int, ...]) -> bytes:
    """An XLSX with one sheet: bold headers, frozen, the given column widths, and every value
    stored as text (:func:`_as_text`: nothing a person typed becomes a formula)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
        for cell in sheet[sheet.max_row]:
            _as_text(cell)
    for number, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(number)].width = width
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


def _convert_batch(folder: Path, paths: list[Path], out: Path, timeout: int,
                   unoserver: bool = True) -> libreoffice.Conversion:
    """PDFs of ``paths`` in ``out``: by the running unoserver when one is named, else (and for
    whatever it did not deliver) by fresh LibreOffice runs of :data:`PDF_BATCH` documents and
    then one by one; what could not be made is simply missing from ``out``."""
    try:
        return libreoffice.make_pdfs(paths, out, home=folder.parent, timeout=timeout, batch=PDF_BATCH,
                                     soffice_filter=PDF_FILTER, address=True if unoserver else None)
    except libreoffice.LibreOfficeMissing:
        _soffice()  # raises PdfError with the message for users
        raise


def _good_pdf(path: Path) -> bool:
    if not path.is_file() or path.stat().st_size < 100:
        return False
    with path.open("rb") as handle:
        return handle.read(5) == b"%PDF-"


def convert_to_pdf(documents: dict[str, bytes], timeout: int = 3600,
                   unoserver: bool = True) -> tuple[dict[str, bytes], list[str]]:
    """PDFs of DOCX files (name -> bytes): the PDFs made, and the names of those that failed.

    Small sets go to the running unoserver (:mod:`.libreoffice`) when one is named; the rest,
    and whatever unoserver did not deliver, go to LibreOffice once per :data:`PDF_BATCH`
    documents; a document whose PDF is missing afterwards is tried once more on its own.
    A PDF that still fails is named in the second value, never silently left out and never
    the reason to drop the others. Raises :class:`PdfError` only when LibreOffice is not
    installed (and no unoserver made the PDFs). ``unoserver``: False for a fresh LibreOffice
    of this call's own even for a small set.
    """
    with tempfile.TemporaryDirectory(prefix="psobrief-pdf-") as work:
        folder, out = Path(work) / "in", Path(work) / "out"
        folder.mkdir()
        names = {}
        for number, (name, content) in enumerate(documents.items()):
            path = folder / f"{number:05d}.docx"  # plain names: LibreOffice's command line is picky
            path.write_bytes(content)
            names[path] = name
        _convert_batch(folder, list(names), out, timeout, unoserver)
        result, missing = {}, []
        for path, name in names.items():
            pdf = out / f"{path.stem}.pdf"
            if _good_pdf(pdf):
                result[pdf_name(name)] = pdf.read_bytes()
            else:
                missing.append(pdf_name(name))
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


# --- PDFs of a list: one conversion of the print file, split per letter -----------------

#: Letters per part of the print file that LibreOffice converts as one document. Its time
#: grows faster than the document (measured with LibreOffice 7.4 on 2 cores, the print
#: file as one document: 100 letters 2.6 s, 500 letters 47 s, 1,000 letters 114 s; 1,000
#: letters in parts of 25 / 50 / 75 / 100 / 150 letters: 26 / 17 / 17 / 19–21 / 28 s).
#: A list of up to this many letters is converted as one document, a longer one in
#: parts (all in one :func:`convert_to_pdf` call), joined again for the print file's PDF.
PRINT_PART = 50
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
#: What :func:`_plain` leaves out: everything but letters and digits (\w without "_").
_NOT_LETTER_OR_DIGIT = re.compile(r"[\W_]+")


def _plain(text: str) -> str:
    """Letters and digits only, compatibility-normalised (a PDF may hold the ligature "ﬁ").

    What a PDF's text layer and a DOCX's text certainly share: line breaks, hyphens at a
    line end, bullets, spaces and punctuation may come out of a PDF differently, so they are
    left out on both sides; every letter and digit, in order and in its case, must be the same.
    """
    return _NOT_LETTER_OR_DIGIT.sub("", unicodedata.normalize("NFKC", text))


@dataclass(frozen=True)
class _Expected:
    """What a letter's PDF must say: the letterhead on every page, and the body across its pages."""

    header: str
    body: str


def _expected(docx: bytes) -> _Expected:
    """The text of a letter's letterhead (the header of its first section) and of its body.

    Read straight from the XML: python-docx would parse the 350 kB of styles for every letter.
    """
    from lxml import etree

    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        document = etree.fromstring(archive.read("word/document.xml"))
        body = document.find(f"{_W}body")
        header = ""
        reference = body.find(f"{_W}sectPr/{_W}headerReference[@{_W}type='default']")
        if reference is not None:
            relationships = etree.fromstring(archive.read("word/_rels/document.xml.rels"))
            for relationship in relationships:
                if relationship.get("Id") == reference.get(_R_ID):
                    part = etree.fromstring(archive.read("word/" + relationship.get("Target").lstrip("/")))
                    header = "".join(t.text or "" for t in part.iter(f"{_W}t"))
    return _Expected(_plain(header), _plain("".join(t.text or "" for t in body.iter(f"{_W}t"))))


def _page_texts(pdf: bytes) -> list[str]:
    """The text of every page of ``pdf`` (poppler's pdftotext; pdfminer.six without it)."""
    pdftotext = shutil.which("pdftotext")
    if pdftotext:
        try:
            done = subprocess.run([pdftotext, "-raw", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True,
                                  timeout=600, check=True)
            return done.stdout.decode("utf-8", "replace").split("\f")[:-1]
        except (subprocess.SubprocessError, OSError):
            pass
    from pdfminer.high_level import extract_text

    return extract_text(io.BytesIO(pdf)).split("\f")[:-1]


def _body_of_page(page: str, expected: _Expected) -> str | None:
    """The page's text after the letterhead; None when the page lacks the letterhead."""
    return page[len(expected.header):] if page.startswith(expected.header) else None


def _find_letter(pages: list[str], start: int, expected: _Expected) -> range | None:
    """The pages, from ``start`` on, that say exactly what the letter says, in one run.

    The letter's first page is the first page at or after ``start`` whose text (after the
    letterhead) is how the letter begins; the pages that follow are added while together
    they are still the beginning of the letter, until they are the whole letter. None when
    no such run of pages exists (the letter then gets a conversion of its own).
    """
    for first in range(start, len(pages)):
        body = _body_of_page(pages[first], expected)
        if not body or not expected.body.startswith(body):
            continue
        said, end = body, first + 1
        while said != expected.body and end < len(pages):
            body = _body_of_page(pages[end], expected)
            if body is None or not expected.body.startswith(said + body):
                break
            said, end = said + body, end + 1
        if said == expected.body:
            return range(first, end)
    return None


def pdf_says_what_docx_says(pdf: bytes, docx: bytes) -> bool:
    """True when every page of ``pdf`` is the letterhead of ``docx`` and together the pages
    say the text of ``docx``, letter for letter and digit for digit (recipient, salutation,
    every sentence): the check each letter's PDF passes."""
    pages = [_plain(page) for page in _page_texts(pdf)]
    return _find_letter(pages, 0, _expected(docx)) == range(len(pages)) if pages else False


class _Source:
    """A converted PDF opened once, with what copying its pages into other PDFs needs."""

    def __init__(self, content: bytes):
        import pikepdf

        # Without pushing inherited page attributes down at opening (qpdf does that for every
        # page and object: 80 ms for a section of 50 letters, against 4 ms): LibreOffice gives
        # every page its own /Resources and /MediaBox, and pages are copied as objects
        # (copy_foreign), which pushes nothing. A PDF whose pages do inherit is opened again.
        self.pdf = pikepdf.open(io.BytesIO(content), inherit_page_attributes=False)
        if not self._pages_stand_alone():
            self.pdf = pikepdf.open(io.BytesIO(content))
        self.pages = [page.obj.objgen for page in self.pdf.pages]
        self.parents = {}  # StructParents key -> what the parent tree holds for it
        self.tops: list[Any] = []  # the structure elements under the document element
        self._elements: list[tuple[Any, frozenset, frozenset]] | None = None
        tree = self.pdf.Root.get("/StructTreeRoot")
        if tree is not None and "/ParentTree" in tree and "/K" in tree:
            self.parents = {int(key): value for key, value in pikepdf.NumberTree(tree.ParentTree).items()}
            document = tree.K[0] if isinstance(tree.K, pikepdf.Array) else tree.K
            for element in document.K if isinstance(document.K, pikepdf.Array) else [document.K]:
                if isinstance(element, pikepdf.Dictionary):
                    del element.P  # copied without its parent: the target gets its own /Document
                    self.tops.append(element)
        self.outline = self._outline() if "/Outlines" in self.pdf.Root else []

    def _pages_stand_alone(self) -> bool:
        """True when no page inherits an attribute from the page tree."""
        seen = set()
        for page in self.pdf.pages:
            if "/Resources" not in page.obj or "/MediaBox" not in page.obj:
                return False
            node = page.obj.get("/Parent")
            while node is not None and node.objgen not in seen:
                seen.add(node.objgen)
                if "/CropBox" in node or "/Rotate" in node:
                    return False
                node = node.get("/Parent")
        return True

    @property
    def elements(self) -> list[tuple[Any, frozenset, frozenset]]:
        """(element, the pages its content is on, the elements it holds) of every top element;
        worked out when first asked (a whole PDF copied does not need it)."""
        if self._elements is None:
            self._elements = []
            for element in self.tops:
                pages, inside = self._reach(element)
                self._elements.append((element, frozenset(pages), frozenset(inside)))
        return self._elements

    @staticmethod
    def _reach(element) -> tuple[set, set]:
        """The pages an element's content is on and the structure elements it holds."""
        import pikepdf

        pages, inside, todo = set(), set(), [element]
        while todo:
            node = todo.pop()
            if isinstance(node, pikepdf.Array):
                todo.extend(node)
            elif isinstance(node, pikepdf.Dictionary):
                if "/Pg" in node:
                    pages.add(node.Pg.objgen)
                if node.get("/Type") in (None, "/StructElem") and "/S" in node:
                    inside.add(node.objgen)
                    if "/K" in node:
                        todo.append(node.K)
        return pages, inside

    def _outline(self) -> list[tuple[str, tuple, tuple[float, float], list]]:
        """The bookmarks (LibreOffice makes them from the headings): (title, page, place, children)."""
        import pikepdf

        def read(item) -> list:
            found = []
            while item is not None:
                goal = item.get("/Dest")
                if isinstance(goal, pikepdf.Array) and len(goal) >= 4 and str(goal[1]) == "/XYZ":
                    place = (float(goal[2]), float(goal[3]))
                    found.append((str(item.Title), goal[0].objgen, place, read(item.get("/First"))))
                item = item.get("/Next")
            return found

        return read(self.pdf.Root.Outlines.get("/First"))


def _bookmarks(outline: list, position: dict) -> list:
    """The bookmarks of ``outline`` that point to the copied pages, as pikepdf outline items.

    In the print file a letter's first headings (Heading 2) hang under the previous
    letter's annex title (Heading 1): the bookmarks of copied pages under one that is not
    copied move up a level, so a letter's bookmarks are those of the letter alone.
    """
    import pikepdf

    items = []
    for title, page, place, children in outline:
        if page in position:  # the destination pikepdf would make for (page number, "XYZ", left, top)
            item = pikepdf.OutlineItem(title, pikepdf.Array([position[page], pikepdf.Name.XYZ, place[0], place[1], 0]))
            item.children.extend(_bookmarks(children, position))
            items.append(item)
        else:
            items.extend(_bookmarks(children, position))
    return items


def _copied(target, source, value):
    """``value`` of the PDF ``source``, for ``target`` (pikepdf copies indirect objects only)."""
    return target.copy_foreign(value if value.is_indirect else source.make_indirect(value))


def _assemble(parts: list[tuple[_Source, range]]) -> bytes:
    """One PDF of the given pages, tagged as its sources were.

    Copying pages alone would drop the tagging (it belongs to the document, not the
    page): the structure elements on these pages go along under a new /Document, the
    parent tree is numbered again, and language, title, role map and bookmarks come too.
    """
    import pikepdf
    from pikepdf import Array, Dictionary, Name

    first = parts[0][0].pdf
    target = pikepdf.new()
    target.docinfo = target.copy_foreign(first.docinfo)
    for key in ("/Lang", "/MarkInfo", "/ViewerPreferences"):
        if key in first.Root:
            target.Root[key] = _copied(target, first, first.Root[key])
    tree = first.Root.get("/StructTreeRoot")
    document = target.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Document, K=Array()))
    numbers, outline, key = Array(), [], 0
    for source, indexes in parts:
        wanted = {source.pages[index] for index in indexes}
        position = {}  # source page -> its copy in the target
        for index in indexes:
            page = target.copy_foreign(source.pdf.pages[index].obj)
            target.pages.append(pikepdf.Page(page))
            position[source.pages[index]] = page
        if len(wanted) == len(source.pages):  # the whole PDF (joining sections): every element goes along
            kept, inside = [(element, None) for element in source.tops], None
        else:
            kept = [(element, inside) for element, pages, inside in source.elements if pages and pages <= wanted]
            inside = set().union(*(elements for _, elements in kept))
        if kept:
            for element in target.copy_foreign(source.pdf.make_indirect(Array([element for element, _ in kept]))):
                element.P = document
                document.K.append(element)
        for index in indexes:  # the parent tree: which element each piece of a page belongs to
            page = position[source.pages[index]]
            if "/StructParents" in page:
                held = source.parents.get(int(page.StructParents))
                if isinstance(held, pikepdf.Array):
                    held = Array([target.copy_foreign(item) if isinstance(item, pikepdf.Dictionary)
                                  and (inside is None or item.objgen in inside) else None for item in held])
                    numbers.extend([key, target.make_indirect(held)])
                page.StructParents, key = key, key + 1
            for annotation in page.get("/Annots", Array()):  # links: an element each (none in the template)
                if isinstance(annotation, pikepdf.Dictionary) and "/StructParent" in annotation:
                    held = source.parents.get(int(annotation.StructParent))
                    if isinstance(held, pikepdf.Dictionary) and (inside is None or held.objgen in inside):
                        numbers.extend([key, target.copy_foreign(held)])
                        annotation.StructParent, key = key, key + 1
                    else:
                        del annotation.StructParent
        outline += _bookmarks(source.outline, position)
    if tree is not None:
        root = Dictionary(Type=Name.StructTreeRoot, K=document, ParentTree=Dictionary(Nums=numbers),
                          ParentTreeNextKey=key)
        if "/RoleMap" in tree:
            root.RoleMap = _copied(target, first, tree.RoleMap)
        target.Root.StructTreeRoot = target.make_indirect(root)
        document.P = target.Root.StructTreeRoot
    if outline:
        with target.open_outline() as bookmarks:
            bookmarks.root.extend(outline)
    out = io.BytesIO()
    target.save(out)
    return out.getvalue()


def split_print_pdf(letters: dict[str, bytes], pdf: bytes) -> tuple[dict[str, bytes], list[str]]:
    """Cut the PDF of a print file that holds ``letters`` (name -> DOCX), in that order, into
    one tagged PDF per letter.

    Each letter's pages are found by their text (see :func:`_find_letter`): a letter gets
    only pages that say exactly what its DOCX says. Returns the PDFs found (``….pdf``, in the
    letters' order) and the names of the letters whose pages were not found.
    """
    import pikepdf

    pdfs: dict[str, bytes] = {}
    try:
        source = _Source(pdf)
        pages = [_plain(page) for page in _page_texts(pdf)]
    except (pikepdf.PdfError, subprocess.SubprocessError, OSError, ValueError):
        return pdfs, list(letters)
    if len(pages) != len(source.pages):
        pages = []  # the text does not tell the pages apart: no page is given to any letter
    start = 0
    for name, docx in letters.items():
        found = _find_letter(pages, start, _expected(docx))
        if found is None:
            continue
        try:
            pdfs[pdf_name(name)] = _assemble([(source, found)])
        except (pikepdf.PdfError, ValueError, KeyError, TypeError, AttributeError):
            continue  # converted on its own instead
        start = found.stop
    return pdfs, [name for name in letters if pdf_name(name) not in pdfs]


def letter_pdfs(parts: list[tuple[dict[str, bytes], bytes | None]],
                cuts: list[tuple[dict[str, bytes], list[str]] | None] | None = None,
                ) -> tuple[dict[str, bytes], list[str], list[str]]:
    """The PDF of every letter of a print file converted in parts: (letters, PDF of the part).

    Letters are cut from their part's PDF (:func:`split_print_pdf`; ``cuts``: a part's cut
    made already, None where it is still to be made); a letter whose pages
    are not found there (or whose part has no PDF) is converted on its own. Returns the PDFs
    in the letters' order, the names of the letters converted on their own, and the names
    of the PDFs that could not be made even then.
    """
    pdfs: dict[str, bytes] = {}
    alone: dict[str, bytes] = {}
    for number, (letters, pdf) in enumerate(parts):
        done = cuts[number] if cuts and number < len(cuts) else None
        found, not_found = done or (split_print_pdf(letters, pdf) if pdf else ({}, list(letters)))
        pdfs.update(found)
        alone.update((name, letters[name]) for name in not_found)
    if alone:
        pdfs.update(convert_to_pdf(alone)[0])
    order = [pdf_name(name) for letters, _ in parts for name in letters]
    return {name: pdfs[name] for name in order if name in pdfs}, list(alone), [
        name for name in order if name not in pdfs]


#: Letters per part of a list's background job. Each part is one task for docassemble's
#: celery workers (its letters, its PDFs, one LibreOffice of its own), so a list of more
#: than this many letters is made by every worker the server has; the last part to finish
#: joins the parts (:func:`finish_job`). Each part pays for a fresh LibreOffice's start and
#: for rendering its first section before LibreOffice can start (together about 1.5 s):
#: parts of 500 letters (about 8 s each) made 1,000 letters 3.5 s sooner than parts of 250
#: with one worker, and as fast with two (bench/bench_workers.py).
PART_LETTERS = 500


@dataclass
class Part:
    """The letters of one part of a job (file name -> bytes) and what its conversion made."""

    letters: dict[str, bytes] = field(default_factory=dict)
    pdfs: dict[str, bytes] = field(default_factory=dict)
    #: the PDFs of the part's sections of the print file (:data:`PRINT_PART` letters each), in order
    print_pdfs: list[bytes | None] = field(default_factory=list)
    annex: bytes | None = None  # only in the part that was asked to make it
    annex_pdf: bytes | None = None
    pdf_missing: list[str] = field(default_factory=list)
    pdf_error: str = ""

    def write(self, target: str | Path | IO[bytes]) -> None:
        """The part as one file (a ZIP), for the worker that joins the parts: a multi-server
        docassemble keeps it in its file storage, not on one machine's disk."""
        with zipfile.ZipFile(target, "w", zipfile.ZIP_STORED) as archive:
            archive.writestr("part.json", json.dumps({
                "letters": list(self.letters), "pdfs": list(self.pdfs), "missing": self.pdf_missing,
                "error": self.pdf_error, "print": [pdf is not None for pdf in self.print_pdfs],
                "annex": self.annex is not None, "annex_pdf": self.annex_pdf is not None}))
            for number, content in enumerate(self.letters.values()):
                archive.writestr(f"letter {number:05d}.docx", content)
            for number, content in enumerate(self.pdfs.values()):
                archive.writestr(f"pdf {number:05d}.pdf", content)
            for number, content in enumerate(self.print_pdfs):
                if content is not None:
                    archive.writestr(f"print {number:05d}.pdf", content)
            if self.annex is not None:
                archive.writestr("annex.docx", self.annex)
            if self.annex_pdf is not None:
                archive.writestr("annex.pdf", self.annex_pdf)

    @classmethod
    def read(cls, source: str | Path | IO[bytes]) -> Part:
        """A part written by :meth:`write`, wholly in memory (:class:`StoredPart` reads one lazily)."""
        with StoredPart(source) as stored:
            return cls(letters=dict(stored.letters()), pdfs=dict(stored.pdfs()), print_pdfs=stored.print_pdfs(),
                       annex=stored.annex(), annex_pdf=stored.annex_pdf(), pdf_missing=stored.missing,
                       pdf_error=stored.error)


class StoredPart:
    """A part written by :meth:`Part.write`, read one file at a time (joining 5,000 letters
    never holds them all)."""

    def __init__(self, source: str | Path | IO[bytes]):
        self.archive = zipfile.ZipFile(source)
        meta = json.loads(self.archive.read("part.json"))
        self.meta, self.names = meta, meta["letters"]
        self.missing: list[str] = meta["missing"]
        self.error: str = meta["error"]

    def __enter__(self) -> StoredPart:
        return self

    def __exit__(self, *exc: object) -> None:
        self.archive.close()

    def letters(self) -> Iterator[tuple[str, bytes]]:
        for number, name in enumerate(self.names):
            yield name, self.archive.read(f"letter {number:05d}.docx")

    def pdfs(self) -> Iterator[tuple[str, bytes]]:
        for number, name in enumerate(self.meta["pdfs"]):
            yield name, self.archive.read(f"pdf {number:05d}.pdf")

    @property
    def pdf_count(self) -> int:
        return len(self.meta["pdfs"])

    def print_pdfs(self) -> list[bytes | None]:
        return [self.archive.read(f"print {number:05d}.pdf") if made else None
                for number, made in enumerate(self.meta["print"])]

    def annex(self) -> bytes | None:
        return self.archive.read("annex.docx") if self.meta["annex"] else None

    def annex_pdf(self) -> bytes | None:
        return self.archive.read("annex.pdf") if self.meta["annex_pdf"] else None


def plan_letters(answers: Answers) -> list[dict[str, Any]]:
    """One record per recipient, in order, before any letter is made: its place in the list,
    organisation, salutation and file names (unique in the whole job), and its overview row."""
    taken: set[str] = set()
    default_unknown = sources.unknown_salutations()[0]
    items = []
    for index, recipient in enumerate(answers.recipients):
        name = letter_filename(recipient, taken)
        text = salutation(recipient.contact, default_unknown)
        items.append({"index": index, "organisation": recipient.organisation, "salutation": text, "docx": name,
                      "pdf": pdf_name(name), "row": {
                          "Organisatie": recipient.organisation,
                          "T.a.v.": attention_line(recipient.contact)[len("T.a.v. "):],
                          "Straat en huisnummer": recipient.street, "Postcode": recipient.postcode,
                          "Plaats": recipient.city, "Land": recipient.country, "Aanhef": text, "Bestand": name,
                          "E-mail": recipient.email}})
    return items


#: What a part's PDFs may use: True (the process's own unoserver, else the server's shared
#: one for a short list), "own" (only a unoserver of the process's own), False (none: a
#: fresh LibreOffice), or a (host, port).
Unoserver = bool | str | tuple[str, int] | None


def _unoserver_for(letters: int, unoserver: Unoserver) -> tuple[str, int] | None:
    """The unoserver a part's print sections go to, or None for a fresh LibreOffice.

    ``unoserver``: False/None none; a (host, port) that one; "own" the process's own
    unoserver (a celery worker process when ``scripts/serve`` runs one per process); True
    that one, or else for a short list (up to :data:`PRINT_PART` letters, one section) the
    server's shared one (a long list keeps a shared LibreOffice free for people waiting).
    """
    if not unoserver:
        return None
    if isinstance(unoserver, tuple):
        return unoserver
    own = libreoffice.own_unoserver_address()
    if own or unoserver == "own":
        return own
    return libreoffice.unoserver_address() if letters <= PRINT_PART else None


def _sections(letters: Iterable[tuple[str, bytes]]) -> Iterator[dict[str, bytes]]:
    """The letters (name, DOCX) in sections of :data:`PRINT_PART`, each as soon as it is complete."""
    chunk: dict[str, bytes] = {}
    for name, docx in letters:
        chunk[name] = docx
        if len(chunk) == PRINT_PART:
            yield chunk
            chunk = {}
    if chunk:
        yield chunk


class _Converter:
    """One document after another to a unoserver, in a thread of its own: the caller renders
    and cuts the next sections meanwhile (the XML-RPC call only waits for LibreOffice, another
    process). After a refused connection or a timeout it asks no more: what it did not deliver
    (None) is made by a fresh LibreOffice afterwards."""

    def __init__(self, address: tuple[str, int]):
        from concurrent.futures import ThreadPoolExecutor

        self.address = address
        self.problem = ""
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="psobrief-pdf")

    def submit(self, name: str, docx: bytes) -> Future:
        return self.pool.submit(self._convert, name, docx)

    def _convert(self, name: str, docx: bytes) -> bytes | None:
        if self.problem:
            return None
        try:
            content, problem = libreoffice.convert_one_with_unoserver(self.address, docx, name=name)
        except Exception as error:  # noqa: BLE001 - whatever it is, a fresh LibreOffice makes the PDF
            content, problem = None, f"{type(error).__name__}: {error}"
        if problem:
            self.problem = problem
            log.warning("psobrief: unoserver %s:%s not usable (%s): a fresh LibreOffice makes the rest",
                        self.address[0], self.address[1], problem)
        return content

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)


def part_pdfs(letters: dict[str, bytes] | Iterable[tuple[str, bytes]], annex: bytes | None = None,
              unoserver: Unoserver = True, count: int | None = None
              ) -> tuple[dict[str, bytes], list[bytes | None], bytes | None, list[str]]:
    """The PDFs of ``letters`` (name -> DOCX, in order; or (name, DOCX) pairs as they are
    rendered; ``count``: how many there will be) and of the annex.

    The letters are converted as sections of the print file (:data:`PRINT_PART` letters
    each: one document to load and lay out instead of fifty, and LibreOffice's time grows
    faster than the document), and each section's PDF is cut into one PDF per letter, each
    letter's pages found and checked by their text. A letter whose pages are not found is
    converted on its own; one that fails even then is named in the missing list, as is the
    annex. Without poppler's pdftotext (pdfminer.six reads a page in 60 ms, slower than
    LibreOffice converts) every letter is converted on its own.

    With a unoserver (:func:`_unoserver_for`) the sections go to it one by one from a thread
    while this one goes on: section k is converted while the letters of section k+1 are
    rendered (when ``letters`` is an iterator) and section k-1 is cut, so LibreOffice and
    Python work side by side. Without one (or for whatever it did not deliver) the sections
    and the annex go to one fresh LibreOffice run.
    Returns the letters' PDFs (``….pdf``, in order), the sections' PDFs (None for one that
    failed), the annex's PDF and the names of the PDFs that could not be made. Raises
    :class:`PdfError` only when LibreOffice is not installed.
    """
    stream = iter(letters.items()) if isinstance(letters, dict) else iter(letters)
    if not shutil.which("pdftotext"):
        everything = dict(stream)
        chunks = list(_sections(everything.items()))
        sections = {f"deel {number:03d}.docx": combine_docx(list(chunk.values()))
                    for number, chunk in enumerate(chunks)}
        extra = {ANNEX_FILENAME: annex} if annex else {}
        converted, _ = convert_to_pdf({**everything, **sections, **extra},
                                      unoserver=_unoserver_for(PRINT_PART, unoserver) is not None)
        pdfs = {pdf_name(name): converted[pdf_name(name)] for name in everything if pdf_name(name) in converted}
        missing = [pdf_name(name) for name in everything if pdf_name(name) not in pdfs]
        print_pdfs = [converted.get(pdf_name(name)) for name in sections]
        annex_pdf = converted.get(pdf_name(ANNEX_FILENAME)) if annex else None
    else:
        address = _unoserver_for(len(letters) if isinstance(letters, dict) else count or PRINT_PART + 1, unoserver)
        cuts: list[tuple[dict[str, bytes], list[str]] | None] | None = None
        if address is None:
            total = len(letters) if isinstance(letters, dict) else count
            chunks, print_pdfs, annex_pdf, cuts = _soffice_pipelined(stream, total, annex)
        else:
            chunks, print_pdfs, annex_pdf, cuts = _pipelined(stream, annex, address)
        pdfs, _, missing = letter_pdfs(list(zip(chunks, print_pdfs)), cuts)
    if annex and annex_pdf is None:
        missing.append(pdf_name(ANNEX_FILENAME))
    return pdfs, print_pdfs, annex_pdf, missing


def _finished_pdf(path: Path) -> bytes | None:
    """The PDF LibreOffice has finished writing at ``path`` (its end written and its size
    the same a moment later), else None."""
    import time

    try:
        size = path.stat().st_size
        if size < 100:
            return None
        time.sleep(0.02)
        content = path.read_bytes()
    except OSError:
        return None
    return content if len(content) == size and libreoffice.good_pdf(content) else None


def _second_chance(docs: list[bytes], print_pdfs: list[bytes | None], annex: bytes | None,
                   annex_pdf: bytes | None) -> tuple[list[bytes | None], bytes | None]:
    """The sections (``docs``, in order) and the annex that got no PDF in a pipelined run, once
    more through :func:`convert_to_pdf` (a fresh LibreOffice, then one by one); returns the
    sections' PDFs and the annex's PDF, None where even that failed."""
    left = {f"deel {number:03d}.docx": docs[number] for number, pdf in enumerate(print_pdfs) if pdf is None}
    if annex and annex_pdf is None:
        left[ANNEX_FILENAME] = annex
    if not left:
        return print_pdfs, annex_pdf
    converted, _ = convert_to_pdf(left, unoserver=False)
    print_pdfs = [pdf if pdf is not None else converted.get(f"deel {number:03d}.pdf")
                  for number, pdf in enumerate(print_pdfs)]
    if annex and annex_pdf is None:
        annex_pdf = converted.get(pdf_name(ANNEX_FILENAME))
    return print_pdfs, annex_pdf


def _soffice_pipelined(stream: Iterator[tuple[str, bytes]], count: int | None, annex: bytes | None
                       ) -> tuple[list[dict[str, bytes]], list[bytes | None], bytes | None,
                                  list[tuple[dict[str, bytes], list[str]] | None]]:
    """The sections (and the annex) converted by one fresh LibreOffice run, each section cut
    as soon as LibreOffice has written its PDF, while it converts the next ones.

    With ``count`` (how many letters ``stream`` will give) LibreOffice starts as soon as the
    first section is rendered, with the annex first on its list: while it starts and converts
    them, the next sections are rendered and written (each file appears whole, by a rename).
    A section LibreOffice reached before it was written gets no PDF in this run and is
    converted again afterwards, like any other failure. A cut that does not find every letter
    before LibreOffice has finished is made again afterwards (never a letter converted on its
    own because a file was read too early); a section or annex without a PDF gets the second
    chances of :func:`convert_to_pdf`.
    Returns the sections' letters, their PDFs, the annex's PDF and each section's cut (None:
    still to do)."""
    import time

    program = _soffice()  # PdfError when LibreOffice is missing
    sections = _sections(stream)
    chunks: list[dict[str, bytes]] = []
    docs: dict[str, bytes] = {}
    if not count:
        chunks = list(sections)
        count = sum(len(chunk) for chunk in chunks)
    planned = max(1, -(-count // PRINT_PART))
    with tempfile.TemporaryDirectory(prefix="psobrief-pdf-") as work:
        folder, out = Path(work) / "in", Path(work) / "out"
        folder.mkdir()
        out.mkdir()

        def write(path: Path, content: bytes) -> None:
            temporary = path.with_suffix(".tmp")
            temporary.write_bytes(content)
            os.replace(temporary, path)  # LibreOffice sees no file, or the whole file

        def add(chunk: dict[str, bytes]) -> None:
            name = f"deel {len(docs):03d}.docx"
            docs[name] = combine_docx(list(chunk.values()))
            write(folder / f"{len(docs) - 1:05d}.docx", docs[name])

        for chunk in chunks:  # every section rendered already (no count given)
            add(chunk)
        if not chunks:
            first = next(sections, None)
            if first is not None:
                chunks.append(first)
                add(first)
        if annex:
            write(folder / "annex.docx", annex)
        paths = ([folder / "annex.docx"] if annex else []) + [folder / f"{n:05d}.docx" for n in range(planned)]
        command = [program, f"-env:UserInstallation={(Path(work) / 'profile').as_uri()}", "--headless",
                   "--norestore", "--convert-to", PDF_FILTER, "--outdir", str(out), *map(str, paths)]
        started = time.monotonic()
        try:
            process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                       stderr=subprocess.DEVNULL, env={**os.environ, "HOME": work})
        except OSError:
            process = None
        for chunk in sections:  # rendered while LibreOffice starts and converts
            chunks.append(chunk)
            add(chunk)
        print_pdfs: list[bytes | None] = [None] * len(chunks)
        cuts: list[tuple[dict[str, bytes], list[str]] | None] = [None] * len(chunks)
        try:
            waiting = list(range(len(chunks)))
            while process is not None and waiting and process.poll() is None:
                if time.monotonic() - started > 3600:
                    break
                progressed = False
                for number in list(waiting):
                    pdf = _finished_pdf(out / f"{number:05d}.pdf")
                    if pdf is None:
                        continue
                    print_pdfs[number] = pdf
                    found, not_found = split_print_pdf(chunks[number], pdf)
                    cuts[number] = (found, not_found) if not not_found else None
                    waiting.remove(number)
                    progressed = True
                if not progressed:
                    time.sleep(0.05)
            if process is not None:
                try:
                    process.wait(max(1.0, 3600 - (time.monotonic() - started)))
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
        finally:
            if process is not None and process.poll() is None:
                process.kill()
                process.wait()
        for number in range(len(chunks)):
            made = out / f"{number:05d}.pdf"
            if cuts[number] is None:
                print_pdfs[number] = made.read_bytes() if _good_pdf(made) else None
        annex_pdf = (out / "annex.pdf").read_bytes() if annex and _good_pdf(out / "annex.pdf") else None
    print_pdfs, annex_pdf = _second_chance(list(docs.values()), print_pdfs, annex, annex_pdf)
    return chunks, print_pdfs, annex_pdf, cuts


def _pipelined(stream: Iterator[tuple[str, bytes]], annex: bytes | None, address: tuple[str, int]
               ) -> tuple[list[dict[str, bytes]], list[bytes | None], bytes | None,
                          list[tuple[dict[str, bytes], list[str]] | None]]:
    """Sections converted by the unoserver at ``address`` in a thread while this thread takes
    the next letters from ``stream`` and cuts the sections already converted. What unoserver
    did not deliver goes to one fresh LibreOffice run at the end (and is cut afterwards).
    Returns the sections' letters, their PDFs, the annex's PDF and each section's
    :func:`split_print_pdf` (None where it is still to be done)."""
    converter = _Converter(address)
    chunks: list[dict[str, bytes]] = []
    docs: list[bytes] = []
    futures: list[Future] = []
    cuts: list[tuple[dict[str, bytes], list[str]] | None] = []
    cut = 0  # sections cut so far

    def cut_ready(wait: bool) -> None:
        nonlocal cut
        while cut < len(futures) and (wait or futures[cut].done()):
            pdf = futures[cut].result()
            cuts.append(split_print_pdf(chunks[cut], pdf) if pdf is not None else None)
            cut += 1
            wait = False

    try:
        for number, chunk in enumerate(_sections(stream)):
            chunks.append(chunk)
            docs.append(combine_docx(list(chunk.values())))
            futures.append(converter.submit(f"deel {number:03d}.docx", docs[-1]))
            # LibreOffice keeps a section in hand; cut what it has finished
            cut_ready(wait=len(futures) - cut > 2)
        annex_future = converter.submit(ANNEX_FILENAME, annex) if annex else None
        while cut < len(futures):
            cut_ready(wait=True)
        print_pdfs = [future.result() for future in futures]
        annex_pdf = annex_future.result() if annex_future else None
    finally:
        converter.close()
    print_pdfs, annex_pdf = _second_chance(docs, print_pdfs, annex, annex_pdf)
    return chunks, print_pdfs, annex_pdf, cuts


def render_part(answers: Answers, items: list[dict[str, Any]], pdf: bool = True, annex: bool = False,
                unoserver: Unoserver = True, progress: Callable[[int], None] | None = None) -> Part:
    """The letters of ``items`` (records of :func:`plan_letters`) and, with ``pdf``, their PDFs;
    with ``annex`` also the annex (when the answers include it) and its PDF.
    ``progress(done)`` is called after each letter. With ``pdf`` the letters are rendered
    while LibreOffice converts the sections already rendered (:func:`part_pdfs`)."""
    report = progress or (lambda done: None)
    recipients = [answers.recipients[item["index"]] for item in items]
    part = Part()
    if annex and answers.annex.include:
        part.annex = render_annex(answers)

    def rendered() -> Iterator[tuple[str, bytes]]:
        for number, (item, content) in enumerate(zip(items, render_letters(answers, recipients)), start=1):
            part.letters[item["docx"]] = content
            report(number)
            yield item["docx"], content

    letters = rendered()
    if pdf:
        try:
            part.pdfs, part.print_pdfs, part.annex_pdf, part.pdf_missing = part_pdfs(
                letters, part.annex, unoserver=unoserver, count=len(items))
        except PdfError as error:
            part.pdf_error = str(error)
    for _ in letters:  # every letter, whatever the PDFs did
        pass
    return part


def add_pdfs(part: Part, unoserver: Unoserver = True) -> Part:
    """The PDFs of a part's letters and annex (:func:`part_pdfs`) put in the part; when
    LibreOffice is not installed, ``pdf_error`` says so and the DOCX files stay complete.
    ``unoserver``: see :data:`Unoserver` (``jobs.py`` gives a long part False: a fresh
    LibreOffice of its own, cut while it converts)."""
    try:
        part.pdfs, part.print_pdfs, part.annex_pdf, part.pdf_missing = part_pdfs(
            part.letters, part.annex, unoserver=unoserver)
        part.pdf_error = ""
    except PdfError as error:
        part.pdf_error = str(error)
    return part


def join_pdfs(pdfs: list[bytes]) -> bytes | None:
    """One tagged PDF of several (the print file's sections), or None when they cannot be joined."""
    import pikepdf

    if len(pdfs) == 1:
        return pdfs[0]
    try:
        return _assemble([(source, range(len(source.pages))) for source in (_Source(content) for content in pdfs)])
    except (pikepdf.PdfError, ValueError, KeyError, TypeError, AttributeError):
        return None


@dataclass
class Finished:
    """A finished job's files in one folder (written by :func:`finish_job`) and its counts."""

    folder: Path
    parts: list[Path]  # the parts (:meth:`Part.write`), in order: every letter and its PDF
    letters: int = 0
    pdfs: int = 0
    pdf_error: str = ""  # LibreOffice is missing: no PDF at all
    pdf_missing: list[str] = field(default_factory=list)  # PDFs that could not be made
    annex: Path | None = None
    annex_pdf: Path | None = None
    combined_pdf: Path | None = None

    @property
    def zip(self) -> Path:
        return self.folder / ZIP_FILENAME

    @property
    def combined(self) -> Path:
        return self.folder / COMBINED_FILENAME

    @property
    def overview(self) -> Path:
        return self.folder / OVERVIEW_FILENAME

    def documents(self) -> Iterator[tuple[str, bytes]]:
        """The separate documents: every letter and the annex, then their PDFs, one at a time."""
        for kind in ("letters", "pdfs"):
            for path in self.parts:
                with StoredPart(path) as stored:
                    yield from getattr(stored, kind)()
            extra = self.annex if kind == "letters" else self.annex_pdf
            if extra is not None:
                yield extra.name, extra.read_bytes()


def join_print_pdf(parts: list[Path], target: Path) -> bool:
    """The print file's PDF: the sections of ``parts`` (files of :meth:`Part.write`, in order)
    joined (:func:`join_pdfs`) and written to ``target``. False (and nothing written) when a
    section has no PDF or they cannot be joined."""
    sections: list[bytes | None] = []
    for path in parts:
        with StoredPart(path) as stored:
            sections.extend(stored.print_pdfs())
    if not sections or None in sections:
        return False
    joined = join_pdfs(sections)  # type: ignore[arg-type]
    if joined is None:
        return False
    target.write_bytes(joined)
    return True


#: From this many sections on, :func:`finish_job` joins the print PDF in a process of its
#: own, beside the rest of its work (a list of 1,000 letters: 20 sections, about 3 s of
#: joining), and that process's memory (about 13 MB a section) is given back when it ends.
JOIN_APART = 4
_JOIN_CHILD = ("import sys; from pathlib import Path; from docassemble.psobrief.bulk import _join_main; "
               "sys.exit(_join_main(Path(sys.argv[1]), [Path(p) for p in sys.argv[2:]]))")


def _join_main(target: Path, parts: list[Path]) -> int:
    """The join process (:data:`_JOIN_CHILD`): first in line for the out-of-memory killer (on
    Linux), so that a server short of memory loses this process and not a worker; 0 when
    ``target`` was written, 3 when the sections cannot be joined."""
    try:
        Path("/proc/self/oom_score_adj").write_text("1000")
    except OSError:
        pass
    return 0 if join_print_pdf(parts, target) else 3


class _Join:
    """:func:`join_print_pdf`, in another Python process for :data:`JOIN_APART` sections or more;
    should that process not start or fail, in this one (:meth:`result`). One that was killed
    (the out-of-memory killer, the timeout) is not done again here, where it would take the
    worker down with it: the print file's PDF is then named missing."""

    def __init__(self, parts: list[Path], target: Path, sections: int):
        self.parts, self.target = parts, target
        self.process: subprocess.Popen | None = None
        if sections >= JOIN_APART:
            try:  # in the target's folder: `python -c` puts the working folder first on sys.path
                self.process = subprocess.Popen(
                    [sys.executable, "-c", _JOIN_CHILD, str(target), *map(str, parts)], cwd=target.parent,
                    stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            except OSError as error:
                log.warning("psobrief: the print PDF is joined in this process (%s)", error)

    def result(self) -> bool:
        """True when ``target`` holds the joined PDF (waits for the other process)."""
        if self.process is not None:
            try:
                _, errors = self.process.communicate(timeout=3600)
            except subprocess.TimeoutExpired:
                self.process.kill()
                _, errors = self.process.communicate()
            if self.process.returncode in (0, 3):  # joined, or a section that cannot be joined
                return self.process.returncode == 0 and self.target.is_file()
            log.warning("psobrief: joining the print PDF apart failed (%s): %s", self.process.returncode,
                        errors.decode("utf-8", "replace")[-2000:])
            if self.process.returncode < 0:  # killed by a signal
                return False
        return join_print_pdf(self.parts, self.target)


def finish_job(items: list[dict[str, Any]], parts: list[Path], folder: Path, pdf: bool = True) -> Finished:
    """Join a job's parts (files of :meth:`Part.write`, in order) into its files in ``folder``:
    the annex and its PDF (from the part that made it), the print file and its PDF, the
    overview, and the ZIP with everything. Written file by file, each letter read from its
    part when it is needed: the memory this takes does not grow with the list (except the
    print PDF's join, which keeps its sections open).
    """
    folder.mkdir(parents=True, exist_ok=True)
    finished = Finished(folder=folder, parts=list(parts))
    stored = [StoredPart(path) for path in parts]
    try:
        for part in stored:
            finished.letters += len(part.names)
            finished.pdfs += part.pdf_count
            finished.pdf_missing.extend(part.missing)
            finished.pdf_error = finished.pdf_error or part.error
            annex = part.annex()
            if annex is not None:
                finished.annex = folder / ANNEX_FILENAME
                finished.annex.write_bytes(annex)
                annex_pdf = part.annex_pdf()
                if annex_pdf is not None:
                    finished.annex_pdf = folder / pdf_name(ANNEX_FILENAME)
                    finished.annex_pdf.write_bytes(annex_pdf)
        # the print PDF is joined beside the rest (another process for a long list: another core)
        join = _Join(list(parts), folder / pdf_name(COMBINED_FILENAME), sum(len(part.meta["print"]) for part in stored)
                     ) if pdf and not finished.pdf_error else None
        write_combined_docx(lambda: (content for part in stored for _, content in part.letters()),
                            finished.combined)
        finished.overview.write_bytes(overview_workbook([item["row"] for item in items]))
        # DOCX, XLSX and PDF files are compressed already: stored, not deflated again
        with zipfile.ZipFile(finished.zip, "w", zipfile.ZIP_STORED) as archive:
            for part in stored:
                for name, content in part.letters():
                    archive.writestr(f"Brieven/{name}", content)
            for part in stored:
                for name, content in part.pdfs():
                    archive.writestr(f"PDF/{name}", content)
            for path in (finished.combined, finished.annex, finished.annex_pdf, finished.overview):
                if path is not None:
                    archive.write(path, path.name)
            if join is not None:
                if join.result():
                    finished.combined_pdf = join.target
                    archive.write(join.target, join.target.name)
                else:
                    finished.pdf_missing.append(join.target.name)
    finally:
        for part in stored:
            part.archive.close()
    return finished


def finish_bundle(items: list[dict[str, Any]], parts: list[Part], pdf: bool = True) -> Bundle:
    """:func:`finish_job` for parts in memory, its files read back as a :class:`Bundle`."""
    with tempfile.TemporaryDirectory(prefix="psobrief-job-") as work:
        paths = []
        for number, part in enumerate(parts):
            paths.append(Path(work) / f"deel {number:03d}.zip")
            part.write(paths[-1])
        return Bundle.load(items, finish_job(items, paths, Path(work) / "klaar", pdf=pdf))


def render_job(answers: Answers, folder: Path, pdf: bool = True, progress: Progress | None = None,
               unoserver: bool = True) -> Finished:
    """Every document of a job, for one recipient or five thousand: the one production path.

    The interview (one recipient or a short list, in the web process), its background job
    (a list, in parts over the celery workers: see :mod:`.jobs`) and the command line all
    make their files with :func:`plan_letters`, :func:`render_part` and :func:`finish_job`;
    this runs them one part after the other, each part written to ``folder`` before the
    next is made, and returns the :class:`Finished` files: the letters with one record per
    recipient, the annex, the print file, the overview, the ZIP and, with ``pdf``, the PDFs
    of letters, annex and print file (missing ones named in ``pdf_missing``, never left out
    silently). ``progress(done, total, stage)`` is called after each letter and at each stage.
    """
    report = progress or (lambda done, total, stage: None)
    items = plan_letters(answers)
    total = len(items)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for start in range(0, total, PART_LETTERS):
        part_items = items[start:start + PART_LETTERS]
        part = render_part(answers, part_items, pdf=pdf, annex=start == 0, unoserver=unoserver,
                           progress=lambda done, start=start: report(start + done, total, "brieven"))
        paths.append(folder / f"deel {len(paths):03d}.zip")
        part.write(paths[-1])
        del part
    report(total, total, "verzamelbestand")
    finished = finish_job(items, paths, folder / "klaar", pdf=pdf)
    report(total, total, "klaar")
    return finished


def render_bundle(answers: Answers, pdf: bool = True, progress: Progress | None = None,
                  unoserver: bool = True) -> Bundle:
    """:func:`render_job`'s files read back as a :class:`Bundle` (in memory: for tests and
    short lists; the command line writes :func:`render_job`'s files)."""
    with tempfile.TemporaryDirectory(prefix="psobrief-job-") as work:
        finished = render_job(answers, Path(work), pdf=pdf, progress=progress, unoserver=unoserver)
        return Bundle.load(plan_letters(answers), finished)
