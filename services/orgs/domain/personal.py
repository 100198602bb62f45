"""A person's own items and folders, sealed with their user key; favourites; sharing.

Only the owner ever reaches a personal item: anyone else gets NotFound, as if it did not
exist. Favourites are each person's own choice, for their items and for the organization
items they can see.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, update
from sqlmodel import select

from services.common.database import utcnow
from services.common.errors import Invalid, NotFound
from services.common.validation import require_encstring

from ..models import Cipher, CipherCollection, Folder, ItemFavorite
from .vault import checked_item_type, favorites_of, forget_item, item_event, org_item, require_editing, require_sealed

MAX_FOLDERS = 1000


@dataclass(frozen=True)
class PersonalItem:
    """One of a person's own items, with whether they marked it a favourite."""

    item: Cipher
    favorite: bool


def _personal(uow, actor_id: str, item_id: str) -> Cipher:
    item = uow.get(Cipher, item_id)
    if item is None or item.user_id != actor_id or item.organization_id is not None:
        raise NotFound("No such item.", code="item.not_found")
    return item


def _folder_id(uow, actor_id: str, folder_id: str | None) -> str | None:
    if not folder_id:
        return None
    folder = uow.get(Folder, folder_id)
    if folder is None or folder.user_id != actor_id:
        raise Invalid("Choose one of your folders.", "folder_id", code="folder.not_yours")
    return folder.id


def list_personal_items(uow, actor_id: str, trash: bool = False) -> list[PersonalItem]:
    """The actor's own items (sealed with their user key)."""
    statement = select(Cipher).where(Cipher.user_id == actor_id, Cipher.organization_id.is_(None))
    statement = statement.where(Cipher.deleted_at.is_not(None) if trash else Cipher.deleted_at.is_(None))
    items = list(uow.scalars(statement.order_by(Cipher.created_at, Cipher.id)))
    favorites = favorites_of(uow, actor_id, [i.id for i in items])
    return [PersonalItem(item, item.id in favorites) for item in items]


def personal_item(uow, actor_id: str, item_id: str) -> PersonalItem:
    """One of the actor's own items."""
    item = _personal(uow, actor_id, item_id)
    return PersonalItem(item, item.id in favorites_of(uow, actor_id, [item.id]))


def save_personal_item(uow, actor_id: str, item_id: str | None, item_type: str, data: dict,
                       folder_id: str | None = None) -> Cipher:
    """Create or change one of the actor's own items, in one of their folders or none."""
    sealed, folder_id = require_sealed(data), _folder_id(uow, actor_id, folder_id)
    if item_id is None:
        item = Cipher(user_id=actor_id, type=checked_item_type(item_type), data=sealed, folder_id=folder_id)
    else:
        item = _personal(uow, actor_id, item_id)
        item.type, item.data, item.folder_id = checked_item_type(item_type), sealed, folder_id
        item.revision, item.updated_at = item.revision + 1, utcnow()
    uow.add(item)
    uow.commit()
    return item


def trash_personal_item(uow, actor_id: str, item_id: str, restore: bool = False) -> Cipher:
    """Move one of the actor's items to the trash, or back."""
    item = _personal(uow, actor_id, item_id)
    item.deleted_at, item.updated_at = (None if restore else utcnow()), utcnow()
    uow.add(item)
    uow.commit()
    return item


def purge_personal_item(uow, actor_id: str, item_id: str) -> None:
    """Delete one of the actor's trashed items for good."""
    item = _personal(uow, actor_id, item_id)
    if item.deleted_at is None:
        raise Invalid("Move the item to the trash first.", code="item.not_in_trash")
    forget_item(uow, item.id)
    uow.session.delete(item)
    uow.commit()


def share_item(uow, actor_id: str, item_id: str, organization_id: str, data: dict, collection_ids: list[str],
               context: dict) -> Cipher:
    """Move a personal item into an organization, re-sealed under its org key, into collections."""
    item = _personal(uow, actor_id, item_id)
    collection_ids = sorted(set(collection_ids))
    require_editing(uow, actor_id, organization_id, collection_ids, full=True)
    item.data, item.user_id, item.organization_id = require_sealed(data), None, organization_id
    item.folder_id, item.revision, item.updated_at = None, item.revision + 1, utcnow()
    uow.add(item)
    uow.flush()
    for collection_id in collection_ids:
        uow.add(CipherCollection(cipher_id=item.id, collection_id=collection_id))
    uow.publish(item_event("org.item.shared", item, context))
    uow.commit()
    return item


def mark_favorite(uow, actor_id: str, item_id: str, favorite: bool) -> None:
    """Mark an item the actor can see as one of their favourites, or not."""
    item = uow.get(Cipher, item_id)
    if item is None:
        raise NotFound("No such item.", code="item.not_found")
    if item.organization_id is None:
        _personal(uow, actor_id, item_id)
    else:
        org_item(uow, actor_id, item.organization_id, item_id)
    uow.session.exec(delete(ItemFavorite).where(ItemFavorite.cipher_id == item_id, ItemFavorite.user_id == actor_id))
    if favorite:
        uow.add(ItemFavorite(cipher_id=item_id, user_id=actor_id))
    uow.commit()


# --- folders ---------------------------------------------------------------------------------

def list_folders(uow, actor_id: str) -> list[Folder]:
    """The actor's folders (names still encrypted)."""
    return list(uow.scalars(select(Folder).where(Folder.user_id == actor_id).order_by(Folder.created_at, Folder.id)))


def save_folder(uow, actor_id: str, folder_id: str | None, encrypted_name: str) -> Folder:
    """Create a folder, or rename one of the actor's."""
    encrypted_name = require_encstring(encrypted_name, 2, "encrypted_name")
    if folder_id is None:
        if len(list_folders(uow, actor_id)) >= MAX_FOLDERS:
            raise Invalid("You can have at most %(most)s folders.", "encrypted_name", code="folders.too_many",
                          most=MAX_FOLDERS)
        folder = Folder(user_id=actor_id, encrypted_name=encrypted_name)
    else:
        folder = uow.get(Folder, folder_id)
        if folder is None or folder.user_id != actor_id:
            raise NotFound("No such folder.", code="folder.not_found")
        folder.encrypted_name = encrypted_name
    uow.add(folder)
    uow.commit()
    return folder


def delete_folder(uow, actor_id: str, folder_id: str) -> None:
    """Delete one of the actor's folders; its items stay, in no folder."""
    folder = uow.get(Folder, folder_id)
    if folder is None or folder.user_id != actor_id:
        raise NotFound("No such folder.", code="folder.not_found")
    uow.session.exec(update(Cipher).where(Cipher.folder_id == folder.id).values(folder_id=None))
    uow.session.delete(folder)
    uow.commit()
