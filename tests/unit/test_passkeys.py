"""Rules of passkeys as a two-step login method: adding keys (master password, name, limit, no key twice),
the log-in with one (challenge once, counter grows, origin and relying party checked), removing them."""
from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import text

from services.common.config import ConfigurationError, Settings
from services.common.database import utcnow
from services.common.errors import Conflict, Invalid, NotFound, TooManyAttempts
from services.identity import domain, models, passkeys, two_factor
from tests.unit.test_two_factor import (CONTEXT, KEYS, ada, auth_hash, challenge, published,  # noqa: F401 - fixture
                                        uow, user, with_authenticator)
from tests.webauthn_authenticator import SoftKey

RP = passkeys.RelyingParty("portal.example", "https://portal.example")


def options_for_new_key(uow, user_id, password_hash=None) -> dict:
    with uow() as unit:
        return two_factor.start_passkey(unit, unit.get(models.User, user_id), password_hash or auth_hash(), RP,
                                        utcnow())


def add(uow, user_id, name: str, answer: str, now=None):
    with uow() as unit:
        return two_factor.add_passkey(unit, unit.get(models.User, user_id), name, answer, RP, now or utcnow(), CONTEXT)


def with_key(uow, user_id, name="Blue key") -> SoftKey:
    key = SoftKey(RP.origin)
    add(uow, user_id, name, key.register(options_for_new_key(uow, user_id)))
    return key


def login_options(uow, started, now=None) -> dict:
    with uow() as unit:
        return two_factor.passkey_login_options(unit, KEYS, started.challenge, RP, now or utcnow())


def pass_with(uow, started, answer: str, now=None, remember=False):
    with uow() as unit:
        return two_factor.second_step(unit, KEYS, started.challenge, "webauthn", answer, remember, now or utcnow(),
                                      CONTEXT, RP)


def stored_keys(uow, user_id) -> list[models.PasskeyCredential]:
    with uow() as unit:
        return passkeys.keys_of(unit, unit.get(models.User, user_id))


# --- adding keys ---------------------------------------------------------------------------------

def test_a_named_key_turns_two_step_login_on_with_a_recovery_code_the_first_time_only(uow, ada):
    options = options_for_new_key(uow, ada)
    assert options["rp"] == {"id": "portal.example", "name": "Custodian"}
    assert options["user"]["name"] == "ada@example.com" and options["excludeCredentials"] == []
    assert options["attestation"] == "none"
    first = SoftKey(RP.origin)
    recovery = add(uow, ada, "  Blue   key ", first.register(options))
    assert len(recovery.replace(" ", "")) == 32
    assert two_factor.methods_on(user(uow, ada)) == ["webauthn"]
    [key] = stored_keys(uow, ada)
    assert key.name == "Blue key" and key.transports == ["usb"] and key.sign_count == 0
    assert published(uow, "user.two_factor_updated") == [{"user_id": ada, "method": "webauthn"}]
    with uow() as unit:
        assert domain.two_factor_status(unit, [ada]) == {ada: True}

    second_options = options_for_new_key(uow, ada)
    assert [c["id"] for c in second_options["excludeCredentials"]] == [key.credential_id]
    assert add(uow, ada, "Green key", SoftKey(RP.origin).register(second_options)) is None
    assert [k.name for k in stored_keys(uow, ada)] == ["Blue key", "Green key"]


def test_a_key_is_read_only_after_the_master_password(uow, ada):
    with pytest.raises(two_factor.WrongMasterPassword):
        options_for_new_key(uow, ada, auth_hash(password="not the password"))
    with uow() as unit:
        assert unit.session.execute(text("SELECT count(*) FROM passkey_challenges")).scalar() == 0


@pytest.mark.parametrize("name, code", [("", "passkey.name_missing"), ("   ", "passkey.name_missing"),
                                        ("x" * 51, "passkey.name_too_long"), ("BLUE KEY", "passkey.name_taken"),
                                        ("Blue\u202ekey", "name.invalid_characters")])
def test_a_key_needs_a_name_of_its_own_and_a_refused_name_keeps_the_key_read(uow, ada, name, code):
    with_key(uow, ada, "Blue key")
    key = SoftKey(RP.origin)
    answer = key.register(options_for_new_key(uow, ada))
    with pytest.raises((Invalid, Conflict)) as refused:
        add(uow, ada, name, answer)
    assert refused.value.code == code and refused.value.field == "name"
    add(uow, ada, "x" * 50, answer)  # the same answer, a good name: the challenge was kept
    assert len(stored_keys(uow, ada)) == 2


def test_a_sixth_key_is_refused_before_it_is_read_and_when_it_is_saved(uow, ada):
    for number in range(4):
        with_key(uow, ada, f"Key {number}")
    waiting = options_for_new_key(uow, ada)
    with_key(uow, ada, "Key 5")  # in another tab, meanwhile
    with pytest.raises(Conflict) as refused:
        options_for_new_key(uow, ada)
    assert refused.value.code == "passkey.too_many" and refused.value.params == {"most": 5}
    with pytest.raises(Conflict) as refused:
        add(uow, ada, "Key 6", SoftKey(RP.origin).register(waiting))
    assert refused.value.code == "passkey.too_many"
    assert len(stored_keys(uow, ada)) == 5


def test_a_key_registered_already_is_refused_on_any_account(uow, ada):
    key = with_key(uow, ada, "Blue key")
    with pytest.raises(Conflict) as refused:
        add(uow, ada, "Blue again", key.register(options_for_new_key(uow, ada)))
    assert refused.value.code == "passkey.already_registered"
    assert len(stored_keys(uow, ada)) == 1


def test_a_registration_answers_its_challenge_once_for_five_minutes_from_this_origin_only(uow, ada):
    for bad in (lambda options: SoftKey("https://evil.example").register(options),
                lambda options: SoftKey(RP.origin).register(options, rp_id="evil.example")):
        options = options_for_new_key(uow, ada)
        with pytest.raises(passkeys.PasskeyNotRead):
            add(uow, ada, "Blue key", bad(options))
        with pytest.raises(passkeys.PasskeyNotRead):  # a refused answer used its challenge up
            add(uow, ada, "Blue key", SoftKey(RP.origin).register(options))
    with pytest.raises(passkeys.PasskeyNotRead):
        add(uow, ada, "Blue key", SoftKey(RP.origin).register(options_for_new_key(uow, ada)),
            utcnow() + timedelta(minutes=6))
    fresh = options_for_new_key(uow, ada)
    replaced = options_for_new_key(uow, ada)  # asking again replaces the live challenge
    with pytest.raises(passkeys.PasskeyNotRead):
        add(uow, ada, "Blue key", SoftKey(RP.origin).register(fresh))
    add(uow, ada, "Blue key", SoftKey(RP.origin).register(replaced))
    for nonsense in ("", "{}", "[1]", json.dumps({"id": "x", "rawId": "x", "type": "public-key",
                                                  "response": {"clientDataJSON": "!!", "attestationObject": ""}})):
        with pytest.raises(passkeys.PasskeyNotRead):
            add(uow, ada, "Green key", nonsense)
    assert [k.name for k in stored_keys(uow, ada)] == ["Blue key"]


# --- the log-in ----------------------------------------------------------------------------------

def test_a_key_logs_in_once_per_challenge_and_its_counter_is_stored(uow, ada):
    key = with_key(uow, ada)
    started = challenge(uow)
    assert started.methods == ["webauthn", "recovery_code"]
    options = login_options(uow, started)
    assert options["rpId"] == "portal.example"
    assert [c["id"] for c in options["allowCredentials"]] == [stored_keys(uow, ada)[0].credential_id]
    answer = key.assert_(options, count=0)  # a key that keeps no counter: only the challenge stops a replay
    passed = pass_with(uow, started, answer, remember=True)
    assert passed.user.id == ada and passed.remember_token
    [stored] = stored_keys(uow, ada)
    assert stored.sign_count == 0 and stored.last_used_at is not None
    assert published(uow, "user.logged_in") == [{"user_id": ada}]

    again = challenge(uow)
    login_options(uow, again)
    with pytest.raises(passkeys.PasskeyRefused):
        pass_with(uow, again, answer)  # replayed: its challenge was used
    assert published(uow, "user.two_factor_failed") == [{"user_id": ada, "method": "webauthn"}]


def test_a_counter_that_does_not_grow_is_refused_as_a_cloned_key(uow, ada):
    key = with_key(uow, ada)
    started = challenge(uow)
    pass_with(uow, started, key.assert_(login_options(uow, started), count=7))
    started = challenge(uow)
    with pytest.raises(passkeys.PasskeyRefused):
        pass_with(uow, started, key.assert_(login_options(uow, started), count=7))
    started = challenge(uow)
    assert pass_with(uow, started, key.assert_(login_options(uow, started), count=8)).user.id == ada
    assert stored_keys(uow, ada)[0].sign_count == 8


def test_a_key_that_keeps_no_counter_keeps_working(uow, ada):
    key = with_key(uow, ada)
    for _ in range(2):
        started = challenge(uow)
        assert pass_with(uow, started, key.assert_(login_options(uow, started), count=0)).user.id == ada


def test_another_origin_another_key_or_an_expired_challenge_is_refused_and_counted(uow, ada):
    key = with_key(uow, ada)
    stranger = SoftKey(RP.origin)
    now = utcnow()
    for answer_of in (lambda o: key.assert_(o, origin="https://evil.example"), stranger.assert_,
                      lambda o: key.assert_({**o, "rpId": "evil.example"}), lambda o: "not json"):
        started = challenge(uow)
        with pytest.raises(passkeys.PasskeyRefused):
            pass_with(uow, started, answer_of(login_options(uow, started, now)), now)
    started = challenge(uow)
    late = key.assert_(login_options(uow, started, now - timedelta(minutes=6)))
    with pytest.raises(passkeys.PasskeyRefused):
        pass_with(uow, started, late, now)
    assert len(published(uow, "user.two_factor_failed")) == 5
    started = challenge(uow)
    with pytest.raises(TooManyAttempts):  # the fifth failure locked the second step, even for a right key
        pass_with(uow, started, key.assert_(login_options(uow, started, now)), now)


def test_log_in_options_need_a_live_challenge_and_passkeys_on(uow, ada):
    with_authenticator(uow, ada)
    with pytest.raises(two_factor.MethodNotOn):
        login_options(uow, challenge(uow))
    with pytest.raises(Invalid):
        pass_with(uow, challenge(uow), "{}")  # not a method of this account: not counted
    with uow() as unit, pytest.raises(two_factor.ChallengeExpired):
        two_factor.passkey_login_options(unit, KEYS, "forged.challenge", RP, utcnow())


# --- removing keys -------------------------------------------------------------------------------

def test_removing_needs_the_master_password_and_the_last_key_turns_passkeys_off(uow, ada):
    with_key(uow, ada, "Blue key")
    with_key(uow, ada, "Green key")
    blue, green = stored_keys(uow, ada)
    epoch = user(uow, ada).two_factor_epoch

    def remove(key_id, password_hash=None):
        with uow() as unit:
            return two_factor.remove_passkey(unit, unit.get(models.User, ada), key_id, password_hash or auth_hash(),
                                             utcnow(), CONTEXT)

    with pytest.raises(two_factor.WrongMasterPassword):
        remove(blue.id, auth_hash(password="not it"))
    with pytest.raises(NotFound):
        remove("no-such-key")
    assert remove(blue.id) is True
    assert [k.name for k in stored_keys(uow, ada)] == ["Green key"] and user(uow, ada).recovery_code_hash
    assert remove(green.id) is False
    after = user(uow, ada)
    assert two_factor.methods_on(after) == [] and after.recovery_code_hash is None
    assert after.two_factor_epoch == epoch + 1
    assert published(uow, "user.two_factor_disabled") == [{"user_id": ada, "method": "webauthn"}]
    assert isinstance(challenge(uow), models.User)  # no second step any more


def test_removing_the_last_key_keeps_the_other_methods_and_the_recovery_code(uow, ada):
    with_authenticator(uow, ada)
    with_key(uow, ada)
    [key] = stored_keys(uow, ada)
    with uow() as unit:
        two_factor.remove_passkey(unit, unit.get(models.User, ada), key.id, auth_hash(), utcnow(), CONTEXT)
    assert two_factor.methods_on(user(uow, ada)) == ["authenticator"] and user(uow, ada).recovery_code_hash


def test_the_recovery_code_removes_every_key(uow, ada):
    with_key(uow, ada)
    with uow() as unit:
        recovery = two_factor.new_recovery_code(unit, unit.get(models.User, ada), auth_hash(), utcnow(), CONTEXT)
    with uow() as unit:
        two_factor.second_step(unit, KEYS, challenge(uow).challenge, "recovery_code", recovery, False, utcnow(),
                               CONTEXT, RP)
    assert stored_keys(uow, ada) == [] and two_factor.methods_on(user(uow, ada)) == []


# --- where passkeys work -------------------------------------------------------------------------

SECRETS = {"CUSTODIAN_INTERNAL_SECRET": "s" * 40, "IDENTITY_SERVICE_KEY": "k" * 40}


@pytest.mark.parametrize("public_url, rp_id, origin", [
    ("https://vault.example.com", "vault.example.com", "https://vault.example.com"),
    ("https://Vault.Example.com:8443/", "vault.example.com", "https://vault.example.com:8443"),
    ("http://127.0.0.1:8000", "localhost", "http://localhost:8000"),  # browsers refuse an IP address
    ("http://[::1]:8000", "localhost", "http://localhost:8000"),
])
def test_the_relying_party_is_the_public_urls_host_and_origin(public_url, rp_id, origin):
    settings = Settings.from_env("identity", {**SECRETS, "CUSTODIAN_PUBLIC_URL": public_url})
    assert (settings.webauthn_rp_id, settings.webauthn_origin) == (rp_id, origin)


def test_the_relying_party_may_be_a_parent_domain_and_nothing_else():
    env = {**SECRETS, "CUSTODIAN_PUBLIC_URL": "https://vault.example.com"}
    assert Settings.from_env("identity", {**env, "WEBAUTHN_RP_ID": "Example.com"}).webauthn_rp_id == "example.com"
    for other in ("ample.com", "other.example", "vault.example.com.evil"):
        with pytest.raises(ConfigurationError, match="WEBAUTHN_RP_ID"):
            Settings.from_env("identity", {**env, "WEBAUTHN_RP_ID": other})
