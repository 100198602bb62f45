"""1Password's 1PUX export: a ZIP file whose export.data lists accounts, their vaults and items."""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Iterator, Mapping
from datetime import datetime, timezone

from services.common.config import ImportLimits

from .bitwarden import load_json
from .errors import ImportRefused
from .items import new_field, new_history_entry, new_item, new_uri, recent_history
from .reading import check_size

DATA_FILE = "export.data"
LOGIN, CARD, NOTE, IDENTITY, PASSWORD = "001", "002", "003", "004", "005"
DATABASE, DRIVERS_LICENSE, OUTDOOR_LICENSE, MEMBERSHIP, PASSPORT = "102", "103", "104", "105", "106"
REWARDS_PROGRAM, SOCIAL_SECURITY_NUMBER, SERVER, API_CREDENTIAL = "107", "108", "110", "112"
LOGIN_CATEGORIES = (LOGIN, PASSWORD, DATABASE, SERVER, API_CREDENTIAL)
# The identity parts each kind of identity keeps under its own field ids (as Bitwarden's importer
# reads them); "name" fields hold a full name, split into first, middle and last.
IDENTITY_CATEGORIES = {
    IDENTITY: {},
    DRIVERS_LICENSE: {"fullname": "name", "address": "address1", "country": "country", "state": "state",
                      "number": "license_number"},
    OUTDOOR_LICENSE: {"name": "name", "country": "country", "state": "state"},
    MEMBERSHIP: {"member_name": "name", "org_name": "company", "phone": "phone"},
    PASSPORT: {"fullname": "name", "issuing_country": "country", "number": "passport_number"},
    REWARDS_PROGRAM: {"member_name": "name", "company_name": "company"},
    SOCIAL_SECURITY_NUMBER: {"name": "name", "number": "ssn"},
}
# Items in 1Password's archive or its trash: the person put them away, so they are not brought over.
PUT_AWAY = ("archived", "deleted", "trashed")
CARD_IDS = {"cardholder": "cardholder_name", "type": "brand", "ccnum": "number", "cvv": "code"}
IDENTITY_IDS = {"firstname": "first_name", "initial": "middle_name", "lastname": "last_name",
                "company": "company", "email": "email", "defphone": "phone", "username": "username"}
ADDRESS_PARTS = {"street": "address1", "city": "city", "state": "state", "zip": "postal_code",
                 "country": "country"}
# Values that are text already, and whether 1Password hides them.
TEXT_KINDS = {"string": "text", "url": "text", "phone": "text", "menu": "text", "gender": "text",
              "creditCardType": "text", "creditCardNumber": "hidden", "concealed": "hidden", "totp": "hidden"}
# How 1Password marks the kind of a login form field: P a password, C a checkbox.
FORM_FIELD_TYPES = {"P": "hidden", "C": "boolean"}


def export_data(content: bytes, limits: ImportLimits) -> bytes:
    """The export.data file inside a 1PUX file, refusing what is not one."""
    if not zipfile.is_zipfile(io.BytesIO(content)):
        raise ImportRefused("The file is not a 1PUX export: it is not a ZIP file.")
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            try:
                info = archive.getinfo(DATA_FILE)
            except KeyError:
                raise ImportRefused("The ZIP file holds no export.data: it is not a 1PUX export.") from None
            # The declared size can lie; reading one byte past the limit catches a ZIP bomb either way.
            with archive.open(info) as stream:
                data = stream.read(limits.file_bytes + 1)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError):
        raise ImportRefused("The 1PUX file is damaged and cannot be opened.") from None
    check_size(data, limits)
    return data


def read_1pux(content: bytes, limits: ImportLimits) -> Iterator[tuple[dict, dict | None]]:
    """(place, plain item) for each item of each vault; the vault becomes the item's collection.

    Archived and trashed items give None. A tag differing only in case from one seen before
    names the same folder, spelled as first seen.
    """
    document = load_json(export_data(content, limits))
    accounts = document.get("accounts") if isinstance(document, Mapping) else None
    if not isinstance(accounts, list):
        raise ImportRefused("The file is not a 1PUX export: it has no accounts.")
    folders: dict[str, str] = {}
    number = 0
    for account in accounts:
        for vault in _listed(account, "vaults"):
            attrs = vault.get("attrs") if isinstance(vault.get("attrs"), Mapping) else {}
            vault_name = str(attrs.get("name") or "").strip()
            for raw in _listed(vault, "items"):
                number += 1
                if raw.get("state") in PUT_AWAY or raw.get("trashed") is True:  # older exports say "trashed"
                    yield {"entry": number}, None
                    continue
                try:
                    item = _plain(raw, vault_name)
                except ImportRefused as error:
                    raise error.located(entry=number) from None
                if item["folder"]:
                    item["folder"] = folders.setdefault(item["folder"].lower(), item["folder"])
                yield {"entry": number}, item


def _listed(holder: object, key: str) -> list[Mapping]:
    listed = holder.get(key) if isinstance(holder, Mapping) else None
    if listed is None:
        return []
    if not isinstance(listed, list) or not all(isinstance(x, Mapping) for x in listed):
        raise ImportRefused("The file is not a 1PUX export: its %(what)s are not readable.", what=key)
    return listed


def _text(value: object) -> str:
    return value if isinstance(value, str) else "" if value is None else str(value)


def _mapping(value: object) -> Mapping:
    return value if isinstance(value, Mapping) else {}


def _plain(raw: Mapping, vault_name: str) -> dict:
    overview, details = _mapping(raw.get("overview")), _mapping(raw.get("details"))
    name = _text(overview.get("title"))
    if not name.strip():
        raise ImportRefused("The name is empty.")
    tags = [t.strip() for t in overview.get("tags") or () if isinstance(t, str) and t.strip()]
    favorite = isinstance(raw.get("favIndex"), int) and raw.get("favIndex", 0) > 0
    history = _history(details.get("passwordHistory"))
    common = {"notes": _text(details.get("notesPlain")), "favorite": favorite, "folder": tags[0] if tags else "",
              "collections": [vault_name] if vault_name else [], "password_history": history}
    category = raw.get("categoryUuid")
    # (section title, field) for every field of every section: a field without a title is named by its section.
    section_fields = [(_text(section.get("title")), f) for section in details.get("sections") or ()
                      if isinstance(section, Mapping) for f in section.get("fields") or () if isinstance(f, Mapping)]
    urls = [_text(u.get("url")) for u in overview.get("urls") or () if isinstance(u, Mapping) and u.get("url")]
    if not urls and overview.get("url"):
        urls = [_text(overview.get("url"))]
    if category in LOGIN_CATEGORIES:
        return _login(category, details, section_fields, urls, name, common)
    url_fields = [new_field("Website", url) for url in urls]
    if category == CARD:
        card, fields = _typed_parts(section_fields, CARD_IDS, {}, with_address=False)
        return new_item("card", name, card=card, fields=url_fields + fields, **common)
    if category in IDENTITY_CATEGORIES:
        identity, fields = _typed_parts(section_fields, IDENTITY_IDS, IDENTITY_CATEGORIES[category], with_address=True)
        return new_item("identity", name, identity=identity, fields=url_fields + fields, **common)
    # Secure notes, and the kinds plain items have no type for (bank accounts, software licences,
    # email accounts, routers, medical records, SSH keys, ...), keep their fields.
    fields = [f for section_title, section_field in section_fields for f in _fields(section_field, section_title)]
    return new_item("note", name, fields=url_fields + fields, **common)


def _history(entries: object) -> list[dict]:
    """1Password's old passwords ({value, time} with time in seconds, or milliseconds) as plain history."""
    history = []
    for entry in entries if isinstance(entries, list) else ():
        if not isinstance(entry, Mapping) or not isinstance(entry.get("time"), int) or not _text(entry.get("value")):
            continue
        stamp = entry["time"] / 1000 if len(str(entry["time"])) >= 13 else entry["time"]
        try:
            when = datetime.fromtimestamp(stamp, timezone.utc)
        except (OverflowError, OSError, ValueError):
            continue
        history.append(new_history_entry(_text(entry["value"]), when.strftime("%Y-%m-%dT%H:%M:%S.000Z")))
    return recent_history(history)


def _login(category: str, details: Mapping, section_fields: list[tuple[str, Mapping]], urls: list[str], name: str,
           common: dict) -> dict:
    login = {"username": "", "password": _text(details.get("password")), "totp": "",
             "uris": [new_uri(url) for url in urls]}
    fields = []
    for form_field in details.get("loginFields") or ():
        if not isinstance(form_field, Mapping):
            continue
        value = form_field.get("value")
        if isinstance(value, Mapping):  # a masked email address (Fastmail) stands for its address
            value = value.get("email_address")
        value = _text(value)
        if form_field.get("designation") in ("username", "password") and value:
            login[form_field["designation"]] = value
            continue
        field_type = FORM_FIELD_TYPES.get(form_field.get("fieldType"), "text")
        if field_type == "boolean":
            value = "true" if value else "false"  # 1Password writes "✓" for a ticked box, "" for one not
        if value.strip():
            fields.append(new_field(_text(form_field.get("name")) or _text(form_field.get("id")), value, field_type))
    old_passwords = {entry["password"] for entry in common["password_history"]}
    for section_title, section_field in section_fields:
        value = _mapping(section_field.get("value"))
        text = _value_text(value)[0]
        title, field_id = _text(section_field.get("title")), _text(section_field.get("id"))
        if not text.strip():
            continue
        if "totp" in value and not login["totp"]:
            login["totp"] = text
        elif title in ("username", "password") and not login[title] and "email" not in value:
            login[title] = text
        elif category == SERVER and field_id == "url" and not login["uris"]:
            login["uris"] = [new_uri(text)]
        elif category == API_CREDENTIAL and title == "credential" and not login["password"]:
            login["password"] = text
        elif category == API_CREDENTIAL and title == "hostname" and not login["uris"]:
            login["uris"] = [new_uri(text)]  # as 1Password holds it, with its scheme when it has one
        elif title == "password" and text in old_passwords:
            continue  # 1Password repeats an old password here; it is in the history already
        else:
            fields += _fields(section_field, section_title)
    return new_item("login", name, login=login, fields=fields, **common)


def _typed_parts(section_fields: list[tuple[str, Mapping]], ids: dict[str, str], own_ids: dict[str, str],
                 with_address: bool) -> tuple[dict, list[dict]]:
    """The card or identity parts 1Password keeps under known field ids, and the other fields.

    `own_ids` are the ids a kind of identity (a passport, a licence) keeps its parts under.
    """
    parts: dict[str, str] = {}
    fields = []
    for section_title, section_field in section_fields:
        value = _mapping(section_field.get("value"))
        field_id = section_field.get("id")
        text = _value_text(value)[0]
        own = own_ids.get(field_id) if isinstance(field_id, str) else None
        if own == "name" and text.strip() and not parts.get("first_name"):
            parts.update(_full_name(text))
        elif own and own != "name" and text.strip() and not parts.get(own):
            parts[own] = text
        elif with_address and isinstance(value.get("email"), Mapping) and not parts.get("email"):
            parts["email"] = _text(value["email"].get("email_address"))
            fields += [new_field("provider", provider)] if (provider := _text(value["email"].get("provider"))) else []
        elif field_id in ids and not parts.get(ids[field_id]) and text.strip():
            parts[ids[field_id]] = text
        elif "monthYear" in value and field_id == "expiry" and not with_address:
            month_year = _text(value["monthYear"])
            parts["exp_year"], parts["exp_month"] = month_year[:4], month_year[4:].lstrip("0")
        elif with_address and isinstance(value.get("address"), Mapping):
            address = value["address"]
            parts.update({key: _text(address.get(part)) for part, key in ADDRESS_PARTS.items()})
            parts["country"] = parts["country"].upper()  # 1Password writes the ISO code in lower case
        else:
            fields += _fields(section_field, section_title)
    return parts, fields


def _full_name(name: str) -> dict[str, str]:
    """First, middle and last name of a full name, split at spaces as Bitwarden's importers split it."""
    words = name.strip().split(" ")
    if len(words) == 1:
        return {"first_name": words[0]}
    if len(words) == 2:
        return {"first_name": words[0], "last_name": words[1]}
    return {"first_name": words[0], "middle_name": words[1], "last_name": " ".join(words[2:])}


def _fields(section_field: Mapping, section_title: str = "") -> list[dict]:
    """The custom fields of one section field: none when it holds nothing, two for an email and its provider."""
    value = _mapping(section_field.get("value"))
    text, field_type = _value_text(value)
    if not text.strip():
        return []
    name = _text(section_field.get("title")) or section_title or _text(section_field.get("id"))
    fields = [new_field(name, text, field_type)]
    if isinstance(value.get("email"), Mapping) and _text(value["email"].get("provider")):
        fields.append(new_field("provider", _text(value["email"]["provider"])))
    return fields
def _value_text(value: Mapping) -> tuple[str, str]:
    """The text of a 1PUX field value, whatever its kind, and the field type that fits it."""
    for kind, field_type in TEXT_KINDS.items():
        if kind in value:
            return _text(value[kind]), field_type
    if "email" in value:
        email = value["email"]
        return (_text(email.get("email_address")) if isinstance(email, Mapping) else _text(email)), "text"
    if isinstance(value.get("date"), int):
        try:
            return datetime.fromtimestamp(value["date"], timezone.utc).date().isoformat(), "text"
        except (OverflowError, OSError, ValueError):
            return str(value["date"]), "text"
    if "monthYear" in value:
        month_year = _text(value["monthYear"])
        return f"{month_year[4:]}/{month_year[:4]}", "text"
    if isinstance(value.get("address"), Mapping):
        parts = (_text(value["address"].get(part)) for part in ADDRESS_PARTS)
        return ", ".join(part for part in parts if part.strip()), "text"
    if isinstance(value.get("sshKey"), Mapping):
        return _text(value["sshKey"].get("privateKey")), "hidden"
    # Files, references to other items and unknown kinds carry nothing a plain item can hold.
    return "", "text"
