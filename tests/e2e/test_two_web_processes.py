"""One person's session on two web processes of the same server, request by request.

A multi-server docassemble runs several web servers behind a load balancer, with one
database, Redis and file store. Nothing of a session may live in one process: here every
REST request of a session goes to the other web process (scripts/serve's own and a second
one from ``scripts/serve web PORT``), and the letters must be the ones the offline renderer
makes from the same answers: one recipient (made in the web process, with the review
screen's preview) and a list of 12 (made by the background worker, polled from both).
"""

from __future__ import annotations

import io
import os
import signal
import socket
import subprocess
import time
import zipfile
from itertools import cycle

import pytest
import requests
from conftest import ROOT, Api, docx_lines, finished_job, flat, pdf_text
from scenarios import recipient, scenario
from test_rest_flow import FINAL_SCREEN, check_against_offline, documents_of, run_interview

SERVE = ROOT / "scripts" / "serve"
WAITING = "Uw brieven worden gemaakt"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def second_web(server, artifacts):
    """A second web process (gunicorn) of the running server; stopped at the end."""
    port = free_port()
    log = (artifacts / f"second-web-{port}.log").open("wb")
    process = subprocess.Popen([str(SERVE), "web", str(port)], stdout=log, stderr=subprocess.STDOUT,
                               start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 240
    while True:
        assert process.poll() is None, f"the second web process ended: see {log.name}"
        try:
            if requests.get(url + "/user/sign-in", timeout=10).status_code == 200:
                break
        except requests.RequestException:
            pass
        assert time.monotonic() < deadline, "the second web process did not answer"
        time.sleep(1)
    yield url
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    log.close()


class Alternating(Api):
    """The REST client, sending each request to the next web process in turn."""

    def __init__(self, server: dict, urls: list[str]):
        super().__init__(server)
        self.urls = cycle(urls)
        self.used: list[str] = []

    @property
    def url(self) -> str:
        chosen = next(self.urls)
        self.used.append(chosen)
        return chosen

    @url.setter
    def url(self, value: str) -> None:
        pass  # Api.__init__ sets the first server's address; the cycle decides


def test_one_recipient_on_two_web_processes(server, second_web, tmp_path):
    api = Alternating(server, [server["url"], second_web])
    answers = scenario([recipient("Groenvoorziening De Boer", "Dorpsweg 8", "9711 LM", "Groningen", "neutraal",
                                  "Kim", "van den", "Berg"),
                        recipient("Drukkerij Ter Horst", "Markt 3", "7411 KT", "Deventer", "mevrouw", "", "de",
                                  "Boer")])
    variables = run_interview(api, answers)
    assert {server["url"], second_web} <= set(api.used) and len(api.used) >= 15  # every screen, in turn
    docx, pdf = documents_of(api, variables)
    check_against_offline(docx, answers, tmp_path)
    text = flat(pdf_text(pdf["Stimuleringsbrief - Drukkerij Ter Horst.pdf"]))
    assert "Geachte mevrouw De Boer," in text


def test_a_list_made_in_the_background_polled_from_two_web_processes(server, second_web, tmp_path):
    api = Alternating(server, [server["url"], second_web])
    people = [recipient(f"Leverancier {n:02d} B.V.", f"Industrieweg {n}", "3511 AB", "Utrecht", "neutraal",
                        "Sam", "", f"Jansen{n:02d}") for n in range(1, 13)]
    answers = scenario(people)
    run_interview(api, answers, final=WAITING)
    deadline = time.monotonic() + 600
    question = api.question()
    while question["questionText"].strip() == WAITING:
        assert time.monotonic() < deadline, question.get("subquestionText", "")[:500]
        time.sleep(1)
        question = api.question()
    assert question["questionText"].strip() == FINAL_SCREEN, question
    variables = api.variables()
    archive = zipfile.ZipFile(io.BytesIO(api.file(finished_job(api, variables)["result"]["files"]["zip"]["number"])))
    docx = {name.rsplit("/", 1)[-1]: archive.read(name) for name in archive.namelist()
            if name.endswith(".docx") and "/" in name and "Leverancier" in name}
    assert len(docx) == 12
    check_against_offline({**docx, **{name.rsplit("/", 1)[-1]: archive.read(name) for name in archive.namelist()
                                      if name.endswith(".docx") and name.startswith("Bijlage")}},
                          answers, tmp_path)
    pdfs = sorted(name for name in archive.namelist() if name.startswith("PDF/") and "Leverancier" in name)
    assert len(pdfs) == 12
    for n, (pdf, letter) in enumerate(zip(pdfs, sorted(docx)), start=1):
        assert f"Leverancier {n:02d} B.V" in pdf and f"Leverancier {n:02d} B.V" in letter
        assert f"Geachte Sam Jansen{n:02d}," in flat(pdf_text(archive.read(pdf)))
        assert f"Leverancier {n:02d} B.V." in docx_lines(docx[letter])
