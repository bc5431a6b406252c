"""Recipients from a spreadsheet: good files, broken files, limits and the template.

Every input is built here (openpyxl, csv, bytes); no binary fixtures.
"""

import codecs
import csv
import datetime
import io
import re
import subprocess
import sys
import time
import tracemalloc
import zipfile
from xml.sax.saxutils import escape as xml_escape

import openpyxl
import pytest
from conftest import ROOT

from docassemble.psobrief import fields
from docassemble.psobrief.answers import parse_answers
from docassemble.psobrief.spreadsheet import (
    COLUMNS,
    MAX_RECIPIENTS,
    SheetResult,
    preview_rows,
    read_recipients,
    template_csv,
    template_workbook,
)

HEADER = list(COLUMNS)
ACCEPTED = (
    "Upload een Excel-bestand (.xlsx) of een CSV-bestand (.csv) met één rij per ketenpartner, "
    "zoals de voorbeeldspreadsheet."
)
BAKKER = ["Bakker B.V.", "Kerkstraat 1", "1234 AB", "Amsterdam", "", "heer", "J.", "van den", "Berg", ""]
JANSEN = ["Jansen & Zn", "Dorpsweg 8", "9711 LM", "Groningen", "", "mevrouw", "", "", "de Boer", ""]
NOBODY = [
    "Transport Noord",
    "Havenweg 3",
    "8011 AA",
    "Zwolle",
    "",
    "onbekend",
    "",
    "",
    "",
    "Geachte relatie,",
]


# ------------------------------------------------------------------------- builders


def xlsx(rows, merge=(), sheets=None):
    """An XLSX with ``rows`` on one sheet (or ``sheets``: {title: rows}); ``merge``: ranges."""
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for title, sheet_rows in (sheets or {"Blad1": rows}).items():
        sheet = workbook.create_sheet(title)
        for row in sheet_rows:
            sheet.append(row)
    for cell_range in merge:
        workbook.worksheets[0].merge_cells(cell_range)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows, delimiter=";", encoding="cp1252", bom=b""):
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return bom + buffer.getvalue().encode(encoding)


def with_stored_results(content, results):
    """The XLSX with stored formula results, as Excel saves them: {"C2": ("str", "1234 AB")}."""
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename.startswith("xl/worksheets/sheet"):
                text = data.decode("utf-8")
                for ref, (kind, value) in results.items():
                    text, count = re.subn(
                        rf'<c r="{ref}"([^>]*)><f>(.*?)</f><v\s*/?>(</v>)?',
                        rf'<c r="{ref}"\1 t="{kind}"><f>\2</f><v>{value}</v>',
                        text,
                    )
                    assert count == 1, ref
                data = text.encode("utf-8")
            target.writestr(item, data)
    return out.getvalue()


def read(content, filename="ketenpartners.xlsx"):
    result = read_recipients(content, filename)
    assert isinstance(result, SheetResult)
    return result


def only_problem(content, filename="ketenpartners.xlsx"):
    result = read(content, filename)
    assert result.recipients == [] and result.rows == []
    assert len(result.problems) == 1, result.problems
    return result.problems[0]


# ----------------------------------------------------------------------- good files


def test_template_workbook_round_trip():
    result = read(template_workbook())
    assert result.problems == [] and result.ok
    assert result.rows == [2]
    assert result.recipients == [
        {
            "organisation": "Groenvoorziening De Boer",
            "street": "Dorpsweg 8",
            "postcode": "9711 LM",
            "city": "Groningen",
            "country": "",
            "contact": {
                "form": "neutraal",
                "given": "Kim",
                "tussenvoegsel": "van den",
                "surname": "Berg",
                "salutation": "",
            },
        }
    ]
    assert result.warnings == [
        "Rij 2 is de voorbeeldregel uit de voorbeeldspreadsheet (Groenvoorziening De Boer). "
        "Verwijder deze regel als u geen brief aan deze voorbeeldorganisatie wilt sturen."
    ]


def test_template_workbook_layout():
    workbook = openpyxl.load_workbook(io.BytesIO(template_workbook()))
    sheet = workbook["Ketenpartners"]
    assert workbook.sheetnames == ["Ketenpartners", "Toelichting"]
    assert [cell.value for cell in sheet[1]] == HEADER
    assert all(cell.font.b for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["A"].width > 20
    (validation,) = sheet.data_validations.dataValidation
    assert validation.type == "list"
    assert validation.formula1 == '"heer,mevrouw,neutraal,onbekend"'
    assert str(validation.sqref) == "F2:F5001"


def test_template_csv_round_trip():
    content = template_csv()
    assert content.startswith(codecs.BOM_UTF8)
    assert content.decode("utf-8-sig").splitlines()[0] == ";".join(HEADER)
    result = read(content, "voorbeeld.csv")
    assert result.problems == []
    assert result.recipients == read(template_workbook()).recipients


def test_dutch_excel_csv_cp1252():
    rows = [HEADER, ["Café Zoë", "Brink 2", "7411 bt", "Deventer", "", "Mw.", "Renée", "", "Groß", ""]]
    result = read(csv_bytes(rows, encoding="cp1252"), "lijst.csv")
    assert result.problems == []
    (recipient,) = result.recipients
    assert recipient["organisation"] == "Café Zoë"
    assert recipient["postcode"] == "7411 BT"
    assert recipient["contact"] == {
        "form": "mevrouw",
        "given": "Renée",
        "tussenvoegsel": "",
        "surname": "Groß",
        "salutation": "",
    }


def test_utf8_csv_with_bom_semicolon():
    rows = [HEADER, ["Café Zoë", "Brink 2", "7411 BT", "Deventer", "", "neutraal", "Kim", "", "Ünal", ""]]
    result = read(csv_bytes(rows, encoding="utf-8", bom=codecs.BOM_UTF8), "lijst.csv")
    assert result.problems == []
    assert result.recipients[0]["organisation"] == "Café Zoë"
    assert result.recipients[0]["contact"]["surname"] == "Ünal"


def test_comma_utf8_csv_with_quoted_comma():
    rows = [
        HEADER,
        ["Bakker, Smit & Co", "Kerkstraat 1", "1234AB", "Amsterdam", "", "heer", "", "", "Smit", ""],
    ]
    result = read(csv_bytes(rows, delimiter=",", encoding="utf-8"), "lijst.csv")
    assert result.problems == []
    assert result.recipients[0]["organisation"] == "Bakker, Smit & Co"
    assert result.recipients[0]["postcode"] == "1234 AB"


def test_tab_separated_and_sep_line():
    rows = [HEADER, BAKKER]
    assert read(csv_bytes(rows, delimiter="\t"), "lijst.txt").problems == []
    with_hint = b"sep=;\r\n" + csv_bytes(rows)
    result = read(with_hint, "lijst.csv")
    assert result.problems == [] and result.rows == [2]


def test_text_starting_like_a_binary_signature_is_csv():
    for title in ("PK Installatietechniek: leveranciers", "BMW-dealers 2026", "GIF-leveranciers"):
        result = read(csv_bytes([[title], HEADER, BAKKER]), "lijst.csv")
        assert result.problems == [] and result.rows == [3], title


def test_csv_renamed_xlsx_is_read_by_content():
    result = read(csv_bytes([HEADER, BAKKER]), "ketenpartners.xlsx")
    assert result.problems == [] and len(result.recipients) == 1


def test_blank_rows_whitespace_and_numbers():
    rows = [
        [
            " Organisatie ",
            "STRAAT EN HUISNUMMER",
            "postcode",
            "Plaats ",
            "Land",
            "aanspreekvorm",
            "Voornaam of voorletters",
            "Tussenvoegsel",
            "Achternaam",
            "Aanhef",
        ],
        [None] * 10,
        [
            "  Bakker   B.V. ",
            " Kerkstraat  1",
            " 1234ab ",
            "Amsterdam ",
            None,
            " Dhr. ",
            " j. ",
            "",
            "  Berg",
            None,
        ],
        [],
        ["", "", "", "", "", "", "", "", "", ""],
        ["Maison Dupont", "Rue Neuve 1", 1000, "Brussel", "België", "", None, None, None, None],
    ]
    result = read(xlsx(rows))
    assert result.problems == []
    assert result.rows == [3, 6]
    bakker, dupont = result.recipients
    assert bakker["organisation"] == "Bakker B.V."
    assert bakker["street"] == "Kerkstraat 1"
    assert bakker["postcode"] == "1234 AB"
    assert bakker["contact"]["form"] == "heer" and bakker["contact"]["given"] == "j."
    assert dupont["postcode"] == "1000" and dupont["country"] == "België"
    assert dupont["contact"]["form"] == "onbekend"


def test_header_aliases_case_and_bom():
    header = [
        "\ufeffBedrijfsnaam",
        "Adres",
        "POSTCODE",
        "Woonplaats",
        "Land",
        "Aanspreekvorm",
        "Voorletters",
        "Tussenvoegsel",
        "Achternaam",
        "Aanhef",
    ]
    result = read(csv_bytes([header, BAKKER], encoding="utf-8"), "lijst.csv")
    assert result.problems == [] and result.ignored_columns == []
    assert result.recipients[0]["organisation"] == "Bakker B.V."
    assert result.recipients[0]["contact"]["given"] == "J."


def test_forms_of_address_variants():
    forms = {
        "heer": "heer",
        "dhr": "heer",
        "dhr.": "heer",
        "De heer": "heer",
        "mevrouw": "mevrouw",
        "mw": "mevrouw",
        "Mw.": "mevrouw",
        "mevr.": "mevrouw",
        "neutraal": "neutraal",
        "Genderneutraal": "neutraal",
        "onbekend": "onbekend",
    }
    rows = [HEADER] + [
        [f"Bedrijf {n}", "Kerkstraat 1", f"12{n:02d} AB", "Amsterdam", "", typed, "Kim", "", "Berg", ""]
        for n, typed in enumerate(forms, start=10)
    ]
    rows.append(["Leeg B.V.", "Kerkstraat 1", "1299 AB", "Amsterdam", "", "", "", "", "", ""])
    result = read(xlsx(rows))
    assert result.problems == []
    assert [r["contact"]["form"] for r in result.recipients] == [*forms.values(), "onbekend"]


def test_duplicates_warned():
    rows = [
        HEADER,
        BAKKER,
        JANSEN,
        NOBODY,
        ["bakker  b.v.", "Kerkstraat 3", "1234ab", "Amsterdam", "", "onbekend", "", "", "", ""],
    ]
    result = read(xlsx(rows))
    assert result.problems == [] and len(result.recipients) == 4
    assert result.warnings == ["Rij 5 lijkt dezelfde ketenpartner te zijn als rij 2 (bakker b.v., 1234 AB). "
                               "Is dat zo? Verwijder dan een van beide rijen."]


def test_every_recipient_accepted_by_parse_answers(example_data):
    rows = [
        HEADER,
        BAKKER,
        JANSEN,
        NOBODY,
        ["Maison Dupont", "Rue Neuve 1", 1000, "Brussel", "België", "neutraal", "Kim", "", "Dupont", ""],
    ]
    result = read(xlsx(rows))
    assert result.problems == [] and len(result.recipients) == 4
    example_data["recipients"] = result.recipients
    answers = parse_answers(example_data, base_dir=ROOT / "docs" / "examples")
    assert [r.organisation for r in answers.recipients] == [
        "Bakker B.V.",
        "Jansen & Zn",
        "Transport Noord",
        "Maison Dupont",
    ]
    assert answers.recipients[3].country == "België"


def test_preview_rows():
    rows = [
        HEADER,
        BAKKER,
        JANSEN,
        NOBODY,
        ["Leeg B.V.", "Brink 1", "7411 BT", "Deventer", "", "", "", "", "", ""],
        ["Maison Dupont", "Rue Neuve 1", "1000", "Brussel", "België", "neutraal", "Kim", "", "Dupont", ""],
    ]
    preview = preview_rows(read(xlsx(rows)))
    assert preview[0] == {
        "row": 2,
        "organisation": "Bakker B.V.",
        "address": "Kerkstraat 1, 1234 AB AMSTERDAM",
        "attention": "T.a.v. de heer J. van den Berg",
        "salutation": "Geachte heer Van den Berg,",
    }
    assert [p["salutation"] for p in preview[1:]] == [
        "Geachte mevrouw De Boer,",
        "Geachte relatie,",
        "Geachte heer, mevrouw,",
        "Geachte Kim Dupont,",
    ]
    assert preview[4]["address"] == "Rue Neuve 1, 1000 BRUSSEL, BELGIË"
    assert preview[2]["attention"] == ""


def test_title_row_above_header_and_second_sheet():
    rows = [["Leveranciers 2026"], [], HEADER, BAKKER]
    sheets = {"Uitleg": [["Vul de lijst in op het tweede blad."]], "Lijst": rows, "Oud": [HEADER, JANSEN]}
    result = read(xlsx(None, sheets=sheets))
    assert result.problems == [] and result.rows == [4]
    assert result.recipients[0]["organisation"] == "Bakker B.V."
    assert result.warnings == [
        "Alleen werkblad 'Lijst' is gelezen; werkblad 'Oud' is overgeslagen.",
        "De kopregel staat op rij 3; wat erboven staat (rij 1) is niet gelezen.",
    ]


# --------------------------------------------------------------------- broken files


def test_missing_columns():
    header = ["Organisatie", "Straat en huisnummer", "PC", "Land"]
    assert only_problem(xlsx([header, ["Bakker", "Kerkstraat 1", "1234 AB", ""]])) == (
        "De kolommen Postcode en Plaats ontbreken. Gebruik de kolomkoppen van de voorbeeldspreadsheet. "
        "Deze kolomkoppen zijn niet herkend: PC."
    )
    assert only_problem(
        csv_bytes([["Organisatie", "Adres", "Postcode"], ["Bakker", "Kerkstraat 1", "1234 AB"]])
    ) == ("De kolom Plaats ontbreekt. Gebruik de kolomkoppen van de voorbeeldspreadsheet.")


def test_no_header_row():
    assert only_problem(xlsx([BAKKER, JANSEN])) == (
        "De kopregel ontbreekt: de eerste rij moet de kolomkoppen bevatten, zoals Organisatie, "
        "Straat en huisnummer, Postcode en Plaats. Gebruik de voorbeeldspreadsheet."
    )


def test_extra_and_double_columns_ignored():
    header = HEADER + ["Opmerking", "Telefoon", "Adres"]
    padding = [""] * (len(HEADER) - len(BAKKER))  # the optional columns after Aanhef (E-mail) left empty
    result = read(xlsx([header, BAKKER + padding + ["vaste klant", "020-1234567", "Postbus 1"]]))
    assert result.problems == []
    assert result.ignored_columns == ["Opmerking", "Telefoon", "Adres"]
    assert result.warnings == [
        "De kolom 'Adres' is overgeslagen, omdat kolom 'Straat en huisnummer' al als Straat en huisnummer wordt gebruikt."
    ]
    assert result.recipients[0]["street"] == "Kerkstraat 1"


@pytest.mark.parametrize("content", [b"", b"   \r\n\r\n", codecs.BOM_UTF8])
def test_empty_file(content):
    assert only_problem(content, "leeg.csv") == "Het bestand is leeg. " + ACCEPTED


def test_empty_workbook_and_blank_rows_only():
    message = "De spreadsheet is leeg: er staan geen kolomkoppen en geen ketenpartners in."
    assert only_problem(xlsx([])) == message
    assert only_problem(b";;;\r\n;;;\r\n", "leeg.csv") == message


def test_only_headers():
    message = "De spreadsheet bevat alleen een kopregel en nog geen ketenpartners."
    assert only_problem(xlsx([HEADER, [None] * 10, []])) == message
    assert only_problem(csv_bytes([HEADER, [""] * 10]), "lijst.csv") == message


def test_utf16_files_read():
    rows = [HEADER, ["Café Zoë", "Brink 2", "7411 BT", "Deventer", "", "onbekend", "", "", "", ""]]
    text = "".join("\t".join(row) + "\r\n" for row in rows)
    for content in (text.encode("utf-16"), text.encode("utf-16-le"), text.encode("utf-16-be")):
        result = read(content, "lijst.txt")
        assert result.problems == []
        assert result.recipients[0]["organisation"] == "Café Zoë"


def test_unreadable_characters():
    content = b"Organisatie;Straat\r\n" + b"\x81\x8d\xc3\x28;x\r\n"
    assert only_problem(content, "lijst.csv") == (
        "De tekens in dit CSV-bestand zijn niet te lezen. Sla het bestand in Excel op als "
        "'CSV UTF-8 (door komma's gescheiden)' en upload het opnieuw."
    )


def test_old_xls_renamed_to_xlsx():
    content = (
        bytes.fromhex("D0CF11E0A1B11AE1") + b"\x00" * 504 + "Workbook".encode("utf-16-le") + b"\x00" * 200
    )
    assert only_problem(content, "lijst.xlsx") == (
        "Dit is een oud Excel-bestand (.xls). Sla het bestand in Excel op als .xlsx of .csv en upload het opnieuw."
    )
    assert only_problem(content, "brief.doc") == "Dit is een Word-document, geen spreadsheet. " + ACCEPTED


def test_password_protected_xlsx():
    content = bytes.fromhex("D0CF11E0A1B11AE1") + b"\x00" * 504 + "EncryptedPackage".encode("utf-16-le")
    assert only_problem(content) == (
        "Dit Excel-bestand is met een wachtwoord beveiligd. Verwijder het wachtwoord in Excel "
        "(Bestand > Info > Werkmap beveiligen > Versleutelen met wachtwoord, en maak het veld leeg). "
        "Upload het bestand daarna opnieuw."
    )


def test_formula_without_stored_result():
    rows = [
        HEADER,
        ["Bakker B.V.", "Kerkstraat 1", '="1234"&" AB"', "Amsterdam", "", "heer", "", "", "Berg", ""],
        JANSEN,
    ]
    result = read(xlsx(rows))  # openpyxl stores no results
    assert result.problems == [
        "Rij 2: de formule in kolom Postcode heeft geen opgeslagen uitkomst. Open het bestand in Excel "
        "en sla het opnieuw op, of vervang de formule door de waarde."
    ]
    assert result.rows == [3]


def test_formula_with_stored_results():
    rows = [
        HEADER,
        ["Bakker B.V.", "Kerkstraat 1", '="1234"&" AB"', "Amsterdam", "", "heer", "", '=""', "Berg", ""],
        ["Jansen", "Dorpsweg 8", "=VLOOKUP(A3,Postcodes!A:B,2,FALSE)", "Groningen", "", "", "", "", "", ""],
    ]
    content = with_stored_results(
        xlsx(rows), {"C2": ("str", "1234 AB"), "H2": ("str", ""), "C3": ("e", "#N/A")}
    )
    result = read(content)
    assert result.problems == ["Rij 3: kolom Postcode bevat de foutwaarde #N/A. Vul de juiste waarde in."]
    assert result.rows == [2]
    assert result.recipients[0]["postcode"] == "1234 AB"
    assert result.recipients[0]["contact"]["tussenvoegsel"] == ""


def test_merged_cells():
    rows = [["Ketenpartners"], HEADER, BAKKER, ["", "Kerkstraat 2", "1234 AB", "Amsterdam", "", "onbekend"]]
    result = read(xlsx(rows, merge=["A1:J1", "A3:A4"]))
    assert result.problems == ["Rij 4: Vul de naam van de organisatie in."]
    assert result.rows == [3]
    assert result.warnings == ["De kopregel staat op rij 2; wat erboven staat (rij 1) is niet gelezen."]


def test_row_problems_all_reported_with_row_numbers():
    rows = [
        HEADER,
        BAKKER,
        [],
        ["Groen B.V.", "Laan 3", "12345", "Ede", "", "heer", "", "", "Smit", ""],
        ["", "", "0123 AB", "", "", "neutraal", "", "", "", ""],
        ["Smit", "Laan 4", "1234 SS", "Ede", "", "dokter", "", "", "Smit", ""],
        ["Vries", "Laan 5", "6711 AA", "Ede", "", "", "", "", "de Vries", ""],
        ["x" * 501, "Laan 6", "6711 AA", "Ede", "", "mevrouw", "", "", "Bos", "Beste Bos,"],
    ]
    result = read(xlsx(rows))
    postcode_hint = " Ligt het adres in het buitenland? Vul dan ook het land in."
    assert result.problems == [
        "Rij 4: '12345' is geen Nederlandse postcode. Een postcode heeft vier cijfers (het "
        "eerste cijfer is geen 0) en twee letters, bijvoorbeeld 1234 AB." + postcode_hint,
        "Rij 5: Vul de voornaam of voorletters in.",
        "Rij 5: Vul de achternaam in.",
        "Rij 5: Vul de naam van de organisatie in.",
        "Rij 5: Vul het adres (straat en huisnummer) in.",
        "Rij 5: '0123 AB' is geen Nederlandse postcode. Een postcode heeft vier cijfers (het "
        "eerste cijfer is geen 0) en twee letters, bijvoorbeeld 1234 AB." + postcode_hint,
        "Rij 5: Vul de plaats in.",
        "Rij 6: aanspreekvorm 'dokter' wordt niet herkend. Kies heer, mevrouw, neutraal of onbekend.",
        "Rij 6: '1234 SS' is geen Nederlandse postcode: de lettercombinatie SS wordt niet "
        "gebruikt." + postcode_hint,
        "Rij 7: de aanspreekvorm is leeg, maar er staat wel een achternaam. "
        "Vul heer, mevrouw, neutraal of onbekend in.",
        "Rij 8: De naam van de organisatie is 501 tekens lang. Het maximum is 200 tekens: maak de tekst korter.",
    ]
    assert result.rows == [2]
    assert result.warnings == [
        "Rij 8: de aanhef in de kolom Aanhef wordt niet gebruikt; die geldt alleen bij aanspreekvorm onbekend."
    ]


def test_numeric_dutch_postcode_reported():
    result = read(xlsx([HEADER, ["Bakker", "Kerkstraat 1", 1234, "Amsterdam", "", "onbekend"]]))
    assert result.problems[0].startswith("Rij 2: '1234' is geen Nederlandse postcode.")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 50, "Dit is een afbeelding, geen spreadsheet. "),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "Dit is een afbeelding, geen spreadsheet. "),
        (
            b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n",
            "Dit is een PDF-bestand, geen spreadsheet. ",
        ),
        (
            b"<!DOCTYPE html><html><body><table><tr><td>x</td></tr></table></body></html>",
            "Dit is een webpagina of XML-bestand, geen spreadsheet. ",
        ),
        (bytes(range(256)) * 4, "Dit bestand is geen spreadsheet. "),
        (b"Organisatie;Plaats\r\n" + bytes(range(1, 9)) * 40 + b";Ede\r\n", "Dit bestand is geen spreadsheet. "),
    ],
    ids=["png", "jpeg", "pdf", "html", "binary", "control-characters"],
)
def test_not_a_spreadsheet(content, message):
    assert only_problem(content, "ketenpartners.xlsx") == message + ACCEPTED


def test_word_document_renamed_xlsx():
    import docx

    buffer = io.BytesIO()
    document = docx.Document()
    document.add_paragraph("Organisatie;Straat en huisnummer;Postcode;Plaats")
    document.save(buffer)
    assert (
        only_problem(buffer.getvalue(), "lijst.xlsx")
        == "Dit is een Word-document, geen spreadsheet. " + ACCEPTED
    )


def zip_of(files):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_other_zip_files():
    ods = zip_of({"mimetype": "application/vnd.oasis.opendocument.spreadsheet", "content.xml": "<x/>"})
    assert only_problem(ods, "lijst.xlsx") == (
        "Dit is een OpenDocument-spreadsheet (.ods). Sla het bestand op als .xlsx of .csv en upload het opnieuw."
    )
    xlsb = zip_of({"[Content_Types].xml": "<x/>", "xl/workbook.bin": "x"})
    assert only_problem(xlsb) == (
        "Dit is een binaire Excel-werkmap (.xlsb). Sla het bestand in Excel op als .xlsx of .csv en upload het opnieuw."
    )
    assert only_problem(zip_of({"foto.jpg": "x"})) == "Dit is een ZIP-bestand, geen spreadsheet. " + ACCEPTED


DAMAGED = (
    "Het Excel-bestand is beschadigd of kan niet worden gelezen. Open het in Excel, "
    "sla het op als .xlsx en upload het opnieuw."
)


@pytest.mark.parametrize("cut", [100, 1000, -200, -30])
def test_truncated_xlsx(cut):
    assert only_problem(xlsx([HEADER, BAKKER])[:cut]) == DAMAGED


def test_damaged_xlsx_parts():
    content = xlsx([HEADER, BAKKER])
    source = zipfile.ZipFile(io.BytesIO(content))
    files = {name: source.read(name) for name in source.namelist()}
    files["xl/worksheets/sheet1.xml"] = files["xl/worksheets/sheet1.xml"][:-100]  # broken XML
    assert only_problem(zip_of(files)) == DAMAGED
    del files["xl/worksheets/sheet1.xml"]
    assert only_problem(zip_of(files)) == DAMAGED


def test_corrupted_bytes_never_raise():
    import random

    content = xlsx([HEADER, BAKKER, JANSEN])
    rng = random.Random(2026)
    for _ in range(60):
        broken = bytearray(content)
        for _ in range(rng.randint(1, 8)):
            broken[rng.randrange(len(broken))] = rng.randrange(256)
        result = read(bytes(broken))  # no exception, whatever the damage
        assert result.problems or len(result.recipients) == 2


def test_csv_field_too_long():
    content = csv_bytes([HEADER, BAKKER]) + b'"' + b"x" * 200_000 + b'";b\r\n'
    assert only_problem(content, "lijst.csv") == (
        "Rij 3: het CSV-bestand kan vanaf deze rij niet worden gelezen. Waarschijnlijk staat er een los "
        "aanhalingsteken (\") in een cel, of is een cel te lang. Sla het bestand in Excel nog eens op als CSV "
        "en upload het opnieuw."
    )


# -------------------------------------------------------------------------- limits


def big_xlsx(count):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    for n in range(count):
        sheet.append(
            [
                f"Bedrijf {n} B.V.",
                f"Kerkstraat {n}",
                "1234 AB",
                "Amsterdam",
                "",
                "heer",
                "J.",
                "van den",
                f"Berg{n}",
                "",
            ]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


TOO_MANY = (
    "De spreadsheet bevat meer dan 5.000 ketenpartners; het maximum is 5.000. "
    "Verdeel de lijst over meerdere bestanden en maak de brieven per bestand."
)


def timed(content, filename):
    start = time.perf_counter()
    result = read(content, filename)
    seconds = time.perf_counter() - start
    print(f"{filename}: {seconds:.2f} s")
    return result, seconds


def test_5000_rows_read_quickly():
    result, seconds = timed(big_xlsx(MAX_RECIPIENTS), "5000.xlsx")
    assert result.problems == [] and len(result.recipients) == MAX_RECIPIENTS
    assert result.rows[-1] == MAX_RECIPIENTS + 1


def test_10000_rows_refused_quickly():
    result, seconds = timed(big_xlsx(2 * MAX_RECIPIENTS), "10000.xlsx")
    assert result.problems == [TOO_MANY] and result.recipients == []
    rows = [HEADER] + [BAKKER] * (2 * MAX_RECIPIENTS)
    result, seconds = timed(csv_bytes(rows), "10000.csv")
    assert result.problems == [TOO_MANY]


def test_blank_rows_do_not_count():
    rows = [HEADER] + [BAKKER if n % 3 == 0 else [] for n in range(3 * MAX_RECIPIENTS)]
    result = read(csv_bytes(rows), "lijst.csv")
    assert len(result.recipients) == MAX_RECIPIENTS and result.problems == []


def test_module_does_not_import_docassemble():
    code = (
        "import sys, docassemble.psobrief.spreadsheet; "
        "sys.exit(any(m.startswith('docassemble.base') or m.startswith('docassemble.webapp') for m in sys.modules))"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


# ------------------------------------------------------------ bounded time and memory

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
TOO_LONG = (
    "De spreadsheet is te lang: na rij 20.000 staat nog meer. Er worden niet meer dan 20.000 rijen "
    "gelezen. Haal de lege rijen tussen de ketenpartners weg, of verdeel de lijst over meerdere bestanden."
)
TOO_COMPLEX = (
    "Het Excel-bestand bevat te veel cellen, opmaak of tekst om te lezen. Verwijder overbodige "
    "werkbladen en kolommen en lege cellen met opmaak, of sla de lijst op als .csv en upload die."
)


def blank_run_warning(row):
    return (
        f"Onder rij {row} staan meer dan 1.000 lege rijen. Wat daaronder staat, is niet gelezen. "
        "Staan daar nog ketenpartners? Haal dan de lege rijen weg en upload het bestand opnieuw."
    )


SHARED_STRINGS_RELATION = (
    '<Relationship Id="rId99" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'sharedStrings" Target="sharedStrings.xml"/></Relationships>'
)


def with_parts(content, parts, level=1):
    """The XLSX ``content`` with parts replaced or added: {name: bytes, or an iterable of str chunks}.

    An added xl/sharedStrings.xml gets its relation in the workbook.
    """
    source = zipfile.ZipFile(io.BytesIO(content))
    files = {name: source.read(name) for name in source.namelist()}
    if "xl/sharedStrings.xml" in parts and "xl/sharedStrings.xml" not in files:
        relations = files["xl/_rels/workbook.xml.rels"].decode()
        relations = relations.replace("</Relationships>", SHARED_STRINGS_RELATION)
        files["xl/_rels/workbook.xml.rels"] = relations.encode()
    files.update(parts)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as target:
        for name, data in files.items():
            if isinstance(data, bytes):
                target.writestr(name, data)
                continue
            with target.open(name, "w", force_zip64=True) as stream:
                for chunk in data:
                    stream.write(chunk.encode("utf-8"))
    return out.getvalue()


def inline_cell(reference, text):
    """A cell with its own text (``text`` is XML already)."""
    return f'<c r="{reference}" t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'


def inline_row(number, values, escape=xml_escape):
    cells = "".join(
        inline_cell(f"{chr(65 + n)}{number}", escape(value)) for n, value in enumerate(values) if value
    )
    return f'<row r="{number}">{cells}</row>'


def sheet_xml(rows, dimension=None, tail=""):
    """Sheet XML chunks: ``rows`` ({row number: values} or chunks of ready XML) in <sheetData>."""
    yield f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{NS}">'
    if dimension:
        yield f'<dimension ref="{dimension}"/>'
    yield "<sheetData>"
    if isinstance(rows, dict):
        yield "".join(inline_row(number, values) for number, values in rows.items())
    else:
        yield from rows
    yield "</sheetData>" + tail + "</worksheet>"


def handmade_xlsx(rows, dimension=None, tail="", parts=None):
    """An XLSX whose sheet XML is :func:`sheet_xml` (and ``parts``, see :func:`with_parts`)."""
    parts = {"xl/worksheets/sheet1.xml": sheet_xml(rows, dimension, tail), **(parts or {})}
    return with_parts(xlsx([HEADER]), parts)


def blank_rows_bomb(dimension):
    """Header and two recipients, then blank rows to row 1,000,000: cells with only a style or
    only spaces, about 95 MB of sheet XML (just under the 100 MB unzipped limit)."""

    def rows():
        yield inline_row(1, HEADER) + inline_row(2, BAKKER) + inline_row(3, JANSEN)
        block = []
        for number in range(4, 1_000_001):
            if number % 2:
                cells = "".join(f'<c r="{column}{number}" s="0"/>' for column in "ABCD")
            else:
                cells = inline_cell(f"A{number}", "  ")
            block.append(f'<row r="{number}">{cells}</row>')
            if len(block) == 20_000:
                yield "".join(block)
                block = []
        yield "".join(block)

    return handmade_xlsx(rows(), dimension)


def measured(content, filename):
    """The result, the seconds it took, and the peak of Python memory (MB) in a second, traced run."""
    result, seconds = timed(content, filename)
    tracemalloc.start()
    try:
        read(content, filename)
        peak = tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()
    print(f"{filename}: peak {peak:.0f} MB")
    return result, seconds, peak


@pytest.mark.parametrize("dimension", ["A1:J1000000", None], ids=["dimension", "no-dimension"])
def test_blank_rows_bomb_read_quickly(dimension):
    content = blank_rows_bomb(dimension)
    unzipped = sum(item.file_size for item in zipfile.ZipFile(io.BytesIO(content)).infolist())
    assert 90 * 2**20 < unzipped < 100 * 2**20
    result, seconds, peak = measured(content, "bom.xlsx")
    assert result.problems == [] and result.rows == [2, 3]
    assert result.warnings == [blank_run_warning(3)]
    assert peak < 300  # time: bench/bench_spreadsheet.py


def test_lying_dimension():
    content = handmade_xlsx({1: HEADER, 2: BAKKER, 3: JANSEN}, dimension="A1:XFD1048576")
    result, seconds, peak = measured(content, "lijst.xlsx")
    assert result.problems == [] and result.warnings == [] and result.rows == [2, 3]
    assert peak < 300  # time: bench/bench_spreadsheet.py


def test_5000_rows_in_bounded_memory():
    for content, filename in ((big_xlsx(MAX_RECIPIENTS), "5000.xlsx"),
                              (csv_bytes([HEADER] + [BAKKER] * MAX_RECIPIENTS), "5000.csv")):
        result, seconds, peak = measured(content, filename)
        assert len(result.recipients) == MAX_RECIPIENTS and result.problems == []
        assert peak < 300  # time: bench/bench_spreadsheet.py


def test_csv_bomb_of_empty_lines():
    for content, problem in (
        (b",,,\n" * 2_000_000, "De spreadsheet is leeg: er staan geen kolomkoppen en geen ketenpartners in."),
        (",".join(HEADER).encode() + b"\n" + b",,,\n" * 2_000_000,
         "De spreadsheet bevat alleen een kopregel en nog geen ketenpartners."),
    ):
        result, seconds, peak = measured(content, "leeg.csv")
        assert result.problems == [problem]
        assert peak < 300  # time: bench/bench_spreadsheet.py
    content = csv_bytes([HEADER, BAKKER]) + b";;;\r\n" * 2_000_000 + csv_bytes([JANSEN])
    result, seconds, peak = measured(content, "lijst.csv")
    assert result.problems == [] and result.rows == [2]
    assert result.warnings == [blank_run_warning(2)]
    assert peak < 300  # time: bench/bench_spreadsheet.py


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_rows_after_more_than_1000_blank_rows_are_not_read(kind):
    def content(blank):
        rows = [HEADER, BAKKER] + [[]] * blank + [JANSEN]
        if kind == "csv":
            return csv_bytes(rows)
        return handmade_xlsx({1: HEADER, 2: BAKKER, 3 + blank: JANSEN})  # blank rows absent, as in Excel

    result = read(content(1000))
    assert result.rows == [2, 1003] and result.warnings == []
    result = read(content(1001))
    assert result.problems == [] and result.rows == [2]
    assert result.warnings == [blank_run_warning(2)]


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_more_than_20000_rows_refused(kind):
    numbers = range(2, 25_000, 500)  # fewer than 1,000 blank rows between recipients
    if kind == "csv":
        rows = [HEADER] + [BAKKER if n in numbers else [] for n in range(2, 25_000)]
        content = csv_bytes(rows)
    else:
        content = handmade_xlsx({1: HEADER, **{n: BAKKER for n in numbers}})
    result, seconds, _ = measured(content, f"lang.{kind}")
    assert result.problems == [TOO_LONG] and result.recipients == []


def test_too_many_cells_refused_quickly():
    wide_row = ['<row r="4">', "<c/>" * 2_000_000, "</row>"]  # no references: column after column
    content = handmade_xlsx([inline_row(1, HEADER), inline_row(2, BAKKER), inline_row(3, JANSEN), *wide_row])
    result, seconds, peak = measured(content, "breed.xlsx")
    assert result.problems == [TOO_COMPLEX]
    assert peak < 300  # time: bench/bench_spreadsheet.py


def test_too_many_shared_strings_refused_quickly():
    strings = [f'<sst xmlns="{NS}">', "<si/>" * 2_000_000, "</sst>"]
    content = with_parts(xlsx([HEADER, BAKKER]), {"xl/sharedStrings.xml": strings})
    result, seconds, peak = measured(content, "teksten.xlsx")
    assert result.problems == [TOO_COMPLEX]
    assert peak < 300  # time: bench/bench_spreadsheet.py


@pytest.mark.parametrize(
    "markup",
    [
        ['<row r="3"><c r="A3" x="', "y" * 90_000_000, '"/></row>'],  # one attribute of 90 MB
        ["<!--", "x" * 90_000_000, "-->"],  # a comment of 90 MB
        ['<row r="3">', ("<c " + " ".join(f'a{n}=""' for n in range(25_000)) + "/>") * 390, "</row>"],
    ],
    ids=["attribute", "comment", "many-attributes"],
)
def test_huge_markup_refused_quickly(markup):
    content = handmade_xlsx([inline_row(1, HEADER), inline_row(2, BAKKER), *markup, inline_row(4, JANSEN)])
    result, seconds, peak = measured(content, "opmaak.xlsx")
    assert result.problems == [TOO_COMPLEX]
    assert peak < 300  # time: bench/bench_spreadsheet.py


def test_doctype_and_entities_refused():
    sheet = (
        f'<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY a "{"x" * 1000}">]><worksheet xmlns="{NS}">'
        f"<sheetData>{inline_row(1, HEADER)}{inline_row(2, ['&a;'] + BAKKER[1:], str)}"
        "</sheetData></worksheet>"
    )
    content = with_parts(xlsx([HEADER, BAKKER]), {"xl/worksheets/sheet1.xml": sheet.encode()})
    assert only_problem(content) == DAMAGED


def test_what_follows_the_rows_is_not_read():
    merges = "<mergeCells>" + '<mergeCell ref="A1:B1"/>' * 500_000 + "</mergeCells>"
    content = handmade_xlsx({1: HEADER, 2: BAKKER}, tail=merges)
    result, seconds = timed(content, "lijst.xlsx")
    assert result.problems == [] and result.rows == [2]


# ------------------------------------------------------------ control characters


def control_notice(key, value):
    """The notice the answers contract gives for ``value`` (one invisible character left out)."""
    (notice,) = fields.check(key, value).notices
    return notice


def filler(count):
    return [[f"Bedrijf {n} B.V.", f"Kerkstraat {n}", "1234 AB", "Amsterdam", "", "onbekend", "", "", "", ""]
            for n in range(count)]


@pytest.mark.parametrize("char", ["\x01", "\x00", "\x1a", "\x7f"], ids=["x01", "nul", "ctrl-z", "del"])
def test_control_character_after_4_kb_of_csv(char):
    rows = [HEADER] + filler(80) + [["Groen" + char + " B.V.", "Laan 3", "6711 AA", "Ede", "", "onbekend"]]
    content = csv_bytes(rows, encoding="utf-8")
    assert content.index(char.encode()) > 4096
    result = read(content, "lijst.csv")
    assert result.problems == [] and result.rows[-1] == 82
    assert result.recipients[-1]["organisation"] == "Groen B.V."
    assert result.warnings == ["Rij 82: " + control_notice("recipient.organisation", "Groen\x01 B.V.")]
    assert result.warnings[0].startswith("Rij 82: Wij hebben 1 onzichtbaar teken weggelaten uit de naam van de organisatie.")


def test_control_characters_anywhere_in_csv_are_read():
    content = (
        b"Organisatie;Straat en huisnummer;Postcode;Plaats\r\n"
        b"Bakker\x07 B.V.;Kerkstraat 1;1234 AB;Amsterdam\r\n"
        b"Jansen\x0b& Zn;Dorpsweg\x0c8;9711 LM;Groningen\r\n"  # vertical tab (Word's line break), form feed
    )
    result = read(content, "lijst.csv")
    assert result.problems == []
    assert [r["organisation"] for r in result.recipients] == ["Bakker B.V.", "Jansen & Zn"]
    assert result.recipients[1]["street"] == "Dorpsweg 8"  # white space, so a space
    assert result.warnings == ["Rij 2: " + control_notice("recipient.organisation", "Bakker\x07 B.V.")]


def test_control_character_in_xlsx_cell():
    # openpyxl refuses to write a control character; Excel writes it escaped, as _x0001_.
    rows = [HEADER] + filler(3) + [["Groen_x0001_ B.V.", "Laan_x001A_ 3", "6711 AA", "Ede", "", "onbekend"]]
    rows.append(["Literal _x005F_x0001_ B.V.", "Laan 4", "6711 AA", "Ede", "", "onbekend"])  # an escaped "_"
    result = read(xlsx(rows))
    assert result.problems == [] and result.rows == [2, 3, 4, 5, 6]
    assert result.recipients[3]["organisation"] == "Groen B.V."
    assert result.recipients[3]["street"] == "Laan 3"
    assert result.recipients[4]["organisation"] == "Literal _x0001_ B.V."
    assert result.warnings == [
        "Rij 5: " + control_notice("recipient.organisation", "Groen\x01 B.V."),
        "Rij 5: " + control_notice("recipient.street", "Laan\x01 3"),
    ]
    # the same in a shared string with two runs of rich text, the way Excel saves text
    texts = [*HEADER, *BAKKER[1:4], "onbekend"]
    strings = f'<sst xmlns="{NS}">' + "".join(f"<si><t>{text}</t></si>" for text in texts)
    strings += "<si><r><t>Groen</t></r><r><rPr><b/></rPr><t>_x0001_ B.V.</t></r></si></sst>"
    first = len(HEADER)  # the shared-string index of BAKKER[1]
    row2 = zip(("A2", "B2", "C2", "D2", "F2"), (len(texts), first, first + 1, first + 2, first + 3))
    rows = [
        '<row r="1">' + "".join(f'<c r="{chr(65 + n)}1" t="s"><v>{n}</v></c>' for n in range(first)) + "</row>",
        '<row r="2">' + "".join(f'<c r="{ref}" t="s"><v>{index}</v></c>' for ref, index in row2) + "</row>",
    ]
    result = read(handmade_xlsx(rows, parts={"xl/sharedStrings.xml": strings.encode()}))
    assert result.problems == [] and result.recipients[0]["organisation"] == "Groen B.V."
    assert result.warnings == ["Rij 2: " + control_notice("recipient.organisation", "Groen\x01 B.V.")]


def test_raw_control_character_in_sheet_xml_is_damaged():
    content = handmade_xlsx([inline_row(1, HEADER), inline_row(2, ["Groen&#1; B.V.", *BAKKER[1:]], str)])
    assert only_problem(content) == DAMAGED


# ------------------------------------------------------------ dates and times


@pytest.mark.parametrize("epoch", ["1900", "1904"])
def test_date_and_time_cells_warned(epoch):
    workbook = openpyxl.Workbook()
    if epoch == "1904":
        from openpyxl.utils.datetime import CALENDAR_MAC_1904

        workbook.epoch = CALENDAR_MAC_1904
    sheet = workbook.active
    sheet.append(HEADER)
    day, moment = datetime.date(2026, 11, 25), datetime.datetime(2026, 11, 25, 12, 30)
    sheet.append([day, "Kerkstraat 1", "1234 AB", datetime.time(12, 30), "", "onbekend"])
    sheet.append(["Jansen", moment, 1000, "Brussel", "België", "onbekend"])  # 1000: a number, no warning
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = read(buffer.getvalue())
    assert result.problems == []
    first, second = result.recipients
    assert (first["organisation"], first["city"]) == ("25-11-2026", "12:30:00")
    assert (second["street"], second["postcode"]) == ("25-11-2026 12:30", "1000")
    check = "Controleer of dat klopt; typ anders de tekst in de cel."
    assert result.warnings == [
        f"Rij 2: de cel in kolom Organisatie is in Excel opgemaakt als datum (25-11-2026). {check}",
        f"Rij 2: de cel in kolom Plaats is in Excel opgemaakt als tijd (12:30:00). {check}",
        "Rij 3: de cel in kolom Straat en huisnummer is in Excel opgemaakt als datum "
        f"(25-11-2026 12:30). {check}",
    ]


# ------------------------------------------------------------------ the E-mail column (issue 12)


def test_template_has_an_email_column_with_help():
    assert HEADER[-1] == "E-mail" and COLUMNS["E-mail"] == "email"
    workbook = openpyxl.load_workbook(io.BytesIO(template_workbook()))
    assert [cell.value for cell in workbook["Ketenpartners"][1]][-1] == "E-mail"
    assert workbook["Ketenpartners"]["K2"].value in (None, "")  # the example row is never e-mailed
    help_rows = {row[0]: row for row in workbook["Toelichting"].iter_rows(values_only=True) if row and row[0]}
    assert help_rows["E-mail"][1] == "nee"
    assert "Eén e-mailadres" in help_rows["E-mail"][2] and "zonder naam of punthaken" in help_rows["E-mail"][2]
    assert template_csv().decode("utf-8-sig").splitlines()[0].endswith(";E-mail")


@pytest.mark.parametrize("make", [lambda rows: read(xlsx(rows)), lambda rows: read(csv_bytes(rows), "lijst.csv")])
def test_email_column_read_and_checked(make):
    rows = [
        HEADER,
        BAKKER + [" inkoop@bakker.nl "],
        JANSEN + [""],
        NOBODY + ["planning@transport-noord.nl"],
    ]
    result = make(rows)
    assert result.problems == []
    assert [r.get("email") for r in result.recipients] == ["inkoop@bakker.nl", None, "planning@transport-noord.nl"]
    assert preview_rows(result)[0]["email"] == "inkoop@bakker.nl" and "email" not in preview_rows(result)[1]


@pytest.mark.parametrize("header", ["E-mail", "Email", "e-mailadres", "E-mailadres contactpersoon", "Mail"])
def test_email_column_aliases(header):
    result = read(csv_bytes([HEADER[:-1] + [header], BAKKER + ["inkoop@bakker.nl"]], encoding="utf-8"), "lijst.csv")
    assert result.problems == [] and result.ignored_columns == []
    assert result.recipients[0]["email"] == "inkoop@bakker.nl"


def test_bad_addresses_reported_per_row_in_dutch():
    rows = [
        HEADER,
        BAKKER + ["Jan Bakker <jan@bakker.nl>"],
        JANSEN + ["a@jansen.nl; b@jansen.nl"],
        NOBODY + ["geen adres"],
        ["Goed B.V.", "Brink 1", "7411 BT", "Deventer", "", "", "", "", "", "", "goed@goed.nl"],
    ]
    result = read(xlsx(rows))
    assert result.problems == [
        "Rij 2: Vul alleen het e-mailadres in, zonder naam, aanhalingstekens of punthaken ervoor of erachter: "
        "bijvoorbeeld j.devries@organisatie.nl.",
        "Rij 3: Vul één e-mailadres in, zonder komma of puntkomma. Een brief gaat naar één adres per ketenpartner.",
        "Rij 4: Dit is geen geldig e-mailadres. Schrijf het als naam@organisatie.nl: zonder spaties en zonder "
        "letters met accenten.",
    ]
    assert result.rows == [5] and result.recipients[0]["email"] == "goed@goed.nl"


def test_line_break_in_an_email_cell_refused_not_joined():
    """Alt+Enter in an Excel cell, or a CR/LF a CSV kept in quotes: refused, never folded into one address."""
    rows = [HEADER, BAKKER + ["inkoop@bakker.nl\nBcc: evil@x.nl"], JANSEN + ["a@jansen.nl\r\n"]]
    for result in (read(xlsx(rows)), read(csv_bytes(rows, encoding="utf-8"), "lijst.csv")):
        assert result.recipients == []
        assert result.problems == [
            f"Rij {n}: Het e-mailadres bevat een regeleinde of een onzichtbaar teken. Typ het adres opnieuw, op één "
            "regel, bijvoorbeeld j.devries@organisatie.nl." for n in (2, 3)]


def test_email_column_as_a_number_or_date_cell_refused():
    rows = [HEADER, BAKKER + [12345], JANSEN + [datetime.date(2026, 11, 25)]]
    result = read(xlsx(rows))
    assert len(result.problems) == 2 and all("geen geldig e-mailadres" in p for p in result.problems)
