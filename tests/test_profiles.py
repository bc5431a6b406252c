"""Organisation profiles: the token in the link, the key the server stores under, the seal."""

from __future__ import annotations

from docassemble.psobrief import profiles


def test_tokens_are_random_and_recognised():
    tokens = {profiles.new_token() for _ in range(1000)}
    assert len(tokens) == 1000
    assert all(profiles.valid_token(token) and len(token) == 43 for token in tokens)
    for bad in ("", "abc", None, 42, "x" * 42, "x" * 44, "a" * 42 + "/", "../" + "a" * 40, "a" * 42 + "\n"):
        assert not profiles.valid_token(bad), bad


def test_stored_under_a_hash_not_the_token():
    token = profiles.new_token()
    key = profiles.storage_key(token)
    assert token not in key and len(key) == 64
    assert key == profiles.storage_key(token)
    assert key != profiles.storage_key(profiles.new_token())


def test_seal_needs_the_token():
    token, other = profiles.new_token(), profiles.new_token()
    payload = "Café De Zon & Co <b> {{ x }} 🎉".encode() + bytes(range(256))
    sealed = profiles.seal(token, payload)
    assert isinstance(sealed, str) and "Caf" not in sealed
    assert profiles.unseal(token, sealed) == payload
    assert profiles.unseal(other, sealed) is None
    tampered = sealed[:40] + ("A" if sealed[40] != "A" else "B") + sealed[41:]
    assert profiles.unseal(token, tampered) is None
    assert profiles.unseal(token, b"not sealed") is None
