"""The signed caller header and the settings a process starts with."""
from __future__ import annotations

import time

import pytest
from argon2 import Parameters, Type, extract_parameters
from argon2.profiles import RFC_9106_LOW_MEMORY

from embedded.__main__ import free_port
from services.common.config import ConfigurationError, PasswordHashing, Settings
from services.common.internal_auth import (CLOCK_SKEW_SECONDS, MAX_AGE_SECONDS, Caller, CallerSigner,
                                           InternalRequest, NotSigned)
from services.common.internal_http import BodyTooLarge, ServiceClient, ServiceUnavailable

SECRET = b"s" * 40
SEATS = InternalRequest("PUT", "/providers/p/clients/c/seats", "", b'{"seats": 23}')


class RememberedNonces:
    """The used nonces of one process: enough to test verification, never what a service runs on."""

    def __init__(self):
        self.used: set[str] = set()

    def claim(self, nonce: str) -> bool:
        if nonce in self.used:
            return False
        self.used.add(nonce)
        return True


def signed_at(offset: float, monkeypatch, call: InternalRequest = SEATS) -> str:
    """A header signed `offset` seconds from now."""
    real = time.time
    with monkeypatch.context() as clock:
        clock.setattr(time, "time", lambda: real() + offset)
        return CallerSigner(SECRET).sign(Caller("gateway", "user-1", "rid"), call)


def test_a_signature_proves_the_caller_for_that_request_only():
    signer = CallerSigner(SECRET)
    token = signer.sign(Caller("gateway", "user-1", "rid", "203.0.113.5"), SEATS)
    assert signer.verify(token, SEATS, RememberedNonces()).actor_id == "user-1"
    tampered = [InternalRequest("POST", SEATS.path, "", SEATS.body),
                InternalRequest("PUT", "/providers/p/clients/other/seats", "", SEATS.body),
                InternalRequest("PUT", SEATS.path, "seats=25", SEATS.body),
                InternalRequest("PUT", SEATS.path, "", b'{"seats": 25}'),
                InternalRequest("PUT", SEATS.path, "", b'{"seats": 23} '),
                InternalRequest("PUT", SEATS.path, "", b"")]
    for call in tampered:
        with pytest.raises(NotSigned):
            signer.verify(token, call, RememberedNonces())
    with pytest.raises(NotSigned):
        CallerSigner(b"t" * 40).verify(token, SEATS, RememberedNonces())
    with pytest.raises(NotSigned):
        signer.verify(None, SEATS, RememberedNonces())


def test_a_signature_is_accepted_once():
    signer, nonces = CallerSigner(SECRET), RememberedNonces()
    token = signer.sign(Caller("gateway", "user-1", "rid"), SEATS)
    signer.verify(token, SEATS, nonces)
    with pytest.raises(NotSigned, match="already used"):
        signer.verify(token, SEATS, nonces)
    assert signer.sign(Caller("gateway", "user-1", "rid"), SEATS) != token  # every call its own nonce


def test_a_tampered_call_leaves_the_nonce_of_the_genuine_one_unused():
    signer, nonces = CallerSigner(SECRET), RememberedNonces()
    token = signer.sign(Caller("gateway", "user-1", "rid"), SEATS)
    with pytest.raises(NotSigned):
        signer.verify(token, InternalRequest("PUT", SEATS.path, "", b'{"seats": 25}'), nonces)
    assert not nonces.used
    assert signer.verify(token, SEATS, nonces).actor_id == "user-1"


def test_a_signature_is_valid_for_thirty_seconds_and_never_from_the_future(monkeypatch):
    signer = CallerSigner(SECRET)
    assert signer.verify(signed_at(-(MAX_AGE_SECONDS - 2), monkeypatch), SEATS, RememberedNonces())
    assert signer.verify(signed_at(CLOCK_SKEW_SECONDS - 2, monkeypatch), SEATS, RememberedNonces())
    with pytest.raises(NotSigned, match="expired"):
        signer.verify(signed_at(-(MAX_AGE_SECONDS + 1), monkeypatch), SEATS, RememberedNonces())
    with pytest.raises(NotSigned, match="future"):
        signer.verify(signed_at(CLOCK_SKEW_SECONDS + 2, monkeypatch), SEATS, RememberedNonces())


def test_a_missing_or_short_secret_stops_the_process_with_its_name():
    with pytest.raises(ConfigurationError, match="CUSTODIAN_INTERNAL_SECRET"):
        Settings.from_env("orgs", {})
    with pytest.raises(ConfigurationError, match="GATEWAY_SECRET_KEY"):
        Settings.from_env("gateway", {"CUSTODIAN_INTERNAL_SECRET": "x" * 40})
    with pytest.raises(ConfigurationError, match="IDENTITY_SERVICE_KEY"):
        Settings.from_env("identity", {"CUSTODIAN_INTERNAL_SECRET": "x" * 40, "IDENTITY_SERVICE_KEY": "short"})


def test_each_service_has_its_own_database_by_default():
    env = {"CUSTODIAN_INTERNAL_SECRET": "x" * 40, "CUSTODIAN_VAR": "/srv/custodian"}
    assert Settings.from_env("orgs", env).database_url == "sqlite:////srv/custodian/orgs.db"
    assert Settings.from_env("audit", {**env, "AUDIT_DATABASE_URL": "postgresql+psycopg://db/audit"}) \
        .database_url == "postgresql+psycopg://db/audit"
    assert "x" * 40 not in repr(Settings.from_env("orgs", env))


def test_trusted_proxies_and_the_metrics_token_are_off_unless_configured():
    env = {"CUSTODIAN_INTERNAL_SECRET": "x" * 40, "GATEWAY_SECRET_KEY": "y" * 40}
    settings = Settings.from_env("gateway", env)
    assert settings.trusted_proxies == 0 and settings.metrics_token == ""
    configured = Settings.from_env("gateway", {**env, "TRUSTED_PROXIES": "2", "METRICS_TOKEN": "m" * 32})
    assert configured.trusted_proxies == 2 and "m" * 32 not in repr(configured)


@pytest.mark.parametrize("name, value", [("TRUSTED_PROXIES", "yes"), ("TRUSTED_PROXIES", "-1"),
                                         ("TRUSTED_PROXIES", "9"), ("METRICS_TOKEN", "short")])
def test_a_bad_proxy_count_or_metrics_token_stops_the_process_naming_the_variable(name, value):
    env = {"CUSTODIAN_INTERNAL_SECRET": "x" * 40, "GATEWAY_SECRET_KEY": "y" * 40, name: value}
    with pytest.raises(ConfigurationError, match=name):
        Settings.from_env("gateway", env)


def test_integrator_streams_keep_alive_every_fifteen_seconds_unless_told_within_three_to_sixty():
    env = {"CUSTODIAN_INTERNAL_SECRET": "x" * 40, "GATEWAY_SECRET_KEY": "y" * 40}
    assert Settings.from_env("gateway", env).integration_heartbeat_seconds == 15
    assert Settings.from_env("gateway", {**env, "INTEGRATION_HEARTBEAT_SECONDS": "5"}).integration_heartbeat_seconds == 5
    for wrong in ("2", "61", "soon"):
        with pytest.raises(ConfigurationError, match="INTEGRATION_HEARTBEAT_SECONDS"):
            Settings.from_env("gateway", {**env, "INTEGRATION_HEARTBEAT_SECONDS": wrong})


def test_a_body_over_the_callers_bound_is_refused_before_anything_is_sent():
    # Nothing listens there: a call that were sent would end in ServiceUnavailable instead.
    client = ServiceClient("orgs", f"http://127.0.0.1:{free_port()}", CallerSigner(b"s" * 48), timeout=1)
    who = Caller("gateway", "someone", "r" * 32)
    with pytest.raises(BodyTooLarge):
        client.post("/organizations/x/items/import", who, {"items": ["x" * 100]}, max_body=100)
    with pytest.raises(ServiceUnavailable):
        client.post("/organizations/x/items/import", who, {"items": ["x" * 10]}, max_body=100)


def test_identitys_slow_hash_costs_what_production_needs_unless_configured():
    assert PasswordHashing.from_env({}) == PasswordHashing(time_cost=RFC_9106_LOW_MEMORY.time_cost,
                                                           memory_kib=RFC_9106_LOW_MEMORY.memory_cost,
                                                           parallelism=RFC_9106_LOW_MEMORY.parallelism)
    env = {"CUSTODIAN_INTERNAL_SECRET": "x" * 40, "IDENTITY_SERVICE_KEY": "k" * 40,
           "ARGON2_TIME_COST": "2", "ARGON2_MEMORY_KIB": "19456", "ARGON2_PARALLELISM": "1"}
    assert Settings.from_env("identity", env).password_hashing == PasswordHashing(2, 19456, 1)
    hasher = PasswordHashing(2, 19456, 1).hasher()
    assert extract_parameters(hasher.hash("a master password hash")) == Parameters(
        type=Type.ID, version=19, salt_len=16, hash_len=32, time_cost=2, memory_cost=19456, parallelism=1)


@pytest.mark.parametrize("env, name", [({"ARGON2_TIME_COST": "0"}, "ARGON2_TIME_COST"),
                                       ({"ARGON2_TIME_COST": "fast"}, "ARGON2_TIME_COST"),
                                       ({"ARGON2_PARALLELISM": "0"}, "ARGON2_PARALLELISM"),
                                       ({"ARGON2_MEMORY_KIB": "-65536"}, "ARGON2_MEMORY_KIB"),
                                       ({"ARGON2_PARALLELISM": "4", "ARGON2_MEMORY_KIB": "16"}, "ARGON2_MEMORY_KIB")])
def test_a_bad_slow_hash_cost_stops_the_process_naming_the_variable(env, name):
    with pytest.raises(ConfigurationError, match=name):
        PasswordHashing.from_env(env)


def test_a_hash_made_at_another_cost_still_verifies_and_asks_to_be_remade():
    earlier = PasswordHashing(2, 64, 2).hasher().hash("a master password hash")
    now = PasswordHashing(1, 8, 1).hasher()
    assert now.verify(earlier, "a master password hash")
    assert now.check_needs_rehash(earlier)
    assert not now.check_needs_rehash(now.hash("a master password hash"))
