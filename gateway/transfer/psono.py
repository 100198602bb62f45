"""Psono's JSON export: nested folders of entries whose keys are prefixed by their type ("website_password_url")."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping

from .bitwarden import load_json
from .errors import ImportRefused
from .items import new_field, new_item, new_uri
from .reading import json_text

# What each entry type becomes, and which of its keys fill the plain item (the rest become custom fields).
LOGIN_TYPES = {"website_password", "application_password", "bookmark", "totp"}
NOTE_TYPES = {"note", "environment_variables", "mail_gpg_own_key", "ssh_own_key", "elster_certificate"}
CARD_TYPE = "credit_card"
# Psono's bookkeeping, nothing the person typed.
SKIPPED_KEYS = {"id", "name", "type", "create_date", "write_date", "urlfilter", "autosubmit", "deleted"}
HIDDEN_SUFFIXES = ("_password", "_pass", "_private", "_pin", "_cvc", "_secret", "_code")
BOOLEAN_SUFFIXES = ("_auto_submit", "_allow_http")


def _entries(document: object) -> Iterator[tuple[str, object]]:
    """(folder path, entry) for every entry, top-level ones first, then each folder's in document order."""
    if not isinstance(document, Mapping):
        return
    for entry in document.get("items") or ():
        yield "", entry
    stack = [("", iter(document.get("folders") or ()))]
    while stack:
        path, folders = stack[-1]
        folder = next(folders, None)
        if folder is None:
            stack.pop()
            continue
        if not isinstance(folder, Mapping):
            continue
        name = str(folder.get("name") or "").strip()
        inner = "/".join(part for part in (path, name) if part)
        for entry in folder.get("items") or ():
            yield inner, entry
        stack.append((inner, iter(folder.get("folders") or ())))


def looks_like_json(document: object) -> bool:
    """Whether a JSON document is Psono's export: entries whose keys start with their type's name."""
    if not isinstance(document, Mapping) or not isinstance(document.get("folders", []), list) or \
            not isinstance(document.get("items", []), list):
        return False
    for _, entry in _entries(document):
        return _is_entry(entry)
    return False


def _is_entry(entry: object) -> bool:
    kind = entry.get("type") if isinstance(entry, Mapping) else None
    return isinstance(kind, str) and any(key.startswith(f"{kind}_") for key in entry)


def read(content: bytes) -> Iterator[tuple[dict, dict]]:
    """(place, plain item) for each entry of a Psono JSON export; each folder path becomes the folder."""
    document = load_json(content)
    entries = list(_entries(document))
    if not isinstance(document, Mapping) or not entries or not all(_is_entry(entry) for _, entry in entries):
        raise ImportRefused("The file is not a Psono JSON export: it has no “items” or “folders” of entries "
                            "with a “type” such as “website_password”.")
    for number, (folder, entry) in enumerate(entries, 1):
        try:
            yield {"entry": number}, _plain(entry, folder)
        except ImportRefused as error:
            raise error.located(entry=number) from None


def _plain(entry: Mapping, folder: str) -> dict:
    kind = entry["type"]
    values = {key.removeprefix(f"{kind}_"): value for key, value in entry.items() if key.startswith(f"{kind}_")}
    name = json_text(values.pop("title", None) or entry.get("name"))
    if not name.strip():
        raise ImportRefused("The name is empty.")
    common = {"notes": json_text(values.pop("notes", None)), "folder": folder}
    if kind in LOGIN_TYPES:
        url = json_text(values.pop("url", None)).strip()
        login = {"username": json_text(values.pop("username", None)), "password": json_text(values.pop("password", None)),
                 "totp": json_text(values.pop("code" if kind == "totp" else "totp_code", None)).strip(),
                 "uris": [new_uri(url)] if url else []}
        return new_item("login", name, login=login, fields=_fields(kind, values, entry), **common)
    if kind == CARD_TYPE:
        valid_through = json_text(values.pop("valid_through", None))
        month, year = _valid_through(valid_through)
        if valid_through.strip() and not year:
            values["valid_through"] = valid_through  # not a date Psono writes: kept as written
        card = {"cardholder_name": json_text(values.pop("name", None)), "number": json_text(values.pop("number", None)),
                "code": json_text(values.pop("cvc", None)), "exp_month": month, "exp_year": year}
        return new_item("card", name, card=card, fields=_fields(kind, values, entry), **common)
    if kind in NOTE_TYPES:
        variables = values.pop("variables", None)
        fields = [new_field(json_text(pair.get("key")), json_text(pair.get("value")))
                  for pair in (variables if isinstance(variables, list) else ()) if isinstance(pair, Mapping)]
        return new_item("note", name, fields=fields + _fields(kind, values, entry), **common)
    raise ImportRefused("The item type “%(type)s” is not supported.", type=kind)


def _fields(kind: str, values: dict, entry: Mapping) -> list[dict]:
    """Custom fields for the entry's values left over, then for the keys no type names, then its own custom fields."""
    fields = []
    leftovers = [(f"{kind}_{key}", value) for key, value in values.items()]
    leftovers += [(key, value) for key, value in entry.items()
                  if not key.startswith(f"{kind}_") and key not in SKIPPED_KEYS and key != "custom_fields"]
    for key, value in leftovers:
        if isinstance(value, (Mapping, list)) or not json_text(value).strip():
            continue
        field_type = ("boolean" if isinstance(value, bool) or key.endswith(BOOLEAN_SUFFIXES)
                      else "hidden" if key.endswith(HIDDEN_SUFFIXES) else "text")
        fields.append(new_field(key, json_text(value).lower() if field_type == "boolean" else json_text(value), field_type))
    for custom in entry.get("custom_fields") or ():
        if isinstance(custom, Mapping):
            field_type = {"password": "hidden", "checkbox": "boolean"}.get(custom.get("type"), "text")
            fields.append(new_field(json_text(custom.get("name")), json_text(custom.get("value")).lower()
                                    if field_type == "boolean" else json_text(custom.get("value")), field_type))
    return fields


def _valid_through(value: str) -> tuple[str, str]:
    # Psono writes "MM / YY" (or "MMYY"); plain items hold the month number and the full year.
    match = re.fullmatch(r"\s*(\d{1,2})\s*/?\s*(\d{2}|\d{4})\s*", value)
    if not match:
        return "", ""
    month, year = match.groups()
    return month.lstrip("0"), f"20{year}" if len(year) == 2 else year
