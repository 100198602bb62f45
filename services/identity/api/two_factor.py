"""Two-step login: the methods a user turns on, and the second step of a log-in."""
from __future__ import annotations

from typing import Literal

from pydantic import Field

from services.common.database import utcnow
from services.common.schemas import StrictBody
from services.common.service_app import acting_user, event_context, settings, unit_of_work

from .. import domain, mail, passkeys, two_factor
from . import bp
from .accounts import _account_json

PURPOSES = {"login": "to finish logging in", "setup": "to turn on two-step login by email"}


class SecondStepIn(StrictBody):
    challenge: str = Field(max_length=1000)
    method: Literal["authenticator", "email", "recovery_code", "webauthn"]
    code: str = Field(max_length=16_000)  # a passkey's assertion is JSON of a few kilobytes
    remember: bool = False


class ChallengeIn(StrictBody):
    challenge: str = Field(max_length=1000)


class CodeIn(StrictBody):
    code: str = Field(max_length=100)


class MasterPasswordIn(StrictBody):
    master_password_hash: str = Field(max_length=200)


def _keys() -> two_factor.ServiceKeys:
    return two_factor.service_keys(settings().service_key)


def relying_party() -> passkeys.RelyingParty:
    """The portal as passkeys know it, from this process's settings (CUSTODIAN_PUBLIC_URL, WEBAUTHN_RP_ID)."""
    return passkeys.RelyingParty(settings().webauthn_rp_id, settings().webauthn_origin)


def _mailer(purpose: str):
    """Send a code by the configured SMTP server; the code is in the mail and nowhere else."""
    def send(to: str, code: str) -> None:
        mail.send(settings(), to, "Your Custodian verification code",
                  f"Your verification code is {code}\n\n"
                  f"Enter it {PURPOSES[purpose]}. It works once, for 10 minutes.\n\n"
                  "If you did not ask for it, someone knows your master password: change it now.\n")
    return send


# --- the second step of a log-in (nobody is logged in yet) --------------------------------------

@bp.post("/sessions/two-factor")
@bp.input(SecondStepIn)
def finish_log_in(json_data: SecondStepIn):
    """Finish a log-in with a code or a passkey's assertion: the account (as `POST /sessions` answers it), a remember token
    when asked, and whether the recovery code turned two-step login off."""
    with unit_of_work() as uow:
        passed = two_factor.second_step(uow, _keys(), json_data.challenge, json_data.method, json_data.code,
                                        json_data.remember, utcnow(), event_context(), relying_party())
    return {**_account_json(passed.user), "remember_token": passed.remember_token,
            "two_factor_recovered": passed.recovered}


@bp.post("/sessions/two-factor/email")
@bp.input(ChallengeIn)
def mail_log_in_code(json_data: ChallengeIn):
    """Mail a code for the second step of this log-in."""
    with unit_of_work() as uow:
        two_factor.mail_login_code(uow, _keys(), json_data.challenge, utcnow(), _mailer("login"))
    return {"sent": True}, 202


# --- one's own settings -------------------------------------------------------------------------

@bp.get("/me/two-factor")
def overview():
    """Which methods are on, and whether a recovery code exists."""
    with unit_of_work() as uow:
        return two_factor.overview(domain.user_by_id(uow, acting_user()))


@bp.post("/me/two-factor/authenticator")
def start_authenticator():
    """Start setting up an authenticator app: a new secret, off until a code of it is entered."""
    with unit_of_work() as uow:
        setup = two_factor.start_authenticator(uow, domain.user_by_id(uow, acting_user()), _keys())
    return {"secret": setup.secret, "uri": setup.uri}, 201


@bp.get("/me/two-factor/authenticator")
def authenticator_setup():
    """The secret of the setup under way (never once the app is on)."""
    with unit_of_work() as uow:
        setup = two_factor.authenticator_setup(domain.user_by_id(uow, acting_user()), _keys())
    return {"secret": setup.secret, "uri": setup.uri}


@bp.post("/me/two-factor/authenticator/verify")
@bp.input(CodeIn)
def turn_on_authenticator(json_data: CodeIn):
    """Turn the authenticator app on with a code it shows; the recovery code, the first time only."""
    with unit_of_work() as uow:
        code = two_factor.turn_on_authenticator(uow, domain.user_by_id(uow, acting_user()), json_data.code,
                                                _keys(), utcnow(), event_context())
    return {"recovery_code": code}


@bp.post("/me/two-factor/email")
def start_email():
    """Mail a code to the account's address, to turn codes by email on."""
    with unit_of_work() as uow:
        user = domain.user_by_id(uow, acting_user())
        two_factor.start_email(uow, user, _keys(), utcnow(), lambda code: _mailer("setup")(user.email, code))
    return {"sent": True, "email": user.email}, 202


@bp.post("/me/two-factor/email/verify")
@bp.input(CodeIn)
def turn_on_email(json_data: CodeIn):
    """Turn codes by email on with the code just mailed; the recovery code, the first time only."""
    with unit_of_work() as uow:
        code = two_factor.turn_on_email(uow, domain.user_by_id(uow, acting_user()), json_data.code, _keys(),
                                        utcnow(), event_context())
    return {"recovery_code": code}


@bp.post("/me/two-factor/<method>/off")
@bp.input(MasterPasswordIn)
def turn_off(method: str, json_data: MasterPasswordIn):
    """Turn a method off; the master password hash proves it is the user who asks."""
    with unit_of_work() as uow:
        two_factor.turn_off(uow, domain.user_by_id(uow, acting_user()), method, json_data.master_password_hash,
                            utcnow(), event_context())
    return {"off": method}


@bp.post("/me/two-factor/recovery-code")
@bp.input(MasterPasswordIn)
def new_recovery_code(json_data: MasterPasswordIn):
    """A new recovery code, shown this once; the previous one stops working."""
    with unit_of_work() as uow:
        code = two_factor.new_recovery_code(uow, domain.user_by_id(uow, acting_user()),
                                            json_data.master_password_hash, utcnow(), event_context())
    return {"recovery_code": code}


@bp.post("/me/two-factor/forget-devices")
def forget_devices():
    """Every device remembered for this user asks for the second step again."""
    with unit_of_work() as uow:
        two_factor.forget_devices(uow, domain.user_by_id(uow, acting_user()))
    return {"forgotten": True}
