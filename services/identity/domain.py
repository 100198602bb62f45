"""The rules of accounts and log-in. No Flask here.

Identity receives the *master password hash* (derived in the gateway), never the master
password, and stores only a slow argon2id hash of it. Log-in failures say the same thing
whether or not the email exists, and take about as long.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from services.common.config import PasswordHashing
from services.common.database import utcnow
from services.common.envelope import Event
from services.common.errors import Conflict, Invalid, NotFound, TooManyAttempts, Unauthenticated
from services.common.validation import clean_name, normalize_email, require_encstring, require_public_key

from . import two_factor
from .models import LoginThrottle, User

# Its cost is a setting (ARGON2_*, `Settings.password_hashing`), read once per process: production
# strength by default, the cheapest under test. Hashes made at another cost still verify, and are
# remade at this one when their owner next logs in.
_HASHER = PasswordHashing.from_env().hasher()
# Verified against when the email is unknown, so both answers cost the same time.
_DECOY_HASH = _HASHER.hash("decoy master password hash, never a real one")

DEFAULT_KDF = {"kdf": "pbkdf2", "kdf_iterations": 600_000, "kdf_memory_mib": None, "kdf_parallelism": None}
# Failures allowed before a block (ADR 0003): of one account from one address, of one account from
# anywhere (it is under attack: even its right password waits), of one address over all accounts.
PAIR_FREE_FAILURES = 5
ACCOUNT_FREE_FAILURES = 10
IP_FREE_FAILURES = 20
FAILURE_MEMORY = timedelta(minutes=15)
MAX_BLOCK_SECONDS = 15 * 60


class EmailTaken(Conflict):
    """An account already uses this email."""

    code = "account.email_taken"


class WrongCredentials(Unauthenticated):
    """Wrong email or master password (which of the two is never said)."""

    code = "login.wrong_credentials"
    template = "Wrong email address or master password."


@dataclass(frozen=True)
class Registration:
    """What the gateway sends to open an account: no password, only derived values."""

    email: str
    name: str
    kdf: str
    kdf_iterations: int
    kdf_memory_mib: int | None
    kdf_parallelism: int | None
    master_password_hash: str
    protected_user_key: str
    public_key: str
    encrypted_private_key: str
    language: str | None = None  # the language the portal spoke when the account was made


# The languages identity writes its mail in; anyone else's mail is in English.
MAIL_LANGUAGES = ("en", "fr")


def mail_language(value: str | None) -> str | None:
    """`value` if identity writes mail in it, else None (English then)."""
    return value if value in MAIL_LANGUAGES else None


def set_language(uow, user_id: str, language: str) -> User:
    """Remember the language the person chose in the portal, for the mail sent to them."""
    user = uow.get(User, user_id)
    if user is None:
        raise NotFound("No such user.", code="user.not_found")
    user.language = mail_language(language)
    uow.add(user)
    uow.commit()
    return user


def _kdf_params(registration: Registration, min_iterations: int) -> dict:
    if registration.kdf == "pbkdf2":
        if not min_iterations <= registration.kdf_iterations <= 2_000_000:
            raise Invalid("PBKDF2 needs %(least)s to %(most)s iterations.", "kdf_iterations",
                          code="kdf.pbkdf2_out_of_range", least=min_iterations, most=2_000_000)
        return {"kdf": "pbkdf2", "kdf_iterations": registration.kdf_iterations,
                "kdf_memory_mib": None, "kdf_parallelism": None}
    if registration.kdf == "argon2id":
        if not (1 <= registration.kdf_iterations <= 10 and 16 <= (registration.kdf_memory_mib or 0) <= 1024
                and 1 <= (registration.kdf_parallelism or 0) <= 16):
            raise Invalid("Argon2id needs 1-10 iterations, 16-1024 MiB and parallelism 1-16.", "kdf",
                          code="kdf.argon2_out_of_range")
        return {"kdf": "argon2id", "kdf_iterations": registration.kdf_iterations,
                "kdf_memory_mib": registration.kdf_memory_mib, "kdf_parallelism": registration.kdf_parallelism}
    raise Invalid("The key derivation function must be pbkdf2 or argon2id.", "kdf", code="kdf.unknown")


def person_name(value: str) -> str:
    """A person's display name, cleaned (see `clean_name`); Invalid when empty or too long."""
    name = clean_name(value)
    if not name:
        raise Invalid("Enter your name.", "name", code="account.name_missing")
    if len(name) > 50:
        raise Invalid("Your name must be 50 characters or fewer.", "name", code="account.name_too_long")
    return name


def register(uow, registration: Registration, min_iterations: int, context: dict) -> User:
    """Open an account from values the gateway derived from the master password."""
    email = normalize_email(registration.email)
    name = person_name(registration.name)
    params = _kdf_params(registration, min_iterations)
    if not registration.master_password_hash or len(registration.master_password_hash) > 200:
        raise Invalid("master_password_hash is missing.", "master_password_hash", code="master_password.hash_missing")
    if uow.first(select(User.id).where(User.email == email)) is not None:
        raise EmailTaken("An account with this email address already exists. Log in instead.", "email",
                         code="account.email_taken")
    user = User(email=email, name=name, auth_hash=_HASHER.hash(registration.master_password_hash),
                protected_user_key=require_encstring(registration.protected_user_key, 2, "protected_user_key"),
                public_key=require_public_key(registration.public_key),
                encrypted_private_key=require_encstring(registration.encrypted_private_key, 2,
                                                        "encrypted_private_key"),
                language=mail_language(registration.language), **params)
    uow.add(user)
    uow.publish(Event("user.registered", {"user_id": user.id, "email": email, "name": name},
                      subject=user.id, **context))
    try:
        uow.commit()
    except IntegrityError as error:
        raise EmailTaken("An account with this email address already exists. Log in instead.", "email",
                         code="account.email_taken") from error
    return user


def prelogin(uow, email: str) -> dict:
    """The KDF parameters to derive this email's master key (defaults for unknown emails)."""
    user = uow.first(select(User).where(User.email == (email or "").strip().lower()))
    if user is None:
        return dict(DEFAULT_KDF)
    return {"kdf": user.kdf, "kdf_iterations": user.kdf_iterations, "kdf_memory_mib": user.kdf_memory_mib,
            "kdf_parallelism": user.kdf_parallelism}


def _aware(moment: datetime | None) -> datetime | None:
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment


@dataclass(frozen=True)
class _Throttle:
    """The counters one log-in attempt is judged by and counted in."""

    account: tuple[str, int]
    pair: tuple[str, int] | None = None  # this account from this address
    address: tuple[str, int] | None = None

    @classmethod
    def of(cls, email: str, ip: str | None) -> "_Throttle":
        account = (f"account:{email}", ACCOUNT_FREE_FAILURES)
        if not ip:
            return cls(account)
        # Hashed and cut so that a long email and an IPv6 address still fit the key's 300 characters.
        pair = "account_ip:" + hashlib.sha256(f"{email}|{ip}".encode()).hexdigest()
        return cls(account, (pair, PAIR_FREE_FAILURES), (f"ip:{ip[:64]}", IP_FREE_FAILURES))

    def keys(self) -> list[tuple[str, int]]:
        """Every counter with its free failures."""
        return [key for key in (self.account, self.pair, self.address) if key]

    def own_keys(self) -> list[str]:
        """The counters of this account (from anywhere, and from this address)."""
        return [counter[0] for counter in (self.account, self.pair) if counter]


def _recent_failures(row: LoginThrottle | None, now: datetime) -> int:
    if row is None or (_aware(row.last_failure_at) and now - _aware(row.last_failure_at) > FAILURE_MEMORY):
        return 0
    return row.failures or 0


def _wait_until(row: LoginThrottle | None, now: datetime) -> int:
    blocked_until = _aware(row.blocked_until) if row else None
    return max(1, int((blocked_until - now).total_seconds() + 0.999)) if blocked_until and blocked_until > now else 0


def _refuse_if_blocked(uow, throttle: _Throttle, now: datetime) -> None:
    """TooManyAttempts while the account, or this address on this account, is blocked.

    A blocked address (one guessing many accounts) loses only its guesses at accounts it has
    already failed on: behind a shared proxy or NAT, a colleague's right password still opens
    an account that nobody is guessing (ADR 0003)."""
    waits = [_wait_until(uow.get(LoginThrottle, key), now) for key in throttle.own_keys()]
    if throttle.address:
        address_wait = _wait_until(uow.get(LoginThrottle, throttle.address[0]), now)
        if address_wait and _recent_failures(uow.get(LoginThrottle, throttle.pair[0]), now):
            waits.append(address_wait)
    if any(waits):
        wait = max(waits)
        raise TooManyAttempts("Too many failed log-in attempts. Try again in %(wait)s seconds.", wait,
                              code="login.too_many_attempts", wait=wait)


def _record_failure(uow, throttle: _Throttle, now: datetime) -> None:
    for key, free in throttle.keys():
        row = uow.get(LoginThrottle, key) or LoginThrottle(key=key)
        row.failures = _recent_failures(row, now) + 1
        row.last_failure_at = now
        if row.failures >= free:
            row.blocked_until = now + timedelta(seconds=min(MAX_BLOCK_SECONDS, 5 * 2 ** (row.failures - free)))
        uow.add(row)


def log_in(uow, email: str, master_password_hash: str, ip: str | None, context: dict,
           remember_token: str | None = None,
           service_keys: two_factor.ServiceKeys | None = None) -> User | two_factor.SecondStepRequired:
    """The account if the master password hash matches; slowed down after repeated failures.

    With two-step login on (and no live remember token of this device), the keys wait: the
    answer is the challenge of the second step, and the log-in is published only after it.
    """
    email = (email or "").strip().lower()[:256]
    now = utcnow()
    throttle = _Throttle.of(email, ip)
    _refuse_if_blocked(uow, throttle, now)
    user = uow.first(select(User).where(User.email == email))
    try:
        _HASHER.verify(user.auth_hash if user else _DECOY_HASH, master_password_hash or "")
        matched = user is not None
    except (VerificationError, InvalidHashError):
        matched = False
    if not matched:
        _record_failure(uow, throttle, now)
        if user is not None:
            uow.publish(Event("user.login_failed", {"user_id": user.id}, subject=user.id, **context))
        uow.commit()
        raise WrongCredentials()
    for key in throttle.own_keys():  # the address's count stays: it may be guessing other accounts
        row = uow.get(LoginThrottle, key)
        if row is not None:
            uow.session.delete(row)
    if _HASHER.check_needs_rehash(user.auth_hash):
        user.auth_hash = _HASHER.hash(master_password_hash)
        uow.add(user)
    if two_factor.methods_on(user):
        if service_keys is None:
            raise ValueError("a user with two-step login on needs the service keys to log in")
        second_step = two_factor.second_step_required(uow, user, service_keys, remember_token, now)
        if second_step is not None:
            uow.commit()
            return second_step
    uow.publish(Event("user.logged_in", {"user_id": user.id}, subject=user.id, actorid=user.id,
                      **{k: v for k, v in context.items() if k != "actorid"}))
    uow.commit()
    return user


def user_by_id(uow, user_id: str) -> User:
    """The account with this id; NotFound otherwise."""
    user = uow.get(User, user_id)
    if user is None:
        raise NotFound("No such user.", code="user.not_found")
    return user


def user_by_email(uow, email: str) -> User:
    """The account with this email; NotFound otherwise."""
    user = uow.first(select(User).where(User.email == normalize_email(email)))
    if user is None:
        raise NotFound("No account uses this email address yet.", "email", code="account.no_such_email")
    return user


def two_factor_status(uow, user_ids: list[str]) -> dict[str, bool]:
    """Whether each of these users has an enabled two-step login method."""
    users = uow.scalars(select(User).where(User.id.in_(user_ids))).all() if user_ids else []
    return {user.id: bool(two_factor.methods_on(user)) for user in users}
