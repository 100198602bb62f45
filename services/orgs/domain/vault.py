"""Vault items: personal ones, and an organization's shared through collections.

Orgs stores items as the gateway sends them: every text a person typed is an EncString
(type 2) under the org key or the owner's user key. `require_sealed` refuses any other
string, so plaintext cannot be stored here even by mistake. Who sees an organization's item
follows collection access: managers (provider staff, owners, admins, Custom members who
manage all collections) see every item; others see the items of their collections, with the
best level any of those collections gives them, directly or through a group.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, or_
from sqlmodel import select

from services.common.database import utcnow
from services.common.envelope import Event
from services.common.errors import Forbidden, Invalid, NotFound
from services.common.validation import MAX_ENCSTRING_LENGTH, SEALED_TEXT, require_encstring

from ..models import Cipher, CipherCollection, Collection, CollectionAccess, GroupMember, ItemFavorite, Member
from .members import ACCESS_LEVELS, manager_of
from .permissions import EDITING_LEVELS, FULL_EDITING_LEVELS

ITEM_TYPES = ("login", "note", "card", "identity")
FIELD_TYPES = ("text", "hidden", "boolean")
URI_MATCHES = ("domain", "host", "starts_with", "exact", "regex", "never")
_RANK = {level: rank for rank, level in enumerate(ACCESS_LEVELS)}
MAX_DEPTH, MAX_STRINGS = 6, 500


def require_sealed(data) -> dict:
    """`data` if every text in it is an EncString; Invalid naming the first one that is not."""
    if _sealed(data, 0, [0]):
        return data
    _refuse_unsealed(data, "data", 0, [0])
    raise AssertionError("an item found unsealed must be refused")  # the two walks disagree: a bug here


def _sealed(data, depth: int, counter: list) -> bool:
    """Whether `data` passes `require_sealed`, without building a field path for every text: an
    import checks 100,000 of them, and the path is only needed to name the one that fails."""
    if depth > MAX_DEPTH:
        return False
    if isinstance(data, dict):
        return all(((key == "type" and value in FIELD_TYPES) or (key == "match" and value in URI_MATCHES))
                   or _sealed(value, depth + 1, counter) for key, value in data.items())
    if isinstance(data, list):
        return all(_sealed(value, depth + 1, counter) for value in data)
    if isinstance(data, str):
        counter[0] += 1
        return counter[0] <= MAX_STRINGS and len(data) <= MAX_ENCSTRING_LENGTH and SEALED_TEXT.match(data) is not None
    return data is None or isinstance(data, bool)


def _refuse_unsealed(data, path: str, depth: int, counter: list) -> None:
    if depth > MAX_DEPTH:
        raise Invalid("The item is nested too deeply.", "data", code="item.too_deep")
    if isinstance(data, dict):
        for key, value in data.items():
            if (key == "type" and value in FIELD_TYPES) or (key == "match" and value in URI_MATCHES):
                continue  # a custom field's kind and a URI's match rule are not secrets
            _refuse_unsealed(value, f"{path}.{key}", depth + 1, counter)
    elif isinstance(data, list):
        for index, value in enumerate(data):
            _refuse_unsealed(value, f"{path}[{index}]", depth + 1, counter)
    elif isinstance(data, str):
        counter[0] += 1
        if counter[0] > MAX_STRINGS:
            raise Invalid("The item has too many fields.", "data", code="item.too_many_fields")
        require_encstring(data, 2, path)
    elif data is not None and not isinstance(data, bool):
        raise Invalid("%(path)s must be encrypted text, true/false or empty.", "data", code="item.field_unsealed",
                      path=path)


def checked_item_type(value: str) -> str:
    if value not in ITEM_TYPES:
        raise Invalid("The item type must be login, note, card or identity.", "type", code="item.type_invalid")
    return value


def item_event(event_type: str, item: Cipher, context: dict) -> Event:
    """The event telling what happened to an organization item."""
    return Event(event_type, {"cipher_id": item.id, "organization_id": item.organization_id, "type": item.type},
                 subject=item.id, orgid=item.organization_id, **context)


@dataclass(frozen=True)
class VisibleItem:
    """An item with what the actor may do with it."""

    item: Cipher
    collection_ids: list[str]
    permission: str  # the best access level the actor has on it
    favorite: bool = False  # the actor's own choice

    @property
    def passwords_hidden(self) -> bool:
        """Whether the gateway must keep passwords (and hidden fields) from this actor."""
        return self.permission.endswith("_except_passwords")


def collection_levels(uow, actor_id: str, organization_id: str) -> dict[str, str] | None:
    """The actor's best level per collection, or None when they may see every item."""
    try:
        manager_of(uow, actor_id, organization_id, "manage_all_collections")
        return None
    except (Forbidden, NotFound):
        pass
    member = uow.first(select(Member).where(Member.organization_id == organization_id, Member.user_id == actor_id,
                                            Member.status == "confirmed"))
    if member is None:
        raise NotFound("No such organization.", code="organization.not_found")
    groups = select(GroupMember.group_id).where(GroupMember.member_id == member.id)
    grants = uow.scalars(select(CollectionAccess).where(or_(CollectionAccess.member_id == member.id,
                                                            CollectionAccess.group_id.in_(groups)))).all()
    best: dict[str, str] = {}
    for grant in grants:
        if _RANK[grant.permission] >= _RANK.get(best.get(grant.collection_id, ""), -1):
            best[grant.collection_id] = grant.permission
    return best


def _links(uow, item_ids: list[str]) -> dict[str, list[str]]:
    rows = uow.scalars(select(CipherCollection).where(CipherCollection.cipher_id.in_(item_ids))).all() \
        if item_ids else []
    links: dict[str, list[str]] = {}
    for row in rows:
        links.setdefault(row.cipher_id, []).append(row.collection_id)
    return links


def favorites_of(uow, actor_id: str, item_ids: list[str]) -> set[str]:
    """Which of these items the actor marked as favourites."""
    if not item_ids:
        return set()
    return set(uow.scalars(select(ItemFavorite.cipher_id).where(ItemFavorite.user_id == actor_id,
                                                                ItemFavorite.cipher_id.in_(item_ids))).all())


def _visible(item: Cipher, collection_ids: list[str], levels: dict[str, str] | None,
             favorites: set[str]) -> VisibleItem | None:
    if levels is None:
        return VisibleItem(item, sorted(collection_ids), "manage", item.id in favorites)
    mine = [levels[c] for c in collection_ids if c in levels]
    if not mine:
        return None
    return VisibleItem(item, sorted(collection_ids), max(mine, key=_RANK.get), item.id in favorites)


def list_org_items(uow, actor_id: str, organization_id: str, trash: bool = False) -> list[VisibleItem]:
    """The organization's items the actor may see (in the trash, or not)."""
    levels = collection_levels(uow, actor_id, organization_id)
    statement = select(Cipher).where(Cipher.organization_id == organization_id)
    statement = statement.where(Cipher.deleted_at.is_not(None) if trash else Cipher.deleted_at.is_(None))
    items = list(uow.scalars(statement.order_by(Cipher.created_at, Cipher.id)))
    ids = [i.id for i in items]
    links, favorites = _links(uow, ids), favorites_of(uow, actor_id, ids)
    return [v for v in (_visible(i, links.get(i.id, []), levels, favorites) for i in items) if v is not None]


def sealed_item_names(uow, actor_id: str, organization_id: str, item_ids: list[str]) -> dict[str, str]:
    """The sealed names of those of `item_ids` the actor may see (in the trash too), for an event log's
    sentences: the gateway opens them; items deleted for good or out of the actor's reach are left out."""
    levels = collection_levels(uow, actor_id, organization_id)
    items = list(uow.scalars(select(Cipher).where(Cipher.organization_id == organization_id,
                                                  Cipher.id.in_(set(item_ids))))) if item_ids else []
    links = _links(uow, [item.id for item in items])
    return {item.id: item.data.get("name") for item in items
            if isinstance(item.data.get("name"), str) and _visible(item, links.get(item.id, []), levels, set())}


def org_item(uow, actor_id: str, organization_id: str, item_id: str) -> VisibleItem:
    """One organization item, if the actor may see it; NotFound otherwise."""
    levels = collection_levels(uow, actor_id, organization_id)
    item = uow.get(Cipher, item_id)
    if item is None or item.organization_id != organization_id:
        raise NotFound("No such item.", code="item.not_found")
    visible = _visible(item, _links(uow, [item.id]).get(item.id, []), levels, favorites_of(uow, actor_id, [item.id]))
    if visible is None:
        raise NotFound("No such item.", code="item.not_found")
    return visible


def view_org_item(uow, actor_id: str, organization_id: str, item_id: str, context: dict) -> None:
    """Log that the actor opened an item they may see (Bitwarden's "Viewed item"); NotFound otherwise."""
    uow.publish(item_event("org.item.viewed", org_item(uow, actor_id, organization_id, item_id).item, context))
    uow.commit()


def editable_collections(uow, actor_id: str, organization_id: str) -> list[Collection]:
    """The collections the actor may add items to (names still encrypted)."""
    return _collections_at(uow, actor_id, organization_id, EDITING_LEVELS)


def visible_collections(uow, actor_id: str, organization_id: str) -> list[Collection]:
    """The collections whose items the actor sees, at any level (names still encrypted): a member who
    may only view a collection still reads its name."""
    return _collections_at(uow, actor_id, organization_id, ACCESS_LEVELS)


def _collections_at(uow, actor_id: str, organization_id: str, levels_wanted) -> list[Collection]:
    levels = collection_levels(uow, actor_id, organization_id)
    statement = select(Collection).where(Collection.organization_id == organization_id)
    if levels is not None:
        statement = statement.where(Collection.id.in_([c for c, level in levels.items() if level in levels_wanted]))
    return list(uow.scalars(statement.order_by(Collection.created_at, Collection.id)))


def require_editing(uow, actor_id: str, organization_id: str, collection_ids: list[str],
                    full: bool = False) -> None:
    """Refuse unless the actor may change items in every one of these collections (seeing passwords when `full`)."""
    levels = collection_levels(uow, actor_id, organization_id)
    known = set(uow.scalars(select(Collection.id).where(Collection.organization_id == organization_id,
                                                        Collection.id.in_(collection_ids))).all())
    if not collection_ids or known != set(collection_ids):
        raise Invalid("Choose at least one collection of this organization.", "collection_ids",
                      code="item.collections_missing")
    allowed = FULL_EDITING_LEVELS if full else EDITING_LEVELS
    if levels is not None and any(levels.get(c) not in allowed for c in collection_ids):
        if full:
            raise Forbidden("Moving or sharing an item needs full edit access, passwords included, where it is "
                            "and where it goes.", "collection_ids", code="item.move_needs_edit")
        raise Forbidden("You may not add or change items in these collections.", "collection_ids",
                        code="item.collections_not_editable")


def save_org_item(uow, actor_id: str, organization_id: str, item_id: str | None, item_type: str, data: dict,
                  collection_ids: list[str], context: dict) -> Cipher:
    """Create an organization item in collections, or change one the actor may edit."""
    collection_ids = sorted(set(collection_ids))
    require_editing(uow, actor_id, organization_id, collection_ids)
    sealed = require_sealed(data)
    if item_id is None:
        item = Cipher(organization_id=organization_id, type=checked_item_type(item_type), data=sealed)
        event_type = "org.item.created"
    else:
        visible = org_item(uow, actor_id, organization_id, item_id)
        if visible.permission not in EDITING_LEVELS:
            raise Forbidden("You may only view this item.", code="item.view_only")
        moved = set(collection_ids) != set(visible.collection_ids)
        # Moving an item where its passwords show would undo "except passwords": full access on both sides.
        require_editing(uow, actor_id, organization_id, visible.collection_ids, full=moved)
        if moved:
            require_editing(uow, actor_id, organization_id, collection_ids, full=True)
        item = visible.item
        item.type, item.data, item.revision, item.updated_at = checked_item_type(item_type), sealed, item.revision + 1, \
            utcnow()
        uow.session.exec(delete(CipherCollection).where(CipherCollection.cipher_id == item.id))
        event_type = "org.item.updated"
    uow.add(item)
    uow.flush()
    for collection_id in collection_ids:
        uow.add(CipherCollection(cipher_id=item.id, collection_id=collection_id))
    uow.publish(item_event(event_type, item, context))
    uow.commit()
    return item


def trash_org_item(uow, actor_id: str, organization_id: str, item_id: str, context: dict,
                   restore: bool = False) -> Cipher:
    """Move an item to the trash (or back from it)."""
    visible = org_item(uow, actor_id, organization_id, item_id)
    if visible.permission not in EDITING_LEVELS:
        raise Forbidden("You may only view this item.", code="item.view_only")
    item = visible.item
    item.deleted_at, item.updated_at = (None if restore else utcnow()), utcnow()
    uow.add(item)
    uow.publish(item_event("org.item.restored" if restore else "org.item.trashed", item, context))
    uow.commit()
    return item


def purge_org_item(uow, actor_id: str, organization_id: str, item_id: str, context: dict) -> None:
    """Delete a trashed item for good."""
    visible = org_item(uow, actor_id, organization_id, item_id)
    if visible.permission != "manage":
        raise Forbidden("Only those who manage its collections delete an item for good.", code="item.purge_forbidden")
    if visible.item.deleted_at is None:
        raise Invalid("Move the item to the trash first.", code="item.not_in_trash")
    forget_item(uow, item_id)
    uow.session.delete(visible.item)
    uow.publish(item_event("org.item.deleted", visible.item, context))
    uow.commit()


def forget_item(uow, item_id: str) -> None:
    """Remove what refers to an item about to be deleted: its collections and favourites."""
    uow.session.exec(delete(CipherCollection).where(CipherCollection.cipher_id == item_id))
    uow.session.exec(delete(ItemFavorite).where(ItemFavorite.cipher_id == item_id))


TRASH_DAYS = 30


def empty_trash(uow, now=None) -> int:
    """Delete for good the items that have been in the trash for 30 days; how many there were."""
    cutoff = (now or utcnow()) - timedelta(days=TRASH_DAYS)
    expired = list(uow.scalars(select(Cipher).where(Cipher.deleted_at.is_not(None), Cipher.deleted_at < cutoff)))
    for item in expired:
        forget_item(uow, item.id)
        uow.session.delete(item)
        if item.organization_id:
            uow.publish(Event("org.item.deleted", {"cipher_id": item.id, "organization_id": item.organization_id,
                                                   "type": item.type}, subject=item.id, orgid=item.organization_id))
    uow.commit()
    return len(expired)
