"""LogMeOnce's CSV export: logins with a note, in groups that become folders."""

from __future__ import annotations

from collections.abc import Iterator

from .errors import ImportRefused
from .expected_columns import require_columns
from .items import new_field, new_item, new_uri
from .reading import CsvTable, host_of

# LogMeOnce writes "name,url,note,group,username,password,passkey,extra" today and had neither note nor
# passkey before; every value is quoted.
COLUMNS = ("name", "url", "username", "password", "group", "extra")
SOURCE = "LogMeOnce"


def read(content: bytes) -> Iterator[tuple[dict, dict]]:
    """(place, plain item) for each line of a LogMeOnce CSV export."""
    table = CsvTable(content)
    require_columns(table, COLUMNS, SOURCE)
    for row in table:
        url = row.get("url").strip()
        name = row.get("name") if row.get("name").strip() else host_of(url)
        if not name:
            raise ImportRefused("The name and the website are both empty.", line=row.line)
        # A passkey cannot be carried over as one; its data stays hidden with the extra data LogMeOnce keeps.
        fields = [new_field(label, row.get(column), kind) for label, column, kind in
                  (("Passkey", "passkey", "hidden"), ("Extra", "extra", "text")) if row.get(column).strip()]
        yield {"line": row.line}, new_item("login", name, notes=row.get("note"), folder=row.get("group").strip(),
                                           fields=fields, login={"username": row.get("username"),
                                                                 "password": row.get("password"),
                                                                 "uris": [new_uri(url)] if url else []})
