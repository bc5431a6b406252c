"""A person in Chromium: fills screens by their visible labels and photographs each one."""

from __future__ import annotations

import re

import playwright.sync_api as playwright

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--lang=nl-NL"]
START = "/start/psobrief/stimuleringsbrief/"


def launch(p):
    return p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)


class Person:
    def __init__(self, page, folder):
        self.page, self.folder, self.count = page, folder, 0
        folder.mkdir(parents=True, exist_ok=True)

    def shot(self, name, widths=(1280,)):
        """A full-page screenshot at each width (the viewport is put back afterwards)."""
        self.count += 1
        size = self.page.viewport_size
        for width in widths:
            if width != size["width"]:
                self.page.set_viewport_size({"width": width, "height": size["height"]})
            suffix = "" if len(widths) == 1 else f"-{width}"
            self.page.screenshot(path=str(self.folder / f"{self.count:02d}-{name}{suffix}.png"), full_page=True)
        if self.page.viewport_size != size:
            self.page.set_viewport_size(size)

    def heading(self, text, timeout=15000):
        playwright.expect(self.page.locator("#daMainQuestion")).to_contain_text(text, timeout=timeout)

    def wait_for_pdfs(self, timeout=120000):
        """The download screen has its PDFs (it stops asking the server): leaving it then
        cannot race a question still on its way (README, Known limitations)."""
        playwright.expect(self.page.locator("#psobrief-downloads")).to_have_attribute("data-pending", "0",
                                                                                      timeout=timeout)

    def fill(self, label, value):
        self.page.get_by_label(label, exact=True).fill(value)

    def choose(self, text):
        self.page.locator("label").filter(has_text=re.compile("^" + re.escape(text) + "$")).first.click()

    def leave_field(self):
        """Move the focus out of the field just typed in, as clicking elsewhere does."""
        self.page.evaluate("document.activeElement && document.activeElement.blur()")
        self.page.wait_for_timeout(200)

    def press(self, name):
        # Leave the field first: docassemble hides a field's error message when the field
        # loses focus, which moves the buttons; a click during that move is lost.
        self.leave_field()
        self.page.get_by_role("button", name=name, exact=True).click()
        self.page.wait_for_load_state("networkidle")


def answer_until_recipients(person, *, organisation="Bouwbedrijf De Vries & Zonen B.V.", level="PSO-Trede 2"):
    """Answer the sender, signatory, letter and annex screens with plain, valid answers."""
    person.heading("Stimuleringsbrief voor uw ketenpartners")
    person.press("Beginnen")
    fill_organisation(person, organisation)
    person.press("Doorgaan")
    answer_until_annex(person, level=level)
    person.press("Doorgaan")


def fill_organisation(person, organisation):
    """The screen "Over uw organisatie" filled with plain, valid answers (not sent)."""
    person.heading("Over uw organisatie")
    person.fill("Naam van uw organisatie", organisation)
    person.fill("Straat en huisnummer", "Stationsstraat 12")
    person.fill("Postcode", "3511 AB")
    person.fill("Plaats", "Utrecht")
    person.fill("E-mailadres voor kopieën van PSO-Certificaten", "inkoop@devries-bouw.nl")
    person.fill("KvK-nummer", "30123456")


def answer_until_annex(person, *, level="PSO-Trede 2"):
    """From the PSO-status screen to the annex screen, with plain, valid answers."""
    person.heading("De PSO-status")
    person.choose(level)
    person.choose("Nee")
    person.press("Doorgaan")
    person.heading("Wie ondertekent de brief?")
    person.fill("Naam", "Anna de Vries")
    person.fill("Functie", "Directeur")
    person.press("Doorgaan")
    person.heading("Het onderwerp van de brief")
    person.choose("Socialer inkopen wordt belangrijker!")
    person.press("Doorgaan")
    person.heading("Plaats, datum en kenmerk")
    person.fill("Datum", "25-11-2026")
    person.press("Doorgaan")
    person.heading("De bijlage over uw inkoopbeleid")


def one_recipient_until_review(person, *, organisation, street, postcode, city):
    """One recipient typed in, without a contact person ("Geachte relatie,"), to the review screen."""
    person.heading("Hoe wilt u de ketenpartners invoeren?")
    person.choose("Eén voor één in deze vragenlijst")
    person.press("Doorgaan")
    person.heading("Aan wie stuurt u de brief?")
    person.fill("Naam van de organisatie", organisation)
    person.fill("Straat en huisnummer", street)
    person.fill("Postcode", postcode)
    person.fill("Plaats", city)
    person.choose("Geen contactpersoon bekend")
    person.choose("Geachte relatie,")
    person.press("Doorgaan")
    person.heading("Nog een ketenpartner?")
    person.press("Nee, ga verder")
    person.heading("Controleer uw antwoorden")
