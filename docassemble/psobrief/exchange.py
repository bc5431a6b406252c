"""Saved answers: a ZIP with ``answers.yml`` and its images, written and read back.

The interview and the offline renderer speak one answers format (see
``docs/answers-format.md``). :func:`export_answers` writes answers in that format as a
ZIP: ``answers.yml`` (``yaml.safe_dump``) and the logo and signature it names, under
fixed names by their real content type (``logo.png``, ``handtekening.jpg``).

:func:`read_answers` reads such a ZIP, or a bare ``answers.yml``/JSON file without
images, judging by content (never by the file name), and checks it with
:func:`.answers.parse_answers`, so an upload gets exactly the answers and the Dutch
problems the command line gets. What comes from outside is limited: the size of the
file, of every entry once unpacked and of all entries together (ZIP bombs), the
number of entries; names that point outside the ZIP (``../``, absolute paths),
symbolic links and encrypted entries are refused; entries that ``answers.yml`` does
not name are ignored; YAML aliases are refused. Nothing is unpacked by its own name:
the images named are written into the caller's folder under safe names.

Plain Python; nothing here imports docassemble.
"""

from __future__ import annotations

import datetime
import io
import json
import posixpath
import re
import stat
import zipfile
from pathlib import Path
from typing import Any

import yaml

from . import images
from .answers import Answers, AnswersError, parse_answers
from .fields import long_number

__all__ = [
    "ANSWERS_NAME",
    "IMAGE_STEMS",
    "MAX_ANSWERS_BYTES",
    "MAX_ENTRIES",
    "MAX_PACKAGE_BYTES",
    "export_answers",
    "image_filename",
    "is_zip",
    "load_text",
    "parse",
    "read_answers",
    "unpack",
]

#: The answers file's name inside the ZIP.
ANSWERS_NAME = "answers.yml"
#: Other names accepted for the answers file inside a ZIP someone made by hand.
_ANSWERS_NAMES = {"answers.yml", "answers.yaml", "answers.json"}
#: File name (without extension) of each image in the ZIP, by role.
IMAGE_STEMS = {"logo": "logo", "signature": "handtekening"}
#: Largest answers file (YAML or JSON) in bytes: thousands of recipients fit easily.
MAX_ANSWERS_BYTES = 5 * images.MEGABYTE
#: Most entries a ZIP may hold (ours holds three).
MAX_ENTRIES = 50
#: Largest ZIP (or bare answers file) accepted, and largest total of its unpacked entries:
#: the answers file and two images of at most images.MAX_BYTES, and a little room.
MAX_PACKAGE_BYTES = MAX_ANSWERS_BYTES + 2 * images.MAX_BYTES + images.MEGABYTE

_ZIP_SIGNATURES = (b"PK\x03\x04", b"PK\x05\x06")
_IMAGE_FIELDS = (("logo", ("sender",), "Afzender", "het logo"),
                 ("signature", ("sender", "signatory"), "Ondertekenaar", "de handtekening"))
_HEADER = (
    "# Antwoorden voor de PSO-stimuleringsbrief (docassemble.psobrief).\n"
    "# Verder gaan: kies in de vragenlijst 'Opgeslagen antwoorden gebruiken' en upload dit ZIP-bestand.\n"
    "# Opdrachtregel: python -m docassemble.psobrief render <dit ZIP-bestand> --out brieven/\n"
    "# Het formaat staat in docs/answers-format.md.\n"
)
_AGAIN = "Kies het ZIP-bestand dat u bij 'Antwoorden opslaan (ZIP)' heeft gedownload, of een answers.yml."


def _megabytes(size: int) -> str:
    return long_number(round(size / images.MEGABYTE))


# ---------------------------------------------------------------- writing


def _plain(value: Any) -> Any:
    """``value`` as plain YAML data: dict, list, str, bool, int, float, None, date.

    Every dict and list is a new object (so ``safe_dump`` writes no aliases); text-like
    objects of other kinds become ``str``, a date-time its date.
    """
    if isinstance(value, dict) or (hasattr(value, "items") and callable(value.items)):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if value is None or isinstance(value, (bool, int, float)):
        return value
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    return str(value)


def image_filename(role: str, content: bytes) -> str:
    """The fixed name of an image in the ZIP, by its real content: ``logo.png``, ``handtekening.jpg``.

    Raises :class:`.images.ImageProblem` (Dutch) when ``content`` is no usable PNG or JPEG.
    """
    kind = images.check_image(content).format
    return IMAGE_STEMS[role] + (".png" if kind == "PNG" else ".jpg")


def _section(data: Any, keys: tuple[str, ...]) -> dict | None:
    for key in keys:
        data = data.get(key) if isinstance(data, dict) else None
    return data if isinstance(data, dict) else None


def _dump(plain: dict[str, Any]) -> str:
    """``plain`` as YAML text that ``yaml.safe_load`` reads back exactly.

    Readable UTF-8 where that is exact. A few characters (NEL, the Unicode line and
    paragraph separators) PyYAML writes literally and then reads as line breaks; text
    holding them is written with every non-ASCII character escaped instead.
    """
    for readable in (True, False):
        text = yaml.safe_dump(plain, allow_unicode=readable, sort_keys=False, default_flow_style=False,
                              width=1_000_000)
        if yaml.safe_load(text) == plain:
            return text
    raise AnswersError(["De antwoorden konden niet worden opgeslagen: een waarde is geen tekst, getal of datum."])


def export_answers(data: dict[str, Any], base_dir: Path | None = None) -> bytes:
    """A ZIP with ``answers.yml`` (``data`` in the answers format) and the images it names.

    ``data`` is what :func:`.interview.collect_answers` makes or what an answers file
    holds; ``sender.logo`` and ``sender.signatory.signature`` are paths (relative ones
    to ``base_dir``) or empty. The images go into the ZIP as they are, named by their
    content type; ``answers.yml`` names them so. Every other value is written with
    ``yaml.safe_dump`` exactly as given. Raises :class:`.answers.AnswersError` (Dutch)
    when an image cannot be read or is no PNG or JPEG.
    """
    plain = _plain(data)
    files: dict[str, bytes] = {}
    problems = []
    for role, keys, where, label in _IMAGE_FIELDS:
        section = _section(plain, keys)
        if section is None or not section.get(role):
            continue
        path = Path(str(section[role]))
        if not path.is_absolute() and base_dir is not None:
            path = base_dir / path
        try:
            with open(path, "rb") as handle:
                content = handle.read(images.MAX_BYTES + 1)
            name = image_filename(role, content)
        except OSError:
            problems.append(f"{where}: {label} kon niet worden gelezen.")
            continue
        except images.ImageProblem as problem:
            problems.append(f"{where}: {label}: {problem}")
            continue
        files[name] = content
        section[role] = name
    if problems:
        raise AnswersError(problems)
    text = _HEADER + _dump(plain)
    now = datetime.datetime.now().timetuple()[:6]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        entries = [(ANSWERS_NAME, text.encode("utf-8"), zipfile.ZIP_DEFLATED)]
        entries += [(name, content, zipfile.ZIP_STORED) for name, content in files.items()]
        for name, content, method in entries:
            info = zipfile.ZipInfo(name, date_time=now)
            info.compress_type = method
            info.external_attr = 0o644 << 16
            archive.writestr(info, content)
    return out.getvalue()


# ---------------------------------------------------------------- reading


def is_zip(content: bytes) -> bool:
    """Whether ``content`` is a ZIP file, by its first bytes."""
    return content[:4] in _ZIP_SIGNATURES


def _refuse(message: str) -> AnswersError:
    return AnswersError([message])


def _refuse_aliases(text: str) -> None:
    """YAML aliases (``*naam``) can make a small file expand hugely: refused."""
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        if isinstance(event, yaml.AliasEvent):
            raise _refuse("Het antwoordenbestand gebruikt YAML-verwijzingen (& en *). "
                          "Schrijf elke waarde voluit en probeer het opnieuw.")


def load_text(content: bytes, name: str = "Het antwoordenbestand") -> Any:
    """The data of an answers file in YAML or JSON (UTF-8, with or without BOM), by content.

    ``name`` starts the message when the file cannot be read. Raises
    :class:`.answers.AnswersError` with one Dutch sentence saying what to fix.
    """
    if len(content) > MAX_ANSWERS_BYTES:
        raise _refuse(f"{name} is {_megabytes(len(content))} MB. Een antwoordenbestand is hoogstens "
                      f"{_megabytes(MAX_ANSWERS_BYTES)} MB.")
    text = None
    if b"\x00" not in content[:8192]:  # UTF-16 or a binary file
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            pass
    if text is None:
        raise _refuse(f"{name} is geen antwoordenbestand: het is geen tekst (YAML of JSON in UTF-8). {_AGAIN}")
    try:
        if text.lstrip().startswith(("{", "[")):
            try:
                return json.loads(text)
            except json.JSONDecodeError:
                pass  # YAML's flow style starts like JSON too
        _refuse_aliases(text)
        return yaml.safe_load(text)
    except AnswersError:
        raise
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" (regel {mark.line + 1}, kolom {mark.column + 1})" if mark is not None else ""
        raise _refuse(f"{name} is geen geldig YAML- of JSON-bestand{where}. Controleer daar de inspringing, "
                      "de dubbele punten en de aanhalingstekens.") from None
    except (ValueError, RecursionError):  # a number of 5,000 digits; nesting 10,000 deep
        raise _refuse(f"{name} is geen geldig YAML- of JSON-bestand: het bevat een getal of nesting "
                      "die te groot is.") from None


def _unsafe_name(name: str) -> bool:
    """A ZIP entry name that points outside the ZIP or is not a plain relative path."""
    if not name or "\x00" in name or "\\" in name:
        return True
    if name.startswith("/") or re.match(r"^[A-Za-z]:", name):
        return True
    return ".." in name.split("/")


def _is_symlink(info: zipfile.ZipInfo) -> bool:
    return stat.S_ISLNK(info.external_attr >> 16)


class _Unreadable(Exception):
    """A ZIP entry that cannot be unpacked: ``str()`` is a Dutch sentence about the ZIP."""


def _read_entry(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes | None:
    """The unpacked entry, or None when it grows beyond ``limit`` (whatever its header says)."""
    try:
        with archive.open(info) as stream:
            content = stream.read(limit + 1)
    except NotImplementedError:
        raise _Unreadable("Dit ZIP-bestand is met een onbekende methode ingepakt. Maak het opnieuw als gewoon "
                          "ZIP-bestand.") from None
    except MemoryError:
        raise
    except Exception:  # noqa: BLE001 - BadZipFile, zlib.error, lzma.LZMAError, EOFError, ...: damaged data
        raise _Unreadable("Dit ZIP-bestand is beschadigd of niet compleet. Download het opnieuw.") from None
    return None if len(content) > limit else content


def _safe_basename(name: str, stem: str) -> str:
    """A name to write an image under: the last part of ``name`` with only harmless characters."""
    base = re.sub(r"[^\w.() -]", "_", posixpath.basename(name)).strip(" .")[:100]
    return base or stem


def _open_zip(content: bytes) -> tuple[zipfile.ZipFile, dict[str, zipfile.ZipInfo], str]:
    """The ZIP checked as a whole: its entries by name, and the answers file's name."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        entries = archive.infolist()
    except MemoryError:
        raise
    except Exception:  # noqa: BLE001 - BadZipFile, NotImplementedError ("zip file version"), ...: damaged
        raise _refuse("Dit ZIP-bestand is beschadigd of niet compleet. Download het opnieuw.") from None
    if len(entries) > MAX_ENTRIES:
        raise _refuse(f"Dit ZIP-bestand bevat {long_number(len(entries))} bestanden; een antwoordenbestand "
                      f"bevat er hoogstens {MAX_ENTRIES}. {_AGAIN}")
    by_name: dict[str, zipfile.ZipInfo] = {}
    total = 0
    for info in entries:
        if _unsafe_name(info.filename):
            raise _refuse(f"Dit ZIP-bestand bevat een bestand met een onveilige naam ('{info.filename[:80]}'): "
                          f"een naam mag niet buiten het ZIP-bestand wijzen. {_AGAIN}")
        if _is_symlink(info):
            raise _refuse(f"Dit ZIP-bestand bevat een snelkoppeling ('{info.filename[:80]}'). Zet de echte "
                          "bestanden in het ZIP-bestand.")
        if info.flag_bits & 0x1:
            raise _refuse("Dit ZIP-bestand is met een wachtwoord beveiligd. Maak het opnieuw zonder wachtwoord.")
        if info.filename in by_name:
            raise _refuse(f"In dit ZIP-bestand staat '{info.filename[:80]}' twee keer. {_AGAIN}")
        by_name[info.filename] = info
        total += info.file_size
    if total > MAX_PACKAGE_BYTES:
        raise _refuse(f"Dit ZIP-bestand is uitgepakt {_megabytes(total)} MB; het maximum is "
                      f"{_megabytes(MAX_PACKAGE_BYTES)} MB. {_AGAIN}")
    found = [name for name, info in by_name.items()
             if not info.is_dir() and posixpath.basename(name).lower() in _ANSWERS_NAMES]
    if not found:
        if "[Content_Types].xml" in by_name:
            raise _refuse(f"Dit is een Word- of Excel-bestand, geen antwoordenbestand. {_AGAIN}")
        raise _refuse(f"In dit ZIP-bestand staat geen answers.yml. {_AGAIN}")
    if len(found) > 1:
        raise _refuse(f"In dit ZIP-bestand staan {len(found)} antwoordenbestanden ({', '.join(found[:5])}); "
                      "er mag er één in staan.")
    return archive, by_name, found[0]


def _take_image(archive: zipfile.ZipFile, by_name: dict[str, zipfile.ZipInfo], base: str, value: Any,
                role: str, folder: Path) -> tuple[str | None, str]:
    """Write the image that ``value`` names into ``folder``: (its path relative to folder, problem)."""
    name = str(value).replace("\\", "/")
    shown = name[:80]
    if _unsafe_name(name):
        return None, (f"de naam '{shown}' wijst buiten het ZIP-bestand. Schrijf alleen de bestandsnaam, "
                      "bijvoorbeeld logo.png, en zet het bestand naast answers.yml.")
    info = by_name.get(posixpath.normpath(posixpath.join(base, name)))
    if info is None or info.is_dir():
        return None, (f"het bestand '{shown}' zit niet in het ZIP-bestand. Zet het naast answers.yml in het "
                      "ZIP-bestand.")
    if info.file_size > images.MAX_BYTES:
        return None, (f"{posixpath.basename(shown)} is {_megabytes(info.file_size)} MB. Het maximum is "
                      f"{_megabytes(images.MAX_BYTES)} MB. Verklein de afbeelding.")
    try:
        content = _read_entry(archive, info, images.MAX_BYTES)
    except _Unreadable as problem:
        return None, f"{posixpath.basename(shown)} kan niet worden uitgepakt. {problem}"
    if content is None:
        return None, f"{posixpath.basename(shown)} is groter dan {_megabytes(images.MAX_BYTES)} MB."
    relative = f"{IMAGE_STEMS[role]}/{_safe_basename(name, IMAGE_STEMS[role])}"
    target = folder / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(content)
    return relative, ""


def unpack(content: bytes, folder: Path, name: str = "Het antwoordenbestand") -> tuple[Any, list[str]]:
    """The answers data in an uploaded file, and the problems with the images it names.

    ``content`` is a ZIP (``answers.yml`` and images) or a bare YAML/JSON answers file,
    judged by its first bytes. The images named in a ZIP are written into ``folder``
    and their names in the data made relative to it (pass ``folder`` as ``base_dir``
    to :func:`.answers.parse_answers`, or use :func:`parse`). An image a bare file or
    the ZIP cannot supply is a problem, and its name is removed from the data: never
    is a path from outside read. Raises :class:`.answers.AnswersError` when the file
    itself cannot be used (too large, a ZIP bomb, an unsafe name, no answers file, not
    YAML or JSON).
    """
    if len(content) > MAX_PACKAGE_BYTES:
        raise _refuse(f"{name} is {_megabytes(len(content))} MB; het maximum is "
                      f"{_megabytes(MAX_PACKAGE_BYTES)} MB. {_AGAIN}")
    if not content:
        raise _refuse(f"{name} is leeg. {_AGAIN}")
    archive = by_name = None
    base = ""
    if is_zip(content):
        archive, by_name, answers_name = _open_zip(content)
        info = by_name[answers_name]
        if info.file_size > MAX_ANSWERS_BYTES:
            raise _refuse(f"{answers_name} is uitgepakt {_megabytes(info.file_size)} MB; een antwoordenbestand is "
                          f"hoogstens {_megabytes(MAX_ANSWERS_BYTES)} MB.")
        try:
            text = _read_entry(archive, info, MAX_ANSWERS_BYTES)
        except _Unreadable as problem:
            raise _refuse(str(problem)) from None
        if text is None:
            raise _refuse(f"{answers_name} is uitgepakt groter dan {_megabytes(MAX_ANSWERS_BYTES)} MB.")
        data = load_text(text, answers_name)
        base = posixpath.dirname(answers_name)
    else:
        data = load_text(content, name)
    problems = []
    for role, keys, where, label in _IMAGE_FIELDS:
        section = _section(data, keys)
        if section is None or not section.get(role):
            continue
        if archive is None:
            problems.append(f"{where}: {label} ('{str(section[role])[:80]}') kan niet worden meegestuurd in een "
                            "los antwoordenbestand. Upload het ZIP-bestand met het antwoordenbestand en de "
                            f"afbeeldingen, of haal de regel '{role}:' weg.")
            section[role] = None
            continue
        relative, problem = _take_image(archive, by_name, base, section[role], role, folder)
        if problem:
            problems.append(f"{where}: {problem}")
        section[role] = relative
    return data, problems


def parse(data: Any, base_dir: Path | None, problems: list[str] | None = None) -> Answers:
    """:func:`.answers.parse_answers`, with the problems :func:`unpack` found listed first."""
    problems = list(problems or [])
    try:
        answers = parse_answers(data, base_dir=base_dir)
    except AnswersError as error:
        raise AnswersError(problems + error.problems) from None
    if problems:
        raise AnswersError(problems)
    return answers


def read_answers(content: bytes, folder: Path, name: str = "Het antwoordenbestand") -> Answers:
    """Check an uploaded answers file (ZIP or bare YAML/JSON) as the command line does.

    Returns the parsed :class:`.answers.Answers`; its image paths lie in ``folder``,
    which must outlive their use. Raises :class:`.answers.AnswersError` listing every
    problem in Dutch.
    """
    data, problems = unpack(content, folder, name)
    return parse(data, folder, problems)
