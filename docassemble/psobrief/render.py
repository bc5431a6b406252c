"""Render the DOCX template with docassemble's own Jinja environment.

Used by the interview on the server and by the offline renderer alike; both call
:func:`render_letter` / :func:`render_annex`, so both produce the same document text.
Importing docassemble's Jinja environment needs the NLTK data that docassemble
expects (see the README), so it is imported only when a document is rendered.
"""

from __future__ import annotations

import io
import re
import tempfile
import unicodedata
import zipfile
from functools import lru_cache
from pathlib import Path
from typing import Any
from collections.abc import Iterable, Iterator

from docxtpl import InlineImage
from markupsafe import escape

from . import images
from .answers import Answers, Recipient
from .context import build_context
from .images import IMAGE_BOX_MM
from .sources import LETTER_TEMPLATE, TEMPLATE_DIR, wording

__all__ = [
    "template_path",
    "render_docx",
    "render_letter",
    "render_annex",
    "render_all",
    "render_letters",
    "letter_filename",
    "image_description",
    "ANNEX_FILENAME",
]

ANNEX_FILENAME = "Bijlage - Socialer inkoopbeleid met de PSO-prestatieladder.docx"
#: Largest size of the logo and the signature in the letter, in millimetres.
#: Where print-ready copies of logos and signatures are kept (a cache: safe to delete).
_IMAGE_CACHE = Path(tempfile.gettempdir()) / "psobrief-images"


def template_path() -> Path:
    """Where the DOCX template lives."""
    return TEMPLATE_DIR / LETTER_TEMPLATE


@lru_cache(maxsize=4)
def _read_template(path: str, modified: int) -> bytes:
    return Path(path).read_bytes()


def _template_bytes(path: Path) -> bytes:
    """The template's bytes, read again only when the file changed (edits show at once)."""
    return _read_template(str(path), path.stat().st_mtime_ns)


@lru_cache(maxsize=1)
def _jinja_env():
    """docassemble's own Jinja environment, compiling each template part only once.

    docxtpl compiles the document's XML afresh on every render; with many letters from
    one template that is most of the work, so compiled parts are kept (keyed by their
    source, so an edited template compiles anew).
    """
    from docassemble.base.jinja import custom_jinja_env

    env = custom_jinja_env()
    compile_source = env.from_string

    @lru_cache(maxsize=16)
    def compiled(source: str) -> Any:
        return compile_source(source)

    def from_string(source: Any, *args: Any, **kwargs: Any) -> Any:
        if args or kwargs or not isinstance(source, str):
            return compile_source(source, *args, **kwargs)
        return compiled(source)

    env.from_string = from_string
    return env


class CustomInlineImage(InlineImage):
    """docxtpl's inline image with alternative text: Word's "Alternatieve tekst", the PDF's /Alt.

    Named as docassemble's own image class: its Jinja environment passes an image through
    by that class name (any other object would be treated as text).
    """

    def __init__(self, template: Any, path: str, description: str, **size: Any) -> None:
        super().__init__(template, path, **size)
        self.description = description

    def _insert_image(self) -> str:
        """docxtpl's own image XML, with ``descr`` on the drawing (lxml escapes the text)."""
        inline = self.tpl.current_rendering_part.new_pic_inline(self.image_descriptor, self.width, self.height)
        inline.docPr.set("descr", self.description)
        return f'</w:t></w:r><w:r><w:drawing>{inline.xml}</w:drawing></w:r><w:r><w:t xml:space="preserve">'


def _inline_image(template: Any, path: Path, box: tuple[int, int], description: str) -> Any:
    """The image at ``path`` scaled to fit ``box`` (width, height in mm), aspect kept."""
    from docx.image.image import Image
    from docx.shared import Mm

    image = Image.from_file(str(path))
    max_width, max_height = box
    ratio = image.px_width / max(image.px_height, 1)
    if max_height * ratio > max_width:
        return CustomInlineImage(template, str(path), description, width=Mm(max_width))
    return CustomInlineImage(template, str(path), description, height=Mm(max_height))


def image_description(key: str, context: dict[str, Any]) -> str:
    """The alternative text of the logo or the signature ("Logo van …", ``wording.yml``)."""
    return wording()["images"][key].format(organisation=context["sender_name"], name=context["signatory_name"])


def _docx_values(template: Any, context: dict[str, Any],
                 print_ready: dict[tuple[str, Path], Path] | None = None) -> dict[str, Any]:
    """The context made safe for the DOCX: text shown literally, images inlined.

    docassemble's Jinja environment passes already-escaped text through unchanged, so
    escaping here makes ``&``, ``<``, quotes and ``{{ }}`` appear exactly as typed.
    ``print_ready`` keeps the print-ready copy of each image between letters of one job
    (finding it reads and hashes the upload: 10 ms a letter for a 15 MB photo).
    """
    found = {} if print_ready is None else print_ready

    def value_for(key: str, value: Any) -> Any:
        if value is None:
            return escape("")
        if isinstance(value, Path):
            # a copy scaled to the printed size: a 15 MB photo makes a small letter
            if (key, value) not in found:
                found[key, value] = images.print_ready_file(value, key, _IMAGE_CACHE)
            return _inline_image(template, found[key, value], IMAGE_BOX_MM[key], image_description(key, context))
        if isinstance(value, str):
            return escape(value)
        if isinstance(value, list):
            return [escape(item) for item in value]
        return value

    return {key: value_for(key, value) for key, value in context.items()}


def render_docx(context: dict[str, Any], path: Path | None = None) -> bytes:
    """Render a template (default: the letter template) with ``context``; DOCX bytes."""
    from docxtpl import DocxTemplate

    path = path or template_path()
    template = DocxTemplate(io.BytesIO(_template_bytes(path)))
    template.render(_docx_values(template, context), jinja_env=_jinja_env())
    out = io.BytesIO()
    template.save(out)
    return out.getvalue()


def render_letter(answers: Answers, recipient: Recipient) -> bytes:
    """The letter for ``recipient`` (followed by the annex when it is included)."""
    return render_docx(build_context(answers, recipient))


def render_annex(answers: Answers) -> bytes:
    """The annex alone."""
    return render_docx(build_context(answers, None))


def _parts(content: bytes) -> list[tuple[zipfile.ZipInfo, bytes]]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return [(info, archive.read(info)) for info in archive.infolist()]



def render_letters(answers: Answers, recipients: Iterable[Recipient]) -> Iterator[bytes]:
    """The letters for many recipients, the same bytes-for-text as :func:`render_letter`, faster.

    Between two letters of one job only the body differs (the letterhead, images, styles and
    annex are the sender's), so after one full render each further letter renders only
    ``word/document.xml`` with the compiled template and reuses every other part, already
    compressed (the body is appended to a copy of the archive of the others). The first
    letter is made both ways and compared; should they ever differ, every letter is made the
    full way.
    """
    from docxtpl import DocxTemplate
    from lxml import etree

    recipients = list(recipients)
    if not recipients:
        return
    first = render_letter(answers, recipients[0])
    template = DocxTemplate(io.BytesIO(_template_bytes(template_path())))
    template.render_init()
    source = template.patch_xml(template.get_xml())

    parts = _parts(first)
    body_info, whole = next((info, data) for info, data in parts if info.filename == "word/document.xml")
    start, end = whole.index(b"<w:body"), whole.rindex(b"</w:body>") + len(b"</w:body>")

    print_ready: dict[tuple[str, Path], Path] = {}

    def document(recipient: Recipient) -> bytes:
        """``word/document.xml`` for ``recipient``: the first letter's, with a new body."""
        values = _docx_values(template, build_context(answers, recipient), print_ready)
        xml = template.render_xml_part(source, template.docx._part, values, _jinja_env())
        body = template.fix_tables(xml)  # docxtpl's own steps after rendering the body
        template.fix_docpr_ids(body)
        return whole[:start] + etree.tostring(body, encoding="UTF-8") + whole[end:]

    def canonical(xml: bytes) -> bytes:
        return etree.tostring(etree.fromstring(xml), method="c14n")

    fast = canonical(document(recipients[0])) == canonical(whole)
    # every part but the body, compressed once; each letter appends its own body to a copy
    others_out = io.BytesIO()
    with zipfile.ZipFile(others_out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, data in parts:
            if info is not body_info:
                archive.writestr(info, data)
    others = others_out.getvalue()
    yield first
    for recipient in recipients[1:]:
        if not fast:
            yield render_letter(answers, recipient)
            continue
        out = io.BytesIO(others)
        with zipfile.ZipFile(out, "a") as archive:  # appended: the other parts are not compressed again
            archive.writestr(body_info, document(recipient))
        yield out.getvalue()


def _safe_name(text: str, limit: int = 80) -> str:
    """A readable file name part that every system (and docassemble's storage) keeps as is.

    ASCII letters, digits, spaces, dots and hyphens only: accents are dropped ("Ö" -> "O"),
    "&" becomes "en", anything else goes. docassemble itself strips other characters from
    stored file names, so the server and the offline renderer give the same names.
    """
    text = unicodedata.normalize("NFKD", text.replace("&", " en "))
    text = text.encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"[^A-Za-z0-9.\- ]+", " ", text)
    text = " ".join(text.split()).strip(" .-")
    return text[:limit].rstrip(" .-") or "ketenpartner"


def letter_filename(recipient: Recipient, taken: set[str]) -> str:
    """ "Stimuleringsbrief - <organisatie>.docx", unique within ``taken`` (which it updates).

    A second letter to the same name gets " 2", a third " 3" (no brackets: docassemble
    drops them from stored file names).
    """
    base = f"Stimuleringsbrief - {_safe_name(recipient.organisation)}"
    name, number = f"{base}.docx", 2
    while name.lower() in taken:
        name, number = f"{base} {number}.docx", number + 1
    taken.add(name.lower())
    return name


def render_all(answers: Answers, recipients: Iterable[Recipient] | None = None) -> Iterator[tuple[str, bytes]]:
    """Every document of a job: one letter per recipient, then the annex alone if chosen."""
    taken: set[str] = set()
    recipients = answers.recipients if recipients is None else list(recipients)
    for recipient, letter in zip(recipients, render_letters(answers, recipients)):
        yield letter_filename(recipient, taken), letter
    if answers.annex.include:
        yield ANNEX_FILENAME, render_annex(answers)
