"""Finding items in a vault: search over decrypted names (here, never in a service) and filters.

Collections nest by name: "Clients/Acme" sits under "Clients", and choosing "Clients" shows
the items of both, as in Bitwarden.
"""
from __future__ import annotations

from dataclasses import dataclass

from .vault_items import ITEM_TYPES, uri_matches

MAX_QUERY = 200


@dataclass(frozen=True)
class VaultFilter:
    """What a person narrowed the vault down to."""

    query: str = ""
    item_type: str = ""
    favorites: bool = False
    group: str = ""  # a collection id (organization) or folder id (own vault); "none" for no folder

    @classmethod
    def from_args(cls, args) -> VaultFilter:
        item_type = args.get("type", "")
        return cls(query=(args.get("q") or "").strip()[:MAX_QUERY],
                   item_type=item_type if item_type in ITEM_TYPES else "",
                   favorites=args.get("favorites") == "1", group=(args.get("group") or "")[:36])

    def as_args(self, **changes) -> dict:
        """This filter as query arguments, with some changed (for the filter links)."""
        values = {"q": self.query, "type": self.item_type, "favorites": "1" if self.favorites else "",
                  "group": self.group}
        values.update(changes)
        return {k: v for k, v in values.items() if v}


def _looks_like_address(query: str) -> bool:
    return "://" in query or ("." in query and " " not in query)


def _found(item: dict, needle: str, address: str | None) -> bool:
    login = item.get("login") or {}
    texts = [item["name"], item.get("subtitle", "")] + [u["uri"] for u in login.get("uris", [])]
    if any(needle in text.lower() for text in texts):
        return True
    return bool(address) and any(uri_matches(u["uri"], u["match"], address) for u in login.get("uris", []))


def in_group(item: dict, group: str, names: dict[str, str], personal: bool) -> bool:
    """Whether an item is in a folder, or in a collection or one nested under it."""
    if personal:
        return (item.get("folder_id") or "none") == group
    if group not in names:
        return group in item["collection_ids"]
    prefix = names[group] + "/"
    return any(c == group or names.get(c, "").startswith(prefix) for c in item["collection_ids"])


def select_items(items: list[dict], chosen: VaultFilter, names: dict[str, str], personal: bool) -> list[dict]:
    """The items that pass the filter, sorted by name. A web address also finds the items whose
    websites match it under their match detection rule."""
    needle = chosen.query.lower()
    address = None
    if needle and _looks_like_address(chosen.query):
        address = chosen.query if "://" in chosen.query else f"https://{chosen.query}"
    picked = [item for item in items
              if (not chosen.item_type or item["type"] == chosen.item_type)
              and (not chosen.favorites or item["favorite"])
              and (not chosen.group or in_group(item, chosen.group, names, personal))
              and (not needle or _found(item, needle, address))]
    return sorted(picked, key=lambda item: (item["name"].lower(), item.get("item_id") or ""))


def collection_tree(names: dict[str, str]) -> list[dict]:
    """Collections sorted by name, each with its depth and the last part of its name."""
    tree = []
    for group_id, name in sorted(names.items(), key=lambda pair: pair[1].lower()):
        parts = [p for p in name.split("/") if p.strip()] or [name]
        tree.append({"id": group_id, "name": name, "label": parts[-1].strip(), "depth": len(parts) - 1})
    return tree
