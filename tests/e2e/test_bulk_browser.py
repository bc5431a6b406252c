"""Letters for a whole supplier list: a 25-row spreadsheet uploaded in the browser,
checked on screen, made by a background task with progress, downloaded as one ZIP."""

from __future__ import annotations

import io
import zipfile

import openpyxl
import playwright.sync_api as playwright
from conftest import docx_lines
from person import START, Person, answer_until_recipients
from test_accessibility import Checker

HEADERS = ["Organisatie", "Straat en huisnummer", "Postcode", "Plaats", "Land", "Aanspreekvorm",
           "Voornaam of voorletters", "Tussenvoegsel", "Achternaam", "Aanhef"]


def supplier_rows(count=25):
    """Suppliers with every form of address; returns (rows, expected salutation per organisation)."""
    rows, expected = [], {}
    forms = [("heer", "J.", "van den", "Berg", "Geachte heer Van den Berg,"),
             ("mevrouw", "K.", "de", "Boer", "Geachte mevrouw De Boer,"),
             ("neutraal", "Sam", "", "Jansen", "Geachte Sam Jansen,"),
             ("onbekend", "", "", "", "Geachte heer, mevrouw,")]
    for n in range(1, count + 1):
        form, given, tussenvoegsel, surname, salutation = forms[n % len(forms)]
        organisation = f"Leverancier {n:02d} & Zn."
        rows.append([organisation, f"Industrieweg {n}", f"{1000 + n * 37} AB", "Utrecht", "", form,
                     given, tussenvoegsel, surname, ""])
        expected[organisation] = salutation
    return rows, expected


def spreadsheet(path, rows):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADERS)
    sheet.append([])  # a blank row is tolerated
    for row in rows:
        sheet.append(row)
    workbook.save(path)


def test_25_suppliers_from_a_spreadsheet(server, browser, artifacts, tmp_path):
    rows, expected = supplier_rows(25)
    upload = tmp_path / "leveranciers.xlsx"
    spreadsheet(upload, rows)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="nl-NL", accept_downloads=True)
    page = context.new_page()
    person = Person(page, artifacts / "bulk")
    checker = Checker(page, person)
    page.goto(server["url"] + START)
    answer_until_recipients(person)

    person.heading("Hoe wilt u de ketenpartners invoeren?")
    person.choose("Uit een spreadsheet (Excel of CSV)")
    person.press("Doorgaan")
    person.heading("Upload uw lijst met ketenpartners")
    with page.expect_download() as example:
        page.get_by_role("link", name="Excel (.xlsx)").click()
    assert example.value.suggested_filename == "Ketenpartners-voorbeeld.xlsx"
    assert openpyxl.load_workbook(io.BytesIO(open(example.value.path(), "rb").read())).active["A1"].value == "Organisatie"
    checker.check("upload")
    # first a list with mistakes: every problem is listed, and a new upload fixes them
    broken = tmp_path / "fouten.xlsx"
    spreadsheet(broken, rows[:3] + [["Zonder Postcode BV", "Weg 1", "", "Ede", "", "heer", "", "", "Smit", ""],
                                    ["Postcode Fout BV", "Weg 2", "12345", "Ede", "", "mevrouw", "", "", "Bos", ""]])
    page.locator("input[type=file]").first.set_input_files(str(broken))
    person.press("Doorgaan")
    person.heading("Controleer de ketenpartners uit uw spreadsheet")
    playwright.expect(page.get_by_text("De spreadsheet heeft 2 fouten.")).to_be_visible()
    playwright.expect(page.get_by_text("Rij 7: '12345' is geen Nederlandse postcode.")).to_be_visible()
    playwright.expect(page.get_by_text("3 ketenpartners gelezen")).to_be_visible()
    checker.check("check-problems")
    person.press("Een andere spreadsheet uploaden")
    person.heading("Upload uw lijst met ketenpartners")
    page.locator("input[type=file]").first.set_input_files(str(upload))
    person.press("Doorgaan")

    person.heading("Controleer de ketenpartners uit uw spreadsheet")
    playwright.expect(page.get_by_text("25 ketenpartners gelezen")).to_be_visible()
    table = page.locator("table.psobrief-sheet")
    playwright.expect(table.get_by_role("row").filter(has_text="Leverancier 01 & Zn.")).to_contain_text("Geachte mevrouw De Boer,")
    checker.check("check")
    person.press("Deze ketenpartners gebruiken")

    person.heading("Controleer uw antwoorden")
    # every recipient from the spreadsheet is on the review screen, to change or delete
    recipients = page.locator("table").filter(has_text="Aanhef")
    playwright.expect(recipients.get_by_role("row")).to_have_count(26)
    checker.check("review-list")
    page.on("dialog", lambda dialog: dialog.accept())
    recipients.get_by_role("row").filter(has_text="Leverancier 03 & Zn.").get_by_role("button", name="Verwijderen").click()
    page.wait_for_load_state("networkidle")
    # docassemble asks again whether the list is complete after a change to it
    person.heading("Nog een ketenpartner?")
    person.press("Nee, ga verder")
    person.heading("Controleer uw antwoorden")
    playwright.expect(recipients.get_by_role("row")).to_have_count(25)
    playwright.expect(recipients).not_to_contain_text("Leverancier 03 & Zn.")
    recipients.get_by_role("row").filter(has_text="Leverancier 02 & Zn.").get_by_role("button", name="Wijzigen").click()
    page.wait_for_load_state("networkidle")
    person.heading("Ketenpartner")
    playwright.expect(page.get_by_label("Naam van de organisatie", exact=True)).to_have_value("Leverancier 02 & Zn.")
    person.fill("Naam van de organisatie", "Leverancier 02 <Gewijzigd> & Zn.")
    person.press("Doorgaan")
    if "Nog een ketenpartner?" in page.locator("#daMainQuestion").inner_text():
        person.press("Nee, ga verder")
    person.heading("Controleer uw antwoorden")
    playwright.expect(recipients).to_contain_text("Leverancier 02 <Gewijzigd> & Zn.")
    del expected["Leverancier 03 & Zn."]
    expected["Leverancier 02 <Gewijzigd> & Zn."] = expected.pop("Leverancier 02 & Zn.")
    person.press("Documenten maken")
    person.heading("Uw brieven worden gemaakt")
    playwright.expect(page.get_by_role("progressbar", name="Voortgang", exact=True)).to_be_visible()
    person.shot("progress")
    person.heading("Uw documenten zijn klaar", timeout=600000)
    checker.check("downloads")
    with page.expect_download() as download:
        page.get_by_role("link", name="Alles downloaden (ZIP)").click()
    archive = zipfile.ZipFile(download.value.path())
    (artifacts / "bulk-25.zip").write_bytes(open(download.value.path(), "rb").read())

    letters = sorted(n for n in archive.namelist() if n.startswith("Brieven/") and n.endswith(".docx"))
    assert len(letters) == 24
    assert letters[0] == "Brieven/Stimuleringsbrief - Leverancier 01 en Zn.docx"
    assert "Brieven/Stimuleringsbrief - Leverancier 03 en Zn.docx" not in letters
    for name in letters:
        lines = docx_lines(archive.read(name))
        organisation = next(line for line in lines if line.startswith("Leverancier"))
        assert expected[organisation] in lines, name
    assert len([n for n in archive.namelist() if n.startswith("PDF/")]) == 24
    combined = docx_lines(archive.read("Alle brieven om te printen.docx"))
    assert combined.count("Met vriendelijke groet,") == 24
    assert combined.count("Bijlage 1. Socialer inkoopbeleid met de PSO-prestatieladder") == 24
    overview = openpyxl.load_workbook(io.BytesIO(archive.read("Overzicht ketenpartners.xlsx"))).active
    values = list(overview.iter_rows(values_only=True))
    assert values[0][0] == "Organisatie" and len(values) == 25
    assert {row[7] for row in values[1:]} == {name[len("Brieven/"):] for name in letters}
    assert {row[0]: row[6] for row in values[1:]} == expected
    problems = {name: details for name, *_, details in checker.rows if details}
    assert problems == {}
    context.close()
