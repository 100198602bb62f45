"""Rules of accounts and log-in."""
from __future__ import annotations

from datetime import timedelta

import pytest
from argon2 import extract_parameters

from gateway import keyring
from gateway.crypto import KdfParams
from services.common.config import PasswordHashing
from services.common.errors import Invalid, TooManyAttempts
from services.identity import domain, models
from services.identity.models import IdentityTable, LoginThrottle

CONTEXT = {"actorid": None, "ip": None, "devicetype": "web", "traceparent": None}
KDF = KdfParams("pbkdf2", 5000)


@pytest.fixture
def uow(make_uow):
    return make_uow(models, IdentityTable)


def registration(email="ada@example.com", password="a long enough passphrase", **changes) -> domain.Registration:
    account = keyring.new_account(email, password, KDF)
    values = {**account.as_registration(email, "Ada"), **changes}
    return domain.Registration(**values)


def auth_hash(email="ada@example.com", password="a long enough passphrase") -> str:
    return keyring.log_in_hash(email, password, KDF)[0]


def test_identity_stores_a_slow_hash_never_the_master_password_hash(uow):
    with uow() as unit:
        user = domain.register(unit, registration(), 5000, CONTEXT)
    assert user.auth_hash.startswith("$argon2id$")
    assert auth_hash() not in user.auth_hash


@pytest.mark.parametrize("changes, field", [
    ({"email": "not an email"}, "email"), ({"name": " "}, "name"), ({"name": "n" * 51}, "name"),
    ({"kdf_iterations": 4999}, "kdf_iterations"), ({"kdf": "md5"}, "kdf"),
    ({"protected_user_key": "plaintext-key"}, "protected_user_key"), ({"public_key": "short"}, "public_key"),
])
def test_a_bad_registration_is_refused_with_the_field_named(uow, changes, field):
    with uow() as unit, pytest.raises(Invalid) as refusal:
        domain.register(unit, registration(**changes), 5000, CONTEXT)
    assert refusal.value.field == field


def test_an_email_is_registered_once_whatever_its_case(uow):
    with uow() as unit:
        domain.register(unit, registration(), 5000, CONTEXT)
    with uow() as unit, pytest.raises(domain.EmailTaken):
        domain.register(unit, registration(email="ADA@example.com"), 5000, CONTEXT)


def test_prelogin_answers_the_same_shape_for_unknown_emails(uow):
    with uow() as unit:
        domain.register(unit, registration(), 5000, CONTEXT)
    with uow() as unit:
        known = domain.prelogin(unit, "ada@example.com")
        unknown = domain.prelogin(unit, "nobody@example.com")
    assert known["kdf_iterations"] == 5000 and set(known) == set(unknown)


def _fail(uow, email: str, ip: str | None, times: int = 1) -> None:
    for _ in range(times):
        with uow() as unit, pytest.raises(domain.WrongCredentials):
            domain.log_in(unit, email, "wrong", ip, CONTEXT)


def test_five_failures_from_one_address_slow_that_address_down_even_for_the_right_password(uow):
    with uow() as unit:
        domain.register(unit, registration(), 5000, CONTEXT)
    _fail(uow, "ada@example.com", "192.0.2.1", domain.PAIR_FREE_FAILURES)
    with uow() as unit, pytest.raises(TooManyAttempts) as slowed:
        domain.log_in(unit, "ada@example.com", auth_hash(), "192.0.2.1", CONTEXT)
    assert 1 <= slowed.value.retry_after <= 5
    with uow() as unit:  # the owner, elsewhere, is not locked out by one stranger
        assert domain.log_in(unit, "ada@example.com", auth_hash(), "198.51.100.7", CONTEXT).email == "ada@example.com"


def test_an_account_guessed_from_many_addresses_is_slowed_down_everywhere(uow):
    with uow() as unit:
        domain.register(unit, registration(), 5000, CONTEXT)
    for number in range(domain.ACCOUNT_FREE_FAILURES):
        _fail(uow, "ada@example.com", f"192.0.2.{number + 1}")
    with uow() as unit, pytest.raises(TooManyAttempts):
        domain.log_in(unit, "ada@example.com", auth_hash(), "198.51.100.7", CONTEXT)


def test_the_block_ends_and_a_success_forgets_the_failures(uow):
    with uow() as unit:
        domain.register(unit, registration(), 5000, CONTEXT)
    _fail(uow, "ada@example.com", None, domain.ACCOUNT_FREE_FAILURES)
    with uow() as unit:
        row = unit.get(LoginThrottle, "account:ada@example.com")
        row.blocked_until = row.blocked_until - timedelta(minutes=1)
        unit.add(row)
        unit.commit()
    with uow() as unit:
        assert domain.log_in(unit, "ada@example.com", auth_hash(), None, CONTEXT).email == "ada@example.com"
    with uow() as unit:
        assert unit.get(LoginThrottle, "account:ada@example.com") is None


def test_an_address_guessing_many_accounts_gets_no_second_guess_at_any(uow):
    for number in range(domain.IP_FREE_FAILURES):
        _fail(uow, f"guess{number}@example.com", "192.0.2.99")
    with uow() as unit, pytest.raises(TooManyAttempts):
        domain.log_in(unit, "guess0@example.com", "wrong", "192.0.2.99", CONTEXT)


def test_an_address_wide_block_never_refuses_the_right_password_of_an_account_not_under_attack(uow):
    with uow() as unit:
        domain.register(unit, registration(), 5000, CONTEXT)
    for number in range(domain.IP_FREE_FAILURES + 12):
        _fail(uow, f"guess{number}@example.com", "192.0.2.99")
    with uow() as unit:
        assert domain.log_in(unit, "ada@example.com", auth_hash(), "192.0.2.99", CONTEXT).email == "ada@example.com"


def test_two_step_login_is_on_only_with_an_enabled_method(uow):
    with uow() as unit:
        plain = domain.register(unit, registration(), 5000, CONTEXT)
    with uow() as unit:
        guarded = domain.register(unit, registration(email="bob@example.com"), 5000, CONTEXT)
    with uow() as unit:
        row = unit.get(models.User, guarded.id)
        row.two_factor_providers = {"authenticator": {"enabled": True}, "email": {"enabled": False}}
        unit.add(row)
        unit.commit()
    with uow() as unit:
        assert domain.two_factor_status(unit, [plain.id, guarded.id]) == {plain.id: False, guarded.id: True}


def test_a_hash_stored_at_another_cost_logs_in_and_is_remade_at_this_processs_cost(uow):
    with uow() as unit:
        user = domain.register(unit, registration(), 5000, CONTEXT)
        user.auth_hash = PasswordHashing(2, 64, 2).hasher().hash(auth_hash())
        unit.add(user)
        unit.commit()
        user_id = user.id
    with uow() as unit:
        assert domain.log_in(unit, "ada@example.com", auth_hash(), None, CONTEXT).email == "ada@example.com"
    with uow() as unit:
        stored = unit.get(models.User, user_id).auth_hash
    assert extract_parameters(stored).time_cost == PasswordHashing.from_env().time_cost
    assert not domain._HASHER.check_needs_rehash(stored)
