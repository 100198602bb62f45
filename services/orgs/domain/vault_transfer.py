"""Importing many items into an organization, or into one's own vault, at once; exporting an
organization's vault.

The gateway reads the file, seals every field with the org key and sends the lot; orgs
checks and stores it in one transaction, so a bad entry leaves the vault as it was. Both
directions need the "access import/export" permission (owners and admins have it).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import insert
from sqlmodel import select

from services.common.config import ImportLimits
from services.common.database import utcnow
from services.common.envelope import Event
from services.common.errors import Invalid
from services.common.validation import require_encstring

from ..models import Cipher, CipherCollection, Collection, CollectionAccess, Folder, Member, new_id
from .members import manager_of
from .vault import VisibleItem, checked_item_type, collection_levels, require_editing, list_org_items, require_sealed

MAX_NEW_COLLECTIONS = 500


@dataclass
class ImportedItem:
    """One item of an import: its sealed fields and where it goes."""

    type: str
    data: dict
    collection_ids: list[str] = field(default_factory=list)  # existing collections
    new_collections: list[int] = field(default_factory=list)  # indexes into the import's new collections


def _new_collections(uow, actor_id: str, organization_id: str, encrypted_names: list[str],
                     context: dict) -> list[Collection]:
    if not encrypted_names:
        return []
    manager_of(uow, actor_id, organization_id, "create_collections")
    if len(encrypted_names) > MAX_NEW_COLLECTIONS:
        raise Invalid("An import creates at most %(most)s collections.", "new_collections",
                      code="import.too_many_collections", most=MAX_NEW_COLLECTIONS)
    manages_all = collection_levels(uow, actor_id, organization_id) is None
    member = None if manages_all else uow.first(select(Member).where(
        Member.organization_id == organization_id, Member.user_id == actor_id, Member.status == "confirmed"))
    created = []
    for index, name in enumerate(encrypted_names):
        collection = Collection(organization_id=organization_id,
                                encrypted_name=require_encstring(name, 2, f"new_collections[{index}]"))
        uow.add(collection)
        created.append(collection)
    uow.flush()
    for collection in created:
        access = []
        if member is not None:  # whoever creates a collection they could not otherwise see manages it
            access.append(CollectionAccess(collection_id=collection.id, member_id=member.id, permission="manage"))
            uow.add(access[0])
        uow.publish(Event("org.collection.created", {
            "collection_id": collection.id, "organization_id": organization_id,
            "access": [{"group_id": None, "member_id": a.member_id, "permission": a.permission} for a in access]},
            subject=collection.id, orgid=organization_id, **context))
    return created


def _opened_entry(entry: ImportedItem, number: int, created_ids: list[str],
                  place: str) -> tuple[str, dict, list[str]]:
    """An entry's checked type and sealed data, and the ids of the new collections (or folders) it goes
    into; Invalid naming the entry."""
    try:
        return checked_item_type(entry.type), require_sealed(entry.data), [created_ids[i] for i in entry.new_collections]
    except IndexError:
        if place == "folder":
            raise Invalid("Entry %(number)s: it names a folder the import does not create.", "items",
                          code="import.entry_unknown_new_folder", number=number) from None
        raise Invalid("Entry %(number)s: it names a collection the import does not create.", "items",
                      code="import.entry_unknown_new_collection", number=number) from None
    except Invalid as refusal:
        raise Invalid("Entry %(number)s: %(reason)s", "items", code="import.entry_refused", number=number,
                      reason=refusal.as_reason()) from None


def _checked_count(items: list[ImportedItem], max_items: int) -> None:
    if not items:
        raise Invalid("The file holds no items.", "items", code="import.no_items")
    if len(items) > max_items:
        raise Invalid("An import holds at most %(most)s items.", "items", code="import.too_many_items", most=max_items)


def import_personal_items(uow, actor_id: str, folder_id: str | None, new_folder_names: list[str],
                          items: list[ImportedItem], max_items: int = ImportLimits.items) -> int:
    """Store every item of an import into the actor's own vault, or none of them: each in the folder its
    file names (an existing one, or one the import creates), else in `folder_id`; how many were stored.
    The same body as an organization's import, folders standing for collections."""
    _checked_count(items, max_items)
    if len(new_folder_names) > MAX_NEW_COLLECTIONS:
        raise Invalid("An import creates at most %(most)s folders.", "new_collections",
                      code="import.too_many_folders", most=MAX_NEW_COLLECTIONS)
    named = {folder_id} if folder_id else set()
    named |= {f for entry in items for f in entry.collection_ids}
    owned = set(uow.scalars(select(Folder.id).where(Folder.user_id == actor_id, Folder.id.in_(named)))) \
        if named else set()
    if named - owned:
        raise Invalid("Choose one of your folders.", "collection_id", code="import.folder_not_yours")
    created = [Folder(user_id=actor_id, encrypted_name=require_encstring(name, 2, f"new_collections[{index}]"))
               for index, name in enumerate(new_folder_names)]
    for folder in created:
        uow.add(folder)
    uow.flush()
    now, ciphers = utcnow(), []
    for number, entry in enumerate(items, start=1):
        item_type, sealed, new_folders = _opened_entry(entry, number, [f.id for f in created], "folder")
        folders = [*entry.collection_ids, *new_folders]
        ciphers.append({"id": new_id(), "organization_id": None, "user_id": actor_id, "type": item_type,
                        "data": sealed, "favorite": False, "folder_id": folders[0] if folders else folder_id,
                        "revision": 1, "created_at": now, "updated_at": now, "deleted_at": None})
    uow.session.execute(insert(Cipher.__table__), ciphers)
    uow.commit()
    return len(ciphers)


def import_org_items(uow, actor_id: str, organization_id: str, collection_id: str | None,
                     new_collection_names: list[str], items: list[ImportedItem], context: dict,
                     max_items: int = ImportLimits.items) -> int:
    """Store every item of an import (at most `max_items`, the configured import limit), or none of
    them; how many were stored."""
    manager_of(uow, actor_id, organization_id, "access_import_export")
    _checked_count(items, max_items)
    chosen = [collection_id] if collection_id else []
    existing = sorted({c for entry in items for c in entry.collection_ids} | set(chosen))
    if existing:
        require_editing(uow, actor_id, organization_id, existing)
    created = _new_collections(uow, actor_id, organization_id, new_collection_names, context)
    now = utcnow()
    ciphers, links = [], []
    created_ids = [c.id for c in created]
    for number, entry in enumerate(items, start=1):
        item_type, sealed, new_targets = _opened_entry(entry, number, created_ids, "collection")
        targets = set(chosen) | set(entry.collection_ids) | set(new_targets)
        if not targets:
            raise Invalid("Entry %(number)s: choose a collection for it.", "collection_id",
                          code="import.entry_without_collection", number=number)
        cipher_id = new_id()
        ciphers.append({"id": cipher_id, "organization_id": organization_id, "user_id": None, "type": item_type,
                        "data": sealed, "favorite": False, "folder_id": None, "revision": 1,
                        "created_at": now, "updated_at": now, "deleted_at": None})
        links.extend({"cipher_id": cipher_id, "collection_id": target} for target in sorted(targets))
    # Rows, not ORM objects: building and flushing 10,000 models cost four times the encryption itself.
    uow.flush()
    uow.session.execute(insert(Cipher.__table__), ciphers)
    uow.session.execute(insert(CipherCollection.__table__), links)
    uow.publish(Event("org.items.imported", {
        "organization_id": organization_id, "count": len(ciphers),
        "collection_ids": sorted({link["collection_id"] for link in links})},
        subject=organization_id, orgid=organization_id, **context))
    uow.commit()
    return len(ciphers)


def export_org_items(uow, actor_id: str, organization_id: str,
                     context: dict) -> tuple[list[VisibleItem], list[Collection]]:
    """The items the actor may see and their collections, for an export; the export is logged."""
    manager_of(uow, actor_id, organization_id, "access_import_export")
    items = list_org_items(uow, actor_id, organization_id)
    wanted = {c for visible in items for c in visible.collection_ids}
    collections = list(uow.scalars(select(Collection).where(Collection.organization_id == organization_id,
                                                           Collection.id.in_(wanted))
                                   .order_by(Collection.created_at, Collection.id))) if wanted else []
    uow.publish(Event("org.vault.exported", {"organization_id": organization_id, "count": len(items)},
                      subject=organization_id, orgid=organization_id, **context))
    uow.commit()
    return items, collections
