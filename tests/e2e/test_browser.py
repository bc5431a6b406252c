"""A person in a real browser: Playwright driving Debian's Chromium against the local server.

Walks every screen, trips a validation error, uploads a logo, changes an answer from the
review screen and sees it in the letter, downloads the DOCX, copies the share link.
A screenshot of every screen goes to artifacts/screens/.
"""

from __future__ import annotations

import io
import re
from urllib.parse import urljoin

import playwright.sync_api as playwright
from conftest import ROOT, docx_lines
from person import START, Person
from PIL import Image



def test_a_person_makes_letters(server, browser, artifacts, tmp_path):
    folder = artifacts / "screens"
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="nl-NL",
                                  permissions=["clipboard-read", "clipboard-write"], accept_downloads=True)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    person = Person(page, folder)

    page.goto(server["url"] + START)
    person.heading("Stimuleringsbrief voor uw ketenpartners")
    person.shot("intro")
    progress = page.get_by_role("progressbar", name="Voortgang vragenlijst")
    playwright.expect(progress).to_have_count(0)  # no bar on the introduction
    person.press("Beginnen")

    person.heading("Over uw organisatie")
    playwright.expect(progress).to_have_attribute("aria-valuenow", "10")
    playwright.expect(progress).to_have_text("10%")
    person.fill("Naam van uw organisatie", "Bouwbedrijf De Vries & Zonen B.V.")
    person.fill("Straat en huisnummer", "Stationsstraat 12")
    person.fill("Postcode", "12345")
    person.fill("Plaats", "Utrecht")
    person.fill("E-mailadres voor kopieën van PSO-Certificaten", "inkoop@devries-bouw.nl")
    person.fill("KvK-nummer", "3012 3456")
    page.locator("input[type=file]").first.set_input_files(str(ROOT / "docs" / "examples" / "logo.png"))
    person.press("Doorgaan")
    playwright.expect(page.get_by_text("is geen Nederlandse postcode")).to_be_visible()
    # nothing typed is lost
    playwright.expect(page.get_by_label("Naam van uw organisatie", exact=True)).to_have_value("Bouwbedrijf De Vries & Zonen B.V.")
    person.shot("sender-postcode-error")
    person.fill("Postcode", "3511ab")
    # docassemble hides the error when the field loses focus, which moves the button up:
    # leave the field first, as a keyboard user does, so the click lands on the button.
    person.leave_field()
    page.locator("input[type=file]").first.set_input_files(str(ROOT / "docs" / "examples" / "logo.png"))
    person.press("Doorgaan")

    person.heading("De PSO-status van Bouwbedrijf De Vries & Zonen B.V.")
    person.shot("pso-status")
    person.choose("PSO-Trede 1")
    person.choose("Nee")
    person.press("Doorgaan")

    person.heading("Wie ondertekent de brief?")
    person.fill("Naam", "Anna de Vries")
    person.fill("Functie", "Directeur")
    person.shot("signatory")
    person.press("Doorgaan")

    person.heading("Het onderwerp van de brief")
    person.choose("Stimuleren van inclusief ondernemen door bewuster in te kopen")
    person.shot("subject")
    person.press("Doorgaan")

    person.heading("Plaats, datum en kenmerk")
    playwright.expect(progress).to_have_attribute("aria-valuenow", "50")
    playwright.expect(page.get_by_label("Plaats boven de brief (optioneel)", exact=True)).to_have_value("")
    person.fill("Ons kenmerk (optioneel)", "INK-7")
    person.shot("place-date")
    person.press("Doorgaan")

    person.heading("De bijlage over uw inkoopbeleid")
    person.choose("Alle huidige en potentiële leveranciers ontvangen deze sociale inkoopcode;")  # untick
    person.fill("Eigen maatregelen (één per regel, optioneel)", "Wij kopen schoonmaak in bij een sociaal ontwikkelbedrijf")
    person.shot("annex")
    person.press("Doorgaan")

    person.heading("Hoe wilt u de ketenpartners invoeren?")
    person.choose("Eén voor één in deze vragenlijst")
    person.press("Doorgaan")

    person.heading("Aan wie stuurt u de brief?")
    # no form of address is chosen beforehand (a hurried person would send "Geachte heer" to a woman)
    for form in ("De heer", "Mevrouw", "Genderneutraal (voornaam of voorletters en achternaam)"):
        label = page.locator("label").filter(has_text=re.compile("^" + re.escape(form) + "$")).first
        playwright.expect(page.locator(f"[id='{label.get_attribute('for')}']")).not_to_be_checked()
    person.fill("Naam van de organisatie", "Groenvoorziening De Boer")
    person.fill("Straat en huisnummer", "Dorpsweg 8")
    person.fill("Postcode", "9711 LM")
    person.fill("Plaats", "Groningen")
    person.choose("Genderneutraal (voornaam of voorletters en achternaam)")
    person.fill("Voornaam of voorletters", "Kim")
    person.fill("Tussenvoegsel", "van den")
    person.fill("Achternaam", "Berg")
    person.shot("recipient-1")
    person.press("Doorgaan")

    person.heading("Nog een ketenpartner?")
    playwright.expect(page.get_by_text("Geachte Kim van den Berg,")).to_be_visible()
    person.shot("another")
    person.press("Ja, nog een ketenpartner toevoegen")

    person.heading("Ketenpartner 2")
    person.fill("Naam van de organisatie", "Transport & Logistiek Noord")
    person.fill("Straat en huisnummer", "Havenweg 3")
    person.fill("Postcode", "8011aa")
    person.fill("Plaats", "Zwolle")
    person.choose("Geen contactpersoon bekend")
    person.choose("Geachte relatie,")
    person.shot("recipient-2")
    person.press("Doorgaan")
    person.press("Nee, ga verder")

    person.heading("Controleer uw antwoorden")
    # a picture of the first letter's first page, with its alternative text
    preview = page.locator("img.psobrief-preview")
    playwright.expect(preview).to_have_attribute(
        "alt", re.compile(r"^Voorbeeld van de eerste pagina van de brief aan Groenvoorziening De Boer: briefhoofd van "
                          r"Bouwbedrijf De Vries & Zonen B\.V\., .*'Geachte Kim van den Berg,'"))
    assert page.evaluate("img => img.complete && img.naturalWidth", preview.element_handle()) == 600
    picture = Image.open(io.BytesIO(page.request.get(urljoin(page.url, preview.get_attribute("src"))).body()))
    assert picture.width == 600 and picture.height > 800  # an A4 page, portrait
    assert sum(1 for value in picture.convert("L").tobytes() if value < 128) > 2000  # with text on it
    person.shot("review")
    # change an answer from the review screen
    page.locator(".da-review").filter(has_text="Ondertekenaar").get_by_role("button").first.click() \
        if page.locator(".da-review").count() else page.get_by_text("Ondertekenaar").click()
    page.wait_for_load_state("networkidle")
    person.heading("Wie ondertekent de brief?")
    person.fill("Functie", "Directeur-eigenaar")
    playwright.expect(page.get_by_label("Functie", exact=True)).to_have_value("Directeur-eigenaar")
    person.press("Doorgaan")
    person.heading("Controleer uw antwoorden")
    # the review screen makes the preview of the changed letter first (LibreOffice): under
    # load that takes seconds, so wait for the new drawing rather than the default 5 s
    playwright.expect(page.get_by_text("Anna de Vries, Directeur-eigenaar")).to_be_visible(timeout=30000)
    person.press("Documenten maken")

    person.heading("Uw documenten zijn klaar", timeout=120000)
    playwright.expect(progress).to_have_attribute("aria-valuenow", "100")
    person.shot("downloads")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Stimuleringsbrief - Groenvoorziening De Boer.docx").click()
    path = tmp_path / "brief.docx"
    download_info.value.save_as(path)
    lines = docx_lines(path.read_bytes())
    assert "Geachte Kim van den Berg," in lines
    assert "Directeur-eigenaar" in lines  # the change made on the review screen
    assert "Betreft: Stimuleren van inclusief ondernemen door bewuster in te kopen" in lines
    assert "Wij zijn gecertificeerd op prestatieniveau PSO-Trede 1." in " ".join(lines)
    assert "Wij kopen schoonmaak in bij een sociaal ontwikkelbedrijf." in lines
    assert "Alle huidige en potentiële leveranciers ontvangen deze sociale inkoopcode;" not in lines
    (artifacts / "browser-brief.docx").write_bytes(path.read_bytes())

    # change an answer after the documents were made: they are made again, and the annex
    # screen shows the measures as chosen (the one unticked stays unticked)
    page.get_by_role("link", name="uw antwoorden", exact=True).click()
    person.heading("Controleer uw antwoorden")
    page.locator(".da-review").filter(has_text="Bijlage").get_by_role("button").first.click()
    person.heading("De bijlage over uw inkoopbeleid")
    unticked = page.locator("label").filter(has_text="Alle huidige en potentiële leveranciers ontvangen")
    box = page.locator(f"#{unticked.first.get_attribute('for')}")
    playwright.expect(box).not_to_be_checked()
    playwright.expect(page.locator("input[type=checkbox]:checked")).to_have_count(4)
    person.press("Doorgaan")
    person.heading("Controleer uw antwoorden")
    page.locator(".da-review").filter(has_text="Ondertekenaar").get_by_role("button").first.click()
    person.heading("Wie ondertekent de brief?")
    person.fill("Functie", "Algemeen directeur")
    person.press("Doorgaan")
    person.heading("Controleer uw antwoorden")
    person.press("Documenten maken")
    person.heading("Uw documenten zijn klaar", timeout=120000)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Stimuleringsbrief - Groenvoorziening De Boer.docx").click()
    lines = docx_lines(open(download_info.value.path(), "rb").read())
    assert "Algemeen directeur" in lines and "Directeur-eigenaar" not in lines
    assert "Alle huidige en potentiële leveranciers ontvangen deze sociale inkoopcode;" not in lines

    # the share block: copy the start link
    share = page.locator("#psobrief-share-link").input_value()
    assert share.endswith(START)
    page.get_by_role("button", name="Link kopiëren").click()
    playwright.expect(page.get_by_role("button", name="Gekopieerd!")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == share
    person.shot("copied")

    # a colleague opens the link: a fresh interview
    colleague = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    colleague.goto(share)
    playwright.expect(colleague.locator("#daMainQuestion")).to_contain_text("Stimuleringsbrief voor uw ketenpartners")
    # docassemble 1.10.13 loads bootstrap-fileinput's Dutch locale file although its bundle no
    # longer contains bootstrap-fileinput: a harmless error on every page in nl (and de, fr, ...).
    assert [e for e in errors if "setting 'nl'" not in e] == []
    context.close()
