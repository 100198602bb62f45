"""Passbolt's CSV export (its "csv-kdbx" format, KeePass's columns in Passbolt's order): logins in folders."""

from __future__ import annotations

from collections.abc import Iterator

from .errors import ImportRefused
from .expected_columns import require_columns
from .items import new_item, new_uri
from .reading import CsvTable

# Passbolt 4 writes "Title,Username,URL,Password,Notes,Group,TOTP"; before TOTP support it had no TOTP column.
COLUMNS = ("Title", "Username", "URL", "Password", "Notes", "Group")
SOURCE = "Passbolt"


def read(content: bytes) -> Iterator[tuple[dict, dict]]:
    """(place, plain item) for each resource of a Passbolt CSV export; its folder path is the item's folder."""
    table = CsvTable(content)
    require_columns(table, COLUMNS, SOURCE)
    for row in table:
        name = row.get("title")
        if not name.strip():
            raise ImportRefused("The name is empty.", line=row.line)
        url = row.get("url").strip()
        folder = "/".join(part.strip() for part in row.get("group").split("/") if part.strip())
        yield {"line": row.line}, new_item("login", name, notes=row.get("notes"), folder=folder, login={
            "username": row.get("username"), "password": row.get("password"), "totp": row.get("totp").strip(),
            "uris": [new_uri(url)] if url else []})
