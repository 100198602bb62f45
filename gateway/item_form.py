"""The item form: what a person typed, as a plain item, and what is wrong with it.

The form grows in place: "Add website" and "Add field" post it back with the values kept,
and changing the type re-renders it with that type's fields. Field names are flat
(`login_username`, `uri_0`, `match_0`, `card_number`, `field_name_0`, ...) so the form works
without JavaScript too.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from .vault_items import (CARD_PARTS, FIELD_TYPES, IDENTITY_PARTS, ITEM_TYPES, LOGIN_PARTS, URI_MATCHES, new_item,
                          totp_code)

MAX_TEXT, MAX_NAME, MAX_URIS, MAX_FIELDS = 10_000, 1_000, 50, 100
INTENTS = ("save", "add_uri", "add_field", "retype")

TYPE_LABELS = {"login": _l("Login"), "note": _l("Secure note"), "card": _l("Card"), "identity": _l("Identity")}
MATCH_LABELS = {"": _l("Default (base domain)"), "domain": _l("Base domain"), "host": _l("Host"),
                "starts_with": _l("Starts with"), "exact": _l("Exact"), "regex": _l("Regular expression"),
                "never": _l("Never")}
FIELD_TYPE_LABELS = {"text": _l("Text"), "hidden": _l("Hidden"), "boolean": _l("Checkbox")}
CARD_LABELS = {"cardholder_name": _l("Cardholder name"), "brand": _l("Brand"), "number": _l("Card number"),
               "exp_month": _l("Expiration month"), "exp_year": _l("Expiration year"),
               "code": _l("Security code")}
IDENTITY_LABELS = {"title": _l("Title"), "first_name": _l("First name"), "middle_name": _l("Middle name"),
                   "last_name": _l("Last name"), "address1": _l("Address 1"), "address2": _l("Address 2"),
                   "address3": _l("Address 3"), "city": _l("City / Town"), "state": _l("State / Province"),
                   "postal_code": _l("Zip / Postal code"), "country": _l("Country"), "company": _l("Company"),
                   "email": _l("Email"), "phone": _l("Phone"), "ssn": _l("Social security number"),
                   "username": _l("Username"), "passport_number": _l("Passport number"),
                   "license_number": _l("License number")}


def _text(form, name: str, limit: int = MAX_TEXT) -> str:
    return (form.get(name) or "")[:limit + 1]


def _indexes(form, *prefixes: str) -> list[int]:
    found = {int(k[len(p):]) for k in form for p in prefixes if k.startswith(p) and k[len(p):].isdigit()}
    return sorted(found)[:MAX_FIELDS + 1]


def item_from_form(form) -> tuple[dict, str]:
    """The plain item typed into the form, and what the person asked for (save, add_uri, ...)."""
    item_type = form.get("type") if form.get("type") in ITEM_TYPES else "login"
    item = new_item(item_type)
    item.update(name=_text(form, "name", MAX_NAME), notes=_text(form, "notes"),
                favorite=form.get("favorite") == "on", folder=form.get("folder_id") or "")
    item["collection_ids"] = form.getlist("collection_ids")
    item["fields"] = [{"name": _text(form, f"field_name_{i}", MAX_NAME), "value": _text(form, f"field_value_{i}"),
                       "type": form.get(f"field_type_{i}") if form.get(f"field_type_{i}") in FIELD_TYPES else "text"}
                      for i in _indexes(form, "field_name_", "field_value_")]
    uris = [{"uri": _text(form, f"uri_{i}").strip(), "match": form.get(f"match_{i}") or None}
            for i in _indexes(form, "uri_")]
    if item_type == "login":
        item["login"] = {part: _text(form, f"login_{part}") for part in LOGIN_PARTS}
        item["login"]["uris"] = uris
    elif item_type in ("card", "identity"):
        item[item_type] = {part: _text(form, f"{item_type}_{part}").strip()
                           for part in (CARD_PARTS if item_type == "card" else IDENTITY_PARTS)}
    intent = form.get("intent") if form.get("intent") in INTENTS else "save"
    if intent == "add_uri" and item_type == "login" and len(uris) < MAX_URIS:
        item["login"]["uris"].append({"uri": "", "match": None})
    if intent == "add_field" and len(item["fields"]) < MAX_FIELDS:
        item["fields"].append({"name": "", "value": "", "type": "text"})
    return item, intent


def problem_with(item: dict) -> str | None:
    """What is wrong with a typed item, in words for the person; None when it can be saved."""
    if not item["name"].strip():
        return _l("Enter the item's name.")
    if len(item["name"]) > MAX_NAME:
        return _l("The name is too long (at most %(count)s characters).", count=MAX_NAME)
    if len(item["notes"]) > MAX_TEXT:
        return _l("The notes are too long (at most %(count)s characters).", count=MAX_TEXT)
    if len(item["fields"]) > MAX_FIELDS:
        return _l("An item has at most %(count)s custom fields.", count=MAX_FIELDS)
    for field in item["fields"]:
        if field["value"] and not field["name"].strip():
            return _l("Give every custom field a name.")
        if len(field["value"]) > MAX_TEXT:
            return _l("A custom field is too long (at most %(count)s characters).", count=MAX_TEXT)
    parts = item.get(item["type"]) or {}
    if any(isinstance(v, str) and len(v) > MAX_TEXT for v in parts.values()):
        return _l("A field is too long (at most %(count)s characters).", count=MAX_TEXT)
    if item["type"] == "login":
        if len(parts["uris"]) > MAX_URIS:
            return _l("An item has at most %(count)s websites.", count=MAX_URIS)
        if any(u["match"] not in (None, *URI_MATCHES) for u in parts["uris"]):
            return _l("Choose a match detection from the list.")
        if parts["totp"].strip():
            if totp_code(parts["totp"]) is None:
                return _l("The authenticator key is not a valid TOTP secret (base32 or otpauth:// URI).")
    if item["type"] == "card":
        month, year = parts["exp_month"], parts["exp_year"]
        if month and not (month.isdigit() and 1 <= int(month) <= 12):
            return _l("The expiration month is a number from 1 to 12.")
        if year and not (year.isdigit() and len(year) in (2, 4)):
            return _l("The expiration year has 2 or 4 digits.")
    return None


def without_empty_rows(item: dict) -> dict:
    """The item as it will be saved: empty custom fields and websites left out."""
    item["fields"] = [f for f in item["fields"] if f["name"].strip() or f["value"]]
    if item["type"] == "login":
        item["login"]["uris"] = [u for u in item["login"]["uris"] if u["uri"]]
    return item
