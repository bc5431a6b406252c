"""Letters by e-mail (issue 12): the message, sending it over SMTP, sending a list once each.

Every test that sends talks to a real SMTP server: scripts/mailserver.py (aiosmtpd, from
.venv-mail, which scripts/setup makes), started here on 127.0.0.1 on a free port, the same
server scripts/serve runs. It keeps each message as an .eml file and refuses every address
@geweigerd.example with 550. Nothing here replaces smtplib or the server.
"""

from __future__ import annotations

import email.parser
import email.policy
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ROOT

from docassemble.psobrief import mail
from docassemble.psobrief.mail import (
    DictStore,
    MailJob,
    MailProblem,
    check_address,
    letter_message,
    send_all,
    send_message,
    smtp_settings,
)

MAIL_PYTHON = ROOT / ".venv-mail" / "bin" / "python"
SERVER_SCRIPT = ROOT / "scripts" / "mailserver.py"
SENDER = '"PSO-stimuleringsbrief" <noreply@psobrief.example>'
PDF = b"%PDF-1.7\n% de brief\n" + bytes(range(256)) * 8 + b"\n%%EOF\n"
ANNEX = b"%PDF-1.7\n% de bijlage\n" + bytes(range(255, -1, -1)) * 4 + b"\n%%EOF\n"
NO_INTERNALS = re.compile(r"Traceback|Error\b|Exception\b|\bErrno\b|smtplib|socket\.|File \"")
EXPECTED_HEADERS = ["Content-Type", "Date", "From", "MIME-Version", "Message-ID", "Reply-To", "Subject", "To"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class MailServer:
    """scripts/mailserver.py in a subprocess; ``messages()`` parses the .eml files it kept."""

    def __init__(self, folder: Path, *extra: str):
        if not MAIL_PYTHON.exists():
            pytest.fail(f"{MAIL_PYTHON} is missing: run scripts/setup (it installs aiosmtpd in .venv-mail)")
        self.folder, self.port = folder, free_port()
        self.process = subprocess.Popen(
            [str(MAIL_PYTHON), str(SERVER_SCRIPT), "--port", str(self.port), "--dir", str(folder), *extra],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        line = self.process.stdout.readline()
        assert "mail server ready" in line, line + (self.process.stdout.read() if self.process.poll() else "")

    def config(self, **changes):
        return {"server": "127.0.0.1", "port": self.port, "use tls": False, "use ssl": False,
                "username": None, "password": None, "default sender": SENDER, **changes}

    def files(self) -> list[Path]:
        return sorted(self.folder.glob("*.eml"))

    def messages(self):
        return [email.parser.BytesParser(policy=email.policy.default).parsebytes(path.read_bytes())
                for path in self.files()]

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        finally:
            if self.process.poll() is None:
                self.process.kill()
            self.process.stdout.close()


@pytest.fixture
def server(tmp_path):
    running = MailServer(tmp_path / "mail")
    yield running
    running.stop()


def message(to="j.vandenberg@glanzendepand.nl", **changes):
    values = dict(
        to=to, sender_address=SENDER, organisation="Bouwbedrijf De Vries & Zonen B.V.",
        reply_to="inkoop@devries-bouw.nl", subject="Socialer inkopen wordt belangrijker!",
        salutation="Geachte heer Van den Berg,", signatory_name="Anna de Vries", signatory_function="Directeur",
        kvk="30123456", letter_pdf=PDF, letter_filename="Stimuleringsbrief - Het Glanzende Pand.pdf",
        annex_pdf=ANNEX, annex_filename="Bijlage - Socialer inkoopbeleid met de PSO-prestatieladder.pdf")
    values.update(changes)
    return letter_message(**values)


def parsed(msg):
    return email.parser.BytesParser(policy=email.policy.default).parsebytes(msg.as_bytes())


def body_of(msg) -> str:
    """The plain-text body with its lines as written (the SMTP policy ends them with CRLF)."""
    return msg.get_body(("plain",)).get_content().replace("\r\n", "\n")


# ---------------------------------------------------------------- the address


@pytest.mark.parametrize("address", ["inkoop@devries.nl", " a.b+c@sub.example.co.uk ", "o'brien@example.ie"])
def test_check_address_accepts_plain_addresses(address):
    assert check_address(address) is None


@pytest.mark.parametrize("address, part", [
    ("", "Vul het e-mailadres in."),
    ("a@b.nl\r\nBcc: evil@x.nl", "regeleinde"),
    ("a@b.nl\n", "regeleinde"),
    ("a@b.nl, c@d.nl", "Vul één e-mailadres in"),
    ("a@b.nl;c@d.nl", "Vul één e-mailadres in"),
    ("Jan <a@b.nl>", "zonder naam"),
    ("geen adres", "geen geldig e-mailadres"),
    ("a" * 250 + "@b.nl", "Het maximum is 254 tekens"),
])
def test_check_address_says_what_to_fix(address, part):
    assert part in check_address(address)


# ---------------------------------------------------------------- the message


def test_letter_message_headers_body_and_attachments():
    got = parsed(message())
    assert sorted(got.keys()) == EXPECTED_HEADERS
    (sender,) = got["From"].addresses
    assert (sender.display_name, sender.addr_spec) == ("Bouwbedrijf De Vries & Zonen B.V.",
                                                       "noreply@psobrief.example")
    assert [a.addr_spec for a in got["To"].addresses] == ["j.vandenberg@glanzendepand.nl"]
    assert [a.addr_spec for a in got["Reply-To"].addresses] == ["inkoop@devries-bouw.nl"]
    assert got["Subject"] == "Socialer inkopen wordt belangrijker!"
    assert got["Message-ID"].endswith("@psobrief.example>")
    body = body_of(got)
    lines = body.splitlines()
    assert lines[0] == "Geachte heer Van den Berg,"
    assert ('Bijgevoegd vindt u onze brief met als onderwerp "Socialer inkopen wordt belangrijker!" en de bijlage '
            '"Socialer inkoopbeleid met de PSO-prestatieladder", beide als PDF.') in lines
    assert lines[-7:] == ["Met vriendelijke groet,", "", "Anna de Vries", "Directeur",
                          "Bouwbedrijf De Vries & Zonen B.V.", "KvK-nummer: 30123456", "E-mail: inkoop@devries-bouw.nl"]
    attachments = list(got.iter_attachments())
    assert [(a.get_filename(), a.get_content_type(), a.get_content()) for a in attachments] == [
        ("Stimuleringsbrief - Het Glanzende Pand.pdf", "application/pdf", PDF),
        ("Bijlage - Socialer inkoopbeleid met de PSO-prestatieladder.pdf", "application/pdf", ANNEX)]


def test_letter_message_without_annex_and_without_kvk():
    got = parsed(message(annex_pdf=None, kvk=""))
    body = body_of(got)
    assert 'onze brief met als onderwerp "Socialer inkopen wordt belangrijker!" als PDF.' in body
    assert "bijlage" not in body.lower() and "KvK" not in body
    assert [a.get_filename() for a in got.iter_attachments()] == ["Stimuleringsbrief - Het Glanzende Pand.pdf"]


def test_accents_and_emoji_survive_the_headers():
    got = parsed(message(organisation="Café Zoë – ‘t Hoekje 🌞", subject="Samen socialer: één stap",
                         salutation="Geachte mevrouw Ünal,", letter_filename="Stimuleringsbrief - Café Zoë.pdf"))
    assert got["From"].addresses[0].display_name == "Café Zoë – ‘t Hoekje 🌞"
    assert got["Subject"] == "Samen socialer: één stap"
    assert body_of(got).startswith("Geachte mevrouw Ünal,\n")
    assert next(got.iter_attachments()).get_filename() == "Stimuleringsbrief - Café Zoë.pdf"
    raw = message(organisation="Café Zoë").as_bytes()
    assert all(len(line) <= 998 for line in raw.split(b"\r\n")) and raw.isascii()


HOSTILE = "X\r\nBcc: evil@x.example"


def test_line_breaks_in_names_and_subject_never_make_a_header(server):
    msg = message(organisation=HOSTILE, subject=HOSTILE, signatory_name=HOSTILE, signatory_function=HOSTILE,
                  salutation=HOSTILE, letter_filename=HOSTILE + ".pdf", annex_filename="Y\nBcc: evil@y.example")
    got = parsed(msg)
    assert sorted(got.keys()) == EXPECTED_HEADERS
    assert got["Subject"] == "X Bcc: evil@x.example"
    assert got["From"].addresses[0].display_name == "X Bcc: evil@x.example"
    assert got["From"].addresses[0].addr_spec == "noreply@psobrief.example"
    for part in got.walk():
        assert "Bcc" not in part.keys()
    assert [a.get_filename() for a in got.iter_attachments()] == ["X Bcc: evil@x.example.pdf", "Y Bcc: evil@y.example"]
    # and on the wire: the server got one message, for the one address, with the same headers
    assert send_message(msg, server.config()) is None
    (kept,) = server.messages()
    assert sorted(kept.keys()) == sorted(EXPECTED_HEADERS + ["X-Envelope-From", "X-Envelope-To"])
    assert kept["X-Envelope-To"] == "<j.vandenberg@glanzendepand.nl>"
    assert b"\nBcc:" not in server.files()[0].read_bytes().split(b"\r\n\r\n")[0]  # the header block
    assert all("Bcc" not in part.keys() for part in kept.walk())


@pytest.mark.parametrize("evil", ["=?utf-8?q?X=0D=0ABcc:_evil@x.example?=",
                                  "=?utf-8?b?WA0KQmNjOiBldmlsQHguZXhhbXBsZQ==?=",
                                  "Bouw =?iso-8859-1?q?X=0ABcc:_evil@x.example?= B.V."])
def test_encoded_words_that_hide_a_line_break_never_make_a_header(server, evil):
    """Python's email package decodes an RFC 2047 encoded word when a header is set and writes the
    line break it holds as it is (a Bcc header); typed text is kept from being an encoded word."""
    msg = message(organisation=evil, subject=evil, salutation=evil, signatory_name=evil, letter_filename=evil,
                  annex_filename=evil)
    got = parsed(msg)
    assert sorted(got.keys()) == EXPECTED_HEADERS
    for part in got.walk():
        assert "Bcc" not in part.keys()
    assert got["Subject"].replace("\u2060", "") == evil  # as typed, with an invisible word joiner after "="
    assert got["From"].addresses[0].addr_spec == "noreply@psobrief.example"
    assert send_message(msg, server.config()) is None
    (kept,) = server.messages()
    assert sorted(kept.keys()) == sorted(EXPECTED_HEADERS + ["X-Envelope-From", "X-Envelope-To"])
    assert kept["X-Envelope-To"] == "<j.vandenberg@glanzendepand.nl>"
    assert b"\nBcc:" not in server.files()[0].read_bytes().split(b"\r\n\r\n")[0]  # the header block
    assert all("Bcc" not in part.keys() for part in kept.walk())


@pytest.mark.parametrize("field", ["to", "reply_to"])
def test_an_address_holding_an_encoded_word_is_refused(field):
    """'=?utf-8?q?a=0D=0Ab?=@x.nl' is an addr-spec by the letters, but Python writes it as 'a', a line
    break and 'b@x.nl': refused by the address rule."""
    assert "geen geldig e-mailadres" in check_address("=?utf-8?q?a=0D=0Ab?=@x.nl")
    with pytest.raises(MailProblem, match="geen geldig e-mailadres"):
        message(**{field: "=?utf-8?q?a=0D=0Ab?=@x.nl"})


def test_the_last_check_catches_a_header_that_would_be_split():
    """Should anything get past the rules, the message is refused before it leaves."""
    from email.headerregistry import Address
    from email.message import EmailMessage

    msg = EmailMessage(policy=email.policy.SMTP)
    msg["Subject"] = "gewoon"
    mail._no_line_breaks(msg)
    msg["To"] = Address(username="=?utf-8?q?a=0D=0Ab?=", domain="x.nl")  # around check_address
    with pytest.raises(MailProblem, match="de kopregel To zou worden gesplitst"):
        mail._no_line_breaks(msg)


@pytest.mark.parametrize("field, value", [("to", "a@b.nl\r\nBcc: evil@x.example"), ("to", "a@b.nl, evil@x.example"),
                                          ("to", "Jan <a@b.nl>"), ("reply_to", "x@y.nl\nBcc: evil@x.example"),
                                          ("sender_address", "noreply@psobrief.example\r\nBcc: evil@x.example")])
def test_hostile_addresses_refused_in_dutch(field, value):
    with pytest.raises(MailProblem) as caught:
        message(**{field: value})
    assert re.search(r"regeleinde|één e-mailadres|zonder naam", str(caught.value)), str(caught.value)
    assert not NO_INTERNALS.search(str(caught.value))


def test_no_pdf_no_message():
    with pytest.raises(MailProblem, match="De PDF van de brief ontbreekt"):
        message(letter_pdf=b"")


def test_message_for_answers_uses_the_letters_salutation_and_subject():
    import yaml

    from docassemble.psobrief.answers import parse_answers

    data = yaml.safe_load((ROOT / "docs" / "examples" / "answers.yml").read_text(encoding="utf-8"))
    data["recipients"][1]["email"] = "kim@deboer-groen.nl"
    answers = parse_answers(data, base_dir=ROOT / "docs" / "examples")
    got = parsed(mail.message_for(answers, answers.recipients[1], SENDER, PDF, "Stimuleringsbrief - De Boer.pdf",
                                  ANNEX, "Bijlage.pdf"))
    assert got["To"].addresses[0].addr_spec == "kim@deboer-groen.nl"
    assert got["Subject"] == answers.letter.subject
    body = body_of(got)
    assert body.startswith("Geachte Kim de Boer,\n") and "KvK-nummer: 30123456" in body
    assert len(list(got.iter_attachments())) == 2
    answers.annex.include = False
    got = parsed(mail.message_for(answers, answers.recipients[1], SENDER, PDF, "B.pdf", ANNEX, "Bijlage.pdf"))
    assert len(list(got.iter_attachments())) == 1


# ---------------------------------------------------------------- the configuration


def test_smtp_settings_keys_and_defaults_as_docassemble():
    assert smtp_settings({"server": "smtp.example.nl", "default sender": SENDER}) == {
        "server": "smtp.example.nl", "port": 25, "use ssl": False, "use tls": True, "username": None,
        "password": None, "default sender": SENDER}
    listed = [{"name": "other", "server": "a"}, {"name": "default", "server": "b", "port": "587"}]
    assert smtp_settings(listed)["server"] == "b" and smtp_settings(listed)["port"] == 587
    assert smtp_settings([{"server": "c"}])["server"] == "c"


@pytest.mark.parametrize("config, part", [(None, "geen e-mail ingesteld"), ([], "geen e-mail ingesteld"),
                                          ({"mailgun api key": "k", "mailgun domain": "d"}, "via een dienst"),
                                          ({"server": "x", "port": "vijfentwintig"}, "is geen getal")])
def test_smtp_settings_problems_in_dutch(config, part):
    with pytest.raises(MailProblem, match=part):
        smtp_settings(config)
    assert part in send_message(message(), config)


# ---------------------------------------------------------------- sending one message


def test_send_message_arrives_as_an_eml_file(server):
    assert send_message(message(), server.config()) is None
    (path,) = server.files()
    assert re.fullmatch(r"\d{8}-\d{6}-\d{6}-0001_j\.vandenberg@glanzendepand\.nl_Socialer-inkopen-wordt-belangrijker\.eml",
                        path.name), path.name
    (kept,) = server.messages()
    assert kept["X-Envelope-From"] == "<noreply@psobrief.example>"
    assert kept["To"] == "j.vandenberg@glanzendepand.nl"
    assert [a.get_content() for a in kept.iter_attachments()] == [PDF, ANNEX]
    assert body_of(kept).startswith("Geachte heer Van den Berg,\n")


def test_refused_address_gives_the_servers_code_in_dutch(server):
    reason = send_message(message("k.deboer@geweigerd.example"), server.config())
    assert reason.startswith("De mailserver weigerde het adres k.deboer@geweigerd.example (code 550: 5.1.1 ")
    assert not NO_INTERNALS.search(reason)
    assert server.files() == []


def test_connection_refused_in_dutch():
    port = free_port()  # nothing listens there
    reason = send_message(message(), {"server": "127.0.0.1", "port": port, "use tls": False,
                                      "default sender": SENDER})
    assert reason == (f"De mailserver 127.0.0.1:{port} weigert de verbinding. Draait de server, en kloppen "
                      "'server' en 'port' bij 'mail:'?")


def test_no_answer_in_time_in_dutch():
    """A server that accepts the connection and then says nothing (a firewall, a hung relay)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(5)
    port = listener.getsockname()[1]
    try:
        started = time.monotonic()
        reason = send_message(message(), {"server": "127.0.0.1", "port": port, "use tls": False,
                                          "default sender": SENDER}, timeout=1)
        assert time.monotonic() - started < 5
    finally:
        listener.close()
    assert reason == f"De mailserver 127.0.0.1:{port} antwoordde niet binnen 1 seconde."


def test_login_refused_and_accepted(tmp_path):
    guarded = MailServer(tmp_path / "mail", "--auth", "brieven:juist-wachtwoord")
    try:
        reason = send_message(message(), guarded.config(username="brieven", password="fout"))
        assert reason.startswith(f"De mailserver 127.0.0.1:{guarded.port} weigerde de gebruikersnaam of het "
                                 "wachtwoord (code 535")
        assert reason.endswith("Controleer 'username' en 'password' bij 'mail:' in de configuratie.")
        assert not NO_INTERNALS.search(reason)
        assert guarded.files() == []
        assert send_message(message(), guarded.config(username="brieven", password="juist-wachtwoord")) is None
        assert len(guarded.files()) == 1
    finally:
        guarded.stop()


def test_starttls_asked_of_a_server_without_it(server):
    reason = send_message(message(), server.config(**{"use tls": True}))
    assert reason == (f"De mailserver 127.0.0.1:{server.port} biedt geen versleutelde verbinding (STARTTLS) aan. "
                      "Zet 'use tls: False' bij 'mail:' als dat voor deze server zo hoort.")


def test_unknown_server_name_in_dutch():
    reason = send_message(message(), {"server": "bestaat-niet.invalid", "port": 25, "use tls": False,
                                      "default sender": SENDER}, timeout=5)
    assert reason in ("De naam van de mailserver (bestaat-niet.invalid) is niet gevonden. Controleer 'server' bij "
                      "'mail:'.", "De mailserver bestaat-niet.invalid:25 kon niet worden bereikt.")


# ---------------------------------------------------------------- sending a list, once each


class RecordingStore(DictStore):
    """A DictStore that also keeps every status it was given, in order."""

    def __init__(self):
        super().__init__()
        self.history: list[tuple[str, str]] = []

    def set(self, key, value):
        self.history.append((key, value["status"]))
        super().set(key, value)


def jobs(addresses):
    return [MailJob(key=f"k{n}", address=address, message=lambda address=address: message(address),
                    label=f"Ketenpartner {n}") for n, address in enumerate(addresses, start=1)]


ADDRESSES = ["a@eerste.nl", "b@tweede.nl", "c@geweigerd.example", "d@vierde.nl", "e@vijfde.nl"]


def test_send_all_sends_each_once_and_records_it(server):
    store, progress = RecordingStore(), []
    report = send_all(jobs(ADDRESSES), store, server.config(), progress=lambda done, total: progress.append(
        (done, total)))
    assert report.sent == ["k1", "k2", "k4", "k5"] and report.already_sent == []
    assert list(report.failed) == ["k3"] and "weigerde het adres c@geweigerd.example (code 550" in report.failed["k3"]
    assert progress == [(n, 5) for n in range(1, 6)]
    assert [status for key, status in store.history if key == "k1"] == ["sending", "sent"]
    assert [status for key, status in store.history if key == "k3"] == ["sending", "failed"]
    first = store.get("k1")
    assert first["address"] == "a@eerste.nl" and re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", first["time"])
    kept = server.messages()
    assert sorted(m["To"] for m in kept) == ["a@eerste.nl", "b@tweede.nl", "d@vierde.nl", "e@vijfde.nl"]
    assert {m["Message-ID"] for m in kept} == {store.get(k)["message_id"] for k in ("k1", "k2", "k4", "k5")}

    # again: nothing is sent twice, the failed one is not tried without being asked
    store.history.clear()
    again = send_all(jobs(ADDRESSES), store, server.config())
    assert again.sent == [] and again.already_sent == ["k1", "k2", "k4", "k5"] and list(again.failed) == ["k3"]
    assert store.history == [] and len(server.files()) == 4

    # "send the failed ones again": only k3 is tried (and is refused again)
    retry = send_all(jobs(ADDRESSES), store, server.config(), resend_failed=True)
    assert retry.sent == [] and list(retry.failed) == ["k3"]
    assert [key for key, status in store.history if status == "sending"] == ["k3"]
    assert len(server.files()) == 4


def test_failed_ones_sent_again_when_asked_arrive_once(tmp_path):
    """The server is down for the first run: every job fails fast; asked again, each arrives once."""
    store = DictStore()
    port = free_port()
    config = {"server": "127.0.0.1", "port": port, "use tls": False, "default sender": SENDER}
    first = send_all(jobs(ADDRESSES[:2] + ADDRESSES[3:]), store, config)
    assert first.sent == [] and len(first.failed) == 4
    assert first.failed["k1"].startswith(f"De mailserver 127.0.0.1:{port} weigert de verbinding.")
    assert first.failed["k2"].startswith("Niet verstuurd: De mailserver")  # not tried: the server was down
    assert all(not NO_INTERNALS.search(reason) for reason in first.failed.values())
    up = MailServer(tmp_path / "mail")
    try:
        config["port"] = up.port
        assert send_all(jobs(ADDRESSES[:2] + ADDRESSES[3:]), store, config).sent == []  # not asked: nothing
        second = send_all(jobs(ADDRESSES[:2] + ADDRESSES[3:]), store, config, resend_failed=True)
        assert second.sent == ["k1", "k2", "k3", "k4"] and second.failed == {}
        third = send_all(jobs(ADDRESSES[:2] + ADDRESSES[3:]), store, config, resend_failed=True)
        assert third.sent == [] and len(third.already_sent) == 4
        assert sorted(m["To"] for m in up.messages()) == ["a@eerste.nl", "b@tweede.nl", "d@vierde.nl", "e@vijfde.nl"]
    finally:
        up.stop()


def test_a_sending_left_behind_is_not_sent_again_by_itself(server):
    """A process that stopped between 'sending' and 'sent': the message may have gone out."""
    store = DictStore()
    store.set("k2", {"status": "sending", "address": "b@tweede.nl", "time": "2026-11-26T01:00:00+00:00"})
    report = send_all(jobs(ADDRESSES[:2]), store, server.config())
    assert report.sent == ["k1"] and list(report.failed) == ["k2"]
    assert store.get("k2")["status"] == "failed" and store.get("k2")["uncertain"] is True
    assert report.failed["k2"].startswith("Onbekend of dit bericht is aangekomen")
    assert [m["To"] for m in server.messages()] == ["a@eerste.nl"]
    report = send_all(jobs(ADDRESSES[:2]), store, server.config(), resend_failed=True)
    assert report.sent == ["k2"] and sorted(m["To"] for m in server.messages()) == ["a@eerste.nl", "b@tweede.nl"]


def test_a_server_that_stops_answering_costs_one_timeout_not_one_per_recipient():
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(5)
    try:
        started = time.monotonic()
        report = send_all(jobs(ADDRESSES[:2] + ADDRESSES[3:]), DictStore(), {
            "server": "127.0.0.1", "port": listener.getsockname()[1], "use tls": False, "default sender": SENDER},
            timeout=1)
        assert time.monotonic() - started < 4
    finally:
        listener.close()
    assert len(report.failed) == 4 and "antwoordde niet binnen 1 seconde" in report.failed["k1"]


def test_a_message_that_cannot_be_made_fails_alone(server):
    def broken():
        raise RuntimeError("geen PDF")

    todo = jobs(ADDRESSES[:2])
    todo.insert(1, MailJob(key="kapot", address="x@kapot.nl", message=broken))
    todo.insert(2, MailJob(key="slecht", address="x@y.nl, z@q.nl", message=lambda: message("x@y.nl, z@q.nl")))
    report = send_all(todo, DictStore(), server.config())
    assert report.sent == ["k1", "k2"]
    assert report.failed["kapot"] == "Het bericht kon niet worden gemaakt."
    assert report.failed["slecht"].startswith("Het e-mailadres van de ketenpartner: Vul één e-mailadres in")


def test_one_connection_for_the_whole_list(server):
    """Twenty messages through one SMTP connection (the server logs one 'ready' and twenty 'kept')."""
    addresses = [f"r{n}@ontvanger{n}.nl" for n in range(20)]
    started = time.monotonic()
    report = send_all(jobs(addresses), DictStore(), server.config())
    elapsed = time.monotonic() - started
    assert len(report.sent) == 20 and len(server.files()) == 20
    assert elapsed < 20, elapsed


def test_mail_key_changes_with_letters_and_address():
    key = mail.mail_key("vingerafdruk", 3, "A@B.nl")
    assert key == mail.mail_key("vingerafdruk", 3, " a@b.nl ")
    assert len({key, mail.mail_key("andere", 3, "a@b.nl"), mail.mail_key("vingerafdruk", 4, "a@b.nl"),
                mail.mail_key("vingerafdruk", 3, "c@b.nl")}) == 4


def test_mail_module_imports_no_docassemble():
    code = "import sys, docassemble.psobrief.mail; print(sorted(m for m in sys.modules if m.startswith('docassemble.') and not m.startswith('docassemble.psobrief')))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_a_name_ending_in_a_full_stop_ends_the_sentence_once():
    assert "uw antwoord komt bij Bouwbedrijf De Vries & Zonen B.V.\n" in body_of(message())
    assert "uw antwoord komt bij Groen en Zonen.\n" in body_of(message(organisation="Groen en Zonen"))
    assert ".." not in body_of(message())
