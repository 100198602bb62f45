"""Master passwords: a user changing their own, and an administrator's account recovery."""
from __future__ import annotations

from pydantic import Field

from services.common.schemas import StrictBody
from services.common.service_app import acting_user, ask, event_context, unit_of_work

from .. import domain, master_password
from . import bp


class ChangeIn(StrictBody):
    current_master_password_hash: str = Field(max_length=200)
    master_password_hash: str = Field(max_length=200)
    protected_user_key: str = Field(max_length=4000)


class RecoveryIn(StrictBody):
    organization_id: str = Field(max_length=36)
    member_id: str = Field(max_length=36)
    master_password_hash: str = Field(max_length=200)
    protected_user_key: str = Field(max_length=4000)


@bp.put("/me/master-password")
@bp.input(ChangeIn)
def change_master_password(json_data: ChangeIn):
    """The caller's new master password (derived values only), once they proved the current one."""
    with unit_of_work() as uow:
        master_password.change_master_password(uow, acting_user(), json_data.current_master_password_hash,
                                               json_data.master_password_hash, json_data.protected_user_key,
                                               event_context())
    return "", 204


@bp.get("/recoveries/<organization_id>/<member_id>")
def recovery_check(organization_id: str, member_id: str):
    """What lets the recovering gateway check the user key it opened (the member's key pair), for
    those orgs says may recover this member."""
    acting_user()
    target = ask("orgs", f"/organizations/{organization_id}/members/{member_id}/recovery")
    with unit_of_work() as uow:
        user = domain.user_by_id(uow, target["user_id"])
    return {"user_id": user.id, "public_key": user.public_key, "encrypted_private_key": user.encrypted_private_key}


@bp.post("/recoveries")
@bp.input(RecoveryIn)
def recover_account(json_data: RecoveryIn):
    """Store the master password an administrator set for a member, if orgs says they may."""
    acting_user()
    target = ask("orgs", f"/organizations/{json_data.organization_id}/members/{json_data.member_id}/recovery")
    with unit_of_work() as uow:
        user = master_password.recover_account(uow, target, json_data.organization_id,
                                               json_data.master_password_hash, json_data.protected_user_key,
                                               event_context())
    return {"user_id": user.id, "email": user.email}, 201
