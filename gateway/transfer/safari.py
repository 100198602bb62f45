"""Safari's and Apple Passwords' CSV export: logins only, each with its notes and one-time-password URI."""

from __future__ import annotations

from collections.abc import Iterator

from .errors import ImportRefused
from .expected_columns import require_columns
from .items import new_item, new_uri
from .reading import CsvTable, host_of

# Safari 15+ and the Passwords app write "Title,URL,Username,Password,Notes,OTPAuth"; older Safari had no
# Notes and spelled "Url", which reads the same since columns are matched without case.
COLUMNS = ("Title", "URL", "Username", "Password")
SOURCE = "Safari or Apple Passwords"


def read(content: bytes) -> Iterator[tuple[dict, dict]]:
    """(place, plain item) for each line of a Safari or Apple Passwords CSV export."""
    table = CsvTable(content)
    require_columns(table, COLUMNS, SOURCE)
    for row in table:
        url = row.get("url").strip()
        # Apple names a login after its site; a title left empty falls back to the host the same way.
        name = row.get("title") if row.get("title").strip() else host_of(url)
        if not name:
            raise ImportRefused("The name and the website are both empty.", line=row.line)
        yield {"line": row.line}, new_item("login", name, notes=row.get("notes"), login={
            "username": row.get("username"), "password": row.get("password"), "totp": row.get("otpauth").strip(),
            "uris": [new_uri(url)] if url else []})
