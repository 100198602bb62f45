"""Rules of two-step login: TOTP, codes by email, the recovery code, remembered devices, the second step."""
from __future__ import annotations

import base64
import json
from datetime import timedelta

import pytest
from sqlalchemy import text
from sqlmodel import select

from gateway import keyring
from gateway.crypto import KdfParams
from services.common.database import utcnow
from services.common.errors import Invalid, TooManyAttempts
from services.identity import domain, models, two_factor
from services.identity import two_factor_codes as codes
from services.identity import two_factor_secrets as secret
from services.identity.models import IdentityTable

CONTEXT = {"actorid": None, "ip": None, "devicetype": "web", "traceparent": None}
KDF = KdfParams("pbkdf2", 5000)
PASSWORD = "a long enough passphrase"
KEYS = secret.service_keys(b"k" * 48)


@pytest.fixture
def uow(make_uow):
    return make_uow(models, IdentityTable)


def auth_hash(email="ada@example.com", password=PASSWORD) -> str:
    return keyring.log_in_hash(email, password, KDF)[0]


@pytest.fixture
def ada(uow):
    account = keyring.new_account("ada@example.com", PASSWORD, KDF)
    with uow() as unit:
        return domain.register(unit, domain.Registration(**account.as_registration("ada@example.com", "Ada")),
                               5000, CONTEXT).id


def user(uow, user_id) -> models.User:
    with uow() as unit:
        return unit.get(models.User, user_id)


def published(uow, event_type: str) -> list[dict]:
    with uow() as unit:
        rows = unit.scalars(select(models.OutboxMessage).where(
            models.OutboxMessage.subject == f"identity.{event_type}")).all()
    return [json.loads(row.payload)["data"] for row in rows]


def with_authenticator(uow, user_id, now=None) -> tuple[bytes, str]:
    """Ada's authenticator app on: its seed and her recovery code."""
    now = now or utcnow()
    with uow() as unit:
        setup = two_factor.start_authenticator(unit, unit.get(models.User, user_id), KEYS)
    seed = base64.b32decode(setup.secret)
    with uow() as unit:
        recovery = two_factor.turn_on_authenticator(unit, unit.get(models.User, user_id),
                                                    secret.totp(seed, secret.time_step(now) - 1), KEYS, now, CONTEXT)
    return seed, recovery


def challenge(uow, remember_token=None):
    with uow() as unit:
        return domain.log_in(unit, "ada@example.com", auth_hash(), None, CONTEXT, remember_token, KEYS)


def second_step(uow, started, method, code, now=None, remember=False):
    with uow() as unit:
        return two_factor.second_step(unit, KEYS, started.challenge, method, code, remember, now or utcnow(), CONTEXT)


# --- TOTP ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("moment, expected", [
    (59, "94287082"), (1111111109, "07081804"), (1111111111, "14050471"), (1234567890, "89005924"),
    (2000000000, "69279037"), (20000000000, "65353130")])
def test_totp_codes_are_the_rfc_6238_sha1_test_vectors(moment, expected):
    assert secret.totp(b"12345678901234567890", secret.time_step(moment), digits=8) == expected


def test_the_authenticator_is_on_only_after_a_right_code_and_its_seed_is_sealed_at_rest(uow, ada, make_uow):
    with uow() as unit:
        setup = two_factor.start_authenticator(unit, unit.get(models.User, ada), KEYS)
    assert len(base64.b32decode(setup.secret)) == 20
    assert setup.uri.startswith("otpauth://totp/Custodian:ada%40example.com?secret=")
    assert "issuer=Custodian" in setup.uri
    with uow() as unit, pytest.raises(two_factor.WrongCode):
        two_factor.turn_on_authenticator(unit, unit.get(models.User, ada), "000000", KEYS, utcnow(), CONTEXT)
    assert two_factor.methods_on(user(uow, ada)) == []
    seed, recovery = with_authenticator(uow, ada)
    assert two_factor.methods_on(user(uow, ada)) == ["authenticator"]
    assert len(recovery.replace(" ", "")) == 32 and recovery.count(" ") == 7
    assert published(uow, "user.two_factor_updated") == [{"user_id": ada, "method": "authenticator"}]
    with uow() as unit:
        row = repr(tuple(unit.session.execute(text("SELECT * FROM users")).one()))
        assert base64.b32encode(seed).decode() not in row and seed.hex() not in row
        assert recovery.replace(" ", "") not in row


def test_a_sealed_seed_copied_to_another_account_opens_nothing(uow, ada):
    sealed = secret.seal_seed(KEYS, ada, secret.new_seed())
    from cryptography.exceptions import InvalidTag
    with pytest.raises(InvalidTag):
        secret.open_seed(KEYS, "someone-else", sealed)
    with pytest.raises(InvalidTag):
        secret.open_seed(secret.service_keys(b"x" * 48), ada, sealed)


# --- the second step ----------------------------------------------------------------------------

def test_with_two_step_login_on_the_password_alone_gives_a_challenge_not_the_keys(uow, ada):
    with_authenticator(uow, ada)
    started = challenge(uow)
    assert isinstance(started, two_factor.SecondStepRequired)
    assert started.methods == ["authenticator", "recovery_code"]
    assert published(uow, "user.logged_in") == []


def test_a_right_code_logs_in_once_and_the_same_code_is_refused_afterwards(uow, ada):
    seed, _ = with_authenticator(uow, ada, utcnow() - timedelta(minutes=2))
    now = utcnow()
    code = secret.totp(seed, secret.time_step(now))
    started = challenge(uow)
    passed = second_step(uow, started, "authenticator", code, now)
    assert passed.user.id == ada and passed.remember_token is None and not passed.recovered
    assert published(uow, "user.logged_in") == [{"user_id": ada}]
    with pytest.raises(two_factor.ChallengeExpired):
        second_step(uow, started, "authenticator", secret.totp(seed, secret.time_step(now) + 1), now)
    with pytest.raises(two_factor.WrongCode):
        second_step(uow, challenge(uow), "authenticator", code, now)
    assert published(uow, "user.two_factor_failed") == [{"user_id": ada, "method": "authenticator"}]


@pytest.mark.parametrize("offset, accepted", [(-2, False), (-1, True), (0, True), (1, True), (2, False)])
def test_a_code_of_the_step_next_to_the_current_one_is_accepted_not_further(uow, ada, offset, accepted):
    seed, _ = with_authenticator(uow, ada, utcnow() - timedelta(minutes=5))
    now = utcnow()
    code = secret.totp(seed, secret.time_step(now) + offset)
    if accepted:
        assert second_step(uow, challenge(uow), "authenticator", code, now).user.id == ada
    else:
        with pytest.raises(two_factor.WrongCode):
            second_step(uow, challenge(uow), "authenticator", code, now)


def wrong_code(seed: bytes, now) -> str:
    near = {secret.totp(seed, secret.time_step(now) + offset) for offset in (-1, 0, 1)}
    return next(code for code in ("000000", "111111", "222222", "333333") if code not in near)


def test_five_wrong_codes_lock_the_second_step_for_fifteen_minutes(uow, ada):
    seed, _ = with_authenticator(uow, ada, utcnow() - timedelta(minutes=5))
    now = utcnow()
    for _ in range(5):
        with pytest.raises(two_factor.WrongCode):
            second_step(uow, challenge(uow), "authenticator", wrong_code(seed, now), now)
    assert len(published(uow, "user.two_factor_failed")) == 5
    later = now + timedelta(minutes=3)
    with pytest.raises(TooManyAttempts) as refused:
        second_step(uow, challenge(uow), "authenticator", secret.totp(seed, secret.time_step(later)), later)
    assert "Try again in 12 minutes" in refused.value.message
    assert len(published(uow, "user.two_factor_failed")) == 5  # a locked attempt is not even looked at


def test_the_lock_ends_after_fifteen_minutes(uow, ada):
    seed, _ = with_authenticator(uow, ada, utcnow() - timedelta(minutes=5))
    now = utcnow()
    with uow() as unit:
        for _ in range(5):
            codes.count_failure(unit, f"two-factor:{ada}", now - timedelta(minutes=16))
        unit.commit()
    assert second_step(uow, challenge(uow), "authenticator", secret.totp(seed, secret.time_step(now)), now).user


def test_forged_tampered_and_expired_challenges_are_refused(uow, ada):
    seed, _ = with_authenticator(uow, ada, utcnow() - timedelta(minutes=2))
    started = challenge(uow)
    body, _, mac = started.challenge.partition(".")
    claims = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    forged = secret.sign(secret.service_keys(b"z" * 48), "challenge", claims)
    other_body = base64.urlsafe_b64encode(json.dumps({**claims, "u": "x"}).encode()).rstrip(b"=").decode()
    as_remember = secret.sign(KEYS, "remember-device", claims)
    now = utcnow()
    code = secret.totp(seed, secret.time_step(now))
    for token in (forged, f"{other_body}.{mac}", as_remember, "", "a.b.c"):
        with uow() as unit, pytest.raises(two_factor.ChallengeExpired):
            two_factor.second_step(unit, KEYS, token, "authenticator", code, False, now, CONTEXT)
    with pytest.raises(two_factor.ChallengeExpired):
        second_step(uow, started, "authenticator", code, now + timedelta(minutes=6))
    assert published(uow, "user.two_factor_failed") == []


def test_a_method_that_is_off_is_refused_without_counting_a_failure(uow, ada):
    with_authenticator(uow, ada)
    with pytest.raises(Invalid):
        second_step(uow, challenge(uow), "email", "123456")
    assert published(uow, "user.two_factor_failed") == []


# --- recovery code ------------------------------------------------------------------------------

def test_the_recovery_code_logs_in_once_turns_everything_off_and_forgets_devices(uow, ada):
    seed, recovery = with_authenticator(uow, ada)
    now = utcnow()
    remembered = second_step(uow, challenge(uow), "authenticator", secret.totp(seed, secret.time_step(now)),
                             now, remember=True).remember_token
    epoch = user(uow, ada).two_factor_epoch
    passed = second_step(uow, challenge(uow), "recovery_code", recovery.lower().replace(" ", "-"))
    assert passed.recovered and passed.remember_token is None
    after = user(uow, ada)
    assert two_factor.methods_on(after) == [] and after.recovery_code_hash is None
    assert after.two_factor_epoch == epoch + 1
    assert published(uow, "user.two_factor_recovered") == [{"user_id": ada}]
    assert isinstance(challenge(uow), models.User)  # no second step any more
    seed, new_recovery = with_authenticator(uow, ada)
    assert new_recovery != recovery
    with pytest.raises(two_factor.WrongCode):
        second_step(uow, challenge(uow), "recovery_code", recovery)
    with uow() as unit:
        assert not two_factor.remembers(unit.get(models.User, ada), KEYS, remembered, utcnow())


def test_a_new_recovery_code_needs_the_master_password_and_replaces_the_old_one(uow, ada):
    _seed, first = with_authenticator(uow, ada)
    with uow() as unit, pytest.raises(two_factor.WrongMasterPassword):
        two_factor.new_recovery_code(unit, unit.get(models.User, ada), auth_hash(password="wrong"), utcnow(), CONTEXT)
    with uow() as unit:
        second = two_factor.new_recovery_code(unit, unit.get(models.User, ada), auth_hash(), utcnow(), CONTEXT)
    assert second != first
    with pytest.raises(two_factor.WrongCode):
        second_step(uow, challenge(uow), "recovery_code", first)
    assert second_step(uow, challenge(uow), "recovery_code", second).recovered


# --- remembered devices -------------------------------------------------------------------------

def test_a_remembered_device_skips_the_second_step_until_the_epoch_moves(uow, ada):
    seed, _ = with_authenticator(uow, ada, utcnow() - timedelta(minutes=2))
    now = utcnow()
    token = second_step(uow, challenge(uow), "authenticator", secret.totp(seed, secret.time_step(now)), now,
                        remember=True).remember_token
    assert isinstance(challenge(uow, token), models.User)
    body, _, mac = token.partition(".")
    assert isinstance(challenge(uow, f"{body}x.{mac}"), two_factor.SecondStepRequired)
    assert isinstance(challenge(uow, secret.sign(KEYS, "challenge", {"u": ada, "e": 0, "exp": 2**40})),
                      two_factor.SecondStepRequired)
    with uow() as unit:
        ada_now = unit.get(models.User, ada)
        assert not two_factor.remembers(ada_now, KEYS, token, now + timedelta(days=31))
        assert two_factor.remembers(ada_now, KEYS, token, now + timedelta(days=29))
        two_factor.forget_devices(unit, ada_now)
    assert isinstance(challenge(uow, token), two_factor.SecondStepRequired)


def test_turning_a_method_off_needs_the_master_password_and_forgets_devices(uow, ada):
    seed, _ = with_authenticator(uow, ada, utcnow() - timedelta(minutes=2))
    now = utcnow()
    token = second_step(uow, challenge(uow), "authenticator", secret.totp(seed, secret.time_step(now)), now,
                        remember=True).remember_token
    with uow() as unit, pytest.raises(two_factor.WrongMasterPassword):
        two_factor.turn_off(unit, unit.get(models.User, ada), "authenticator", "wrong", now, CONTEXT)
    assert two_factor.methods_on(user(uow, ada)) == ["authenticator"]
    with uow() as unit:
        two_factor.turn_off(unit, unit.get(models.User, ada), "authenticator", auth_hash(), now, CONTEXT)
    assert two_factor.methods_on(user(uow, ada)) == [] and user(uow, ada).recovery_code_hash is None
    assert published(uow, "user.two_factor_disabled") == [{"user_id": ada, "method": "authenticator"}]
    with uow() as unit:
        assert not two_factor.remembers(unit.get(models.User, ada), KEYS, token, now)
        assert domain.two_factor_status(unit, [ada]) == {ada: False}


# --- codes by email -----------------------------------------------------------------------------

def test_codes_by_email_are_hashed_single_use_and_expire(uow, ada):
    mailed = []
    now = utcnow()
    with uow() as unit:
        two_factor.start_email(unit, unit.get(models.User, ada), KEYS, now, mailed.append)
    with uow() as unit:
        stored = repr(unit.session.execute(text("SELECT * FROM email_codes")).all())
        assert mailed[0] not in stored
        with pytest.raises(TooManyAttempts):
            two_factor.start_email(unit, unit.get(models.User, ada), KEYS, now, mailed.append)
    with uow() as unit, pytest.raises(two_factor.WrongCode):
        two_factor.turn_on_email(unit, unit.get(models.User, ada), "1" + mailed[0][1:] if mailed[0][0] != "1"
                                 else "2" + mailed[0][1:], KEYS, now, CONTEXT)
    with uow() as unit:
        assert two_factor.turn_on_email(unit, unit.get(models.User, ada), mailed[0], KEYS, now, CONTEXT)
    with uow() as unit:
        assert domain.two_factor_status(unit, [ada]) == {ada: True}

    started = challenge(uow)
    with uow() as unit:
        two_factor.mail_login_code(unit, KEYS, started.challenge, now - timedelta(minutes=11),
                                   lambda to, code: mailed.append(code))
    with pytest.raises(two_factor.WrongCode):
        second_step(uow, started, "email", mailed[-1], now)  # mailed eleven minutes ago: expired
    with uow() as unit:
        two_factor.mail_login_code(unit, KEYS, started.challenge, now, lambda to, code: mailed.append(code))
    assert second_step(uow, started, "email", mailed[-1], now).user.id == ada
    with pytest.raises(two_factor.WrongCode):
        second_step(uow, challenge(uow), "email", mailed[-1], now)  # used
