"""Zoho Vault's CSV export: each secret's typed data ("Key:value" lines) read into a login or a note."""

from __future__ import annotations

from collections.abc import Iterator

from .errors import ImportRefused
from .expected_columns import has_columns, wrong_columns
from .items import new_field, new_item, new_uri
from .reading import CsvTable, Row

# Zoho Vault names its columns "Password …" today and "Secret …" in older exports (with ChamberName for
# the folder); both carry the typed data in SecretData and the user's own fields in CustomData.
COLUMNS = ("Password Name", "Password URL", "SecretData", "CustomData")
LEGACY_COLUMNS = ("Secret Name", "Secret URL", "SecretData", "CustomData")
SOURCE = "Zoho Vault"
USERNAME_KEYS = ("user name", "username", "login", "email")
PASSWORD_KEYS = ("password",)
SECRET_KEYS = ("password", "pin", "secret", "secret key", "passphrase", "cvv")
# The secret's type names the Zoho template; it describes the secret rather than holding a value of it.
TYPE_KEY = "SecretType"


def read(content: bytes) -> Iterator[tuple[dict, dict]]:
    """(place, plain item) for each secret of a Zoho Vault CSV export."""
    table = CsvTable(content)
    if has_columns(table, COLUMNS):
        prefix, folder_column = "password", "folder name"
    elif has_columns(table, LEGACY_COLUMNS):
        prefix, folder_column = "secret", "chambername"
    else:
        raise wrong_columns(table, COLUMNS, SOURCE)
    for row in table:
        yield {"line": row.line}, _plain(row, prefix, folder_column)


def _pairs(data: str) -> list[tuple[str, str]]:
    pairs = []
    for line in data.split("\n"):
        key, separator, value = line.partition(":")
        if separator and key.strip() and value.strip() and key.strip() != TYPE_KEY:
            pairs.append((key.strip(), value))
    return pairs


def _plain(row: Row, prefix: str, folder_column: str) -> dict:
    name = row.get(f"{prefix} name")
    if not name.strip():
        raise ImportRefused("The name is empty.", line=row.line)
    login = {"totp": (row.get("totp") or row.get("login_totp")).strip(), "uris": []}
    url = row.get(f"{prefix} url").strip()
    if url:
        login["uris"].append(new_uri(url))
    # Tags have no place of their own in an item; they stay readable as fields like the description.
    fields = [new_field(label, row.get(column)) for label, column in (("Description", "description"), ("Tags", "tags"))
              if row.get(column).strip()]
    for key, value in _pairs(row.get("secretdata")) + _pairs(row.get("customdata")):
        lowered = key.lower()
        if lowered in USERNAME_KEYS and "username" not in login:
            login["username"] = value
        elif lowered in PASSWORD_KEYS and "password" not in login:
            login["password"] = value
        else:
            fields.append(new_field(key, value, "hidden" if lowered in SECRET_KEYS else "text"))
    # Zoho nests folders one name a line.
    folder = "/".join(part.strip() for part in row.get(folder_column).split("\n") if part.strip())
    common = {"notes": row.get("notes"), "favorite": row.get("favorite").strip() == "1", "folder": folder,
              "fields": fields}
    if not (login.get("username") or login.get("password") or login["totp"] or login["uris"]):
        return new_item("note", name, **common)
    return new_item("login", name, login=login, **common)
