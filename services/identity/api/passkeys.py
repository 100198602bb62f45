"""Passkeys as a two-step login method: one's keys, adding and removing one, and the options of a
log-in's second step. The browser's answers arrive as the JSON it made, relayed by the gateway."""
from __future__ import annotations

from pydantic import Field

from services.common.database import utcnow
from services.common.schemas import StrictBody
from services.common.service_app import acting_user, event_context, settings, unit_of_work

from .. import domain, passkeys, two_factor
from . import bp
from .two_factor import ChallengeIn, MasterPasswordIn, _keys, relying_party

ANSWER_MOST = 16_000  # a registration or assertion as JSON: a few hundred bytes to a few kilobytes


class PasskeyIn(StrictBody):
    name: str = Field(max_length=1000)
    credential: str = Field(max_length=ANSWER_MOST)  # what navigator.credentials.create() gave, as JSON


@bp.get("/me/two-factor/webauthn")
def my_passkeys():
    """The caller's keys (names and dates only) and how many an account may have."""
    with unit_of_work() as uow:
        user = domain.user_by_id(uow, acting_user())
        return {"keys": [passkeys.listed(key) for key in passkeys.keys_of(uow, user)], "most": passkeys.MOST_KEYS,
                "origin": settings().webauthn_origin}


@bp.post("/me/two-factor/webauthn/registration")
@bp.input(MasterPasswordIn)
def start_passkey(json_data: MasterPasswordIn):
    """The options of navigator.credentials.create() for a new key, once the master password is right."""
    with unit_of_work() as uow:
        options = two_factor.start_passkey(uow, domain.user_by_id(uow, acting_user()),
                                           json_data.master_password_hash, relying_party(), utcnow())
    return {"options": options}


@bp.post("/me/two-factor/webauthn")
@bp.input(PasskeyIn)
def add_passkey(json_data: PasskeyIn):
    """Add the key just read, under its name; the recovery code if this turned two-step login on."""
    with unit_of_work() as uow:
        code = two_factor.add_passkey(uow, domain.user_by_id(uow, acting_user()), json_data.name,
                                      json_data.credential, relying_party(), utcnow(), event_context())
    return {"recovery_code": code}, 201


@bp.post("/me/two-factor/webauthn/<key_id>/remove")
@bp.input(MasterPasswordIn)
def remove_passkey(key_id: str, json_data: MasterPasswordIn):
    """Remove one of the caller's keys (the master password again); the last one turns passkeys off."""
    with unit_of_work() as uow:
        still_on = two_factor.remove_passkey(uow, domain.user_by_id(uow, acting_user()), key_id[:36],
                                             json_data.master_password_hash, utcnow(), event_context())
    return {"removed": key_id, "on": still_on}


@bp.post("/sessions/two-factor/webauthn")
@bp.input(ChallengeIn)
def log_in_options(json_data: ChallengeIn):
    """The options of navigator.credentials.get() for the second step of this log-in."""
    with unit_of_work() as uow:
        options = two_factor.passkey_login_options(uow, _keys(), json_data.challenge, relying_party(), utcnow())
    return {"options": options}
