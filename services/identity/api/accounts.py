"""Accounts: registration, log-in, profiles, invitation links, and what others may know of a user."""
from __future__ import annotations

from pydantic import Field

from services.common.internal_auth import ClaimSigner
from services.common.schemas import StrictBody, StrictQuery
from services.common.service_app import acting_user, caller, event_context, settings, unit_of_work

from .. import domain, invitations
from ..two_factor import SecondStepRequired, service_keys
from . import bp


class RegistrationIn(StrictBody):
    email: str = Field(max_length=1000)
    name: str = Field(max_length=1000)
    kdf: str = Field(max_length=20)
    kdf_iterations: int
    kdf_memory_mib: int | None = None
    kdf_parallelism: int | None = None
    master_password_hash: str = Field(max_length=200)
    protected_user_key: str = Field(max_length=4000)
    public_key: str = Field(max_length=4000)
    encrypted_private_key: str = Field(max_length=8000)
    language: str | None = Field(default=None, max_length=5)


class LanguageIn(StrictBody):
    language: str = Field(max_length=5)


class PreloginIn(StrictBody):
    email: str = Field(max_length=1000)


class LoginIn(StrictBody):
    email: str = Field(max_length=1000)
    master_password_hash: str = Field(max_length=200)
    remember_token: str | None = Field(default=None, max_length=1000)  # this device skips the second step


class LookupQuery(StrictQuery):
    email: str = Field(max_length=1000)


def _account_json(user) -> dict:
    return {"user_id": user.id, "email": user.email, "name": user.name, "kdf": user.kdf,
            "kdf_iterations": user.kdf_iterations, "kdf_memory_mib": user.kdf_memory_mib,
            "kdf_parallelism": user.kdf_parallelism, "protected_user_key": user.protected_user_key,
            "public_key": user.public_key, "encrypted_private_key": user.encrypted_private_key,
            "force_password_reset": user.force_password_reset}


@bp.post("/accounts")
@bp.input(RegistrationIn)
def register(json_data: RegistrationIn):
    """Open an account."""
    with unit_of_work() as uow:
        user = domain.register(uow, domain.Registration(**json_data.model_dump()),
                               settings().min_kdf_iterations, event_context())
    return {"user_id": user.id, "email": user.email, "name": user.name}, 201


@bp.put("/me/language")
@bp.input(LanguageIn)
def set_language(json_data: LanguageIn):
    """Remember the language the caller reads the portal in (their mail is written in it)."""
    with unit_of_work() as uow:
        user = domain.set_language(uow, acting_user(), json_data.language)
    return {"language": user.language}


@bp.post("/prelogin")
@bp.input(PreloginIn)
def prelogin(json_data: PreloginIn):
    """The KDF parameters for an email (the same shape whether or not it has an account)."""
    with unit_of_work() as uow:
        return domain.prelogin(uow, json_data.email)


@bp.post("/sessions")
@bp.input(LoginIn)
def log_in(json_data: LoginIn):
    """Check a master password hash; answer the account's wrapped keys, or, with two-step login
    on, the challenge of the second step (`POST /sessions/two-factor`) and its methods."""
    with unit_of_work() as uow:
        result = domain.log_in(uow, json_data.email, json_data.master_password_hash, caller().ip, event_context(),
                               json_data.remember_token, service_keys(settings().service_key))
    if isinstance(result, SecondStepRequired):
        return {"two_factor_required": True, "methods": result.methods, "challenge": result.challenge}
    return _account_json(result)


@bp.get("/users/<user_id>")
def user_profile(user_id: str):
    """A user's public profile: name, email and public key."""
    acting_user()
    with unit_of_work() as uow:
        user = domain.user_by_id(uow, user_id)
    return {"user_id": user.id, "email": user.email, "name": user.name, "public_key": user.public_key}


@bp.get("/users")
@bp.input(LookupQuery, location="query")
def find_user(query_data: LookupQuery):
    """The public profile of the account using an email (to wrap a key to its public key)."""
    acting_user()
    with unit_of_work() as uow:
        user = domain.user_by_email(uow, query_data.email)
    return {"user_id": user.id, "email": user.email, "name": user.name, "public_key": user.public_key}


class InvitationIn(StrictBody):
    token: str = Field(min_length=1, max_length=200)


@bp.post("/invitations/preview")
@bp.input(InvitationIn)
def preview_invitation(json_data: InvitationIn):
    """What an invitation link invites to (the token travels in the body, never in a logged URL)."""
    with unit_of_work() as uow:
        found = invitations.preview(uow, json_data.token)
    return {"kind": found.kind, "organization_id": found.organization_id,
            "organization_name": found.organization_name, "email": found.email, "member_id": found.member_id}


@bp.post("/invitations/redeem")
@bp.input(InvitationIn)
def redeem_invitation(json_data: InvitationIn):
    """Check the caller may accept; answer a statement orgs verifies before accepting."""
    actor = acting_user()
    with unit_of_work() as uow:
        found, proof = invitations.redeem(uow, json_data.token, actor,
                                          ClaimSigner(settings().internal_secret, "invitation"))
    return {"kind": found.kind, "organization_id": found.organization_id,
            "organization_name": found.organization_name, "member_id": found.member_id, "email": found.email,
            "proof": proof}


class UserIdsIn(StrictBody):
    user_ids: list[str] = Field(max_length=200)


@bp.post("/users/two-factor-status")
@bp.input(UserIdsIn)
def two_factor_status(json_data: UserIdsIn):
    """Whether each user has two-step login on (for the Members table of an organization's admins)."""
    acting_user()
    with unit_of_work() as uow:
        return {"two_factor": domain.two_factor_status(uow, json_data.user_ids)}
