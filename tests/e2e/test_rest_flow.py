"""Whole interview sessions through docassemble's REST API on the real local server.

Each flow answers every screen as a person would, reaches the download screen, fetches
the DOCX and PDF files the server made and reads their text.
"""

from __future__ import annotations

import re
import subprocess

import pytest
import yaml
from conftest import MAX_SCREENS, ROOT, docx_lines, finished_job, flat, pdf_text
from scenarios import interview_variables, recipient, scenario

FINAL_SCREEN = "Uw documenten zijn klaar"


def screen_variables(question: dict) -> list[str]:
    names = [f["variable_name"] for f in question.get("fields", []) if f.get("variable_name")]
    if question.get("questionType") in ("yesno", "noyes", "multiple_choice", "review", "signature") or not names:
        for key in ("question_variable_name", "variable_name", "fieldName"):
            if question.get(key):
                names.append(question[key])
    return names


def run_interview(api, answers: dict, final: str = FINAL_SCREEN) -> dict:
    """Answer every screen for ``answers``; return the session's variables at the end."""
    values = interview_variables(answers)
    question = api.start()
    added = 1
    seen = []
    for _ in range(MAX_SCREENS):
        if question.get("questionText", "").strip() == final:
            api.last_question = question
            return api.variables()
        assert question.get("questionType") not in ("deadend", "restart", "exit"), question
        names = screen_variables(question)
        index = re.search(r"\[(\d+)\]", " ".join(question.get("event_list") or []))
        if index:
            names = [name.replace("[i]", f"[{index.group(1)}]") for name in names]
        seen.append((question.get("questionText"), names))
        reply = {}
        for name in names:
            if name == "recipients.there_is_another":
                reply[name] = added < len(answers["recipients"])
                added += 1
            elif name in values:
                reply[name] = values[name]
            elif name in ("sender.logo", "sender.signatory.signature"):
                continue  # optional uploads: not on these flows
            else:
                pytest.fail(f"unexpected field {name!r} on screen {question.get('questionText')!r}: {question}")
        assert reply or names == [], f"nothing to answer on {question}"
        question = api.answer(reply, question_name=question.get("questionName"))
        assert "errors" not in question or not question["errors"], question["errors"]
    pytest.fail(f"no download screen after {MAX_SCREENS} screens: {seen}")


def documents_of(api, variables: dict) -> tuple[dict, dict]:
    """(file name -> DOCX bytes, file name -> PDF bytes) of everything the session made."""
    result = finished_job(api, variables)["result"]
    files = [(letter["docx"], letter["pdf"]) for letter in result["letters"]]
    if result["files"].get("annex"):
        files.append((result["files"]["annex"], result["files"].get("annex_pdf")))
    docx = {f["filename"]: api.file(f["number"]) for f, _ in files}
    pdf = {p["filename"]: api.file(p["number"]) for _, p in files if p}
    return docx, pdf


def offline_documents(answers: dict, tmp_path) -> dict:
    path = tmp_path / "answers.yml"
    path.write_text(yaml.safe_dump(answers, allow_unicode=True), encoding="utf-8")
    out = tmp_path / "offline"
    result = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "python"), "-m", "docassemble.psobrief", "render", str(path), "--out", str(out)],
        capture_output=True, text=True, timeout=300, env={"NLTK_DATA": str(ROOT / ".state" / "nltk_data"), "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stderr
    return {p.name: p.read_bytes() for p in out.glob("*.docx")}


def check_against_offline(docx: dict, answers: dict, tmp_path) -> None:
    offline = offline_documents(answers, tmp_path)
    assert sorted(offline) == sorted(docx)
    for name in docx:
        assert docx_lines(docx[name]) == docx_lines(offline[name]), f"server and offline renderer differ: {name}"


SEED_SENTENCES = [
    "werkt actief mee aan het creëren van werkgelegenheid en kansen voor mensen met een afstand tot de arbeidsmarkt.",
    "De PSO-Prestatieladder bestaat uit vijf prestatieniveaus: van Aspirant-status tot en met PSO-Trede 3.",
    "Wij verzoeken onze vaste samenwerkingspartners om ook het PSO-keurmerk te behalen en ons, bij succesvol resultaat, een kopie van het PSO-keurmerk te mailen.",
    "Meer informatie over het PSO-Certificaat en -Keurmerk vindt u op www.pso-nederland.nl.",
    "Wij danken u hartelijk voor uw medewerking.",
]
ANNEX_SENTENCES = [
    "Bijlage 1. Socialer inkoopbeleid met de PSO-prestatieladder",
    "Groeien op de PSO-Prestatieladder kan ook door socialer in te kopen bij andere PSO-gecertificeerde organisaties.",
    "Alle huidige en potentiële leveranciers ontvangen deze sociale inkoopcode;",
]


def assert_letter(lines, pdf, *, organisation, attention, address, salutation, level_sentence, annex=True):
    text = flat("\n".join(lines))
    assert organisation in lines
    if attention:
        assert attention in lines
    assert address in lines
    assert salutation in lines
    assert "Utrecht, 25 november 2026" in lines
    assert level_sentence in text
    for sentence in SEED_SENTENCES:
        assert sentence in text
    for sentence in ANNEX_SENTENCES:
        assert (sentence in text) == annex
    # the PDF says the same (LibreOffice's rendering of the DOCX)
    pdf_flat = flat(pdf)
    for phrase in (salutation, address.split("  ")[0], "Met vriendelijke groet,", "Wij danken u hartelijk"):
        assert phrase in pdf_flat, f"{phrase!r} not in the PDF"


def test_one_recipient_gender_neutral(api, tmp_path, artifacts):
    answers = scenario([recipient("Groenvoorziening De Boer", "Dorpsweg 8", "9711lm", "Groningen", "neutraal", "Kim", "van den", "Berg")])
    variables = run_interview(api, answers)
    docx, pdf = documents_of(api, variables)
    assert sorted(docx) == ["Bijlage - Socialer inkoopbeleid met de PSO-prestatieladder.docx",
                            "Stimuleringsbrief - Groenvoorziening De Boer.docx"]
    assert "Alles downloaden (ZIP)" not in api.question()["subquestionText"]  # one recipient: no ZIP offered
    name = "Stimuleringsbrief - Groenvoorziening De Boer"
    assert_letter(docx_lines(docx[name + ".docx"]), pdf_text(pdf[name + ".pdf"]),
                  organisation="Groenvoorziening De Boer", attention="T.a.v. Kim van den Berg",
                  address="9711 LM  GRONINGEN", salutation="Geachte Kim van den Berg,",
                  level_sentence="Wij zijn gecertificeerd op prestatieniveau PSO-Trede 2.")
    (artifacts / "rest-neutraal.docx").write_bytes(docx[name + ".docx"])
    check_against_offline(docx, answers, tmp_path)


def test_three_recipients_tussenvoegsels_and_unknown_person(api, tmp_path):
    answers = scenario([
        recipient("Schoonmaak 't Hoekje", "Kerkstraat 1", "1234 AB", "Amsterdam", "heer", "J.", "van den", "Berg"),
        recipient("Drukkerij Ter Horst", "Markt 3", "7411 KT", "Deventer", "mevrouw", "", "de", "Boer"),
        recipient("Transport & Logistiek Noord", "Havenweg 3", "8011aa", "Zwolle", "onbekend", salutation="Geachte relatie,"),
    ])
    variables = run_interview(api, answers)
    docx, pdf = documents_of(api, variables)
    assert len(docx) == 4 and len(pdf) == 4
    expectations = {
        "Stimuleringsbrief - Schoonmaak t Hoekje": ("T.a.v. de heer J. van den Berg", "1234 AB  AMSTERDAM", "Geachte heer Van den Berg,"),
        "Stimuleringsbrief - Drukkerij Ter Horst": ("T.a.v. mevrouw De Boer", "7411 KT  DEVENTER", "Geachte mevrouw De Boer,"),
        "Stimuleringsbrief - Transport en Logistiek Noord": (None, "8011 AA  ZWOLLE", "Geachte relatie,"),
    }
    for name, (attention, address, salutation) in expectations.items():
        lines = docx_lines(docx[name + ".docx"])
        organisation = {"Schoonmaak t Hoekje": "Schoonmaak 't Hoekje",
                        "Transport en Logistiek Noord": "Transport & Logistiek Noord"}.get(name.split(" - ", 1)[1], name.split(" - ", 1)[1])
        assert_letter(lines, pdf_text(pdf[name + ".pdf"]), organisation=organisation,
                      attention=attention, address=address, salutation=salutation,
                      level_sentence="Wij zijn gecertificeerd op prestatieniveau PSO-Trede 2.")
        if attention is None:
            assert not any(line.startswith("T.a.v.") for line in lines)
    zip_info = finished_job(api, variables)["result"]["files"]["zip"]
    assert zip_info["filename"] == "Stimuleringsbrieven.zip"
    import io
    import zipfile

    names = sorted(zipfile.ZipFile(io.BytesIO(api.file(zip_info["number"]))).namelist())
    # the same ZIP as for a list (one production path): letters, their PDFs, annex, print file, overview
    annex = "Bijlage - Socialer inkoopbeleid met de PSO-prestatieladder"
    letters = [name for name in docx if name.startswith("Stimuleringsbrief")]
    assert len(letters) == 3
    assert names == sorted([f"Brieven/{name}" for name in letters]
                           + [f"PDF/{name[:-len('.docx')]}.pdf" for name in letters]
                           + [annex + ".docx", annex + ".pdf", "Alle brieven om te printen.docx",
                              "Alle brieven om te printen.pdf", "Overzicht ketenpartners.xlsx"])
    check_against_offline(docx, answers, tmp_path)


def test_aspirant_without_annex(api, tmp_path):
    answers = scenario(
        [recipient("Installatietechniek Özdemir", "Industrieweg 40", "5652 AM", "Eindhoven", "heer", "Mehmet", "", "Özdemir")],
        sender={"pso_level": "aspirant"}, annex={"include": False, "measures": []},
    )
    variables = run_interview(api, answers)
    docx, pdf = documents_of(api, variables)
    assert list(docx) == ["Stimuleringsbrief - Installatietechniek Ozdemir.docx"]
    lines = docx_lines(docx["Stimuleringsbrief - Installatietechniek Ozdemir.docx"])
    text = flat("\n".join(lines))
    assert_letter(lines, pdf_text(pdf["Stimuleringsbrief - Installatietechniek Ozdemir.pdf"]),
                  organisation="Installatietechniek Özdemir", attention="T.a.v. de heer Mehmet Özdemir",
                  address="5652 AM  EINDHOVEN", salutation="Geachte heer Özdemir,",
                  level_sentence="Onze organisatie heeft de Aspirant-status op de Prestatieladder Socialer Ondernemen",
                  annex=False)
    assert "bekroond" not in text and "gecertificeerd op" not in text
    assert "Bijlage:" not in text
    assert "Op verzoek sturen wij u de inhoud van dit inkoopbeleid graag toe." in text
    check_against_offline(docx, answers, tmp_path)


def test_own_subject_and_own_measure(api, tmp_path):
    own_measure = "Wij bespreken socialer ondernemen in elk jaargesprek met onze vaste leveranciers"
    answers = scenario(
        [recipient("Bureau \"De Zon\" & Co <B.V.> 🌞", "Zonnelaan 1", "2511 AA", "Den Haag", "mevrouw", "K.", "", "van 't Hof")],
        sender={"pso_level": "trede_3", "pso30": True},
        letter={"subject": "Samen socialer: {{ 7*7 }} & meer", "reference": "INK/2026/041"},
        annex={"measures": ["tender", "weging"], "own_measures": [own_measure]},
    )
    variables = run_interview(api, answers)
    docx, pdf = documents_of(api, variables)
    name = [n for n in docx if n.startswith("Stimuleringsbrief")][0]
    lines = docx_lines(docx[name])
    assert "Betreft: Samen socialer: {{ 7*7 }} & meer" in lines
    assert "Ons kenmerk: INK/2026/041" in lines
    assert "Bureau \"De Zon\" & Co <B.V.> 🌞" in lines
    assert "T.a.v. mevrouw K. van 't Hof" in lines and "Geachte mevrouw Van 't Hof," in lines
    text = flat("\n".join(lines))
    assert "Wij zijn gecertificeerd op prestatieniveau PSO-Trede 3. Daarnaast zijn wij in het bezit van het certificaat PSO 30+." in text
    start = lines.index("Hoe hanteren wij het PSO-Certificaat bij onze inkoop?")
    assert lines[start + 1:start + 4] == [
        "In elke tender en uitvraag verwijzen we naar de sociale inkoopcode en vragen wij om een kopie van een geldig PSO-Certificaat;",
        "De hoogte van het prestatieniveau van het PSO-Certificaat is doorslaggevend bij de weging binnen ons inkoopproces;",
        own_measure + ".",
    ]
    assert "Alle huidige en potentiële leveranciers ontvangen deze sociale inkoopcode;" not in lines
    check_against_offline(docx, answers, tmp_path)


def test_rest_answers_that_break_the_rules_get_a_dutch_screen(api):
    """The REST API skips validate:; the documents step checks the same rules and says what to change."""
    answers = scenario(
        [recipient("   ", "x" * 10_000, "1234 AB", "Ede", "heer", surname="Smit"),
         recipient("Bakker\x01 B.V.", "Weg 1", "12345", "Ede", "onbekend")],
        sender={"email": "geen e-mailadres"}, letter={"date": "01-01-0001"})
    variables = run_interview(api, answers, final="Enkele antwoorden moeten nog worden aangepast")
    text = api.last_question["subquestionText"]
    for expected in ("Afzender: Dit is geen geldig e-mailadres.", "Brief: Kies een datum tussen",
                     "Ketenpartner 1: Vul de naam van de organisatie in.",
                     "Ketenpartner 1: Het adres (straat en huisnummer) is 10.000 tekens lang. Het maximum is 200 tekens",
                     "12345", "is geen Nederlandse postcode."):
        assert expected in text, (expected, text)
    assert "Error" not in text and "Traceback" not in text
    assert "items" not in (variables.get("documents") or {})  # nothing was made
