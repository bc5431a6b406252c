"""E-mail in a real browser (issue 12): the download screen offers "Verstuur per e-mail", the
example message shows the subject, the recipient's salutation and the attachments, the annex can
be left out, and "Versturen naar 1 ketenpartner" sends; the results and the Verzendoverzicht
appear on the download screen, and the message arrives at the local SMTP server."""

from __future__ import annotations

import email
import email.policy
import secrets

import playwright.sync_api as playwright
from conftest import ROOT
from person import START, Person, answer_until_recipients

MAIL_DIR = ROOT / ".state" / "mail"


def test_example_message_and_sending_in_the_browser(server, browser, artifacts):
    token = secrets.token_hex(4)
    address = f"kim.{token}@groen-bv.example"
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="nl-NL")
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    person = Person(page, artifacts / "mail-browser")
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
    person.fill("E-mail (optioneel)", address)
    person.press("Doorgaan")
    person.heading("Nog een ketenpartner?")
    person.press("Nee, ga verder")
    person.heading("Controleer uw antwoorden")
    person.press("Documenten maken")
    person.heading("Uw documenten zijn klaar", timeout=120000)

    example = page.get_by_role("link", name="Voorbeeld van het bericht bekijken")
    for _ in range(60):  # the section appears once the PDFs are ready (the page says: reload)
        if example.count():
            break
        page.wait_for_timeout(2000)
        page.reload()
    playwright.expect(page.get_by_text("1 ketenpartner heeft een e-mailadres.")).to_be_visible()
    example.click()
    person.heading("Voorbeeld van het bericht")
    body = page.locator(".psobrief-example-body")
    playwright.expect(body).to_contain_text("Geachte Kim Berg,")
    playwright.expect(body).to_contain_text("KvK-nummer: 30123456")
    playwright.expect(page.locator(".psobrief-example")).to_contain_text("Socialer inkopen wordt belangrijker!")
    playwright.expect(page.locator(".psobrief-example")).to_contain_text(address)
    playwright.expect(page.locator(".psobrief-example")).to_contain_text("Stimuleringsbrief - Groen B.V.pdf")
    person.shot("example-message", widths=(1280, 375))
    person.choose("Nee")  # no annex this time
    person.press("Versturen naar 1 ketenpartner")
    person.heading("Uw documenten zijn klaar", timeout=120000)
    playwright.expect(page.locator(".psobrief-mail-summary")).to_have_text("1 bericht verstuurd.")
    playwright.expect(page.get_by_role("link", name="Verzendoverzicht (XLSX)")).to_be_visible()
    person.shot("mail-sent")
    arrived = [path for path in MAIL_DIR.glob("*.eml") if address.encode() in path.read_bytes()]
    assert len(arrived) == 1
    message = email.message_from_bytes(arrived[0].read_bytes(), policy=email.policy.default)
    assert [part.get_filename() for part in message.iter_attachments()] == ["Stimuleringsbrief - Groen B.V.pdf"]
    assert [e for e in errors if "setting 'nl'" not in e] == []  # docassemble's fileinput locale: see README
