"""Passkeys and security keys (WebAuthn) as a two-step login method: their options, the checks of
what a browser answers, the keys' names and limits (ADR 22). No Flask here.

Identity verifies everything with py_webauthn; the gateway only relays JSON. A challenge is good
once: the registration or assertion answering it deletes it by a conditional DELETE whose row
count decides, as for the other single-use codes of ADR 9. A key's signature counter, when it
keeps one, must grow: the new value is stored by a conditional UPDATE, so that two assertions
racing with the same counter cannot both pass. Turning the method on and off, the recovery code
and the events are two_factor's, as for the other methods.
"""
from __future__ import annotations

import binascii
import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, update
from sqlmodel import select
from webauthn import (base64url_to_bytes, generate_authentication_options, generate_registration_options,
                      options_to_json, verify_authentication_response, verify_registration_response)
from webauthn.helpers import (bytes_to_base64url, parse_authentication_credential_json, parse_client_data_json,
                              parse_registration_credential_json)
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (AttestationConveyancePreference, AuthenticatorSelectionCriteria,
                                      AuthenticatorTransport, PublicKeyCredentialDescriptor, ResidentKeyRequirement,
                                      UserVerificationRequirement)

from services.common.errors import Conflict, Invalid, NotFound, Unauthenticated
from services.common.validation import clean_name

from .models import PasskeyChallenge, PasskeyCredential, User

MOST_KEYS = 5  # as Bitwarden allows
NAME_MOST = 50
CHALLENGE_LIFETIME = timedelta(minutes=5)
TIMEOUT_MS = 120_000  # what the browser gives the person to touch their key
REGISTER, LOGIN = "register", "login"
_UNREADABLE = (WebAuthnException, ValueError, TypeError, KeyError, binascii.Error)


@dataclass(frozen=True)
class RelyingParty:
    """Who the keys are made for: the portal's host (or a parent domain of it) and its origin."""

    id: str
    origin: str
    name: str = "Custodian"


class PasskeyRefused(Unauthenticated):
    """An assertion at log-in that does not verify: unknown key, wrong origin, replayed or expired."""

    code = "passkey.refused"
    template = "This passkey was not accepted. Try again, or use another method."

    def __init__(self):
        super().__init__(field="assertion")


class PasskeyNotRead(Invalid):
    """A registration that does not verify, or whose challenge is unknown, expired or used."""

    code = "passkey.not_read"
    template = "The key could not be read, or its answer expired. Press Read key and try again."

    def __init__(self):
        super().__init__(field="credential")


# --- what is registered ---------------------------------------------------------------------------

def keys_of(uow, user: User) -> list[PasskeyCredential]:
    """The user's keys, oldest first."""
    return list(uow.scalars(select(PasskeyCredential).where(PasskeyCredential.user_id == user.id)
                            .order_by(PasskeyCredential.created_at, PasskeyCredential.id)).all())


def listed(key: PasskeyCredential) -> dict:
    """A key as the settings show it (never its public key or credential id)."""
    return {"id": key.id, "name": key.name, "created_at": key.created_at.isoformat(),
            "last_used_at": key.last_used_at.isoformat() if key.last_used_at else None}


def key_name(uow, user: User, value: str) -> str:
    """A new key's name, cleaned: required, at most 50 characters, not the name of another key of the user."""
    name = clean_name(value or "")
    if not name:
        raise Invalid("Name the key, so that you can tell it from your others.", "name", code="passkey.name_missing")
    if len(name) > NAME_MOST:
        raise Invalid("A key's name must be %(most)s characters or fewer.", "name", code="passkey.name_too_long",
                      most=NAME_MOST)
    taken = uow.first(select(PasskeyCredential.id).where(PasskeyCredential.user_id == user.id,
                                                         func.lower(PasskeyCredential.name) == name.lower()))
    if taken is not None:
        raise Conflict("You already have a key named %(name)s. Choose another name.", "name",
                       code="passkey.name_taken", name=name)
    return name


def refuse_if_full(uow, user: User) -> None:
    """Conflict when the user has five keys already."""
    if len(keys_of(uow, user)) >= MOST_KEYS:
        raise Conflict("You already have %(most)s passkeys, the most an account can have. Remove one first.",
                       "name", code="passkey.too_many", most=MOST_KEYS)


# --- challenges -----------------------------------------------------------------------------------

def _new_challenge(uow, user: User, purpose: str, now: datetime) -> bytes:
    # One live challenge per user and purpose: asking again replaces it.
    challenge = secrets.token_bytes(32)
    row = uow.get(PasskeyChallenge, (user.id, purpose)) or PasskeyChallenge(user_id=user.id, purpose=purpose)
    row.challenge, row.expires_at = bytes_to_base64url(challenge), now + CHALLENGE_LIFETIME
    uow.add(row)
    return challenge


def _consumed(uow, user: User, purpose: str, client_data_json: bytes, now: datetime) -> bytes | None:
    """The challenge the browser signed, if it is the user's live one for `purpose`: used up by this call."""
    challenge = bytes_to_base64url(parse_client_data_json(client_data_json).challenge)
    used = uow.session.execute(delete(PasskeyChallenge).where(
        PasskeyChallenge.user_id == user.id, PasskeyChallenge.purpose == purpose,
        PasskeyChallenge.challenge == challenge, PasskeyChallenge.expires_at > now)).rowcount == 1
    return base64url_to_bytes(challenge) if used else None


def _descriptors(keys: list[PasskeyCredential]) -> list[PublicKeyCredentialDescriptor]:
    known = {transport.value for transport in AuthenticatorTransport}
    return [PublicKeyCredentialDescriptor(
        id=base64url_to_bytes(key.credential_id),
        transports=[AuthenticatorTransport(t) for t in key.transports or [] if t in known] or None) for key in keys]


# --- registration ---------------------------------------------------------------------------------

def registration_options(uow, user: User, rp: RelyingParty, now: datetime) -> dict:
    """What navigator.credentials.create() needs (JSON, bytes in base64url); its challenge is kept.

    The user's keys are excluded, so the browser itself refuses one registered already. The
    caller has checked the master password and commits."""
    refuse_if_full(uow, user)
    options = generate_registration_options(
        rp_id=rp.id, rp_name=rp.name, user_id=user.id.encode(), user_name=user.email,
        user_display_name=user.name or user.email, challenge=_new_challenge(uow, user, REGISTER, now),
        timeout=TIMEOUT_MS, attestation=AttestationConveyancePreference.NONE,
        # A second step, not a log-in without password: no resident key, user verification if the key can.
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.DISCOURAGED,
            user_verification=UserVerificationRequirement.PREFERRED),
        exclude_credentials=_descriptors(keys_of(uow, user)))
    return json.loads(options_to_json(options))


def register(uow, user: User, name: str, credential: dict | str, rp: RelyingParty, now: datetime) -> PasskeyCredential:
    """Verify the browser's answer to the live registration challenge and add the key (not committed).

    The name and the limit are checked first, so that a refused name keeps the challenge: the
    person corrects the name and saves again without reading the key again. A challenge that
    was answered is used up even when the answer does not verify (the caller commits that)."""
    name = key_name(uow, user, name)
    refuse_if_full(uow, user)
    try:
        parsed = parse_registration_credential_json(credential)
        challenge = _consumed(uow, user, REGISTER, parsed.response.client_data_json, now)
        if challenge is None:
            raise PasskeyNotRead()
        verified = verify_registration_response(credential=parsed, expected_challenge=challenge,
                                                expected_rp_id=rp.id, expected_origin=rp.origin)
    except _UNREADABLE as error:
        raise PasskeyNotRead() from error
    credential_id = bytes_to_base64url(verified.credential_id)
    if len(credential_id) > 1400 or uow.first(select(PasskeyCredential.id).where(
            PasskeyCredential.credential_id == credential_id)) is not None:
        raise Conflict("This key is already registered. Use another key.", "credential",
                       code="passkey.already_registered")
    key = PasskeyCredential(user_id=user.id, credential_id=credential_id, name=name, created_at=now,
                            public_key=bytes_to_base64url(verified.credential_public_key),
                            sign_count=verified.sign_count,
                            transports=[t.value for t in parsed.response.transports or []])
    uow.add(key)
    return key


def remove(uow, user: User, key_id: str) -> int:
    """Delete one of the user's keys (not committed); how many are left."""
    key = uow.get(PasskeyCredential, key_id)
    if key is None or key.user_id != user.id:
        raise NotFound("No such passkey.", code="passkey.not_found")
    uow.session.delete(key)
    uow.flush()
    return len(keys_of(uow, user))


def forget_all(uow, user: User) -> None:
    """Every key and challenge of the user goes (the recovery code turned two-step login off)."""
    uow.session.execute(delete(PasskeyCredential).where(PasskeyCredential.user_id == user.id))
    uow.session.execute(delete(PasskeyChallenge).where(PasskeyChallenge.user_id == user.id))


# --- the log-in -----------------------------------------------------------------------------------

def authentication_options(uow, user: User, rp: RelyingParty, now: datetime) -> dict:
    """What navigator.credentials.get() needs to sign with one of the user's keys; its challenge is kept."""
    options = generate_authentication_options(
        rp_id=rp.id, challenge=_new_challenge(uow, user, LOGIN, now), timeout=TIMEOUT_MS,
        allow_credentials=_descriptors(keys_of(uow, user)),
        user_verification=UserVerificationRequirement.PREFERRED)
    return json.loads(options_to_json(options))


def assertion_is_good(uow, user: User, assertion: dict | str, rp: RelyingParty, now: datetime) -> bool:
    """Whether `assertion` is a signature by one of the user's keys of their live log-in challenge,
    from this portal's origin, with a counter that grew. The challenge is used up either way."""
    try:
        parsed = parse_authentication_credential_json(assertion)
        challenge = _consumed(uow, user, LOGIN, parsed.response.client_data_json, now)
        key = uow.first(select(PasskeyCredential).where(PasskeyCredential.user_id == user.id,
                                                        PasskeyCredential.credential_id == parsed.id))
        if challenge is None or key is None:
            return False
        verified = verify_authentication_response(
            credential=parsed, expected_challenge=challenge, expected_rp_id=rp.id, expected_origin=rp.origin,
            credential_public_key=base64url_to_bytes(key.public_key), credential_current_sign_count=key.sign_count)
    except _UNREADABLE:
        return False
    # Only if nobody stored another counter meanwhile: a cloned key racing the original loses.
    return uow.session.execute(update(PasskeyCredential).where(
        PasskeyCredential.id == key.id, PasskeyCredential.sign_count == key.sign_count)
        .values(sign_count=verified.new_sign_count, last_used_at=now)).rowcount == 1
