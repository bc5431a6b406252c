"""Recipients (chain partners) from a spreadsheet: XLSX or CSV as Dutch Excel writes it.

:func:`read_recipients` turns an uploaded file into recipient dicts in the answers format
(``docs/answers-format.md``) and reports every problem at once, in Dutch, with the
spreadsheet row it concerns ("Rij 7: ..."). The format is decided from the content, not
from the file name. :func:`template_workbook` and :func:`template_csv` give the example
spreadsheet users fill in; :func:`preview_rows` gives the rows of a check table.

Reading takes bounded time and memory whatever the file claims (see the limits below
_HEADER_SEARCH_ROWS): at most 20,000 rows, and more than 1,000 blank rows end the list.

Plain Python: nothing here imports docassemble.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import io
import posixpath
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from xml.parsers import expat

import openpyxl
from openpyxl.cell.cell import ERROR_CODES
from openpyxl.styles import Font
from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import MAC_EPOCH, WINDOWS_EPOCH, from_excel, from_ISO8601
from openpyxl.worksheet.datavalidation import DataValidation

from . import fields
from .answers import read_recipient, recipient_dict
from .dutch import FORMS_OF_ADDRESS, Person, address_lines, attention_line, clean, is_dutch_country
from .dutch import salutation
from .fields import long_number, strip_invisible

__all__ = [
    "COLUMNS",
    "REQUIRED_COLUMNS",
    "MAX_RECIPIENTS",
    "MESSAGES",
    "SheetResult",
    "read_recipients",
    "preview_rows",
    "template_workbook",
    "template_csv",
]

#: The Dutch column headers, in the order of the example spreadsheet, and the
#: answers-format key each one fills ("contact.form" is ``recipient["contact"]["form"]``).
COLUMNS: dict[str, str] = {
    "Organisatie": "organisation",
    "Straat en huisnummer": "street",
    "Postcode": "postcode",
    "Plaats": "city",
    "Land": "country",
    "Aanspreekvorm": "contact.form",
    "Voornaam of voorletters": "contact.given",
    "Tussenvoegsel": "contact.tussenvoegsel",
    "Achternaam": "contact.surname",
    "Aanhef": "contact.salutation",
    "E-mail": "email",
}

#: Columns a spreadsheet must have.
REQUIRED_COLUMNS: tuple[str, ...] = ("Organisatie", "Straat en huisnummer", "Postcode", "Plaats")

#: Most recipients read from one file; beyond this the file is refused as a whole.
MAX_RECIPIENTS = 5000

#: Other headers people use for the same column (compared after :func:`_header_key`).
_ALIASES: dict[str, tuple[str, ...]] = {
    "Organisatie": (
        "naam organisatie",
        "organisatienaam",
        "bedrijf",
        "bedrijfsnaam",
        "naam bedrijf",
        "firma",
        "firmanaam",
        "ketenpartner",
        "leverancier",
        "naam leverancier",
    ),
    "Straat en huisnummer": (
        "straat",
        "adres",
        "straat huisnummer",
        "straat en nummer",
        "straatnaam en huisnummer",
        "straatnaam huisnummer",
        "postadres",
    ),
    "Postcode": ("post code",),
    "Plaats": ("woonplaats", "plaatsnaam", "vestigingsplaats", "postplaats", "stad"),
    "Land": (),
    "Aanspreekvorm": ("aanspreektitel", "aanspreking"),
    "Voornaam of voorletters": (
        "voornaam",
        "voorletters",
        "voorletter",
        "voorletter s",
        "voornaam voorletters",
        "voornamen",
        "roepnaam",
    ),
    "Tussenvoegsel": ("tussenvoegsels", "tussenv", "voorvoegsel"),
    "Achternaam": ("familienaam", "achternaam contactpersoon"),
    "Aanhef": (),
    "E-mail": (
        "email",
        "e-mailadres",
        "emailadres",
        "e-mail adres",
        "mail",
        "mailadres",
        "e-mail contactpersoon",
        "e-mailadres contactpersoon",
    ),
}

#: What users type in the Aanspreekvorm column, per form of address.
_FORM_WORDS: dict[str, tuple[str, ...]] = {
    "heer": ("de heer", "dhr", "hr", "meneer"),
    "mevrouw": ("mw", "mevr"),
    "neutraal": ("genderneutraal", "gender neutraal", "gender-neutraal"),
    "onbekend": ("geen", "geen contactpersoon"),
}

#: The example row of the template (also used to warn when it is left in).
_EXAMPLE_ROW = (
    "Groenvoorziening De Boer",
    "Dorpsweg 8",
    "9711 LM",
    "Groningen",
    "",
    "neutraal",
    "Kim",
    "van den",
    "Berg",
    "",
    "",  # no address: the example row, if left in, is never e-mailed
)
_COLUMN_WIDTHS = (34, 28, 10, 18, 12, 16, 24, 14, 20, 24, 32)
_COLUMN_HELP = (
    "Naam van de ketenpartner.",
    "Bijvoorbeeld Kerkstraat 1.",
    "Bijvoorbeeld 1234 AB. Buiten Nederland: zoals in dat land gebruikelijk.",
    "Bijvoorbeeld Amsterdam.",
    "Leeg laten voor Nederland; anders het land, bijvoorbeeld België.",
    "Kies: heer, mevrouw, neutraal (voornaam of voorletters en achternaam) of onbekend (geen contactpersoon).",
    "Voornaam (Kim) of voorletters (J.P.). Nodig bij neutraal.",
    "Bijvoorbeeld van den.",
    "Nodig bij heer, mevrouw en neutraal.",
    "Alleen bij onbekend, bijvoorbeeld 'Geachte relatie,'. Laat u dit leeg, dan wordt het 'Geachte heer, mevrouw,'.",
    "Niet verplicht. Eén e-mailadres waar de brief per e-mail naartoe kan, bijvoorbeeld inkoop@ketenpartner.nl: "
    "alleen het adres, zonder naam of punthaken.",
)

_HEADER_SEARCH_ROWS = 10  # a title above the header row is allowed within this many rows
_MAX_UNZIPPED_BYTES = 100 * 1024 * 1024

# Reading is bounded in time and memory whatever a file claims about itself (an XLSX
# "dimension" may say A1:XFD1048576; blank rows may go on to row 1,048,576):
#: Rows looked at (by row number, blank rows included): MAX_RECIPIENTS with room for blank rows.
_MAX_ROWS = 20_000
#: More blank rows than this after the last filled row end the list; the rest is not read.
_MAX_BLANK_RUN = 1_000
#: XLSX cells to the right of this column (GR) are not read; any list fits well within it.
_MAX_COLUMNS = 200
#: XML elements and attributes parsed in one workbook, all parts together (under 1 µs each):
#: 5,000 rows of 30 columns as Excel saves them need about 1,000,000.
_MAX_XML_ITEMS = 2_000_000
#: Bytes of one piece of XML markup (a tag with its attributes, a comment): Excel's longest is a
#: few kB. Expat 2.5 scans an unfinished piece again for every chunk it is given, so a 90 MB
#: attribute would take minutes.
_MAX_XML_TOKEN = 256 * 1024
#: Characters kept of one cell (Excel's own maximum is 32,767) and of all shared texts.
_MAX_CELL_TEXT = 32_768
_MAX_SHARED_TEXT = 30_000_000
#: A CSV line this long (characters) is not a list of addresses.
_MAX_CSV_LINE = 1_000_000
_OLE2 = bytes.fromhex("D0CF11E0A1B11AE1")
_ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")
#: Excel error values, as stored in XLSX and as Dutch Excel writes them in CSV.
_ERROR_VALUES = frozenset(ERROR_CODES) | {
    "#N/B",
    "#WAARDE!",
    "#VERW!",
    "#DEEL/0!",
    "#NAAM?",
    "#GETAL!",
    "#LEEG!",
}
_UNCACHED = object()  # a formula cell without a stored result

_ACCEPTED = (
    "Upload een Excel-bestand (.xlsx) of een CSV-bestand (.csv) met één rij per ketenpartner, "
    "zoals de voorbeeldspreadsheet."
)


#: The Dutch messages about a file as a whole (each is the only problem reported).
MESSAGES = {
    "empty": "Het bestand is leeg. " + _ACCEPTED,
    "xls": "Dit is een oud Excel-bestand (.xls). Sla het bestand in Excel op als .xlsx of .csv en upload het opnieuw.",
    "doc": "Dit is een Word-document, geen spreadsheet. " + _ACCEPTED,
    "encrypted": (
        "Dit Excel-bestand is met een wachtwoord beveiligd. Verwijder het wachtwoord in Excel "
        "(Bestand > Info > Werkmap beveiligen > Versleutelen met wachtwoord, en maak het veld leeg). "
        "Upload het bestand daarna opnieuw."
    ),
    "ods": "Dit is een OpenDocument-spreadsheet (.ods). Sla het bestand op als .xlsx of .csv en upload het opnieuw.",
    "xlsb": (
        "Dit is een binaire Excel-werkmap (.xlsb). Sla het bestand in Excel op als .xlsx of .csv en upload het "
        "opnieuw."
    ),
    "zip": "Dit is een ZIP-bestand, geen spreadsheet. " + _ACCEPTED,
    "pdf": "Dit is een PDF-bestand, geen spreadsheet. " + _ACCEPTED,
    "image": "Dit is een afbeelding, geen spreadsheet. " + _ACCEPTED,
    "html": "Dit is een webpagina of XML-bestand, geen spreadsheet. " + _ACCEPTED,
    "binary": "Dit bestand is geen spreadsheet. " + _ACCEPTED,
    "damaged": (
        "Het Excel-bestand is beschadigd of kan niet worden gelezen. Open het in Excel, "
        "sla het op als .xlsx en upload het opnieuw."
    ),
    "too_big": (
        "Het Excel-bestand is te groot om te lezen. Verwijder overbodige werkbladen en "
        "afbeeldingen, of sla de lijst op als .csv."
    ),
    "characters": (
        "De tekens in dit CSV-bestand zijn niet te lezen. Sla het bestand in Excel op als "
        "'CSV UTF-8 (door komma's gescheiden)' en upload het opnieuw."
    ),
    "no_rows": "De spreadsheet is leeg: er staan geen kolomkoppen en geen ketenpartners in.",
    "only_header": "De spreadsheet bevat alleen een kopregel en nog geen ketenpartners.",
    "no_header": (
        "De kopregel ontbreekt: de eerste rij moet de kolomkoppen bevatten, zoals Organisatie, "
        "Straat en huisnummer, Postcode en Plaats. Gebruik de voorbeeldspreadsheet."
    ),
    "too_many": (
        f"De spreadsheet bevat meer dan {long_number(MAX_RECIPIENTS)} ketenpartners; het maximum is "
        f"{long_number(MAX_RECIPIENTS)}. Verdeel de lijst over meerdere bestanden en maak de brieven per bestand."
    ),
    "too_long": (
        f"De spreadsheet is te lang: na rij {long_number(_MAX_ROWS)} staat nog meer. Er worden niet meer dan "
        f"{long_number(_MAX_ROWS)} rijen gelezen. Haal de lege rijen tussen de ketenpartners weg, of verdeel "
        "de lijst over meerdere bestanden."
    ),
    "too_complex": (
        "Het Excel-bestand bevat te veel cellen, opmaak of tekst om te lezen. Verwijder overbodige "
        "werkbladen en kolommen en lege cellen met opmaak, of sla de lijst op als .csv en upload die."
    ),
}

_MAGIC = (
    (b"%PDF", "pdf"),
    (b"\x89PNG", "image"),
    (b"\xff\xd8\xff", "image"),
    (b"GIF8", "image"),
    (b"{\\rtf", "doc"),
)

Row = tuple[int, list[Any]]  # spreadsheet row number (1-based) and its cell values


class _FileProblem(Exception):
    """The file as a whole cannot be read; the message is the Dutch problem."""


@dataclass
class SheetResult:
    """What :func:`read_recipients` found.

    ``recipients`` holds only rows without problems (each accepted by ``parse_answers``),
    ``rows`` their spreadsheet row numbers. ``problems`` lists everything to fix,
    ``warnings`` what to check (duplicates, skipped rows, the example row).
    """

    recipients: list[dict] = field(default_factory=list)
    rows: list[int] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when there is at least one recipient and nothing to fix."""
        return bool(self.recipients) and not self.problems


@dataclass
class _Table:
    """The recognised columns of the data rows, before validation."""

    rows: list[tuple[int, dict[str, Any]]]  # row number, {Dutch header: raw cell value}
    ignored_columns: list[str]
    warnings: list[str]


# ---------------------------------------------------------------------------- helpers


def _join(items: list[str]) -> str:
    """Dutch enumeration: "A", "A en B", "A, B en C"."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " en " + items[-1]


def _text(value: Any) -> str:
    """A cell value as clean text: 1234.0 -> "1234", a date -> "25-11-2026" or "25-11-2026 12:30"."""
    if value is _UNCACHED:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime) and value.time() != datetime.time():
        value = value.strftime("%d-%m-%Y %H:%M")
    elif isinstance(value, (datetime.datetime, datetime.date)):
        value = value.strftime("%d-%m-%Y")
    return clean(value)


def _header_key(text: Any) -> str:
    """Header text for matching: no BOM, lower case, punctuation as spaces."""
    text = _text(text).replace("\ufeff", "").lower()
    return " ".join(re.sub(r"[^0-9a-zà-ÿ]+", " ", text).split())


_HEADER_LOOKUP = {
    _header_key(alias): header for header, aliases in _ALIASES.items() for alias in (header, *aliases)
}


def _form_key(text: str) -> str:
    return re.sub(r"[\s.\-]", "", text.lower())


_FORM_LOOKUP = {
    _form_key(word): form
    for form, words in _FORM_WORDS.items()
    for word in (form, FORMS_OF_ADDRESS[form], *words)
}


def _header_score(values: list[Any]) -> int:
    """How many different known columns a row names."""
    return len({_HEADER_LOOKUP[key] for key in map(_header_key, values) if key in _HEADER_LOOKUP})


def _is_blank(values: Any) -> bool:
    return all(_text(value) == "" for value in values)


# ----------------------------------------------------------------------- file format


def _detect_format(content: bytes, filename: str) -> str:
    """ "xlsx" or "csv", decided from the content; :class:`_FileProblem` otherwise."""
    if not content.removeprefix(codecs.BOM_UTF8).strip():
        raise _FileProblem(MESSAGES["empty"])
    if content.startswith(_OLE2):
        if _ENCRYPTED_PACKAGE in content:
            raise _FileProblem(MESSAGES["encrypted"])
        is_word = filename.lower().endswith((".doc", ".dot"))
        raise _FileProblem(MESSAGES["doc" if is_word else "xls"])
    if content.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        _check_workbook_zip(content)
        return "xlsx"
    for magic, kind in _MAGIC:
        if content.startswith(magic):
            raise _FileProblem(MESSAGES[kind])
    return "csv"


def _check_workbook_zip(content: bytes) -> None:
    """Refuse a ZIP that is not an Excel workbook (Word, ODS, XLSB, a zip bomb...)."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            infos = archive.infolist()
            mimetype = archive.read("mimetype") if "mimetype" in archive.namelist() else b""
    except (zipfile.BadZipFile, OSError, RuntimeError, ValueError):
        raise _FileProblem(MESSAGES["damaged"]) from None
    names = {info.filename for info in infos}
    if "xl/workbook.xml" in names:
        if sum(info.file_size for info in infos) > _MAX_UNZIPPED_BYTES:
            raise _FileProblem(MESSAGES["too_big"])
        return
    if "xl/workbook.bin" in names:
        raise _FileProblem(MESSAGES["xlsb"])
    if b"opendocument.spreadsheet" in mimetype:
        raise _FileProblem(MESSAGES["ods"])
    if "word/document.xml" in names or b"opendocument.text" in mimetype:
        raise _FileProblem(MESSAGES["doc"])
    raise _FileProblem(MESSAGES["zip"])


# ------------------------------------------------------------------------------- XLSX
#
# A workbook is read with expat, as a stream: no XML tree is built, a formula and its
# stored result come in the same pass, and every element and attribute of every part counts
# against _MAX_XML_ITEMS, so no file can make the reading slow or large. (openpyxl cannot be
# bounded this way: its load_workbook parses a whole worksheet that has no <dimension>,
# and the whole shared-strings table at about 7 µs a text, before the first row is read.)

_WORKBOOK = "xl/workbook.xml"
_WORKBOOK_RELATIONS = "xl/_rels/workbook.xml.rels"
_CELL_REFERENCE = re.compile(r"([A-Za-z]{1,3})[0-9]*$")
_ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")
_CHUNK = 64 * 1024


class _Done(Exception):
    """Raised in an XML handler: the rest of the part is not needed."""


class _TooMuch(Exception):
    """Reading the workbook needs more than a limit allows (:data:`_MAX_XML_ITEMS` and the like)."""


@dataclass
class _Cut:
    """In place of a row's values: reading stopped at this row, for the reason in ``message``."""

    message: str


def _unescape(text: str) -> str:
    """Excel's escapes in XML text: ``_x0001_`` is character 1, ``_x005F_`` an underscore."""
    return _ESCAPED.sub(lambda match: chr(int(match.group(1), 16)), text) if "_x" in text else text


def _no_doctype(*_: Any) -> None:
    raise ValueError("An XLSX part has no DOCTYPE.")  # so no entity can be declared, let alone expanded


def _part_name(target: str) -> str:
    """The ZIP name of a part a workbook relation points to."""
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join("xl", target))


def _column_number(reference: str) -> int:
    """1 for "A1", 28 for "AB7"."""
    match = _CELL_REFERENCE.match(reference)
    if not match:
        raise ValueError(f"Not a cell reference: {reference[:20]!r}")
    number = 0
    for letter in match.group(1).upper():
        number = number * 26 + ord(letter) - 64
    return number


class _LocalNames(dict):
    """Element names without their namespace ("uri c" -> "c"), worked out once per name."""

    def __missing__(self, tag: str) -> str:
        name = tag[tag.rfind(" ") + 1 :]
        if len(self) < 200:  # a part uses a few dozen names; made-up ones are not kept
            self[tag] = name
        return name


class _Elements:
    """An XML handler that keeps the attributes of the elements named in ``names``."""

    def __init__(self, *names: str):
        self.names = names
        self.found: list[tuple[str, dict[str, str]]] = []

    def start(self, name: str, attrs: dict[str, str]) -> None:
        if name in self.names:
            self.found.append((name, attrs))

    def end(self, name: str) -> None:
        pass

    def text(self, data: str) -> None:
        pass


class _Styles:
    """An XML handler for styles.xml: the number format of each cell style."""

    def __init__(self) -> None:
        self.formats: dict[int, str] = {}  # numFmtId -> format code, the workbook's own formats
        self.cell_formats: list[int] = []  # numFmtId of each cell style (the ``s`` of a cell)
        self.section = ""

    def start(self, name: str, attrs: dict[str, str]) -> None:
        if name in ("numFmts", "cellXfs", "cellStyleXfs", "dxfs"):
            self.section = name
        elif name == "numFmt" and self.section == "numFmts":
            self.formats[int(attrs.get("numFmtId", "-1"))] = attrs.get("formatCode", "")
        elif name == "xf" and self.section == "cellXfs":
            self.cell_formats.append(int(attrs.get("numFmtId") or 0))

    def end(self, name: str) -> None:
        if name == self.section:
            self.section = ""

    def text(self, data: str) -> None:
        pass


class _SharedStrings:
    """An XML handler for sharedStrings.xml: the texts cells refer to by number."""

    def __init__(self) -> None:
        self.strings: list[str] = []
        self.parts: list[str] | None = None  # the text of the <si> being read
        self.reading = False  # inside a <t> that counts (not a phonetic guide, <rPh>)
        self.phonetic = 0
        self.size = self.total = 0

    def start(self, name: str, attrs: dict[str, str]) -> None:
        if name == "si":
            self.parts, self.size = [], 0
        elif name == "rPh":
            self.phonetic += 1
        elif name == "t":
            self.reading = self.parts is not None and not self.phonetic

    def end(self, name: str) -> None:
        if name == "t":
            self.reading = False
        elif name == "rPh":
            self.phonetic -= 1
        elif name == "si" and self.parts is not None:
            self.total += self.size
            if self.total > _MAX_SHARED_TEXT:
                raise _TooMuch
            self.strings.append(_unescape("".join(self.parts)))
            self.parts = None

    def text(self, data: str) -> None:
        if self.reading and self.size < _MAX_CELL_TEXT:
            self.parts.append(data[: _MAX_CELL_TEXT - self.size])
        self.size += len(data) if self.reading else 0


class _SheetRows:
    """An XML handler for a worksheet: each finished row goes to ``rows`` as (number, values).

    ``values`` holds the cells up to the last filled one (at most :data:`_MAX_COLUMNS`):
    text, a number, a date or time (by the cell's number format), True/False, an error
    value such as "#N/A", or :data:`_UNCACHED` for a formula without a stored result.
    A row past :data:`_MAX_ROWS` ends the reading with a :class:`_Cut`.
    """

    def __init__(self, book: _Workbook):
        self.book = book
        self.rows: list[Row] = []
        self.number = 0  # the row being read (or the last one)
        self.last = 0  # the last row handed out
        self.cells: dict[int, Any] = {}
        self.column = 0
        self.kind, self.style, self.formula = "n", "", False
        self.stored: str | None = None  # the text of the cell's <v>
        self.inline: list[str] | None = None  # the text of the cell's <is>
        self.parts: list[str] | None = None  # where text goes now
        self.size = 0
        self.phonetic = 0

    def take(self) -> list[Row]:
        rows, self.rows = self.rows, []
        return rows

    def start(self, name: str, attrs: dict[str, str]) -> None:
        if name == "c":
            reference = attrs.get("r")
            self.column = _column_number(reference) if reference else self.column + 1
            self.kind, self.style, self.formula = attrs.get("t", "n"), attrs.get("s", ""), False
            self.stored = self.inline = None
            self.size = 0
        elif name == "v":
            self.parts = []
        elif name == "f":
            self.formula = True
        elif name == "is":
            self.inline = []
        elif name == "t" and self.inline is not None and not self.phonetic:
            self.parts = self.inline
        elif name == "rPh":
            self.phonetic += 1
        elif name == "row":
            reference = attrs.get("r")
            self.number = int(reference) if reference else self.number + 1
            if self.number > _MAX_ROWS:
                self.rows.append((self.number, _Cut(MESSAGES["too_long"])))
                raise _Done
            self.cells, self.column = {}, 0

    def end(self, name: str) -> None:
        if name == "c":
            if self.stored is None and self.inline is None and not self.formula:
                return  # an empty cell (perhaps with a style)
            value = self._value()
            if value is not None and self.column <= _MAX_COLUMNS:
                self.cells[self.column] = value
        elif name == "v":
            self.stored, self.parts = "".join(self.parts or ()), None
        elif name == "t":
            self.parts = None
        elif name == "rPh":
            self.phonetic -= 1
        elif name == "row":
            if self.number > self.last:  # a row number again or going back: not a row of Excel's
                values: list[Any] = [None] * max(self.cells, default=0)
                for column, value in self.cells.items():
                    values[column - 1] = value
                self.rows.append((self.number, values))
                self.last = self.number
            self.cells = {}
        elif name == "sheetData":
            raise _Done  # what follows (merged cells, formatting...) is not needed

    def text(self, data: str) -> None:
        if self.parts is not None:
            if self.size < _MAX_CELL_TEXT:
                self.parts.append(data[: _MAX_CELL_TEXT - self.size])
            self.size += len(data)

    def _value(self) -> Any:
        kind, stored = self.kind, self.stored
        if self.formula and not stored:
            # an empty stored text result is an empty text; anything else was never calculated
            return "" if kind == "str" else _UNCACHED
        if kind == "inlineStr":
            return None if self.inline is None else _unescape("".join(self.inline))
        if not stored:
            return None
        if kind == "s":
            return self.book.strings[int(stored)]
        if kind == "str":
            return _unescape(stored)
        if kind == "e":
            return stored
        if kind == "b":
            return bool(int(stored))
        if kind == "d":
            return from_ISO8601(stored)
        number = float(stored) if any(char in stored for char in ".eE") else int(stored)
        style = int(self.style or 0)
        if style not in self.book.dates:
            return number
        try:
            return from_excel(number, self.book.epoch, timedelta=style in self.book.durations)
        except (OverflowError, ValueError):
            return "#VALUE!"  # as openpyxl and Excel: a date outside Excel's calendar


class _Workbook:
    """An XLSX file being read: its worksheets (title -> part name), texts and date styles."""

    def __init__(self, archive: zipfile.ZipFile):
        self.archive = archive
        self.items = 0  # XML elements and attributes parsed so far
        relations = {
            attrs.get("Id"): attrs for _, attrs in self._elements(_WORKBOOK_RELATIONS, "Relationship")
        }
        parts = {kind: _part_name(attrs.get("Target", "")) for attrs in relations.values()
                 for kind in ("worksheet", "sharedStrings", "styles")
                 if attrs.get("Type", "").endswith("/" + kind) and attrs.get("TargetMode") != "External"}
        names = set(archive.namelist())
        self.epoch = WINDOWS_EPOCH
        self.sheets: dict[str, str] = {}
        for name, attrs in self._elements(_WORKBOOK, "workbookPr", "sheet"):
            if name == "workbookPr":
                if attrs.get("date1904", "").lower() in ("1", "true"):
                    self.epoch = MAC_EPOCH
                continue
            relation = relations.get(next((v for k, v in attrs.items() if k.endswith(" id")), None)) or {}
            part = _part_name(relation.get("Target", ""))
            if relation.get("Type", "").endswith("/worksheet") and part in names:
                self.sheets[attrs.get("name", "")] = part
        if not self.sheets:
            raise ValueError("No worksheet")
        self.strings: list[str] = []
        if parts.get("sharedStrings") in names:
            strings = _SharedStrings()
            self._parse_all(parts["sharedStrings"], strings)
            self.strings = strings.strings
        self.dates: set[int] = set()
        self.durations: set[int] = set()
        if parts.get("styles") in names:
            styles = _Styles()
            self._parse_all(parts["styles"], styles)
            for index, number in enumerate(styles.cell_formats):
                code = styles.formats.get(number, BUILTIN_FORMATS.get(number))
                if is_date_format(code):
                    self.dates.add(index)
                if is_timedelta_format(code):
                    self.durations.add(index)

    def rows(self, title: str) -> Iterator[Row]:
        """The rows of worksheet ``title``; a last :class:`_Cut` row where a limit stopped the reading."""
        handler = _SheetRows(self)
        chunks = self._parse(self.sheets[title], handler)
        try:
            for _ in chunks:
                yield from handler.take()
        except _TooMuch:
            yield from handler.take()
            yield max(handler.number, handler.last + 1), _Cut(MESSAGES["too_complex"])
        finally:
            chunks.close()

    def _elements(self, name: str, *tags: str) -> list[tuple[str, dict[str, str]]]:
        handler = _Elements(*tags)
        self._parse_all(name, handler)
        return handler.found

    def _parse_all(self, name: str, handler: Any) -> None:
        for _ in self._parse(name, handler):
            pass

    def _parse(self, name: str, handler: Any) -> Iterator[None]:
        """Feed part ``name`` to ``handler`` a chunk at a time, yielding after each chunk."""
        parser = expat.ParserCreate(namespace_separator=" ")
        parser.buffer_text = True
        parser.buffer_size = _CHUNK
        parser.StartDoctypeDeclHandler = _no_doctype
        start, end = handler.start, handler.end
        local = _LocalNames()

        def started(tag: str, attrs: dict[str, str]) -> None:
            self.items += 1 + len(attrs)
            if self.items > _MAX_XML_ITEMS:
                raise _TooMuch
            start(local[tag], attrs)

        parser.StartElementHandler = started
        parser.EndElementHandler = lambda tag: end(local[tag])
        parser.CharacterDataHandler = handler.text
        with self.archive.open(name) as stream:
            try:
                fed = 0
                while chunk := stream.read(_CHUNK):
                    parser.Parse(chunk, False)
                    fed += len(chunk)
                    if fed - parser.CurrentByteIndex > _MAX_XML_TOKEN:  # all in one piece of markup
                        raise _TooMuch
                    yield
                parser.Parse(b"", True)
            except _Done:
                pass
        yield


def _sheet_header_score(rows: Iterator[Row]) -> int:
    """The best header score among the first non-blank rows of a worksheet (-1: none at all)."""
    lines = _Lines(rows)
    scores = []
    try:
        for number, values in lines:
            if not _is_blank(values):
                lines.last = number
                scores.append(_header_score(values))
            if len(scores) == _HEADER_SEARCH_ROWS:
                break
    except _FileProblem:
        pass  # a limit was reached: what was read counts
    return max(scores, default=-1)


def _choose_sheet(book: _Workbook) -> tuple[str, list[str]]:
    """The worksheet with the recipients: the first whose header names two known columns."""
    scores = {}
    for title in book.sheets:
        rows = book.rows(title)
        try:
            scores[title] = _sheet_header_score(rows)
        finally:
            rows.close()
    lists = [title for title, score in scores.items() if score >= 2]
    if not lists:  # no recognisable header anywhere: the first sheet with something in it
        filled = [title for title, score in scores.items() if score >= 0]
        return (filled or list(scores))[0], []
    chosen = lists[0]
    return chosen, [
        f"Alleen werkblad '{chosen}' is gelezen; werkblad '{other}' is overgeslagen." for other in lists[1:]
    ]


def _read_xlsx(content: bytes) -> _Table:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            book = _Workbook(archive)
            title, sheet_warnings = _choose_sheet(book)
            rows = book.rows(title)
            try:
                table = _collect_table(rows)
            finally:
                rows.close()
    except _FileProblem:
        raise
    except _TooMuch:
        raise _FileProblem(MESSAGES["too_complex"]) from None
    except Exception:  # a damaged file fails in many ways
        raise _FileProblem(MESSAGES["damaged"]) from None
    table.warnings[:0] = sheet_warnings
    return table


# -------------------------------------------------------------------------------- CSV


def _utf16_without_bom(sample: bytes) -> str | None:
    """ "utf-16-le"/"utf-16-be" when ``sample`` looks like UTF-16 text without a BOM.

    Latin text in UTF-16 has a zero in nearly every other byte and almost none in between.
    """
    even, odd = sample[0::2], sample[1::2]
    if len(odd) < 2:
        return None
    if odd.count(0) > 0.7 * len(odd) and even.count(0) < 0.05 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.7 * len(even) and odd.count(0) < 0.05 * len(odd):
        return "utf-16-be"
    return None


#: Control characters that do not occur in text (tab, line breaks, vertical tab and form feed do).
_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f]")


def _looks_binary(sample: str) -> bool:
    """True when more than 1 in 20 characters of ``sample`` are control characters.

    A few stray ones (a NUL, a Ctrl-Z, a character copied from another program) are
    no reason to refuse a list: the row checks leave them out and say so.
    """
    controls = len(_CONTROL.findall(sample))
    return controls > 8 and controls * 20 > len(sample)


def _decode(content: bytes) -> str:
    """Text of a CSV file: UTF-16 (with a BOM or plainly so), UTF-8 (BOM optional) or Windows-1252."""
    if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    else:
        encoding = _utf16_without_bom(content[:4096])
    if encoding:
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            raise _FileProblem(MESSAGES["characters"]) from None
    if _looks_binary(content[:4096].decode("latin-1")):
        raise _FileProblem(MESSAGES["binary"])
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return content.removeprefix(codecs.BOM_UTF8).decode("cp1252")
    except UnicodeDecodeError:
        raise _FileProblem(MESSAGES["characters"]) from None


def _check_text(text: str) -> None:
    """Refuse text that is not a table: mostly control characters (binary) or a web page."""
    sample = text[:4096]
    if _looks_binary(sample):
        raise _FileProblem(MESSAGES["binary"])
    if sample.lstrip().lower().startswith(("<!doctype", "<html", "<?xml", "<table")):
        raise _FileProblem(MESSAGES["html"])


def _delimiter(text: str) -> tuple[str, str]:
    """The delimiter and the text to parse: an Excel "sep=;" line wins, else a count on the first lines."""
    first, _, rest = text.partition("\n")
    hint = first.strip()
    if hint.lower().startswith("sep=") and len(hint) == 5:
        return hint[4], rest
    # only \r and \n end a line, as for the csv module (str.splitlines() also splits at \x0b, \x1c...)
    lines = [line for line in re.split("\r\n|\r|\n", text[:65536]) if line.strip()][:_HEADER_SEARCH_ROWS]
    counts = {delimiter: sum(line.count(delimiter) for line in lines) for delimiter in ";,\t"}
    return max(counts, key=counts.get), text  # ties go to ";", as Dutch Excel writes


_LINE = re.compile("[^\r\n]*(?:\r\n?|\n)|[^\r\n]+")


def _csv_lines(text: str) -> Iterator[str]:
    """The lines of ``text`` with their ends, for the csv module, one at a time (no copy of the text).

    A line longer than :data:`_MAX_CSV_LINE` ends the reading.
    """
    for match in _LINE.finditer(text):
        line = match.group()
        if len(line) > _MAX_CSV_LINE:
            raise csv.Error("line too long")
        yield line


def _csv_rows(text: str) -> Iterator[Row]:
    """The rows of a CSV text; after :data:`_MAX_ROWS` rows a :class:`_Cut` row ends them."""
    delimiter, text = _delimiter(text)
    reader = csv.reader(_csv_lines(text), delimiter=delimiter)
    number = 0
    try:
        for number, values in enumerate(reader, start=1):
            if number > _MAX_ROWS:
                yield number, _Cut(MESSAGES["too_long"])
                return
            yield number, values
    except csv.Error:
        raise _FileProblem(
            f"Rij {number + 1}: het CSV-bestand kan vanaf deze rij niet worden gelezen. Waarschijnlijk staat "
            "er een los aanhalingsteken (\") in een cel, of is een cel te lang. Sla het bestand in Excel nog "
            "eens op als CSV en upload het opnieuw."
        ) from None


def _read_csv(content: bytes) -> _Table:
    text = _decode(content)
    _check_text(text)
    return _collect_table(_csv_rows(text))


# --------------------------------------------------------------------- header and rows


class _Lines:
    """The rows of a sheet until more than :data:`_MAX_BLANK_RUN` blank rows follow the last filled one.

    Whoever reads the rows sets ``last`` to each filled row's number (what counts as
    filled depends on whether the header is known). A :class:`_Cut` row raises its
    problem, unless it comes after such a run of blank rows. ``stopped`` tells that
    rows after the run were left unread.
    """

    def __init__(self, rows: Iterator[Row]):
        self._rows = rows
        self.last = 0
        self.stopped = False

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> Row:
        if self.stopped:
            raise StopIteration
        number, values = next(self._rows)
        if number - self.last - 1 > _MAX_BLANK_RUN:  # the rows in between are blank (or absent)
            self.stopped = True
            raise StopIteration
        if isinstance(values, _Cut):
            raise _FileProblem(values.message)
        return number, values


def _find_header(rows: _Lines) -> tuple[Row, list[str], Iterator[Row]]:
    """The header row (the first that names most known columns), skipped rows' warning, the rest."""
    seen: list[Row] = []
    for row in rows:
        if not _is_blank(row[1]):
            seen.append(row)
            rows.last = row[0]
        if len(seen) == _HEADER_SEARCH_ROWS:
            break
    if not seen:
        raise _FileProblem(MESSAGES["no_rows"])
    scores = [_header_score(values) for _, values in seen]
    index = scores.index(max(scores))
    header, skipped, after = seen[index], seen[:index], seen[index + 1 :]
    found = []
    if skipped:
        numbers = _join([str(number) for number, _ in skipped])
        found.append(
            f"De kopregel staat op rij {header[0]}; wat erboven staat (rij {numbers}) is niet gelezen."
        )
    return header, found, _chain(after, rows)


def _chain(first: list[Row], rest: Iterator[Row]) -> Iterator[Row]:
    yield from first
    yield from rest


def _map_columns(header: list[Any]) -> tuple[dict[int, str], list[str], list[str]]:
    """Column index -> Dutch header, the ignored header names, and warnings about doubles."""
    mapping: dict[int, str] = {}
    used: dict[str, str] = {}
    ignored: list[str] = []
    found: list[str] = []
    for index, value in enumerate(header):
        name = _text(value).replace("\ufeff", "")
        if not name:
            continue
        column = _HEADER_LOOKUP.get(_header_key(name))
        if column is None:
            ignored.append(name)
        elif column in used:
            ignored.append(name)
            found.append(
                f"De kolom '{name}' is overgeslagen, omdat kolom '{used[column]}' al als {column} wordt gebruikt."
            )
        else:
            mapping[index] = column
            used[column] = name
    missing = [column for column in REQUIRED_COLUMNS if column not in used]
    if not used:
        raise _FileProblem(MESSAGES["no_header"])
    if missing:
        raise _FileProblem(_missing_columns_message(missing, ignored))
    return mapping, ignored, found


def _missing_columns_message(missing: list[str], unrecognised: list[str]) -> str:
    if len(missing) == 1:
        text = f"De kolom {missing[0]} ontbreekt."
    else:
        text = f"De kolommen {_join(missing)} ontbreken."
    text += " Gebruik de kolomkoppen van de voorbeeldspreadsheet."
    if unrecognised:
        text += f" Deze kolomkoppen zijn niet herkend: {', '.join(unrecognised)}."
    return text


def _collect_table(rows: Iterator[Row]) -> _Table:
    """The data rows under the header, blank rows left out; refuses more than :data:`MAX_RECIPIENTS`.

    Reading ends after more than :data:`_MAX_BLANK_RUN` blank rows (a warning says so
    when rows follow them) and at :data:`_MAX_ROWS` rows.
    """
    lines = _Lines(rows)
    (_, header), found, rows = _find_header(lines)
    mapping, ignored, doubles = _map_columns(header)
    data: list[tuple[int, dict[str, Any]]] = []
    for number, values in rows:
        cells = {column: values[index] for index, column in mapping.items() if index < len(values)}
        if _is_blank(cells.values()) and _UNCACHED not in cells.values():
            continue
        lines.last = max(lines.last, number)
        data.append((number, cells))
        if len(data) > MAX_RECIPIENTS:
            raise _FileProblem(MESSAGES["too_many"])
    if not data:
        raise _FileProblem(MESSAGES["only_header"])
    if lines.stopped:
        doubles.append(
            f"Onder rij {lines.last} staan meer dan {long_number(_MAX_BLANK_RUN)} lege rijen. Wat daaronder "
            "staat, is niet gelezen. Staan daar nog ketenpartners? Haal dan de lege rijen weg en upload "
            "het bestand opnieuw."
        )
    return _Table(rows=data, ignored_columns=ignored, warnings=found + doubles)


# ------------------------------------------------------------------------- validation


def _cell_problem(number: int, column: str, value: Any, text: str) -> str | None:
    """What is wrong with a cell whatever the row says: no formula result, an error value."""
    if value is _UNCACHED:
        return (
            f"Rij {number}: de formule in kolom {column} heeft geen opgeslagen uitkomst. Open het "
            "bestand in Excel en sla het opnieuw op, of vervang de formule door de waarde."
        )
    if text.upper() in _ERROR_VALUES:
        return f"Rij {number}: kolom {column} bevat de foutwaarde {text}. Vul de juiste waarde in."
    return None


def _row_texts(number: int, cells: dict[str, Any]) -> tuple[dict[str, str], dict[str, str]]:
    """Every column as text (missing ones empty), and the problem of each unusable cell by column."""
    texts: dict[str, str] = {}
    broken: dict[str, str] = {}
    for column in COLUMNS:
        value = cells.get(column)
        texts[column] = "" if value is _UNCACHED else _text(value)
        if column == "E-mail" and isinstance(value, str) and value.strip():
            # as typed: an address with a line break in its cell is refused, not silently joined
            texts[column] = value
        problem = _cell_problem(number, column, value, strip_invisible(texts[column])[0])
        if problem:
            broken[column] = problem
            texts[column] = ""
    return texts, broken


def _typed_cells(number: int, cells: dict[str, Any]) -> list[str]:
    """A warning for each cell Excel holds as a date or a time: its text may not be what was meant."""
    found = []
    for column in COLUMNS:
        value = cells.get(column)
        if isinstance(value, (datetime.date, datetime.time, datetime.timedelta)):
            kind = "datum" if isinstance(value, datetime.date) else "tijd"
            found.append(
                f"Rij {number}: de cel in kolom {column} is in Excel opgemaakt als {kind} ({_text(value)}). "
                "Controleer of dat klopt; typ anders de tekst in de cel."
            )
    return found


def _row_form(number: int, texts: dict[str, str], broken: dict[str, str]) -> tuple[str, list[str]]:
    """The form of address (a key of FORMS_OF_ADDRESS) and any problem with it."""
    typed = strip_invisible(texts["Aanspreekvorm"])[0]
    if "Aanspreekvorm" in broken:
        return "onbekend", []
    if _form_key(typed):
        form = _FORM_LOOKUP.get(_form_key(typed))
        if form:
            return form, []
        return "onbekend", [
            f"Rij {number}: aanspreekvorm '{typed[:40]}' wordt niet herkend. Kies heer, mevrouw, neutraal of onbekend."
        ]
    if strip_invisible(texts["Achternaam"])[0]:
        return "onbekend", [
            f"Rij {number}: de aanspreekvorm is leeg, maar er staat wel een achternaam. "
            "Vul heer, mevrouw, neutraal of onbekend in."
        ]
    return "onbekend", []


def _recipient_dict(texts: dict[str, str], form: str) -> dict:
    """One row in the answers format (every key present, empty when not given)."""
    recipient: dict[str, Any] = {key: texts[column] for column, key in COLUMNS.items() if "." not in key}
    if is_dutch_country(texts["Land"]):
        recipient["country"] = ""
    recipient["contact"] = {
        key.split(".", 1)[1]: texts[column] for column, key in COLUMNS.items() if key.startswith("contact.")
    }
    recipient["contact"]["form"] = form
    return recipient


def _read_row(number: int, cells: dict[str, Any]) -> tuple[dict | None, list[str], list[str]]:
    """One data row: the recipient (None if it has problems), its problems and warnings.

    The row is checked by the answers contract (:func:`.answers.read_recipient`), the
    same rules as a screen and an answers file; a cell already reported as unusable
    is not reported again as missing.
    """
    texts, broken = _row_texts(number, cells)
    form, form_problems = _row_form(number, texts, broken)
    recipient, problems, notices = read_recipient(_recipient_dict(texts, form), f"Rij {number}")
    # an unusable cell is reported once: not again as "Vul ... in."
    hidden = {f"Rij {number}: Vul {fields.RULES[key].label} in."
              for key in (f"recipient.{COLUMNS[column]}" for column in broken) if key in fields.RULES}
    problems = list(broken.values()) + form_problems + [p for p in problems if p not in hidden]
    found = _typed_cells(number, cells) + list(notices)
    if texts["Aanhef"] and form != "onbekend":
        found.append(
            f"Rij {number}: de aanhef in de kolom Aanhef wordt niet gebruikt; die geldt alleen bij "
            "aanspreekvorm onbekend."
        )
    if (recipient.organisation, recipient.street) == _EXAMPLE_ROW[:2]:
        found.append(
            f"Rij {number} is de voorbeeldregel uit de voorbeeldspreadsheet ({_EXAMPLE_ROW[0]}). "
            "Verwijder deze regel als u geen brief aan deze voorbeeldorganisatie wilt sturen."
        )
    if problems:
        return None, problems, found
    return recipient_dict(recipient), [], found


def _duplicate_warnings(recipients: list[dict], rows: list[int]) -> list[str]:
    """A warning for each recipient with the same organisation and postcode as an earlier one."""
    first: dict[tuple[str, str], int] = {}
    found = []
    for recipient, number in zip(recipients, rows):
        key = (recipient["organisation"].casefold(), recipient["postcode"].replace(" ", "").upper())
        if key in first:
            found.append(
                f"Rij {number} lijkt dezelfde ketenpartner te zijn als rij {first[key]} "
                f"({recipient['organisation']}, {recipient['postcode']}). Is dat zo? Verwijder dan een van beide rijen."
            )
        else:
            first[key] = number
    return found


def _validate(table: _Table) -> SheetResult:
    result = SheetResult(ignored_columns=table.ignored_columns, warnings=list(table.warnings))
    for number, cells in table.rows:
        recipient, problems, found = _read_row(number, cells)
        result.problems += problems
        result.warnings += found
        if recipient is not None:
            result.recipients.append(recipient)
            result.rows.append(number)
    result.warnings += _duplicate_warnings(result.recipients, result.rows)
    return result


# ---------------------------------------------------------------------------- public


def read_recipients(content: bytes, filename: str) -> SheetResult:
    """Read the recipients from an uploaded XLSX or CSV file.

    The format is decided from ``content``; ``filename`` is only a hint. Never raises
    for a bad file: everything wrong with it is in ``problems``, in Dutch.
    """
    try:
        if _detect_format(content, filename or "") == "xlsx":
            table = _read_xlsx(content)
        else:
            table = _read_csv(content)
    except _FileProblem as problem:
        return SheetResult(problems=[str(problem)])
    return _validate(table)


def preview_rows(result: SheetResult) -> list[dict]:
    """One dict per recipient for a check table: row, organisation, address, attention, salutation
    (and email, for a recipient with an e-mail address).

    ``address`` is one line: "Kerkstraat 1, 1234 AB AMSTERDAM".
    """
    preview = []
    for recipient, number in zip(result.recipients, result.rows):
        contact = recipient["contact"]
        person = Person(
            form=contact["form"],
            given=contact["given"],
            tussenvoegsel=contact["tussenvoegsel"],
            surname=contact["surname"],
            salutation=contact["salutation"],
        )
        lines = address_lines(
            "", recipient["street"], recipient["postcode"], recipient["city"], recipient["country"]
        )
        preview.append(
            {
                "row": number,
                "organisation": recipient["organisation"],
                "address": ", ".join(clean(line) for line in lines),
                "attention": attention_line(person),
                "salutation": salutation(person),
            }
        )
        if recipient.get("email"):
            preview[-1]["email"] = recipient["email"]
    return preview


def template_workbook() -> bytes:
    """The example spreadsheet (XLSX): sheet "Ketenpartners" and an explanation sheet."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Ketenpartners"
    sheet.append(list(COLUMNS))
    sheet.append(list(_EXAMPLE_ROW))
    for index, width in enumerate(_COLUMN_WIDTHS, start=1):
        sheet.cell(row=1, column=index).font = Font(bold=True)
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    form_column = get_column_letter(list(COLUMNS).index("Aanspreekvorm") + 1)
    forms = DataValidation(
        type="list",
        formula1='"' + ",".join(FORMS_OF_ADDRESS) + '"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Aanspreekvorm",
        error="Kies heer, mevrouw, neutraal of onbekend.",
    )
    forms.add(f"{form_column}2:{form_column}{MAX_RECIPIENTS + 1}")
    sheet.add_data_validation(forms)
    _add_help_sheet(workbook)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _add_help_sheet(workbook: Any) -> None:
    help_sheet = workbook.create_sheet("Toelichting")
    help_sheet.append(["Kolom", "Verplicht", "Uitleg"])
    for column, text in zip(COLUMNS, _COLUMN_HELP):
        help_sheet.append([column, "ja" if column in REQUIRED_COLUMNS else "nee", text])
    help_sheet.append([])
    help_sheet.append(["Eén rij per ketenpartner. Vervang de voorbeeldregel door uw eigen ketenpartners."])
    for cell in help_sheet[1]:
        cell.font = Font(bold=True)
    for letter, width in zip("ABC", (26, 10, 90)):
        help_sheet.column_dimensions[letter].width = width


def template_csv() -> bytes:
    """The example spreadsheet as CSV the way Dutch Excel reads it: UTF-8 with BOM, ``;``, CRLF."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerow(_EXAMPLE_ROW)
    return codecs.BOM_UTF8 + buffer.getvalue().encode("utf-8")
