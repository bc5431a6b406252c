"""Recipients from a spreadsheet: good files, broken files, limits and the template.

Every input is built here (openpyxl, csv, bytes); no binary fixtures.
"""

import codecs
import csv
import io
import re
import subprocess
import sys
import time
import zipfile

import openpyxl
import pytest
from conftest import ROOT

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
    "Upload een Excel-bestand (.xlsx) of een CSV-bestand (.csv) met een rij per ketenpartner, "
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
        "Haal die weg als u deze brief niet wilt maken."
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
    assert result.warnings == ["Rij 5 lijkt dezelfde ketenpartner als rij 2 (bakker b.v., 1234 AB)."]


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
        "Niet herkend: PC."
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
    result = read(xlsx([header, BAKKER + ["vaste klant", "020-1234567", "Postbus 1"]]))
    assert result.problems == []
    assert result.ignored_columns == ["Opmerking", "Telefoon", "Adres"]
    assert result.warnings == [
        "De kolom 'Adres' is niet gelezen: kolom 'Straat en huisnummer' staat er al voor Straat en huisnummer."
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
    message = "De spreadsheet bevat geen ketenpartners: alleen een kopregel."
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
    content = "Organisatie;Straat\r\n".encode() + b"\x81\x8d\xc3\x28;x\r\n"
    assert only_problem(content, "lijst.csv") == (
        "De tekens in dit CSV-bestand zijn niet te lezen. Sla het in Excel op als "
        "'CSV UTF-8 (door komma's gescheiden)' en upload het opnieuw."
    )


def test_old_xls_renamed_to_xlsx():
    content = (
        bytes.fromhex("D0CF11E0A1B11AE1") + b"\x00" * 504 + "Workbook".encode("utf-16-le") + b"\x00" * 200
    )
    assert only_problem(content, "lijst.xlsx") == (
        "Dit is een oud Excel-bestand (.xls). Sla het in Excel op als .xlsx of .csv en upload het opnieuw."
    )
    assert only_problem(content, "brief.doc") == "Dit is een Word-document, geen spreadsheet. " + ACCEPTED


def test_password_protected_xlsx():
    content = bytes.fromhex("D0CF11E0A1B11AE1") + b"\x00" * 504 + "EncryptedPackage".encode("utf-16-le")
    assert only_problem(content) == (
        "Dit Excel-bestand is met een wachtwoord beveiligd. Haal het wachtwoord eraf "
        "(Bestand > Info > Werkmap beveiligen) en upload het opnieuw."
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
        "Rij 4: '12345' is geen Nederlandse postcode. Een postcode heeft vier cijfers (niet "
        "beginnend met 0) en twee letters, bijvoorbeeld 1234 AB." + postcode_hint,
        "Rij 5: Vul de voornaam of voorletters in.",
        "Rij 5: Vul de achternaam in.",
        "Rij 5: Vul de naam van de organisatie in.",
        "Rij 5: Vul straat en huisnummer in.",
        "Rij 5: '0123 AB' is geen Nederlandse postcode. Een postcode heeft vier cijfers (niet "
        "beginnend met 0) en twee letters, bijvoorbeeld 1234 AB." + postcode_hint,
        "Rij 5: Vul de plaats in.",
        "Rij 6: aanspreekvorm 'dokter' is onbekend. Kies heer, mevrouw, neutraal of onbekend.",
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
        "Dit is een OpenDocument-spreadsheet (.ods). Sla het op als .xlsx of .csv en upload het opnieuw."
    )
    xlsb = zip_of({"[Content_Types].xml": "<x/>", "xl/workbook.bin": "x"})
    assert only_problem(xlsb) == (
        "Dit is een binaire Excel-werkmap (.xlsb). Sla het in Excel op als .xlsx of .csv en upload het opnieuw."
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
        "Rij 3: het CSV-bestand kan vanaf hier niet worden gelezen (aanhalingstekens of een veld dat te "
        "lang is). Sla het in Excel opnieuw op als CSV en upload het opnieuw."
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
    assert seconds < 5


def test_10000_rows_refused_quickly():
    result, seconds = timed(big_xlsx(2 * MAX_RECIPIENTS), "10000.xlsx")
    assert result.problems == [TOO_MANY] and result.recipients == []
    assert seconds < 5
    rows = [HEADER] + [BAKKER] * (2 * MAX_RECIPIENTS)
    result, seconds = timed(csv_bytes(rows), "10000.csv")
    assert result.problems == [TOO_MANY]
    assert seconds < 2


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
