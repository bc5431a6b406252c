"""Organisation profiles shared by a link: the rules, without docassemble.

A profile is the organisation's part of the answers (sender, logo, signature, level, PSO 30+,
signatory, subject, place, measures) that a colleague's new interview starts from. The link
carries a random token, never the data. The server keeps the profile under a hash of the token,
sealed (AES with an HMAC, Fernet) with a key derived from the token, so the stored row alone,
a database dump or a backup, cannot be read or tied to a link; docassemble's own encryption
cannot serve here because it uses the key of the person who stored the value.
"""

from __future__ import annotations

import base64
import hashlib
import re
import secrets

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

__all__ = ["TOKEN_ARG", "new_token", "valid_token", "storage_key", "seal", "unseal", "PROFILE_PARTS"]

#: The URL argument that carries the token: /start/psobrief/stimuleringsbrief/?profiel=...
TOKEN_ARG = "profiel"
#: What a profile holds, in the answers format (the rest is the colleague's own letter).
PROFILE_PARTS = {
    "sender": None,  # all of it: name, address, KvK, telephone, website, level, PSO 30+, logo, signatory
    "letter": ("subject", "place"),
    "annex": None,  # include, measures, own measures
}
_TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")


def new_token() -> str:
    """A random token for a link: 32 bytes (256 bits), URL-safe, 43 characters."""
    return secrets.token_urlsafe(32)


def valid_token(token: object) -> bool:
    """Whether ``token`` has the form of a token this module made (anything else is unknown)."""
    return isinstance(token, str) and _TOKEN.fullmatch(token) is not None


def storage_key(token: str) -> str:
    """The name the profile is stored under: a hash of the token, not the token itself."""
    return hashlib.sha256(b"psobrief-profile-key:" + token.encode("ascii")).hexdigest()


def _fernet(token: str) -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"psobrief-profile", info=b"seal").derive(
        token.encode("ascii"))
    return Fernet(base64.urlsafe_b64encode(key))


def seal(token: str, payload: bytes) -> str:
    """``payload`` encrypted and authenticated with the key derived from ``token``, as text
    (docassemble's storage gives text back)."""
    return _fernet(token).encrypt(payload).decode("ascii")


def unseal(token: str, sealed: str | bytes) -> bytes | None:
    """The payload sealed with ``token``, or None when it was sealed with another or changed."""
    try:
        return _fernet(token).decrypt(sealed)
    except (InvalidToken, TypeError, ValueError):
        return None
