"""Saved answers through the real server: the interview's ZIP and the command line's answers are one format.

- interview (REST) -> "Antwoorden opslaan (ZIP)" -> the offline renderer makes the same letters;
- the command line's example (docs/examples/answers.yml with its logo and signature), zipped
  -> "Opgeslagen antwoorden gebruiken" -> the server's letters equal the offline renderer's,
  and the ZIP the server then saves renders the same letters again;
- a broken file gets the Dutch problems (REST, which skips validation code, and the browser,
  which runs it), and a person in Chromium uploads the ZIP on the start screen and lands on
  the review screen.
The letters are compared as DOCX text, line by line.
"""

from __future__ import annotations

import html
import io
import subprocess
import zipfile

import playwright.sync_api as playwright
import yaml
from conftest import ROOT, docx_lines
from person import START, Person
from scenarios import recipient, scenario
from test_rest_flow import FINAL_SCREEN, documents_of, run_interview

EXAMPLES = ROOT / "docs" / "examples"
INTRO = "Stimuleringsbrief voor uw ketenpartners"
UPLOAD_SCREEN = "Verder met opgeslagen antwoorden"
REVIEW = "Controleer uw antwoorden"


def example_zip() -> bytes:
    """docs/examples/answers.yml and its two images, zipped as a person would."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in ("answers.yml", "logo.png", "handtekening.png"):
            archive.write(EXAMPLES / name, name)
    return out.getvalue()


def broken_zip() -> bytes:
    """The example with a name that points outside the ZIP."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("answers.yml", (EXAMPLES / "answers.yml").read_bytes())
        archive.writestr("../logo.png", (EXAMPLES / "logo.png").read_bytes())
    return out.getvalue()


def render_offline(path, out) -> dict[str, bytes]:
    """The offline renderer's DOCX files for an answers file or ZIP."""
    result = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "python"), "-m", "docassemble.psobrief", "render", str(path), "--out", str(out)],
        capture_output=True, text=True, timeout=300,
        env={"NLTK_DATA": str(ROOT / ".state" / "nltk_data"), "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stderr
    return {p.name: p.read_bytes() for p in out.glob("*.docx")}


def media(docx: bytes) -> list[str]:
    return sorted(n for n in zipfile.ZipFile(io.BytesIO(docx)).namelist() if n.startswith("word/media/"))


def assert_same_letters(server: dict[str, bytes], offline: dict[str, bytes]) -> None:
    assert sorted(server) == sorted(offline)
    for name in server:
        assert docx_lines(server[name]) == docx_lines(offline[name]), f"server and offline renderer differ: {name}"
        assert media(server[name]) == media(offline[name]), name  # logo and signature in both or neither


def upload(api, question: dict, filename: str, content: bytes, variable: str = "answers_upload") -> dict:
    """Answer a file field through the REST API (multipart, as docassemble's API documents)."""
    form = {**api._ids(), "question_name": question["questionName"], "variables": "{}"}
    response = api.http.post(f"{api.url}/api/session", data=form, timeout=600,
                             files={variable: (filename, content, "application/octet-stream")})
    return api._check(response)


def start_from_saved_answers(api, filename: str, content: bytes) -> dict:
    question = api.start()
    assert question["questionText"].strip() == INTRO
    question = api.answer({"intro_screen": "import"}, question_name=question["questionName"])
    assert question["questionText"].strip() == UPLOAD_SCREEN, question
    return upload(api, question, filename, content)


def saved_zip(api, variables: dict) -> bytes:
    info = variables["answers_zip"]
    assert info["filename"] == "Antwoorden stimuleringsbrief.zip"
    return api.file(info["number"])


def test_interview_answers_saved_as_zip_give_the_same_letters_offline(api, tmp_path):
    answers = scenario(
        [recipient('Bureau "De Zon" & Co <B.V.> 🌞', "Zonnelaan 1", "2511aa", "Den Haag", "mevrouw", "K.", "", "van 't Hof"),
         recipient("Transport & Logistiek Noord", "Havenweg 3", "8011 AA", "Zwolle", "onbekend", salutation="Geachte relatie,")],
        sender={"name": "Bouw & Co {{ 7*7 }}", "phone": "030 123 45 67", "website": "www.bouw.nl"},
        letter={"subject": "=Samen socialer: {{ 7*7 }} & meer", "reference": "INK/2026/041", "place": ""},
        annex={"measures": ["tender", "weging"], "own_measures": ["=1+1 is een formule", "Tweede <regel> & meer"]},
    )
    variables = run_interview(api, answers)
    docx, _ = documents_of(api, variables)
    content = saved_zip(api, variables)
    archive = zipfile.ZipFile(io.BytesIO(content))
    assert archive.namelist() == ["answers.yml"]  # no logo or signature in this session
    saved = yaml.safe_load(archive.read("answers.yml"))
    collected = variables["answers_data"]
    # the REST API makes a date of a text like 2026-11-25 (a person types 25-11-2026, kept as text)
    assert saved["letter"].pop("date").isoformat() == collected["letter"].pop("date")[:10] == "2026-11-25"
    assert saved == collected  # exactly what the interview collected
    assert saved["letter"]["subject"] == "=Samen socialer: {{ 7*7 }} & meer"
    assert saved["recipients"][0]["organisation"] == 'Bureau "De Zon" & Co <B.V.> 🌞'
    (tmp_path / "antwoorden.zip").write_bytes(content)
    assert_same_letters(docx, render_offline(tmp_path / "antwoorden.zip", tmp_path / "offline"))


def test_command_line_answers_imported_give_the_same_letters(api, tmp_path):
    question = start_from_saved_answers(api, "antwoorden.zip", example_zip())
    assert question["questionText"].strip() == REVIEW, question
    assert "U bent begonnen met de antwoorden uit antwoorden.zip." in question["subquestionText"]
    question = api.answer({"review_answers": True}, question_name=question["questionName"])
    assert question["questionText"].strip() == FINAL_SCREEN, question
    assert "Antwoorden opslaan (ZIP)" in question["subquestionText"]
    variables = api.variables()
    assert variables["recipients_source"] == "answers_file"
    assert variables["sender"]["logo_print"] and variables["sender"]["signatory"]["signature_print"]
    docx, _ = documents_of(api, variables)
    offline = render_offline(EXAMPLES / "answers.yml", tmp_path / "offline")
    assert_same_letters(docx, offline)
    assert all(len(media(content)) == 2 for name, content in docx.items() if name.startswith("Stimuleringsbrief"))

    # and the ZIP this session saves (now with the print copies of logo and signature) renders them again
    content = saved_zip(api, variables)
    archive = zipfile.ZipFile(io.BytesIO(content))
    assert archive.namelist() == ["answers.yml", "logo.png", "handtekening.png"]
    saved = yaml.safe_load(archive.read("answers.yml"))
    example = yaml.safe_load((EXAMPLES / "answers.yml").read_text(encoding="utf-8"))
    assert saved["sender"]["logo"] == "logo.png" and saved["sender"]["signatory"]["signature"] == "handtekening.png"
    assert [r["organisation"] for r in saved["recipients"]] == [r["organisation"] for r in example["recipients"]]
    (tmp_path / "opnieuw.zip").write_bytes(content)
    assert_same_letters(docx, render_offline(tmp_path / "opnieuw.zip", tmp_path / "again"))


def test_rest_upload_of_a_broken_file_lists_the_dutch_problems(api):
    """The REST API skips validation code: the import step itself refuses, and changes nothing."""
    question = start_from_saved_answers(api, "antwoorden.zip", broken_zip())
    assert question["questionText"].strip() == UPLOAD_SCREEN, question
    assert "onveilige naam ('../logo.png')" in html.unescape(question["subquestionText"])
    assert "Traceback" not in question["subquestionText"]
    variables = api.variables()
    assert "name" not in (variables.get("sender") or {})
    assert not (variables.get("recipients") or {}).get("elements")
    # a good file afterwards: on to the review screen
    question = upload(api, question, "antwoorden.zip", example_zip())
    assert question["questionText"].strip() == REVIEW, question


def _browser_page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="nl-NL")
    return context, context.new_page()


def test_browser_start_screen_upload_reaches_the_review(server, browser, artifacts, tmp_path):
    context, page = _browser_page(browser)
    person = Person(page, artifacts / "exchange")
    path = tmp_path / "antwoorden.zip"
    path.write_bytes(example_zip())
    page.goto(server["url"] + START)
    person.heading(INTRO)
    person.press("Opgeslagen antwoorden gebruiken")
    person.heading(UPLOAD_SCREEN)
    person.shot("upload")
    page.locator("input[type=file]").first.set_input_files(str(path))
    person.press("Doorgaan")
    person.heading(REVIEW)
    playwright.expect(page.get_by_text("Bouwbedrijf De Vries & Zonen B.V.").first).to_be_visible()
    playwright.expect(page.get_by_text("Anna de Vries, Directeur")).to_be_visible()
    playwright.expect(page.get_by_text("Transport & Logistiek Noord")).to_be_visible()
    person.shot("review-after-upload")
    context.close()


def test_browser_broken_file_gets_the_dutch_error(server, browser, artifacts, tmp_path):
    context, page = _browser_page(browser)
    person = Person(page, artifacts / "exchange")
    page.goto(server["url"] + START)
    person.press("Opgeslagen antwoorden gebruiken")
    person.heading(UPLOAD_SCREEN)
    for name, content, problem in (
        ("antwoorden.zip", broken_zip(), "onveilige naam ('../logo.png')"),
        ("answers.yml", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", "Dit bestand is geen antwoordenbestand"),  # a PDF renamed
    ):
        (tmp_path / name).write_bytes(content)
        page.locator("input[type=file]").first.set_input_files(str(tmp_path / name))
        person.press("Doorgaan")
        playwright.expect(page.get_by_text("Met dit bestand kunnen de antwoorden niet worden ingevuld")).to_be_visible()
        playwright.expect(page.get_by_text(problem)).to_be_visible()
        person.heading(UPLOAD_SCREEN)
        person.shot("upload-error")
    assert "Traceback" not in page.content()
    context.close()
