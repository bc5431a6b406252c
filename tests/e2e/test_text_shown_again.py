"""Text a person typed comes back on the screen as typed, and stays as typed in the letter.

docassemble draws a field's current value into the page without HTML escaping (after a
refusal, and after "Wijzigen" on the review screen). Without our ``psotext`` datatype the
browser shows ``Tom &copy Jerry`` as "Tom © Jerry", ``&lt;b&gt;`` as "<b>", and
``</textarea>`` ends the text box and puts markup on the page; pressing "Doorgaan" then
saves the changed text. This test goes both ways a screen is drawn again, in a real browser.
"""

from __future__ import annotations

from urllib.parse import urljoin

import playwright.sync_api as playwright
from conftest import docx_lines
from person import START, Person, answer_until_annex, one_recipient_until_review

NAME = "Tom &copy Jerry & <Zn> \"B.V.\""
STREET = "&lt;b&gt;weg 1 &#62; &amp;"
MEASURE = ("Wij kopen in bij </textarea><b id=\"ingevoegd\">Tom &copy Jerry</b> &nbsp; en anderen "
           "<img src=x onerror=alert(1)>")


def test_typed_text_is_drawn_again_as_typed(server, browser, artifacts):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="nl-NL")
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("dialog", lambda dialog: (errors.append(f"a typed script ran: {dialog.message}"), dialog.dismiss()))
    person = Person(page, artifacts / "shown-again")
    page.goto(server["url"] + START + "?new_session=1")
    person.heading("Stimuleringsbrief voor uw ketenpartners")
    person.press("Beginnen")

    # 1. drawn again after a refusal: the postcode is wrong, the other fields keep their text
    person.heading("Over uw organisatie")
    person.fill("Naam van uw organisatie", NAME)
    person.fill("Straat en huisnummer", STREET)
    person.fill("Postcode", "12345")
    person.fill("Plaats", "Utrecht")
    person.fill("E-mailadres voor kopieën van PSO-Certificaten", "inkoop@example.nl")
    person.fill("KvK-nummer", "30123456")
    page.evaluate("document.getElementById('daMainQuestion').setAttribute('data-sent', '1')")
    person.press("Doorgaan")
    # the server's answer is a new drawing of the screen (the mark is gone) with a message
    playwright.expect(page.locator("#daMainQuestion[data-sent]")).to_have_count(0, timeout=15000)
    playwright.expect(page.locator("#daMainQuestion")).to_contain_text("Over uw organisatie")
    playwright.expect(page.get_by_text("postcode", exact=False).first).to_be_visible()
    playwright.expect(page.get_by_label("Naam van uw organisatie", exact=True)).to_have_value(NAME)
    playwright.expect(page.get_by_label("Straat en huisnummer", exact=True)).to_have_value(STREET)
    person.shot("refused")
    person.fill("Postcode", "3511 AB")
    person.press("Doorgaan")

    answer_until_annex(person)
    person.fill("Eigen maatregelen (één per regel, optioneel)", MEASURE)
    person.press("Doorgaan")
    one_recipient_until_review(person, organisation="Groen B.V.", street="Dorpsweg 8", postcode="9711 LM",
                               city="Groningen")

    # 2. drawn again after "Wijzigen": the saved text, in a text box and in a text area
    page.locator(".da-review").filter(has_text="Afzender").get_by_role("button").first.click()
    person.heading("Over uw organisatie")
    playwright.expect(page.get_by_label("Naam van uw organisatie", exact=True)).to_have_value(NAME)
    playwright.expect(page.get_by_label("Straat en huisnummer", exact=True)).to_have_value(STREET)
    person.press("Doorgaan")
    person.heading("Controleer uw antwoorden")
    page.locator(".da-review").filter(has_text="Bijlage").get_by_role("button").first.click()
    person.heading("De bijlage over uw inkoopbeleid")
    area = page.get_by_label("Eigen maatregelen (één per regel, optioneel)", exact=True)
    playwright.expect(area).to_have_value(MEASURE)
    assert page.locator("#ingevoegd").count() == 0, "the typed markup became part of the page"
    person.shot("changed-from-review")
    person.press("Doorgaan")
    person.heading("Controleer uw antwoorden")
    person.press("Documenten maken")
    person.heading("Uw documenten zijn klaar", timeout=120000)

    link = page.locator("table.psobrief-documents a", has_text=".docx").first
    response = page.request.get(urljoin(page.url, link.get_attribute("href")))
    assert response.status == 200
    text = "\n".join(docx_lines(response.body()))
    assert NAME in text
    assert STREET in text
    assert MEASURE + "." in text
    assert "©" not in text and "Tom © Jerry" not in text
    # docassemble 1.10.13's own error on every Dutch page (see test_browser.py)
    assert [e for e in errors if "setting 'nl'" not in e] == []
    context.close()
