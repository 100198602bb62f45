"""The plain item: one vault item in plaintext, which every format reads into and writes from.

Plain items live only in the gateway's memory, between opening an export file and sealing
the items for the vault (or between opening the vault and writing an export file).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from services.common.errors import Invalid
from services.common.validation import clean_name

from .errors import ImportRefused

TYPES = ("login", "note", "card", "identity")
FIELD_TYPES = ("text", "hidden", "boolean")
# None is "use the account's default", which Bitwarden stores as a null match.
MATCHES = (None, "domain", "host", "starts_with", "exact", "regex", "never")
LOGIN_KEYS = ("username", "password", "totp")
CARD_KEYS = ("cardholder_name", "brand", "number", "exp_month", "exp_year", "code")
IDENTITY_KEYS = ("title", "first_name", "middle_name", "last_name", "address1", "address2", "address3", "city",
                 "state", "postal_code", "country", "company", "email", "phone", "ssn", "username",
                 "passport_number", "license_number")
PART_KEYS = {"card": CARD_KEYS, "identity": IDENTITY_KEYS}

MAX_TEXT = 10_000
MAX_URIS = 50
MAX_FIELDS = 100
# Bitwarden keeps an item's five most recent old passwords, newest first.
MAX_HISTORY = 5


def new_field(name: str, value: str, type: str = "text") -> dict:
    """A custom field of an item."""
    return {"name": name, "value": value, "type": type}


def new_uri(uri: str, match: str | None = None) -> dict:
    """A website of a login, with how it is matched against the page being filled."""
    return {"uri": uri, "match": match}


def new_history_entry(password: str, last_used: str) -> dict:
    """An old password of an item and when it stopped being used (ISO 8601 UTC, as Bitwarden writes it)."""
    return {"password": password, "last_used": last_used}


def recent_history(entries: Iterable[Mapping]) -> list[dict]:
    """The most recent old passwords, newest first, as many as Bitwarden keeps; empty ones left out."""
    kept = [new_history_entry(e.get("password") or "", e.get("last_used") or "") for e in entries]
    kept = [e for e in kept if e["password"]]
    return sorted(kept, key=lambda e: e["last_used"], reverse=True)[:MAX_HISTORY]


def new_item(type: str, name: str, *, notes: str = "", favorite: bool = False, folder: str = "",
             collections: Iterable[str] = (), fields: Iterable[Mapping] = (), login: Mapping | None = None,
             card: Mapping | None = None, identity: Mapping | None = None,
             password_history: Iterable[Mapping] = ()) -> dict:
    """A complete plain item: every key of its type present, the parts not given left empty."""
    if type not in TYPES:
        raise ValueError(f"unknown item type {type!r}")
    item = {"type": type, "name": name, "notes": notes, "favorite": favorite, "folder": folder,
            "collections": list(collections), "fields": [dict(field) for field in fields],
            "password_history": [dict(entry) for entry in password_history]}
    for part, given in (("login", login), ("card", card), ("identity", identity)):
        if part == type:
            item[part] = _complete_part(part, given or {})
        elif given:
            raise ValueError(f"a {type} item has no {part} part")
    return item


def _complete_part(part: str, given: Mapping) -> dict:
    if part == "login":
        login = {key: given.get(key) or "" for key in LOGIN_KEYS}
        login["uris"] = [new_uri(u.get("uri") or "", u.get("match")) for u in given.get("uris") or ()]
        return login
    return {key: given.get(key) or "" for key in PART_KEYS[part]}


def completed(item: Mapping) -> dict:
    """A complete plain item from a partial one: missing keys and None values become empty.

    Vault items opened for a reader whose access hides passwords carry None for what is
    hidden; an export writes those as empty.
    """
    fields = [new_field(f.get("name") or "", f.get("value") or "", f.get("type") or "text")
              for f in item.get("fields") or ()]
    kind = item.get("type")
    if kind not in TYPES:
        raise ImportRefused("The item type “%(type)s” is not supported.", type=str(kind))
    parts = {kind: item.get(kind) or {}} if kind != "note" else {}
    return new_item(kind, item.get("name") or "", notes=item.get("notes") or "",
                    favorite=bool(item.get("favorite")), folder=item.get("folder") or "",
                    collections=[c for c in item.get("collections") or () if c], fields=fields,
                    password_history=[new_history_entry(e.get("password") or "", e.get("last_used") or "")
                                      for e in item.get("password_history") or ()], **parts)


def check_item(item: Mapping) -> None:
    """Raise ImportRefused when a plain item has a missing, mistyped or too long value."""
    if not isinstance(item, Mapping):
        raise ImportRefused("The item is not readable.")
    kind = item.get("type")
    if kind not in TYPES:
        raise ImportRefused("The item type “%(type)s” is not supported.", type=str(kind))
    name = item.get("name")
    _check_text(name, "name")
    if not name.strip():
        raise ImportRefused("The name is empty.")
    _check_text(item.get("notes"), "notes")
    _check_text(item.get("folder"), "folder")
    if not isinstance(item.get("favorite"), bool):
        raise ImportRefused("The favourite mark is not yes or no.")
    collections = item.get("collections")
    if not isinstance(collections, list):
        raise ImportRefused("The collections are not a list.")
    for collection in collections:
        _check_text(collection, "collection")
    for group in (item.get("folder"), *collections):  # they become collections: the services' name rule
        try:
            clean_name(group)
        except Invalid as refusal:
            raise ImportRefused(refusal.message) from None
    _check_fields(item.get("fields"))
    _check_history(item.get("password_history", []))
    for part in ("login", "card", "identity"):
        if part == kind:
            _check_part(part, item.get(part))
        elif item.get(part) is not None:
            raise ImportRefused("A %(type)s item cannot have %(part)s details.", type=kind, part=part)


def _check_fields(fields: object) -> None:
    if not isinstance(fields, list):
        raise ImportRefused("The custom fields are not a list.")
    if len(fields) > MAX_FIELDS:
        raise ImportRefused("The item has more than %(limit)s custom fields.", limit=MAX_FIELDS)
    for field in fields:
        if not isinstance(field, Mapping):
            raise ImportRefused("A custom field is not readable.")
        _check_text(field.get("name"), "custom field name")
        _check_text(field.get("value"), "custom field value")
        if field.get("type") not in FIELD_TYPES:
            raise ImportRefused("The custom field type “%(type)s” is not supported.", type=str(field.get("type")))


def _check_history(history: object) -> None:
    if not isinstance(history, list):
        raise ImportRefused("The password history is not a list.")
    if len(history) > MAX_HISTORY:
        raise ImportRefused("The password history holds more than %(limit)s passwords.", limit=MAX_HISTORY)
    for entry in history:
        if not isinstance(entry, Mapping):
            raise ImportRefused("An old password is not readable.")
        _check_text(entry.get("password"), "old password")
        _check_text(entry.get("last_used"), "date an old password was last used")


def _check_part(part: str, values: object) -> None:
    if not isinstance(values, Mapping):
        raise ImportRefused("The %(part)s details are missing.", part=part)
    for key in LOGIN_KEYS if part == "login" else PART_KEYS[part]:
        _check_text(values.get(key), key.replace("_", " "))
    if part != "login":
        return
    uris = values.get("uris")
    if not isinstance(uris, list):
        raise ImportRefused("The websites are not a list.")
    if len(uris) > MAX_URIS:
        raise ImportRefused("The item has more than %(limit)s websites.", limit=MAX_URIS)
    for uri in uris:
        if not isinstance(uri, Mapping):
            raise ImportRefused("A website is not readable.")
        _check_text(uri.get("uri"), "website")
        if uri.get("match") not in MATCHES:
            raise ImportRefused("The website match “%(match)s” is not supported.", match=str(uri.get("match")))


def _check_text(value: object, what: str) -> None:
    if not isinstance(value, str):
        raise ImportRefused("The value of %(part)s is not text.", part=what)
    if len(value) > MAX_TEXT:
        raise ImportRefused("The value of %(part)s is longer than %(limit)s characters.", part=what, limit=MAX_TEXT)
