"""A person's own items and folders (fields sealed with their user key), and sharing one."""
from __future__ import annotations

from pydantic import Field

from services.common.errors import NotFound
from services.common.schemas import StrictBody
from services.common.service_app import acting_user, event_context, unit_of_work

from .. import domain
from . import bp
from .vault import TrashQuery, item_json


class PersonalItemIn(StrictBody):
    type: str = Field(max_length=20)
    data: dict
    folder_id: str | None = Field(default=None, max_length=36)


class ShareIn(StrictBody):
    organization_id: str = Field(max_length=36)
    data: dict
    collection_ids: list[str] = Field(min_length=1, max_length=100)


class FolderIn(StrictBody):
    encrypted_name: str = Field(max_length=2000)


def _personal_json(personal) -> dict:
    item = personal.item
    return {"item_id": item.id, "type": item.type, "data": item.data, "folder_id": item.folder_id,
            "favorite": personal.favorite, "revision": item.revision,
            "deleted_at": item.deleted_at.isoformat() if item.deleted_at else None}


@bp.get("/me/items")
@bp.input(TrashQuery, location="query")
def my_items(query_data: TrashQuery):
    """The caller's own items (fields sealed with their user key)."""
    with unit_of_work() as uow:
        return {"items": [_personal_json(i) for i in domain.list_personal_items(uow, acting_user(),
                                                                                 query_data.trash)]}


@bp.get("/me/items/<item_id>")
def my_item(item_id: str):
    """One of the caller's own items."""
    with unit_of_work() as uow:
        return _personal_json(domain.personal_item(uow, acting_user(), item_id))


@bp.post("/me/items")
@bp.input(PersonalItemIn)
def create_my_item(json_data: PersonalItemIn):
    """Create one of the caller's own items."""
    with unit_of_work() as uow:
        item = domain.save_personal_item(uow, acting_user(), None, json_data.type, json_data.data,
                                         json_data.folder_id)
        return _personal_json(domain.personal_item(uow, acting_user(), item.id)), 201


@bp.put("/me/items/<item_id>")
@bp.input(PersonalItemIn)
def update_my_item(item_id: str, json_data: PersonalItemIn):
    """Change one of the caller's own items."""
    with unit_of_work() as uow:
        domain.save_personal_item(uow, acting_user(), item_id, json_data.type, json_data.data, json_data.folder_id)
        return _personal_json(domain.personal_item(uow, acting_user(), item_id))


@bp.post("/me/items/<item_id>/<action>")
def act_on_my_item(item_id: str, action: str):
    """Trash or restore one of the caller's items."""
    if action not in ("trash", "restore"):
        raise NotFound("No such action.", code="action.not_found")
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
        return item_json(domain.org_item(uow, acting_user(), json_data.organization_id, item.id))


@bp.get("/me/folders")
def my_folders():
    """The caller's folders (names sealed with their user key)."""
    with unit_of_work() as uow:
        return {"folders": [{"folder_id": f.id, "encrypted_name": f.encrypted_name}
                            for f in domain.list_folders(uow, acting_user())]}


@bp.post("/me/folders")
@bp.input(FolderIn)
def create_folder(json_data: FolderIn):
    """Create a folder."""
    with unit_of_work() as uow:
        folder = domain.save_folder(uow, acting_user(), None, json_data.encrypted_name)
        return {"folder_id": folder.id, "encrypted_name": folder.encrypted_name}, 201


@bp.put("/me/folders/<folder_id>")
@bp.input(FolderIn)
def rename_folder(folder_id: str, json_data: FolderIn):
    """Rename one of the caller's folders."""
    with unit_of_work() as uow:
        folder = domain.save_folder(uow, acting_user(), folder_id, json_data.encrypted_name)
        return {"folder_id": folder.id, "encrypted_name": folder.encrypted_name}


@bp.delete("/me/folders/<folder_id>")
def delete_folder(folder_id: str):
    """Delete one of the caller's folders (its items stay, in no folder)."""
    with unit_of_work() as uow:
        domain.delete_folder(uow, acting_user(), folder_id)
    return "", 204
