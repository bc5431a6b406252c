"""A local SMTP server that keeps every message as an .eml file (for trying and for tests).

    .venv-mail/bin/python scripts/mailserver.py --port 8575 --dir .state/mail

`scripts/serve` runs it on 127.0.0.1:PORT+5 and writes docassemble's `mail:` configuration
for it; the mail tests start their own. It delivers nothing anywhere: each message the server
accepts is written to DIR as one file, named by the time it arrived, its first recipient and
its subject, e.g. `20261126-011530-123456-0001_j.devries@bouw.nl_Socialer-ondernemen.eml`
(written under a temporary name first, so a reader never sees half a message). Open it
with any mail program. Two headers are added on top: `X-Envelope-From` and `X-Envelope-To`,
the addresses of the SMTP conversation (the addresses the message really went to).

Every recipient address in a refused domain (default: `geweigerd.example`, for tests) is
refused with `550 5.1.1`, the others are accepted. `--auth USER:PASSWORD` offers AUTH
PLAIN/LOGIN (without TLS, on 127.0.0.1 only) and refuses other credentials with 535.
Needs aiosmtpd (scripts/setup installs it in .venv-mail). Stops on SIGTERM or Ctrl-C.
"""

from __future__ import annotations

import argparse
import datetime
import email.parser
import email.policy
import itertools
import os
import re
import signal
import sys
import threading
import unicodedata
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

REFUSED_DOMAINS = ("geweigerd.example",)


def _slug(text: str, limit: int) -> str:
    """ASCII letters, digits and a few signs, for a file name a person can read."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-")[:limit].strip("-")


def _address_part(address: str) -> str:
    return re.sub(r"[^A-Za-z0-9@._+-]+", "-", address)[:80] or "onbekend"


class KeepAsFiles:
    """aiosmtpd handler: refuse addresses in the refused domains, keep each message as a file."""

    def __init__(self, folder: Path, refused_domains: tuple[str, ...]):
        self.folder = folder
        self.refused = {domain.lower() for domain in refused_domains}
        self.counter = itertools.count(1)
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802 - aiosmtpd's name
        domain = address.rpartition("@")[2].lower()
        if domain in self.refused:
            return f"550 5.1.1 <{address}>: recipient address rejected (the test domain {domain} refuses all mail)"
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        content = envelope.original_content or envelope.content
        if isinstance(content, str):
            content = content.encode("utf-8")
        headers = email.parser.BytesHeaderParser(policy=email.policy.default).parsebytes(content)
        try:
            subject = str(headers.get("Subject", ""))
        except Exception:  # noqa: BLE001 - a broken header still gives a file
            subject = ""
        with self.lock:
            number = next(self.counter)
        stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
        first = envelope.rcpt_tos[0] if envelope.rcpt_tos else "onbekend"
        name = f"{stamp}-{number:04d}_{_address_part(first)}_{_slug(subject, 60) or 'zonder-onderwerp'}.eml"
        top = (f"X-Envelope-From: <{envelope.mail_from}>\r\n"
               f"X-Envelope-To: {', '.join(f'<{a}>' for a in envelope.rcpt_tos)}\r\n").encode()
        self.folder.mkdir(parents=True, exist_ok=True)
        temporary = self.folder / f".{name}.part"
        temporary.write_bytes(top + content)
        os.replace(temporary, self.folder / name)
        print(f"{datetime.datetime.now():%F %T} kept {name} ({len(content)} bytes) from <{envelope.mail_from}> "
              f"to {', '.join(envelope.rcpt_tos)}", flush=True)
        return "250 2.0.0 OK: kept as " + name[:100]


class OneLogin:
    """aiosmtpd authenticator: one user name and password."""

    def __init__(self, user: str, password: str):
        self.user, self.password = user, password

    @staticmethod
    def _text(value) -> str:
        return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)

    def __call__(self, server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and (
            self._text(auth_data.login), self._text(auth_data.password)) == (self.user, self.password)
        # handled=False: aiosmtpd answers (235, or 535 for wrong credentials)
        return AuthResult(success=ok, handled=False)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--dir", type=Path, required=True, help="where the .eml files go")
    parser.add_argument("--refuse-domain", action="append", default=None,
                        help=f"refuse every address in this domain (repeatable; default {REFUSED_DOMAINS[0]})")
    parser.add_argument("--auth", default="", help="USER:PASSWORD: offer AUTH and accept only these")
    args = parser.parse_args(argv)

    args.dir.mkdir(parents=True, exist_ok=True)
    handler = KeepAsFiles(args.dir, tuple(args.refuse_domain or REFUSED_DOMAINS))
    options = {"ident": "psobrief local SMTP (aiosmtpd)", "data_size_limit": 50 * 1024 * 1024}
    if args.auth:
        user, _, password = args.auth.partition(":")
        options.update(authenticator=OneLogin(user, password), auth_require_tls=False)
    controller = Controller(handler, hostname=args.host, port=args.port, **options)
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    controller.start()
    print(f"{datetime.datetime.now():%F %T} mail server ready on {args.host}:{args.port}, messages in {args.dir}, "
          f"refusing @{', @'.join(sorted(handler.refused))}", flush=True)
    try:
        while not stop.wait(1):
            pass
    finally:
        controller.stop()
    print(f"{datetime.datetime.now():%F %T} mail server stopped", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
