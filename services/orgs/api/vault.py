"""Vault items: an organization's, and personal ones."""
from __future__ import annotations

from pydantic import Field

from services.common.errors import NotFound
from services.common.schemas import StrictBody, StrictQuery
from services.common.service_app import acting_user, event_context, unit_of_work

from .. import domain
from . import bp


class ItemIn(StrictBody):
    type: str = Field(max_length=20)
    data: dict
    collection_ids: list[str] = Field(min_length=1, max_length=100)


class TrashQuery(StrictQuery):
    trash: bool = False


def _item_json(visible) -> dict:
    item = visible.item
    return {"item_id": item.id, "organization_id": item.organization_id, "type": item.type, "data": item.data,
            "collection_ids": visible.collection_ids, "permission": visible.permission,
            "passwords_hidden": visible.passwords_hidden, "revision": item.revision,
            "deleted_at": item.deleted_at.isoformat() if item.deleted_at else None}


@bp.get("/organizations/<organization_id>/collections/editable")
def editable_collections(organization_id: str):
    """The collections the caller may add items to."""
    with unit_of_work() as uow:
        found = domain.editable_collections(uow, acting_user(), organization_id)
    return {"collections": [{"collection_id": c.id, "encrypted_name": c.encrypted_name} for c in found]}


@bp.get("/organizations/<organization_id>/items")
@bp.input(TrashQuery, location="query")
def list_items(organization_id: str, query_data: TrashQuery):
    """The organization's items the caller may see (fields still encrypted)."""
    with unit_of_work() as uow:
        found = domain.list_org_items(uow, acting_user(), organization_id, query_data.trash)
    return {"items": [_item_json(v) for v in found]}


@bp.get("/organizations/<organization_id>/items/<item_id>")
def get_item(organization_id: str, item_id: str):
    """One item, if the caller may see it."""
    with unit_of_work() as uow:
        return _item_json(domain.org_item(uow, acting_user(), organization_id, item_id))


@bp.post("/organizations/<organization_id>/items")
@bp.input(ItemIn)
def create_item(organization_id: str, json_data: ItemIn):
    """Create an item in one or more collections."""
    with unit_of_work() as uow:
        item = domain.save_org_item(uow, acting_user(), organization_id, None, json_data.type, json_data.data,
                                    json_data.collection_ids, event_context())
        return _item_json(domain.org_item(uow, acting_user(), organization_id, item.id)), 201


@bp.put("/organizations/<organization_id>/items/<item_id>")
@bp.input(ItemIn)
def update_item(organization_id: str, item_id: str, json_data: ItemIn):
    """Change an item and its collections."""
    with unit_of_work() as uow:
        domain.save_org_item(uow, acting_user(), organization_id, item_id, json_data.type, json_data.data,
                             json_data.collection_ids, event_context())
        return _item_json(domain.org_item(uow, acting_user(), organization_id, item_id))


@bp.post("/organizations/<organization_id>/items/<item_id>/trash")
def trash_item(organization_id: str, item_id: str):
    """Move an item to the trash."""
    with unit_of_work() as uow:
        domain.trash_org_item(uow, acting_user(), organization_id, item_id, event_context())
    return "", 204


@bp.post("/organizations/<organization_id>/items/<item_id>/restore")
def restore_item(organization_id: str, item_id: str):
    """Bring an item back from the trash."""
    with unit_of_work() as uow:
        domain.trash_org_item(uow, acting_user(), organization_id, item_id, event_context(), restore=True)
    return "", 204


@bp.delete("/organizations/<organization_id>/items/<item_id>")
def purge_item(organization_id: str, item_id: str):
    """Delete a trashed item for good."""
    with unit_of_work() as uow:
        domain.purge_org_item(uow, acting_user(), organization_id, item_id, event_context())
    return "", 204


# --- personal items ----------------------------------------------------------------------------

class PersonalItemIn(StrictBody):
    type: str = Field(max_length=20)
    data: dict


class ShareIn(StrictBody):
    organization_id: str = Field(max_length=36)
    data: dict
    collection_ids: list[str] = Field(min_length=1, max_length=100)


def _personal_json(item) -> dict:
    return {"item_id": item.id, "type": item.type, "data": item.data, "revision": item.revision,
            "deleted_at": item.deleted_at.isoformat() if item.deleted_at else None}


@bp.get("/me/items")
@bp.input(TrashQuery, location="query")
def my_items(query_data: TrashQuery):
    """The caller's own items (fields sealed with their user key)."""
    with unit_of_work() as uow:
        return {"items": [_personal_json(i) for i in domain.list_personal_items(uow, acting_user(),
                                                                                 query_data.trash)]}


@bp.post("/me/items")
@bp.input(PersonalItemIn)
def create_my_item(json_data: PersonalItemIn):
    """Create one of the caller's own items."""
    with unit_of_work() as uow:
        return _personal_json(domain.save_personal_item(uow, acting_user(), None, json_data.type,
                                                        json_data.data)), 201


@bp.post("/me/items/<item_id>/<action>")
def act_on_my_item(item_id: str, action: str):
    """Trash or restore one of the caller's items."""
    if action not in ("trash", "restore"):
        raise NotFound("No such action.")
    with unit_of_work() as uow:
        domain.trash_personal_item(uow, acting_user(), item_id, restore=action == "restore")
    return "", 204


@bp.delete("/me/items/<item_id>")
def purge_my_item(item_id: str):
    """Delete one of the caller's trashed items for good."""
    with unit_of_work() as uow:
        domain.purge_personal_item(uow, acting_user(), item_id)
    return "", 204


@bp.post("/me/items/<item_id>/share")
@bp.input(ShareIn)
def share_my_item(item_id: str, json_data: ShareIn):
    """Move one of the caller's items into an organization (re-sealed by the gateway)."""
    with unit_of_work() as uow:
        item = domain.share_item(uow, acting_user(), item_id, json_data.organization_id, json_data.data,
                                 json_data.collection_ids, event_context())
        return _item_json(domain.org_item(uow, acting_user(), json_data.organization_id, item.id))
