"""Passkeys through the running system: identity's API called as the gateway calls it (a software key
answers as a browser would), the gateway's pages and JSON, and the events the audit log receives."""
from __future__ import annotations

import pytest

from gateway import keyring
from gateway.clients.identity import Identity
from gateway.crypto import KdfParams
from gateway.seed import open_account
from services.common.internal_http import ServiceError
from tests.conftest import wait_for
from tests.integration.test_two_factor import logged_events, post
from tests.support import Visitor, anonymous, service_backends
from tests.webauthn_authenticator import SoftKey

PASSWORD = "keys-on-a-ring-are-heavy-4"
KDF = KdfParams("pbkdf2", 600_000)


def portal_origin(system) -> str:
    """Where passkeys work: the system's address (http://127.0.0.1:<port>) at localhost (ADR 22)."""
    return system.url.replace("://127.0.0.1:", "://localhost:")


class Person:
    """An account acting on identity as the gateway does for them, with software keys of this portal."""

    def __init__(self, system, email: str):
        self.system, self.email = system, email
        self.backends = service_backends(system)
        self.user = open_account(self.backends, email, "Kim Keys", PASSWORD, KDF)
        self.identity = Identity(self.backends.identity, self.user.caller())
        self.origin = portal_origin(system)
        self.hash = keyring.log_in_hash(email, PASSWORD, KDF)[0]

    def new_key(self) -> SoftKey:
        return SoftKey(self.origin)

    def add(self, name: str, key: SoftKey | None = None) -> dict:
        return self.identity.add_passkey(name, (key or self.new_key()).register(self.identity.start_passkey(self.hash)))

    def keys(self) -> list[dict]:
        return self.identity.passkeys()["keys"]

    def challenge(self) -> str:
        answer = Identity(self.backends.identity, anonymous()).log_in(self.email, self.hash, None)
        assert answer["two_factor_required"]
        return answer["challenge"]

    def log_in_options(self, challenge: str) -> dict:
        return Identity(self.backends.identity, anonymous()).passkey_login_options(challenge)

    def second_step(self, challenge: str, assertion: str) -> dict:
        return Identity(self.backends.identity, anonymous()).second_step(challenge, "webauthn", assertion, False)


def refusal(call) -> ServiceError:
    with pytest.raises(ServiceError) as refused:
        call()
    return refused.value


@pytest.fixture
def kim(system, unique_email):
    return Person(system, unique_email("kim"))


def test_a_key_turns_two_step_login_on_and_the_policy_check_counts_it(system, kim):
    first = kim.add("Blue key")
    assert len(first["recovery_code"].replace(" ", "")) == 32
    status = kim.backends.identity.post("/users/two-factor-status", kim.user.caller(), {"user_ids": [kim.user.user_id]})
    assert status["two_factor"] == {kim.user.user_id: True}  # what orgs asks for require-two-step-login
    assert kim.identity.two_factor_state()["methods"]["webauthn"] is True
    wait_for(lambda: logged_events(system, kim.user.user_id, "user.two_factor_updated"), 20, message="the 1002 event")
    assert logged_events(system, kim.user.user_id, "user.two_factor_updated")[0] == {
        "code": 1002, "user_id": kim.user.user_id, "method": "webauthn"}


def test_a_sixth_key_and_a_name_used_twice_are_refused(kim):
    for number in range(5):
        kim.add(f"Key {number}")
    too_many = refusal(lambda: kim.identity.start_passkey(kim.hash))
    assert (too_many.status, too_many.code, too_many.params) == (409, "passkey.too_many", {"most": 5})
    assert "the most an account can have" in too_many.message
    kim.identity.remove_passkey(kim.keys()[0]["id"], kim.hash)
    taken = refusal(lambda: kim.add("key 1"))
    assert (taken.status, taken.code, taken.field) == (409, "passkey.name_taken", "name")
    assert [key["name"] for key in kim.keys()] == ["Key 1", "Key 2", "Key 3", "Key 4"]


def test_the_same_key_is_refused_and_excluded_from_the_browsers_choice(kim):
    key = kim.new_key()
    kim.add("Blue key", key)
    options = kim.identity.start_passkey(kim.hash)
    assert len(options["excludeCredentials"]) == 1
    again = refusal(lambda: kim.identity.add_passkey("Blue again", key.register(options)))
    assert again.code == "passkey.already_registered"


def test_removing_needs_the_master_password_and_the_last_key_turns_two_step_login_off(system, kim):
    kim.add("Blue key")
    kim.add("Green key")
    blue, green = kim.keys()
    wrong = refusal(lambda: kim.identity.remove_passkey(blue["id"], keyring.log_in_hash(kim.email, "nope", KDF)[0]))
    assert (wrong.status, wrong.code) == (401, "master_password.wrong")
    assert kim.identity.remove_passkey(blue["id"], kim.hash) is True
    assert refusal(lambda: kim.identity.remove_passkey(blue["id"], kim.hash)).code == "passkey.not_found"
    assert kim.identity.remove_passkey(green["id"], kim.hash) is False
    assert kim.identity.two_factor_state() == {"on": False, "recovery_code": False, "email": kim.email, "methods": {
        "webauthn": False, "authenticator": False, "email": False}}
    assert "protected_user_key" in Identity(kim.backends.identity, anonymous()).log_in(kim.email, kim.hash, None)
    wait_for(lambda: logged_events(system, kim.user.user_id, "user.two_factor_disabled"), 20, message="the 1003 event")


def test_a_key_logs_in_and_a_replayed_assertion_is_refused_and_counted(system, kim):
    key = kim.new_key()
    kim.add("Blue key", key)
    challenge = kim.challenge()
    assertion = key.assert_(kim.log_in_options(challenge), count=0)  # no counter: the challenge alone stops a replay
    assert kim.second_step(challenge, assertion)["protected_user_key"]
    challenge = kim.challenge()
    kim.log_in_options(challenge)
    replayed = refusal(lambda: kim.second_step(challenge, assertion))
    assert (replayed.status, replayed.code) == (401, "passkey.refused")
    wait_for(lambda: logged_events(system, kim.user.user_id, "user.two_factor_failed"), 20, message="the 1006 event")
    assert logged_events(system, kim.user.user_id, "user.two_factor_failed")[0]["method"] == "webauthn"
    assert kim.second_step(challenge, key.assert_(kim.log_in_options(challenge)))["protected_user_key"]


def test_an_assertion_made_at_another_origin_is_refused(kim):
    key = kim.new_key()
    kim.add("Blue key", key)
    challenge = kim.challenge()
    phished = key.assert_(kim.log_in_options(challenge), origin="https://custodian-login.example")
    assert refusal(lambda: kim.second_step(challenge, phished)).code == "passkey.refused"
    registered_elsewhere = refusal(lambda: kim.identity.add_passkey(
        "Green key", SoftKey("https://custodian-login.example").register(kim.identity.start_passkey(kim.hash))))
    assert registered_elsewhere.code == "passkey.not_read"


def test_the_signature_counter_is_stored_and_one_that_goes_back_is_refused(kim):
    key = kim.new_key()
    kim.add("Blue key", key)
    challenge = kim.challenge()
    kim.second_step(challenge, key.assert_(kim.log_in_options(challenge), count=41))
    assert kim.keys()[0]["last_used_at"]
    challenge = kim.challenge()
    cloned = refusal(lambda: kim.second_step(challenge, key.assert_(kim.log_in_options(challenge), count=40)))
    assert cloned.code == "passkey.refused"
    assert kim.second_step(challenge, key.assert_(kim.log_in_options(challenge), count=42))["protected_user_key"]


def test_the_portal_relays_the_options_and_a_passkey_finishes_the_log_in(system, unique_email):
    email = unique_email("relay")
    visitor = Visitor(system.url)
    visitor.register(email, "Rae Relay", PASSWORD)
    visitor.log_in(email, PASSWORD)
    settings = visitor.get("/account/two-step-login")
    assert "Use any WebAuthn compatible security key to access your account." in settings.text
    dialog_page = visitor.get("/account/two-step-login/passkeys")
    assert "Read key" in dialog_page.text and "No key yet." in dialog_page.text
    refused = post(visitor, "/account/two-step-login/passkeys/options", {"master_password": "not it"})
    assert refused.status_code == 401 and refused.json()["message"] == "This is not your master password."
    options = post(visitor, "/account/two-step-login/passkeys/options", {"master_password": PASSWORD},
                   page="/account/two-step-login/passkeys").json()["options"]
    key = SoftKey(portal_origin(system))
    saved = post(visitor, "/account/two-step-login/passkeys", {"name": "Blue key", "credential": key.register(options)},
                 page="/account/two-step-login/passkeys")
    assert "Save your recovery code" in saved.text
    post(visitor, "/logout", page="/vault")

    second = visitor.log_in(email, PASSWORD)
    assert second.url.endswith("/login/two-step") and "Use passkey" in second.text
    refused = post(visitor, "/login/two-step", {"method": "webauthn", "assertion": "{}"}, page="/login/two-step")
    assert refused.status_code == 422 and "This passkey was not accepted." in refused.text
    login_options = post(visitor, "/login/two-step/passkey", page="/login/two-step").json()["options"]
    done = post(visitor, "/login/two-step", {"method": "webauthn", "assertion": key.assert_(login_options),
                                             "remember": "y"}, page="/login/two-step")
    assert done.status_code == 200 and "Log out" in done.text and "/login" not in done.url
    assert "custodian_device" in {cookie.name for cookie in visitor.http.cookies}
