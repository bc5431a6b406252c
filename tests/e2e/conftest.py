"""End-to-end fixtures: a real local docassemble server and a small REST client.

The session fixture `server` uses a server that is already running (scripts/serve) or
starts one and stops it again at the end: servers started by a test run are stopped by it.
"""

from __future__ import annotations

import io
import re
import os
import subprocess
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
SERVE = ROOT / "scripts" / "serve"
ARTIFACTS = ROOT / "artifacts"
INTERVIEW = "docassemble.psobrief:data/questions/stimuleringsbrief.yml"
MAX_SCREENS = 60


def _server_env() -> dict[str, str]:
    values = {}
    for line in (ROOT / ".state" / "server.env").read_text().splitlines():
        if "=" in line and not line.startswith("#"):
            key, value = line.split("=", 1)
            values[key.strip()] = value.strip().strip('"').strip("'")
    return values


def _running() -> bool:
    return subprocess.run([str(SERVE), "status"], capture_output=True).returncode == 0


@pytest.fixture(scope="session")
def server():
    started_here = False
    if not _running():
        result = subprocess.run([str(SERVE), "start"], capture_output=True, text=True, timeout=1800)
        assert result.returncode == 0, f"scripts/serve start failed:\n{result.stdout}\n{result.stderr}"
        started_here = True
    env = _server_env()
    yield {"url": env["PSOBRIEF_URL"], "key": env["PSOBRIEF_API_KEY"],
           "email": env.get("PSOBRIEF_ADMIN_EMAIL"), "password": env.get("PSOBRIEF_ADMIN_PASSWORD")}
    if started_here:
        subprocess.run([str(SERVE), "stop"], capture_output=True, timeout=300)


@pytest.fixture(scope="session")
def artifacts():
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


class Api:
    """docassemble's REST API for one interview session."""

    def __init__(self, server: dict):
        self.url = server["url"]
        self.http = requests.Session()
        self.http.headers["X-API-Key"] = server["key"]
        self.session = self.secret = None

    def _check(self, response: requests.Response) -> dict:
        assert response.status_code == 200, f"{response.request.method} {response.url}: {response.status_code} {response.text[:2000]}"
        return response.json()

    def start(self) -> dict:
        data = self._check(self.http.get(f"{self.url}/api/session/new", params={"i": INTERVIEW}, timeout=120))
        self.session, self.secret = data["session"], data.get("secret")
        return self.question()

    def _ids(self) -> dict:
        ids = {"i": INTERVIEW, "session": self.session}
        if self.secret:
            ids["secret"] = self.secret
        return ids

    def question(self) -> dict:
        return self._check(self.http.get(f"{self.url}/api/session/question", params=self._ids(), timeout=300))

    def answer(self, variables: dict, question_name: str | None = None, event_list=None) -> dict:
        body = {**self._ids(), "variables": variables}
        if question_name:
            body["question_name"] = question_name
        if event_list:
            body["event_list"] = event_list
        return self._check(self.http.post(f"{self.url}/api/session", json=body, timeout=600))

    def variables(self) -> dict:
        return self._check(self.http.get(f"{self.url}/api/session", params=self._ids(), timeout=120))

    def status(self) -> dict:
        """What the download screen's script asks while the PDFs are made: the read-only
        ``psobrief_documents_status`` event (state "bezig", "klaar", "mislukt" or "verloren")."""
        response = self.http.post(f"{self.url}/api/session/action", timeout=120,
                                  json={**self._ids(), "action": "psobrief_documents_status", "read_only": True})
        assert response.status_code == 200, f"status: {response.status_code} {response.text[:500]}"
        return response.json()

    def file(self, number: int) -> bytes:
        response = self.http.get(f"{self.url}/api/file/{number}", timeout=120)
        assert response.status_code == 200, response.text[:500]
        return response.content


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright (no browser download)."""
    import playwright.sync_api as playwright
    from person import launch

    with playwright.sync_playwright() as p:
        browser = launch(p)
        yield browser
        browser.close()


@pytest.fixture
def api(server):
    return Api(server)


#: What the tests set to shape the server; a restart without them is the server's default.
SERVER_SETTINGS = ("PSOBRIEF_UNOSERVER", "PSOBRIEF_SOFFICE", "PSOBRIEF_OWN_TASKS", "PSOBRIEF_WORKERS",
                   "PSOBRIEF_PART_LETTERS")


def serve_restart(timeout: float = 900, **environment: str) -> None:
    """``scripts/serve restart`` with the given settings (the others at their defaults)."""
    env = {key: value for key, value in os.environ.items() if key not in SERVER_SETTINGS}
    done = subprocess.run([str(SERVE), "restart"], capture_output=True, text=True, timeout=timeout,
                          env={**env, **environment})
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]


#: Seconds between the download screen's questions while the PDFs are made: psobrief.js's
#: DELAYS, then every 2 s.
POLL_DELAYS = [0.3, 0.3, 0.4, 0.5, 0.5, 1, 1, 1, 1]


def poll_delay(asked: int) -> float:
    return POLL_DELAYS[asked] if asked < len(POLL_DELAYS) else 2.0


def finished_job(api: Api, variables: dict, timeout: float = 600) -> dict:
    """The session's job once its background tasks are done (PDFs, print file, ZIP).

    The download screen shows a short list's DOCX files at once and its PDFs when the
    background task has made them: ask as the browser's script does (the read-only status,
    on its schedule) until they are there, then draw the screen again, which records the
    result in the session (and restarts a part a restart ended, as the page does).
    """
    import time

    deadline = time.monotonic() + timeout
    job = variables.get("job") or {}
    asked = 0
    while job.get("result") is None:
        assert time.monotonic() < deadline, f"the job was not finished after {timeout} s: {job.get('state')}"
        time.sleep(poll_delay(asked))
        asked += 1
        if api.status().get("state") == "bezig":
            continue
        api.question()
        job = api.variables().get("job") or {}
    return job


def docx_lines(content: bytes) -> list[str]:
    import docx

    document = docx.Document(io.BytesIO(content))
    lines = []
    for section in document.sections:
        for table in section.header.tables:
            for cell in table._cells:
                lines += [p.text for p in cell.paragraphs]
    return lines + [p.text for p in document.paragraphs]


def pdf_text(content: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(content)).pages)


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()
