"""The two places items live, behind one interface: an organization's vault and a person's own.

The item pages (list, view, new, edit, clone, trash) are the same for both; what differs is
the key that seals them, where orgs keeps them, and what groups them: collections in an
organization, folders in one's own vault.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from flask import abort, g, url_for

from services.common.internal_http import NotAllowed, NotFound, ServiceError

from . import keyring
from .access import provider_through
from .backends import orgs
from .crypto import EncStringError, SymmetricKey
from .org_keys import OrgKeyUnavailable, organization_key
from .vault_items import opened_text

EDITING = ("edit", "edit_except_passwords", "manage")


@dataclass
class Vault:
    """Where a page's items live, for the person asking."""

    organization_id: str | None
    key: SymmetricKey | None
    context: dict = field(default_factory=dict)  # what the page template needs (organization, provider)

    @property
    def personal(self) -> bool:
        return self.organization_id is None

    def url(self, endpoint: str, **values) -> str:
        """A URL of the item pages of this vault."""
        if self.personal:
            return url_for(f"items.my_{endpoint}", **values)
        return url_for(f"items.org_{endpoint}", organization_id=self.organization_id, **values)

    @property
    def base(self) -> str:
        return "/me/items" if self.personal else f"/organizations/{self.organization_id}/items"

    def stored_items(self, trash: bool = False) -> list[dict]:
        if self.key is None:
            return []
        return orgs().items(self.base, trash)["items"]

    def stored_item(self, item_id: str) -> dict:
        return orgs().item(self.base, item_id)

    def save(self, item_id: str | None, item_type: str, data: dict, item: dict) -> None:
        body = {"type": item_type, "data": data}
        if self.personal:
            body["folder_id"] = item.get("folder") or None
        else:
            body["collection_ids"] = item.get("collection_ids", [])
        item_id = orgs().save_item(self.base, item_id, body)
        if item.get("favorite") is not None:
            orgs().set_favorite(item_id, bool(item.get("favorite")))

    def groups(self) -> list[tuple[str, str]]:
        """(id, name) of the collections (organization) or folders (personal) to file items in, by name."""
        if self.key is None:
            return []
        if self.personal:
            found = orgs().folders()
            pairs = [(f["folder_id"], opened_text(self.key, f["encrypted_name"])) for f in found]
        else:
            try:
                found = orgs().editable_collections(self.organization_id)
            except ServiceError:
                found = []
            pairs = [(c["collection_id"], opened_text(self.key, c["encrypted_name"])) for c in found]
        return sorted(pairs, key=lambda pair: pair[1].lower())

    def group_names(self) -> dict[str, str]:
        """Every collection (or folder) name this person may read, by id."""
        if self.key is None or self.personal:
            return dict(self.groups())
        try:
            found = orgs().collections(self.organization_id)
        except ServiceError:  # members who do not manage collections read the names of those they see
            try:
                found = orgs().visible_collections(self.organization_id)
            except ServiceError:
                return dict(self.groups())
        return {c["collection_id"]: opened_text(self.key, c["encrypted_name"]) for c in found}


def personal_vault() -> Vault:
    """The signed-in person's own vault, sealed with their user key."""
    return Vault(None, g.vault_session.keys.user_key)


def organization_vault(organization_id: str) -> Vault:
    """An organization's vault as the signed-in person reaches it; its key is None if they hold none.

    Those who administer it (provider staff, owners, admins) reach it through the Admin
    Console; any other confirmed member through their membership, with the org key wrapped
    to them."""
    try:
        organization = orgs().organization(organization_id)
    except (NotAllowed, NotFound):
        return _member_vault(organization_id)
    try:
        key = organization_key(organization)
    except OrgKeyUnavailable:
        key = None
    return Vault(organization_id, key, {"organization": organization, "provider": provider_through(organization)})


def _member_vault(organization_id: str) -> Vault:
    memberships = orgs().my_memberships()
    membership = next((m for m in memberships if m["organization_id"] == organization_id), None)
    if membership is None:
        abort(404)
    return member_vault(membership)


def member_vault(membership: dict) -> Vault:
    """An organization's vault reached through a membership (as `/me/memberships` lists it)."""
    organization_id = membership["organization_id"]
    try:
        key = keyring.open_member_org_key(membership["wrapped_org_key"], g.vault_session.keys)
    except (EncStringError, ValueError):
        key = None  # a key that does not open is never used as if it did
    return Vault(organization_id, key, {"organization": {"organization_id": organization_id,
                                                         "name": membership["name"]}, "provider": None,
                                        "member_only": True})


def may_edit(item: dict) -> bool:
    """Whether the reader may change an item (their own, or through an editing collection access)."""
    return item.get("permission", "manage") in EDITING
