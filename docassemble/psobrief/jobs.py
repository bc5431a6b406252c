"""The background job that makes a list's documents, and what keeps it honest.

``run_bulk_job`` runs in docassemble's celery worker (``background_action``): it makes the
job's files with :func:`.bulk.render_bundle`, stores them with docassemble's storage (so web
and worker processes may be on different machines) and reports progress in Redis, with a
heartbeat that lets the interview notice a job a restart ended (:func:`bulk_job_lost`).
"""

from __future__ import annotations

import json
import threading
import time
from typing import Any

from docassemble.base.util import DAFile, DARedis, user_info

from .answers import parse_answers
from .bulk import COMBINED_FILENAME, OVERVIEW_FILENAME, ZIP_FILENAME, pdf_name, render_bundle
from .render import ANNEX_FILENAME

__all__ = [
    "HEARTBEAT_SECONDS",
    "HEARTBEAT_TTL",
    "progress_key",
    "start_progress",
    "bulk_job_lost",
    "run_bulk_job",
    "bulk_files",
    "stored_file",
]


def progress_key() -> str:
    return f"psobrief:progress:{user_info().session}"


#: A running list job renews its heartbeat (a Redis key beside its progress) this often ...
HEARTBEAT_SECONDS = 5
#: ... and the key lives this long: a job that stopped renewing it was ended by a restart.
HEARTBEAT_TTL = 45


def start_progress(key: str) -> None:
    """A new list job: its progress starts at "wachten" and it has no heartbeat yet."""
    redis = DARedis()
    redis.delete(key + ":alive")
    redis.set(key, json.dumps({"done": 0, "total": 0, "stage": "wachten"}), ex=24 * 3600)


def bulk_job_lost(key: str) -> bool:
    """True when the job had started and its heartbeat stopped: its worker was stopped or restarted.

    docassemble (celery) forgets a task whose worker ends in the middle of it: the task stays
    "not ready" for ever. The interview then starts the job again (see psobrief_documents.yml).
    A job still waiting in the queue ("wachten") is not lost: a restarted worker takes it.
    """
    redis = DARedis()
    raw = redis.get(key)
    if not raw or json.loads(raw).get("stage") == "wachten":
        return False
    return not redis.get(key + ":alive")


def run_bulk_job(data: dict[str, Any], key: str) -> dict[str, dict[str, Any]]:
    """The background task: render the bundle, store its files, return their numbers.

    While it runs it renews a heartbeat (see :func:`bulk_job_lost`), first before it reports
    that it started, so a job that reports progress always has a heartbeat.
    """
    redis = DARedis()

    def report(done: int, total: int, stage: str) -> None:
        redis.set(key, json.dumps({"done": done, "total": total, "stage": stage}), ex=24 * 3600)

    def beat() -> None:
        redis.set(key + ":alive", str(time.time()), ex=HEARTBEAT_TTL)

    def heartbeat() -> None:
        while not finished.wait(HEARTBEAT_SECONDS):
            beat()

    finished = threading.Event()
    beat()
    threading.Thread(target=heartbeat, name="psobrief-heartbeat", daemon=True).start()
    try:
        report(0, len(data.get("recipients") or []), "brieven")
        answers = parse_answers(data)
        bundle = render_bundle(answers, pdf=True, progress=report)
        files = {"zip": (ZIP_FILENAME, bundle.zip_bytes()), "combined": (COMBINED_FILENAME, bundle.combined),
                 "overview": (OVERVIEW_FILENAME, bundle.overview)}
        if bundle.combined_pdf:
            files["combined_pdf"] = (pdf_name(COMBINED_FILENAME), bundle.combined_pdf)
        if bundle.annex:
            files["annex"] = (ANNEX_FILENAME, bundle.annex)
        if bundle.annex_pdf:
            files["annex_pdf"] = (pdf_name(ANNEX_FILENAME), bundle.annex_pdf)
        stored = {}
        for role, (name, content) in files.items():
            the_file = stored_file(name, content)
            stored[role] = {"number": the_file.number, "filename": the_file.filename,
                            "extension": the_file.extension, "mimetype": the_file.mimetype}
        stored["summary"] = {"letters": len(bundle.letters), "pdfs": len(bundle.pdfs),
                             "pdf_error": bundle.pdf_error, "pdf_missing": bundle.pdf_missing,
                             "notices": answers.notices}
        return stored
    finally:
        finished.set()


def bulk_files(stored: dict[str, dict[str, Any]]) -> dict[str, DAFile]:
    """The task's stored files as DAFile objects for the download screen."""
    files = {}
    for role, info in stored.items():
        if role == "summary":
            continue
        the_file = DAFile()
        the_file.set_random_instance_name()
        the_file.initialize(**info)
        files[role] = the_file
    return files


def stored_file(name: str, content: bytes) -> DAFile:
    """A new file in docassemble's storage (works on multi-server set-ups too)."""
    the_file = DAFile()
    the_file.set_random_instance_name()
    the_file.initialize(filename=name)
    the_file.write(content, binary=True)
    the_file.commit()
    return the_file
