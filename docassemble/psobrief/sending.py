"""Sending every chain partner its letter by e-mail, in a background task, with a record.

The interview (psobrief_mail.yml) keeps a ``mailing`` dict in the session, beside the
documents' ``job`` (:mod:`.jobs`); the messages themselves are made and sent by
:mod:`.mail` (:func:`.mail.send_all`) in a celery worker (the ``psobrief_send`` event,
:func:`run_send_job`).

- What was sent is kept in Redis, per recipient (:func:`.mail.mail_key`: the set of letters -
  the answers' fingerprint -, the place in the list and the address), in one hash per session
  and set of letters (:func:`store_name`). It outlives the task, a restart and a new
  mailing: the same letter is never sent twice to the same address by itself; a recipient
  whose message may or may not have left (the task was ended in the middle) is "failed" with
  a reason that says so, and is sent again only when the person asks ("again").
- The task renews a heartbeat like a part of the documents (:func:`.jobs._heartbeat`,
  :func:`.jobs.job_lost`, :func:`.jobs.mark_taken` from :mod:`.worker`); a task a restart
  ended is started again by the next screen (:func:`check_mailing`) and skips everything
  that has a status already. One task at a time sends for a store (a Redis lock).
- When a mailing is done the interview makes the "Verzendoverzicht" spreadsheet
  (:func:`sending_overview`): organisation, address, status, time, reason.
"""

from __future__ import annotations

import datetime
import html
import json
import secrets
import threading
import time
import zipfile
from typing import Any
from zoneinfo import ZoneInfo

from docassemble.base.util import background_action, log, user_info

from . import mail
from .answers import parse_answers
from .bulk import pdf_name, plan_letters, text_workbook
from .dutch import count_of
from .render import ANNEX_FILENAME
from .jobs import (
    HEARTBEAT_SECONDS,
    HEARTBEAT_TTL,
    _heartbeat,
    _read,
    _set_progress,
    as_file,
    file_info,
    job_lost,
    redis_connection,
    stored_file,
)

__all__ = [
    "SEND_ACTION",
    "OVERVIEW_FILENAME",
    "mail_plan",
    "mail_counts",
    "example_message",
    "start_sending",
    "check_mailing",
    "mailing_progress",
    "mail_results",
    "run_send_job",
    "sending_overview",
    "store_name",
    "example_html",
    "progress_html",
    "mail_section_html",
    "without_address_text",
    "send_label",
]

#: The interview's event that sends the messages in a celery worker (psobrief_mail.yml).
SEND_ACTION = "psobrief_send"
#: The spreadsheet made after sending.
OVERVIEW_FILENAME = "Verzendoverzicht.xlsx"
#: How long the record of what was sent stays in Redis (a year: the record is the point).
KEEP_RECORD = 366 * 24 * 3600
#: Status words on the screens and in the spreadsheet.
STATUS_WORDS = {mail.SENT: "Verstuurd", mail.FAILED: "Mislukt", mail.SENDING: "Wordt verstuurd",
                None: "Nog niet verstuurd", "geen": "Geen e-mailadres"}
_ZONE = ZoneInfo("Europe/Amsterdam")


# ---------------------------------------------------------------- the plan


def mail_plan(data: dict[str, Any], fingerprint: str) -> list[dict[str, Any]]:
    """One record per recipient, in the letters' order: organisation, salutation, address
    ("" when none), the letter's PDF name and the key of its status in the store."""
    answers = parse_answers(data)
    plan = []
    for item, recipient in zip(plan_letters(answers), answers.recipients):
        address = (recipient.email or "").strip()
        plan.append({"index": item["index"], "organisation": item["organisation"], "salutation": item["salutation"],
                     "email": address, "pdf": item["pdf"],
                     "key": mail.mail_key(fingerprint, item["index"], address) if address else ""})
    return plan


def mail_counts(data: dict[str, Any]) -> dict[str, int]:
    """How many recipients have an address, and how many have none."""
    recipients = data.get("recipients") or []
    with_address = sum(1 for recipient in recipients if str(recipient.get("email") or "").strip())
    return {"with": with_address, "without": len(recipients) - with_address}


def without_address_text(data: dict[str, Any]) -> str:
    """The example screen's note on the recipients without an address (empty when none)."""
    without = mail_counts(data)["without"]
    if not without:
        return ""
    return _e(f"Geen bericht voor {count_of(without, 'ketenpartner', 'ketenpartners')} zonder e-mailadres.")


def send_label(data: dict[str, Any]) -> str:
    """The confirm button: "Versturen naar 1 ketenpartner" / "... N ketenpartners"."""
    return "Versturen naar " + count_of(mail_counts(data)["with"], "ketenpartner", "ketenpartners")


def store_name(fingerprint: str) -> str:
    """The Redis hash that holds what was sent for this session's set of letters."""
    return f"psobrief:mail:{user_info().session}:{fingerprint}"


class RedisStore:
    """A :class:`.mail.StatusStore` in one Redis hash (kept :data:`KEEP_RECORD` seconds)."""

    def __init__(self, name: str, redis: Any = None):
        self.name, self.redis = name, redis or redis_connection()

    def get(self, key: str) -> dict | None:
        raw = self.redis.hget(self.name, key)
        return json.loads(raw) if raw else None

    def set(self, key: str, value: dict) -> None:
        self.redis.hset(self.name, key, json.dumps(value))
        self.redis.expire(self.name, KEEP_RECORD)

    def all(self) -> dict[str, dict]:
        return {(k.decode() if isinstance(k, bytes) else k): json.loads(v)
                for k, v in (self.redis.hgetall(self.name) or {}).items()}


# ---------------------------------------------------------------- the messages


def _sender_config() -> Any:
    from docassemble.base.config import daconfig

    return daconfig.get("mail") if isinstance(daconfig, dict) else None


class _Pdfs:
    """The letters' PDFs of a finished job: stored one by one (a short list) or in its ZIP."""

    def __init__(self, result: dict[str, Any]):
        self.result = result
        self.by_name = {letter["pdf"]["filename"]: letter["pdf"] for letter in result.get("letters") or []
                        if letter.get("pdf")}
        self.archive: zipfile.ZipFile | None = None

    def letter(self, name: str) -> bytes | None:
        if name in self.by_name:
            return _read(self.by_name[name])
        if self.archive is None and self.result["files"].get("zip"):
            self.archive = zipfile.ZipFile(as_file(self.result["files"]["zip"]).path())
        if self.archive is not None:
            try:
                return self.archive.read(f"PDF/{name}")
            except KeyError:
                return None
        return None

    def annex(self) -> tuple[bytes | None, str | None]:
        info = self.result["files"].get("annex_pdf")
        return (_read(info), info["filename"]) if info else (None, None)

    def close(self) -> None:
        if self.archive is not None:
            self.archive.close()


def _message(answers: Any, entry: dict[str, Any], pdfs: _Pdfs, with_annex: bool, sender: str) -> Any:
    pdf = pdfs.letter(entry["pdf"])
    if not pdf:
        raise mail.MailProblem("De PDF van deze brief ontbreekt: maak de PDF-bestanden opnieuw en verstuur dan "
                               "de mislukte berichten opnieuw.")
    annex, annex_name = pdfs.annex() if with_annex else (None, None)
    return mail.message_for(answers, answers.recipients[entry["index"]], sender, pdf, entry["pdf"],
                            annex if with_annex else None, annex_name)


def _default_sender(config: Any) -> str:
    try:
        return mail.smtp_settings(config)["default sender"]
    except mail.MailProblem:
        return ""


def example_message(job: dict[str, Any], data: dict[str, Any], with_annex: bool) -> dict[str, Any]:
    """The first recipient with an address's message, as the example screen shows it:
    ``to``, ``reply_to``, ``subject``, ``body``, ``attachments`` [(name, bytes)], or
    ``problem`` (Dutch) when it cannot be made."""
    if job.get("result") is None:
        return {"problem": "De PDF-bestanden zijn nog niet klaar. Wacht tot ze klaar zijn en probeer het dan opnieuw."}
    plan = [entry for entry in mail_plan(data, job["fingerprint"]) if entry["email"]]
    if not plan:
        return {"problem": "Geen enkele ketenpartner heeft een e-mailadres."}
    answers = parse_answers(data)
    pdfs = _Pdfs(job["result"])
    config = _sender_config()
    try:
        message = _message(answers, plan[0], pdfs, with_annex, _default_sender(config) or "noreply@example.org")
    except mail.MailProblem as problem:
        return {"problem": str(problem), "organisation": plan[0]["organisation"]}
    finally:
        pdfs.close()
    body = message.get_body(("plain",))
    return {"organisation": plan[0]["organisation"], "to": str(message["To"]),
            "reply_to": str(message["Reply-To"]),
            "subject": str(message["Subject"]), "body": body.get_content() if body else "",
            "attachments": [(part.get_filename(), len(part.get_payload(decode=True) or b""))
                            for part in message.iter_attachments()],
            "settings_problem": _settings_problem(config)}


def _settings_problem(config: Any) -> str:
    try:
        settings = mail.smtp_settings(config)
        mail._sender_addr(settings["default sender"])  # noqa: SLF001 - the same check as the sending
    except mail.MailProblem as problem:
        return str(problem)
    return ""


# ---------------------------------------------------------------- in the interview (web process)


def start_sending(job: dict[str, Any], data: dict[str, Any], with_annex: bool, previous: dict[str, Any] | None = None,
                  again: bool = False) -> dict[str, Any]:
    """Start the background task that sends the letters of ``job``; the mailing, as plain data
    for the session. A mailing still at work is returned as it is (nothing starts twice).
    ``again``: the recipients that failed are sent again (and only they)."""
    same = previous and previous.get("fingerprint") == job["fingerprint"]
    if same and check_mailing(previous, data, restart=False) == "bezig":
        return previous
    if job.get("result") is None:  # no PDFs yet: nothing to send (the screen does not offer it then)
        return previous
    plan = mail_plan(data, job["fingerprint"])
    mailing = {"fingerprint": job["fingerprint"], "store": store_name(job["fingerprint"]),
               "annex": bool(with_annex and job["result"]["files"].get("annex_pdf")),
               "count": sum(1 for entry in plan if entry["email"]), "again": again, "restarted": False,
               "state": "bezig", "overview": None, "result": job["result"]}
    if again:
        store = RedisStore(mailing["store"])
        mailing["indexes"] = [entry["index"] for entry in plan if entry["key"]
                              and (store.get(entry["key"]) or {}).get("status") in (mail.FAILED, mail.SENDING)]
        mailing["count"] = len(mailing["indexes"])
    else:
        mailing["indexes"] = [entry["index"] for entry in plan if entry["key"]]
    mailing["progress"] = f"{mailing['store']}:{secrets.token_hex(6)}"
    _set_progress(redis_connection(), f"{mailing['progress']}:run",
                  {"done": 0, "total": mailing["count"], "stage": "wachten"})
    mailing["task"] = _start_task(mailing, data, again)
    return mailing


def _start_task(mailing: dict[str, Any], data: dict[str, Any], again: bool) -> Any:
    return background_action(SEND_ACTION, answers=data, fingerprint=mailing["fingerprint"], store=mailing["store"],
                             progress=mailing["progress"], result=mailing["result"], annex=mailing["annex"],
                             indexes=mailing["indexes"], again=again)


def check_mailing(mailing: dict[str, Any], data: dict[str, Any] | None = None, restart: bool = True) -> str:
    """How the mailing stands: "klaar", "bezig" or "mislukt" (the task itself failed). A task
    a restart ended is started again (with ``restart``: only where the session is saved): it
    sends those with no status yet; the one it was sending is "failed" (uncertain)."""
    if mailing.get("state") in ("klaar", "mislukt"):
        return mailing["state"]
    task = mailing.get("task")
    if task is None:
        return "mislukt"
    if task.ready():
        mailing["state"] = "mislukt" if task.failed() else "klaar"
        if restart:
            mailing["overview"] = _overview_file(mailing, data)
        return mailing["state"]
    if job_lost(f"{mailing['progress']}:run") and restart and data is not None:
        mailing["task"] = _start_task(mailing, data, False)
        mailing["restarted"] = True
    return "bezig"


def mailing_progress(mailing: dict[str, Any]) -> dict[str, Any]:
    raw = redis_connection().get(f"{mailing['progress']}:run")
    state = json.loads(raw) if raw else {"done": 0, "total": mailing["count"], "stage": "wachten"}
    total = max(state.get("total") or mailing["count"], 1)
    return {**state, "percent": int(100 * min(state["done"], total) / total)}


def mail_results(mailing: dict[str, Any], data: dict[str, Any]) -> list[dict[str, Any]]:
    """Per recipient: organisation, address, status word, time (Dutch local time), reason."""
    store = RedisStore(mailing["store"])
    record = store.all()
    rows = []
    for entry in mail_plan(data, mailing["fingerprint"]):
        value = record.get(entry["key"]) if entry["key"] else None
        status = (value or {}).get("status") if entry["key"] else "geen"
        rows.append({"organisation": entry["organisation"], "email": entry["email"], "status": status,
                     "word": STATUS_WORDS.get(status, status),
                     "time": _local_time((value or {}).get("time")) if status in (mail.SENT, mail.FAILED) else "",
                     "reason": (value or {}).get("reason", "") if status == mail.FAILED else ""})
    return rows


def _local_time(text: Any) -> str:
    try:
        moment = datetime.datetime.fromisoformat(str(text))
    except ValueError:
        return ""
    return moment.astimezone(_ZONE).strftime("%d-%m-%Y %H:%M:%S")


def sending_overview(rows: list[dict[str, Any]]) -> bytes:
    """The "Verzendoverzicht": Organisatie, E-mail, Status, Verstuurd om, Reden; every user
    value stays text (:func:`.bulk.text_workbook`: nothing that starts with = + - @ is a formula)."""
    return text_workbook("Verzending", ["Organisatie", "E-mail", "Status", "Verstuurd om", "Reden"],
                         [[row["organisation"], row["email"], row["word"],
                           row["time"] if row["status"] == mail.SENT else "", row["reason"]] for row in rows],
                         (34, 34, 18, 20, 80))


def _overview_file(mailing: dict[str, Any], data: dict[str, Any] | None) -> dict[str, Any] | None:
    if data is None:
        return None
    try:
        return file_info(stored_file(OVERVIEW_FILENAME, sending_overview(mail_results(mailing, data))))
    except Exception as error:  # noqa: BLE001 - the record is in Redis; the screen shows it without the file
        log(f"psobrief: the sending overview could not be made: {error.__class__.__name__}: {error}")
        return None


# ---------------------------------------------------------------- in a celery worker


def _lock(redis: Any, name: str, wait: float) -> tuple[str, threading.Event]:
    """One sending task per store: wait until an earlier task's lock is gone (a task a restart
    ended lets it expire within :data:`.jobs.HEARTBEAT_TTL` seconds), then hold it, renewed."""
    token = secrets.token_hex(8)
    deadline = time.monotonic() + wait
    while not redis.set(name, token, nx=True, ex=HEARTBEAT_TTL):
        if time.monotonic() > deadline:
            raise mail.MailProblem("Er werd al verstuurd voor deze brieven.")
        time.sleep(1)
    finished = threading.Event()

    def renew() -> None:
        while not finished.wait(HEARTBEAT_SECONDS):
            redis.expire(name, HEARTBEAT_TTL)

    threading.Thread(target=renew, name="psobrief-mail-lock", daemon=True).start()
    return token, finished


def run_send_job(data: dict[str, Any], fingerprint: str, store: str, progress: str, result: dict[str, Any],
                 annex: bool, indexes: list[int], again: bool) -> dict[str, Any]:
    """Send the letters of the recipients ``indexes`` (the background task); returns counts."""
    redis = redis_connection()
    with _heartbeat(f"{progress}:run") as report:
        token, finished = _lock(redis, f"{store}:lock", HEARTBEAT_TTL + 15)
        pdfs = _Pdfs(result)
        try:
            answers = parse_answers(data)
            plan = {entry["index"]: entry for entry in mail_plan(data, fingerprint) if entry["key"]}
            chosen = [plan[index] for index in indexes if index in plan]
            sender = _default_sender(_sender_config())
            jobs = [mail.MailJob(key=entry["key"], address=entry["email"], label=entry["organisation"],
                                 message=lambda entry=entry: _message(answers, entry, pdfs, annex, sender))
                    for entry in chosen]
            report(0, len(jobs), "versturen")
            sent = mail.send_all(jobs, RedisStore(store, redis), _sender_config(), resend_failed=again,
                                 progress=lambda done, total: report(done, total, "versturen"))
            report(len(jobs), len(jobs), "klaar")
            return {"sent": len(sent.sent), "failed": len(sent.failed), "already": len(sent.already_sent)}
        finally:
            pdfs.close()
            finished.set()
            if redis.get(f"{store}:lock") in (token, token.encode()):
                redis.delete(f"{store}:lock")


# ---------------------------------------------------------------- HTML


def _e(text: Any) -> str:
    return html.escape(str(text))


def _size(count: int) -> str:
    return f"{count / 1024:.0f} kB".replace(".", ",") if count < 1024 * 1024 else \
        f"{count / 1024 / 1024:.1f} MB".replace(".", ",")


#: Beside the annex in the example's attachments: whether it is sent is asked below the example.
_ANNEX_CHOICE = ", alleen als u hieronder 'Ja' kiest"


def example_html(example: dict[str, Any]) -> str:
    """The example message: To, Reply-To, Subject, the body, the attachments."""
    if example.get("problem"):
        return f'<div class="alert alert-warning" role="alert">{_e(example["problem"])}</div>'
    parts = []
    if example.get("settings_problem"):
        parts.append(f'<div class="alert alert-warning" role="alert">{_e(example["settings_problem"])}</div>')
    annex = pdf_name(ANNEX_FILENAME)  # sent only when "Ja" is chosen below the example
    attachments = "".join(f"<li>{_e(name)} ({_size(size)}){_ANNEX_CHOICE if name == annex else ''}</li>"
                          for name, size in example["attachments"])
    parts.append(
        '<dl class="row psobrief-example">'
        f'<dt class="col-sm-3">Aan</dt><dd class="col-sm-9">{_e(example["to"])}</dd>'
        f'<dt class="col-sm-3">Antwoorden naar</dt><dd class="col-sm-9">{_e(example["reply_to"])}</dd>'
        f'<dt class="col-sm-3">Onderwerp</dt><dd class="col-sm-9">{_e(example["subject"])}</dd>'
        f'<dt class="col-sm-3">Bijlagen</dt><dd class="col-sm-9"><ul class="mb-0">{attachments}</ul></dd></dl>'
        f'<div class="border p-3 mb-3 psobrief-example-body" style="white-space: pre-wrap; overflow-wrap: break-word">'
        f'{_e(example["body"])}</div>')
    return "\n".join(parts)


def progress_html(mailing: dict[str, Any]) -> str:
    state = mailing_progress(mailing)
    total = state.get("total") or mailing["count"]
    label = ("Het versturen begint zo." if state["stage"] in ("wachten", "gestart") else
             f"Bericht {min(state['done'], total)} van {total} is verstuurd.")
    percent = state["percent"]
    return (f'<div class="progress mb-2" role="progressbar" aria-label="Voortgang" aria-valuenow="{percent}" '
            'aria-valuemin="0" aria-valuemax="100">'
            f'<div class="progress-bar" style="width: {percent}%">{percent}%</div></div>'
            f'<p aria-live="polite">{_e(label)}</p>')


def mail_section_html(job: dict[str, Any], data: dict[str, Any], mailing: dict[str, Any] | None,
                      example_url: str, again_url: str) -> str:
    """The download screen's section "Verstuur per e-mail": counts and the button to the example,
    or after a mailing its results, the failed ones with their reasons, "again" and the overview."""
    section = _mail_section(job, data, mailing, example_url, again_url)
    return f'<div id="psobrief-mail-section">{section}</div>' if section else ""


def _mail_section(job: dict[str, Any], data: dict[str, Any], mailing: dict[str, Any] | None,
                  example_url: str, again_url: str) -> str:
    counts = mail_counts(data)
    if not counts["with"]:
        return ""
    if job.get("result") is None:
        return ('<h2 id="psobrief-mail">Verstuur per e-mail</h2><p>Zodra de PDF-bestanden klaar zijn, verschijnt '
                "hier de knop om de brieven per e-mail te versturen.</p>")
    parts = ['<h2 id="psobrief-mail">Verstuur per e-mail</h2>']
    if mailing and mailing.get("fingerprint") == job["fingerprint"] and mailing.get("state") in ("klaar", "mislukt"):
        rows = mail_results(mailing, data)
        sent = [row for row in rows if row["status"] == mail.SENT]
        failed = [row for row in rows if row["status"] in (mail.FAILED, mail.SENDING)]
        waiting = [row for row in rows if row["status"] is None]
        if mailing.get("restarted"):
            parts.append('<div class="alert alert-info" role="status">De server werd opnieuw gestart tijdens het '
                         "versturen. Het versturen is daarna vanzelf verdergegaan.</div>")
        if mailing["state"] == "mislukt":
            parts.append('<div class="alert alert-warning" role="alert">Het versturen is onderbroken door een fout op '
                         "de server. Wat al verstuurd was, staat hieronder.</div>")
        summary = f"{count_of(len(sent), 'bericht', 'berichten')} verstuurd"
        if failed:
            summary += f", {count_of(len(failed), 'bericht', 'berichten')} mislukt"
        if waiting:
            summary += f", {count_of(len(waiting), 'bericht', 'berichten')} nog niet verstuurd"
        if counts["without"]:
            summary += f"; {count_of(counts['without'], 'ketenpartner', 'ketenpartners')} zonder e-mailadres"
        parts.append(f'<p class="psobrief-mail-summary" role="status">{_e(summary)}.</p>')
        if failed:
            body = "".join(f'<tr><th scope="row">{_e(row["organisation"])}</th><td>{_e(row["email"])}</td>'
                           f'<td>{_e(row["reason"] or row["word"])}</td></tr>' for row in failed)
            parts.append('<table class="table psobrief-mail-failed"><caption>Niet verstuurd</caption><thead><tr>'
                         '<th scope="col">Ketenpartner</th><th scope="col">E-mailadres</th>'
                         f'<th scope="col">Reden</th></tr></thead><tbody>{body}</tbody></table>')
        if failed or waiting:
            parts.append(f'<p><a class="btn btn-primary" href="{_e(again_url)}">Mislukte berichten opnieuw '
                         "versturen</a></p>")
        if mailing.get("overview"):
            link = as_file(mailing["overview"]).url_for(attachment=True)
            parts.append(f'<p>Wat is verstuurd, per ketenpartner: <a href="{_e(link)}">Verzendoverzicht (XLSX)</a></p>')
        return "\n".join(parts)
    parts.append(f"<p>{_e(count_of(counts['with'], 'ketenpartner heeft', 'ketenpartners hebben'))} een "
                 "e-mailadres" + (f"; {_e(count_of(counts['without'], 'ketenpartner heeft', 'ketenpartners hebben'))}"
                                  " er geen (stuur die de brief per post)" if counts["without"] else "")
                 + ". U ziet eerst een voorbeeld van het bericht; daarna verstuurt u.</p>")
    parts.append(f'<p><a class="btn btn-primary" href="{_e(example_url)}">Voorbeeld van het bericht bekijken</a></p>')
    return "\n".join(parts)

