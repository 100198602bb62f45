"""Keeper's exports: the CSV file (no header, one record a line) and the JSON file of typed records."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator, Mapping
from datetime import datetime, timezone

from .bitwarden import load_json
from .errors import ImportRefused
from .items import new_field, new_item, new_uri
from .reading import NO_ITEMS
from .wide_csv import records

# Keeper's CSV columns by position; custom fields follow as name, value pairs.
CSV_COLUMNS = ("Folder", "Title", "Login", "Password", "Website Address", "Notes", "Shared Folder")
CSV_MIN_COLUMNS = 6
TWO_FACTOR = "TFC:Keeper"
PATH_SEPARATOR = "\\"
JSON_KEYS = ("records",)

IDENTITY_TYPES = {"address", "contact", "passport", "driverLicense", "ssnCard"}
NUMBER_KEYS = {"passportNumber": "passport_number", "dlNumber": "license_number", "identityNumber": "ssn"}
ADDRESS_KEYS = {"street1": "address1", "street2": "address2", "city": "city", "state": "state",
                "zip": "postal_code", "country": "country"}
# How Keeper's field types read as custom field names when the field has no label of its own.
FIELD_NAMES = {"accountNumber": "Account number", "licenseNumber": "License number", "birthDate": "Date of birth",
               "expirationDate": "Expiration date", "date": "Date", "text": "Text", "multiline": "Text",
               "secret": "Hidden", "pinCode": "PIN", "email": "Email", "phone": "Phone", "name": "Name",
               "address": "Address", "note": "Note", "checkbox": "Checkbox", "url": "Website",
               "oneTimeCode": "TOTP", "login": "Login", "password": "Password"}
HIDDEN_TYPES = {"secret", "pinCode", "password", "oneTimeCode"}
DATE_TYPES = {"date", "birthDate", "expirationDate"}


def _path(value: str) -> str:
    # Keeper nests folders with backslashes: "Work\Servers".
    return "/".join(part.strip() for part in value.split(PATH_SEPARATOR) if part.strip())


def _login_or_note(name: str, login: dict, **common) -> dict:
    """A login, or a secure note when there is no username, password, website or TOTP to fill."""
    if any(login[key] for key in ("username", "password", "totp", "uris")):
        return new_item("login", name, login=login, **common)
    return new_item("note", name, **common)


def read_csv(content: bytes) -> Iterator[tuple[dict, dict]]:
    """(place, plain item) for each line of Keeper's CSV export."""
    found = False
    for line, cells in records(content):
        if not found and [cell.strip().lower() for cell in cells[:2]] == ["folder", "title"]:
            continue  # Keeper's import template names its columns; its export does not
        if not found and not _keeper_shaped(cells):
            # Most likely another manager's header row: Keeper's first line is already a record.
            raise ImportRefused("The file is not a Keeper CSV export: Keeper writes no header, and each line holds "
                                "%(columns)s, then custom field names and values.", line=line,
                                columns=", ".join(CSV_COLUMNS))
        found = True
        yield {"line": line}, _csv_plain(line, cells)
    if not found:
        raise ImportRefused(NO_ITEMS)


def _csv_plain(line: int, cells: list[str]) -> dict:
    if len(cells) < CSV_MIN_COLUMNS:
        raise ImportRefused("The line has %(found)s values, but a Keeper CSV export has at least %(expected)s: "
                            "%(columns)s.", line=line, found=len(cells), expected=CSV_MIN_COLUMNS,
                            columns=", ".join(CSV_COLUMNS))
    cells = cells + [""] * (len(CSV_COLUMNS) - len(cells))
    folder, name, username, password, url, notes, shared = cells[:7]
    if not name.strip():
        raise ImportRefused("The name is empty.", line=line)
    totp = ""
    fields = []
    extra = cells[7:]
    for position in range(0, len(extra), 2):
        label, value = extra[position], (extra[position + 1] if position + 1 < len(extra) else "")
        if label == TWO_FACTOR and not totp:
            totp = value.strip()
        elif label.strip() or value.strip():
            fields.append(new_field(label, value))
    login = {"username": username, "password": password, "totp": totp,
             "uris": [new_uri(url.strip())] if url.strip() else []}
    return _login_or_note(name, login, notes=notes, folder=_path(folder), fields=fields,
                          collections=[_path(shared)] if _path(shared) else [])


def read_json(content: bytes) -> Iterator[tuple[dict, dict]]:
    """(place, plain item) for each record of Keeper's JSON export."""
    document = load_json(content)
    records = document.get("records") if isinstance(document, Mapping) else None
    if not isinstance(records, list):
        raise ImportRefused("The file is not a Keeper JSON export: it has no list of “%(key)s”.", key="records")
    for number, record in enumerate(records, 1):
        try:
            if not isinstance(record, Mapping):
                raise ImportRefused("The item is not readable.")
            yield {"entry": number}, _json_plain(record)
        except ImportRefused as error:
            raise error.located(entry=number) from None


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return json.dumps(value, ensure_ascii=False)


def _places(record: Mapping) -> tuple[str, list[str]]:
    """The record's own folder, and the shared folders it lies in (with the subfolder inside them)."""
    folder = ""
    collections = []
    for place in record.get("folders") or ():
        if not isinstance(place, Mapping):
            continue
        inner = _path(_text(place.get("folder")))
        if place.get("shared_folder") is not None:
            shared = _path(_text(place.get("shared_folder")))
            collection = "/".join(part for part in (shared, inner) if part)
            if collection and collection not in collections:
                collections.append(collection)
        elif inner and not folder:
            folder = inner
    return folder, collections


def _field_key(key: str) -> tuple[str, str]:
    """A custom field key's type and label: "$text:Label:1" is ("text", "Label"), "Label" is ("", "Label")."""
    if not key.startswith("$"):
        return "", key
    kind, _, label = key[1:].partition(":")
    if len(label) >= 2 and label[-2] == ":" and label[-1].isdigit():
        label = label[:-2]
    return kind.strip(), label.strip()


def _date(value: object) -> str:
    # Keeper writes dates as milliseconds since 1970.
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        try:
            return datetime.fromtimestamp(value / 1000, timezone.utc).date().isoformat()
        except (OverflowError, OSError, ValueError):
            return str(value)
    return _text(value)


def _json_plain(record: Mapping) -> dict:
    name = _text(record.get("title"))
    if not name.strip():
        raise ImportRefused("The name is empty.")
    kind = _text(record.get("$type"))
    folder, collections = _places(record)
    url = _text(record.get("login_url")).strip()
    login = {"username": _text(record.get("login")), "password": _text(record.get("password")), "totp": "",
             "uris": [new_uri(url)] if url else []}
    card: dict[str, str] = {}
    identity: dict[str, str] = {}
    notes = [_text(record.get("notes"))]
    fields: list[dict] = []
    custom = record.get("custom_fields")
    for key, value in (custom.items() if isinstance(custom, Mapping) else ()):
        field_type, label = _field_key(str(key))
        for one in value if isinstance(value, list) else [value]:
            _custom_field(kind, field_type, label, one, login=login, card=card, identity=identity,
                          notes=notes, fields=fields)
    common = {"notes": "\n\n".join(note for note in notes if note.strip()), "folder": folder,
              "collections": collections}
    if kind == "bankCard":
        return new_item("card", name, card=card, fields=_carried(login) + fields, **common)
    if kind in IDENTITY_TYPES:
        identity.setdefault("username", login["username"])
        extra = [new_field("Password", login["password"], "hidden")] if login["password"] else []
        return new_item("identity", name, identity=identity, fields=extra + fields, **common)
    if kind == "encryptedNotes":
        return new_item("note", name, fields=_carried(login) + fields, **common)
    return _login_or_note(name, login, fields=fields, **common)


def _carried(login: dict) -> list[dict]:
    """The login values of a record that becomes a card or a note, kept as custom fields."""
    carried = [new_field("Login", login["username"]), new_field("Password", login["password"], "hidden"),
               new_field("TOTP", login["totp"], "hidden")]
    carried += [new_field("Website", uri["uri"]) for uri in login["uris"]]
    return [field for field in carried if field["value"]]


def _custom_field(kind: str, field_type: str, label: str, value: object, *, login: dict, card: dict,
                  identity: dict, notes: list[str], fields: list[dict]) -> None:
    """Put one custom field value of a Keeper record where the plain item keeps it."""
    is_identity = kind in IDENTITY_TYPES
    if field_type == "oneTimeCode" or label == TWO_FACTOR and not field_type:
        if not login["totp"]:
            login["totp"] = _text(value).strip()
        else:
            fields.append(new_field("TOTP", _text(value), "hidden"))
    elif field_type == "url" and kind not in ("bankCard", "encryptedNotes") and not is_identity:
        if _text(value).strip():
            login["uris"].append(new_uri(_text(value).strip()))
    elif field_type == "paymentCard" and isinstance(value, Mapping) and kind == "bankCard":
        month, _, year = _text(value.get("cardExpirationDate")).partition("/")
        card.update(number=_text(value.get("cardNumber")), code=_text(value.get("cardSecurityCode")),
                    exp_month=month.strip().lstrip("0"), exp_year=year.strip())
    elif field_type == "text" and label == "cardholderName" and kind == "bankCard":
        card["cardholder_name"] = _text(value)
    elif field_type == "note" and kind == "encryptedNotes":
        notes.insert(0, _text(value))
    elif is_identity and field_type == "name" and isinstance(value, Mapping) and not identity.get("first_name"):
        identity.update(first_name=_text(value.get("first")), middle_name=_text(value.get("middle")),
                        last_name=_text(value.get("last")))
    elif is_identity and field_type == "address" and isinstance(value, Mapping) and not identity.get("address1"):
        identity.update({key: _text(value.get(part)) for part, key in ADDRESS_KEYS.items()})
    elif is_identity and field_type == "email" and not identity.get("email"):
        identity["email"] = _text(value)
    elif is_identity and field_type == "phone" and not identity.get("phone"):
        identity["phone"] = _phone(value)
    elif is_identity and field_type == "text" and label == "company":
        identity["company"] = _text(value)
    elif is_identity and field_type == "accountNumber" and label in NUMBER_KEYS:
        identity[NUMBER_KEYS[label]] = _text(value)
    else:
        fields.extend(_fields_of(field_type, label, value))


def _phone(value: object) -> str:
    if not isinstance(value, Mapping):
        return _text(value)
    number, extension = _text(value.get("number")), _text(value.get("ext"))
    region = _text(value.get("region"))
    text = " ".join(part for part in (f"({region})" if region else "", number) if part)
    return f"{text} ext. {extension}" if extension else text


def _fields_of(field_type: str, label: str, value: object) -> list[dict]:
    """The custom fields one Keeper field becomes; its parts when it has several."""
    if field_type == "appFiller":
        return []  # how Keeper fills a desktop application: nothing a person typed
    name = label or FIELD_NAMES.get(field_type, field_type)
    if field_type == "host" and isinstance(value, Mapping):
        return _present(("Hostname", _text(value.get("hostName")), "text"), ("Port", _text(value.get("port")), "text"))
    if field_type == "keyPair" and isinstance(value, Mapping):
        return _present(("Public key", _text(value.get("publicKey")), "text"),
                        ("Private key", _text(value.get("privateKey")), "hidden"))
    if field_type == "securityQuestion" and isinstance(value, Mapping):
        return _present(("Security question", _text(value.get("question")), "text"),
                        ("Security question answer", _text(value.get("answer")), "hidden"))
    if field_type == "bankAccount" and isinstance(value, Mapping):
        return _present(("Account type", _text(value.get("otherType") or value.get("accountType")), "text"),
                        ("Account number", _text(value.get("accountNumber")), "hidden"),
                        ("Routing number", _text(value.get("routingNumber")), "text"))
    if field_type == "paymentCard" and isinstance(value, Mapping):
        return _present(("Card number", _text(value.get("cardNumber")), "hidden"),
                        ("Expiration date", _text(value.get("cardExpirationDate")), "text"),
                        ("Security code", _text(value.get("cardSecurityCode")), "hidden"))
    if field_type == "name" and isinstance(value, Mapping):
        text = " ".join(_text(value.get(part)) for part in ("first", "middle", "last") if _text(value.get(part)))
    elif field_type == "address" and isinstance(value, Mapping):
        text = ", ".join(_text(value.get(part)) for part in ADDRESS_KEYS if _text(value.get(part)))
    elif field_type == "phone":
        text = _phone(value)
    elif field_type in DATE_TYPES:
        text = _date(value)
    elif field_type == "checkbox":
        return [new_field(name, "true" if value is True or _text(value).lower() == "true" else "false", "boolean")]
    else:
        text = _text(value)
    return _present((name, text, "hidden" if field_type in HIDDEN_TYPES else "text"))


def _present(*fields: tuple[str, str, str]) -> list[dict]:
    return [new_field(name, value, field_type) for name, value, field_type in fields if value.strip()]


def looks_like_csv(head: str) -> bool:
    """Whether the start of a CSV file has the shape of Keeper's export, which names no columns.

    Every record holds at least the six first columns, then name and value pairs; the website column is
    empty or an address. The last record of `head` may be cut short, so it counts only when it is the only one.
    """
    try:
        records = list(csv.reader(io.StringIO(head, newline="")))
    except csv.Error:
        return False
    records = [cells for cells in records if any(cell.strip() for cell in cells)]
    if records and [cell.strip().lower() for cell in records[0][:2]] == ["folder", "title"]:
        records = records[1:]
    sample = records[:1] if len(records) == 1 else records[:-1][:20]
    return bool(sample) and all(_keeper_shaped(cells) for cells in sample)


def _keeper_shaped(cells: list[str]) -> bool:
    url = cells[4].strip() if len(cells) > 4 else ""
    return (len(cells) in (CSV_MIN_COLUMNS, len(CSV_COLUMNS)) or len(cells) > 7 and (len(cells) - 7) % 2 == 0) \
        and bool(cells[1].strip()) and (not url or (" " not in url and ("." in url or ":" in url)))


def looks_like_json(document: object) -> bool:
    """Whether a JSON document is Keeper's export: a list of records, and no Bitwarden items."""
    return isinstance(document, Mapping) and isinstance(document.get("records"), list) and "items" not in document
