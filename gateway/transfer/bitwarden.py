"""Bitwarden's JSON export: its items to and from plain items, personal and organization variants."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator, Mapping

from . import protection
from .errors import ImportRefused
from .items import CARD_KEYS, IDENTITY_KEYS, new_field, new_history_entry, new_item, new_uri, recent_history
from .reading import decode_text

CIPHER_TYPES = {1: "login", 2: "note", 3: "card", 4: "identity"}
CIPHER_NUMBERS = {kind: number for number, kind in CIPHER_TYPES.items()}
SSH_KEY = 5
FIELD_TYPES = {0: "text", 1: "hidden", 2: "boolean"}
FIELD_NUMBERS = {kind: number for number, kind in FIELD_TYPES.items()}
LINKED_FIELD = 3
MATCHES = {0: "domain", 1: "host", 2: "starts_with", 3: "exact", 4: "regex", 5: "never"}
MATCH_NUMBERS = {match: number for number, match in MATCHES.items()}


def _camel(key: str) -> str:
    head, *rest = key.split("_")
    return head + "".join(word.capitalize() for word in rest)


CARD_NAMES = {key: _camel(key) for key in CARD_KEYS}
IDENTITY_NAMES = {key: _camel(key) for key in IDENTITY_KEYS}


def load_json(content: bytes) -> object:
    """The JSON document in a file, refusing text that is not JSON at the line where it breaks."""
    try:
        return json.loads(decode_text(content))
    except json.JSONDecodeError as error:
        raise ImportRefused("The file is not valid JSON.", line=error.lineno) from None
    except RecursionError:
        raise ImportRefused("The file nests its data too deeply to be read.") from None


def read_json(content: bytes, password: str | None = None) -> Iterator[tuple[dict, dict]]:
    """(place, plain item) for each item of a Bitwarden JSON export, opened with `password` if protected."""
    document = load_json(content)
    if not isinstance(document, dict):
        raise ImportRefused("The file is not a Bitwarden JSON export.")
    if document.get("encrypted") is True:
        if not document.get("passwordProtected"):
            raise ImportRefused("The file is encrypted with the key of the Bitwarden account it came from: export "
                                "it again as “.json” or “.json (Password protected)”.")
        document = load_json(protection.open_text(document, password).encode("utf-8"))
        if not isinstance(document, dict):
            raise ImportRefused("The file is not a Bitwarden JSON export.")
    items = document.get("items")
    if not isinstance(items, list):
        raise ImportRefused("The file is not a Bitwarden JSON export: it has no list of items.")
    folders = _names_by_id(document.get("folders"), "folders")
    collections = _names_by_id(document.get("collections"), "collections")
    for number, cipher in enumerate(items, 1):
        try:
            yield {"entry": number}, _plain(cipher, folders, collections)
        except ImportRefused as error:
            raise error.located(entry=number) from None


def _names_by_id(listed: object, what: str) -> dict[str, str]:
    if listed is None:
        return {}
    if not isinstance(listed, list) or not all(isinstance(x, Mapping) for x in listed):
        raise ImportRefused("The list of %(what)s in the file is not readable.", what=what)
    return {str(x.get("id")): _text(x.get("name"), f"{what.removesuffix('s')} name") for x in listed}


def _text(value: object, what: str) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    raise ImportRefused("The value of %(part)s is not text.", part=what)


def _part(cipher: Mapping, key: str) -> Mapping:
    part = cipher.get(key)
    if part is None:
        return {}
    if not isinstance(part, Mapping):
        raise ImportRefused("The %(part)s details are not readable.", part=key)
    return part


def _plain(cipher: object, folders: dict[str, str], collections: dict[str, str]) -> dict:
    if not isinstance(cipher, Mapping):
        raise ImportRefused("The item is not readable.")
    number = cipher.get("type")
    kind = "note" if number == SSH_KEY else CIPHER_TYPES.get(number)
    if kind is None:
        raise ImportRefused("The item type “%(type)s” is not supported.", type=str(number))
    fields = _fields(cipher.get("fields"))
    parts: dict = {}
    if kind == "login":
        login = _part(cipher, "login")
        parts["login"] = {key: _text(login.get(key), key) for key in ("username", "password", "totp")}
        parts["login"]["uris"] = [_uri(uri) for uri in _list(login.get("uris"), "websites")]
    elif kind in ("card", "identity"):
        names = CARD_NAMES if kind == "card" else IDENTITY_NAMES
        values = _part(cipher, kind)
        parts[kind] = {key: _text(values.get(name), key.replace("_", " ")) for key, name in names.items()}
    if number == SSH_KEY:
        # Plain items have no SSH key type; a note keeps the key pair readable and usable.
        ssh = _part(cipher, "sshKey")
        fields += [new_field(label, _text(ssh.get(key), label), field_type)
                   for key, label, field_type in (("privateKey", "Private key", "hidden"),
                                                  ("publicKey", "Public key", "text"),
                                                  ("keyFingerprint", "Fingerprint", "text")) if ssh.get(key)]
    collection_ids = _list(cipher.get("collectionIds"), "collections")
    return new_item(kind, _text(cipher.get("name"), "name"), notes=_text(cipher.get("notes"), "notes"),
                    favorite=cipher.get("favorite") is True, folder=folders.get(str(cipher.get("folderId")), ""),
                    collections=[collections[str(c)] for c in collection_ids if str(c) in collections],
                    fields=fields, password_history=_history(cipher.get("passwordHistory")), **parts)


def _history(history: object) -> list[dict]:
    entries = []
    for entry in _list(history, "old passwords"):
        if not isinstance(entry, Mapping):
            raise ImportRefused("An old password is not readable.")
        entries.append(new_history_entry(_text(entry.get("password"), "old password"),
                                         _text(entry.get("lastUsedDate"), "date an old password was last used")))
    return recent_history(entries)


def _list(value: object, what: str) -> list:
    if value is None:
        return []
    if not isinstance(value, list):
        raise ImportRefused("The %(what)s of the item are not a list.", what=what)
    return value


def _uri(uri: object) -> dict:
    if not isinstance(uri, Mapping):
        raise ImportRefused("A website is not readable.")
    return new_uri(_text(uri.get("uri"), "website"), MATCHES.get(uri.get("match")))


def _fields(fields: object) -> list[dict]:
    plain = []
    for field in _list(fields, "custom fields"):
        if not isinstance(field, Mapping):
            raise ImportRefused("A custom field is not readable.")
        if field.get("type") == LINKED_FIELD:
            continue  # a linked field only points at the username or password, which travel anyway
        plain.append(new_field(_text(field.get("name"), "custom field name"),
                               _text(field.get("value"), "custom field value"),
                               FIELD_TYPES.get(field.get("type"), "text")))
    return plain


def _id() -> str:
    return str(uuid.uuid4())


def document(items: list[dict], collections: list | None = None) -> dict:
    """The export document: personal (folders) when `collections` is None, else organization.

    An organization export keeps folders too when items have them: Bitwarden reads folders on
    a personal import and collections on an organization import, and ignores the other list.
    """
    folder_ids: dict[str, str] = {}
    for item in items:
        if item["folder"] and item["folder"] not in folder_ids:
            folder_ids[item["folder"]] = _id()
    out: dict = {"encrypted": False}
    if collections is None or folder_ids:
        out["folders"] = [{"id": folder_id, "name": name} for name, folder_id in folder_ids.items()]
    if collections is None:
        out["items"] = [cipher(item, folder_ids.get(item["folder"]), None) for item in items]
        return out
    collection_ids: dict[str, str] = {}
    for collection in collections:
        name = collection if isinstance(collection, str) else collection["name"]
        given = None if isinstance(collection, str) else collection.get("id")
        collection_ids.setdefault(name, str(given) if given else _id())
    for item in items:
        for name in item["collections"]:
            collection_ids.setdefault(name, _id())
    out["collections"] = [{"id": collection_id, "organizationId": None, "name": name, "externalId": None}
                          for name, collection_id in collection_ids.items()]
    out["items"] = [cipher(item, folder_ids.get(item["folder"]),
                           [collection_ids[name] for name in item["collections"]]) for item in items]
    return out


def _or_null(value: str) -> str | None:
    # Bitwarden writes absent text as null, never as "".
    return value or None


def cipher(item: dict, folder_id: str | None, collection_ids: list[str] | None) -> dict:
    """One plain item in Bitwarden's export item shape."""
    kind = item["type"]
    out: dict = {"id": _id(), "organizationId": None, "folderId": folder_id, "type": CIPHER_NUMBERS[kind],
                 "reprompt": 0, "name": item["name"], "notes": _or_null(item["notes"]),
                 "favorite": item["favorite"]}
    if item["fields"]:
        out["fields"] = [{"name": _or_null(f["name"]), "value": _or_null(f["value"]),
                          "type": FIELD_NUMBERS[f["type"]], "linkedId": None} for f in item["fields"]]
    if kind == "login":
        login = item["login"]
        out["login"] = {"fido2Credentials": [],
                        "uris": [{"match": MATCH_NUMBERS.get(u["match"]), "uri": u["uri"]} for u in login["uris"]],
                        "username": _or_null(login["username"]), "password": _or_null(login["password"]),
                        "totp": _or_null(login["totp"])}
    elif kind == "note":
        out["secureNote"] = {"type": 0}
    else:
        names = CARD_NAMES if kind == "card" else IDENTITY_NAMES
        out[kind] = {name: _or_null(item[kind][key]) for key, name in names.items()}
    out["passwordHistory"] = [{"lastUsedDate": entry["last_used"], "password": entry["password"]}
                              for entry in item["password_history"]] or None
    out["collectionIds"] = collection_ids
    return out
