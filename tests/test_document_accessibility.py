"""Letter and annex are restylable and accessible: heading styles, white space from styles,
Dutch as the language, alt text on the images, and a tagged PDF that says what the DOCX says."""

import io
import re
import subprocess
import zipfile

import pytest
from conftest import ROOT
from test_templates import HOSTILE

from docassemble.psobrief.answers import parse_answers
from docassemble.psobrief.render import render_annex, render_letter, render_letters

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
#: The headings of the original template (text, style): the letter's section headings,
#: then the annex's title and section headings.
LETTER_HEADINGS = [
    ("Hoe wordt het PSO-Certificaat in de toekomst gehanteerd bij onze inkoop?", "Heading2"),
    ("Ons beroep aan u!", "Heading2"),
]
ANNEX_HEADINGS = [
    ("Bijlage 1. Socialer inkoopbeleid met de PSO-prestatieladder", "Heading1"),
    ("Waarom socialer inkopen?", "Heading2"),
    ("Waarom een PSO-Certificaat?", "Heading2"),
    ("Hoe hanteren wij het PSO-Certificaat bij onze inkoop?", "Heading2"),
]
LOGO_ALT = "Logo van Bouwbedrijf De Vries & Zonen B.V."
SIGNATURE_ALT = "Handtekening van Anna de Vries"
#: What LibreOffice writes for a "List Bullet" bullet (Symbol's private-use bullet).
BULLETS = "\uf0b7\u2022"


def _answers(data):
    return parse_answers(data, base_dir=ROOT / "docs" / "examples")


VARIANTS = ["letter", "letter without logo and signature", "letter without annex", "annex alone"]


def _render(variant, data):
    """The DOCX of ``variant`` made from the example answers ``data``."""
    if variant == "letter without logo and signature":
        del data["sender"]["logo"], data["sender"]["signatory"]["signature"]
    if variant == "letter without annex":
        data["annex"]["include"] = False
    answers = _answers(data)
    return render_annex(answers) if variant == "annex alone" else render_letter(answers, answers.recipients[0])


def _expected_headings(variant):
    return ([] if variant == "annex alone" else LETTER_HEADINGS) + (
        [] if variant == "letter without annex" else ANNEX_HEADINGS)


def _docx(content):
    import docx

    return docx.Document(io.BytesIO(content))


def _stories(document):
    """The XML of the body and of every header: where the letter's text is."""
    return [document.element.body] + [section.header._element for section in document.sections]


def _styles(document):
    return {style.style_id: style for style in document.styles}


def _text(element):
    return "".join(t.text or "" for t in element.iter(f"{W}t"))


def _run_is_bold(run, styles):
    """Bold by the run itself: direct formatting or a character style (not the paragraph's style)."""
    properties = run.find(f"{W}rPr")
    if properties is None:
        return False
    if properties.find(f"{W}b") is not None:
        return properties.find(f"{W}b").get(f"{W}val", "true") not in ("0", "false")
    style = properties.find(f"{W}rStyle")
    return style is not None and bool(styles[style.get(f"{W}val")].font.bold)


def _formatting_problems(document):
    """Runs with formatting of their own (not from a style), and paragraphs that look like a
    heading (all their text bold by run formatting) without being in a Heading style."""
    styles = _styles(document)
    problems = []
    for story in _stories(document):
        for run in story.iter(f"{W}r"):
            properties = run.find(f"{W}rPr")
            direct = [] if properties is None else [c.tag[len(W):] for c in properties if c.tag != f"{W}rStyle"]
            if direct:
                problems.append(f"direct run formatting {direct}: {_text(run)!r}")
        for paragraph in story.iter(f"{W}p"):
            runs = [run for run in paragraph.iter(f"{W}r") if _text(run).strip()]
            style = paragraph.find(f"{W}pPr/{W}pStyle")
            if runs and all(_run_is_bold(run, styles) for run in runs) and (
                    style is None or not style.get(f"{W}val").startswith("Heading")):
                problems.append(f"bold by hand, not a heading style: {_text(paragraph)!r}")
    return problems


def _empty_paragraphs(document):
    """Paragraphs of the body with no text and no image, other than a lone page break."""
    empty = []
    for number, paragraph in enumerate(document.element.body.iter(f"{W}p")):
        if _text(paragraph).strip() or paragraph.find(f".//{W}drawing") is not None:
            continue
        breaks = paragraph.findall(f".//{W}br")
        if not (breaks and all(br.get(f"{W}type") == "page" for br in breaks)):
            empty.append(number)
    return empty


def test_the_checks_find_fake_headings_and_empty_paragraphs():
    """The two checks below can fail: a heading made bold by hand and blank lines as white space."""
    import docx
    from docx.enum.text import WD_BREAK

    document = docx.Document()
    document.add_paragraph().add_run("Waarom socialer inkopen?").bold = True
    document.add_paragraph().add_run("Ons beroep aan u!", style="Strong")
    document.add_paragraph("Waarom een PSO-Certificaat?", style="Heading 2")
    document.add_paragraph("")
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    assert _formatting_problems(document) == [
        "direct run formatting ['b']: 'Waarom socialer inkopen?'",
        "bold by hand, not a heading style: 'Waarom socialer inkopen?'",
        "bold by hand, not a heading style: 'Ons beroep aan u!'",
    ]
    assert _empty_paragraphs(document) == [3]


@pytest.mark.parametrize("variant", VARIANTS)
def test_no_direct_formatting_and_headings_are_heading_styles(example_data, variant):
    """Every format comes from a style; the original template's headings are Heading 1 and 2."""
    document = _docx(_render(variant, example_data))
    assert _formatting_problems(document) == []
    headings = [(p.text, p.style.style_id) for p in document.paragraphs if p.style.style_id.startswith("Heading")]
    assert headings == _expected_headings(variant)


def test_heading_styles_carry_the_formatting(example_data):
    """Restyle a heading in Word and every heading follows: font, size, bold and spacing are in the style."""
    styles = _styles(_docx(_render("letter", example_data)))
    for style_id, name, level in (("Heading1", "Heading 1", "0"), ("Heading2", "Heading 2", "1")):
        style = styles[style_id]
        assert style.name == name
        assert style.font.bold and style.font.size and style.font.name == "Calibri"
        assert style.paragraph_format.space_after is not None and style.paragraph_format.keep_with_next
        assert style.element.find(f"{W}pPr/{W}outlineLvl").get(f"{W}val") == level


@pytest.mark.parametrize("variant", VARIANTS)
def test_no_empty_paragraphs_for_white_space(example_data, variant):
    """White space is the space before or after a style: every paragraph of the body says
    something or holds an image; only the page break before the annex stands on its own.

    (The header's one empty paragraph, above the letterhead table, is left as it is: it is
    no white space between parts of the letter, and without it the letterhead would move.)
    """
    document = _docx(_render(variant, example_data))
    assert _empty_paragraphs(document) == []
    page_breaks = [p for p in document.element.body.iter(f"{W}p") if p.find(f".//{W}br") is not None]
    assert len(page_breaks) == (1 if variant in ("letter", "letter without logo and signature") else 0)


@pytest.mark.parametrize("variant", VARIANTS)
def test_the_language_is_dutch(example_data, variant):
    content = _render(variant, example_data)
    document = _docx(content)
    defaults = document.styles.element.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}lang")
    assert defaults.get(f"{W}val") == "nl-NL"
    assert document.core_properties.language == "nl-NL"
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for name in archive.namelist():
            if name.startswith("word/") and name.endswith(".xml"):
                languages = set(re.findall(rb'<w:lang w:val="([^"]+)"', archive.read(name)))
                assert languages <= {b"nl-NL"}, f"{name} sets another language: {languages}"


def _alt_texts(document):
    """(story, alt text) of every image: 'body' or 'header'."""
    found = []
    for story in _stories(document):
        where = "body" if story is document.element.body else "header"
        found += [(where, doc_pr.get("descr")) for doc_pr in story.iter(f"{WP}docPr")]
    return found


def test_logo_and_signature_have_alt_text(example_data):
    answers = _answers(example_data)
    assert _alt_texts(_docx(render_letter(answers, answers.recipients[0]))) == [
        ("body", SIGNATURE_ALT), ("header", LOGO_ALT)]
    assert _alt_texts(_docx(render_annex(answers))) == [("header", LOGO_ALT)]
    # the letters of a list (all but the first render only their body) have them too
    for letter in render_letters(answers, answers.recipients):
        assert sorted(_alt_texts(_docx(letter))) == [("body", SIGNATURE_ALT), ("header", LOGO_ALT)]


@pytest.mark.parametrize("name", HOSTILE)
def test_alt_text_shows_names_literally(example_data, name):
    example_data["sender"]["name"] = name
    example_data["sender"]["signatory"]["name"] = name
    answers = _answers(example_data)
    document = _docx(render_letter(answers, answers.recipients[0]))
    assert _alt_texts(document) == [("body", f"Handtekening van {name}"), ("header", f"Logo van {name}")]


# --- the PDF ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def documents():
    """Letter (with annex) and annex alone, as DOCX and as PDF (one LibreOffice run)."""
    import copy

    import yaml
    from conftest import EXAMPLE

    from docassemble.psobrief.bulk import convert_to_pdf

    answers = _answers(copy.deepcopy(yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))))
    docx = {"brief.docx": render_letter(answers, answers.recipients[0]), "bijlage.docx": render_annex(answers)}
    pdfs, missing = convert_to_pdf(docx)
    assert missing == []
    return {name[: -len(".docx")]: (content, pdfs[name[: -len(".docx")] + ".pdf"]) for name, content in docx.items()}


def _structure(pdf):
    """The tagged PDF's structure elements in reading order: (standard type, alt text)."""
    import pikepdf

    root = pdf.Root.StructTreeRoot
    roles = root.get("/RoleMap", pikepdf.Dictionary())
    elements = []

    def walk(node):
        if isinstance(node, pikepdf.Array):
            for kid in node:
                walk(kid)
        elif isinstance(node, pikepdf.Dictionary) and "/S" in node:
            kind = str(node.S)
            while kind in roles and str(roles[kind]) != kind:  # own style names -> /P, /H1 ...
                kind = str(roles[kind])
            elements.append((kind.lstrip("/"), str(node.Alt) if "/Alt" in node else None))
            if "/K" in node:
                walk(node.K)

    walk(root.K)
    return elements


@pytest.mark.parametrize("name", ["brief", "bijlage"])
def test_pdf_is_tagged_with_headings_language_and_alt_text(documents, name):
    import pikepdf

    content, pdf_bytes = documents[name]
    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        assert bool(pdf.Root.get("/MarkInfo", {}).get("/Marked", False)), "not a tagged PDF"
        assert "/StructTreeRoot" in pdf.Root, "no structure tree"
        assert str(pdf.Root.get("/Lang", "")) == "nl-NL"
        elements = _structure(pdf)
    document = _docx(content)
    levels = [p.style.style_id for p in document.paragraphs if p.style.style_id.startswith("Heading")]
    assert [kind for kind, _ in elements if re.fullmatch(r"H\d?", kind)] == [
        "H" + style[len("Heading"):] for style in levels]
    figures = [alt for kind, alt in elements if kind == "Figure"]
    # LibreOffice marks the letterhead (with the logo) as page decoration, outside the tree
    assert figures == ([SIGNATURE_ALT] if name == "brief" else [])


def _pdf_pages(pdf_bytes):
    """The text of each page, as test_bulk reads it (-raw: content order, line-end hyphens kept)."""
    text = subprocess.run(["pdftotext", "-raw", "-", "-"], input=pdf_bytes, capture_output=True,
                          check=True).stdout.decode()
    return [page for page in text.split("\f") if page.strip()]


def _letters(text):
    """The text without white space (line breaks fall elsewhere in a PDF) and bullets."""
    return re.sub(rf"[\s{BULLETS}]", "", text)


@pytest.mark.parametrize("name", ["brief", "bijlage"])
def test_pdf_says_what_the_docx_says(documents, name):
    """Each page: the letterhead, then the body; together, the DOCX's text character for character."""
    content, pdf_bytes = documents[name]
    document = _docx(content)
    header = _letters("".join(p.text for cell in document.sections[0].header.tables[0]._cells for p in cell.paragraphs))
    body = _letters("".join(p.text for p in document.paragraphs))
    pages = [_letters(page) for page in _pdf_pages(pdf_bytes)]
    assert len(pages) == (2 if name == "brief" else 1)
    assert all(page.startswith(header) for page in pages)
    assert "".join(page[len(header):] for page in pages) == body
