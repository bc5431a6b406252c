"""The answers that make a set of letters, and their validation.

The interview and the offline renderer both describe a job as a plain dict in the
*answers format* (documented in ``docs/answers-format.md``); :func:`parse_answers`
checks it and turns it into the dataclasses below. Every problem is reported at
once, in Dutch, saying what to fix.
"""

from __future__ import annotations

import datetime
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from . import fields, images, sources
from .dutch import FORMS_OF_ADDRESS, Person, clean, count_of
from .fields import check_date, parse_date

__all__ = [
    "AnswersError",
    "Signatory",
    "Sender",
    "LetterOptions",
    "AnnexOptions",
    "Recipient",
    "Answers",
    "parse_answers",
    "parse_date",
    "read_recipient",
    "recipient_dict",
]



class AnswersError(ValueError):
    """The answers cannot make a letter; ``problems`` lists every reason in Dutch."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass
class Signatory:
    name: str
    function: str
    signature: Path | None = None


@dataclass
class Sender:
    name: str
    street: str
    postcode: str
    city: str
    email: str
    pso_level: str  # ladder id
    pso30: bool
    signatory: Signatory
    logo: Path | None = None
    kvk: str = ""  # 8 digits; empty only for an organisation not in the trade register
    kvk_exempt: bool = False
    phone: str = ""
    website: str = ""


@dataclass
class LetterOptions:
    subject: str
    place: str
    date: datetime.date
    reference: str = ""


@dataclass
class AnnexOptions:
    include: bool = True
    measures: list[str] = field(default_factory=list)  # ids of the standard measures
    own_measures: list[str] = field(default_factory=list)


@dataclass
class Recipient:
    organisation: str
    street: str
    postcode: str
    city: str
    contact: Person
    country: str = ""
    email: str = ""  # optional: one plain address the letter may be e-mailed to


@dataclass
class Answers:
    sender: Sender
    letter: LetterOptions
    annex: AnnexOptions
    recipients: list[Recipient]
    notices: list[str] = field(default_factory=list)


class _Reader:
    """Collects problems and notices while reading nested answers."""

    def __init__(self, base_dir: Path | None):
        self.problems: list[str] = []
        self.notices: list[str] = []
        self.base_dir = base_dir

    def section(self, data: Any, key: str, where: str) -> dict:
        value = data.get(key) if isinstance(data, dict) else None
        if value is None:
            self.problems.append(f"{where}: het onderdeel '{key}' ontbreekt.")
            return {}
        if not isinstance(value, dict):
            self.problems.append(f"{where}: '{key}' moet een lijst van velden zijn.")
            return {}
        return value

    def field(self, data: dict, name: str, rule_key: str, where: str, *, required: bool | None = None,
              country: str = "") -> str:
        """The value of ``data[name]`` checked by the field rule ``rule_key`` (see :mod:`.fields`).

        ``required`` overrides the rule where another answer decides (a surname is
        needed unless no contact person is known).
        """
        value = data.get(name) if isinstance(data, dict) else None
        if isinstance(value, (dict, list)):
            self.problems.append(f"{where}: '{name}' moet een tekst zijn.")
            return ""
        result = fields.check(rule_key, value, country=country)
        rule = fields.rule(rule_key)
        if required and not result.value and not result.problems:
            result.problems.append(f"Vul {rule.label} in.")
        if required is False and not result.value:
            result.problems = []
        self.problems += [f"{where}: {problem}" for problem in result.problems]
        self.notices += [f"{where}: {notice}" for notice in result.notices]
        return result.value

    def flag(self, data: dict, key: str, where: str, default: bool) -> bool:
        value = data.get(key, default)
        if value is None:
            return default
        if isinstance(value, bool):
            return value
        text = clean(value).lower()
        if text in {"ja", "yes", "true", "1", "waar"}:
            return True
        if text in {"nee", "no", "false", "0", "onwaar"}:
            return False
        self.problems.append(f"{where}: '{key}' moet ja of nee zijn, niet '{clean(value)[:40]}'.")
        return default

    def image(self, data: dict, key: str, where: str) -> Path | None:
        """An image file, checked by its content (PNG or JPEG, not too large, not damaged)."""
        value = data.get(key)
        if not value:
            return None
        path = Path(str(value))
        if not path.is_absolute() and self.base_dir is not None:
            path = self.base_dir / path
        if not path.is_file():
            self.problems.append(f"{where}: het bestand '{path.name}' is niet gevonden.")
            return None
        try:
            images.check_image(path.read_bytes())
        except images.ImageProblem as problem:
            self.problems.append(f"{where}: {path.name}: {problem}")
            return None
        return path


def _read_sender(reader: _Reader, data: dict) -> Sender:
    where = "Afzender"
    sender = reader.section(data, "sender", where)
    name = reader.field(sender, "name", "sender.name", where)
    street = reader.field(sender, "street", "sender.street", where)
    postcode = reader.field(sender, "postcode", "sender.postcode", where)
    city = reader.field(sender, "city", "sender.city", where)
    email = reader.field(sender, "email", "sender.email", where)
    kvk = reader.field(sender, "kvk", "sender.kvk", where)
    kvk_exempt = reader.flag(sender, "kvk_exempt", where, False)
    if sender and not kvk and not kvk_exempt:
        reader.problems.append(
            f"{where}: Vul het KvK-nummer in. De wet (Handelsregisterwet, artikel 27) vraagt het op elke brief. "
            "Staat uw organisatie niet in het handelsregister? Zet dan kvk_exempt: true."
        )
    logo = reader.image(sender, "logo", where)
    level = clean(sender.get("pso_level"))[:60]
    try:
        level = sources.ladder_level(level)["id"]
    except ValueError as error:
        reader.problems.append(f"{where}: {error}")
    pso30 = reader.flag(sender, "pso30", where, False)
    signatory = reader.section(sender, "signatory", where) if sender else {}
    return Sender(
        name=name,
        street=street,
        postcode=postcode,
        city=city,
        email=email,
        pso_level=level,
        pso30=pso30,
        signatory=Signatory(
            name=reader.field(signatory, "name", "sender.signatory.name", "Ondertekenaar"),
            function=reader.field(signatory, "function", "sender.signatory.function", "Ondertekenaar"),
            signature=reader.image(signatory, "signature", "Ondertekenaar"),
        ),
        logo=logo,
        kvk=kvk,
        kvk_exempt=kvk_exempt,
        phone=reader.field(sender, "phone", "sender.phone", where),
        website=reader.field(sender, "website", "sender.website", where),
    )


def _read_letter(reader: _Reader, data: dict, sender: Sender) -> LetterOptions:
    where = "Brief"
    letter = data.get("letter") or {}
    if not isinstance(letter, dict):
        reader.problems.append(f"{where}: 'letter' moet een lijst van velden zijn.")
        letter = {}
    subject = reader.field(letter, "subject", "letter.subject", where)
    day = datetime.date.today()
    if letter.get("date"):
        try:
            day = check_date(letter["date"])
        except ValueError as error:
            reader.problems.append(f"{where}: {error}")
    return LetterOptions(
        subject=subject or sources.subject_lines()[0],
        place=reader.field(letter, "place", "letter.place", where) or sender.city,
        date=day,
        reference=reader.field(letter, "reference", "letter.reference", where),
    )


def _read_annex(reader: _Reader, data: dict) -> AnnexOptions:
    where = "Bijlage"
    annex = data.get("annex") or {}
    if not isinstance(annex, dict):
        reader.problems.append(f"{where}: 'annex' moet een lijst van velden zijn.")
        annex = {}
    known = [measure["id"] for measure in sources.measures()]
    chosen = annex.get("measures", known)
    if not isinstance(chosen, list):
        reader.problems.append(f"{where}: 'measures' moet een lijst zijn.")
        chosen = known
    unknown = [clean(item)[:40] for item in chosen if item not in known]
    if unknown:
        reader.problems.append(
            f"{where}: {count_of(len(unknown), 'onbekende maatregel', 'onbekende maatregelen')} "
            f"({', '.join(unknown)}). Kies uit: {', '.join(known)}."
        )
    own = annex.get("own_measures") or []
    if isinstance(own, list):
        own = "\n".join(clean(item) if not isinstance(item, str) else item for item in own)
    own_text = reader.field({"own_measures": own}, "own_measures", "annex.own_measures", where)
    return AnnexOptions(
        include=reader.flag(annex, "include", where, True),
        measures=[item for item in known if item in chosen],
        own_measures=own_text.splitlines(),
    )


def read_recipient(data: Any, where: str) -> tuple[Recipient, list[str], list[str]]:
    """One recipient in the answers format: the recipient, its problems and notices.

    ``where`` starts every message ("Ketenpartner 3", "Rij 7"). The spreadsheet reader
    and :func:`parse_answers` both use it, so a row and an answers file follow one rule.
    """
    reader = _Reader(None)
    recipient = _read_recipient(reader, data, where)
    return recipient, reader.problems, reader.notices


def _read_recipient(reader: _Reader, data: Any, where: str) -> Recipient:
    if not isinstance(data, dict):
        reader.problems.append(f"{where}: de gegevens staan niet in de goede vorm.")
        data = {}
    contact = data.get("contact") or {}
    if not isinstance(contact, dict):
        reader.problems.append(f"{where}: 'contact' moet een lijst van velden zijn.")
        contact = {}
    form = clean(contact.get("form") or "onbekend").lower()
    if form not in FORMS_OF_ADDRESS:
        reader.problems.append(
            f"{where}: aanspreekvorm '{form[:40]}' bestaat niet. Kies uit: {', '.join(FORMS_OF_ADDRESS)}."
        )
        form = "onbekend"
    person = Person(
        form=form,
        given=reader.field(contact, "given", "recipient.contact.given", where, required=form == "neutraal"),
        tussenvoegsel=reader.field(contact, "tussenvoegsel", "recipient.contact.tussenvoegsel", where),
        surname=reader.field(contact, "surname", "recipient.contact.surname", where, required=form != "onbekend"),
        salutation=reader.field(contact, "salutation", "recipient.contact.salutation", where),
    )
    country = reader.field(data, "country", "recipient.country", where)
    return Recipient(
        organisation=reader.field(data, "organisation", "recipient.organisation", where),
        street=reader.field(data, "street", "recipient.street", where),
        postcode=reader.field(data, "postcode", "recipient.postcode", where, country=country),
        city=reader.field(data, "city", "recipient.city", where),
        contact=person,
        country=country,
        email=reader.field(data, "email", "recipient.email", where),
    )


def recipient_dict(recipient: Recipient) -> dict[str, Any]:
    """A recipient back in the answers format (the inverse of :func:`read_recipient`).

    ``email`` is optional in the format and only present when the recipient has one.
    """
    data = asdict(recipient)
    if not data.get("email"):
        data.pop("email", None)
    return data


def parse_answers(data: Any, base_dir: Path | None = None, recipients_required: bool = True) -> Answers:
    """Check answers in the answers format and return them as :class:`Answers`.

    ``base_dir`` resolves relative image paths (logo, signature). An organisation profile
    (``recipients_required=False``) may have no recipients: a colleague adds them. Raises
    :class:`AnswersError` listing every problem found. What was changed without being a
    problem (an invisible character left out) is in ``Answers.notices``.
    """
    reader = _Reader(base_dir)
    if not isinstance(data, dict):
        raise AnswersError(["Het antwoordenbestand moet de onderdelen sender, letter, annex en recipients bevatten."])
    sender = _read_sender(reader, data)
    letter = _read_letter(reader, data, sender)
    annex = _read_annex(reader, data)
    raw_recipients = data.get("recipients")
    if not isinstance(raw_recipients, list) or not raw_recipients:
        if recipients_required or raw_recipients not in (None, []):
            reader.problems.append("Ketenpartners: geef ten minste één ketenpartner op.")
        raw_recipients = []
    recipients = [_read_recipient(reader, item, f"Ketenpartner {n}") for n, item in enumerate(raw_recipients, start=1)]
    if reader.problems:
        raise AnswersError(reader.problems)
    return Answers(sender=sender, letter=letter, annex=annex, recipients=recipients, notices=reader.notices)
