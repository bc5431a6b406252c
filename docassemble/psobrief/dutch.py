"""Dutch letter conventions as plain functions: names, salutations, addresses, dates.

Every function takes plain values and returns plain values, so the interview, the
offline renderer and the tests share one implementation. Nothing here imports
docassemble.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from babel.dates import format_date

__all__ = [
    "FORMS_OF_ADDRESS",
    "Person",
    "clean",
    "normalise_postcode",
    "is_dutch_country",
    "split_tussenvoegsel",
    "normalise_given",
    "attention_line",
    "salutation",
    "address_lines",
    "date_line",
    "long_date",
    "number_word",
    "count_of",
    "registration_lines",
]

#: The forms of address a user can choose, with their Dutch labels.
FORMS_OF_ADDRESS = {
    "heer": "de heer",
    "mevrouw": "mevrouw",
    "neutraal": "genderneutraal (voornaam of voorletters en achternaam)",
    "onbekend": "geen contactpersoon bekend",
}

#: Tussenvoegsels recognised when a user types them in the surname field
#: ("van den Berg"). Longest first, so "van den" wins over "van".
KNOWN_TUSSENVOEGSELS = sorted(
    [
        "van", "van de", "van den", "van der", "van het", "van 't", "van ter",
        "de", "den", "der", "het", "'t", "te", "ten", "ter", "in de", "in den",
        "in 't", "in het", "op de", "op den", "op 't", "op ten", "uit de",
        "uit den", "uit het", "uit 't", "aan de", "aan den", "aan het", "bij de",
        "onder de", "over de", "voor de", "voor den", "von", "von der", "vom",
        "zu", "d'", "da", "del", "della", "di", "du", "la", "le", "los", "l'",
    ],
    key=len,
    reverse=True,
)

_POSTCODE = re.compile(r"^([1-9][0-9]{3})\s*([A-Za-z]{2})$")
_NEVER_USED_LETTERS = {"SA", "SD", "SS"}
_INITIALS = re.compile(r"^(?:[A-Za-zÀ-ÿ][a-zà-ÿ]?[a-zà-ÿ]?\.\s*)+$")
_BARE_INITIALS = re.compile(r"^[A-ZÀ-Þ]{1,4}$")

_NUMBER_WORDS = [
    "nul", "één", "twee", "drie", "vier", "vijf", "zes", "zeven", "acht",
    "negen", "tien", "elf", "twaalf",
]


def clean(value: object) -> str:
    """Return ``value`` as a string with surrounding and repeated whitespace removed."""
    if value is None:
        return ""
    return " ".join(str(value).split())


def registration_lines(kvk: str, phone: str = "", website: str = "") -> list[str]:
    """The letterhead's lines under the e-mail address: KvK-nummer, telephone, website."""
    lines = [f"KvK {kvk}" if kvk else "", f"Tel. {phone}" if phone else "", website]
    return [line for line in lines if line]


def count_of(number: int, singular: str, plural: str) -> str:
    """A count with its noun in the right number: (1, "brief", "brieven") -> "1 brief"."""
    return f"{number} {singular if number == 1 else plural}"


def number_word(number: int) -> str:
    """Dutch word for a small count (``5`` -> ``"vijf"``); digits above twelve."""
    if 0 <= number < len(_NUMBER_WORDS):
        return _NUMBER_WORDS[number]
    return str(number)


def is_dutch_country(country: str) -> bool:
    """True when ``country`` is empty or names the Netherlands."""
    return clean(country).lower() in {"", "nederland", "nl", "the netherlands", "netherlands"}


def normalise_postcode(postcode: str) -> str:
    """Return a Dutch postcode as ``"1234 AB"``.

    Raises ``ValueError`` with a Dutch message saying what to fix.
    """
    text = clean(postcode)
    match = _POSTCODE.match(text)
    if not match:
        raise ValueError(
            f"'{text}' is geen Nederlandse postcode. Een postcode heeft vier cijfers "
            "(het eerste cijfer is geen 0) en twee letters, bijvoorbeeld 1234 AB."
        )
    digits, letters = match.group(1), match.group(2).upper()
    if letters in _NEVER_USED_LETTERS:
        raise ValueError(
            f"'{text}' is geen Nederlandse postcode: de lettercombinatie {letters} wordt niet gebruikt."
        )
    return f"{digits} {letters}"


def _capitalise_first(text: str) -> str:
    """Upper-case the first letter of ``text`` unless it starts with an apostrophe form."""
    if not text or text.startswith("'"):
        return text
    return text[0].upper() + text[1:]


def split_tussenvoegsel(tussenvoegsel: str, surname: str) -> tuple[str, str]:
    """Separate a tussenvoegsel the user typed into the surname field.

    Only a lower-case prefix is split off ("van den Berg" -> ("van den", "Berg")):
    a capitalised one ("De Smet") is kept as part of the surname, as in Belgian names.
    """
    tussenvoegsel, surname = clean(tussenvoegsel), clean(surname)
    if tussenvoegsel or " " not in surname:
        return tussenvoegsel.lower() if tussenvoegsel.islower() else tussenvoegsel, surname
    for prefix in KNOWN_TUSSENVOEGSELS:
        if surname.startswith(prefix + " ") and len(surname) > len(prefix) + 1:
            return prefix, surname[len(prefix) + 1 :]
    return "", surname


def normalise_given(given: str) -> str:
    """Return a first name as typed, or initials written the Dutch way ("jp" stays a name).

    Initials: "J", "J.", "J.P.", "j.p.", "J. P.", "Th.", "JP" (capitals only) -> "J.", "J.P.", "Th.".
    """
    text = clean(given)
    if not text:
        return ""
    if _INITIALS.match(text):
        parts = [p for p in re.split(r"[.\s]+", text) if p]
        return "".join(_capitalise_first(p) + "." for p in parts)
    if _BARE_INITIALS.match(text.replace(" ", "")) and len(text.replace(" ", "")) <= 3:
        return "".join(letter + "." for letter in text.replace(" ", ""))
    if len(text) == 1:
        return text.upper() + "."
    return _capitalise_first(text)


@dataclass(frozen=True)
class Person:
    """A contact person as the user entered them."""

    form: str  # one of FORMS_OF_ADDRESS
    given: str = ""  # first name or initials
    tussenvoegsel: str = ""
    surname: str = ""
    salutation: str = ""  # only for form "onbekend": the salutation the user picked

    def normalised(self) -> Person:
        """The same person with whitespace, initials and tussenvoegsel tidied."""
        tussenvoegsel, surname = split_tussenvoegsel(self.tussenvoegsel, self.surname)
        return Person(
            form=self.form,
            given=normalise_given(self.given),
            tussenvoegsel=tussenvoegsel,
            surname=_capitalise_first(surname),
            salutation=clean(self.salutation),
        )


def _full_name(person: Person) -> str:
    """Name after a first name or initials: tussenvoegsel stays lower case."""
    return " ".join(part for part in (person.given, person.tussenvoegsel, person.surname) if part)


def _surname_phrase(person: Person) -> str:
    """Surname with tussenvoegsel when nothing precedes it: "Van den Berg"."""
    phrase = " ".join(part for part in (person.tussenvoegsel, person.surname) if part)
    return _capitalise_first(phrase)


def attention_line(person: Person) -> str:
    """The "T.a.v." line of the address block, or "" when no person is known."""
    person = person.normalised()
    if person.form == "onbekend" or not person.surname:
        return ""
    if person.form == "heer":
        title = "de heer "
    elif person.form == "mevrouw":
        title = "mevrouw "
    else:
        title = ""
    name = _full_name(person) if person.given else _surname_phrase(person)
    return f"T.a.v. {title}{name}"


def salutation(person: Person, default_unknown: str = "Geachte heer, mevrouw,") -> str:
    """The aanhef: "Geachte heer Van den Berg," / "Geachte Kim van den Berg,"."""
    person = person.normalised()
    if person.form == "onbekend" or not person.surname:
        text = person.salutation or default_unknown
        return text if text.endswith(",") else text + ","
    if person.form == "heer":
        return f"Geachte heer {_surname_phrase(person)},"
    if person.form == "mevrouw":
        return f"Geachte mevrouw {_surname_phrase(person)},"
    name = _full_name(person) if person.given else _surname_phrase(person)
    return f"Geachte {name},"


def address_lines(
    organisation: str,
    street: str,
    postcode: str,
    city: str,
    country: str = "",
    attention: str = "",
) -> list[str]:
    """The address block, one string per line.

    Dutch addresses: "1234 AB  UTRECHT" (two spaces, place in capitals). For other
    countries the postcode is kept as typed and the country is added in capitals.
    """
    lines = [clean(organisation), clean(attention), clean(street)]
    if is_dutch_country(country):
        lines.append(f"{normalise_postcode(postcode)}  {clean(city).upper()}")
    else:
        lines.append(" ".join(p for p in (clean(postcode), clean(city).upper()) if p))
        lines.append(clean(country).upper())
    return [line for line in lines if line]


def long_date(day: datetime.date) -> str:
    """ "25 november 2026": day, month in words (lower case), year."""
    return format_date(day, format="d MMMM y", locale="nl_NL")


def date_line(place: str, day: datetime.date) -> str:
    """ "Utrecht, 25 november 2026", or the date alone when no place is given."""
    place = clean(place)
    return f"{place}, {long_date(day)}" if place else long_date(day)
