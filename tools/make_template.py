"""Write the first version of ``data/templates/stimuleringsbrief.docx`` with python-docx.

The DOCX file in the package is the source of truth: an organisation may restyle it in
Word (fonts, colours, letterhead) as long as the ``{{ }}`` and ``{%p %}`` tags stay.
This script documents how it was made and can rebuild it from scratch; it overwrites
the file, so do not run it after hand edits you want to keep.

Usage: python tools/make_template.py [OUT]
"""

from __future__ import annotations

import sys
from pathlib import Path

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

OUT = Path(__file__).resolve().parents[1] / "docassemble/psobrief/data/templates/stimuleringsbrief.docx"
#: The documents' language: spelling in Word, /Lang in the PDF (screen readers read Dutch).
LANGUAGE = "nl-NL"
#: One line of Normal text (Calibri 10.5 pt, line spacing 1.05): the unit of the white
#: space that paragraph styles put before the date, the signatory and the annex line.
LINE = 13.4

LETTER_PARAGRAPHS = [
    (
        "{{ sender_name }} werkt actief mee aan het creëren van werkgelegenheid en kansen voor mensen "
        "met een afstand tot de arbeidsmarkt. {{ status_sentence }} {{ level_sentence }}"
        "{% if pso30_sentence %} {{ pso30_sentence }}{% endif %}"
    ),
    (
        "De Prestatieladder Socialer Ondernemen van TNO bestaat uit twee componenten: Een vrij "
        "toegankelijk meetinstrument dat objectief bepaalt in welke mate een organisatie socialer "
        "onderneemt. En een, na een certificeringsproces uit te geven, keurmerk. Dit keurmerk is de "
        "landelijke norm voor socialer ondernemen. {{ letter_ladder_sentence }}"
    ),
    ("Hoe wordt het PSO-Certificaat in de toekomst gehanteerd bij onze inkoop?", "heading"),
    (
        "Wij zijn trots op ons PSO-prestatieniveau en dit maakt dat wij nog bewuster inkopen bij "
        "ondernemingen die arbeidsplaatsen bieden aan mensen met een kwetsbare arbeidsmarktpositie. "
        "Dit doen wij door het hanteren van een aangescherpt inkoopbeleid. {{ policy_sentence }}"
    ),
    ("Ons beroep aan u!", "heading"),
    (
        "Wij verzoeken onze vaste samenwerkingspartners om ook het PSO-keurmerk te behalen en ons, "
        "bij succesvol resultaat, een kopie van het PSO-keurmerk te mailen. {{ email_sentence }} "
        "Meer informatie over het PSO-Certificaat en -Keurmerk vindt u op www.pso-nederland.nl."
    ),
    "Wij danken u hartelijk voor uw medewerking.",
]

ANNEX_PARAGRAPHS = [
    (
        "Steeds meer organisaties en overheden hechten belang aan het creëren van meer werkgelegenheid "
        "voor mensen met een afstand tot de arbeidsmarkt. {{ annex_status_sentence }} PSO staat voor de "
        "Prestatieladder Socialer Ondernemen."
    ),
    (
        "De Prestatieladder Socialer Ondernemen van TNO bestaat uit twee componenten. Een vrij "
        "toegankelijk meetinstrument dat objectief bepaalt in welke mate een organisatie sociaal "
        "onderneemt. En een, na een certificeringsproces uit te geven, keurmerk. Dit keurmerk is de "
        "landelijke norm voor socialer ondernemen. {{ annex_ladder_sentence }} Een organisatie krijgt "
        "de Aspirant-status als zij aantoonbaar aan de slag gaat met socialer ondernemen en binnen twee "
        "jaar wil doorgroeien naar de norm voor een PSO-Trede. Een organisatie ontvangt een "
        "PSO-Certificaat als zij, vergeleken met organisaties van dezelfde grootteklasse, bovengemiddeld "
        "werkgelegenheid biedt aan personen met een afstand tot de arbeidsmarkt en bovendien voldoet aan "
        "de kwalitatieve eisen met betrekking tot passend werk, integratie, begeleiding, functionering en "
        "ontwikkeling. Groeien op de PSO-Prestatieladder kan ook door socialer in te kopen bij andere "
        "PSO-gecertificeerde organisaties. Ieder type organisatie kan een PSO-Certificaat aanvragen. "
        "Voor meer informatie: www.pso-nederland.nl."
    ),
    ("Waarom socialer inkopen?", "heading"),
    (
        "Maatschappelijk verantwoord ondernemen (MVO) met respect voor de ‘3 P’s’: People, Planet en "
        "Profit is al jaren een belangrijk element bij het ondernemen. Binnen het kader van MVO People "
        "hechten steeds meer organisaties en overheden belang aan het creëren van meer werkgelegenheid "
        "voor mensen met een afstand tot de arbeidsmarkt (ook wel Social return genoemd). Zo bieden wij "
        "mensen met een afstand tot de arbeidsmarkt kans op werk en ontwikkeling in onze eigen "
        "organisatie. Wij zoeken óók steeds meer de samenwerking met ketenpartners, onderaannemers en "
        "leveranciers die ook aantoonbaar socialer ondernemen."
    ),
    ("Waarom een PSO-Certificaat?", "heading"),
    (
        "Wij werken graag samen met u aan meer werkgelegenheid en meer kansen voor mensen met een "
        "kwetsbare arbeidsmarktpositie. Daarom streven wij ernaar om samen te werken met organisaties "
        "die aantoonbaar socialer ondernemen en in het bezit zijn van een geldig PSO-Certificaat. "
        "Samenwerken met PSO-houders levert bovendien een positieve bijdrage aan onze PSO-score. Wij "
        "vertrouwen hierbij op de medewerking van onze partners."
    ),
    ("Hoe hanteren wij het PSO-Certificaat bij onze inkoop?", "heading"),
]


def tag(document: Document, text: str) -> None:
    """A paragraph holding only a docxtpl paragraph tag ({%p ... %})."""
    document.add_paragraph(text)


def text(document: Document, content: str, style: str = "Normal") -> None:
    paragraph = document.add_paragraph(style=style)
    paragraph.add_run(content)


def _paragraph_style(document: Document, name: str, base: str, space_before: float = 0, space_after: float = 0):
    """A paragraph style of our own, based on ``base``, with its spacing in points."""
    style = document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = document.styles[base]
    style.paragraph_format.space_before = Pt(space_before)
    style.paragraph_format.space_after = Pt(space_after)
    return style


def _heading_style(document: Document, name: str, size: float, space_after: float, color: RGBColor | None):
    """Word's built-in heading style ``name`` in the letter's font: Calibri, bold, no theme font or colour.

    Headings are real heading paragraphs (outline level 1 and 2), so Word's navigation pane,
    screen readers and the tagged PDF (/H1, /H2) know them; restyle them in Word.
    """
    style = document.styles[name]
    fonts = style.element.rPr.find(qn("w:rFonts"))
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(theme), None)
    style.font.name = "Calibri"
    style.font.size = Pt(size)
    style.font.bold = True
    style.font.italic = False
    colour = style.element.rPr.find(qn("w:color"))
    if colour is not None:
        style.element.rPr.remove(colour)
    if color is not None:
        style.font.color.rgb = color
    style.paragraph_format.space_before = Pt(0)
    style.paragraph_format.space_after = Pt(space_after)
    style.paragraph_format.keep_with_next = True
    return style


def set_up_styles(document: Document) -> None:
    """Every format lives in a style (Word: Start ▸ Stijlen), none in the text itself.

    White space between the parts of the letter is the space before or after a style,
    never an empty paragraph.
    """
    normal = document.styles["Normal"]
    normal.font.name = "Calibri"
    normal.font.size = Pt(10.5)
    normal.paragraph_format.space_before = Pt(0)
    normal.paragraph_format.space_after = Pt(6)
    normal.paragraph_format.line_spacing = 1.05
    _paragraph_style(document, "Adresregel", "Normal")
    # two lines between the address (in the envelope's window) and the date
    _paragraph_style(document, "Datumregel", "Adresregel", space_before=2 * LINE)
    _paragraph_style(document, "Betreftregel", "Adresregel", space_after=18)
    # without a signature image: three lines for a signature by hand
    _paragraph_style(document, "Ondertekenaar", "Adresregel", space_before=3 * LINE)
    _paragraph_style(document, "Bijlageregel", "Adresregel", space_before=LINE)
    _paragraph_style(document, "Slotzin", "Normal", space_before=6, space_after=6)
    letterhead_line = _paragraph_style(document, "Briefhoofd", "Adresregel")
    letterhead_line.font.size = Pt(9)
    letterhead_line.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    letterhead_name = _paragraph_style(document, "Briefhoofd afzender", "Briefhoofd")
    letterhead_name.font.size = Pt(9.5)
    letterhead_name.font.bold = True
    _heading_style(document, "Heading 1", size=13, space_after=12, color=RGBColor(0x1F, 0x3A, 0x5F))
    _heading_style(document, "Heading 2", size=10.5, space_after=2, color=None)
    bullet = document.styles["List Bullet"]
    bullet.font.name = "Calibri"
    bullet.paragraph_format.space_after = Pt(2)


def make_dutch(document: Document) -> None:
    """Dutch as the language of all text (docDefaults), the theme fonts and the file's properties.

    The template python-docx starts from also holds Word 2010's copy of the styles
    (stylesWithEffects.xml, in English); Word and LibreOffice read styles.xml, so it goes.
    """
    defaults = document.styles.element.find(qn("w:docDefaults"))
    defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:lang')}").set(qn("w:val"), LANGUAGE)
    document.settings.element.find(qn("w:themeFontLang")).set(qn("w:val"), LANGUAGE)
    for rel_id, rel in list(document.part.rels.items()):
        if rel.reltype.endswith("/stylesWithEffects"):
            document.part.drop_rel(rel_id)
    document.core_properties.language = LANGUAGE


def letterhead(document: Document) -> None:
    """Header: logo on the left, sender's name, address and e-mail on the right."""
    section = document.sections[0]
    header = section.header
    table = header.add_table(rows=1, cols=2, width=Mm(160))
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    logo_cell, sender_cell = table.rows[0].cells
    logo_cell.width, sender_cell.width = Mm(80), Mm(80)
    logo_cell.paragraphs[0].add_run("{{ logo }}")
    first = sender_cell.paragraphs[0]
    first.style = document.styles["Briefhoofd afzender"]
    first.add_run("{{ sender_name }}")
    for content in ("{%p for line in sender_address_lines %}", "{{ line }}", "{%p endfor %}", "{{ sender_email }}",
                    "{%p for line in sender_registration_lines %}", "{{ line }}", "{%p endfor %}"):
        sender_cell.add_paragraph(style="Briefhoofd").add_run(content)
    # the header part's first paragraph (every new header has one), above the table
    for paragraph in header.paragraphs:
        if not paragraph.text:
            paragraph.paragraph_format.space_after = Pt(0)


def letter(document: Document) -> None:
    tag(document, "{%p if include_letter %}")
    tag(document, "{%p for line in recipient_address_lines %}")
    text(document, "{{ line }}", "Adresregel")
    tag(document, "{%p endfor %}")
    text(document, "{{ date_line }}", "Datumregel")
    tag(document, "{%p if reference %}")
    text(document, "Ons kenmerk: {{ reference }}", "Adresregel")
    tag(document, "{%p endif %}")
    paragraph = document.add_paragraph(style="Betreftregel")
    paragraph.add_run("Betreft: ", style="Strong")
    paragraph.add_run("{{ subject }}")
    text(document, "{{ salutation }}")
    for item in LETTER_PARAGRAPHS:
        if isinstance(item, tuple):
            text(document, item[0], "Heading 2")
        else:
            text(document, item)
    text(document, "Met vriendelijke groet,")
    text(document, "{{ sender_name }}", "Adresregel")
    tag(document, "{%p if signature %}")
    text(document, "{{ signature }}", "Adresregel")
    text(document, "{{ signatory_name }}", "Adresregel")
    tag(document, "{%p else %}")
    text(document, "{{ signatory_name }}", "Ondertekenaar")  # room above it for a signature by hand
    tag(document, "{%p endif %}")
    text(document, "{{ signatory_function }}", "Adresregel")
    tag(document, "{%p if include_annex %}")
    text(document, "{{ annex_line }}", "Bijlageregel")
    tag(document, "{%p endif %}")
    tag(document, "{%p endif %}")


def annex(document: Document) -> None:
    tag(document, "{%p if include_annex %}")
    tag(document, "{%p if include_letter %}")
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)  # the annex on a page of its own
    tag(document, "{%p endif %}")
    text(document, "Bijlage 1. Socialer inkoopbeleid met de PSO-prestatieladder", "Heading 1")
    for item in ANNEX_PARAGRAPHS:
        if isinstance(item, tuple):
            text(document, item[0], "Heading 2")
        else:
            text(document, item)
    tag(document, "{%p for measure in measures %}")
    text(document, "{{ measure }}", "List Bullet")
    tag(document, "{%p endfor %}")
    text(document, "Wij danken u hartelijk voor uw medewerking.", "Slotzin")
    tag(document, "{%p endif %}")


def main(out: Path = OUT) -> None:
    document = Document()
    make_dutch(document)
    set_up_styles(document)
    section = document.sections[0]
    section.start_type = WD_SECTION.NEW_PAGE
    section.page_width, section.page_height = Mm(210), Mm(297)
    # Address block at 50 mm from the top and 25 mm from the left: the window of a
    # Dutch window envelope (venster links) for an A4 folded in three.
    section.top_margin, section.bottom_margin = Mm(50), Mm(25)
    section.left_margin, section.right_margin = Mm(25), Mm(25)
    section.header_distance, section.footer_distance = Mm(12), Mm(10)
    letterhead(document)
    letter(document)
    annex(document)
    document.core_properties.title = "Stimuleringsbrief PSO-Prestatieladder"
    document.core_properties.author = "docassemble.psobrief"
    out.parent.mkdir(parents=True, exist_ok=True)
    document.save(out)
    print(f"written {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT)
