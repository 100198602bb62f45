"""A session's private key is parsed once per process, and only while the session lives."""
from __future__ import annotations

import pytest

from gateway import sessions
from gateway.crypto import KeyPair, SymmetricKey
from gateway.keyring import UnlockedKeys
from gateway.sessions import ParsedKeyPairs, VaultSession

KEY_PAIR = KeyPair.generate()
DER = KEY_PAIR.private_key_der()


@pytest.fixture
def parses(monkeypatch):
    """How many times a private key was parsed (the real parser runs)."""
    count = [0]
    real = KeyPair.from_private_der.__func__

    def counted(cls, der, own_key=False):
        count[0] += 1
        return real(cls, der, own_key)
    monkeypatch.setattr(KeyPair, "from_private_der", classmethod(counted))
    return count


def test_a_sessions_key_is_parsed_once_for_all_its_requests(parses):
    parsed = ParsedKeyPairs(idle_seconds=600)
    first = parsed.key_pair("session-a", DER)
    assert parsed.key_pair("session-a", DER) is first
    assert parses[0] == 1
    assert first.public_key_b64 == KEY_PAIR.public_key_b64


def test_an_entry_serves_only_the_der_it_was_parsed_from(parses):
    parsed = ParsedKeyPairs(idle_seconds=600)
    parsed.key_pair("session-a", DER)
    other = KeyPair.generate()
    assert parsed.key_pair("session-a", other.private_key_der()).public_key_b64 == other.public_key_b64
    assert parses[0] == 2


def test_an_ended_session_and_an_idle_one_are_forgotten(parses, monkeypatch):
    parsed = ParsedKeyPairs(idle_seconds=600)
    parsed.key_pair("ended", DER)
    parsed.forget("ended")
    assert len(parsed) == 0
    now = [1000.0]
    monkeypatch.setattr(sessions.time, "monotonic", lambda: now[0])
    parsed.key_pair("idle", DER)
    now[0] += 601
    parsed.key_pair("busy", DER)
    assert len(parsed) == 1  # "idle" went when "busy" came
    parsed.key_pair("idle", DER)
    assert parses[0] == 4


def test_at_most_capacity_keys_are_kept_the_least_recently_used_go_first():
    parsed = ParsedKeyPairs(idle_seconds=600, capacity=2)
    for session_id in ("a", "b", "a", "c"):
        parsed.key_pair(session_id, DER)
    assert len(parsed) == 2
    assert list(parsed._entries) == ["a", "c"]


def test_a_page_that_needs_no_private_key_never_parses_it():
    session = VaultSession("user", "user@tests.example", "User", UnlockedKeys.of(SymmetricKey.generate(), KEY_PAIR))
    opened_ders = []

    def opener(der):
        opened_ders.append(der)
        return KeyPair.from_private_der(der)
    opened = VaultSession._unseal(session._seal(), opener)
    assert opened.keys.user_key.raw == session.keys.user_key.raw
    assert opened_ders == []
    assert opened.keys.key_pair.public_key_b64 == opened.keys.key_pair.public_key_b64 == KEY_PAIR.public_key_b64
    assert opened_ders == [DER]


def test_a_session_remembers_the_clients_whose_opening_was_logged_and_keeps_the_list_bounded(monkeypatch):
    session = VaultSession("user", "user@tests.example", "User", UnlockedKeys.of(SymmetricKey.generate(), KEY_PAIR))
    session.remember_opening("client-a")
    session.remember_opening("client-a")
    assert session.opened_clients == ["client-a"]
    assert VaultSession._unseal(session._seal()).opened_clients == ["client-a"]  # it travels with the session
    monkeypatch.setattr(sessions, "MAX_OPENED_CLIENTS", 3)
    for name in ("b", "c", "d"):
        session.remember_opening(f"client-{name}")
    assert session.opened_clients == ["client-b", "client-c", "client-d"]
