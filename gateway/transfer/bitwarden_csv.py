"""Bitwarden's CSV export, personal and organization variants: logins and secure notes only."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from .errors import ImportRefused
from .items import new_field, new_item, new_uri
from .reading import CsvTable, Row

LOGIN_COLUMNS = ("notes", "fields", "reprompt", "login_uri", "login_username", "login_password", "login_totp")
PERSONAL_COLUMNS = ("folder", "favorite", "type", "name", *LOGIN_COLUMNS)
ORGANIZATION_COLUMNS = ("collections", "type", "name", *LOGIN_COLUMNS)
KINDS = {"login": "login", "": "login", "note": "note", "securenote": "note"}


def read(content: bytes) -> Iterator[tuple[dict, dict]]:
    """(place, plain item) for each line of a Bitwarden CSV export."""
    table = CsvTable(content, required=("type", "name"))
    if not table.has("collections"):
        table.require("folder")
    for row in table:
        yield {"line": row.line}, _plain(row)


def _plain(row: Row) -> dict:
    kind = KINDS.get(row.get("type").strip().lower())
    if kind is None:
        raise ImportRefused("The item type “%(type)s” is not supported in Bitwarden CSV files.",
                            line=row.line, type=row.get("type"))
    name = row.get("name")
    if not name.strip():
        raise ImportRefused("The name is empty.", line=row.line)
    login = None
    if kind == "login":
        login = {"username": row.get("login_username"), "password": row.get("login_password"),
                 "totp": row.get("login_totp"), "uris": [new_uri(uri.strip())
                                                         for uri in row.get("login_uri").split(",") if uri.strip()]}
    return new_item(kind, name, notes=row.get("notes"), favorite=row.flag("favorite"),
                    folder=row.get("folder").strip(), collections=_collections(row.get("collections")),
                    fields=_fields(row.get("fields")), login=login)


def _collections(text: str) -> list[str]:
    return [name.strip() for name in text.split(",") if name.strip()]


def _fields(text: str) -> list[dict]:
    # Bitwarden writes one "name: value" per line; the first ": " splits them, as names rarely hold one.
    fields = []
    for line in text.split("\n"):
        if not line.strip():
            continue
        name, separator, value = line.partition(": ")
        fields.append(new_field(name, value) if separator else new_field(line.rstrip(":"), ""))
    return fields


def write(items: list[dict], organization: bool) -> tuple[bytes, int]:
    """The CSV export of `items` and how many were left out (cards and identities have no columns)."""
    out = io.StringIO()
    # Bitwarden's exporter (papaparse) quotes only when needed and ends lines with CRLF.
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(ORGANIZATION_COLUMNS if organization else PERSONAL_COLUMNS)
    skipped = 0
    for item in items:
        if item["type"] not in ("login", "note"):
            skipped += 1
            continue
        login = item.get("login") or {"username": "", "password": "", "totp": "", "uris": []}
        fields = "\n".join(f"{field['name']}: {field['value']}" for field in item["fields"])
        head = [",".join(item["collections"])] if organization else [item["folder"], "1" if item["favorite"] else ""]
        writer.writerow([*head, item["type"], item["name"], item["notes"], fields, 0,
                         ",".join(uri["uri"] for uri in login["uris"]), login["username"], login["password"],
                         login["totp"]])
    return out.getvalue().encode("utf-8"), skipped
