"""What the vault health reports need from orgs: who has access to what (never an item's contents)."""
from __future__ import annotations

from services.common.service_app import acting_user, unit_of_work

from .. import domain
from . import bp


@bp.get("/organizations/<organization_id>/member-access")
def member_access(organization_id: str):
    """Every member with their role, groups, collections (names sealed) and how many items they reach."""
    with unit_of_work() as uow:
        rows = domain.member_access(uow, acting_user(), organization_id)
        return {"members": [{
            "member_id": row.member.id, "email": row.member.email, "name": row.member.name, "role": row.member.role,
            "permissions": row.member.permissions or [], "status": row.member.status, "groups": row.group_names,
            "sees_all": row.sees_all, "item_count": row.item_count,
            "collections": [{"collection_id": c.collection_id, "encrypted_name": c.encrypted_name,
                             "permission": c.permission, "direct": c.direct, "groups": sorted(c.group_names)}
                            for c in row.collections]} for row in rows]}
