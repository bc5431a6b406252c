"""Glue between the interview's variables and the plain-Python core.

The interview gathers its answers in docassemble objects; :func:`collect_answers`
turns them into the answers format (the same dict the offline renderer reads), and
:func:`start_documents` starts making every file: the one production path of
:mod:`.bulk`, run in parts by :mod:`.jobs`. The screens' HTML is in :mod:`.screens`, the background job in :mod:`.jobs`;
their names are listed here too, because the interview's ``modules:`` imports this module.
"""

from __future__ import annotations

import datetime
import hashlib
import html
import json
import tempfile
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

from docassemble.base.util import (
    DADict,
    DAStore,
    DAFile,
    DAFileList,
    DAValidationError,
    get_config,
    interview_url,
    log,
    user_info,
    validation_error,
)

from . import fields, images, profiles, sources
from .answers import Answers, AnswersError, parse_answers, recipient_dict
from .dutch import FORMS_OF_ADDRESS, Person, attention_line, count_of, long_date, salutation
from .fields import parse_date
from .bulk import first_page_png, plan_letters, render_part
from .exchange import MAX_PACKAGE_BYTES, export_answers, image_filename, read_answers, unpack
from .render import ANNEX_FILENAME
from .spreadsheet import SheetResult, read_recipients, template_csv, template_workbook
# the screens' HTML and the background job: their own modules, named here for the interview
from .jobs import PART_ACTION, check_job, file_info, job_progress, run_part_action, start_parts, stored_file
from .screens import (SHOWN_PROBLEMS, downloads_html, job_progress_html, missing_pdfs_html, notices_html,
                      preview_html, problems_html, sheet_check_html, shown)

__all__ = [
    "field_check",
    "field_max",
    "checked",
    "print_image",
    "answers_report",
    "problems_html",
    "notices_html",
    "missing_pdfs_html",
    "dutch_date",
    "count_of",
    "ladder_choices",
    "upload_limit",
    "subject_choices",
    "measure_choices",
    "form_choices",
    "unknown_salutation_choices",
    "ladder_name",
    "measure_texts",
    "start_url",
    "downloads_html",
    "shown",
    "recipient_problems",
    "recipient_preview",
    "recipient_email",
    "collect_answers",
    "answers_fingerprint",
    "start_documents",
    "retry_documents",
    "documents_status",
    "check_job",
    "OWN_SUBJECT",
    "BULK_THRESHOLD",
    "read_uploaded_sheet",
    "sheet_check_html",
    "fill_recipients",
    "example_sheet_files",
    "job_progress_html",
    "run_part_action",
    "PART_ACTION",
    "EXPORT_FILENAME",
    "answers_zip_file",
    "check_answers_upload",
    "import_answers",
    "save_profile",
    "withdraw_profile",
    "profile_link",
    "profile_token_of",
    "load_profile",
    "letter_preview",
    "preview_html",
]

#: Above this many recipients the letters are made by a background task with progress.
BULK_THRESHOLD = 10

#: The radio value that means "I type my own subject line".
OWN_SUBJECT = "eigen"


def _refuse(message: str, field: str | None = None) -> None:
    """A Dutch message on the screen; escaped, because the screen shows it as HTML."""
    validation_error(html.escape(message, quote=False), field=field)


def field_check(key: str, required: bool | None = None) -> Callable[[Any], bool]:
    """``validate:`` for a field: the answers contract's rule (see :mod:`.fields`).

    docassemble's REST API skips ``validate:``; the documents step checks the same
    rules again through :func:`.answers.parse_answers`.
    """

    def validate(value: Any) -> bool:
        result = fields.check(key, value)
        rule = fields.rule(key)
        if required and not result.value and not result.problems:
            result.problems.append(f"Vul {rule.label} in.")
        if result.problems:
            _refuse(" ".join(result.problems))
        return True

    return validate


def field_max(key: str) -> int:
    """``maxlength:`` of a field, from its rule (the browser's check; the server checks too)."""
    return fields.rule(key).max_length


def checked(key: str, value: Any, country: str = "") -> str:
    """The value as the documents will use it (a postcode "3511ab" -> "3511 AB")."""
    return fields.check(key, value, country=country).value


def dutch_date(value: Any) -> str:
    """A typed date written out: "25-11-2026" -> "25 november 2026"."""
    return long_date(parse_date(value))


#: What the other fields of a form may take of a request, beside its file (bytes).
_FORM_MARGIN = 256 * 1024
#: docassemble's own request limit when ``maximum content length`` is not configured (16 MB).
_DOCASSEMBLE_REQUEST_LIMIT = 16 * 1024 * 1024


def upload_limit() -> int:
    """The largest file (bytes) this server can receive in one form.

    docassemble refuses a larger request (``maximum content length`` in its configuration,
    16 MB unless set) with its own English page (HTTP 413), before any of our checks runs:
    the screens with a file field give this number to psobrief.js, which refuses such a file
    in the browser, in Dutch, before it is sent. Smaller files are judged by the server by
    their content (:mod:`.images`, :mod:`.spreadsheet`, :mod:`.exchange`).
    """
    try:
        limit = int(get_config("maximum content length", _DOCASSEMBLE_REQUEST_LIMIT))
    except (TypeError, ValueError):
        limit = _DOCASSEMBLE_REQUEST_LIMIT
    return max(limit - _FORM_MARGIN, 1)


def ladder_choices() -> list[dict[str, str]]:
    return [{level["id"]: level["name"]} for level in sources.ladder_levels()]


def subject_choices() -> list[dict[str, str]]:
    return [{text: text} for text in sources.subject_lines()] + [{OWN_SUBJECT: "Een eigen onderwerp"}]


def measure_choices(annex: Any = None) -> list[dict[str, Any]]:
    """Every standard measure: ticked as answered before (a choice's default wins over the
    saved answer in docassemble, so the default is that answer), all ticked the first time."""
    answered = getattr(annex, "measures", None) if annex is not None and hasattr(annex, "measures") else None
    return [{"value": m["id"], "label": m["text"],
             "default": bool(answered.get(m["id"], False)) if answered is not None else True}
            for m in sources.measures()]


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
    return chosen + checked("annex.own_measures", _value(annex, "own_measures")).splitlines()


def start_url() -> str:
    """The link that starts this interview afresh, to share with colleagues."""
    url = interview_url(i=user_info().filename, style="short_package", new_session=1)
    return url.split("?")[0]


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
    """``validation code`` of the recipient screen: the rules that need two fields.

    A Dutch postcode is required only for an address in the Netherlands; a surname
    unless no contact person is known; first name or initials for a neutral salutation.
    A valid Dutch postcode is stored normalised ("1234ab" -> "1234 AB"). The optional
    e-mail address is checked here too (one plain address) and stored without the
    spaces around it.
    """
    result = fields.check("recipient.postcode", recipient.postcode,
                          country=_value(recipient, "country"))
    if result.problems:
        _refuse(" ".join(result.problems), field="recipients[i].postcode")
    recipient.postcode = result.value
    email = fields.check("recipient.email", _value(recipient, "email"))
    if email.problems:
        _refuse(" ".join(email.problems), field="recipients[i].email")
    recipient.email = email.value
    surname = fields.check("recipient.contact.surname", _value(recipient, "surname")).value
    if recipient.form != "onbekend" and not surname:
        _refuse("Vul de achternaam in, of kies bij Aanspreekvorm 'Geen contactpersoon bekend'.",
                field="recipients[i].surname")
    if recipient.form == "neutraal" and not fields.check("recipient.contact.given", _value(recipient, "given")).value:
        _refuse("Vul een voornaam of voorletters in: een genderneutrale aanhef noemt de hele naam.",
                field="recipients[i].given")


def recipient_preview(recipient: Any) -> dict[str, str]:
    """How this recipient will be addressed: the T.a.v. line and the salutation."""
    person = _person(recipient)
    return {
        "attention": attention_line(person),
        "salutation": salutation(person, sources.unknown_salutations()[0]),
    }


def recipient_email(recipient: Any) -> str:
    """The recipient's e-mail address, or "" (also for a recipient entered before the field existed)."""
    return str(_value(recipient, "email") or "")


def _image_path(files: Any) -> str | None:
    """Path of the first uploaded image, or None when nothing was uploaded."""
    if isinstance(files, DAFileList) and len(files.elements) and files.elements[0].ok:
        return files.elements[0].path()
    if isinstance(files, DAFile) and files.ok:
        return files.path()
    return None


def print_image(upload: Any, role: str, field: str) -> DAFile | None:
    """``validation code`` for a logo or signature upload.

    The file is judged by its content (PNG or JPEG, not damaged, not too many pixels);
    a problem is a Dutch message at the upload field. What is stored for the letters is
    a copy scaled to its printed size, so a 15 MB photo makes small letters.
    """
    try:
        # docassemble itself opens a file named .png or .jpg with Pillow when it looks
        # the file up, and fails on anything that is not an image
        path = _image_path(upload)
    except Exception as error:
        log(f"psobrief: uploaded {role} unreadable: {error.__class__.__name__}")
        if "DecompressionBomb" in error.__class__.__name__:
            _refuse(f"Deze afbeelding heeft te veel pixels. Het maximum is {images.MAX_PIXELS // 1_000_000} "
                    "miljoen pixels; verklein de afbeelding en kies hem opnieuw.", field=field)
        _refuse("Dit bestand is geen PNG- of JPG-afbeelding. Kies een PNG- of JPG-bestand.", field=field)
    if path is None:
        return None
    try:
        with open(path, "rb") as handle:
            content, extension = images.print_ready(handle.read(images.MAX_BYTES + 1), role)
    except images.ImageProblem as problem:
        _refuse(str(problem), field=field)
    except OSError:
        _refuse("Het bestand kon niet worden gelezen. Kies het nog eens.", field=field)
    return stored_file(f"{role}.{extension}", content)


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
            "kvk": _value(sender, "kvk"),
            "kvk_exempt": bool(_value(sender, "kvk_exempt")),
            "phone": _value(sender, "phone"),
            "website": _value(sender, "website"),
            "logo": _image_path(_value(sender, "logo_print")),
            "pso_level": sender.pso_level,
            "pso30": bool(sender.pso30),
            "signatory": {
                "name": sender.signatory.name,
                "function": sender.signatory.function,
                "signature": _image_path(_value(sender.signatory, "signature_print")),
            },
        },
        "letter": {
            "subject": subject,
            "place": letter.place,
            "date": letter.date,
            "reference": _value(letter, "reference"),
        },
        "annex": {
            "include": bool(annex.include),
            "measures": measures,
            # the text as typed: the answers contract splits it into lines (after leaving out
            # invisible characters, some of which Python would take for line breaks)
            "own_measures": str(_value(annex, "own_measures")) if annex.include else "",
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
                # optional in the answers format: only a recipient with an address has the key
                **({"email": _value(item, "email")} if _value(item, "email") else {}),
            }
            for item in recipients
        ],
    }


def answers_fingerprint(data: dict[str, Any]) -> str:
    """A hash of the answers: documents are made again only when it changes."""
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode("utf-8")).hexdigest()


def answers_report(data: dict[str, Any]) -> dict[str, list[str]]:
    """What the answers contract says of the interview's answers: problems and notices.

    Answers given through the browser already passed the same rules; answers set over
    docassemble's REST API (which runs no ``validate:``) are caught here, before any
    document is made.
    """
    try:
        return {"problems": [], "notices": parse_answers(data).notices}
    except AnswersError as error:
        return {"problems": error.problems, "notices": []}


def start_documents(data: dict[str, Any]) -> dict[str, Any]:
    """Start making every document for ``data``; the job, as plain data kept in the session.

    A short list (up to :data:`BULK_THRESHOLD` letters) gets its DOCX files at once, made
    here in the web request, and its PDFs, print file and ZIP from a background task; a
    longer list is made wholly in the background, in parts over the celery workers
    (:mod:`.jobs`, :func:`.bulk.render_part`: the one production path). Never raises:
    ``job["problems"]`` lists, in Dutch, the answers that break a rule; ``job["failed"]``
    is True when anything else failed (the details go to the server's log, not the screen).
    """
    job: dict[str, Any] = {"fingerprint": answers_fingerprint(data), "problems": [], "failed": False,
                           "letters": None, "annex": None, "result": None, "restarted": False,
                           "retried": False, "notices": []}
    try:
        answers = parse_answers(data)
    except AnswersError as error:
        job["problems"] = error.problems
        return job
    job["notices"] = answers.notices
    try:
        if len(answers.recipients) <= BULK_THRESHOLD:
            items = plan_letters(answers)
            part = render_part(answers, items, pdf=False, annex=True)
            job["letters"] = [{"organisation": item["organisation"], "salutation": item["salutation"],
                               "docx": file_info(stored_file(item["docx"], part.letters[item["docx"]]))}
                              for item in items]
            job["annex"] = file_info(stored_file(ANNEX_FILENAME, part.annex)) if part.annex else None
        start_parts(job, data)
    except Exception as error:  # never a stack trace or a path on the screen
        log(f"psobrief: making the documents failed: {error.__class__.__name__}: {error}\n"
            f"{traceback.format_exc()}")
        job["failed"] = True
    return job


def retry_documents(job: dict[str, Any], data: dict[str, Any]) -> None:
    """Make the job's PDFs (and for a list, its files) once more: "Opnieuw proberen"."""
    if check_job(job, data, restart=False) == "bezig":
        return  # still at work: nothing to try again yet
    job["retried"], job["restarted"] = True, False
    start_parts(job, data)


def documents_status(job: dict[str, Any]) -> dict[str, Any]:
    """What the download screen's script asks every few seconds while the PDFs are made:
    whether they are ready (then the new HTML of the downloads), or whether the page must be
    drawn again (a part was ended by a restart: the screen starts it again and says so)."""
    state = check_job(job, restart=False)
    answer: dict[str, Any] = {"state": state}
    if state == "klaar":
        answer["html"] = downloads_html(job)
    elif state == "bezig":
        answer["progress"] = job_progress(job)["percent"]
    return answer


def letter_preview(data: dict[str, Any], previous: dict[str, Any] | None = None) -> dict[str, Any]:
    """A picture of the first page of the first recipient's letter, for the review screen.

    Returns ``{"image": DAFile or None, "alt": text, "fingerprint": ...}``. Only the first
    recipient is rendered, so a list of 5,000 costs what one letter costs, and ``previous``
    is returned as it is while that letter's answers are unchanged. Never raises: no preview
    rather than an error.
    """
    first = {**data, "recipients": list(data.get("recipients") or [])[:1]}
    result: dict[str, Any] = {"image": None, "alt": "", "fingerprint": answers_fingerprint(first)}
    if previous and previous.get("fingerprint") == result["fingerprint"]:
        return previous
    try:
        answers = parse_answers(first)
        docx = next(iter(render_part(answers, plan_letters(answers), pdf=False).letters.values()))
        png = first_page_png(docx)
    except Exception as error:  # noqa: BLE001 - answers with problems are reported elsewhere
        log(f"psobrief: no preview: {error.__class__.__name__}: {error}")
        return result
    if png:
        recipient = answers.recipients[0]
        result["image"] = stored_file("Voorbeeld eerste brief.png", png)
        result["alt"] = (f"Voorbeeld van de eerste pagina van de brief aan {recipient.organisation}: briefhoofd van "
                         f"{answers.sender.name}, het adres, de datum, 'Betreft: {answers.letter.subject}' en de "
                         f"aanhef '{salutation(recipient.contact, sources.unknown_salutations()[0])}'.")
    return result


# ---------------------------------------------------------------- spreadsheets


def example_sheet_files() -> dict[str, DAFile]:
    """The example spreadsheet as XLSX and as CSV, to download and fill in."""
    files = {}
    for name, content in (("Ketenpartners-voorbeeld.xlsx", template_workbook()),
                          ("Ketenpartners-voorbeeld.csv", template_csv())):
        files[name.rsplit(".", 1)[1]] = stored_file(name, content)
    return files


def read_uploaded_sheet(upload: Any) -> SheetResult:
    """Read the uploaded spreadsheet; problems are reported, never raised."""
    the_file = upload[0] if isinstance(upload, DAFileList) else upload
    with open(the_file.path(), "rb") as handle:
        return read_recipients(handle.read(), the_file.filename)


def fill_recipients(recipients: Any, sheet: SheetResult) -> None:
    """Put the spreadsheet's recipients in the interview's list (after any already there)."""
    _add_recipients(recipients, sheet.recipients)


def _add_recipients(recipients: Any, items: list[dict[str, Any]]) -> None:
    """Recipients in the answers format appended to the interview's list, which is then complete."""
    for data in items:
        item = recipients.appendObject()
        for key in ("organisation", "street", "postcode", "city", "country"):
            setattr(item, key, data[key])
        for key in ("form", "given", "tussenvoegsel", "surname", "salutation"):
            setattr(item, key, data["contact"][key])
        item.email = data.get("email") or ""  # optional in the answers format
        item.complete = True
    if recipients.elements:  # len(recipients) would start docassemble's gathering questions
        recipients.there_are_any = True
        recipients.gathered = True  # more can be added on the review screen


# ---------------------------------------------------------------- bulk letters


# ---------------------------------------------------------------- saved answers (ZIP)

#: The name of the saved answers' ZIP (answers.yml, logo, signature) when downloaded.
EXPORT_FILENAME = "Antwoorden stimuleringsbrief.zip"
#: What to do after a file that cannot be used.
_AGAIN = "Kies het ZIP-bestand dat u bij 'Antwoorden opslaan (ZIP)' heeft gedownload, of een answers.yml."
#: The upload variable an imported logo or signature is kept in, by role (its print copy is beside it).
_IMPORTED_IMAGES = {"logo": "sender.logo", "signature": "sender.signatory.signature"}


def answers_zip_file(data: dict[str, Any]) -> DAFile | None:
    """The answers as a ZIP to save and upload again (see :mod:`.exchange`); None if it cannot be made."""
    try:
        return stored_file(EXPORT_FILENAME, export_answers(data))
    except Exception as error:  # never a stack trace on the download screen; the documents are there
        log(f"psobrief: saving the answers failed: {error.__class__.__name__}: {error}")
        return None


def _read_upload(upload: Any, folder: Path) -> Answers:
    """The uploaded answers file checked as the command line checks it; raises AnswersError."""
    the_file = upload[0] if isinstance(upload, DAFileList) else upload
    if not isinstance(the_file, DAFile) or not the_file.ok:
        raise AnswersError(["Kies het bestand met uw opgeslagen antwoorden."])
    with open(the_file.path(), "rb") as handle:
        content = handle.read(MAX_PACKAGE_BYTES + 1)
    return read_answers(content, folder, "Dit bestand")


def _problems_message(problems: list[str]) -> str:
    shown_problems = "".join(f"<br>– {html.escape(problem, quote=False)}" for problem in problems[:SHOWN_PROBLEMS])
    more = (f"<br>En nog {count_of(len(problems) - SHOWN_PROBLEMS, 'andere melding', 'andere meldingen')}."
            if len(problems) > SHOWN_PROBLEMS else "")
    return ("Met dit bestand kunnen de antwoorden niet worden ingevuld. Verbeter dit en kies het bestand "
            f"opnieuw:{shown_problems}{more}")


def check_answers_upload(upload: Any, field: str) -> None:
    """``validation code`` of the upload screen: every problem of the file, in Dutch, at the field."""
    with tempfile.TemporaryDirectory(prefix="psobrief-") as folder:
        try:
            _read_upload(upload, Path(folder))
        except AnswersError as error:
            validation_error(_problems_message(error.problems), field=field)
        except Exception as error:  # noqa: BLE001 - whatever the file holds, a Dutch message
            log(f"psobrief: reading saved answers failed: {error.__class__.__name__}: {error}")
            _refuse("Dit bestand kon niet worden gelezen. " + _AGAIN, field=field)


def _imported_image(role: str, path: Path | None, field: str) -> tuple[DAFileList | None, DAFile | None]:
    """An image from the answers file stored as the upload screens store it: the upload and its print copy."""
    if path is None:
        return None, None
    content = path.read_bytes()
    upload = DAFileList(_IMPORTED_IMAGES[role], auto_gather=False, gathered=True,
                        elements=[stored_file(image_filename(role, content), content)])
    return upload, print_image(upload, role, field)


def import_answers(upload: Any, sender: Any, letter: Any, annex: Any, recipients: Any,
                   field: str = "answers_upload") -> dict[str, Any]:
    """Fill in every answer from an uploaded answers file: the inverse of :func:`collect_answers`.

    Returns ``{"problems": [...], "notices": [...], "filename": ...}``. With problems
    (the file breaks a rule; the upload screen's ``validate`` normally said so already,
    but docassemble's REST API skips it) nothing is changed. Otherwise the sender, logo
    and signature (stored and scaled as the upload screens do, through
    :func:`print_image`), level, signatory, subject, place, date, annex and recipients
    replace whatever was answered before.
    """
    the_file = upload[0] if isinstance(upload, DAFileList) and len(upload.elements) else upload
    result: dict[str, Any] = {"problems": [], "notices": [], "filename": getattr(the_file, "filename", "")}
    with tempfile.TemporaryDirectory(prefix="psobrief-") as folder:
        try:
            answers = _read_upload(upload, Path(folder))
            stored = {"logo": _imported_image("logo", answers.sender.logo, field),
                      "signature": _imported_image("signature", answers.sender.signatory.signature, field)}
        except AnswersError as error:
            result["problems"] = error.problems
            return result
        except DAValidationError as error:  # print_image refused an image
            result["problems"] = [html.unescape(str(error))]
            return result
        except Exception as error:  # noqa: BLE001 - whatever the file holds, a Dutch message
            log(f"psobrief: reading saved answers failed: {error.__class__.__name__}: {error}")
            result["problems"] = ["Dit bestand kon niet worden gelezen. " + _AGAIN]
            return result
    _fill(answers, stored, sender, letter, annex, recipients)
    result["notices"] = answers.notices
    return result


def _forget(obj: Any, *names: str) -> None:
    for name in names:
        if hasattr(obj, name):
            delattr(obj, name)


def _fill(answers: Answers, stored: dict[str, tuple[Any, Any]], sender: Any, letter: Any, annex: Any,
          recipients: Any | None) -> None:
    """Set the interview's variables to ``answers``, as the screens would have set them."""
    given = answers.sender
    for key in ("name", "street", "postcode", "city", "email", "kvk", "kvk_exempt", "phone", "website",
                "pso_level", "pso30"):
        setattr(sender, key, getattr(given, key))
    sender.logo, sender.logo_print = stored["logo"]
    sender.signatory.name = given.signatory.name
    sender.signatory.function = given.signatory.function
    sender.signatory.signature, sender.signatory.signature_print = stored["signature"]
    if answers.letter.subject in sources.subject_lines():
        letter.subject_choice = answers.letter.subject
        _forget(letter, "own_subject")
    else:
        letter.subject_choice = OWN_SUBJECT
        letter.own_subject = answers.letter.subject
    letter.place = answers.letter.place
    letter.date = answers.letter.date.strftime("%d-%m-%Y")  # as typed on the screen: dd-mm-jjjj
    letter.reference = answers.letter.reference
    annex.include = answers.annex.include
    annex.measures = DADict("annex.measures", auto_gather=False, gathered=True,
                            elements={m["id"]: m["id"] in answers.annex.measures for m in sources.measures()})
    annex.own_measures = "\n".join(answers.annex.own_measures)
    if recipients is None:  # an organisation profile: today's letter, no reference, recipients to add
        letter.date = datetime.date.today().strftime("%d-%m-%Y")
        letter.reference = ""
        return
    recipients.clear()
    _add_recipients(recipients, [recipient_dict(item) for item in answers.recipients])


# ---------------------------------------------------------------- organisation profile

#: Where profiles are kept: docassemble's own server-side storage (SQL, shared by every web
#: and worker process, kept over restarts). Each is sealed by :mod:`.profiles` with a key
#: derived from the link's token, so docassemble's encryption (per person) is not used.
PROFILE_STORE = "psobrief-profiles"


def _profile_store() -> DAStore:
    return DAStore("psobrief_profiles", base=PROFILE_STORE, encrypted=False)  # named: no stack search


def profile_answers(data: dict[str, Any]) -> dict[str, Any]:
    """The organisation's part of the answers (see :data:`.profiles.PROFILE_PARTS`)."""
    part: dict[str, Any] = {"recipients": []}
    for section, keys in profiles.PROFILE_PARTS.items():
        given = data.get(section) or {}
        part[section] = dict(given) if keys is None else {key: given.get(key, "") for key in keys}
    return part


def save_profile(data: dict[str, Any], token: str | None = None) -> str:
    """Store (or, with the same token, update) the profile; returns the link's token."""
    if not profiles.valid_token(token):
        token = profiles.new_token()
    payload = export_answers(profile_answers(data))
    _profile_store().set(profiles.storage_key(token), profiles.seal(token, payload))
    return token


def withdraw_profile(token: str | None) -> None:
    """Delete the profile: its link no longer works."""
    if profiles.valid_token(token):
        _profile_store().delete(profiles.storage_key(token))


def profile_link(token: str) -> str:
    """The link for colleagues: a new interview that starts from the profile."""
    return f"{start_url()}?{profiles.TOKEN_ARG}={token}"


def profile_token_of(args: Any) -> str | None:
    """The token a person's link carried (``url_args``), or None without one."""
    value = args.get(profiles.TOKEN_ARG) if hasattr(args, "get") else None
    return None if value is None else str(value)


def load_profile(token: str | None, sender: Any, letter: Any, annex: Any) -> dict[str, Any]:
    """Fill in the organisation's answers from the profile behind ``token``.

    Returns ``{"ok": bool, "name": organisation, "notices": [...]}``; not ok (nothing
    changed) for an unknown, withdrawn, damaged or mistyped link.
    """
    result: dict[str, Any] = {"ok": False, "name": "", "notices": []}
    if not profiles.valid_token(token):
        return result
    try:
        sealed = _profile_store().get(profiles.storage_key(token))
        payload = profiles.unseal(token, sealed) if isinstance(sealed, str) else None
        if payload is None:
            return result
        with tempfile.TemporaryDirectory(prefix="psobrief-") as folder:
            data, problems = unpack(payload, Path(folder), "Het profiel")
            answers = parse_answers(data, base_dir=Path(folder), recipients_required=False)
            if problems:
                raise AnswersError(problems)
            stored = {"logo": _imported_image("logo", answers.sender.logo, "profile"),
                      "signature": _imported_image("signature", answers.sender.signatory.signature, "profile")}
    except Exception as error:  # noqa: BLE001 - a profile that cannot be used is "unknown" to the colleague
        log(f"psobrief: profile could not be used: {error.__class__.__name__}: {error}")
        return result
    _fill(answers, stored, sender, letter, annex, None)
    result.update(ok=True, name=answers.sender.name, notices=answers.notices)
    return result
