"""The answers format: validation with Dutch messages, and the offline renderer's command line."""

import json
import subprocess
import sys

import pytest
import yaml
from conftest import EXAMPLE, ROOT, docx_text

from docassemble.psobrief.answers import AnswersError, parse_answers

BASE = ROOT / "docs" / "examples"


def problems(data):
    with pytest.raises(AnswersError) as caught:
        parse_answers(data, base_dir=BASE)
    return caught.value.problems


def test_example_is_valid(example_data):
    answers = parse_answers(example_data, base_dir=BASE)
    assert answers.sender.postcode == "3511 AB"
    assert answers.sender.pso_level == "trede_2"
    assert [r.postcode for r in answers.recipients] == ["1234 AB", "9711 LM", "8011 AA"]
    assert answers.annex.measures == ["inkoopcode", "tender", "contracten", "weging", "naleving"]


def test_all_problems_reported_at_once(example_data):
    example_data["sender"]["postcode"] = "12345"
    example_data["sender"]["pso_level"] = "Trede 9"
    example_data["recipients"][1]["contact"]["given"] = ""
    example_data["recipients"][2]["organisation"] = "   "
    found = problems(example_data)
    assert len(found) == 4
    assert "Afzender: '12345' is geen Nederlandse postcode." in found[0]
    assert "Onbekende PSO-Trede 'Trede 9'. Kies uit: Aspirant-status, Basistrede, PSO-Trede 1, PSO-Trede 2, PSO-Trede 3." in found[1]
    assert found[2] == "Ketenpartner 2: Vul de voornaam of voorletters in."
    assert found[3] == "Ketenpartner 3: Vul de naam van de organisatie in."


def test_no_recipients():
    assert "Ketenpartners: geef ten minste één ketenpartner op." in problems(
        {"sender": {}, "recipients": []})


def test_not_a_mapping():
    assert problems(["x"]) == [
        "Het antwoordenbestand moet de onderdelen sender, letter, annex en recipients bevatten."]


def test_huge_value_rejected(example_data):
    example_data["recipients"][0]["organisation"] = "x" * 5000
    assert problems(example_data) == [
        "Ketenpartner 1: De naam van de organisatie is 5.000 tekens lang. Het maximum is 200 tekens: "
        "maak de tekst korter."]


def test_unknown_measure_and_form(example_data):
    example_data["annex"]["measures"] = ["tender", "onzin"]
    example_data["recipients"][0]["contact"]["form"] = "dokter"
    found = problems(example_data)
    assert any("1 onbekende maatregel (onzin)" in p for p in found)
    assert any("aanspreekvorm 'dokter' bestaat niet" in p for p in found)


def test_missing_and_wrong_images(example_data, tmp_path):
    example_data["sender"]["logo"] = "bestaat-niet.png"
    text_file = tmp_path / "logo.txt"
    text_file.write_text("geen plaatje")
    example_data["sender"]["signatory"]["signature"] = str(text_file)
    found = problems(example_data)
    assert "Afzender: het bestand 'bestaat-niet.png' is niet gevonden." in found
    assert any(p.startswith("Ondertekenaar: logo.txt: ") and "geen PNG- of JPG-afbeelding" in p for p in found)


def test_image_judged_by_content_not_name(example_data, tmp_path):
    fake = tmp_path / "logo.png"
    fake.write_bytes(b"%PDF-1.4\n1 0 obj << >> endobj\n")
    example_data["sender"]["logo"] = str(fake)
    found = problems(example_data)
    assert len(found) == 1 and found[0].startswith("Afzender: logo.png: ")
    assert "Dit bestand is een PDF, geen afbeelding." in found[0] and str(tmp_path) not in found[0]


@pytest.mark.parametrize("typed, kept", [
    ('Bureau "De Zon" & Co <B.V.>', 'Bureau "De Zon" & Co <B.V.>'),
    ("&amp; {{ 7*7 }} ${ x } C:\\Users", "&amp; {{ 7*7 }} ${ x } C:\\Users"),
    ("  veel   ruimte  ", "veel ruimte"),
    ("a\x01b\x1fc\ufeff", "abc"),
    ("😀 Zoë e\u0301 \u202eRTL", "😀 Zoë e\u0301 \u202eRTL"),
])
def test_text_kept_literally_and_invisible_characters_left_out(example_data, typed, kept):
    example_data["recipients"][0]["organisation"] = typed
    answers = parse_answers(example_data, base_dir=BASE)
    assert answers.recipients[0].organisation == kept
    removed = len(typed) - len(typed.replace("\x01", "").replace("\x1f", "").replace("\ufeff", ""))
    if removed:
        teken = "onzichtbaar teken" if removed == 1 else "onzichtbare tekens"
        assert answers.notices == [f"Ketenpartner 1: Wij hebben {removed} {teken} weggelaten uit de naam van de "
                                   "organisatie. Zulke tekens komen bijvoorbeeld mee met gekopieerde tekst."]
    else:
        assert answers.notices == []


def test_control_characters_render_without_crash(example_data):
    from docassemble.psobrief.render import render_letter

    example_data["sender"]["name"] = "Bouw\x01bedrijf\x08 B.V."
    example_data["annex"]["own_measures"] = ["a\x01...b"]
    answers = parse_answers(example_data, base_dir=BASE)
    text = docx_text(render_letter(answers, answers.recipients[0]))
    assert "Bouwbedrijf B.V." in text
    assert "a...b." in text  # not cut off at the control character


@pytest.mark.parametrize("day, ok", [("01-01-0001", False), ("25-11-2026", True), ("2099-01-01", False)])
def test_letter_date_within_two_years_back_and_one_ahead(example_data, day, ok):
    import datetime

    from docassemble.psobrief.fields import check_date

    today = datetime.date(2026, 11, 25)
    if ok:
        assert check_date(day, today=today) == datetime.date(2026, 11, 25)
    else:
        with pytest.raises(ValueError, match="Kies een datum tussen 25-11-2024 en 25-11-2027"):
            check_date(day, today=today)


@pytest.mark.parametrize("email", ["inkoop@devries.nl", "a.b+c@sub.example.co.uk"])
def test_good_email(example_data, email):
    example_data["sender"]["email"] = email
    assert parse_answers(example_data, base_dir=BASE).sender.email == email


@pytest.mark.parametrize("email", ["geen-at.nl", "a@b", "a b@c.nl", "x@y.nl\r\nBcc: z@q.nl", "<a@b.nl>"])
def test_bad_email_refused_in_dutch(example_data, email):
    example_data["sender"]["email"] = email
    assert problems(example_data) == [
        "Afzender: Dit is geen geldig e-mailadres. Schrijf het als naam@organisatie.nl, zonder spaties."]


def test_every_field_has_a_rule_the_answers_use():
    from docassemble.psobrief import fields

    assert len(fields.RULES) == 25  # 24 + recipient.email (issue 12)
    assert all(rule.max_length > 0 and rule.label for rule in fields.RULES.values())


def test_foreign_recipient_postcode_kept(example_data):
    example_data["recipients"][0].update(postcode="B-2000", city="Antwerpen", country="België")
    assert parse_answers(example_data, base_dir=BASE).recipients[0].postcode == "B-2000"


def test_bad_date(example_data):
    example_data["letter"]["date"] = "31-02-2026"
    assert problems(example_data) == [
        "Brief: Deze datum bestaat niet of is niet goed geschreven. Schrijf de datum als dd-mm-jjjj, bijvoorbeeld 25-11-2026."]


def run_cli(*args):
    return subprocess.run([sys.executable, "-m", "docassemble.psobrief", *map(str, args)],
                          capture_output=True, text=True, timeout=120)


def test_cli_renders_every_document(tmp_path):
    result = run_cli("render", EXAMPLE, "--out", tmp_path)
    assert result.returncode == 0, result.stderr
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == [
        "Bijlage - Socialer inkoopbeleid met de PSO-prestatieladder.docx",
        "Stimuleringsbrief - Groenvoorziening De Boer.docx",
        "Stimuleringsbrief - Schoonmaakbedrijf Het Glanzende Pand.docx",
        "Stimuleringsbrief - Transport en Logistiek Noord.docx",
    ]
    assert "Geachte Kim de Boer," in docx_text(str(tmp_path / names[1])).splitlines()
    assert "Geachte relatie," in docx_text(str(tmp_path / names[3])).splitlines()


def test_cli_reads_json(tmp_path, example_data):
    example_data["sender"]["logo"] = str(BASE / "logo.png")
    example_data["sender"]["signatory"]["signature"] = str(BASE / "handtekening.png")
    example_data["recipients"] = example_data["recipients"][:1]
    answers_file = tmp_path / "antwoorden.json"
    answers_file.write_text(json.dumps(example_data, default=str))
    result = run_cli("render", answers_file, "--out", tmp_path / "uit")
    assert result.returncode == 0, result.stderr
    assert len(list((tmp_path / "uit").glob("*.docx"))) == 2


@pytest.mark.parametrize(
    "content, message",
    [("sender: [unclosed", "is geen geldig YAML- of JSON-bestand"),
     ("- alleen\n- een lijst\n", "Het antwoordenbestand moet de onderdelen"),
     (None, "bestaat niet")],
)
def test_cli_errors_are_dutch_without_traceback(tmp_path, content, message):
    answers_file = tmp_path / "antwoorden.yml"
    if content is not None:
        answers_file.write_text(content)
    result = run_cli("render", answers_file, "--out", tmp_path)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_cli_reports_all_problems(tmp_path, example_data):
    example_data["recipients"][0]["postcode"] = "0000 XX"
    example_data["recipients"][1]["contact"]["form"] = "x"
    answers_file = tmp_path / "antwoorden.yml"
    answers_file.write_text(yaml.safe_dump(example_data, allow_unicode=True))
    result = run_cli("render", answers_file, "--out", tmp_path / "uit")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "- Ketenpartner 1: '0000 XX' is geen Nederlandse postcode." in result.stderr
    assert "- Ketenpartner 2: aanspreekvorm 'x' bestaat niet." in result.stderr
    assert not (tmp_path / "uit").exists()


@pytest.mark.parametrize(
    "organisation, expected",
    [("Transport & Logistiek", "Stimuleringsbrief - Transport en Logistiek.docx"),
     ("Installatietechniek Özdemir", "Stimuleringsbrief - Installatietechniek Ozdemir.docx"),
     ("Schoonmaak 't Hoekje", "Stimuleringsbrief - Schoonmaak t Hoekje.docx"),
     ('Bureau "De Zon" <B.V.> 🌞 / Co', "Stimuleringsbrief - Bureau De Zon B.V. Co.docx"),
     ("🌞🌞", "Stimuleringsbrief - ketenpartner.docx"),
     ("x" * 300, "Stimuleringsbrief - " + "x" * 80 + ".docx")],
)
def test_file_names_safe_and_readable(organisation, expected):
    from docassemble.psobrief.dutch import Person
    from docassemble.psobrief.answers import Recipient
    from docassemble.psobrief.render import letter_filename

    recipient = Recipient(organisation, "Straat 1", "1234 AB", "Plaats", Person("onbekend"))
    assert letter_filename(recipient, set()) == expected


def test_file_names_unique():
    from docassemble.psobrief.dutch import Person
    from docassemble.psobrief.answers import Recipient
    from docassemble.psobrief.render import letter_filename

    taken = set()
    names = [letter_filename(Recipient(name, "S 1", "1234 AB", "P", Person("onbekend")), taken)
             for name in ("Bakker", "bakker", "Bakker!", "Bäkker")]
    assert names == ["Stimuleringsbrief - Bakker.docx", "Stimuleringsbrief - bakker 2.docx",
                     "Stimuleringsbrief - Bakker 3.docx", "Stimuleringsbrief - Bakker 4.docx"]


def test_cli_recipients_from_spreadsheet_as_bundle(tmp_path):
    import io
    import zipfile

    csv_file = tmp_path / "leveranciers.csv"
    csv_file.write_bytes(
        "Organisatie;Straat en huisnummer;Postcode;Plaats;Aanspreekvorm;Voornaam of voorletters;Tussenvoegsel;Achternaam\r\n"
        "Café Ëlse;Markt 1;1234ab;Utrecht;mevrouw;E.;van der;Veen\r\n"
        "Bouw & Co;Weg 2;5678 CD;Breda;;;;\r\n".encode("cp1252"))
    result = run_cli("render", EXAMPLE, "--out", tmp_path / "uit", "--recipients", csv_file, "--bundle")
    assert result.returncode == 0, result.stderr
    archive = zipfile.ZipFile(tmp_path / "uit" / "Stimuleringsbrieven.zip")
    letters = sorted(n for n in archive.namelist() if n.startswith("Brieven/"))
    assert letters == ["Brieven/Stimuleringsbrief - Bouw en Co.docx", "Brieven/Stimuleringsbrief - Cafe Else.docx"]
    lines = docx_text(io.BytesIO(archive.read(letters[1]))).splitlines()
    assert "Café Ëlse" in lines and "Geachte mevrouw Van der Veen," in lines
    assert "Geachte heer, mevrouw," in docx_text(io.BytesIO(archive.read(letters[0]))).splitlines()


def test_cli_spreadsheet_problems_in_dutch(tmp_path):
    csv_file = tmp_path / "leveranciers.csv"
    csv_file.write_text("Organisatie;Straat en huisnummer;Postcode;Plaats\nA;B 1;12345;C\n", encoding="utf-8")
    result = run_cli("render", EXAMPLE, "--out", tmp_path / "uit", "--recipients", csv_file)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "Rij 2: '12345' is geen Nederlandse postcode." in result.stderr


@pytest.mark.parametrize("typed, kept", [("30123456", "30123456"), ("3012 3456", "30123456"), ("30.12.34.56", "30123456")])
def test_kvk_number_of_8_digits(example_data, typed, kept):
    example_data["sender"]["kvk"] = typed
    assert parse_answers(example_data, base_dir=BASE).sender.kvk == kept


@pytest.mark.parametrize("typed", ["1234567", "123456789", "KVK3012345", "3012345a"])
def test_kvk_number_not_8_digits_refused_in_dutch(example_data, typed):
    example_data["sender"]["kvk"] = typed
    assert problems(example_data) == [
        "Afzender: Een KvK-nummer heeft 8 cijfers, bijvoorbeeld 12345678. U vindt het op kvk.nl."]


def test_kvk_number_required_unless_not_in_trade_register(example_data):
    del example_data["sender"]["kvk"]
    assert problems(example_data)[0].startswith("Afzender: Vul het KvK-nummer in. De wet (Handelsregisterwet")
    example_data["sender"]["kvk_exempt"] = True
    assert parse_answers(example_data, base_dir=BASE).sender.kvk == ""


@pytest.mark.parametrize("field, typed", [("phone", "bel me"), ("website", "geen site"), ("website", "<a>")])
def test_phone_and_website_checked(example_data, field, typed):
    example_data["sender"][field] = typed
    assert len(problems(example_data)) == 1


def test_own_measures_as_typed_text_split_after_invisible_characters_go(example_data):
    """A vertical tab (which Python's splitlines() takes for a line break) is left out, not a new measure."""
    example_data["annex"]["own_measures"] = "x\x0by\nWij kopen sociaal in\r\n\n  "
    answers = parse_answers(example_data, base_dir=BASE)
    assert answers.annex.own_measures == ["xy", "Wij kopen sociaal in"]
    assert len(answers.notices) == 1


# ---------------------------------------------------------------- a recipient's e-mail address (issue 12)


@pytest.mark.parametrize("typed, kept", [("inkoop@devries.nl", "inkoop@devries.nl"),
                                         ("  J.de.Vries+psO@Sub.Bouw-Bedrijf.co.uk ", "J.de.Vries+psO@Sub.Bouw-Bedrijf.co.uk"),
                                         ("o'brien@example.ie", "o'brien@example.ie"),
                                         ("a@" + "b" * 60 + "." + "c" * 60 + "." + "d" * 60 + "." + "e" * 59 + ".nl",
                                          "a@" + "b" * 60 + "." + "c" * 60 + "." + "d" * 60 + "." + "e" * 59 + ".nl")])
def test_recipient_email_accepted_and_trimmed(example_data, typed, kept):
    example_data["recipients"][0]["email"] = typed
    assert len(kept) <= 254
    answers = parse_answers(example_data, base_dir=BASE)
    assert answers.recipients[0].email == kept
    assert answers.recipients[1].email == ""  # optional: no key, no address


LINE = "Ketenpartner 1: Het e-mailadres bevat een regeleinde of een onzichtbaar teken. Typ het adres opnieuw, " \
       "op één regel, bijvoorbeeld j.devries@organisatie.nl."
ONE = "Ketenpartner 1: Vul één e-mailadres in, zonder komma of puntkomma. Een brief gaat naar één adres per ketenpartner."
PLAIN = "Ketenpartner 1: Vul alleen het e-mailadres in, zonder naam, aanhalingstekens of punthaken ervoor of " \
        "erachter: bijvoorbeeld j.devries@organisatie.nl."
INVALID = "Ketenpartner 1: Dit is geen geldig e-mailadres. Schrijf het als naam@organisatie.nl: zonder spaties en " \
          "zonder letters met accenten."


@pytest.mark.parametrize("typed, message", [
    ("x@y.nl\r\nBcc: evil@x.nl", LINE),
    ("x@y.nl\n", LINE),
    ("x@y.nl\rBcc: evil@x.nl", LINE),
    ("x\x00@y.nl", LINE),
    ("x@y.nl\x85", LINE),
    ("\ufeffx@y.nl", LINE),
    ("x\u200b@y.nl", LINE),
    ("x@y.nl\tz@q.nl", LINE),
    ("a@b.nl, c@d.nl", ONE),
    ("a@b.nl;c@d.nl", ONE),
    ("a@b@c.nl", ONE),
    ("Jan de Vries <jan@devries.nl>", PLAIN),
    ("<jan@devries.nl>", PLAIN),
    ('"jan"@devries.nl', PLAIN),
    ("Jan jan@devries.nl", PLAIN),
    ("geen-apenstaartje.nl", INVALID),
    ("a@b", INVALID),
    ("jan@café.nl", INVALID),
    (".jan@devries.nl", INVALID),
    ("jan.@devries.nl", INVALID),
    ("j..an@devries.nl", INVALID),
    ("jan@-devries.nl", INVALID),
    ("x" * 65 + "@devries.nl", INVALID),
    ("=?utf-8?q?a=0D=0ABcc:_x?=@devries.nl", INVALID),  # an encoded word: Python would write its CR/LF
    ("=?utf-8?q?a=0D=0Ab?=@devries.nl", INVALID),
])
def test_recipient_email_refused_in_dutch(example_data, typed, message):
    example_data["recipients"][0]["email"] = typed
    assert problems(example_data) == [message]


def test_recipient_email_too_long(example_data):
    address = "a" * 64 + "@" + ("b" * 60 + ".") * 3 + "cccc.nl"  # well-formed, one character too long
    assert len(address) == 255
    example_data["recipients"][0]["email"] = address
    assert problems(example_data) == [
        "Ketenpartner 1: Het e-mailadres is 255 tekens lang. Het maximum is 254 tekens: controleer het adres."]


@pytest.mark.parametrize("value", ["", "   ", None])
def test_recipient_email_empty_is_no_address(example_data, value):
    example_data["recipients"][0]["email"] = value
    assert parse_answers(example_data, base_dir=BASE).recipients[0].email == ""


def test_recipient_email_not_text(example_data):
    example_data["recipients"][0]["email"] = ["a@b.nl", "c@d.nl"]
    assert problems(example_data) == ["Ketenpartner 1: 'email' moet een tekst zijn."]


def test_recipient_email_in_the_answers_format_only_when_given(example_data):
    from docassemble.psobrief.answers import recipient_dict

    example_data["recipients"][0]["email"] = " inkoop@devries.nl "
    answers = parse_answers(example_data, base_dir=BASE)
    assert recipient_dict(answers.recipients[0])["email"] == "inkoop@devries.nl"
    assert "email" not in recipient_dict(answers.recipients[1])


def test_recipient_email_kept_through_the_answers_zip(tmp_path, example_data):
    """The saved answers (ZIP with answers.yml) carry the address, and read back to the same one."""
    import io
    import zipfile

    from docassemble.psobrief.answers import recipient_dict
    from docassemble.psobrief.exchange import export_answers, read_answers

    example_data["recipients"][0]["email"] = "inkoop@devries.nl"
    example_data["recipients"][2]["email"] = "J.Jansen+pso@transport-noord.nl"
    answers = parse_answers(example_data, base_dir=BASE)
    # as the interview saves it: collect_answers' dict, recipients as recipient_dict writes them
    data = dict(example_data, recipients=[recipient_dict(item) for item in answers.recipients])
    content = export_answers(data, base_dir=BASE)
    text = zipfile.ZipFile(io.BytesIO(content)).read("answers.yml").decode("utf-8")
    assert text.count("email: inkoop@devries.nl") == 1 and "J.Jansen+pso@transport-noord.nl" in text
    assert yaml.safe_load(text)["recipients"][1].get("email") is None
    again = read_answers(content, tmp_path)
    assert [r.email for r in again.recipients] == ["inkoop@devries.nl", "", "J.Jansen+pso@transport-noord.nl"]


def test_hostile_recipient_email_in_an_answers_zip_refused(tmp_path, example_data):
    from docassemble.psobrief.exchange import export_answers, read_answers

    example_data["recipients"][1]["email"] = "a@b.nl\r\nBcc: evil@x.nl"
    with pytest.raises(AnswersError) as caught:
        read_answers(export_answers(example_data, base_dir=BASE), tmp_path)
    assert caught.value.problems == [LINE.replace("Ketenpartner 1", "Ketenpartner 2")]


def test_sender_email_refuses_an_encoded_word(example_data):
    example_data["sender"]["email"] = "=?utf-8?q?a=0D=0Ab?=@devries.nl"
    assert problems(example_data) == [
        "Afzender: Dit is geen geldig e-mailadres. Schrijf het als naam@organisatie.nl, zonder spaties."]


def test_sender_email_rule_unchanged():
    """sender.email keeps its own rule (kind email; the earlier messages); only recipients get the strict one."""
    from docassemble.psobrief import fields

    assert fields.rule("sender.email").kind == "email"
    assert fields.rule("recipient.email").kind == "mailbox"
    assert fields.rule("recipient.email").max_length == 254 and not fields.rule("recipient.email").required
    assert fields.check("recipient.email", "a@b.nl\x07").problems and not fields.check("sender.email", "a@b.nl\x07").problems
