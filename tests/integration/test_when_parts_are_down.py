"""A service or NATS that is down: a clear message, and nothing changed."""
from __future__ import annotations

import re

import pytest

from embedded.__main__ import free_port
from gateway.app import create_app
from services.common.config import SERVICES, Settings
from tests.conftest import TEST_SECRETS


@pytest.fixture
def stranded_gateway(tmp_path):
    """A gateway whose services and NATS are all unreachable."""
    dead = {f"{name.upper()}_URL": f"http://127.0.0.1:{free_port()}" for name in SERVICES}
    env = {**TEST_SECRETS, **dead, "NATS_URL": f"nats://127.0.0.1:{free_port()}", "CUSTODIAN_VAR": str(tmp_path),
           "SECURE_COOKIES": "false"}
    app = create_app(Settings.from_env("gateway", env))
    app.config["TESTING"] = True
    return app.test_client()


def csrf(html: str) -> str:
    return re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', html).group(1)


def test_logging_in_while_identity_is_down_says_so_next_to_the_form(stranded_gateway):
    page = stranded_gateway.get("/login")
    response = stranded_gateway.post("/login", data={"email": "a@b.example", "master_password": "whatever-it-is",
                                                     "csrf_token": csrf(page.text)})
    assert response.status_code == 422
    assert "Part of Custodian is not answering right now. Nothing was changed" in response.text
    assert "custodian_session" not in response.headers.get("Set-Cookie", "")


def test_registering_while_identity_is_down_creates_nothing_and_says_so(stranded_gateway):
    page = stranded_gateway.get("/register")
    response = stranded_gateway.post("/register", data={
        "email": "new@b.example", "name": "New", "master_password": "quiet-falcon-river-stone-7",
        "master_password_confirm": "quiet-falcon-river-stone-7", "csrf_token": csrf(page.text)})
    assert response.status_code == 422
    assert "not answering right now" in response.text


def test_a_session_cookie_while_nats_is_down_gets_a_clear_503(stranded_gateway):
    stranded_gateway.set_cookie("custodian_session", "abcdefgh." + "A" * 43 + "=")
    response = stranded_gateway.get("/vault")
    assert response.status_code == 503
    assert "The session store is not answering" in response.text


def test_readiness_names_what_is_down(stranded_gateway):
    ready = stranded_gateway.get("/readyz")
    assert ready.status_code == 503
    assert ready.json["checks"] == {"nats": False, **{name: False for name in SERVICES}}
