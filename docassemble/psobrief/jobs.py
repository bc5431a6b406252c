"""The background work of making a job's documents, spread over docassemble's celery workers.

A job is made in parts of :data:`.bulk.PART_LETTERS` letters. Each part is one
``background_action`` (a celery task): it makes its letters (or reads the ones the web
request already made for a short list), their PDFs with a LibreOffice of its own, and
stores the part in docassemble's file storage. The part that finishes last joins them all
(:func:`.bulk.finish_job`) and stores the job's files. So a server with more workers
makes a long list faster, and nothing of a job lives in one process's memory or on one
machine's disk: files go through ``DAFile`` (docassemble's storage, S3 on a multi-server
set-up), state through Redis and the interview session.

Every running part renews a heartbeat in Redis. docassemble's celery forgets a task whose
worker stopped in the middle (a restart): the interview then finds a part without a
heartbeat and starts that part again (:func:`check_job`).
"""

from __future__ import annotations

import inspect
import json
import math
import os
import secrets
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from docassemble.base.util import DAFile, DARedis, background_action, log, user_info

from .answers import parse_answers
from .bulk import (
    PART_LETTERS,
    PRINT_PART,
    Finished,
    Part,
    add_pdfs,
    finish_job,
    plan_letters,
    render_part,
)

__all__ = [
    "HEARTBEAT_SECONDS",
    "HEARTBEAT_TTL",
    "PART_ACTION",
    "start_parts",
    "part_letters",
    "check_job",
    "job_progress",
    "run_part_job",
    "run_part_action",
    "file_info",
    "as_file",
    "stored_file",
    "job_lost",
    "mark_taken",
    "redis_connection",
]

#: The interview's event that runs one part in a celery worker (psobrief_documents.yml).
PART_ACTION = "psobrief_part"
#: A running part renews its heartbeat (a Redis key beside its progress) this often ...
HEARTBEAT_SECONDS = 5
#: ... and the key lives this long: a part that stopped renewing it was ended by a restart.
HEARTBEAT_TTL = 45
#: How long a job's progress and bookkeeping stay in Redis.
KEEP_SECONDS = 24 * 3600


def redis_connection() -> DARedis:
    """docassemble's Redis. Named at once: a DAObject made without a name (``DARedis()``,
    ``DAFile()``) looks for its variable name in the Python stack (``inspect.stack``), which
    cost the status answer and the download screen a third of their time."""
    return DARedis("psobrief_redis")


# ---------------------------------------------------------------- in the interview (web process)


def start_parts(job: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    """Start the background tasks of ``job`` (one per part) for the answers ``data``.

    ``job["letters"]``, when set, holds the letters the web request made already (a short
    list): the one part then makes their PDFs only. Sets ``job["key"]`` (its Redis keys),
    ``job["parts"]`` and ``job["size"]``, and forgets any earlier result.
    """
    count = len(data.get("recipients") or [])
    job["count"] = count
    job["size"] = part_letters()
    job["parts"] = max(1, math.ceil(count / job["size"]))
    job["key"] = f"psobrief:job:{user_info().session}:{secrets.token_hex(6)}"
    job["result"] = None
    job["restarts"] = 0
    job.pop("tasks", None)  # sessions from before 0.3: the state is in Redis now
    redis = redis_connection()
    for part in range(job["parts"]):
        _set_progress(redis, f"{job['key']}:{part}", {"done": 0, "total": 0, "stage": "wachten"})
    for part in range(job["parts"]):
        _start_part(job, data, part)
    return job


#: The celery task that runs one part (:mod:`.worker`, loaded through docassemble's
#: ``celery modules``): no second of waiting and no session to load before the work starts.
PART_TASK = "docassemble.psobrief.worker.make_part"
#: The module that defines :data:`PART_TASK`, as it must be named in ``celery modules``.
WORKER_MODULE = "docassemble.psobrief.worker"


def own_task() -> bool:
    """True when docassemble's workers load :mod:`.worker` (``celery modules`` in the
    configuration, as ``scripts/serve`` writes it): parts then go straight to :data:`PART_TASK`.
    Otherwise (a server whose administrator did not add it) each part is docassemble's own
    ``background_action``, which waits a second and loads the session first: slower, same work."""
    from docassemble.base.config import daconfig

    modules = daconfig.get("celery modules") if isinstance(daconfig, dict) else None
    return isinstance(modules, list) and WORKER_MODULE in modules


def _start_part(job: dict[str, Any], data: dict[str, Any], part: int) -> None:
    """One part as a task: :data:`PART_TASK`, or docassemble's ``background_action``
    (:func:`run_part_action`); either way :func:`run_part_job` gets these arguments."""
    arguments = {"data": data, "part": part, "parts": job["parts"], "key": job["key"],
                 "letters": job.get("letters"), "annex": job.get("annex"), "size": job["size"]}
    if own_task():
        from docassemble.base.functions import this_thread
        from docassemble.webapp.tasks.app import celery_app

        info = this_thread.current_info
        context = {name: info.get(name) for name in ("user", "session", "yaml_filename", "url", "url_root")}
        celery_app.send_task(PART_TASK, kwargs={"context": context, "arguments": arguments})
    else:
        background_action(PART_ACTION, **arguments)


def run_part_action() -> dict[str, Any]:
    """The ``background_action`` :data:`PART_ACTION`: :func:`run_part_job` with the arguments
    :func:`_start_part` gave it."""
    from docassemble.base.util import action_argument

    return run_part_job(**{name: action_argument(name) for name in inspect.signature(run_part_job).parameters})


#: The environment variable and the docassemble configuration key that set the letters per
#: part (default :data:`.bulk.PART_LETTERS`): smaller parts spread a list over more workers.
PART_ENVIRONMENT = "PSOBRIEF_PART_LETTERS"
PART_CONFIG_KEY = "psobrief part letters"


def part_letters() -> int:
    """Letters per part of a job: ``PSOBRIEF_PART_LETTERS``, else ``psobrief part letters`` in
    docassemble's configuration, else :data:`.bulk.PART_LETTERS`; at least 1."""
    value = os.environ.get(PART_ENVIRONMENT)
    if value is None:
        from docassemble.base.config import daconfig

        value = daconfig.get(PART_CONFIG_KEY) if isinstance(daconfig, dict) else None
    try:
        return max(1, int(value)) if value is not None else PART_LETTERS
    except (TypeError, ValueError):
        log(f"psobrief: {PART_ENVIRONMENT} / {PART_CONFIG_KEY} = {value!r} is not a number: parts of {PART_LETTERS}")
        return PART_LETTERS


def job_lost(key: str) -> bool:
    """True when a part had started and its heartbeat stopped: its worker was stopped or restarted.

    A part still waiting in the queue ("wachten") is not lost: a restarted worker takes it; nor
    is one that has ended ("klaar", "mislukt").
    """
    raw, alive = redis_connection().mget([key, key + ":alive"])
    return _lost(json.loads(raw) if raw else None, bool(alive))


def _lost(state: dict[str, Any] | None, alive: bool) -> bool:
    """:func:`job_lost` for a part's (or a mailing's) state and whether its heartbeat is there."""
    return state is not None and state.get("stage") not in ("wachten", "klaar", "mislukt") and not alive


def _part_states(job: dict[str, Any]) -> list[tuple[dict[str, Any] | None, bool]]:
    """Each part's state (None when Redis has none) and whether its heartbeat is there, in
    one round trip (the download screen asks every few seconds)."""
    keys = [f"{job['key']}:{part}" for part in range(job.get("parts") or 0)]
    if not keys:
        return []
    values = redis_connection().mget(keys + [key + ":alive" for key in keys])
    states, alive = values[:len(keys)], values[len(keys):]
    return [(json.loads(raw) if raw else None, bool(beat)) for raw, beat in zip(states, alive)]


#: A part ended by restarts this many times makes the job fail (a task that cannot even start).
MAX_RESTARTS = 3


def check_job(job: dict[str, Any], data: dict[str, Any] | None = None, restart: bool = True) -> str:
    """How the job stands (see :func:`_check_job`), also kept in ``job["state"]``."""
    job["state"] = _check_job(job, data, restart)
    return job["state"]


def _check_job(job: dict[str, Any], data: dict[str, Any] | None, restart: bool) -> str:
    """How the job stands, read from Redis only: "klaar" (``job["result"]`` is set), "bezig",
    "mislukt", or "verloren" (a part was ended by a restart and ``restart`` is False).

    With ``restart`` a part a restart ended is started again, and ``job["restarted"]`` is set
    so the screens can say so. Call it with ``restart`` only where the session is saved
    afterwards (a screen, not a JSON answer).
    """
    if job.get("result") is not None:
        return "klaar"
    if not job.get("key") or not job.get("parts"):
        return "mislukt"
    redis = redis_connection()
    raw = redis.get(f"{job['key']}:result")
    if raw:
        job["result"] = json.loads(raw)
        return "klaar"
    lost = []
    for part, (state, alive) in enumerate(_part_states(job)):
        if state is None or state.get("stage") == "mislukt":
            return "mislukt"
        if _lost(state, alive):
            lost.append(part)
    if not lost:
        return "bezig"
    if not restart:
        return "verloren"
    if job.get("restarts", 0) >= MAX_RESTARTS * job["parts"]:
        return "mislukt"
    for part in lost:
        _set_progress(redis, f"{job['key']}:{part}", {"done": 0, "total": 0, "stage": "wachten"})
        _start_part(job, data, part)
    job["restarts"] = job.get("restarts", 0) + len(lost)
    job["restarted"] = True
    return "bezig"


def job_progress(job: dict[str, Any]) -> dict[str, Any]:
    """The job's progress from what its parts wrote to Redis: letters made of all, the
    number of parts whose PDFs are ready, and the stage ("wachten", "brieven", "pdf",
    "samenvoegen", "klaar")."""
    states = [state or {"done": 0, "total": 0, "stage": "wachten"} for state, _ in _part_states(job)]
    stages = [state["stage"] for state in states]
    if job.get("result") is not None or (stages and all(stage == "klaar" for stage in stages)):
        stage = "klaar"
    elif "samenvoegen" in stages:
        stage = "samenvoegen"
    elif "pdf" in stages or ("klaar" in stages and "brieven" not in stages and "wachten" not in stages):
        stage = "pdf"
    elif all(stage in ("wachten", "gestart") for stage in stages):
        stage = "wachten"
    else:
        stage = "brieven"
    return {"stage": stage, "letters": sum(state["done"] for state in states),
            "parts": len(states), "parts_done": stages.count("klaar") + stages.count("samenvoegen"),
            "percent": _percent(states)}


def _percent(states: list[dict[str, Any]]) -> int:
    """Letters count for 40%, their PDFs for 55%, storing the job's files for the rest."""
    if not states:
        return 0
    weights = {"wachten": 0.0, "gestart": 0.0, "pdf": 0.4, "opslaan": 0.95, "samenvoegen": 0.95, "klaar": 1.0}
    total = 0.0
    for state in states:
        if state["stage"] == "brieven":
            total += 0.4 * state["done"] / max(state["total"], 1)
        else:
            total += weights.get(state["stage"], 0.0)
    return int(100 * total / len(states))


# ---------------------------------------------------------------- in a celery worker


def mark_taken(key: str, part: int) -> None:
    """A worker has taken the part from the queue (called by :mod:`.worker` before the task
    runs): from now on a missing heartbeat means the part was ended by a restart. celery
    removes a task from the queue when a worker takes it, and docassemble first waits a
    second and loads the session: without this mark a restart in those seconds would leave
    the part "wachten" for ever."""
    redis = redis_connection()
    part_key = f"{key}:{part}"
    redis.set(part_key + ":alive", str(time.time()), ex=HEARTBEAT_TTL)
    _set_progress(redis, part_key, {"done": 0, "total": 0, "stage": "gestart"})


def _set_progress(redis: Any, key: str, state: dict[str, Any]) -> None:
    redis.set(key, json.dumps(state), ex=KEEP_SECONDS)


@contextmanager
def _heartbeat(key: str) -> Iterator[Callable[[int, int, str], None]]:
    """Renew ``key:alive`` while the block runs (first before any progress is reported, so a
    part that reports progress always has a heartbeat); yields ``report(done, total, stage)``."""
    redis = redis_connection()
    finished = threading.Event()

    def beat() -> None:
        redis.set(key + ":alive", str(time.time()), ex=HEARTBEAT_TTL)

    def renew() -> None:
        while not finished.wait(HEARTBEAT_SECONDS):
            beat()

    beat()
    threading.Thread(target=renew, name="psobrief-heartbeat", daemon=True).start()
    try:
        yield lambda done, total, stage: _set_progress(redis, key, {"done": done, "total": total, "stage": stage})
    finally:
        finished.set()


def run_part_job(data: dict[str, Any], part: int, parts: int, key: str,
                 letters: list[dict[str, Any]] | None = None, annex: dict[str, Any] | None = None,
                 size: int = PART_LETTERS) -> dict[str, Any]:
    """One part of a job (the background task): its letters, their PDFs, stored; the part that
    finishes last joins every part, stores the job's files and puts what the download screen
    needs in Redis (``key:result``, read by :func:`check_job`).

    Returns ``{"part": n}``, and for the part that joined them also ``"result"`` (see
    :func:`_store_result`). ``letters``/``annex``: the stored DOCX files the web request made
    already (a short list, one part), whose PDFs are made here. An error marks the part
    "mislukt" (the screen then offers to try again) and is raised again for celery's log.
    """
    try:
        return _run_part(data, part, parts, key, letters, annex, size)
    except Exception:
        _set_progress(redis_connection(), f"{key}:{part}", {"done": 0, "total": 0, "stage": "mislukt"})
        raise


def _run_part(data: dict[str, Any], part: int, parts: int, key: str, letters: list[dict[str, Any]] | None,
              annex: dict[str, Any] | None, size: int) -> dict[str, Any]:
    redis = redis_connection()
    with _heartbeat(f"{key}:{part}") as report:
        answers = parse_answers(data)
        items = plan_letters(answers)
        mine = items[part * size:(part + 1) * size]
        total = len(mine)
        report(0, total, "brieven")
        # a short part shares the server's running unoserver; a long one (several side by side
        # in the workers) gets a LibreOffice of its own, started while its letters are rendered
        unoserver = total <= PRINT_PART
        if letters is not None:
            made = Part(letters={item["docx"]: _read(letter["docx"]) for item, letter in zip(mine, letters)},
                        annex=_read(annex) if annex else None)
            report(total, total, "pdf")
            add_pdfs(made, unoserver=unoserver)
        else:
            made = render_part(answers, mine, pdf=True, annex=part == 0, unoserver=unoserver,
                               progress=lambda done: report(done, total, "brieven" if done < total else "pdf"))
        report(total, total, "opslaan")
        with tempfile.TemporaryDirectory(prefix="psobrief-part-") as work:
            path = Path(work) / "deel.zip"
            made.write(path)
            own_pdfs = made.pdfs if letters is not None else {}
            del made  # the joining part reads its own letters back from the file, like the others'
            if parts > 1:  # the other parts' workers read it back; a job of one part joins it at once
                stored = _stored_path(f"deel {part + 1}.zip", path)
                redis.hset(f"{key}:files", str(part), json.dumps(file_info(stored)))
                redis.expire(f"{key}:files", KEEP_SECONDS)
            pipe = redis.pipeline()  # MULTI: the count is the one right after this part was added
            pipe.sadd(f"{key}:done", str(part))
            pipe.scard(f"{key}:done")
            pipe.expire(f"{key}:done", KEEP_SECONDS)
            count = pipe.execute()[1]
            if count < parts:
                report(total, total, "klaar")
                return {"part": part}
            report(total, total, "samenvoegen")
            infos = {int(number): json.loads(info) for number, info in redis.hgetall(f"{key}:files").items()}
            paths = [path if number == part else Path(as_file(infos[number]).path()) for number in range(parts)]
            finished = finish_job(items, paths, Path(work) / "klaar")
            result = _store_result(finished, items, letters, annex, answers.notices, own_pdfs)
        redis.set(f"{key}:result", json.dumps(result), ex=KEEP_SECONDS)
        report(total, total, "klaar")
        return {"part": part, "result": result}


def _store_result(finished: Finished, items: list[dict[str, Any]], letters: list[dict[str, Any]] | None,
                  annex: dict[str, Any] | None, notices: list[str], pdfs: dict[str, bytes]) -> dict[str, Any]:
    """Store a finished job's files (:func:`.bulk.finish_job`); what the download screen needs,
    as plain data.

    ``files``: role -> stored file (zip, combined, combined_pdf and overview only for more than
    one letter; annex, annex_pdf);
    ``letters``: for a short list (whose letters the web request stored) one record per
    letter with its DOCX and its PDF (from ``pdfs``); ``summary``: counts, missing PDFs, notices.
    """
    files: dict[str, dict[str, Any]] = {}
    several = len(items) > 1  # one letter: no ZIP, print file or overview (the screen offers none)
    for role, path, wanted in (("zip", finished.zip, several), ("combined", finished.combined, several),
                               ("combined_pdf", finished.combined_pdf, several),
                               ("overview", finished.overview, several),
                               ("annex_pdf", finished.annex_pdf, True),
                               ("annex", None if annex else finished.annex, True)):
        if wanted and path is not None:
            files[role] = file_info(_stored_path(path.name, path))  # copied from disk, not read into memory
    if annex:
        files["annex"] = annex
    shown = []
    if letters is not None:
        for item, letter in zip(items, letters):
            content = pdfs.get(item["pdf"])
            shown.append({**letter, "pdf": file_info(stored_file(item["pdf"], content)) if content else None})
    return {"files": files, "letters": shown, "summary": {
        "letters": finished.letters, "pdfs": finished.pdfs, "pdf_error": finished.pdf_error,
        "pdf_missing": finished.pdf_missing, "notices": notices}}


# ---------------------------------------------------------------- stored files


def file_info(the_file: DAFile) -> dict[str, Any]:
    """A stored file as plain data (kept in the session, sent between processes)."""
    return {"number": the_file.number, "filename": the_file.filename, "extension": the_file.extension,
            "mimetype": the_file.mimetype}


def _new_file() -> DAFile:
    """An empty DAFile with a random name (named at once: see :func:`redis_connection`)."""
    the_file = DAFile("psobrief_file")
    the_file.set_random_instance_name()
    return the_file


def as_file(info: dict[str, Any]) -> DAFile:
    """The stored file of :func:`file_info` as a DAFile (for a link, or to read it), without
    asking the database: everything a link needs travels in ``info``."""
    the_file = _new_file()
    the_file.init(**info)
    return the_file


def _read(info: dict[str, Any]) -> bytes:
    with open(as_file(info).path(), "rb") as handle:
        return handle.read()


def stored_file(name: str, content: bytes) -> DAFile:
    """A new file in docassemble's storage (works on multi-server set-ups too)."""
    the_file = _new_file()
    the_file.initialize(filename=name)
    the_file.write(content, binary=True)
    the_file.commit()
    return the_file


def _stored_path(name: str, path: Path) -> DAFile:
    """A new file in docassemble's storage, copied from ``path`` (not read into memory)."""
    the_file = _new_file()
    the_file.initialize(filename=name)
    the_file.copy_into(str(path))
    the_file.commit()
    return the_file
