"""Whose address a log-in comes from, and how failed log-ins are slowed down (ADR 0003).

Directly reached, the gateway takes the address of the connection and ignores X-Forwarded-For;
behind a trusted proxy (`proxied_gateway`, TRUSTED_PROXIES=1) it takes the address the proxy
appended. Either way one stranger cannot lock out someone else's right password.
"""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import create_engine, text

from gateway.crypto import KdfParams
from gateway.seed import open_account
from services.identity.domain import IP_FREE_FAILURES
from tests.support import Visitor, service_backends

PASSWORD = "throttle-tests-walk-slowly-42"
SLOWED = "Too many failed log-in attempts"
ADDRESSES = IP_FREE_FAILURES // 2  # two failures from each: enough to block one address that had them all


@pytest.fixture
def forget_this_machines_failures(system):
    """The address-wide count of 127.0.0.1, which every other test logs in from, is cleared after."""
    yield
    engine = create_engine(system.database_urls["identity"])
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM login_throttle WHERE key = 'ip:127.0.0.1'"))
    engine.dispose()


def account(system, unique_email) -> str:
    email = unique_email("victim")
    open_account(service_backends(system), email, "Victim", PASSWORD, KdfParams("pbkdf2", 600_000))
    return email


def log_in(base_url: str, email: str, password: str, forwarded_for: str | None = None):
    """One log-in as a browser makes it (the page, then the form), from `forwarded_for` if given."""
    visitor = Visitor(base_url)
    if forwarded_for:
        visitor.http.headers["X-Forwarded-For"] = forwarded_for
    return visitor.log_in(email, password)


def logged_in(answer) -> bool:
    """Whether the log-in succeeded: the browser was sent on (303) and holds a session."""
    return bool(answer.history) and answer.history[0].status_code == 303 and "custodian_session" in \
        answer.history[0].cookies


def fail_many(base_url: str, unique_email, addresses: list[str | None], per_address: int = 2) -> None:
    """`per_address` wrong log-ins from each address, each on an account of its own."""
    attempts = [(unique_email("stranger"), address) for address in addresses for _ in range(per_address)]
    with ThreadPoolExecutor(4) as pool:
        answers = list(pool.map(lambda attempt: log_in(base_url, attempt[0], "wrong-guess-12345", attempt[1]),
                                attempts))
    assert {answer.status_code for answer in answers} == {422}


def test_directly_reached_a_forged_forwarded_for_is_ignored(system, unique_email):
    email = account(system, unique_email)
    for number in range(5):
        assert log_in(system.url, email, "wrong-guess-12345", f"203.0.113.{number}").status_code == 422
    refused = log_in(system.url, email, PASSWORD, "203.0.113.200")
    assert refused.status_code == 422 and SLOWED in refused.text  # all five came from this one machine


def test_directly_reached_strangers_guessing_other_accounts_never_refuse_the_right_password(
        system, unique_email, forget_this_machines_failures):
    email = account(system, unique_email)
    fail_many(system.url, unique_email, [None] * ADDRESSES)  # all from 127.0.0.1: this address is blocked
    assert logged_in(log_in(system.url, email, PASSWORD))


def test_behind_a_trusted_proxy_strangers_at_other_addresses_never_refuse_the_right_password(
        system, proxied_gateway, unique_email):
    email = account(system, unique_email)
    fail_many(proxied_gateway.url, unique_email, [f"198.51.100.{number}" for number in range(ADDRESSES)])
    assert logged_in(log_in(proxied_gateway.url, email, PASSWORD, "198.51.100.200"))


def test_behind_a_trusted_proxy_one_address_guessing_an_account_is_slowed_down_alone(
        system, proxied_gateway, unique_email):
    email = account(system, unique_email)
    for _ in range(5):
        assert log_in(proxied_gateway.url, email, "wrong-guess-12345", "192.0.2.66").status_code == 422
    refused = log_in(proxied_gateway.url, email, PASSWORD, "192.0.2.66")
    assert refused.status_code == 422 and SLOWED in refused.text
    # The proxy appends the address it saw; what the client wrote before it is not believed.
    assert logged_in(log_in(proxied_gateway.url, email, PASSWORD, "192.0.2.66, 192.0.2.77"))
