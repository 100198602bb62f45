"""Avira Password Manager's CSV export: logins with a website, a username and a secondary username."""

from __future__ import annotations

from collections.abc import Iterator

from .errors import ImportRefused
from .expected_columns import require_columns
from .items import new_field, new_item, new_uri
from .reading import CsvTable, host_of

COLUMNS = ("name", "website", "username", "secondary_username", "password")
SOURCE = "Avira Password Manager"


def read(content: bytes) -> Iterator[tuple[dict, dict]]:
    """(place, plain item) for each line of an Avira Password Manager CSV export."""
    table = CsvTable(content)
    require_columns(table, COLUMNS, SOURCE)
    for row in table:
        website = row.get("website").strip()
        name = row.get("name") if row.get("name").strip() else host_of(website)
        if not name:
            raise ImportRefused("The name and the website are both empty.", line=row.line)
        username, secondary = row.get("username"), row.get("secondary_username")
        fields = []
        # Avira keeps an email and a user name apart; the login takes the first one given, the other stays a field.
        if not username.strip():
            username = secondary
        elif secondary.strip():
            fields.append(new_field("Secondary username", secondary))
        yield {"line": row.line}, new_item("login", name, fields=fields, login={
            "username": username, "password": row.get("password"), "uris": [new_uri(website)] if website else []})
