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
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.shared import Mm, Pt, RGBColor

OUT = Path(__file__).resolve().parents[1] / "docassemble/psobrief/data/templates/stimuleringsbrief.docx"

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


def set_up_styles(document: Document) -> None:
    normal = document.styles["Normal"]
    normal.font.name = "Calibri"
    normal.font.size = Pt(10.5)
    normal.paragraph_format.space_before = Pt(0)
    normal.paragraph_format.space_after = Pt(6)
    normal.paragraph_format.line_spacing = 1.05
    lines = document.styles.add_style("Adresregel", 1)
    lines.base_style = normal
    lines.paragraph_format.space_after = Pt(0)
    heading = document.styles.add_style("Tussenkop", 1)
    heading.base_style = normal
    heading.font.bold = True
    heading.paragraph_format.space_after = Pt(2)
    heading.paragraph_format.keep_with_next = True
    title = document.styles.add_style("Bijlagetitel", 1)
    title.base_style = normal
    title.font.bold = True
    title.font.size = Pt(13)
    title.font.color.rgb = RGBColor(0x1F, 0x3A, 0x5F)
    title.paragraph_format.space_after = Pt(12)
    bullet = document.styles["List Bullet"]
    bullet.font.name = "Calibri"
    bullet.paragraph_format.space_after = Pt(2)


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
    first.style = document.styles["Adresregel"]
    first.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    run = first.add_run("{{ sender_name }}")
    run.bold = True
    for content in ("{%p for line in sender_address_lines %}", "{{ line }}", "{%p endfor %}", "{{ sender_email }}",
                    "{%p for line in sender_registration_lines %}", "{{ line }}", "{%p endfor %}"):
        paragraph = sender_cell.add_paragraph(style="Adresregel")
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        paragraph.add_run(content).font.size = Pt(9)
    first.runs[0].font.size = Pt(9.5)
    for paragraph in header.paragraphs:
        if not paragraph.text:
            paragraph.paragraph_format.space_after = Pt(0)


def letter(document: Document) -> None:
    tag(document, "{%p if include_letter %}")
    tag(document, "{%p for line in recipient_address_lines %}")
    text(document, "{{ line }}", "Adresregel")
    tag(document, "{%p endfor %}")
    for _ in range(2):
        text(document, "", "Adresregel")
    text(document, "{{ date_line }}", "Adresregel")
    tag(document, "{%p if reference %}")
    text(document, "Ons kenmerk: {{ reference }}", "Adresregel")
    tag(document, "{%p endif %}")
    paragraph = document.add_paragraph(style="Adresregel")
    paragraph.add_run("Betreft: ").bold = True
    paragraph.add_run("{{ subject }}")
    paragraph.paragraph_format.space_after = Pt(18)
    text(document, "{{ salutation }}")
    for item in LETTER_PARAGRAPHS:
        if isinstance(item, tuple):
            text(document, item[0], "Tussenkop")
        else:
            text(document, item)
    text(document, "Met vriendelijke groet,")
    text(document, "{{ sender_name }}", "Adresregel")
    tag(document, "{%p if signature %}")
    text(document, "{{ signature }}", "Adresregel")
    tag(document, "{%p else %}")
    for _ in range(3):
        text(document, "", "Adresregel")
    tag(document, "{%p endif %}")
    text(document, "{{ signatory_name }}", "Adresregel")
    text(document, "{{ signatory_function }}", "Adresregel")
    tag(document, "{%p if include_annex %}")
    text(document, "", "Adresregel")
    text(document, "{{ annex_line }}", "Adresregel")
    tag(document, "{%p endif %}")
    tag(document, "{%p endif %}")


def annex(document: Document) -> None:
    tag(document, "{%p if include_annex %}")
    tag(document, "{%p if include_letter %}")
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    tag(document, "{%p endif %}")
    text(document, "Bijlage 1. Socialer inkoopbeleid met de PSO-prestatieladder", "Bijlagetitel")
    for item in ANNEX_PARAGRAPHS:
        if isinstance(item, tuple):
            text(document, item[0], "Tussenkop")
        else:
            text(document, item)
    tag(document, "{%p for measure in measures %}")
    text(document, "{{ measure }}", "List Bullet")
    tag(document, "{%p endfor %}")
    closing = document.add_paragraph()
    closing.paragraph_format.space_before = Pt(6)
    closing.add_run("Wij danken u hartelijk voor uw medewerking.")
    tag(document, "{%p endif %}")


def main(out: Path = OUT) -> None:
    document = Document()
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
    document.core_properties.language = "nl-NL"
    document.core_properties.author = "docassemble.psobrief"
    out.parent.mkdir(parents=True, exist_ok=True)
    document.save(out)
    print(f"written {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT)
