"""Glue between the interview's variables and the plain-Python core.

The interview gathers its answers in docassemble objects; :func:`collect_answers`
turns them into the answers format (the same dict the offline renderer reads), and
:func:`build_documents` renders every document through :mod:`.render`.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from typing import Any

from docassemble.base.util import (
    DAFile,
    DAFileList,
    interview_url,
    log,
    pdf_concatenate,
    user_info,
    validation_error,
    zip_file,
)

from . import sources
from .answers import parse_answers, parse_date
from .dutch import (
    FORMS_OF_ADDRESS,
    Person,
    attention_line,
    clean,
    long_date,
    is_dutch_country,
    normalise_postcode,
    salutation,
)
from .render import ANNEX_FILENAME, letter_filename, render_annex, render_letter

__all__ = [
    "valid_postcode",
    "valid_date",
    "dutch_date",
    "normalise_postcode",
    "ladder_choices",
    "subject_choices",
    "measure_choices",
    "form_choices",
    "unknown_salutation_choices",
    "ladder_name",
    "measure_texts",
    "start_url",
    "download_links",
    "documents_table",
    "shown",
    "recipient_problems",
    "recipient_preview",
    "collect_answers",
    "answers_fingerprint",
    "build_documents",
    "OWN_SUBJECT",
]

#: The radio value that means "I type my own subject line".
OWN_SUBJECT = "eigen"


def valid_postcode(value: str) -> bool:
    """``validate:`` for a Dutch postcode field: a Dutch message says what to fix."""
    try:
        normalise_postcode(value)
    except ValueError as error:
        validation_error(str(error))
    return True


def valid_date(value: str) -> bool:
    """``validate:`` for a date typed the Dutch way (dd-mm-jjjj)."""
    try:
        parse_date(value)
    except ValueError as error:
        validation_error(str(error))
    return True


def dutch_date(value: Any) -> str:
    """A typed date written out: "25-11-2026" -> "25 november 2026"."""
    return long_date(parse_date(value))


def ladder_choices() -> list[dict[str, str]]:
    return [{level["id"]: level["name"]} for level in sources.ladder_levels()]


def subject_choices() -> list[dict[str, str]]:
    return [{text: text} for text in sources.subject_lines()] + [{OWN_SUBJECT: "Een eigen onderwerp"}]


def measure_choices() -> list[dict[str, Any]]:
    """Every standard measure, ticked by default."""
    return [{"value": m["id"], "label": m["text"], "default": True} for m in sources.measures()]


def form_choices() -> list[dict[str, str]]:
    return [{key: label[0].upper() + label[1:]} for key, label in FORMS_OF_ADDRESS.items()]


def unknown_salutation_choices() -> list[str]:
    return sources.unknown_salutations()


def ladder_name(level: str) -> str:
    """ "trede_2" -> "PSO-Trede 2"."""
    return sources.ladder_level(level)["name"]


def measure_texts(annex: Any) -> list[str]:
    """The measures the annex will list: the chosen standard ones and the user's own."""
    texts = {m["id"]: m["text"] for m in sources.measures()}
    chosen = [texts[key] for key, ticked in annex.measures.items() if ticked]
    return chosen + [clean(line) for line in str(_value(annex, "own_measures")).splitlines() if clean(line)]


def start_url() -> str:
    """The link that starts this interview afresh, to share with colleagues."""
    url = interview_url(i=user_info().filename, style="short_package", new_session=1)
    return url.split("?")[0]


def shown(text: Any) -> str:
    """User text for a screen, shown literally: no HTML, no Markdown, no table breaks."""
    escaped = html.escape(str(text), quote=False)
    return re.sub(r"([\\`*_\[\]#])", r"\\\1", escaped).replace("|", "&#124;")


def download_links(docx: DAFile, pdf: DAFile | None) -> str:
    """Links to a document's DOCX and PDF, each named by its file name."""
    links = [docx] + ([pdf] if pdf is not None else [])
    return "<br>".join(
        f'<a href="{html.escape(f.url_for(attachment=True))}">{html.escape(f.filename)}</a>' for f in links
    )


def documents_table(documents: Any) -> str:
    """An accessible HTML table: per recipient the salutation used and the download links."""
    rows = "".join(
        f'<tr><th scope="row">{html.escape(item["organisation"])}</th>'
        f'<td>{html.escape(item["salutation"])}</td>'
        f'<td>{download_links(item["docx"], item["pdf"])}</td></tr>'
        for item in documents.items
    )
    return (
        '<table class="table psobrief-documents"><caption>Brieven per ketenpartner</caption>'
        '<thead><tr><th scope="col">Ketenpartner</th><th scope="col">Aanhef</th>'
        f'<th scope="col">Documenten</th></tr></thead><tbody>{rows}</tbody></table>'
    )


def _value(obj: Any, name: str) -> Any:
    """An attribute the user answered, or "" when the screen did not ask it."""
    return getattr(obj, name) if hasattr(obj, name) else ""


def _person(recipient: Any) -> Person:
    return Person(
        form=_value(recipient, "form") or "onbekend",
        given=_value(recipient, "given"),
        tussenvoegsel=_value(recipient, "tussenvoegsel"),
        surname=_value(recipient, "surname"),
        salutation=_value(recipient, "salutation"),
    )


def recipient_problems(recipient: Any) -> None:
    """``validation code`` of the recipient screen: Dutch messages at the right field.

    A valid Dutch postcode is stored normalised ("1234ab" -> "1234 AB").
    """
    if is_dutch_country(_value(recipient, "country")):
        try:
            recipient.postcode = normalise_postcode(recipient.postcode)
        except ValueError as error:
            validation_error(f"{error} Woont deze ketenpartner in het buitenland? Vul dan het land in.",
                             field="recipients[i].postcode")
    if recipient.form == "neutraal" and not clean(_value(recipient, "given")):
        validation_error("Vul een voornaam of voorletters in: een genderneutrale aanhef noemt de hele naam.",
                         field="recipients[i].given")


def recipient_preview(recipient: Any) -> dict[str, str]:
    """How this recipient will be addressed: the T.a.v. line and the salutation."""
    person = _person(recipient)
    return {
        "attention": attention_line(person),
        "salutation": salutation(person, sources.unknown_salutations()[0]),
    }


def _image_path(files: Any) -> str | None:
    """Path of the first uploaded image, or None when nothing was uploaded."""
    if isinstance(files, DAFileList) and len(files.elements) and files.elements[0].ok:
        return files.elements[0].path()
    if isinstance(files, DAFile) and files.ok:
        return files.path()
    return None


def collect_answers(sender: Any, letter: Any, annex: Any, recipients: Any) -> dict[str, Any]:
    """The interview's answers in the answers format (see docs/answers-format.md)."""
    subject = letter.subject_choice
    if subject == OWN_SUBJECT:
        subject = letter.own_subject
    measures = [key for key, chosen in annex.measures.items() if chosen] if annex.include else []
    return {
        "sender": {
            "name": sender.name,
            "street": sender.street,
            "postcode": sender.postcode,
            "city": sender.city,
            "email": sender.email,
            "logo": _image_path(_value(sender, "logo")),
            "pso_level": sender.pso_level,
            "pso30": bool(sender.pso30),
            "signatory": {
                "name": sender.signatory.name,
                "function": sender.signatory.function,
                "signature": _image_path(_value(sender.signatory, "signature")),
            },
        },
        "letter": {
            "subject": subject,
            "place": letter.place,
            "date": parse_date(letter.date).isoformat(),
            "reference": _value(letter, "reference"),
        },
        "annex": {
            "include": bool(annex.include),
            "measures": measures,
            "own_measures": str(_value(annex, "own_measures")).splitlines() if annex.include else [],
        },
        "recipients": [
            {
                "organisation": item.organisation,
                "street": item.street,
                "postcode": item.postcode,
                "city": item.city,
                "country": _value(item, "country"),
                "contact": {
                    "form": item.form,
                    "given": _value(item, "given"),
                    "tussenvoegsel": _value(item, "tussenvoegsel"),
                    "surname": _value(item, "surname"),
                    "salutation": _value(item, "salutation"),
                },
            }
            for item in recipients
        ],
    }


def answers_fingerprint(data: dict[str, Any]) -> str:
    """A hash of the answers: documents are made again only when it changes."""
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode("utf-8")).hexdigest()


def _docx_file(name: str, content: bytes) -> DAFile:
    the_file = DAFile()
    the_file.set_random_instance_name()
    the_file.initialize(filename=name)
    the_file.write(content, binary=True)
    the_file.commit()
    return the_file


def _pdf_of(docx: DAFile) -> DAFile | None:
    """The PDF of a DOCX through docassemble's own LibreOffice conversion, or None."""
    try:
        return pdf_concatenate(docx, filename=docx.filename[: -len(".docx")] + ".pdf")
    except Exception as error:  # the server cannot convert: offer the DOCX only
        log(f"psobrief: PDF conversion of {docx.filename} failed: {error}")
        return None


def build_documents(documents: Any, data: dict[str, Any]) -> None:
    """Render every document for ``data`` into ``documents`` (a DAObject).

    Sets ``documents.items`` (one dict per recipient: name, docx, pdf, salutation),
    ``documents.annex_docx`` / ``annex_pdf`` (or None), ``documents.zip`` (or None
    for a single recipient), ``documents.pdf_failed`` and ``documents.fingerprint``.
    """
    answers = parse_answers(data)
    taken: set[str] = set()
    items = []
    for recipient in answers.recipients:
        docx = _docx_file(letter_filename(recipient, taken), render_letter(answers, recipient))
        items.append(
            {
                "organisation": recipient.organisation,
                "salutation": salutation(recipient.contact, sources.unknown_salutations()[0]),
                "docx": docx,
                "pdf": _pdf_of(docx),
            }
        )
    documents.items = items
    documents.annex_docx = _docx_file(ANNEX_FILENAME, render_annex(answers)) if answers.annex.include else None
    documents.annex_pdf = _pdf_of(documents.annex_docx) if documents.annex_docx else None
    every_file = [f for item in items for f in (item["docx"], item["pdf"]) if f is not None]
    every_file += [f for f in (documents.annex_docx, documents.annex_pdf) if f is not None]
    documents.zip = zip_file(every_file, filename="Stimuleringsbrieven.zip") if len(items) > 1 else None
    documents.pdf_failed = any(item["pdf"] is None for item in items)
    documents.fingerprint = answers_fingerprint(data)
