"""Two-step login through the running system: settings pages, the second step of a log-in,
codes from the real SMTP server, remembered devices, and identity's API called directly."""
from __future__ import annotations

import base64
import json
import re
import time
import uuid

import pyotp
import pytest
import requests
from sqlalchemy import create_engine, text

from gateway import keyring
from gateway.crypto import KdfParams, KeyPair, SymmetricKey
from gateway.keyring import UnlockedKeys
from gateway.sessions import PENDING_SECONDS, PendingLogin, SessionStore, VaultSession
from services.common.internal_auth import Caller
from services.common.internal_http import ServiceError
from services.identity import two_factor_secrets as secret
from tests.conftest import wait_for
from tests.support import Visitor, anonymous, service_backends

PASSWORD = "two-steps-are-safer-than-one-9"
SECRET = re.compile(r'id="authenticator-key" class="secret-key" value="([A-Z2-7 ]+)"')
RECOVERY = re.compile(r'id="recovery-code" class="secret-key" value="([A-Z2-7 ]+)"')
MAILED_CODE = re.compile(r"verification code is (\d{6})")


def registered(system, email: str) -> Visitor:
    visitor = Visitor(system.url)
    visitor.register(email, "Two Step", PASSWORD)
    assert visitor.log_in(email, PASSWORD).url.endswith("/vault") or "Log out" in visitor.last_html
    return visitor


def post(visitor: Visitor, path: str, data: dict | None = None, page: str | None = None) -> requests.Response:
    """Post a form of `page` (or of the last page seen) with its CSRF token."""
    html_text = visitor.get(page).text if page else visitor.last_html
    response = visitor.http.post(visitor.base + path, data={**(data or {}),
                                                            "csrf_token": visitor.csrf_token(html_text)})
    visitor.last_html = response.text
    return response


def turn_on_authenticator(visitor: Visitor) -> tuple[pyotp.TOTP, str]:
    """The authenticator app on, as a person scanning the page would; its TOTP and the recovery code."""
    page = post(visitor, "/account/two-step-login/authenticator/setup", page="/account/two-step-login")
    assert page.status_code == 200 and 'src="data:image/png;base64,' in page.text
    totp = pyotp.TOTP(SECRET.search(page.text).group(1).replace(" ", ""))
    turned_on = post(visitor, "/account/two-step-login/authenticator", {"code": totp.now()})
    return totp, RECOVERY.search(turned_on.text).group(1)


def log_out(visitor: Visitor) -> None:
    post(visitor, "/logout", page="/vault")


def second_step(visitor: Visitor, method: str, code: str, remember: bool = False) -> requests.Response:
    data = {"method": method, "code": code, **({"remember": "y"} if remember else {})}
    return post(visitor, "/login/two-step", data, page=f"/login/two-step?method={method}")


def next_code(totp: pyotp.TOTP) -> str:
    """The code of the next 30-second step: accepted now (one step of drift is), and never used
    yet, since setting the app up used the current one."""
    return totp.at(int(time.time()) + 30)


def logged_events(system, user_id: str, event_type: str) -> list[dict]:
    engine = create_engine(system.database_urls["audit"])
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT code, data FROM events WHERE subject = :user AND type = :type"),
                                  {"user": user_id, "type": event_type}).all()
    engine.dispose()
    return [{"code": row[0], **(json.loads(row[1]) if isinstance(row[1], str) else row[1])} for row in rows]


def someone() -> Caller:
    """A signed caller acting for some user (what identity's lookups ask for)."""
    return Caller(by="gateway", actor_id=str(uuid.uuid4()), request_id=uuid.uuid4().hex)


def user_id_of(system, email: str) -> str:
    return service_backends(system).identity.get("/users", someone(), email=email)["user_id"]


def test_an_authenticator_app_guards_the_log_in_and_a_code_works_once(system, unique_email):
    email = unique_email("totp")
    visitor = registered(system, email)
    totp, recovery = turn_on_authenticator(visitor)
    assert len(recovery.replace(" ", "")) == 32
    assert "Two-step login is on." in visitor.get("/account/two-step-login").text
    user_id = user_id_of(system, email)
    status = service_backends(system).identity.post("/users/two-factor-status", someone(), {"user_ids": [user_id]})
    assert status["two_factor"] == {user_id: True}
    log_out(visitor)

    page = visitor.log_in(email, PASSWORD)
    assert page.url.endswith("/login/two-step") and "Enter the 6-digit code" in page.text
    cookies = {cookie.name: cookie for cookie in visitor.http.cookies}
    assert "custodian_pending" in cookies and "custodian_session" not in cookies
    assert cookies["custodian_pending"].has_nonstandard_attr("HttpOnly")
    assert "/login" in visitor.get("/vault").url  # a pending log-in is no session

    code = next_code(totp)
    wrong = str((int(code) + 500_000) % 1_000_000).zfill(6)
    refused = second_step(visitor, "authenticator", wrong)
    assert refused.status_code == 422 and "This code is not right" in refused.text
    wait_for(lambda: logged_events(system, user_id, "user.two_factor_failed"), 20, message="the 1006 event")
    assert logged_events(system, user_id, "user.two_factor_failed")[0] == {
        "code": 1006, "user_id": user_id, "method": "authenticator"}

    done = second_step(visitor, "authenticator", code)
    assert done.status_code == 200 and "Log out" in done.text and "/login" not in done.url
    assert "custodian_pending" not in {cookie.name for cookie in visitor.http.cookies}
    log_out(visitor)

    visitor.log_in(email, PASSWORD)
    replayed = second_step(visitor, "authenticator", code)
    assert replayed.status_code == 422 and "already used" in replayed.text


def test_codes_by_email_come_through_the_mail_server(system, smtp, unique_email):
    _controller, mailbox = smtp
    email = unique_email("mailcode")
    visitor = registered(system, email)
    started = post(visitor, "/account/two-step-login/email/setup", page="/account/two-step-login")
    assert started.status_code == 200 and email in started.text
    mail = wait_for(lambda: mailbox.to(email), message="the setup code")[-1]
    setup_code = MAILED_CODE.search(mail.get_payload(decode=True).decode()).group(1)
    turned_on = post(visitor, "/account/two-step-login/email", {"code": setup_code})
    assert RECOVERY.search(turned_on.text)
    assert "Two-step login is on." in visitor.get("/account/two-step-login").text
    log_out(visitor)

    page = visitor.log_in(email, PASSWORD)
    assert "Send me a code" in page.text
    post(visitor, "/login/two-step/email")
    mails = wait_for(lambda: len(mailbox.to(email)) >= 2 and mailbox.to(email), message="the log-in code")
    login_code = MAILED_CODE.search(mails[-1].get_payload(decode=True).decode()).group(1)
    assert second_step(visitor, "email", setup_code).status_code == 422  # the setup code was used up
    done = second_step(visitor, "email", login_code)
    assert "Log out" in done.text and "/login" not in done.url


def test_the_recovery_code_logs_in_and_turns_two_step_login_off(system, unique_email):
    email = unique_email("recovery")
    visitor = registered(system, email)
    _totp, recovery = turn_on_authenticator(visitor)
    log_out(visitor)
    visitor.log_in(email, PASSWORD)
    done = second_step(visitor, "recovery_code", recovery.lower())
    assert done.url.endswith("/account/two-step-login")
    assert "two-step login is now off" in done.text and "Two-step login is off." in done.text
    user_id = user_id_of(system, email)
    wait_for(lambda: logged_events(system, user_id, "user.two_factor_recovered"), 20, message="the 1004 event")
    log_out(visitor)
    assert "Log out" in visitor.log_in(email, PASSWORD).text  # no second step any more


def test_a_remembered_device_skips_the_second_step_until_devices_are_forgotten(system, unique_email):
    email = unique_email("remember")
    visitor = registered(system, email)
    totp, _recovery = turn_on_authenticator(visitor)
    log_out(visitor)
    visitor.log_in(email, PASSWORD)
    second_step(visitor, "authenticator", next_code(totp), remember=True)
    device = next(cookie for cookie in visitor.http.cookies if cookie.name == "custodian_device")
    assert device.has_nonstandard_attr("HttpOnly") and device.expires > time.time() + 29 * 24 * 3600
    log_out(visitor)
    assert "Log out" in visitor.log_in(email, PASSWORD).text

    kept = device.value
    forgotten = post(visitor, "/account/two-step-login/forget-devices", page="/account/two-step-login")
    assert "Every remembered device" in forgotten.text
    log_out(visitor)
    visitor.http.cookies.set("custodian_device", kept, domain=device.domain, path="/")
    assert visitor.log_in(email, PASSWORD).url.endswith("/login/two-step")


def test_turning_a_method_off_needs_the_master_password(system, unique_email):
    email = unique_email("off")
    visitor = registered(system, email)
    turn_on_authenticator(visitor)
    refused = post(visitor, "/account/two-step-login/authenticator/off", {"master_password": "not my password"},
                   page="/account/two-step-login/authenticator/off")
    assert refused.status_code == 422 and "This is not your master password." in refused.text
    assert "Two-step login is on." in visitor.get("/account/two-step-login").text
    done = post(visitor, "/account/two-step-login/authenticator/off", {"master_password": PASSWORD},
                page="/account/two-step-login/authenticator/off")
    assert "The authenticator app is off." in done.text and "Two-step login is off." in done.text


def test_identity_refuses_forged_expired_and_replayed_challenges(system, unique_email):
    email = unique_email("api")
    visitor = registered(system, email)
    totp, _recovery = turn_on_authenticator(visitor)
    backends = service_backends(system)
    auth_hash = keyring.log_in_hash(email, PASSWORD, KdfParams("pbkdf2", 600_000))[0]
    answer = backends.identity.post("/sessions", anonymous(), {"email": email, "master_password_hash": auth_hash})
    assert answer["two_factor_required"] and "protected_user_key" not in answer
    assert answer["methods"] == ["authenticator", "recovery_code"]

    def attempt(challenge: str, code: str):
        try:
            return backends.identity.post("/sessions/two-factor", anonymous(), {
                "challenge": challenge, "method": "authenticator", "code": code})
        except ServiceError as error:
            return error

    code = next_code(totp)
    body, _, mac = answer["challenge"].partition(".")
    claims = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    keys = secret.service_keys(system.settings("identity").service_key)
    forged = secret.sign(secret.service_keys(b"not the service key at all, not at all"), "challenge", claims)
    expired = secret.sign(keys, "challenge", {**claims, "exp": int(time.time()) - 1})
    for bad in (forged, expired, f"{body}.{mac[:-2]}AA", "nonsense"):
        refused = attempt(bad, code)
        assert refused.status == 401 and refused.error == "ChallengeExpired"
    passed = attempt(answer["challenge"], code)
    assert passed["protected_user_key"] and passed["remember_token"] is None
    replay = attempt(answer["challenge"], totp.now())
    assert replay.status == 401 and replay.error == "ChallengeExpired"


# --- the session store (against the real nats-server) --------------------------------------------

def _session(user_id: str) -> VaultSession:
    return VaultSession(user_id, f"{user_id}@tests.example", "Someone",
                        UnlockedKeys.of(SymmetricKey.generate(), KeyPair.generate()))


@pytest.fixture
def store(nats_server):
    """The gateway's session store on the test nats-server."""
    sessions = SessionStore(nats_server.url, 600)
    yield sessions
    sessions.close()


def test_ending_every_session_of_a_user_keeps_the_one_asked_and_others_users(store):
    ada, bob = str(uuid.uuid4()), str(uuid.uuid4())
    adas = [store.create(_session(ada)) for _ in range(3)]
    bobs = store.create(_session(bob))
    store.delete(adas[2])  # already ended: not counted again
    assert store.end_sessions_of(ada, keep_cookie=adas[0]) == 1
    assert store.load(adas[0]).user_id == ada
    assert store.load(adas[1]) is None and store.load(adas[2]) is None
    assert store.load(bobs).user_id == bob
    assert store.end_sessions_of(ada) == 1 and store.load(adas[0]) is None
    assert store.end_sessions_of(ada) == 0
    with pytest.raises(ValueError):
        store.end_sessions_of("*")


def test_a_pending_log_in_is_never_a_session_and_expires_in_five_minutes(store):
    pending = PendingLogin("ada@tests.example", b"k" * 32, "challenge", ["authenticator"], "/vault")
    cookie = store.create_pending(pending)
    assert store.load(cookie) is None
    assert store.load_pending(cookie).master_key == b"k" * 32
    stale = store.create_pending(PendingLogin("ada@tests.example", b"k" * 32, "c", ["email"], None,
                                              time.time() - PENDING_SECONDS - 1))
    assert store.load_pending(stale) is None
    store.end_pending(cookie)
    assert store.load_pending(cookie) is None
    session_cookie = store.create(_session(str(uuid.uuid4())))
    assert store.load_pending(session_cookie) is None


def test_a_sessions_private_key_is_parsed_once_by_this_process_and_forgotten_at_log_out(store):
    cookie = store.create(_session("parsed-once"))
    first = store.load(cookie).keys.key_pair
    assert store.load(cookie).keys.key_pair is first
    assert len(store.parsed_keys) == 1
    store.delete(cookie)
    assert len(store.parsed_keys) == 0 and store.load(cookie) is None
