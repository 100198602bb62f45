"""An organization's vault items, favourites, and importing and exporting them."""
from __future__ import annotations

from pydantic import Field

from services.common.schemas import StrictBody, StrictQuery
from services.common.service_app import acting_user, event_context, settings, unit_of_work

from .. import domain
from . import bp


class ItemIn(StrictBody):
    type: str = Field(max_length=20)
    data: dict
    collection_ids: list[str] = Field(max_length=100)  # none at all gets the domain's own words


class TrashQuery(StrictQuery):
    trash: bool = False


def item_json(visible) -> dict:
    """An organization item as the API shows it to one actor."""
    item = visible.item
    return {"item_id": item.id, "organization_id": item.organization_id, "type": item.type, "data": item.data,
            "collection_ids": visible.collection_ids, "permission": visible.permission,
            "passwords_hidden": visible.passwords_hidden, "favorite": visible.favorite, "revision": item.revision,
            "deleted_at": item.deleted_at.isoformat() if item.deleted_at else None}


@bp.get("/organizations/<organization_id>/collections/editable")
def editable_collections(organization_id: str):
    """The collections the caller may add items to."""
    with unit_of_work() as uow:
        found = domain.editable_collections(uow, acting_user(), organization_id)
    return {"collections": [{"collection_id": c.id, "encrypted_name": c.encrypted_name} for c in found]}


@bp.get("/organizations/<organization_id>/collections/visible")
def visible_collections(organization_id: str):
    """The collections whose items the caller sees, with their sealed names."""
    with unit_of_work() as uow:
        found = domain.visible_collections(uow, acting_user(), organization_id)
    return {"collections": [{"collection_id": c.id, "encrypted_name": c.encrypted_name} for c in found]}


@bp.get("/organizations/<organization_id>/items")
@bp.input(TrashQuery, location="query")
def list_items(organization_id: str, query_data: TrashQuery):
    """The organization's items the caller may see (fields still encrypted)."""
    with unit_of_work() as uow:
        found = domain.list_org_items(uow, acting_user(), organization_id, query_data.trash)
    return {"items": [item_json(v) for v in found]}


@bp.get("/organizations/<organization_id>/items/<item_id>")
def get_item(organization_id: str, item_id: str):
    """One item, if the caller may see it."""
    with unit_of_work() as uow:
        return item_json(domain.org_item(uow, acting_user(), organization_id, item_id))


@bp.post("/organizations/<organization_id>/items")
@bp.input(ItemIn)
def create_item(organization_id: str, json_data: ItemIn):
    """Create an item in one or more collections."""
    with unit_of_work() as uow:
        item = domain.save_org_item(uow, acting_user(), organization_id, None, json_data.type, json_data.data,
                                    json_data.collection_ids, event_context())
        return item_json(domain.org_item(uow, acting_user(), organization_id, item.id)), 201


@bp.put("/organizations/<organization_id>/items/<item_id>")
@bp.input(ItemIn)
def update_item(organization_id: str, item_id: str, json_data: ItemIn):
    """Change an item and its collections."""
    with unit_of_work() as uow:
        domain.save_org_item(uow, acting_user(), organization_id, item_id, json_data.type, json_data.data,
                             json_data.collection_ids, event_context())
        return item_json(domain.org_item(uow, acting_user(), organization_id, item_id))


@bp.post("/organizations/<organization_id>/items/<item_id>/viewed")
def item_viewed(organization_id: str, item_id: str):
    """Log that the caller opened an item they may see (the event log's "Accessed item")."""
    with unit_of_work() as uow:
        domain.view_org_item(uow, acting_user(), organization_id, item_id, event_context())
    return "", 204


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


class FavoriteIn(StrictBody):
    favorite: bool


@bp.put("/items/<item_id>/favorite")
@bp.input(FavoriteIn)
def mark_favorite(item_id: str, json_data: FavoriteIn):
    """Mark an item the caller can see (their own or an organization's) as a favourite, or not."""
    with unit_of_work() as uow:
        domain.mark_favorite(uow, acting_user(), item_id, json_data.favorite)
    return "", 204


# --- import and export -------------------------------------------------------------------------

class ImportedItemIn(StrictBody):
    type: str = Field(max_length=20)
    data: dict
    collection_ids: list[str] = Field(default_factory=list, max_length=100)
    new_collections: list[int] = Field(default_factory=list, max_length=100)


class ImportIn(StrictBody):
    collection_id: str | None = Field(default=None, max_length=36)
    new_collections: list[str] = Field(default_factory=list)  # counted by the domain
    items: list[ImportedItemIn]  # counted against the settings' limit: its size is bounded by the body's


@bp.post("/organizations/<organization_id>/items/import")
@bp.input(ImportIn)
def import_items(organization_id: str, json_data: ImportIn):
    """Store every item of an import, or none."""
    items = [domain.ImportedItem(i.type, i.data, i.collection_ids, i.new_collections) for i in json_data.items]
    with unit_of_work() as uow:
        count = domain.import_org_items(uow, acting_user(), organization_id, json_data.collection_id,
                                        json_data.new_collections, items, event_context(),
                                        max_items=settings().import_limits.items)
    return {"imported": count}, 201


@bp.post("/me/items/import")
@bp.input(ImportIn)
def import_my_items(json_data: ImportIn):
    """Store every item of an import into the caller's own vault, or none (folders for collections)."""
    items = [domain.ImportedItem(i.type, i.data, i.collection_ids, i.new_collections) for i in json_data.items]
    with unit_of_work() as uow:
        count = domain.import_personal_items(uow, acting_user(), json_data.collection_id, json_data.new_collections,
                                             items, max_items=settings().import_limits.items)
    return {"imported": count}, 201


@bp.post("/organizations/<organization_id>/export")
def export_items(organization_id: str):
    """The items the caller may see with their collections, for an export (which is logged)."""
    with unit_of_work() as uow:
        items, collections = domain.export_org_items(uow, acting_user(), organization_id, event_context())
        return {"items": [item_json(v) for v in items],
                "collections": [{"collection_id": c.id, "encrypted_name": c.encrypted_name} for c in collections]}
