"""Letters by e-mail: the message for one chain partner, sending it over SMTP, and a record.

Plain functions, no docassemble import, so every part is tested against a real SMTP server:

- :func:`check_address`: one address to send to, or the Dutch problem with it (the rule of
  ``recipient.email`` in :mod:`.fields`).
- :func:`letter_message` builds the message (:class:`email.message.EmailMessage`, policy
  :data:`email.policy.SMTP`): To the recipient, From the server's sender address with the
  organisation's name, Reply-To the organisation's e-mail, Subject the letter's "Betreft:"
  line, a short formal Dutch body that opens with the letter's salutation and ends with a
  signature (signatory, function, organisation, KvK-nummer, e-mail: article 27 of the
  Handelsregisterwet asks the KvK-nummer in e-mail too), the letter's PDF and optionally the
  annex's PDF attached. Text from people (names, subject, file names) is folded onto one line
  and kept from being an RFC 2047 encoded word (Python's email package would decode one into a
  line break) before it goes into a header, and every header is checked once more at the end,
  so it can never add a header.
- :func:`smtp_settings` reads docassemble's ``mail:`` configuration (a dict, or the list
  docassemble makes of it) with docassemble's own keys and defaults: ``server`` (localhost),
  ``port`` (25), ``use ssl`` (False), ``use tls`` (True: STARTTLS), ``username``,
  ``password``, ``default sender``.
- :func:`send_message` sends one message and returns None, or the reason it failed as a Dutch
  sentence (a refused address with the server's code, no connection, no answer in time,
  login refused, ...): never an exception name or a stack trace.
- :func:`send_all` sends a list of :class:`MailJob` at most once per recipient key: the
  status in a small store (``get(key)``/``set(key, value)``) is "sending" before the message
  goes out and "sent" (with the time) or "failed" (with the reason) after. A recipient already
  "sent" is skipped; a "failed" one is sent again only when asked. A "sending" left behind (the
  process stopped in the middle) is not sent again by itself: the message may have gone out,
  so it becomes "failed" with a reason that says so, and is sent again only when asked.
"""

from __future__ import annotations

import datetime
import email.policy
import email.utils
import hashlib
import re
import smtplib
import socket
import ssl
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from email.headerregistry import Address
from email.message import EmailMessage
from typing import Any, Protocol

from . import fields
from .dutch import clean, count_of

__all__ = [
    "MailProblem",
    "MailJob",
    "SendReport",
    "StatusStore",
    "DictStore",
    "SMTP_TIMEOUT",
    "check_address",
    "letter_message",
    "message_for",
    "mail_key",
    "smtp_settings",
    "send_message",
    "send_all",
]

#: Seconds to wait for the SMTP server at each step (Python's smtplib waits for ever by default).
SMTP_TIMEOUT = 30.0
#: Longest server reply quoted in a reason.
_MAX_REPLY = 200
#: The annex's title as the letter names it.
ANNEX_TITLE = "Socialer inkoopbeleid met de PSO-prestatieladder"
#: What the store holds for a recipient.
SENDING, SENT, FAILED = "sending", "sent", "failed"


class MailProblem(ValueError):
    """A message cannot be made or sent as asked; the text is a Dutch sentence."""


def check_address(text: Any) -> str | None:
    """The Dutch problem with ``text`` as one address to send to, or None when it is fine.

    The same rule as the recipient's ``email`` field (:func:`.fields.address_problem`):
    a plain address only, no name or angle brackets, no second address, no line break or
    control character, at most 254 characters.
    """
    return fields.address_problem(text)


def _one_line(value: Any, limit: int = 500) -> str:
    """Text for a header or a file name: control characters and line breaks become spaces,
    runs of white space one space, at most ``limit`` characters."""
    text = "" if value is None else str(value)
    text = re.sub(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff]", " ", text)
    return clean(text)[:limit]


#: The opening of an RFC 2047 encoded word. Python's email package (3.12.1 here) decodes encoded
#: words in a header value when it is set, and writes what they decode to as it is: a typed
#: "=?utf-8?q?a=0D=0ABcc:_x@y?=" would become a line break and a Bcc header. A word joiner
#: (U+2060, invisible) between "=" and "?" keeps the text as typed on the screen, and no longer
#: an encoded word.
_ENCODED_WORD = "=?"


def _header_text(value: Any, limit: int) -> str:
    """Text for a header or a file name: one line (:func:`_one_line`), no encoded word."""
    return _one_line(value, limit).replace(_ENCODED_WORD, "=\u2060?")


def _address(display_name: Any, addr: str, what: str) -> Address:
    problem = check_address(addr)
    if problem:
        raise MailProblem(f"{what}: {problem}")
    local, _, domain = addr.strip().rpartition("@")
    return Address(display_name=_header_text(display_name, 200), username=local, domain=domain)


def _no_line_breaks(message: EmailMessage) -> None:
    """Every header of every part is one header as written out: a last check before a message leaves.

    Each header is folded as it will be sent; every line after its first must be a
    continuation (start with a space or tab), so no text inside it can start a header.
    """
    for part in message.walk():
        for name, value in part.items():
            lines = part.policy.fold(name, value).split("\r\n")
            if lines[-1] == "":
                lines.pop()
            if re.search(r"[\r\n\x00]", str(value)) or any(not line[:1].isspace() for line in lines[1:]):
                raise MailProblem(f"Het bericht kon niet veilig worden gemaakt: de kopregel {name} zou worden "
                                  "gesplitst. Controleer de namen en het onderwerp.")


def _sender_addr(sender: str) -> str:
    """The address in docassemble's ``default sender`` ('"Name" <a@b.nl>' or 'a@b.nl')."""
    text = "" if sender is None else str(sender)
    if re.search(r"[\r\n]", text):
        raise MailProblem("Het afzenderadres van de server (default sender) bevat een regeleinde.")
    _, addr = email.utils.parseaddr(text)
    if not addr:
        raise MailProblem("De server heeft geen afzenderadres: vul 'default sender' in bij 'mail:' in de "
                          "configuratie van docassemble.")
    return addr


def _body(salutation: str, subject: str, annex: bool, organisation: str, signatory_name: str,
          signatory_function: str, kvk: str, reply_to: str) -> str:
    attached = (f'Bijgevoegd vindt u onze brief met als onderwerp "{subject}" en de bijlage '
                f'"{ANNEX_TITLE}", beide als PDF.' if annex else
                f'Bijgevoegd vindt u onze brief met als onderwerp "{subject}" als PDF.')
    lines = [
        salutation,
        "",
        attached,
        "",
        # "… bij Bouw B.V." ends the sentence with the name's own full stop, not a second one
        f"Heeft u vragen over deze brief? Beantwoord dan deze e-mail; uw antwoord komt bij {organisation}"
        + ("" if organisation.endswith(".") else "."),
        "",
        "Met vriendelijke groet,",
        "",
        signatory_name,
        signatory_function,
        organisation,
    ]
    if kvk:
        lines.append(f"KvK-nummer: {kvk}")
    lines.append(f"E-mail: {reply_to}")
    return "\n".join(lines) + "\n"


def letter_message(*, to: str, sender_address: str, organisation: str, reply_to: str, subject: str,
                   salutation: str, signatory_name: str, signatory_function: str, kvk: str,
                   letter_pdf: bytes, letter_filename: str, annex_pdf: bytes | None = None,
                   annex_filename: str | None = None, date: datetime.datetime | None = None) -> EmailMessage:
    """The e-mail that carries one recipient's letter (see the module's description).

    ``sender_address`` is the server's configured sender (docassemble's ``default sender``,
    with or without a name; only its address is used, with the organisation's name);
    ``reply_to`` is the organisation's own e-mail. ``kvk`` may be empty (an organisation
    not in the trade register). Raises :class:`MailProblem` (Dutch) for an address that is
    not one plain address or a missing PDF.
    """
    if not letter_pdf:
        raise MailProblem("De PDF van de brief ontbreekt: zonder PDF wordt er geen e-mail verstuurd.")
    organisation = _one_line(organisation, 200)
    subject_line = _one_line(subject, 300)  # the body names it as typed
    sender_addr = _sender_addr(sender_address)
    message = EmailMessage(policy=email.policy.SMTP)
    message["From"] = _address(organisation, sender_addr, "Het afzenderadres van de server")
    message["To"] = _address("", to, "Het e-mailadres van de ketenpartner")
    message["Reply-To"] = _address(organisation, reply_to, "Het e-mailadres van uw organisatie")
    message["Subject"] = _header_text(subject, 300)
    message["Date"] = email.utils.format_datetime(date or datetime.datetime.now(datetime.timezone.utc))
    message["Message-ID"] = email.utils.make_msgid(domain=sender_addr.rpartition("@")[2])
    message.set_content(_body(
        _one_line(salutation, 200), subject_line, bool(annex_pdf), organisation,
        _one_line(signatory_name, 150), _one_line(signatory_function, 150), _one_line(kvk, 20),
        str(message["Reply-To"].addresses[0].addr_spec),
    ), subtype="plain", charset="utf-8", cte="quoted-printable")
    message.add_attachment(bytes(letter_pdf), maintype="application", subtype="pdf",
                           filename=_header_text(letter_filename, 150) or "Stimuleringsbrief.pdf")
    if annex_pdf:
        message.add_attachment(bytes(annex_pdf), maintype="application", subtype="pdf",
                               filename=_header_text(annex_filename, 150) or f"Bijlage - {ANNEX_TITLE}.pdf")
    _no_line_breaks(message)
    return message


def message_for(answers: Any, recipient: Any, sender_address: str, letter_pdf: bytes, letter_filename: str,
                annex_pdf: bytes | None = None, annex_filename: str | None = None) -> EmailMessage:
    """:func:`letter_message` for one recipient of :class:`.answers.Answers`.

    The salutation is the letter's own (:func:`.dutch.salutation`, with the template's
    default for an unknown person). The annex is attached only when the answers include it.
    """
    from . import sources
    from .dutch import salutation

    sender = answers.sender
    return letter_message(
        to=recipient.email, sender_address=sender_address, organisation=sender.name, reply_to=sender.email,
        subject=answers.letter.subject, salutation=salutation(recipient.contact, sources.unknown_salutations()[0]),
        signatory_name=sender.signatory.name, signatory_function=sender.signatory.function, kvk=sender.kvk,
        letter_pdf=letter_pdf, letter_filename=letter_filename,
        annex_pdf=annex_pdf if answers.annex.include else None, annex_filename=annex_filename,
    )


def mail_key(letters: str, index: int, address: str) -> str:
    """A recipient's key in the store: the set of letters (its fingerprint), its place and its address.

    The same letters to the same address are sent once; a new set of letters (changed
    answers) or another address is a new key.
    """
    text = f"{letters}\n{index}\n{address.strip().lower()}"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


# ---------------------------------------------------------------- SMTP


def smtp_settings(config: Any) -> dict[str, Any]:
    """docassemble's ``mail:`` configuration as SMTP settings, with docassemble's defaults.

    ``config`` is the ``mail:`` dict, or the list docassemble makes of it (then the one
    named ``default``, else the first, as docassemble chooses). Raises :class:`MailProblem`
    (Dutch) for a configuration this cannot send with.
    """
    if isinstance(config, list):
        named = [item for item in config if isinstance(item, dict) and item.get("name") == "default"]
        config = named[0] if named else (config[0] if config else None)
    if not isinstance(config, dict) or not config:
        raise MailProblem("Op deze server is geen e-mail ingesteld: vul 'mail:' in in de configuratie van "
                          "docassemble (server, port, default sender).")
    for api in ("mailgun api key", "sendgrid api key", "azure client id"):
        if config.get(api):
            raise MailProblem(f"De e-mail van deze server gaat via een dienst ({api.split(' ')[0]}), niet via "
                              "SMTP. Stel voor het versturen van de brieven een SMTP-server in bij 'mail:'.")
    try:
        port = int(config.get("port") or 25)
    except (TypeError, ValueError):
        port_text = _one_line(config.get("port"), 20)
        raise MailProblem(f"De poort van de mailserver ('{port_text}') is geen getal.") from None
    return {
        "server": _one_line(config.get("server") or "localhost", 255),
        "port": port,
        "use ssl": bool(config.get("use ssl", False)),
        "use tls": bool(config.get("use tls", True)),
        "username": config.get("username") or None,
        "password": config.get("password") or None,
        "default sender": config.get("default sender") or "",
    }


def _reply(code: Any, text: Any) -> str:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    text = _one_line(text, _MAX_REPLY)
    return f"code {code}" + (f": {text}" if text else "")


def _timed_out(error: BaseException) -> bool:
    """Whether a timeout lies under ``error`` (smtplib turns one into SMTPServerDisconnected)."""
    seen = 0
    while error is not None and seen < 5:
        if isinstance(error, (socket.timeout, TimeoutError)):
            return True
        error, seen = error.__cause__ or error.__context__, seen + 1
    return False


class _ConnectionProblem(Exception):
    """The connection to the SMTP server failed: nothing more can be sent through it."""

    def __init__(self, reason: str, maybe_sent: bool = False):
        super().__init__(reason)
        self.reason, self.maybe_sent = reason, maybe_sent


class _Connection:
    """One SMTP connection, opened when first needed and checked before it is used again."""

    def __init__(self, settings: dict[str, Any], timeout: float):
        self.settings, self.timeout = settings, timeout
        self.smtp: smtplib.SMTP | None = None

    @property
    def where(self) -> str:
        return f"{self.settings['server']}:{self.settings['port']}"

    def open(self) -> smtplib.SMTP:
        if self.smtp is not None:
            try:
                if self.smtp.noop()[0] == 250:
                    return self.smtp
            except (smtplib.SMTPException, OSError):
                pass
            self.close()
        settings, stage = self.settings, "connect"
        try:
            if settings["use ssl"]:
                smtp: smtplib.SMTP = smtplib.SMTP_SSL(settings["server"], settings["port"], timeout=self.timeout,
                                                      context=ssl.create_default_context())
            else:
                smtp = smtplib.SMTP(settings["server"], settings["port"], timeout=self.timeout)
            self.smtp = smtp
            stage = "ehlo"
            smtp.ehlo()
            if settings["use tls"] and not settings["use ssl"]:
                stage = "starttls"
                smtp.starttls(context=ssl.create_default_context())
                smtp.ehlo()
            if settings["username"] and settings["password"]:
                stage = "login"
                smtp.login(str(settings["username"]), str(settings["password"]))
        except Exception as error:  # noqa: BLE001 - every failure becomes a Dutch reason
            self.close()
            raise _ConnectionProblem(self._reason(error, stage)) from None
        return smtp

    def _reason(self, error: BaseException, stage: str) -> str:
        where = self.where
        if isinstance(error, smtplib.SMTPAuthenticationError):
            return (f"De mailserver {where} weigerde de gebruikersnaam of het wachtwoord "
                    f"({_reply(error.smtp_code, error.smtp_error)}). Controleer 'username' en 'password' bij "
                    "'mail:' in de configuratie.")
        if isinstance(error, smtplib.SMTPNotSupportedError) and stage == "starttls":
            return (f"De mailserver {where} biedt geen versleutelde verbinding (STARTTLS) aan. Zet 'use tls: "
                    "False' bij 'mail:' als dat voor deze server zo hoort.")
        if isinstance(error, smtplib.SMTPNotSupportedError) and stage == "login":
            return (f"De mailserver {where} kent geen aanmelding (AUTH), maar er staat een gebruikersnaam bij "
                    "'mail:'. Haal 'username' en 'password' weg of kies een andere server.")
        if isinstance(error, ConnectionRefusedError):
            return (f"De mailserver {where} weigert de verbinding. Draait de server, en kloppen 'server' en "
                    "'port' bij 'mail:'?")
        if isinstance(error, (socket.timeout, TimeoutError)) or _timed_out(error):
            waited = count_of(max(1, round(self.timeout)), "seconde", "seconden")
            return f"De mailserver {where} antwoordde niet binnen {waited}."
        if isinstance(error, socket.gaierror):
            return (f"De naam van de mailserver ({self.settings['server']}) is niet gevonden. Controleer "
                    "'server' bij 'mail:'.")
        if isinstance(error, ssl.SSLError):
            return (f"De beveiligde verbinding met de mailserver {where} is mislukt. Controleer 'use ssl' en "
                    "'use tls' bij 'mail:' (poort 465: use ssl; poort 587: use tls).")
        if isinstance(error, smtplib.SMTPServerDisconnected):
            return f"De mailserver {where} verbrak de verbinding."
        if isinstance(error, smtplib.SMTPResponseException):
            reply = _reply(error.smtp_code, error.smtp_error)
            return f"De mailserver {where} gaf een fout bij het verbinden ({reply})."
        return f"De mailserver {where} kon niet worden bereikt."

    def send(self, message: EmailMessage, from_addr: str, to_addr: str) -> str | None:
        """Send; None, or the Dutch reason this message was refused. Raises _ConnectionProblem."""
        smtp = self.open()
        try:
            refused = smtp.send_message(message, from_addr=from_addr, to_addrs=[to_addr])
        except smtplib.SMTPRecipientsRefused as error:
            code, text = next(iter(error.recipients.values()), (0, b""))
            temporary = " (tijdelijk; probeer het later opnieuw)" if 400 <= int(code) < 500 else ""
            return f"De mailserver weigerde het adres {to_addr}{temporary} ({_reply(code, text)})."
        except smtplib.SMTPSenderRefused as error:
            reply = _reply(error.smtp_code, error.smtp_error)
            return (f"De mailserver weigerde het afzenderadres {from_addr} ({reply}). Controleer 'default "
                    "sender' bij 'mail:'.")
        except smtplib.SMTPDataError as error:
            return f"De mailserver weigerde het bericht ({_reply(error.smtp_code, error.smtp_error)})."
        except Exception as error:  # noqa: BLE001 - a connection that broke: a Dutch reason
            self.close()
            # broken while the message was on its way: the server may have taken it all the same
            raise _ConnectionProblem(self._reason(error, "send"), maybe_sent=True) from None
        if refused:  # only with several recipients; here a refusal raises above
            code, text = next(iter(refused.values()))
            return f"De mailserver weigerde het adres {to_addr} ({_reply(code, text)})."
        return None

    def close(self) -> None:
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except (smtplib.SMTPException, OSError):
                try:
                    self.smtp.close()
                except OSError:
                    pass
            self.smtp = None


def _envelope(message: EmailMessage, settings: dict[str, Any]) -> tuple[str, str]:
    """The envelope's sender (the configured default sender) and its one recipient (To)."""
    from_addr = _sender_addr(settings.get("default sender") or str(message["From"] or ""))
    to = message["To"]
    addresses = list(getattr(to, "addresses", ()))
    if len(addresses) != 1:
        raise MailProblem("Een bericht gaat naar precies één adres.")
    to_addr = addresses[0].addr_spec
    problem = check_address(to_addr)
    if problem:
        raise MailProblem(problem)
    return from_addr, to_addr


def send_message(message: EmailMessage, config: Any, timeout: float = SMTP_TIMEOUT) -> str | None:
    """Send one message (to its one To address) with docassemble's ``mail:`` configuration.

    Returns None when the server accepted it, else the reason in Dutch.
    """
    try:
        settings = smtp_settings(config)
        from_addr, to_addr = _envelope(message, settings)
    except MailProblem as problem:
        return str(problem)
    connection = _Connection(settings, timeout)
    try:
        return connection.send(message, from_addr, to_addr)
    except _ConnectionProblem as problem:
        return problem.reason + (" Het is niet zeker of het bericht is aangekomen." if problem.maybe_sent else "")
    finally:
        connection.close()


# ---------------------------------------------------------------- sending a list, once each


class StatusStore(Protocol):
    """Where the status of each recipient is kept (docassemble's DAStore, Redis, a dict)."""

    def get(self, key: str) -> dict | None: ...

    def set(self, key: str, value: dict) -> None: ...


class DictStore:
    """A :class:`StatusStore` in memory (tests, the command line)."""

    def __init__(self) -> None:
        self.data: dict[str, dict] = {}

    def get(self, key: str) -> dict | None:
        value = self.data.get(key)
        return dict(value) if value is not None else None

    def set(self, key: str, value: dict) -> None:
        self.data[key] = dict(value)


@dataclass
class MailJob:
    """One recipient to send to: its store key, its address and its message (or how to make it)."""

    key: str
    address: str
    message: EmailMessage | Callable[[], EmailMessage]
    label: str = ""  # for people: the organisation


@dataclass
class SendReport:
    """What :func:`send_all` did, by key."""

    sent: list[str] = field(default_factory=list)  # sent now
    already_sent: list[str] = field(default_factory=list)  # sent before: skipped
    failed: dict[str, str] = field(default_factory=dict)  # key -> Dutch reason (now or before)


def _now() -> str:
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")


UNCERTAIN = ("Onbekend of dit bericht is aangekomen: het versturen werd onderbroken (de server is "
             "bijvoorbeeld opnieuw gestart). Het is daarom niet vanzelf opnieuw verstuurd; verstuur het "
             "opnieuw als de ketenpartner het niet heeft ontvangen.")


def send_all(jobs: Iterable[MailJob], store: StatusStore, config: Any, *, resend_failed: bool = False,
             progress: Callable[[int, int], None] | None = None, timeout: float = SMTP_TIMEOUT) -> SendReport:
    """Send every job at most once (see the module's description); returns what happened.

    The store's value per key is ``{"status": "sending"|"sent"|"failed", "address": ...,
    "time": ISO 8601 UTC, "reason": Dutch (failed), "message_id": ... (sent)}``. One SMTP
    connection is used for all messages (opened again when the server closed it). When the
    connection itself fails (no server, no answer, login refused), the remaining jobs are
    not tried: each is "failed" with that reason, and is sent when failed ones are sent again.
    ``progress(done, total)`` is called after each job.
    """
    jobs = list(jobs)
    run = _Run(store, resend_failed, timeout)
    try:
        run.settings = smtp_settings(config)
    except MailProblem as problem:
        run.down = str(problem)
    try:
        for done, job in enumerate(jobs, start=1):
            run.one(job)
            if progress is not None:
                progress(done, len(jobs))
    finally:
        if run.connection is not None:
            run.connection.close()
    return run.report


class _Run:
    """The state of one :func:`send_all`: the store, the connection, what happened."""

    def __init__(self, store: StatusStore, resend_failed: bool, timeout: float):
        self.store, self.resend_failed, self.timeout = store, resend_failed, timeout
        self.settings: dict[str, Any] | None = None
        self.connection: _Connection | None = None
        self.down: str | None = None  # why the server cannot be used: the rest is not tried
        self.report = SendReport()

    def fail(self, job: MailJob, reason: str, **extra: Any) -> None:
        self.store.set(job.key, {"status": FAILED, "address": job.address, "time": _now(), "reason": reason,
                                 **extra})
        self.report.failed[job.key] = reason

    def one(self, job: MailJob) -> None:
        before = self.store.get(job.key) or {}
        status = before.get("status")
        if status == SENT:
            self.report.already_sent.append(job.key)
            return
        if status == SENDING:  # left behind by a process that stopped: it may have gone out
            self.fail(job, UNCERTAIN, uncertain=True)
            if not self.resend_failed:
                return
        elif status == FAILED and not self.resend_failed:
            self.report.failed[job.key] = before.get("reason", "")
            return
        if self.down is not None or self.settings is None:
            self.fail(job, f"Niet verstuurd: {self.down}")
            return
        try:
            message = job.message() if callable(job.message) else job.message
            from_addr, to_addr = _envelope(message, self.settings)
        except MailProblem as problem:
            self.fail(job, str(problem))
            return
        except Exception:  # noqa: BLE001 - a message that cannot be made: the rest goes on
            self.fail(job, "Het bericht kon niet worden gemaakt.")
            return
        if self.connection is None:
            self.connection = _Connection(self.settings, self.timeout)
        self.store.set(job.key, {"status": SENDING, "address": to_addr, "time": _now()})
        try:
            reason = self.connection.send(message, from_addr, to_addr)
        except _ConnectionProblem as problem:
            self.down = problem.reason
            if problem.maybe_sent:
                self.fail(job, problem.reason + " Het is niet zeker of het bericht is aangekomen.", uncertain=True)
            else:
                self.fail(job, problem.reason)
            return
        if reason:
            self.fail(job, reason)
            return
        self.store.set(job.key, {"status": SENT, "address": to_addr, "time": _now(),
                                 "message_id": str(message.get("Message-ID", ""))})
        self.report.sent.append(job.key)
