"""Enpass's JSON export: nested folders, and items whose template says what they are and whose fields are typed."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping

from .bitwarden import load_json
from .errors import ImportRefused
from .items import new_field, new_item, new_uri

LOGIN_FIELDS = ("username", "email", "password", "totp", "url")
# Enpass's identity template numbers its fields; these hold what a plain identity has a place for.
IDENTITY_UIDS = {130: "first_name", 131: "middle_name", 132: "last_name", 212: "ssn", 143: "address1",
                 144: "city", 145: "state", 146: "country", 147: "postal_code", 149: "phone", 137: "company",
                 165: "email"}
CARD_TYPES = {"ccName": "cardholder_name", "ccNumber": "number", "ccCvc": "code", "ccType": "brand"}
ANDROID_PREFIX = re.compile(r"^(?:androidapp://|android://)?(?:[^@/]*==@)?")


def looks_like_json(document: object) -> bool:
    """Whether a JSON document is Enpass's export: its items carry an Enpass template type."""
    items = document.get("items") if isinstance(document, Mapping) else None
    return isinstance(items, list) and any(isinstance(item, Mapping) and "template_type" in item for item in items)


def read(content: bytes) -> Iterator[tuple[dict, dict | None]]:
    """(place, plain item) for each item of an Enpass JSON export; items in its trash stay behind."""
    document = load_json(content)
    items = document.get("items") if isinstance(document, Mapping) else None
    if not isinstance(items, list) or not all(isinstance(item, Mapping) and "template_type" in item
                                              for item in items):
        raise ImportRefused("The file is not an Enpass JSON export: it has no list of “items” with a "
                            "“template_type”.")
    folders = _folder_paths(document.get("folders"))
    for number, item in enumerate(items, 1):
        try:
            yield {"entry": number}, None if item.get("trashed") else _plain(item, folders)
        except ImportRefused as error:
            raise error.located(entry=number) from None


def _text(value: object) -> str:
    return "" if value is None else str(value)


def _folder_paths(folders: object) -> dict[str, str]:
    """Each folder's path from the top ("Social/Twitter"), by its uuid."""
    listed = [folder for folder in (folders if isinstance(folders, list) else ()) if isinstance(folder, Mapping)]
    by_uuid = {_text(folder.get("uuid")): folder for folder in listed}
    paths: dict[str, str] = {}
    for uuid in by_uuid:
        parts, seen, current = [], set(), by_uuid.get(uuid)
        while current is not None and _text(current.get("uuid")) not in seen:  # a loop of parents ends here
            seen.add(_text(current.get("uuid")))
            parts.append(_text(current.get("title")).strip())
            current = by_uuid.get(_text(current.get("parent_uuid")))
        paths[uuid] = "/".join(part for part in reversed(parts) if part)
    return paths


def _plain(item: Mapping, folders: dict[str, str]) -> dict:
    name = _text(item.get("title"))
    if not name.strip():
        raise ImportRefused("The name is empty.")
    item_folders = item.get("folders") if isinstance(item.get("folders"), list) else []
    fields = [field for field in (item.get("fields") if isinstance(item.get("fields"), list) else ())
              if isinstance(field, Mapping) and not field.get("deleted") and field.get("type") != "section"
              and _text(field.get("value")).strip()]
    common = {"notes": _text(item.get("note")), "favorite": bool(item.get("favorite")),
              "folder": folders.get(_text(item_folders[0]), "") if item_folders else ""}
    template = _text(item.get("template_type"))
    if template.startswith("creditcard."):
        return _card(name, fields, common)
    if template.startswith("identity."):
        return _identity(name, fields, common)
    has_password = any(field.get("type") == "password" for field in fields)
    if template.startswith(("login.", "password.")) or has_password and not template.startswith("note."):
        return _login(name, fields, common)
    return new_item("note", name, fields=[_custom(field) for field in fields], **common)


def _custom(field: Mapping) -> dict:
    return new_field(_text(field.get("label")), _text(field.get("value")),
                     "hidden" if field.get("sensitive") else "text")


def _login(name: str, fields: list[Mapping], common: dict) -> dict:
    login = {"username": "", "password": "", "totp": "", "uris": []}
    custom = []
    for field in fields:
        kind, value = field.get("type"), _text(field.get("value"))
        if kind in ("username", "email") and not login["username"]:
            login["username"] = value
        elif kind in ("password", "totp") and not login[kind]:
            login[kind] = value.strip() if kind == "totp" else value
        elif kind == "url":
            login["uris"].append(new_uri(value.strip()))
        elif kind == ".Android#":
            # Enpass keeps an Android app as "android://<hash>==@com.example.app".
            login["uris"].append(new_uri("androidapp://" + ANDROID_PREFIX.sub("", value.strip())))
        else:
            custom.append(_custom(field))
    return new_item("login", name, login=login, fields=custom, **common)


def _card(name: str, fields: list[Mapping], common: dict) -> dict:
    card: dict[str, str] = {}
    custom = []
    for field in fields:
        kind, value = field.get("type"), _text(field.get("value"))
        if kind in CARD_TYPES and not card.get(CARD_TYPES[kind]):
            card[CARD_TYPES[kind]] = value
        elif kind == "ccExpiry" and not card.get("exp_year") and (expiry := _expiry(value)):
            card["exp_month"], card["exp_year"] = expiry
        else:
            custom.append(_custom(field))
    return new_item("card", name, card=card, fields=custom, **common)


def _expiry(value: str) -> tuple[str, str] | None:
    # Enpass writes "MM/YYYY" (or "MM/YY"); anything else stays a custom field as written.
    match = re.fullmatch(r"\s*(\d{1,2})\s*/\s*(\d{2}|\d{4})\s*", value)
    if not match:
        return None
    month, year = match.groups()
    return month.lstrip("0"), f"20{year}" if len(year) == 2 else year


def _identity(name: str, fields: list[Mapping], common: dict) -> dict:
    identity: dict[str, str] = {}
    custom = []
    for field in fields:
        key = IDENTITY_UIDS.get(field.get("uid")) if isinstance(field.get("uid"), int) else None
        if key and not identity.get(key):
            identity[key] = _text(field.get("value"))
        else:
            custom.append(_custom(field))
    return new_item("identity", name, identity=identity, fields=custom, **common)
