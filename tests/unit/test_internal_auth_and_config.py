"""The signed caller header and the settings a process starts with."""
from __future__ import annotations

import time

import pytest

from services.common.config import ConfigurationError, Settings
from services.common.internal_auth import Caller, CallerSigner, NotSigned, request_target

SECRET = b"s" * 40


def test_a_signature_proves_the_caller_for_that_request_only():
    signer = CallerSigner(SECRET)
    token = signer.sign(Caller("gateway", "user-1", "rid", "203.0.113.5"), "GET", "/me/providers")
    assert signer.verify(token, "GET", "/me/providers").actor_id == "user-1"
    for method, path in (("POST", "/me/providers"), ("GET", "/me/providers?x=1"), ("GET", "/providers")):
        with pytest.raises(NotSigned):
            signer.verify(token, method, path)
    with pytest.raises(NotSigned):
        CallerSigner(b"t" * 40).verify(token, "GET", "/me/providers")
    with pytest.raises(NotSigned):
        signer.verify(None, "GET", "/me/providers")


def test_a_signature_expires(monkeypatch):
    signer = CallerSigner(SECRET)
    token = signer.sign(Caller("gateway", "user-1", "rid"), "GET", "/x")
    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() + 120)
    with pytest.raises(NotSigned):
        signer.verify(token, "GET", "/x")


def test_the_request_target_keeps_the_query_string():
    assert request_target("/a", "") == "/a"
    assert request_target("/a", "q=1&b=2") == "/a?q=1&b=2"


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
