"""The answers that make a set of letters, and their validation.

The interview and the offline renderer both describe a job as a plain dict in the
*answers format* (documented in ``docs/answers-format.md``); :func:`parse_answers`
checks it and turns it into the dataclasses below. Every problem is reported at
once, in Dutch, saying what to fix.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import sources
from .dutch import FORMS_OF_ADDRESS, Person, clean, is_dutch_country, normalise_postcode

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
]

#: Longest text accepted in one field; a letter is not the place for an essay.
MAX_FIELD_LENGTH = 500


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


@dataclass
class Answers:
    sender: Sender
    letter: LetterOptions
    annex: AnnexOptions
    recipients: list[Recipient]


def parse_date(value: Any) -> datetime.date:
    """A date from a date object, "2026-11-25" or "25-11-2026"; ``ValueError`` otherwise."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = clean(value)
    for pattern in ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y"):
        try:
            return datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(f"'{text}' is geen datum. Schrijf de datum als dd-mm-jjjj, bijvoorbeeld 25-11-2026.")


class _Reader:
    """Collects problems while reading nested answers."""

    def __init__(self, base_dir: Path | None):
        self.problems: list[str] = []
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

    def text(self, data: dict, key: str, where: str, label: str, required: bool = True) -> str:
        value = clean(data.get(key))
        if required and not value:
            self.problems.append(f"{where}: {label} ontbreekt.")
        elif len(value) > MAX_FIELD_LENGTH:
            self.problems.append(
                f"{where}: {label} is {len(value)} tekens lang; het maximum is {MAX_FIELD_LENGTH}."
            )
            value = value[:MAX_FIELD_LENGTH]
        return value

    def postcode(self, value: str, where: str, country: str = "") -> str:
        if not value or not is_dutch_country(country):
            return value
        try:
            return normalise_postcode(value)
        except ValueError as error:
            self.problems.append(f"{where}: {error}")
            return value

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
        self.problems.append(f"{where}: '{key}' moet ja of nee zijn, niet '{value}'.")
        return default

    def image(self, data: dict, key: str, where: str) -> Path | None:
        value = data.get(key)
        if not value:
            return None
        path = Path(str(value))
        if not path.is_absolute() and self.base_dir is not None:
            path = self.base_dir / path
        if not path.is_file():
            self.problems.append(f"{where}: het bestand '{value}' is niet gevonden.")
            return None
        if path.suffix.lower() not in {".png", ".jpg", ".jpeg", ".gif", ".bmp"}:
            self.problems.append(
                f"{where}: '{value}' is geen afbeelding. Gebruik een PNG- of JPG-bestand."
            )
            return None
        return path


def _read_sender(reader: _Reader, data: dict) -> Sender:
    where = "Afzender"
    sender = reader.section(data, "sender", where)
    name = reader.text(sender, "name", where, "de naam van de organisatie")
    street = reader.text(sender, "street", where, "straat en huisnummer")
    postcode = reader.postcode(reader.text(sender, "postcode", where, "de postcode"), where)
    city = reader.text(sender, "city", where, "de plaats")
    email = reader.text(sender, "email", where, "het e-mailadres")
    logo = reader.image(sender, "logo", where)
    level = clean(sender.get("pso_level"))
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
            name=reader.text(signatory, "name", "Ondertekenaar", "de naam"),
            function=reader.text(signatory, "function", "Ondertekenaar", "de functie"),
            signature=reader.image(signatory, "signature", "Ondertekenaar"),
        ),
        logo=logo,
    )


def _read_letter(reader: _Reader, data: dict, sender: Sender) -> LetterOptions:
    where = "Brief"
    letter = data.get("letter") or {}
    subject = reader.text(letter, "subject", where, "het onderwerp", required=False)
    day = datetime.date.today()
    if letter.get("date"):
        try:
            day = parse_date(letter["date"])
        except ValueError as error:
            reader.problems.append(f"{where}: {error}")
    return LetterOptions(
        subject=subject or sources.subject_lines()[0],
        place=reader.text(letter, "place", where, "de plaats", required=False) or sender.city,
        date=day,
        reference=reader.text(letter, "reference", where, "het kenmerk", required=False),
    )


def _read_annex(reader: _Reader, data: dict) -> AnnexOptions:
    where = "Bijlage"
    annex = data.get("annex") or {}
    known = [measure["id"] for measure in sources.measures()]
    chosen = annex.get("measures", known)
    if not isinstance(chosen, list):
        reader.problems.append(f"{where}: 'measures' moet een lijst zijn.")
        chosen = known
    unknown = [str(item) for item in chosen if item not in known]
    if unknown:
        reader.problems.append(
            f"{where}: onbekende maatregel(en) {', '.join(unknown)}. Kies uit: {', '.join(known)}."
        )
    own = annex.get("own_measures") or []
    if isinstance(own, str):
        own = own.splitlines()
    return AnnexOptions(
        include=reader.flag(annex, "include", where, True),
        measures=[item for item in known if item in chosen],
        own_measures=[clean(text) for text in own if clean(text)],
    )


def _read_recipient(reader: _Reader, data: Any, number: int) -> Recipient:
    where = f"Ketenpartner {number}"
    if not isinstance(data, dict):
        reader.problems.append(f"{where}: verwacht de velden van een ketenpartner.")
        data = {}
    contact = data.get("contact") or {}
    form = clean(contact.get("form") or "onbekend").lower()
    if form not in FORMS_OF_ADDRESS:
        reader.problems.append(
            f"{where}: aanspreekvorm '{form}' bestaat niet. Kies uit: {', '.join(FORMS_OF_ADDRESS)}."
        )
        form = "onbekend"
    person = Person(
        form=form,
        given=reader.text(contact, "given", where, "de voornaam of voorletters", required=form == "neutraal"),
        tussenvoegsel=reader.text(contact, "tussenvoegsel", where, "het tussenvoegsel", required=False),
        surname=reader.text(contact, "surname", where, "de achternaam", required=form != "onbekend"),
        salutation=reader.text(contact, "salutation", where, "de aanhef", required=False),
    )
    country = reader.text(data, "country", where, "het land", required=False)
    return Recipient(
        organisation=reader.text(data, "organisation", where, "de naam van de organisatie"),
        street=reader.text(data, "street", where, "straat en huisnummer"),
        postcode=reader.postcode(reader.text(data, "postcode", where, "de postcode"), where, country),
        city=reader.text(data, "city", where, "de plaats"),
        contact=person,
        country=country,
    )


def parse_answers(data: Any, base_dir: Path | None = None) -> Answers:
    """Check answers in the answers format and return them as :class:`Answers`.

    ``base_dir`` resolves relative image paths (logo, signature). Raises
    :class:`AnswersError` listing every problem found.
    """
    reader = _Reader(base_dir)
    if not isinstance(data, dict):
        raise AnswersError(["Het antwoordenbestand moet de onderdelen sender, letter, annex en recipients bevatten."])
    sender = _read_sender(reader, data)
    letter = _read_letter(reader, data, sender)
    annex = _read_annex(reader, data)
    raw_recipients = data.get("recipients")
    if not isinstance(raw_recipients, list) or not raw_recipients:
        reader.problems.append("Ketenpartners: geef ten minste één ketenpartner op.")
        raw_recipients = []
    recipients = [_read_recipient(reader, item, n) for n, item in enumerate(raw_recipients, start=1)]
    if reader.problems:
        raise AnswersError(reader.problems)
    return Answers(sender=sender, letter=letter, annex=annex, recipients=recipients)
