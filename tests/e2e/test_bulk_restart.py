"""A list job interrupted by a restart is made again by itself, and every PDF is there.

A person starts 600 letters, made in four parts of 150 by the two workers (long enough to be
interrupted: a part of 150 letters with its PDFs takes a few seconds); while the first
parts run, the workers are killed (as a crash, the out-of-memory killer or a machine
restart does) and the server is restarted. docassemble (celery) forgets such a task:
without our heartbeat the waiting screen would wait for ever. The interview notices the
stopped heartbeats, says so in Dutch and starts those parts again; the parts still in the
queue are taken by the new workers, and the last one joins them all. The ZIP then holds
600 letters and 600 PDFs, each with its own recipient.
"""

from __future__ import annotations

import io
import os
import signal
import time
import zipfile

import yaml
from conftest import ROOT, docx_lines, finished_job, flat, pdf_text, serve_restart
from test_exchange_flow import EXAMPLES, REVIEW, start_from_saved_answers
from test_rest_flow import FINAL_SCREEN

SERVE = ROOT / "scripts" / "serve"
LETTERS = 600
WAITING = "Uw brieven worden gemaakt"
INTERRUPTED = "De server is opnieuw gestart terwijl uw brieven werden gemaakt."


def answers_zip() -> tuple[bytes, list[str]]:
    answers = yaml.safe_load((EXAMPLES / "answers.yml").read_text(encoding="utf-8"))
    answers["sender"].pop("logo", None)
    answers["sender"]["signatory"].pop("signature", None)
    names = [f"Leverancier {number:04d} B.V." for number in range(1, LETTERS + 1)]
    answers["recipients"] = [
        {"organisation": name, "street": f"Industrieweg {number}", "postcode": "3511 AB", "city": "Utrecht",
         "contact": {"form": "neutraal", "given": "Sam", "surname": f"Jansen{number:04d}"}}
        for number, name in enumerate(names, start=1)]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("answers.yml", yaml.safe_dump(answers, allow_unicode=True))
    return out.getvalue(), names


def kill_worker() -> None:
    """SIGKILL the celery worker's whole process group (scripts/serve starts it with setsid)."""
    pid = int((ROOT / ".state" / "run" / "celery.pid").read_text().strip())
    os.killpg(pid, signal.SIGKILL)


def test_a_restart_in_the_middle_of_a_list_job(api, artifacts):
    # parts of 150 letters: the job is 4 tasks, two at a time in the two workers, joined by the last
    serve_restart(PSOBRIEF_PART_LETTERS="150")
    content, names = answers_zip()
    question = start_from_saved_answers(api, "antwoorden.zip", content)
    assert question["questionText"].strip() == REVIEW, question
    question = api.answer({"review_answers": True}, question_name=question["questionName"])
    assert question["questionText"].strip() == WAITING, question

    # wait until the job reports that it is making letters, then kill its worker
    deadline = time.monotonic() + 300
    while "Brief " not in question.get("subquestionText", ""):
        assert question["questionText"].strip() == WAITING, "the job ended before it could be interrupted"
        assert time.monotonic() < deadline, question
        time.sleep(0.2)
        question = api.question()
    kill_worker()
    serve_restart()  # the server's default again; the job keeps its parts of 150

    # the person comes back: the screen says what happened, and the job runs again
    told = False
    deadline = time.monotonic() + 900
    question = api.question()
    while question["questionText"].strip() == WAITING:
        told = told or INTERRUPTED in question.get("subquestionText", "")
        assert time.monotonic() < deadline, f"still waiting: {question.get('subquestionText', '')[:500]}"
        time.sleep(2)
        question = api.question()
    assert question["questionText"].strip() == FINAL_SCREEN, question
    assert told, "the waiting screen did not say that the job was started again"
    assert "De server werd opnieuw gestart terwijl uw documenten werden gemaakt." in question["subquestionText"]

    variables = api.variables()
    archive = zipfile.ZipFile(io.BytesIO(api.file(finished_job(api, variables)["result"]["files"]["zip"]["number"])))
    (artifacts / "bulk-restart.zip").write_bytes(api.file(finished_job(api, variables)["result"]["files"]["zip"]["number"]))
    letters = sorted(n for n in archive.namelist() if n.endswith(".docx") and "Leverancier" in n)
    pdfs = sorted(n for n in archive.namelist() if n.endswith(".pdf") and "Leverancier" in n)
    assert len(letters) == LETTERS and len(pdfs) == LETTERS, (len(letters), len(pdfs))
    for number, name in enumerate(names, start=1):
        docx = next(n for n in letters if name in n)
        pdf = next(n for n in pdfs if name in n)
        assert name in docx_lines(archive.read(docx))
        text = flat(pdf_text(archive.read(pdf)))
        assert name in text and f"Geachte Sam Jansen{number:04d}," in text, (pdf, text[:300])
