"""The DOCX template: it compiles, uses only context variables, and says the seed's words."""

import datetime
import re
import zipfile
import io

import pytest
from conftest import ROOT, docx_text, flat, seed_sentences

from docassemble.psobrief.answers import parse_answers
from docassemble.psobrief.context import build_context
from docassemble.psobrief.sources import measures
from docassemble.psobrief.render import render_all, render_annex, render_letter, template_path

# Deliberate, documented changes to the seed (README, "Wording"):
FACT_CHANGES = {
    "vier prestatieniveaus": "vijf prestatieniveaus",  # Basistrede since 1 April 2023
    "( Socialer": "(Socialer",  # stray space in the seed
}
ASPIRANT_REPLACED = ("bekroond met een certificering", "bekroond met een PSO-Certificering")


def expected_sentences(part, sender_name, include_annex=True):
    """The seed's sentences as the letter must say them.

    A measure's closing ';' or '.' follows its place in the list, so measures are
    compared without it.
    """
    measure_texts = {m["text"] for m in measures()}
    sentences = []
    for sentence in seed_sentences(part):
        sentence = sentence.replace("<Naam organisatie>", sender_name)
        for old, new in FACT_CHANGES.items():
            sentence = sentence.replace(old, new)
        if sentence == sender_name:  # the closing's organisation line
            continue
        if not include_annex and "vindt u in de bijlage" in sentence:
            continue
        sentences.append(sentence.rstrip(";.") if sentence in measure_texts else sentence)
    return sentences


@pytest.fixture
def answers(example_data):
    return parse_answers(example_data, base_dir=ROOT / "docs" / "examples")


def test_template_variables_are_exactly_the_context(answers):
    from docassemble.base.jinja import custom_jinja_env
    from docxtpl import DocxTemplate

    # body, headers and footers, parsed by docassemble's own Jinja environment
    used = DocxTemplate(str(template_path())).get_undeclared_template_variables(custom_jinja_env())
    provided = set(build_context(answers, answers.recipients[0]))
    assert used - provided == set(), "the template uses variables the context does not provide"
    assert provided - used == set(), "the context provides variables the template never uses"
    assert provided == set(build_context(answers, None)), "letter and annex contexts differ in keys"


def test_template_compiles_in_docassemble_jinja(answers):
    from docassemble.base.jinja import custom_jinja_env
    from docxtpl import DocxTemplate

    template = DocxTemplate(str(template_path()))
    template.render_init()
    custom_jinja_env().from_string(template.patch_xml(template.get_xml()))  # raises on a syntax error


@pytest.mark.parametrize("part", ["letter", "annex"])
def test_every_seed_sentence_is_in_the_letter(answers, part):
    text = flat(docx_text(render_letter(answers, answers.recipients[0])))
    missing = [s for s in expected_sentences(part, answers.sender.name) if s not in text]
    assert len(expected_sentences(part, answers.sender.name)) > 10
    assert missing == []


def test_letter_details(answers):
    text = docx_text(render_letter(answers, answers.recipients[0]))
    lines = text.splitlines()
    assert "Schoonmaakbedrijf Het Glanzende Pand" in lines
    assert "T.a.v. de heer J. van den Berg" in lines
    assert "1234 AB  AMSTERDAM" in lines
    assert "Utrecht, 25 november 2026" in lines
    assert "Ons kenmerk: INK/2026/041" in lines
    assert "Betreft: Socialer inkopen wordt belangrijker!" in lines
    assert "Geachte heer Van den Berg," in lines
    assert "Wij zijn gecertificeerd op prestatieniveau PSO-Trede 2." in text
    assert "U kunt de kopie mailen naar inkoop@devries-bouw.nl." in text
    assert "Bijlage: Socialer inkoopbeleid met de PSO-prestatieladder" in lines
    assert "Wij bespreken socialer ondernemen in elk jaargesprek met onze vaste leveranciers." in lines
    # closing: greeting, organisation, signatory, function in this order
    closing = lines.index("Met vriendelijke groet,")
    assert lines.index("Anna de Vries") > lines.index("Bouwbedrijf De Vries & Zonen B.V.", closing) > closing
    assert lines[lines.index("Anna de Vries") + 1] == "Directeur"
    # the letterhead
    assert "3511 AB  UTRECHT" in lines and "inkoop@devries-bouw.nl" in lines


def test_no_placeholder_left(answers):
    for name, content in render_all(answers):
        text = docx_text(content)
        assert not re.search(r"\{\{|\{%|%\}|\}\}|<Naam organisatie>|<achternaam>|heer/mevrouw", text), name


def test_measures_punctuated_as_one_list(answers, example_data):
    example_data["annex"]["measures"] = ["tender", "weging"]
    example_data["annex"]["own_measures"] = []
    answers = parse_answers(example_data, base_dir=ROOT / "docs" / "examples")
    lines = docx_text(render_annex(answers)).splitlines()
    start = lines.index("Hoe hanteren wij het PSO-Certificaat bij onze inkoop?")
    assert lines[start + 1].endswith("vragen wij om een kopie van een geldig PSO-Certificaat;")
    assert lines[start + 2].endswith("doorslaggevend bij de weging binnen ons inkoopproces.")
    assert "Alle huidige en potentiële leveranciers ontvangen deze sociale inkoopcode;" not in lines


@pytest.mark.parametrize(
    "level, expected",
    [("Basistrede", "Wij zijn gecertificeerd op prestatieniveau Basistrede."), ("trede_1", "Wij zijn gecertificeerd op prestatieniveau PSO-Trede 1."),
     ("trede_2", "Wij zijn gecertificeerd op prestatieniveau PSO-Trede 2."),
     ("PSO-Trede 3", "Wij zijn gecertificeerd op prestatieniveau PSO-Trede 3.")],
)
def test_level_wording(example_data, level, expected):
    example_data["sender"]["pso_level"] = level
    answers = parse_answers(example_data, base_dir=ROOT / "docs" / "examples")
    text = flat(docx_text(render_letter(answers, answers.recipients[0])))
    assert expected in text
    assert "bekroond met een certificering op de Prestatieladder Socialer Ondernemen" in text


def test_aspirant_claims_no_certificate(example_data):
    example_data["sender"]["pso_level"] = "Aspirant-status"
    answers = parse_answers(example_data, base_dir=ROOT / "docs" / "examples")
    text = flat(docx_text(render_letter(answers, answers.recipients[0])))
    for phrase in ASPIRANT_REPLACED:
        assert phrase not in text
    assert "gecertificeerd op" not in text
    assert "Onze organisatie heeft de Aspirant-status op de Prestatieladder Socialer Ondernemen" in text
    assert "de Aspirant-status op de PSO-Prestatieladder hebben behaald" in text
    # the level sentence follows "... daar zijn wij trots op!" and says what the status means
    assert ("daar zijn wij trots op! Dat betekent dat wij aantoonbaar werken aan socialer ondernemen "
            "en binnen twee jaar willen doorgroeien naar een PSO-Trede.") in text
    assert "Wij gaan aantoonbaar aan de slag" not in text
    # every other seed sentence is still there
    for part in ("letter", "annex"):
        for sentence in expected_sentences(part, answers.sender.name):
            if not any(p in sentence for p in ASPIRANT_REPLACED):
                assert sentence in text


def test_pso30_mentioned_only_when_held(example_data):
    answers = parse_answers(example_data, base_dir=ROOT / "docs" / "examples")
    assert "PSO 30+" not in docx_text(render_letter(answers, answers.recipients[0]))
    example_data["sender"]["pso30"] = True
    answers = parse_answers(example_data, base_dir=ROOT / "docs" / "examples")
    assert "Daarnaast zijn wij in het bezit van het certificaat PSO 30+." in docx_text(
        render_letter(answers, answers.recipients[0]))


def test_without_annex(example_data):
    example_data["annex"]["include"] = False
    answers = parse_answers(example_data, base_dir=ROOT / "docs" / "examples")
    documents = dict(render_all(answers))
    assert len(documents) == 3 and not any(name.startswith("Bijlage") for name in documents)
    text = flat(docx_text(next(iter(documents.values()))))
    assert "Bijlage 1." not in text and "Bijlage: Socialer" not in text and "vindt u in de bijlage" not in text
    assert "Op verzoek sturen wij u de inhoud van dit inkoopbeleid graag toe." in text
    assert "Graag sturen wij u op verzoek" not in text
    for sentence in expected_sentences("letter", answers.sender.name, include_annex=False):
        assert sentence in text


def test_annex_starts_on_a_new_page(answers):
    content = render_letter(answers, answers.recipients[0])
    xml = zipfile.ZipFile(io.BytesIO(content)).read("word/document.xml").decode()
    before_annex = xml.split("Bijlage 1. Socialer inkoopbeleid")[0]
    assert before_annex.count('w:type="page"') == 1
    annex_xml = zipfile.ZipFile(io.BytesIO(render_annex(answers))).read("word/document.xml").decode()
    assert 'w:type="page"' not in annex_xml


def test_annex_alone_has_no_letter(answers):
    text = docx_text(render_annex(answers))
    assert "Bijlage 1. Socialer inkoopbeleid met de PSO-prestatieladder" in text
    assert "Geachte" not in text and "Met vriendelijke groet" not in text
    for sentence in expected_sentences("annex", answers.sender.name):
        assert sentence in flat(text)


def test_a4_with_window_envelope_margins(answers):
    import docx

    section = docx.Document(io.BytesIO(render_letter(answers, answers.recipients[0]))).sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert 45 <= section.top_margin.mm <= 55 and 20 <= section.left_margin.mm <= 30


def test_logo_and_signature_are_embedded(answers):
    names = zipfile.ZipFile(io.BytesIO(render_letter(answers, answers.recipients[0]))).namelist()
    assert len([n for n in names if n.startswith("word/media/")]) == 2


def test_no_logo_no_image(example_data):
    del example_data["sender"]["logo"], example_data["sender"]["signatory"]["signature"]
    answers = parse_answers(example_data, base_dir=ROOT / "docs" / "examples")
    names = zipfile.ZipFile(io.BytesIO(render_letter(answers, answers.recipients[0]))).namelist()
    assert not [n for n in names if n.startswith("word/media/")]


HOSTILE = [
    "Jansen & Zn. <B.V.>",
    'Bureau "De Zon" \'t Hoekje',
    "{{ 7*7 }} {% if True %}x{% endif %}",
    "Café Ünïcødé 🚀🌱",
    "A &amp; B",
    "</w:t><w:r>kapot",
]


@pytest.mark.parametrize("name", HOSTILE)
def test_names_appear_literally(example_data, name):
    example_data["sender"]["name"] = name
    example_data["recipients"][0]["organisation"] = name
    example_data["recipients"][0]["contact"]["surname"] = name
    answers = parse_answers(example_data, base_dir=ROOT / "docs" / "examples")
    text = docx_text(render_letter(answers, answers.recipients[0]))
    assert name in text.splitlines()  # recipient organisation line
    assert f"{name} werkt actief mee" in text
    assert "49" not in text.replace("2026", "")  # nothing was evaluated


def test_different_date_and_place(example_data):
    example_data["letter"]["date"] = "01-03-2027"
    example_data["letter"]["place"] = "Den Haag"
    answers = parse_answers(example_data, base_dir=ROOT / "docs" / "examples")
    assert answers.letter.date == datetime.date(2027, 3, 1)
    assert "Den Haag, 1 maart 2027" in docx_text(render_letter(answers, answers.recipients[0])).splitlines()


def test_many_letters_fast_path_gives_the_same_letters(example_data, monkeypatch):
    """render_letters re-renders only the body after the first letter: same text, every form."""
    import docassemble.psobrief.render as render_module
    from docassemble.psobrief.render import render_letters

    people = example_data["recipients"]
    example_data["recipients"] = [dict(people[n % 3], organisation=f"Org {n} & <Zn>") for n in range(7)]
    answers = parse_answers(example_data, base_dir=ROOT / "docs" / "examples")
    expected = [docx_text(render_letter(answers, r)) for r in answers.recipients]
    calls, prepared = [], []
    full = render_module.render_letter
    monkeypatch.setattr(render_module, "render_letter", lambda *a: calls.append(1) or full(*a))
    ready = render_module.images.print_ready_file
    monkeypatch.setattr(render_module.images, "print_ready_file", lambda *a: prepared.append(a[1]) or ready(*a))
    letters = list(render_letters(answers, answers.recipients))
    assert [docx_text(letter) for letter in letters] == expected
    assert len(calls) == 1, "the fast path was not taken"
    # the logo and the signature are found once by the full render and once for the others, not per letter
    assert sorted(prepared) == ["logo", "logo", "signature", "signature"]
    import zipfile

    import docx

    names = sorted(zipfile.ZipFile(io.BytesIO(letters[0])).namelist())
    for letter in letters:  # each is a whole, valid document with both images
        with zipfile.ZipFile(io.BytesIO(letter)) as archive:
            assert archive.testzip() is None  # every part's checksum is right
            assert sorted(archive.namelist()) == names  # every part once, the body too
        assert len(docx.Document(io.BytesIO(letter)).inline_shapes) == 1  # the signature (the logo is in the header)


def _header_lines(content):
    import io

    import docx

    cell = docx.Document(io.BytesIO(content)).sections[0].header.tables[0]._cells[1]
    return [p.text for p in cell.paragraphs]


def test_kvk_number_in_the_letterhead_of_letter_and_annex(example_data):
    """Handelsregisterwet art. 27: the KvK-nummer on every letter (and the annex shares the letterhead)."""
    from docassemble.psobrief.render import render_annex

    answers = parse_answers(example_data, base_dir=ROOT / "docs" / "examples")
    for content in (render_letter(answers, answers.recipients[0]), render_annex(answers)):
        assert _header_lines(content)[-4:] == ["inkoop@devries-bouw.nl", "KvK 30123456", "Tel. 030 123 45 67",
                                               "www.devries-bouw.nl"]


def test_no_kvk_line_when_not_in_the_trade_register(example_data):
    for key in ("kvk", "phone", "website"):
        del example_data["sender"][key]
    example_data["sender"]["kvk_exempt"] = True
    answers = parse_answers(example_data, base_dir=ROOT / "docs" / "examples")
    lines = _header_lines(render_letter(answers, answers.recipients[0]))
    assert lines[-1] == "inkoop@devries-bouw.nl" and not any("KvK" in line for line in lines)
