"""A new master password: the user changing their own, or an administrator recovering an account.

Either way identity receives only derived values from the gateway: the new master password
hash and the user key wrapped under the new master key. The user key itself does not change,
so every item stays readable. An administrator's reset is stored only once orgs has said this
administrator may recover this member (`recovery_target` there): identity asks, and keeps
nothing if the answer is no.
"""
from __future__ import annotations

from argon2.exceptions import InvalidHashError, VerificationError

from services.common.envelope import Event
from services.common.errors import Forbidden, Invalid, Unauthenticated
from services.common.validation import require_encstring

from .domain import _HASHER, user_by_id
from .models import User

MAX_HASH = 200


def _require_hash(value: str) -> str:
    if not value or len(value) > MAX_HASH:
        raise Invalid("The master password hash is missing or malformed.", "master_password_hash",
                      code="master_password.hash_malformed")
    return value


def _store(user: User, new_hash: str, protected_user_key: str) -> None:
    user.auth_hash = _HASHER.hash(_require_hash(new_hash))
    user.protected_user_key = require_encstring(protected_user_key, 2, "protected_user_key")


def change_master_password(uow, user_id: str, current_hash: str, new_hash: str, protected_user_key: str,
                           context: dict) -> User:
    """The user's new master password, once they proved the current one."""
    user = user_by_id(uow, user_id)
    try:
        _HASHER.verify(user.auth_hash, current_hash or "")
    except (VerificationError, InvalidHashError):
        raise Unauthenticated("Your current master password is not right.", "current_master_password",
                              code="master_password.current_wrong") from None
    if current_hash == new_hash:
        raise Invalid("Choose a master password different from the current one.", "master_password",
                      code="master_password.unchanged")
    _store(user, new_hash, protected_user_key)
    # A member replacing the password an administrator set is Bitwarden's "updated temp password".
    changed = "user.temp_password_updated" if user.force_password_reset else "user.password_changed"
    user.force_password_reset = False
    uow.add(user)
    uow.publish(Event(changed, {"user_id": user.id}, subject=user.id, **context))
    uow.commit()
    return user


def recover_account(uow, target: dict, organization_id: str, new_hash: str, protected_user_key: str,
                    context: dict) -> User:
    """Store the master password an administrator set for a member. `target` is orgs' answer to
    "may this actor recover this member" (it refuses otherwise, and nothing reaches here)."""
    user = user_by_id(uow, target["user_id"])
    if user.id == context.get("actorid"):
        raise Forbidden("You cannot recover your own account: change your master password instead.",
                        code="recovery.own_account")
    _store(user, new_hash, protected_user_key)
    user.two_factor_epoch += 1  # devices remembered before the reset ask for the second step again
    user.force_password_reset = True  # the administrator knows this one: the member chooses their own
    uow.add(user)
    uow.publish(Event("user.recovered_by_admin", {"user_id": user.id, "organization_id": organization_id,
                                                  "organization_name": target["organization_name"],
                                                  "member_id": target["member_id"], "email": user.email},
                      subject=user.id, orgid=organization_id, **context))
    uow.commit()
    return user
