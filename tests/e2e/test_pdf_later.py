"""The DOCX at once, the PDFs when they are made, and a button when they could not be made.

A real browser on the local server. The server is first started without any LibreOffice
(`PSOBRIEF_UNOSERVER=off`, `PSOBRIEF_SOFFICE` naming a program that does not exist, as on a
server where LibreOffice is missing or broken): "Documenten maken" shows the letter's DOCX at
once, and the download screen then says, without being reloaded, that the PDFs could not be
made, with a button to try again. The server is restarted with LibreOffice (an administrator
repaired it); the button makes the PDFs, which appear in place of the message, the DOCX
link keeps the keyboard focus, and a screen reader hears "De PDF-bestanden zijn klaar.".
"""

from __future__ import annotations


import playwright.sync_api as playwright
from conftest import ROOT, docx_lines, flat, pdf_text, serve_restart
from person import START, Person, answer_until_recipients, one_recipient_until_review

SERVE = ROOT / "scripts" / "serve"
ORGANISATION = "Drukkerij Later & Zonen"
LETTER = "Stimuleringsbrief - Drukkerij Later en Zonen"


def test_pdfs_come_later_and_can_be_made_again(server, browser, artifacts):
    serve_restart(PSOBRIEF_UNOSERVER="off", PSOBRIEF_SOFFICE="/nonexistent/soffice")
    repaired = False
    try:
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="nl-NL", accept_downloads=True)
        page = context.new_page()
        errors = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        person = Person(page, artifacts / "pdf-later")
        page.goto(server["url"] + START)
        answer_until_recipients(person)
        one_recipient_until_review(person, organisation=ORGANISATION, street="Markt 3", postcode="7411 KT",
                                   city="Deventer")
        person.press("Documenten maken")
        person.heading("Uw documenten zijn klaar", timeout=120000)

        # the letter's DOCX is there at once, and can be downloaded while the PDFs are made
        docx_link = page.get_by_role("link", name=f"{LETTER}.docx")
        playwright.expect(docx_link).to_be_visible()
        with page.expect_download() as download:
            docx_link.click()
        assert "Geachte relatie," in docx_lines(open(download.value.path(), "rb").read())

        # without LibreOffice: said in place, without a reload, with a button to try again
        warning = page.get_by_text("De PDF-bestanden konden op deze server niet worden gemaakt.")
        playwright.expect(warning).to_be_visible(timeout=60000)
        retry = page.get_by_role("link", name="PDF-bestanden opnieuw maken")
        playwright.expect(retry).to_be_visible()
        playwright.expect(page.get_by_role("link", name=f"{LETTER}.pdf")).to_have_count(0)
        person.shot("no-libreoffice")

        # LibreOffice is back: the button makes the PDFs, which appear in place
        serve_restart()
        repaired = True
        retry.click()
        # the screen drawn again: the DOCX, and the PDFs on their way (the task takes at least
        # a second: docassemble's worker waits one before it starts)
        playwright.expect(page.get_by_text("worden nu gemaakt en verschijnen hier vanzelf")).to_be_visible()
        playwright.expect(warning).to_have_count(0)
        docx_link = page.get_by_role("link", name=f"{LETTER}.docx")
        docx_link.focus()  # a keyboard user on the DOCX link while the PDFs arrive
        pdf_link = page.get_by_role("link", name=f"{LETTER}.pdf")
        playwright.expect(pdf_link).to_be_visible(timeout=120000)
        playwright.expect(page.locator("#psobrief-downloads-status")).to_have_text("De PDF-bestanden zijn klaar.")
        playwright.expect(warning).to_have_count(0)
        assert page.evaluate("document.activeElement.textContent") == f"{LETTER}.docx"  # focus kept
        with page.expect_download() as download:
            pdf_link.click()
        text = flat(pdf_text(open(download.value.path(), "rb").read()))
        assert ORGANISATION in text and "Geachte relatie," in text
        annex = page.get_by_role("link", name="Bijlage - Socialer inkoopbeleid met de PSO-prestatieladder.pdf")
        playwright.expect(annex).to_be_visible()
        person.shot("pdfs-made")
        assert [e for e in errors if "setting 'nl'" not in e] == []  # docassemble's fileinput locale: see README
    finally:
        if not repaired:
            serve_restart()
