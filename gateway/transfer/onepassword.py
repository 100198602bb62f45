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
from .items import new_field, new_item, new_uri
from .reading import check_size

DATA_FILE = "export.data"
LOGIN, CARD, NOTE, IDENTITY, PASSWORD = "001", "002", "003", "004", "005"
CARD_IDS = {"cardholder": "cardholder_name", "type": "brand", "ccnum": "number", "cvv": "code"}
IDENTITY_IDS = {"firstname": "first_name", "initial": "middle_name", "lastname": "last_name",
                "company": "company", "email": "email", "defphone": "phone", "username": "username"}
ADDRESS_PARTS = {"street": "address1", "city": "city", "state": "state", "zip": "postal_code",
                 "country": "country"}
# Values that are text already, and whether 1Password hides them.
TEXT_KINDS = {"string": "text", "url": "text", "phone": "text", "menu": "text", "gender": "text",
              "creditCardType": "text", "creditCardNumber": "hidden", "concealed": "hidden", "totp": "hidden"}


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


def read_1pux(content: bytes, limits: ImportLimits) -> Iterator[tuple[dict, dict]]:
    """(place, plain item) for each item of each vault; the vault becomes the item's collection."""
    document = load_json(export_data(content, limits))
    accounts = document.get("accounts") if isinstance(document, Mapping) else None
    if not isinstance(accounts, list):
        raise ImportRefused("The file is not a 1PUX export: it has no accounts.")
    number = 0
    for account in accounts:
        for vault in _listed(account, "vaults"):
            attrs = vault.get("attrs") if isinstance(vault.get("attrs"), Mapping) else {}
            vault_name = str(attrs.get("name") or "").strip()
            for raw in _listed(vault, "items"):
                number += 1
                try:
                    yield {"entry": number}, _plain(raw, vault_name)
                except ImportRefused as error:
                    raise error.located(entry=number) from None


def _listed(holder: object, key: str) -> list[Mapping]:
    listed = holder.get(key) if isinstance(holder, Mapping) else None
    if listed is None:
        return []
    if not isinstance(listed, list) or not all(isinstance(x, Mapping) for x in listed):
        raise ImportRefused("The file is not a 1PUX export: its %(what)s are not readable.", what=key)
    return listed


def _text(value: object) -> str:
    return value if isinstance(value, str) else "" if value is None else str(value)


def _plain(raw: Mapping, vault_name: str) -> dict:
    overview = raw.get("overview") if isinstance(raw.get("overview"), Mapping) else {}
    details = raw.get("details") if isinstance(raw.get("details"), Mapping) else {}
    name = _text(overview.get("title"))
    if not name.strip():
        raise ImportRefused("The name is empty.")
    tags = [t for t in overview.get("tags") or () if isinstance(t, str) and t.strip()]
    favorite = isinstance(raw.get("favIndex"), int) and raw.get("favIndex", 0) > 0
    common = {"notes": _text(details.get("notesPlain")), "favorite": favorite, "folder": tags[0] if tags else "",
              "collections": [vault_name] if vault_name else []}
    category = raw.get("categoryUuid")
    section_fields = [f for section in details.get("sections") or () if isinstance(section, Mapping)
                      for f in section.get("fields") or () if isinstance(f, Mapping)]
    urls = [_text(u.get("url")) for u in overview.get("urls") or () if isinstance(u, Mapping) and u.get("url")]
    if not urls and overview.get("url"):
        urls = [_text(overview.get("url"))]
    if category in (LOGIN, PASSWORD):
        return _login(details, section_fields, urls, name, common)
    url_fields = [new_field("Website", url) for url in urls]
    if category == CARD:
        card, fields = _typed_parts(section_fields, CARD_IDS, with_address=False)
        return new_item("card", name, card=card, fields=url_fields + fields, **common)
    if category == IDENTITY:
        identity, fields = _typed_parts(section_fields, IDENTITY_IDS, with_address=True)
        return new_item("identity", name, identity=identity, fields=url_fields + fields, **common)
    # Secure notes, and the kinds plain items have no type for (servers, licences, ...), keep their fields.
    fields = [f for f in map(_field, section_fields) if f]
    return new_item("note", name, fields=url_fields + fields, **common)


def _login(details: Mapping, section_fields: list[Mapping], urls: list[str], name: str, common: dict) -> dict:
    login = {"username": "", "password": _text(details.get("password")), "totp": "",
             "uris": [new_uri(url) for url in urls]}
    for form_field in details.get("loginFields") or ():
        if isinstance(form_field, Mapping) and form_field.get("designation") in ("username", "password"):
            login[form_field["designation"]] = _text(form_field.get("value"))
    fields = []
    for section_field in section_fields:
        value = section_field.get("value") if isinstance(section_field.get("value"), Mapping) else {}
        if "totp" in value and not login["totp"]:
            login["totp"] = _text(value["totp"])
        elif field := _field(section_field):
            fields.append(field)
    return new_item("login", name, login=login, fields=fields, **common)


def _typed_parts(section_fields: list[Mapping], ids: dict[str, str],
                 with_address: bool) -> tuple[dict, list[dict]]:
    """The card or identity parts 1Password keeps under known field ids, and the other fields."""
    parts: dict[str, str] = {}
    fields = []
    for section_field in section_fields:
        value = section_field.get("value") if isinstance(section_field.get("value"), Mapping) else {}
        field_id = section_field.get("id")
        if field_id in ids and not parts.get(ids[field_id]):
            parts[ids[field_id]] = _value_text(value)[0]
        elif "monthYear" in value and field_id == "expiry":
            month_year = _text(value["monthYear"])
            parts["exp_year"], parts["exp_month"] = month_year[:4], month_year[4:].lstrip("0")
        elif with_address and isinstance(value.get("address"), Mapping):
            parts.update({key: _text(value["address"].get(part)) for part, key in ADDRESS_PARTS.items()})
        elif field := _field(section_field):
            fields.append(field)
    return parts, fields


def _field(section_field: Mapping) -> dict | None:
    """A custom field for one section field, None when it holds nothing to carry over."""
    value = section_field.get("value") if isinstance(section_field.get("value"), Mapping) else {}
    text, field_type = _value_text(value)
    if not text.strip():
        return None
    name = _text(section_field.get("title")) or _text(section_field.get("id"))
    return new_field(name, text, field_type)


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
