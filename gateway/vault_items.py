"""Vault items as people read them, and as orgs stores them: sealed field by field.

A *plain item* (the shape `gateway.transfer` reads and writes) lives only in this process's
memory. `seal_item` turns one into the `data` orgs stores, every text an EncString under the
org key or the user key; `open_item` turns stored data back into a plain item for one reader,
leaving out what their access hides.
"""
from __future__ import annotations

import hashlib
import time
from datetime import datetime, timezone
from urllib.parse import parse_qs, unquote, urlsplit

import pyotp
import regex
from flask_babel import lazy_gettext as _l
from publicsuffixlist import PublicSuffixList

from services.common.errors import Invalid
from services.common.validation import clean_name

from .crypto import EncStringError, SymmetricKey
from .refusals import refusal_text
from .transfer.items import CARD_KEYS as CARD_PARTS
from .transfer.items import FIELD_TYPES  # noqa: F401 - the item form takes it from here
from .transfer.items import IDENTITY_KEYS as IDENTITY_PARTS
from .transfer.items import LOGIN_KEYS as LOGIN_PARTS
from .transfer.items import MATCHES, MAX_HISTORY, TYPES
from .transfer.items import new_item as new_plain_item

ITEM_TYPES = TYPES
URI_MATCHES = tuple(m for m in MATCHES if m)
# What "except passwords" access keeps from a reader: secrets, not the labels around them.
HIDDEN_PARTS = {"login": ("password", "totp"), "card": ("number", "code"), "identity": ("ssn", "passport_number")}
UNREADABLE = _l("(cannot be decrypted)")


def new_item(item_type: str = "login") -> dict:
    """An empty plain item of `item_type` with every key present."""
    return new_plain_item(item_type, "")


# --- sealing and opening -------------------------------------------------------------------------

def name_to_seal(value: str, if_empty: str) -> tuple[str, str | None]:
    """A collection's or folder's name as typed, cleaned by the services' own name rule (they only
    ever see it sealed), and what is wrong with it in the reader's language (`if_empty` when there
    is nothing left), or None."""
    try:
        name = clean_name(value)
    except Invalid as refusal:
        return value, refusal_text(refusal)
    return name, None if name else if_empty


def _seal(key: SymmetricKey, value: str) -> str | None:
    return key.encrypt_text(value) if value else None


def opened_text(key: SymmetricKey, value) -> str:
    """A sealed text opened, "" when there is none, and a notice (never an error) when it does not open."""
    if not value or not isinstance(value, str):
        return ""
    try:
        return key.decrypt_text(value)
    except EncStringError:
        return str(UNREADABLE)


def seal_item(key: SymmetricKey, item: dict) -> tuple[str, dict]:
    """The type and the sealed `data` of a plain item (folder, favourite and collections live elsewhere)."""
    item_type = item["type"]
    data: dict = {"name": _seal(key, item["name"].strip()), "notes": _seal(key, item.get("notes", "")),
                  "fields": [{"name": _seal(key, f["name"]), "value": _seal(key, f.get("value", "")),
                              "type": f.get("type", "text")} for f in item.get("fields", [])]}
    if item_type == "login":
        login = item.get("login") or {}
        data["login"] = {part: _seal(key, login.get(part, "")) for part in LOGIN_PARTS}
        data["login"]["uris"] = [{"uri": _seal(key, u["uri"]), "match": u.get("match")}
                                 for u in login.get("uris", []) if u.get("uri")]
    elif item_type in ("card", "identity"):
        parts = item.get(item_type) or {}
        data[item_type] = {part: _seal(key, parts.get(part, "")) for part in
                           (CARD_PARTS if item_type == "card" else IDENTITY_PARTS)}
    if item.get("password_history"):  # dates sealed too: orgs keeps no text unsealed, and they tell of changes
        data["password_history"] = [{"password": _seal(key, e["password"]), "last_used": _seal(key, e["last_used"])}
                                    for e in item["password_history"]]
    return item_type, data


def _open_uri(key: SymmetricKey, stored) -> dict:
    if isinstance(stored, str):  # items saved before URIs had match rules
        return {"uri": opened_text(key, stored), "match": None}
    return {"uri": opened_text(key, stored.get("uri")), "match": stored.get("match")}


def open_item(key: SymmetricKey, stored: dict) -> dict:
    """A stored item (as orgs returns it) as its reader may read it, with the API's facts about it."""
    data, item_type = stored["data"], stored["type"]
    hidden = bool(stored.get("passwords_hidden"))
    item = new_item(item_type)
    item.update(name=opened_text(key, data.get("name")), notes=opened_text(key, data.get("notes")),
                favorite=bool(stored.get("favorite")))
    item["fields"] = [{"name": opened_text(key, f.get("name")), "type": f.get("type", "text"),
                       "value": None if hidden and f.get("type") == "hidden" else opened_text(key, f.get("value"))}
                      for f in data.get("fields") or []]
    if item_type == "login":
        login = data.get("login") or {}
        item["login"] = {part: opened_text(key, login.get(part)) for part in LOGIN_PARTS}
        item["login"]["uris"] = [_open_uri(key, u) for u in login.get("uris") or []]
    elif item_type in ("card", "identity"):
        parts = data.get(item_type) or {}
        item[item_type] = {part: opened_text(key, parts.get(part)) for part in item[item_type]}
    # Old passwords are passwords: a reader whose access hides them does not get them either.
    item["password_history"] = [] if hidden else [
        {"password": opened_text(key, e.get("password")), "last_used": opened_text(key, e.get("last_used"))}
        for e in data.get("password_history") or []]
    if hidden:
        for part in HIDDEN_PARTS.get(item_type, ()):
            item[item_type][part] = None
    item.update({fact: stored.get(fact) for fact in ("item_id", "organization_id", "folder_id", "revision",
                                                      "deleted_at")})
    item.update(collection_ids=stored.get("collection_ids", []), permission=stored.get("permission", "manage"),
                passwords_hidden=hidden)
    item["subtitle"] = subtitle(item)
    return item


def keep_hidden_parts(new_data: dict, old_data: dict, item_type: str) -> dict:
    """`new_data` with the secrets its editor could not see taken over, unseen, from `old_data`."""
    for part in HIDDEN_PARTS.get(item_type, ()):
        if item_type in new_data:
            new_data[item_type][part] = (old_data.get(item_type) or {}).get(part)
    unseen = [f for f in old_data.get("fields") or [] if f.get("type") == "hidden"]
    new_data["fields"] = [f for f in new_data.get("fields", []) if f.get("type") != "hidden"] + unseen
    new_data.pop("password_history", None)
    if old_data.get("password_history"):
        new_data["password_history"] = old_data["password_history"]
    return new_data


def history_after_edit(old: dict, new: dict, now: datetime | None = None) -> list[dict]:
    """The password history of an item edited from `old` to `new`, as Bitwarden keeps it.

    A login's password that changed (or went) joins the history, and so does a hidden custom
    field whose value changed or which went, as "name: value"; newest first, the last five kept.
    """
    now = now or datetime.now(timezone.utc)
    stamp = now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z"  # Bitwarden's lastUsedDate
    added = []
    old_password = (old.get("login") or {}).get("password") if old["type"] == "login" else None
    if old_password and old_password != ((new.get("login") or {}).get("password") or ""):
        added.append({"password": old_password, "last_used": stamp})
    new_hidden = {f["name"]: f["value"] for f in new.get("fields") or [] if f.get("type") == "hidden" and f["name"]}
    for field in old.get("fields") or []:
        if field.get("type") == "hidden" and field.get("name") and field.get("value") \
                and new_hidden.get(field["name"]) != field["value"]:
            added.append({"password": f"{field['name']}: {field['value']}", "last_used": stamp})
    return (added[::-1] + list(old.get("password_history") or []))[:MAX_HISTORY]


def subtitle(item: dict) -> str:
    """The line under an item's name in a list: its username, card or person."""
    if item["type"] == "login":
        return item["login"]["username"]
    if item["type"] == "card":
        card, number = item["card"], item["card"]["number"] or ""
        return " ".join(p for p in (card["brand"], f"*{number[-4:]}" if number else "") if p)
    if item["type"] == "identity":
        identity = item["identity"]
        return " ".join(p for p in (identity["first_name"], identity["last_name"]) if p)
    return ""


def reseal(data, old_key: SymmetricKey, new_key: SymmetricKey):
    """`data` with every EncString opened with `old_key` and sealed again with `new_key`."""
    if isinstance(data, dict):
        return {k: (v if k in ("type", "match") else reseal(v, old_key, new_key)) for k, v in data.items()}
    if isinstance(data, list):
        return [reseal(v, old_key, new_key) for v in data]
    if isinstance(data, str):
        return new_key.encrypt(old_key.decrypt(data))
    return data


# --- TOTP --------------------------------------------------------------------------------------

class StoredTotp(pyotp.TOTP):
    """A third party's TOTP seed: many sites still issue 80-bit ones, which a vault must accept."""

    min_secret_length_bits = 40


def totp_from_seed(seed: str) -> StoredTotp:
    """The TOTP generator of a seed given as base32 text or as an otpauth:// URI; ValueError if neither."""
    seed = seed.strip()
    digits, period, digest = 6, 30, hashlib.sha1
    if seed.lower().startswith("otpauth://"):
        parts = urlsplit(seed)
        if parts.netloc.lower() != "totp":
            raise ValueError("only time-based codes are supported")
        query = {k.lower(): v[0] for k, v in parse_qs(parts.query).items()}
        seed = unquote(query.get("secret", ""))
        digits, period = int(query.get("digits", 6)), int(query.get("period", 30))
        digest = {"sha1": hashlib.sha1, "sha256": hashlib.sha256, "sha512": hashlib.sha512}.get(
            query.get("algorithm", "sha1").lower(), hashlib.sha1)
    secret = seed.replace(" ", "").replace("-", "").upper()
    if not secret or not 10 <= period <= 300:
        raise ValueError("no secret")
    return StoredTotp(secret, digits=digits, interval=period, digest=digest)


def totp_code(seed: str, now: float | None = None) -> tuple[str, int, int] | None:
    """(code, seconds left, period) for a seed now, or None when the seed is not a valid TOTP key."""
    try:
        generator = totp_from_seed(seed)
        now = time.time() if now is None else now
        return generator.at(now), int(generator.interval - now % generator.interval), generator.interval
    except (ValueError, TypeError):  # binascii.Error, a bad base32 seed, is a ValueError
        return None


# --- URI match detection -------------------------------------------------------------------------

_SUFFIXES = PublicSuffixList()


def website_host(uri: str) -> str:
    """The host name of a website as an item stores it (with or without a scheme), lower-case."""
    return (urlsplit(uri if "://" in uri else f"https://{uri}").hostname or "").lower()


def registrable_domain(host: str) -> str:
    """The registrable domain of a host (`accounts.google.co.uk` is `google.co.uk`), by the Public Suffix List."""
    return _SUFFIXES.privatesuffix(host) or host


def uri_matches(stored: str, match: str | None, url: str) -> bool:
    """Whether a page at `url` matches an item's URI under its match rule (Bitwarden's rules)."""
    if not stored or not url or match == "never":
        return False
    if match == "exact":
        return url == stored
    if match == "starts_with":
        return url.startswith(stored)
    if match == "regex":
        try:  # a pattern someone typed must not hold a gateway worker: give it 50 ms
            return regex.search(stored, url, flags=regex.IGNORECASE, timeout=0.05) is not None
        except (regex.error, TimeoutError):
            return False
    stored_host, host = website_host(stored), website_host(url)
    if not stored_host or not host:
        return False
    if match == "host":
        return stored_host == host and (urlsplit(stored).port == urlsplit(url).port if "://" in stored else True)
    return registrable_domain(stored_host) == registrable_domain(host)


# --- imports -------------------------------------------------------------------------------------

def _named_collections(item: dict) -> list[str]:
    # Bitwarden turns folders into collections when a personal export goes into an organization.
    names = list(item.get("collections") or []) or ([item["folder"]] if item.get("folder") else [])
    return [n.strip() for n in names if n and n.strip()]


def sealed_import(key: SymmetricKey, items: list[dict], collection_ids_by_name: dict[str, str]) -> dict:
    """The body of an import for orgs: every item sealed, placed in the collections its file names
    (existing ones by name, case-insensitively; the others created, their names sealed too)."""
    existing = {name.lower(): collection_id for name, collection_id in collection_ids_by_name.items()}
    new_names: list[str] = []
    sealed = []
    for item in items:
        entry: dict = {"collection_ids": [], "new_collections": []}
        for name in _named_collections(item):
            if name.lower() in existing:
                entry["collection_ids"].append(existing[name.lower()])
                continue
            if name not in new_names:
                new_names.append(name)
            entry["new_collections"].append(new_names.index(name))
        entry["type"], entry["data"] = seal_item(key, item)
        sealed.append(entry)
    return {"new_collections": [key.encrypt_text(n) for n in new_names], "items": sealed}
