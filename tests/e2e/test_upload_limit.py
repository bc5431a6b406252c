"""A file larger than the server can receive is refused in the browser, in Dutch.

docassemble answers a request over its `maximum content length` (16 MB unless configured)
with its own English error page (HTTP 413), and everything typed on that screen is lost.
A real browser chooses a 17 MB "logo" on the organisation screen: psobrief.js says in Dutch
how large the file is and what the maximum is, empties the field, and the screen goes on
without the logo, with every typed answer kept. The same file sent past the browser gets
docassemble's 413, which is why the check is there.
"""

from __future__ import annotations

import os

import playwright.sync_api as playwright
import requests
from person import START, Person, fill_organisation

LIMIT = 16 * 1024 * 1024 - 256 * 1024  # docassemble's default request limit, less the other fields


def test_a_file_over_the_request_limit_is_refused_in_dutch(server, browser, artifacts, tmp_path):
    large = tmp_path / "logo-groot.png"
    large.write_bytes(os.urandom(17 * 1024 * 1024))
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="nl-NL")
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    person = Person(page, artifacts / "upload-limit")
    page.goto(server["url"] + START)
    person.heading("Stimuleringsbrief voor uw ketenpartners")
    person.press("Beginnen")
    fill_organisation(person, "Groot Logo & Zonen B.V.")
    assert page.evaluate("window.psobriefUploadLimit") == LIMIT
    logo = page.locator("input[type=file]").first
    logo.set_input_files(str(large))

    message = page.locator(".psobrief-size-error")
    playwright.expect(message).to_have_text(
        "Dit bestand is 17 MB. Het maximum is 15,7 MB. Verklein het bestand en kies het opnieuw.")
    assert message.get_attribute("role") == "alert"
    assert logo.get_attribute("aria-invalid") == "true"
    assert message.get_attribute("id") in logo.get_attribute("aria-describedby").split()
    assert logo.evaluate("input => input.files.length") == 0
    person.shot("te-groot")

    # a file that fits takes the message away again
    small = tmp_path / "klein.png"
    small.write_bytes(os.urandom(1024))
    logo.set_input_files(str(small))
    playwright.expect(message).to_have_count(0)
    assert logo.get_attribute("aria-invalid") is None
    logo.set_input_files([])

    person.press("Doorgaan")
    person.heading("De PSO-status van Groot Logo & Zonen B.V.")
    assert [e for e in errors if "setting 'nl'" not in e] == []  # docassemble's fileinput locale: see README
    context.close()

    # past the browser, docassemble itself refuses the request with its own page
    refused = requests.post(server["url"] + "/interview", files={"logo": ("logo.png", large.read_bytes())},
                            timeout=120)
    assert refused.status_code == 413
