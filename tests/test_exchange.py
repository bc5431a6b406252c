"""Saved answers (docassemble/psobrief/exchange.py): the ZIP written, read back, and refused in Dutch."""

import copy
import importlib.util
import io
import json
import stat
import subprocess
import sys
import zipfile
from dataclasses import asdict

import pytest
import yaml
from conftest import EXAMPLE, ROOT, docx_text
from PIL import Image

from docassemble.psobrief import exchange, images
from docassemble.psobrief.answers import AnswersError, parse_answers

BASE = ROOT / "docs" / "examples"
LOGO = (BASE / "logo.png").read_bytes()
SIGNATURE = (BASE / "handtekening.png").read_bytes()
TEXT_FIELDS = [("sender", "name"), ("sender", "street"), ("sender", "city"), ("sender", "email"),
               ("sender", "phone"), ("sender", "website"), ("letter", "subject"), ("letter", "place"),
               ("letter", "reference"), ("annex", "own_measures")]


def _hostile_strings():
    spec = importlib.util.spec_from_file_location("hostile", ROOT / "tests" / "e2e" / "hostile.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.HOSTILE


HOSTILE = _hostile_strings() + [
    "=1+1", "= leading equals", "=", "Regel 1\nRegel 2\r\nRegel 3", "trailing space ", " leading space",
    "tab\there", "{{ sender.name }} & <b>\"quote\"</b> 😀", "a: b", "- not a list", "# not a comment",
    "!!python/object:os.system", "*alias", "&anchor", "'single' \"double\"", "yes", "no", "~", "0o17", "1e3",
    "2026-11-25 10:00:00", "\u2028line separator", "\x85next line", "\ud800", "",
]


@pytest.fixture
def example():
    return yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))


def unpacked(content, tmp_path):
    folder = tmp_path / "uitgepakt"
    folder.mkdir(exist_ok=True)
    return exchange.unpack(content, folder)


def refusal(content, tmp_path):
    """The Dutch problems for ``content`` (which must be refused)."""
    folder = tmp_path / "uitgepakt"
    folder.mkdir(exist_ok=True)
    with pytest.raises(AnswersError) as caught:
        exchange.read_answers(content, folder)
    problems = caught.value.problems
    assert problems and all(isinstance(p, str) and p for p in problems)
    for problem in problems:  # Dutch sentences, no Python in them
        assert "Traceback" not in problem and "Error" not in problem and "zipfile" not in problem
    return problems


def make_zip(entries, answers=None):
    """A ZIP with ``entries`` (name -> bytes or ZipInfo-tuple) and, if given, answers.yml."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        if answers is not None:
            archive.writestr("answers.yml", yaml.safe_dump(answers, allow_unicode=True))
        for name, content in entries.items():
            archive.writestr(name, content)
    return out.getvalue()


def example_zip(example):
    """The command-line example as a person zips it: answers.yml next to its two images."""
    return make_zip({"logo.png": LOGO, "handtekening.png": SIGNATURE}, example)


def jpeg_bytes():
    out = io.BytesIO()
    Image.new("RGB", (120, 40), (10, 60, 120)).save(out, "JPEG")
    return out.getvalue()


def without_images(data):
    data = copy.deepcopy(data)
    data["sender"].pop("logo", None)
    data["sender"]["signatory"].pop("signature", None)
    return data


# ---------------------------------------------------------------- writing and the round trip


def test_zip_holds_answers_and_images_under_fixed_names(example):
    content = exchange.export_answers(example, BASE)
    archive = zipfile.ZipFile(io.BytesIO(content))
    assert archive.namelist() == ["answers.yml", "logo.png", "handtekening.png"]
    assert archive.read("logo.png") == LOGO and archive.read("handtekening.png") == SIGNATURE
    written = yaml.safe_load(archive.read("answers.yml"))
    assert written["sender"]["logo"] == "logo.png"
    assert written["sender"]["signatory"]["signature"] == "handtekening.png"
    assert without_images(written) == without_images(example)
    assert example["sender"]["logo"] == "logo.png"  # the caller's data is not changed


def test_image_named_by_its_content_not_its_name(example, tmp_path):
    (tmp_path / "logo.png").write_bytes(jpeg_bytes())  # a JPEG called .png
    example["sender"]["logo"] = str(tmp_path / "logo.png")
    example["sender"]["signatory"]["signature"] = None
    archive = zipfile.ZipFile(io.BytesIO(exchange.export_answers(example)))
    assert archive.namelist() == ["answers.yml", "logo.jpg"]
    assert yaml.safe_load(archive.read("answers.yml"))["sender"]["logo"] == "logo.jpg"


def test_round_trip_dict_zip_dict(example, tmp_path):
    data, problems = unpacked(exchange.export_answers(example, BASE), tmp_path)
    assert problems == []
    assert without_images(data) == without_images(example)
    folder = tmp_path / "uitgepakt"
    assert (folder / data["sender"]["logo"]).read_bytes() == LOGO
    assert (folder / data["sender"]["signatory"]["signature"]).read_bytes() == SIGNATURE


def test_round_trip_gives_the_same_parsed_answers(example, tmp_path):
    direct = asdict(parse_answers(example, base_dir=BASE))
    again = asdict(exchange.read_answers(exchange.export_answers(example, BASE), tmp_path))
    for answers in (direct, again):
        answers["sender"].pop("logo")
        answers["sender"]["signatory"].pop("signature")
    assert again == direct


def test_round_trip_of_the_interviews_answers(tmp_path):
    """What collect_answers makes: date as typed, own measures as one text, empty optional fields."""
    collected = {
        "sender": {"name": "Café De Zon", "street": "Markt 1", "postcode": "3511 AB", "city": "Utrecht",
                   "email": "a@b.nl", "kvk": "", "kvk_exempt": True, "phone": "", "website": "", "logo": None,
                   "pso_level": "aspirant", "pso30": False,
                   "signatory": {"name": "Sam", "function": "MVO", "signature": None}},
        "letter": {"subject": "Samen", "place": "", "date": "25-11-2026", "reference": ""},
        "annex": {"include": True, "measures": ["tender"], "own_measures": "Een\nTwee\x0bdrie"},
        "recipients": [{"organisation": "Groen", "street": "Laan 2", "postcode": "9711 LM", "city": "Groningen",
                        "country": "", "contact": {"form": "onbekend", "given": "", "tussenvoegsel": "",
                                                   "surname": "", "salutation": "Geachte relatie,"}}],
    }
    data, problems = unpacked(exchange.export_answers(collected), tmp_path)
    assert problems == [] and data == collected
    assert exchange.read_answers(exchange.export_answers(collected), tmp_path).annex.own_measures == [
        "Een", "Tweedrie"]


@pytest.mark.parametrize("field", TEXT_FIELDS, ids=lambda f: ".".join(f))
def test_hostile_text_survives_unchanged(example, tmp_path, field):
    for text in HOSTILE:
        data = copy.deepcopy(example)
        data[field[0]][field[1]] = text
        data["recipients"][0]["organisation"] = text
        data["recipients"][1]["contact"]["surname"] = text
        content = exchange.export_answers(data, BASE)
        written = zipfile.ZipFile(io.BytesIO(content)).read("answers.yml").decode("utf-8")
        assert "!!python" not in written.replace("!!python/object:os.system", "")
        back, problems = unpacked(content, tmp_path)
        assert problems == [], text
        assert without_images(back) == without_images(data), repr(text)


def test_answers_written_with_safe_dump_only(example):
    example["sender"]["name"] = "Naam"
    example["letter"]["date"] = __import__("datetime").date(2026, 11, 25)
    text = zipfile.ZipFile(io.BytesIO(exchange.export_answers(example, BASE))).read("answers.yml").decode()
    assert text.startswith("# Antwoorden voor de PSO-stimuleringsbrief")
    assert "!!" not in text and "&id" not in text and "*id" not in text
    assert "date: 2026-11-25\n" in text


def test_export_refuses_an_unusable_image_in_dutch(example, tmp_path):
    (tmp_path / "logo.png").write_bytes(b"%PDF-1.4\n")
    example["sender"]["logo"] = str(tmp_path / "logo.png")
    example["sender"]["signatory"]["signature"] = str(tmp_path / "bestaat-niet.png")
    with pytest.raises(AnswersError) as caught:
        exchange.export_answers(example, BASE)
    assert caught.value.problems == [
        "Afzender: het logo: Dit bestand is een PDF, geen afbeelding. Kies een PNG- of JPG-bestand.",
        "Ondertekenaar: de handtekening kon niet worden gelezen.",
    ]


# ---------------------------------------------------------------- reading: what is accepted


def test_a_zip_made_by_hand_from_the_command_line_example(example, tmp_path):
    answers = exchange.read_answers(example_zip(example), tmp_path)
    assert answers.sender.logo.read_bytes() == LOGO
    assert answers.sender.signatory.signature.read_bytes() == SIGNATURE
    assert answers.sender.logo.is_relative_to(tmp_path)
    assert [r.organisation for r in answers.recipients] == [r["organisation"] for r in example["recipients"]]


def test_bare_answers_file_without_images(example, tmp_path):
    data = without_images(example)
    for content in (yaml.safe_dump(data, allow_unicode=True).encode(), json.dumps(data, default=str).encode(),
                    b"\xef\xbb\xbf" + yaml.safe_dump(data, allow_unicode=True).encode()):
        answers = exchange.read_answers(content, tmp_path)
        assert answers.sender.logo is None and answers.sender.name == example["sender"]["name"]


def test_files_not_named_in_answers_are_ignored(example, tmp_path):
    content = make_zip({"logo.png": LOGO, "handtekening.png": SIGNATURE, "notities.txt": b"x",
                        "__MACOSX/._answers.yml": b"\x00\x05", "extra/a.png": LOGO},
                       example)
    data, problems = unpacked(content, tmp_path)
    assert problems == []
    assert sorted(p.relative_to(tmp_path / "uitgepakt").as_posix() for p in (tmp_path / "uitgepakt").rglob("*")
                  if p.is_file()) == ["handtekening/handtekening.png", "logo/logo.png"]


def test_answers_in_a_folder_of_the_zip(example, tmp_path):
    example["sender"]["logo"] = "beeld/logo.png"
    content = make_zip({"Mijn antwoorden/answers.yml": yaml.safe_dump(example).encode(),
                        "Mijn antwoorden/beeld/logo.png": LOGO, "Mijn antwoorden/handtekening.png": SIGNATURE})
    answers = exchange.read_answers(content, tmp_path)
    assert answers.sender.logo.read_bytes() == LOGO


def test_judged_by_content_not_by_name(example, tmp_path):
    """Bytes decide: a ZIP is read as a ZIP, YAML as YAML, whatever the upload was called."""
    assert exchange.is_zip(example_zip(example))
    assert not exchange.is_zip(yaml.safe_dump(example).encode())
    assert exchange.read_answers(example_zip(example), tmp_path, "antwoorden.yml").sender.logo is not None


# ---------------------------------------------------------------- reading: every refusal in Dutch


def test_not_a_zip_nor_text(tmp_path):
    assert refusal(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", tmp_path) == [
        "Het antwoordenbestand is geen antwoordenbestand: het is geen tekst (YAML of JSON in UTF-8). Kies het "
        "ZIP-bestand dat u bij 'Antwoorden opslaan (ZIP)' heeft gedownload, of een answers.yml."]
    assert "geen tekst" in refusal(LOGO, tmp_path)[0]
    assert "geen tekst" in refusal("sender: x".encode("utf-16"), tmp_path)[0]


def test_damaged_zip(example, tmp_path):
    content = example_zip(example)
    assert refusal(content[:200], tmp_path) == [
        "Dit ZIP-bestand is beschadigd of niet compleet. Download het opnieuw."]


def test_empty_file(tmp_path):
    assert refusal(b"", tmp_path)[0].startswith("Het antwoordenbestand is leeg.")


@pytest.mark.parametrize("name", ["../answers.yml", "../../etc/cron.d/x", "/etc/answers.yml", "a/../../b.png",
                                  "C:/Windows/answers.yml", "map\\..\\answers.yml"])
def test_path_traversal_and_absolute_names_refused(example, tmp_path, name):
    problems = refusal(make_zip({name: b"x"}, example), tmp_path)
    assert problems == [f"Dit ZIP-bestand bevat een bestand met een onveilige naam ('{name}'): een naam mag niet "
                        "buiten het ZIP-bestand wijzen. Kies het ZIP-bestand dat u bij 'Antwoorden opslaan (ZIP)' "
                        "heeft gedownload, of een answers.yml."]
    assert not any(tmp_path.parent.rglob("cron.d"))


def test_symlink_refused(example, tmp_path):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("answers.yml", yaml.safe_dump(example))
        link = zipfile.ZipInfo("logo.png")
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(link, "/etc/passwd")
    assert refusal(out.getvalue(), tmp_path) == [
        "Dit ZIP-bestand bevat een snelkoppeling ('logo.png'). Zet de echte bestanden in het ZIP-bestand."]


def test_encrypted_entry_refused(example, tmp_path):
    content = bytearray(make_zip({}, example))
    local, central = content.index(b"PK\x03\x04"), content.index(b"PK\x01\x02")
    content[local + 6] |= 0x1  # zipfile cannot encrypt: set the "encrypted" flag by hand
    content[central + 8] |= 0x1
    assert refusal(bytes(content), tmp_path) == [
        "Dit ZIP-bestand is met een wachtwoord beveiligd. Maak het opnieuw zonder wachtwoord."]


def test_too_many_entries(example, tmp_path):
    content = make_zip({f"bestand{n}.txt": b"" for n in range(exchange.MAX_ENTRIES)}, example)
    assert refusal(content, tmp_path)[0].startswith("Dit ZIP-bestand bevat 51 bestanden; een antwoordenbestand "
                                                    "bevat er hoogstens 50.")


def test_zip_bomb_refused_by_its_unpacked_size(example, tmp_path):
    bomb = make_zip({"vulling.bin": bytes(exchange.MAX_PACKAGE_BYTES)}, example)
    assert len(bomb) < 200_000  # small on the outside
    assert refusal(bomb, tmp_path)[0].startswith("Dit ZIP-bestand is uitgepakt 46 MB; het maximum is 46 MB.")


def test_answers_file_too_large_unpacked(example, tmp_path):
    padding = "# " + "x" * 1000 + "\n"
    text = yaml.safe_dump(example) + padding * (exchange.MAX_ANSWERS_BYTES // len(padding) + 1)
    problems = refusal(make_zip({"answers.yml": text.encode()}), tmp_path)
    assert problems == ["answers.yml is uitgepakt 5 MB; een antwoordenbestand is hoogstens 5 MB."]


def test_zip_bomb_with_a_lying_header(example, tmp_path):
    """An entry that says it is 1 kB but unpacks to 30 MB: reading stops at the size it claims."""
    content = bytearray(make_zip({"logo.png": bytes(30 * images.MEGABYTE)}, example))
    real = (30 * images.MEGABYTE).to_bytes(4, "little")
    assert content.count(real) == 2  # local header and central directory
    content = bytes(content).replace(real, (1024).to_bytes(4, "little"))
    problems = refusal(content, tmp_path)
    assert problems[0] == ("Afzender: logo.png kan niet worden uitgepakt. Dit ZIP-bestand is beschadigd of niet "
                           "compleet. Download het opnieuw.")


@pytest.mark.parametrize("offset", [40, 120, 400])
def test_damaged_compressed_data(example, tmp_path, offset):
    """Bytes flipped inside the packed data: a Dutch refusal, not zlib's error."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("answers.yml", yaml.safe_dump(example) * 3)
    content = bytearray(out.getvalue())
    for position in range(offset, offset + 30):
        content[position] ^= 0x5A
    assert refusal(bytes(content), tmp_path) == [
        "Dit ZIP-bestand is beschadigd of niet compleet. Download het opnieuw."]


def test_random_damage_never_escapes_as_anything_but_dutch_problems(example, tmp_path):
    import random

    content = example_zip(example)
    chance = random.Random(10)
    for _ in range(400):
        damaged = bytearray(content)
        for _ in range(chance.randint(1, 4)):
            damaged[chance.randrange(len(damaged))] = chance.randrange(256)
        folder = tmp_path / str(_)
        folder.mkdir(exist_ok=True)
        try:
            exchange.read_answers(bytes(damaged), folder)
        except AnswersError as error:
            assert error.problems and all(isinstance(p, str) for p in error.problems)


def test_unknown_packing_method(example, tmp_path):
    content = bytearray(make_zip({}, example))
    local, central = content.index(b"PK\x03\x04"), content.index(b"PK\x01\x02")
    content[local + 8] = content[central + 10] = 99  # a compression method zipfile does not know
    assert refusal(bytes(content), tmp_path) == [
        "Dit ZIP-bestand is met een onbekende methode ingepakt. Maak het opnieuw als gewoon ZIP-bestand."]


def test_too_large_upload(tmp_path):
    assert refusal(b"PK\x03\x04" + bytes(exchange.MAX_PACKAGE_BYTES), tmp_path)[0].startswith(
        "Het antwoordenbestand is 46 MB; het maximum is 46 MB.")


def test_image_too_large_in_the_zip(example, tmp_path):
    problems = refusal(make_zip({"logo.png": bytes(images.MAX_BYTES + 1), "handtekening.png": SIGNATURE},
                                example), tmp_path)
    assert problems == ["Afzender: logo.png is 20 MB. Het maximum is 20 MB. Verklein de afbeelding."]


def test_missing_answers_file(tmp_path):
    assert refusal(make_zip({"logo.png": LOGO}), tmp_path) == [
        "In dit ZIP-bestand staat geen answers.yml. Kies het ZIP-bestand dat u bij 'Antwoorden opslaan (ZIP)' "
        "heeft gedownload, of een answers.yml."]


def test_a_word_file_is_not_an_answers_file(tmp_path):
    content = make_zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
    assert refusal(content, tmp_path)[0].startswith("Dit is een Word- of Excel-bestand, geen antwoordenbestand.")


def test_two_answers_files(example, tmp_path):
    content = make_zip({"oud/answers.yml": b"sender: {}"}, example)
    assert refusal(content, tmp_path) == [
        "In dit ZIP-bestand staan 2 antwoordenbestanden (answers.yml, oud/answers.yml); er mag er één in staan."]


def test_same_name_twice(example, tmp_path):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("answers.yml", yaml.safe_dump(example))
        with pytest.warns(UserWarning):
            archive.writestr("answers.yml", "sender: {}")
    assert refusal(out.getvalue(), tmp_path)[0].startswith("In dit ZIP-bestand staat 'answers.yml' twee keer.")


def test_wrong_image_content(example, tmp_path):
    content = make_zip({"logo.png": b"%PDF-1.4\n1 0 obj\n", "handtekening.png": b"<svg xmlns='x'></svg>"}, example)
    assert refusal(content, tmp_path) == [
        "Afzender: logo.png: Dit bestand is een PDF, geen afbeelding. Kies een PNG- of JPG-bestand.",
        "Ondertekenaar: handtekening.png: Dit bestand is een SVG-afbeelding, geen PNG- of JPG-afbeelding. "
        "Sla de afbeelding op als PNG of JPG en kies hem opnieuw.",
    ]


def test_image_missing_from_the_zip(example, tmp_path):
    assert refusal(make_zip({"handtekening.png": SIGNATURE}, example), tmp_path) == [
        "Afzender: het bestand 'logo.png' zit niet in het ZIP-bestand. Zet het naast answers.yml in het "
        "ZIP-bestand."]


@pytest.mark.parametrize("name", ["../logo.png", "/etc/passwd", str(BASE / "logo.png"), "..\\logo.png"])
def test_image_name_pointing_outside_the_zip(example, tmp_path, name):
    example["sender"]["logo"] = name
    problems = refusal(make_zip({"logo.png": LOGO, "handtekening.png": SIGNATURE}, example), tmp_path)
    assert problems == [f"Afzender: de naam '{name.replace(chr(92), '/')}' wijst buiten het ZIP-bestand. Schrijf "
                        "alleen de bestandsnaam, bijvoorbeeld logo.png, en zet het bestand naast answers.yml."]


def test_bare_answers_file_cannot_bring_images(example, tmp_path):
    example["sender"]["logo"] = str(BASE / "logo.png")  # a path on the server: never read
    problems = refusal(yaml.safe_dump(example).encode(), tmp_path)
    assert problems[0].startswith(f"Afzender: het logo ('{BASE / 'logo.png'}') kan niet worden meegestuurd in een "
                                  "los antwoordenbestand. Upload het ZIP-bestand")
    assert problems[1].startswith("Ondertekenaar: de handtekening ('handtekening.png') kan niet worden")


@pytest.mark.parametrize("text, expected", [
    ("sender: [unclosed", "Het antwoordenbestand is geen geldig YAML- of JSON-bestand (regel 1, kolom 18). "
                          "Controleer daar de inspringing, de dubbele punten en de aanhalingstekens."),
    ("a: &x [1, 2]\nb: *x\n", "Het antwoordenbestand gebruikt YAML-verwijzingen (& en *). Schrijf elke waarde "
                              "voluit en probeer het opnieuw."),
    ("sender:\n  name: " + "9" * 5000, "Het antwoordenbestand is geen geldig YAML- of JSON-bestand: het bevat een "
                                       "getal of nesting die te groot is."),
    ("[" * 100_000, "Het antwoordenbestand is geen geldig YAML- of JSON-bestand: het bevat een getal of nesting "
                    "die te groot is."),
    ("!!python/object/apply:os.system ['true']", "Het antwoordenbestand is geen geldig YAML- of JSON-bestand "
                                                 "(regel 1, kolom 1)."),
])
def test_answers_text_refused_in_dutch(tmp_path, text, expected):
    assert refusal(text.encode(), tmp_path)[0].startswith(expected)


def test_same_problems_as_the_command_line(example, tmp_path):
    """The ZIP is checked by parse_answers, so its problems are the command line's, word for word."""
    example["sender"]["postcode"] = "12345"
    example["recipients"][1]["contact"]["form"] = "dokter"
    with pytest.raises(AnswersError) as direct:
        parse_answers(example, base_dir=BASE)
    assert refusal(example_zip(example), tmp_path) == direct.value.problems
    (tmp_path / "antwoorden.zip").write_bytes(example_zip(example))
    result = run_cli("render", tmp_path / "antwoorden.zip", "--out", tmp_path / "uit")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.splitlines() == ["Het antwoordenbestand bevat fouten:"] + [
        f"- {problem}" for problem in direct.value.problems]
    assert not (tmp_path / "uit").exists()


# ---------------------------------------------------------------- the command line reads the ZIP


def run_cli(*args):
    return subprocess.run([sys.executable, "-m", "docassemble.psobrief", *map(str, args)],
                          capture_output=True, text=True, timeout=300)


def test_command_line_renders_the_zip_as_the_answers_file(example, tmp_path):
    (tmp_path / "antwoorden.zip").write_bytes(exchange.export_answers(example, BASE))
    from_zip = run_cli("render", tmp_path / "antwoorden.zip", "--out", tmp_path / "zip")
    from_yml = run_cli("render", EXAMPLE, "--out", tmp_path / "yml")
    assert from_zip.returncode == 0 and from_yml.returncode == 0, from_zip.stderr + from_yml.stderr
    names = sorted(p.name for p in (tmp_path / "yml").iterdir())
    assert sorted(p.name for p in (tmp_path / "zip").iterdir()) == names and len(names) == 4
    for name in names:
        zip_docx, yml_docx = (tmp_path / "zip" / name).read_bytes(), (tmp_path / "yml" / name).read_bytes()
        assert docx_text(zip_docx).splitlines() == docx_text(yml_docx).splitlines()
        media = [sorted(n for n in zipfile.ZipFile(io.BytesIO(d)).namelist() if n.startswith("word/media/"))
                 for d in (zip_docx, yml_docx)]
        assert media[0] == media[1]
    assert list(tmp_path.glob("psobrief-*")) == []


def test_command_line_refuses_a_broken_zip_in_dutch(example, tmp_path):
    (tmp_path / "antwoorden.zip").write_bytes(make_zip({"../x.png": LOGO}, example))
    result = run_cli("render", tmp_path / "antwoorden.zip", "--out", tmp_path / "uit")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "onveilige naam ('../x.png')" in result.stderr
