"""Groups and collections."""
from __future__ import annotations

from pydantic import Field

from services.common.schemas import StrictBody
from services.common.service_app import acting_user, event_context, unit_of_work

from .. import domain
from . import bp


class GroupIn(StrictBody):
    name: str = Field(max_length=1000)
    member_ids: list[str] = Field(default_factory=list, max_length=10_000)


class Grant(StrictBody):
    group_id: str | None = Field(default=None, max_length=36)
    member_id: str | None = Field(default=None, max_length=36)
    permission: str = Field(max_length=30)


class CollectionIn(StrictBody):
    encrypted_name: str = Field(max_length=2000)
    access: list[Grant] = Field(default_factory=list, max_length=10_000)


def _group_json(group, member_ids) -> dict:
    return {"group_id": group.id, "name": group.name, "member_ids": member_ids}


def _collection_json(collection, access) -> dict:
    return {"collection_id": collection.id, "encrypted_name": collection.encrypted_name,
            "access": [{"group_id": a.group_id, "member_id": a.member_id, "permission": a.permission}
                       for a in access]}


@bp.get("/organizations/<organization_id>/groups")
def list_groups(organization_id: str):
    """The organization's groups and their members."""
    with unit_of_work() as uow:
        found = domain.list_groups(uow, acting_user(), organization_id)
    return {"groups": [_group_json(group, member_ids) for group, member_ids in found]}


@bp.post("/organizations/<organization_id>/groups")
@bp.input(GroupIn)
def create_group(organization_id: str, json_data: GroupIn):
    """Create a group."""
    with unit_of_work() as uow:
        group = domain.save_group(uow, acting_user(), organization_id, None, json_data.name, json_data.member_ids,
                                  event_context())
    return _group_json(group, sorted(set(json_data.member_ids))), 201


@bp.put("/organizations/<organization_id>/groups/<group_id>")
@bp.input(GroupIn)
def update_group(organization_id: str, group_id: str, json_data: GroupIn):
    """Rename a group and set its members."""
    with unit_of_work() as uow:
        group = domain.save_group(uow, acting_user(), organization_id, group_id, json_data.name,
                                  json_data.member_ids, event_context())
    return _group_json(group, sorted(set(json_data.member_ids)))


@bp.delete("/organizations/<organization_id>/groups/<group_id>")
def delete_group(organization_id: str, group_id: str):
    """Delete a group."""
    with unit_of_work() as uow:
        domain.delete_group(uow, acting_user(), organization_id, group_id, event_context())
    return "", 204


@bp.get("/organizations/<organization_id>/collections")
def list_collections(organization_id: str):
    """The organization's collections, names encrypted, with their access."""
    with unit_of_work() as uow:
        found = domain.list_collections(uow, acting_user(), organization_id)
    return {"collections": [_collection_json(c, access) for c, access in found]}


@bp.post("/organizations/<organization_id>/collections")
@bp.input(CollectionIn)
def create_collection(organization_id: str, json_data: CollectionIn):
    """Create a collection."""
    with unit_of_work() as uow:
        collection = domain.save_collection(uow, acting_user(), organization_id, None, json_data.encrypted_name,
                                            [g.model_dump() for g in json_data.access], event_context())
    return {"collection_id": collection.id}, 201


@bp.put("/organizations/<organization_id>/collections/<collection_id>")
@bp.input(CollectionIn)
def update_collection(organization_id: str, collection_id: str, json_data: CollectionIn):
    """Rename a collection and set its access."""
    with unit_of_work() as uow:
        collection = domain.save_collection(uow, acting_user(), organization_id, collection_id,
                                            json_data.encrypted_name, [g.model_dump() for g in json_data.access],
                                            event_context())
    return {"collection_id": collection.id}


@bp.delete("/organizations/<organization_id>/collections/<collection_id>")
def delete_collection(organization_id: str, collection_id: str):
    """Delete a collection."""
    with unit_of_work() as uow:
        domain.delete_collection(uow, acting_user(), organization_id, collection_id, event_context())
    return "", 204
