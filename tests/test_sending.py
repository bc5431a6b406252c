"""The Verzendoverzicht (issue 12): one row per recipient, every user value text (never a
formula), the time in Dutch local time; the status words and counts on the screen."""

from __future__ import annotations

import io

import openpyxl
import pytest

sending = pytest.importorskip("docassemble.psobrief.sending")


def test_overview_keeps_every_value_text():
    rows = [
        {"organisation": "=HYPERLINK(\"http://x\")", "email": "a@b.nl", "status": "sent", "word": "Verstuurd",
         "time": "26-11-2026 03:01:02", "reason": ""},
        {"organisation": "+31 Bouw", "email": "@x.nl", "status": "failed", "word": "Mislukt", "time": "26-11-2026",
         "reason": "-De mailserver weigerde het adres"},
        {"organisation": "Geen Adres B.V.", "email": "", "status": "geen", "word": "Geen e-mailadres", "time": "",
         "reason": ""},
    ]
    sheet = openpyxl.load_workbook(io.BytesIO(sending.sending_overview(rows))).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0] == ["Organisatie", "E-mail", "Status", "Verstuurd om", "Reden"]
    assert values[1] == ['=HYPERLINK("http://x")', "a@b.nl", "Verstuurd", "26-11-2026 03:01:02", None]
    assert values[2][3] is None  # a failed one has no time sent
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            assert cell.data_type == "s" or cell.value is None
    assert sheet["A2"].quotePrefix and sheet["A3"].quotePrefix and sheet["B3"].quotePrefix and sheet["E3"].quotePrefix


def test_local_time_and_counts():
    assert sending._local_time("2026-11-26T02:01:02+00:00") == "26-11-2026 03:01:02"
    assert sending._local_time("onzin") == ""
    data = {"recipients": [{"email": "a@b.nl"}, {"email": " "}, {}]}
    assert sending.mail_counts(data) == {"with": 1, "without": 2}
    assert sending.send_label(data) == "Versturen naar 1 ketenpartner"
    assert sending.without_address_text(data) == "Geen bericht voor 2 ketenpartners zonder e-mailadres."


def test_example_says_the_annex_goes_only_with_ja():
    from docassemble.psobrief.sending import example_html

    page = example_html({"to": "Kim Berg <kim@groen.example>", "reply_to": "inkoop@devries-bouw.nl",
                         "subject": "Socialer inkopen", "body": "Geachte Kim Berg,",
                         "attachments": [("Stimuleringsbrief - Groen B.V.pdf", 48_000),
                                         ("Bijlage - Socialer inkoopbeleid met de PSO-prestatieladder.pdf", 61_000)]})
    items = page.split("<li>")[1:]
    assert "alleen als u hieronder 'Ja' kiest" not in items[0]
    assert items[1].startswith("Bijlage - Socialer inkoopbeleid met de PSO-prestatieladder.pdf (")
    assert "alleen als u hieronder 'Ja' kiest" in items[1]
