"""The rules for every field of the answers format: one place, every path.

Each field a person fills in (on a screen, in a spreadsheet column or in an answers
file) has one :class:`FieldRule`: its Dutch name, whether it is required, its maximum
length and its kind (plain text, postcode, e-mail address, date). :func:`check` applies
a rule to a value and returns the value as the documents will use it, the problems
(Dutch sentences that say what to fix) and notices (what was changed, for example an
invisible control character that was left out).

The interview's screens (``validate:``), the spreadsheet reader, the answers contract
(:mod:`.answers`, used by the command line and the documents step) all call
:func:`check`, so a value that a screen accepts is a value the documents accept.
Plain Python: nothing here imports docassemble.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from typing import Any

from .dutch import count_of, is_dutch_country, normalise_postcode

__all__ = [
    "FieldRule",
    "Checked",
    "RULES",
    "rule",
    "check",
    "strip_invisible",
    "parse_date",
    "check_date",
    "date_limits",
    "long_number",
    "address_problem",
    "MAX_ADDRESS_LENGTH",
]

#: Characters that XML (and so a DOCX file) cannot hold, other C0 controls and the
#: byte-order mark (U+FEFF, left by spreadsheets; browsers drop it too): a person never
#: means to type them, so they are left out, with a notice. Tab and line breaks are kept
#: where a field allows several lines; elsewhere they become spaces.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufeff\ufffe\uffff\ud800-\udfff]")
_EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
                    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$")
_PHONE = re.compile(r"^\+?[0-9 ()-]{6,30}$")
_WEBSITE = re.compile(r"^(https?://)?[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)+(/[^\s<>\"]*)?$")
#: Longest e-mail address (RFC 5321: a path holds at most 256 octets, the angle brackets included).
MAX_ADDRESS_LENGTH = 254
#: What an address must never hold: line breaks and other control characters (a header could be
#: added with them), and the byte-order mark and other invisible format characters.
_ADDRESS_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u2064\ufeff]")
#: A letter may be dated this far back and ahead of today.
DATE_DAYS_BACK = 2 * 365
DATE_DAYS_AHEAD = 365


@dataclass(frozen=True)
class FieldRule:
    """What one field accepts."""

    key: str  # the path in the answers format, e.g. "sender.name"
    label: str  # Dutch, as used inside a sentence: "de naam van de organisatie"
    max_length: int
    required: bool = True
    kind: str = "text"  # text | lines | postcode | email | mailbox | date | kvk | phone | website

    @property
    def name(self) -> str:
        """The label with a capital, to start a sentence."""
        return self.label[0].upper() + self.label[1:]


@dataclass
class Checked:
    """The value as the documents use it, and what a person should know about it."""

    value: str
    problems: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


_RULES = [
    FieldRule("sender.name", "de naam van de organisatie", 200),
    FieldRule("sender.street", "het adres (straat en huisnummer)", 200),
    FieldRule("sender.postcode", "de postcode", 10, kind="postcode"),
    FieldRule("sender.city", "de plaats", 100),
    FieldRule("sender.email", "het e-mailadres", 254, kind="email"),
    FieldRule("sender.kvk", "het KvK-nummer", 12, required=False, kind="kvk"),
    FieldRule("sender.phone", "het telefoonnummer", 30, required=False, kind="phone"),
    FieldRule("sender.website", "de website", 100, required=False, kind="website"),
    FieldRule("sender.signatory.name", "de naam van de ondertekenaar", 150),
    FieldRule("sender.signatory.function", "de functie van de ondertekenaar", 150),
    FieldRule("letter.subject", "het onderwerp", 150, required=False),
    FieldRule("letter.place", "de plaats boven de brief", 100, required=False),
    FieldRule("letter.date", "de datum", 10, kind="date"),
    FieldRule("letter.reference", "het kenmerk", 100, required=False),
    FieldRule("annex.own_measures", "de eigen maatregelen", 2000, required=False, kind="lines"),
    FieldRule("recipient.organisation", "de naam van de organisatie", 200),
    FieldRule("recipient.street", "het adres (straat en huisnummer)", 200),
    FieldRule("recipient.postcode", "de postcode", 20, kind="postcode"),
    FieldRule("recipient.city", "de plaats", 100),
    FieldRule("recipient.country", "het land", 60, required=False),
    FieldRule("recipient.contact.given", "de voornaam of voorletters", 100, required=False),
    FieldRule("recipient.contact.tussenvoegsel", "het tussenvoegsel", 30, required=False),
    FieldRule("recipient.contact.surname", "de achternaam", 100, required=False),
    FieldRule("recipient.contact.salutation", "de aanhef", 100, required=False),
    # one address a letter is e-mailed to: stricter than sender.email (see address_problem)
    FieldRule("recipient.email", "het e-mailadres", MAX_ADDRESS_LENGTH, required=False, kind="mailbox"),
]
#: Every rule by its key.
RULES: dict[str, FieldRule] = {item.key: item for item in _RULES}


def rule(key: str) -> FieldRule:
    """The rule of a field; ``KeyError`` for a key that has none."""
    return RULES[key]


def long_number(number: int) -> str:
    """A count written the Dutch way: 10000 -> "10.000"."""
    return f"{number:,}".replace(",", ".")


def strip_invisible(value: Any, multiline: bool = False) -> tuple[str, int]:
    """``value`` as text without characters a document cannot hold, and how many went.

    Surrounding white space goes and runs of white space become one space (in a
    multi-line field: per line, empty lines dropped). Nothing else changes: markup,
    quotes, backslashes, accents, emoji and ``{{ }}`` stay exactly as typed.
    """
    if value is None:
        return "", 0
    text = str(value)
    text, removed = _ILLEGAL.subn("", text)
    if multiline:
        lines = (" ".join(line.split()) for line in text.splitlines())
        return "\n".join(line for line in lines if line), removed
    return " ".join(text.split()), removed


def date_limits(today: datetime.date | None = None) -> tuple[datetime.date, datetime.date]:
    """The first and last date a letter may carry."""
    today = today or datetime.date.today()
    return today - datetime.timedelta(days=DATE_DAYS_BACK), today + datetime.timedelta(days=DATE_DAYS_AHEAD)


def _dutch_day(day: datetime.date) -> str:
    return day.strftime("%d-%m-%Y")


def parse_date(value: Any) -> datetime.date:
    """A date from a date object, "2026-11-25", "25-11-2026" or "25/11/2026".

    Raises ``ValueError`` with a Dutch message that says how to write it.
    """
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text, _ = strip_invisible(value)
    for pattern in ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y"):
        try:
            return datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError("Deze datum bestaat niet of is niet goed geschreven. "
                     "Schrijf de datum als dd-mm-jjjj, bijvoorbeeld 25-11-2026.")


def check_date(value: Any, today: datetime.date | None = None) -> datetime.date:
    """A letter date (see :func:`parse_date`) within :func:`date_limits`; ``ValueError`` in Dutch."""
    day = parse_date(value)
    first, last = date_limits(today)
    if not first <= day <= last:
        raise ValueError(
            f"Kies een datum tussen {_dutch_day(first)} en {_dutch_day(last)}. "
            "Een brief met een datum zo ver in het verleden of de toekomst is waarschijnlijk een typefout."
        )
    return day


def address_problem(value: Any) -> str | None:
    """What is wrong with ``value`` as one e-mail address to send to, in Dutch; None when nothing is.

    Only a plain address (``naam@organisatie.nl``, RFC 5322's addr-spec as a dot-atom,
    ASCII): no name before it, no angle brackets, no second address, no line break or
    other control character (nothing is left out silently: an address is typed again),
    at most :data:`MAX_ADDRESS_LENGTH` characters. Spaces around it are allowed. An empty
    value is a problem too: the caller decides whether an address is needed.
    """
    text = "" if value is None else str(value)
    if _ADDRESS_CONTROL.search(text):
        return ("Het e-mailadres bevat een regeleinde of een onzichtbaar teken. Typ het adres opnieuw, "
                "op één regel, bijvoorbeeld j.devries@organisatie.nl.")
    text = text.strip()
    if not text:
        return "Vul het e-mailadres in."
    if len(text) > MAX_ADDRESS_LENGTH:
        return (f"Het e-mailadres is {long_number(len(text))} tekens lang. Het maximum is "
                f"{MAX_ADDRESS_LENGTH} tekens: controleer het adres.")
    if re.search(r"[,;]", text) or text.count("@") > 1:
        return ("Vul één e-mailadres in, zonder komma of puntkomma. Een brief gaat naar één adres per "
                "ketenpartner.")
    if re.search(r"[<>\"]", text) or (" " in text and "@" in text):
        return ("Vul alleen het e-mailadres in, zonder naam, aanhalingstekens of punthaken ervoor of "
                "erachter: bijvoorbeeld j.devries@organisatie.nl.")
    local, _, domain = text.rpartition("@")
    # "=?" opens an RFC 2047 encoded word, which Python's email package decodes when it writes
    # the address (a "=0D=0A" inside would become a line break in the header): never an address
    if (not _EMAIL.match(text) or len(local) > 64 or local.startswith(".") or local.endswith(".")
            or ".." in local or "=?" in text):
        return ("Dit is geen geldig e-mailadres. Schrijf het als naam@organisatie.nl: zonder spaties en "
                "zonder letters met accenten.")
    return None


def check(key: str, value: Any, country: str = "") -> Checked:
    """Apply the rule of ``key`` to ``value``.

    ``country`` matters for a recipient's postcode: only a Dutch address (no country,
    or the Netherlands) must have a Dutch postcode.
    """
    current = RULES[key]
    if current.kind == "mailbox":  # nothing left out: an address with a hidden character is typed again
        return _check_mailbox(current, value)
    text, removed = strip_invisible(value, multiline=current.kind == "lines")
    result = Checked(value=text)
    if removed:
        result.notices.append(
            f"Wij hebben {count_of(removed, 'onzichtbaar teken', 'onzichtbare tekens')} weggelaten uit "
            f"{current.label}. Zulke tekens komen bijvoorbeeld mee met gekopieerde tekst."
        )
    if not text:
        if current.required:
            result.problems.append(f"Vul {current.label} in.")
        return result
    if len(text) > current.max_length:
        result.problems.append(
            f"{current.name} is {long_number(len(text))} tekens lang. Het maximum is "
            f"{long_number(current.max_length)} tekens: maak de tekst korter."
        )
        return result
    if current.kind == "postcode" and is_dutch_country(country):
        try:
            result.value = normalise_postcode(text)
        except ValueError as error:
            message = str(error)
            if key.startswith("recipient."):
                message += " Ligt het adres in het buitenland? Vul dan ook het land in."
            result.problems.append(message)
    elif current.kind == "email" and (not _EMAIL.match(text) or "=?" in text):  # "=?": see address_problem
        result.problems.append(
            "Dit is geen geldig e-mailadres. Schrijf het als naam@organisatie.nl, zonder spaties."
        )
    elif current.kind == "kvk":
        digits = re.sub(r"[\s.]", "", text)
        if re.fullmatch(r"[0-9]{8}", digits):
            result.value = digits
        else:
            result.problems.append("Een KvK-nummer heeft 8 cijfers, bijvoorbeeld 12345678. U vindt het op kvk.nl.")
    elif current.kind == "phone" and not _PHONE.match(text):
        result.problems.append("Een telefoonnummer bevat alleen cijfers, spaties, '+', '-' en haakjes, "
                               "bijvoorbeeld 030 123 45 67 of +31 30 123 45 67.")
    elif current.kind == "website" and not _WEBSITE.match(text):
        result.problems.append("Schrijf de website als www.organisatie.nl of https://organisatie.nl, zonder spaties.")
    elif current.kind == "date":
        try:
            result.value = check_date(text).isoformat()
        except ValueError as error:
            result.problems.append(str(error))
    return result



def _check_mailbox(current: FieldRule, value: Any) -> Checked:
    """One e-mail address to send to (see :func:`address_problem`); empty is fine when not required."""
    text = "" if value is None else str(value)
    result = Checked(value=text.strip())
    if not text.strip(" \t"):
        result.value = ""
        if current.required:
            result.problems.append(f"Vul {current.label} in.")
        return result
    problem = address_problem(text)
    if problem:
        result.problems.append(problem)
    return result
