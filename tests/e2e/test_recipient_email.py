"""The recipient's optional e-mail address on the screen (issue 12): refused in Dutch at the
field for each kind of mistake, accepted without the spaces around it, shown on the review
screen's recipient line, and still there after "Wijzigen"."""

from __future__ import annotations

import playwright.sync_api as playwright
from person import START, Person, answer_until_recipients

LABEL = "E-mail (optioneel)"


def test_recipient_email_on_the_screen_and_the_review(server, browser, artifacts):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="nl-NL")
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    person = Person(page, artifacts / "mail")
    page.goto(server["url"] + START)
    answer_until_recipients(person)
    person.heading("Hoe wilt u de ketenpartners invoeren?")
    person.choose("Eén voor één in deze vragenlijst")
    person.press("Doorgaan")

    person.heading("Aan wie stuurt u de brief?")
    person.fill("Naam van de organisatie", "Groen B.V.")
    person.fill("Straat en huisnummer", "Dorpsweg 8")
    person.fill("Postcode", "9711 LM")
    person.fill("Plaats", "Groningen")
    person.choose("Genderneutraal (voornaam of voorletters en achternaam)")
    person.fill("Voornaam of voorletters", "Kim")
    person.fill("Achternaam", "Berg")
    field = page.get_by_label(LABEL, exact=True)
    playwright.expect(field).to_have_attribute("data-maxlength", "254")
    for typed, message in [
        ("Kim Berg <kim@groen.nl>", "Vul alleen het e-mailadres in, zonder naam, aanhalingstekens of punthaken"),
        ("kim@groen.nl; inkoop@groen.nl", "Vul één e-mailadres in, zonder komma of puntkomma."),
        ("kim@groen", "Dit is geen geldig e-mailadres. Schrijf het als naam@organisatie.nl"),
    ]:
        field.fill(typed)
        page.evaluate("() => { const v = window.jQuery && jQuery('#daform').data('validator');"
                      " if (v) { v.settings.rules = {}; } }")  # the server's rule, not the browser's
        person.press("Doorgaan")
        person.heading("Aan wie stuurt u de brief?")
        playwright.expect(page.get_by_text(message)).to_be_visible()
        playwright.expect(field).to_have_value(typed)  # nothing typed is lost
    person.shot("recipient-email-refused")
    field.fill("  kim.berg@groen-bv.nl  ")
    person.press("Doorgaan")

    person.heading("Nog een ketenpartner?")
    person.press("Nee, ga verder")
    person.heading("Controleer uw antwoorden")
    table = page.locator("table").filter(has_text="Aanhef")
    playwright.expect(table).to_contain_text("Dorpsweg 8, 9711 LM Groningen")
    playwright.expect(table.locator(".psobrief-email")).to_have_text("E-mail: kim.berg@groen-bv.nl")
    person.shot("review-with-email", widths=(1280, 375))

    # Wijzigen: the address is on the screen again, trimmed; emptied, it goes from the review
    table.get_by_role("button", name="Wijzigen").first.click()
    page.wait_for_load_state("networkidle")
    person.heading("Aan wie stuurt u de brief?")
    playwright.expect(page.get_by_label(LABEL, exact=True)).to_have_value("kim.berg@groen-bv.nl")
    page.get_by_label(LABEL, exact=True).fill("")
    person.press("Doorgaan")
    person.heading("Controleer uw antwoorden")
    table = page.locator("table").filter(has_text="Aanhef")
    playwright.expect(table).to_contain_text("Dorpsweg 8, 9711 LM Groningen")
    playwright.expect(table.locator(".psobrief-email")).to_have_count(0)
    assert [e for e in errors if "setting 'nl'" not in e] == []
    context.close()


def test_email_column_from_an_uploaded_spreadsheet(server, browser, artifacts, tmp_path):
    """A list with an E-mail column: a bad address is named by row; the good list's addresses
    reach the review screen's recipient lines (through fill_recipients)."""
    import openpyxl

    headers = ["Organisatie", "Straat en huisnummer", "Postcode", "Plaats", "Land", "Aanspreekvorm",
               "Voornaam of voorletters", "Tussenvoegsel", "Achternaam", "Aanhef", "E-mail"]

    def sheet(path, rows):
        workbook = openpyxl.Workbook()
        workbook.active.append(headers)
        for row in rows:
            workbook.active.append(row)
        workbook.save(path)

    good = [["Groen B.V.", "Dorpsweg 8", "9711 LM", "Groningen", "", "heer", "J.", "", "Smit", "", "j.smit@groen.nl"],
            ["Bos & Co", "Laan 1", "1234 AB", "Ede", "", "onbekend", "", "", "", "", ""],
            ["Water N.V.", "Kade 3", "3511 AB", "Utrecht", "", "mevrouw", "", "de", "Wit", "", " inkoop@water.nl "]]
    bad = tmp_path / "fout.xlsx"
    sheet(bad, good[:2] + [["Fout B.V.", "Weg 2", "1234 AB", "Ede", "", "", "", "", "", "", "a@b.nl, c@d.nl"]])
    upload = tmp_path / "lijst.xlsx"
    sheet(upload, good)

    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="nl-NL")
    page = context.new_page()
    person = Person(page, artifacts / "mail")
    page.goto(server["url"] + START)
    answer_until_recipients(person)
    person.heading("Hoe wilt u de ketenpartners invoeren?")
    person.choose("Uit een spreadsheet (Excel of CSV)")
    person.press("Doorgaan")
    person.heading("Upload uw lijst met ketenpartners")
    page.locator("input[type=file]").first.set_input_files(str(bad))
    person.press("Doorgaan")
    person.heading("Controleer de ketenpartners uit uw spreadsheet")
    playwright.expect(page.get_by_text("Rij 4: Vul één e-mailadres in, zonder komma of puntkomma.")).to_be_visible()
    person.press("Een andere spreadsheet uploaden")
    person.heading("Upload uw lijst met ketenpartners")
    page.locator("input[type=file]").first.set_input_files(str(upload))
    person.press("Doorgaan")
    person.heading("Controleer de ketenpartners uit uw spreadsheet")
    playwright.expect(page.get_by_text("3 ketenpartners gelezen")).to_be_visible()
    person.press("Deze ketenpartners gebruiken")
    person.heading("Controleer uw antwoorden")
    table = page.locator("table").filter(has_text="Aanhef")
    playwright.expect(table.locator(".psobrief-email")).to_have_text(["E-mail: j.smit@groen.nl", "E-mail: inkoop@water.nl"])
    playwright.expect(table.get_by_role("row").filter(has_text="Bos & Co").locator(".psobrief-email")).to_have_count(0)
    person.shot("review-list-with-email")
    context.close()
