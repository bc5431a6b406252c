"""An organisation profile shared with a colleague, through the real server and two browsers.

Person A makes letters (with logo and signature) and saves the organisation profile from the
download screen. Person B, in another browser context and not signed in, opens A's link,
finds A's organisation filled in, adds one recipient and gets a letter with A's letterhead,
logo, signature and signatory. The server restarts in between (the profile is kept in its
database). A withdraws the profile; B's link then says so in Dutch, as a mistyped link does. The new screens are checked like every other screen (test_accessibility).
"""

from __future__ import annotations

import html
import io
import re
import subprocess
import zipfile
from datetime import date

import playwright.sync_api as playwright
from conftest import ROOT, SERVE, docx_lines
from person import START, Person
from test_accessibility import Checker

EXAMPLES = ROOT / "docs" / "examples"
ORGANISATION = "Bouwbedrijf De Vries & Zonen B.V."
UNKNOWN = "Deze link naar een organisatieprofiel werkt niet"


def image_descriptions(docx: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        xml = "".join(archive.read(name).decode("utf-8") for name in archive.namelist()
                      if name.startswith("word/") and name.endswith(".xml"))
    return [html.unescape(text) for text in re.findall(r'<wp:docPr [^>]*descr="([^"]*)"', xml)]


def person_a_makes_letters(page, person):
    person.heading("Stimuleringsbrief voor uw ketenpartners")
    person.press("Beginnen")
    person.heading("Over uw organisatie")
    person.fill("Naam van uw organisatie", ORGANISATION)
    person.fill("Straat en huisnummer", "Stationsstraat 12")
    person.fill("Postcode", "3511 AB")
    person.fill("Plaats", "Utrecht")
    person.fill("E-mailadres voor kopieën van PSO-Certificaten", "inkoop@devries-bouw.nl")
    person.fill("KvK-nummer", "30123456")
    page.get_by_label("Logo (optioneel)", exact=True).set_input_files(str(EXAMPLES / "logo.png"))
    person.press("Doorgaan")
    person.heading("De PSO-status")
    person.choose("PSO-Trede 2")
    person.choose("Ja")
    person.press("Doorgaan")
    person.heading("Wie ondertekent de brief?")
    person.fill("Naam", "Anna de Vries")
    person.fill("Functie", "Directeur")
    page.get_by_label("Handtekening (optioneel)", exact=True).set_input_files(str(EXAMPLES / "handtekening.png"))
    person.press("Doorgaan")
    person.heading("Het onderwerp van de brief")
    person.choose("Een eigen onderwerp")
    person.fill("Uw eigen onderwerp", "Samen socialer inkopen")
    person.press("Doorgaan")
    person.heading("Plaats, datum en kenmerk")
    person.fill("Datum", "01-12-2026")
    person.fill("Ons kenmerk (optioneel)", "INK-7")
    person.press("Doorgaan")
    person.heading("De bijlage over uw inkoopbeleid")
    person.choose("Alle huidige en potentiële leveranciers ontvangen deze sociale inkoopcode;")  # untick
    person.press("Doorgaan")
    person.heading("Hoe wilt u de ketenpartners invoeren?")
    person.choose("Eén voor één in deze vragenlijst")
    person.press("Doorgaan")
    person.heading("Aan wie stuurt u de brief?")
    person.fill("Naam van de organisatie", "Groen B.V.")
    person.fill("Straat en huisnummer", "Kerkstraat 1")
    person.fill("Postcode", "1234 AB")
    person.fill("Plaats", "Amsterdam")
    person.choose("Geen contactpersoon bekend")
    person.press("Doorgaan")
    person.press("Nee, ga verder")
    person.heading("Controleer uw antwoorden")
    person.press("Documenten maken")
    person.heading("Uw documenten zijn klaar", timeout=120000)


def test_a_colleague_starts_from_the_organisation_profile(server, browser, artifacts):
    a_context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="nl-NL")
    a = a_context.new_page()
    person_a = Person(a, artifacts / "profile")
    a.goto(server["url"] + START)
    person_a_makes_letters(a, person_a)
    check_a = Checker(a, person_a)

    # before saving: the plain link, and the offer with its one sentence on who can use it
    playwright.expect(a.get_by_label("Link naar de vragenlijst")).to_have_value(re.compile(re.escape(START) + "$"))
    playwright.expect(a.get_by_text("Iedereen met die link kan het profiel gebruiken")).to_be_visible()
    a.get_by_role("link", name="Organisatieprofiel opslaan").click()
    a.wait_for_load_state("networkidle")
    playwright.expect(a.get_by_text("Het organisatieprofiel is opgeslagen")).to_be_visible()
    playwright.expect(a.get_by_text("Iedereen met deze link kan het profiel gebruiken.")).to_be_visible()
    link = a.get_by_label("Link naar het organisatieprofiel").input_value()
    assert re.fullmatch(re.escape(server["url"] + START) + r"\?profiel=[A-Za-z0-9_-]{43}", link), link
    assert "Bouwbedrijf" not in link and "Utrecht" not in link  # a token, not the data
    check_a.check("downloads-with-profile")
    # A's PDFs are in before the restart (a restart during them is test_bulk_restart's subject)
    playwright.expect(a.locator("#psobrief-downloads")).to_have_attribute("data-pending", "0", timeout=120000)
    # the profile lives in the server's database: it survives a restart of every process
    restart = subprocess.run([str(SERVE), "restart"], capture_output=True, text=True, timeout=600)
    assert restart.returncode == 0, restart.stdout[-2000:] + restart.stderr[-2000:]

    # B: another browser, not signed in
    b_context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="nl-NL", accept_downloads=True)
    b = b_context.new_page()
    person_b = Person(b, artifacts / "profile")
    b.goto(link)
    person_b.heading("Stimuleringsbrief voor uw ketenpartners")
    playwright.expect(b.get_by_text(f"U begint met het organisatieprofiel van {ORGANISATION}")).to_be_visible()
    check_b = Checker(b, person_b)
    check_b.check("intro-with-profile")
    person_b.press("Beginnen")
    person_b.heading("Hoe wilt u de ketenpartners invoeren?")  # the organisation's screens are answered
    person_b.choose("Eén voor één in deze vragenlijst")
    person_b.press("Doorgaan")
    person_b.heading("Aan wie stuurt u de brief?")
    person_b.fill("Naam van de organisatie", "Transport & Logistiek Noord")
    person_b.fill("Straat en huisnummer", "Havenweg 3")
    person_b.fill("Postcode", "8011 AA")
    person_b.fill("Plaats", "Zwolle")
    person_b.choose("Mevrouw")
    person_b.fill("Voornaam of voorletters", "P.")
    person_b.fill("Achternaam", "Jansen")
    person_b.press("Doorgaan")
    person_b.press("Nee, ga verder")
    person_b.heading("Controleer uw antwoorden")
    review = b.locator("#daquestion").inner_text()
    assert ORGANISATION in review and "Groen B.V." not in review  # A's recipients stay A's
    person_b.press("Documenten maken")
    person_b.heading("Uw documenten zijn klaar", timeout=120000)
    with b.expect_download() as download:
        b.locator("table.psobrief-documents a", has_text=".docx").first.click()
    docx = open(download.value.path(), "rb").read()
    lines = docx_lines(docx)
    text = "\n".join(lines)
    assert ORGANISATION in text and "3511 AB  UTRECHT" in text and "KvK 30123456" in text
    assert "Geachte mevrouw Jansen," in lines
    assert "Betreft: Samen socialer inkopen" in lines
    assert "Anna de Vries" in lines and "Directeur" in lines
    assert "Ons kenmerk" not in text  # A's reference is A's letter's, not the profile's
    today = date.today()
    assert any(line.startswith("Utrecht, ") and str(today.year) in line for line in lines), lines[:20]
    assert "Alle huidige en potentiële leveranciers ontvangen deze sociale inkoopcode;" not in lines
    assert sorted(image_descriptions(docx)) == sorted([f"Logo van {ORGANISATION}", "Handtekening van Anna de Vries"])

    # A withdraws: B's link (a new visit) says so, in Dutch, as a mistyped link does
    person_a.shot("before-withdraw")
    a.get_by_role("link", name="Profiel intrekken").click()
    a.wait_for_load_state("networkidle")
    playwright.expect(a.get_by_text("Het organisatieprofiel is ingetrokken")).to_be_visible()
    playwright.expect(a.get_by_role("link", name="Organisatieprofiel opslaan")).to_be_visible()
    for url in (link, link[:-1] + ("A" if link[-1] != "A" else "B"), link[:-5]):
        later = b_context.new_page()
        later.goto(url)
        playwright.expect(later.locator("#daMainQuestion")).to_have_text(UNKNOWN)
        playwright.expect(later.get_by_role("link", name="zonder profiel beginnen")).to_be_visible()
        later.close()
    unknown = b_context.new_page()
    unknown.goto(link)
    Checker(unknown, Person(unknown, artifacts / "profile")).check("profile-withdrawn")
    rows = check_a.rows + check_b.rows
    problems = {name: details for name, *_, details in rows if details}
    assert problems == {}
    a_context.close()
    b_context.close()
