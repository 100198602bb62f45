"""The rules of two-step login: turning methods on and off, the recovery code, remembered
devices, and the second step of a log-in. No Flask here.

The secrets themselves (TOTP, sealing, signing, hashing) are in two_factor_secrets; single-use
codes and the throttle of wrong ones in two_factor_codes; what is particular to passkeys
(WebAuthn options and verification, the keys' names and limit) in passkeys. A log-in challenge,
like a code, is good once: the second step that succeeds deletes it by a conditional DELETE.
"""
from __future__ import annotations

import base64
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable

from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, update
from sqlalchemy.exc import IntegrityError

from services.common.config import PasswordHashing
from services.common.envelope import Event
from services.common.errors import Conflict, DomainError, Invalid, Unauthenticated

from . import passkeys
from . import two_factor_codes as codes
from . import two_factor_secrets as secret
from .models import LoginChallenge, User
from .two_factor_secrets import ServiceKeys, service_keys  # noqa: F401 - the API builds keys from here

AUTHENTICATOR, EMAIL, RECOVERY_CODE, WEBAUTHN = "authenticator", "email", "recovery_code", "webauthn"
# What a person turns on, in the order the second step offers them: a passkey first, as Bitwarden does.
METHODS = (WEBAUTHN, AUTHENTICATOR, EMAIL)
TURNED_OFF_AS_ONE = (AUTHENTICATOR, EMAIL)  # passkeys go off with their last key
CHALLENGE_LIFETIME = timedelta(minutes=5)
REMEMBER_LIFETIME = timedelta(days=30)
_HASHER = PasswordHashing.from_env().hasher()  # only verifies: a hash carries its own cost


class WrongCode(Unauthenticated):
    """The code is wrong, expired or already used (which of these is never said)."""

    code = "two_factor.wrong_code"
    template = "This code is not right, has expired or was already used. Try again."

    def __init__(self, field: str = "code"):
        super().__init__(field=field)


class ChallengeExpired(Unauthenticated):
    """The log-in waiting for its second step is unknown, expired or already finished."""

    code = "login.challenge_expired"
    template = "This log-in has expired. Log in again with your master password."


class WrongMasterPassword(Unauthenticated):
    """A change of two-step login was asked with a wrong master password."""

    code = "master_password.wrong"
    template = "This is not your master password."

    def __init__(self):
        super().__init__(field="master_password")


class MethodNotOn(Conflict):
    """The method named is off for this account."""


class AlreadyOn(Conflict):
    """The method is already on."""


@dataclass(frozen=True)
class SecondStepRequired:
    """The master password was right; the keys wait for the second step."""

    user_id: str
    methods: list[str]
    challenge: str


@dataclass(frozen=True)
class SecondStepPassed:
    """The second step succeeded: the account, and a token remembering this device if asked."""

    user: User
    remember_token: str | None
    recovered: bool


@dataclass(frozen=True)
class AuthenticatorSetup:
    """What the person copies into their authenticator app."""

    secret: str  # base32, as authenticator apps expect it typed
    uri: str  # otpauth://, what the QR code carries


# --- what is on -------------------------------------------------------------------------------

def _entry(user: User, method: str) -> dict:
    entry = (user.two_factor_providers or {}).get(method)
    return entry if isinstance(entry, dict) else {}


def methods_on(user: User) -> list[str]:
    """The methods this user has turned on."""
    return [method for method in METHODS if _entry(user, method).get("enabled")]


def login_methods(user: User) -> list[str]:
    """What the second step of this user's log-in may use."""
    return methods_on(user) + ([RECOVERY_CODE] if user.recovery_code_hash else [])


def overview(user: User) -> dict:
    """This user's two-step login as their settings page shows it."""
    on = methods_on(user)
    return {"on": bool(on), "methods": {method: method in on for method in METHODS},
            "recovery_code": bool(user.recovery_code_hash), "email": user.email}


def _with(user: User, method: str, entry: dict | None) -> None:
    # A new dict, so that the JSON column sees the change.
    providers = {k: v for k, v in (user.two_factor_providers or {}).items() if k != method}
    if entry is not None:
        providers[method] = entry
    user.two_factor_providers = providers


def _first_recovery_code(user: User) -> str | None:
    # Made when two-step login is first turned on, and shown that once.
    if user.recovery_code_hash:
        return None
    code = secret.new_recovery_code()
    user.recovery_code_hash = secret.recovery_code_hash(code)
    return code


def _event(type_: str, user: User, context: dict, **data) -> Event:
    return Event(type_, {"user_id": user.id, **data}, subject=user.id, **context)


# --- proving it is the user -------------------------------------------------------------------

def _settings_key(user: User) -> str:
    # Apart from the log-in's: a person fumbling a setup does not lock their own log-in.
    return f"two-factor-settings:{user.id}"


def check_master_password(uow, user: User, master_password_hash: str, now: datetime) -> None:
    """WrongMasterPassword unless the hash is the user's, counted under the settings' throttle."""
    def matches() -> bool:
        try:
            return _HASHER.verify(user.auth_hash, master_password_hash or "")
        except (VerificationError, InvalidHashError):
            return False
    codes.require(uow, _settings_key(user), now, matches, WrongMasterPassword())


# --- the settings of one's own account ----------------------------------------------------------

def start_authenticator(uow, user: User, keys: ServiceKeys) -> AuthenticatorSetup:
    """A new seed, kept sealed and off until a code of it is entered."""
    if AUTHENTICATOR in methods_on(user):
        raise AlreadyOn("The authenticator app is already on. Turn it off first to use another one.",
                        code="two_factor.authenticator_already_on_setup")
    seed = secret.new_seed()
    _with(user, AUTHENTICATOR, {"enabled": False, "seed": secret.seal_seed(keys, user.id, seed)})
    user.authenticator_last_step = None
    uow.add(user)
    uow.commit()
    return _setup(user, seed)


def authenticator_setup(user: User, keys: ServiceKeys) -> AuthenticatorSetup:
    """The setup under way (its seed is shown until it is turned on, never after)."""
    entry = _entry(user, AUTHENTICATOR)
    if entry.get("enabled") or not entry.get("seed"):
        raise MethodNotOn("No authenticator app setup is under way. Start again from Two-step login.",
                          code="two_factor.no_setup_under_way")
    return _setup(user, secret.open_seed(keys, user.id, entry["seed"]))


def _setup(user: User, seed: bytes) -> AuthenticatorSetup:
    return AuthenticatorSetup(base64.b32encode(seed).decode(), secret.otpauth_uri(user.email, seed))


def turn_on_authenticator(uow, user: User, code: str, keys: ServiceKeys, now: datetime, context: dict) -> str | None:
    """Turn the app on once it shows a right code; the recovery code if this is the first method."""
    if AUTHENTICATOR in methods_on(user):
        raise AlreadyOn("The authenticator app is already on.", code="two_factor.authenticator_already_on")
    authenticator_setup(user, keys)
    entry = _entry(user, AUTHENTICATOR)
    codes.require(uow, _settings_key(user), now,
                  lambda: codes.authenticator_code_is_good(uow, user, code, keys, now, entry.get("seed")), WrongCode())
    return _turned_on(uow, user, AUTHENTICATOR, {**entry, "enabled": True}, context)


def start_email(uow, user: User, keys: ServiceKeys, now: datetime, send: Callable[[str], None]) -> None:
    """Mail a code to the account's address: entering it proves the mail arrives."""
    if EMAIL in methods_on(user):
        raise AlreadyOn("Codes by email are already on.", code="two_factor.email_already_on")
    codes.mail_code(uow, user, "setup", keys, now, send)


def turn_on_email(uow, user: User, code: str, keys: ServiceKeys, now: datetime, context: dict) -> str | None:
    """Turn codes by email on with the code just mailed; the recovery code if this is the first method."""
    if EMAIL in methods_on(user):
        raise AlreadyOn("Codes by email are already on.", code="two_factor.email_already_on")
    codes.require(uow, _settings_key(user), now,
                  lambda: codes.email_code_is_good(uow, user, "setup", code, keys, now), WrongCode())
    return _turned_on(uow, user, EMAIL, {"enabled": True}, context)


def _turned_on(uow, user: User, method: str, entry: dict, context: dict) -> str | None:
    _with(user, method, entry)
    recovery_code = _first_recovery_code(user)
    uow.add(user)
    uow.publish(_event("user.two_factor_updated", user, context, method=method))
    uow.commit()
    return recovery_code


def turn_off(uow, user: User, method: str, master_password_hash: str, now: datetime, context: dict) -> None:
    """Turn a method off (the master password again); remembered devices are forgotten."""
    if method not in TURNED_OFF_AS_ONE:
        raise Invalid("Choose the authenticator app or codes by email.", "method", code="two_factor.method_invalid")
    check_master_password(uow, user, master_password_hash, now)
    if method not in methods_on(user):
        raise (MethodNotOn("The authenticator app is already off.", code="two_factor.authenticator_already_off")
               if method == AUTHENTICATOR else
               MethodNotOn("Codes by email are already off.", code="two_factor.email_already_off"))
    _turned_off(uow, user, method, context)


def _turned_off(uow, user: User, method: str, context: dict) -> None:
    _with(user, method, None)
    if method == AUTHENTICATOR:
        user.authenticator_last_step = None
    if not methods_on(user):
        user.recovery_code_hash = None  # turning two-step login on again makes and shows a new one
    user.two_factor_epoch += 1
    uow.add(user)
    uow.publish(_event("user.two_factor_disabled", user, context, method=method))
    uow.commit()


# --- passkeys -----------------------------------------------------------------------------------

def start_passkey(uow, user: User, master_password_hash: str, rp: passkeys.RelyingParty, now: datetime) -> dict:
    """The options of navigator.credentials.create() for a new key, once the master password is right."""
    check_master_password(uow, user, master_password_hash, now)
    options = passkeys.registration_options(uow, user, rp, now)
    uow.commit()
    return options


def add_passkey(uow, user: User, name: str, credential: dict | str, rp: passkeys.RelyingParty, now: datetime,
                context: dict) -> str | None:
    """Add the key the browser just read (its challenge proves the master password was typed);
    the recovery code if this turned two-step login on."""
    try:
        passkeys.register(uow, user, name, credential, rp, now)
        uow.flush()
    except IntegrityError as error:  # the same key saved by another request meanwhile
        uow.session.rollback()
        raise Conflict("This key is already registered. Use another key.", "credential",
                       code="passkey.already_registered") from error
    except DomainError:
        uow.commit()  # a challenge that was answered stays used, even when the answer is refused
        raise
    return _turned_on(uow, user, WEBAUTHN, {"enabled": True}, context)


def remove_passkey(uow, user: User, key_id: str, master_password_hash: str, now: datetime, context: dict) -> bool:
    """Remove a key (the master password again); the last one turns passkeys off. Whether they are still on."""
    check_master_password(uow, user, master_password_hash, now)
    if passkeys.remove(uow, user, key_id):
        uow.add(user)
        uow.publish(_event("user.two_factor_updated", user, context, method=WEBAUTHN))
        uow.commit()
        return True
    _turned_off(uow, user, WEBAUTHN, context)
    return False


def passkey_login_options(uow, keys: ServiceKeys, challenge: str, rp: passkeys.RelyingParty, now: datetime) -> dict:
    """The options of navigator.credentials.get() for the log-in under way, whose account has passkeys on."""
    user, _nonce = _challenged(uow, keys, challenge, now)
    if WEBAUTHN not in methods_on(user):
        raise MethodNotOn("Passkeys are off for this account. Choose another method.", code="two_factor.passkey_off")
    options = passkeys.authentication_options(uow, user, rp, now)
    uow.commit()
    return options


def new_recovery_code(uow, user: User, master_password_hash: str, now: datetime, context: dict) -> str:
    """A new recovery code (the master password again); the old one stops working."""
    check_master_password(uow, user, master_password_hash, now)
    if not methods_on(user):
        raise MethodNotOn("Turn on a two-step login method first: the recovery code is what turns it off.",
                          code="two_factor.recovery_code_needs_method")
    code = secret.new_recovery_code()
    user.recovery_code_hash = secret.recovery_code_hash(code)
    uow.add(user)
    uow.publish(_event("user.two_factor_updated", user, context, method=RECOVERY_CODE))
    uow.commit()
    return code


def forget_devices(uow, user: User) -> None:
    """Every remembered device asks for the second step again."""
    user.two_factor_epoch += 1
    uow.add(user)
    uow.commit()


# --- the log-in ---------------------------------------------------------------------------------

def remember_device(user: User, keys: ServiceKeys, now: datetime) -> str:
    """A token that lets a device skip the second step for 30 days, until the user's epoch moves."""
    return secret.sign(keys, "remember-device", {
        "u": user.id, "d": secrets.token_urlsafe(12), "e": user.two_factor_epoch,
        "exp": int((now + REMEMBER_LIFETIME).timestamp())})


def remembers(user: User, keys: ServiceKeys, token: str | None, now: datetime) -> bool:
    """Whether `token` is a live remember token of this user in their current epoch."""
    claims = secret.verified(keys, "remember-device", token, now)
    return bool(claims) and claims.get("u") == user.id and claims.get("e") == user.two_factor_epoch


def second_step_required(uow, user: User, keys: ServiceKeys, remember_token: str | None,
                         now: datetime) -> SecondStepRequired | None:
    """After a right master password: the challenge of the second step, or None if none is due."""
    if not methods_on(user) or remembers(user, keys, remember_token, now):
        return None
    uow.session.execute(delete(LoginChallenge).where(LoginChallenge.user_id == user.id,
                                                     LoginChallenge.expires_at < now))
    nonce = secrets.token_urlsafe(24)
    uow.add(LoginChallenge(id=nonce, user_id=user.id, expires_at=now + CHALLENGE_LIFETIME))
    challenge = secret.sign(keys, "challenge", {"u": user.id, "n": nonce,
                                                "exp": int((now + CHALLENGE_LIFETIME).timestamp())})
    return SecondStepRequired(user.id, login_methods(user), challenge)


def _challenged(uow, keys: ServiceKeys, challenge: str, now: datetime) -> tuple[User, str]:
    claims = secret.verified(keys, "challenge", challenge, now)
    row = uow.get(LoginChallenge, str(claims.get("n"))) if claims else None
    if row is None or row.user_id != claims.get("u") or codes.aware(row.expires_at) <= now:
        raise ChallengeExpired()
    user = uow.get(User, row.user_id)
    if user is None:
        raise ChallengeExpired()
    return user, row.id


def mail_login_code(uow, keys: ServiceKeys, challenge: str, now: datetime, send: Callable[[str, str], None]) -> None:
    """Mail a log-in code to the challenged user, whose codes by email are on."""
    user, _nonce = _challenged(uow, keys, challenge, now)
    if EMAIL not in methods_on(user):
        raise MethodNotOn("Codes by email are off for this account. Choose another method.",
                          code="two_factor.email_off")
    codes.mail_code(uow, user, "login", keys, now, lambda code: send(user.email, code))


def _code_is_good(uow, user: User, method: str, code: str, keys: ServiceKeys, now: datetime,
                  rp: passkeys.RelyingParty | None) -> bool:
    if method == WEBAUTHN:
        return rp is not None and passkeys.assertion_is_good(uow, user, code, rp, now)
    if method == AUTHENTICATOR:
        return codes.authenticator_code_is_good(uow, user, code, keys, now, _entry(user, AUTHENTICATOR).get("seed"))
    if method == EMAIL:
        return codes.email_code_is_good(uow, user, "login", code, keys, now)
    typed = secret.recovery_code_hash(code)
    if not hmac.compare_digest(user.recovery_code_hash or "", typed):
        return False
    # Used once: everything of two-step login goes with it, and every remembered device.
    if uow.session.execute(
            update(User).where(User.id == user.id, User.recovery_code_hash == typed)
            .values(recovery_code_hash=None, two_factor_providers={}, authenticator_last_step=None,
                    two_factor_epoch=User.two_factor_epoch + 1)).rowcount != 1:
        return False
    passkeys.forget_all(uow, user)
    return True


def second_step(uow, keys: ServiceKeys, challenge: str, method: str, code: str, remember: bool, now: datetime,
                context: dict, rp: passkeys.RelyingParty | None = None) -> SecondStepPassed:
    """Finish a log-in with its second step (for a passkey, `code` is the browser's assertion as JSON);
    a wrong code or assertion is counted, published and refused."""
    user, nonce = _challenged(uow, keys, challenge, now)
    if method not in login_methods(user):
        raise Invalid("This method of two-step login is not on for your account. Choose another.", "method",
                      code="two_factor.method_not_on")
    refusal = (passkeys.PasskeyRefused() if method == WEBAUTHN
               else WrongCode(field="recovery_code" if method == RECOVERY_CODE else "code"))
    codes.require(uow, f"two-factor:{user.id}", now, lambda: _code_is_good(uow, user, method, code, keys, now, rp),
                  refusal, _event("user.two_factor_failed", user, context, method=method))
    if uow.session.execute(delete(LoginChallenge).where(LoginChallenge.id == nonce)).rowcount != 1:
        raise ChallengeExpired()  # another request finished this log-in first; nothing is committed
    as_user = {**context, "actorid": user.id}
    recovered = method == RECOVERY_CODE
    if recovered:
        uow.session.refresh(user)
        uow.publish(_event("user.two_factor_recovered", user, as_user))
    uow.publish(_event("user.logged_in", user, as_user))
    token = remember_device(user, keys, now) if remember and not recovered else None
    uow.commit()
    return SecondStepPassed(user, token, recovered)
