"""RoboForm's CSV export: logins, bookmarks and safenotes, with each form field in a cell of its own."""

from __future__ import annotations

from collections.abc import Iterator

from .errors import ImportRefused
from .items import new_field, new_item, new_uri
from .reading import NO_ITEMS
from .wide_csv import records

COLUMNS = ("name", "url", "matchurl", "login", "pwd", "note", "folder")
FIELDS_COLUMNS = ("rffieldsv2", "rf_fields")
# Form fields RoboForm repeats from the columns above, and its own autofill script.
REPEATED_FIELDS = {"User ID$", "Password$", "Script$"}
TOTP_FIELD = "TOTP KEY$"
NO_NAME = "-no-name-"


def read(content: bytes) -> Iterator[tuple[dict, dict]]:
    """(place, plain item) for each line of a RoboForm CSV export."""
    lines = records(content)
    header_line, header = next(lines, (0, None))
    if header is None:
        raise ImportRefused(NO_ITEMS)
    columns = [cell.strip().lower() for cell in header]
    for column in COLUMNS:
        if column not in columns:
            raise ImportRefused("The file is not a RoboForm CSV export: the column “%(column)s” is missing "
                                "(expected %(expected)s).", line=header_line, column=header_column(column),
                                expected=", ".join(map(header_column, COLUMNS)))
    index = {column: columns.index(column) for column in COLUMNS}
    fields_at = next((columns.index(c) for c in FIELDS_COLUMNS if c in columns), len(columns))
    legacy = fields_at < len(columns) and columns[fields_at] == "rf_fields"
    found = False
    for line, cells in lines:
        found = True
        values = {column: cells[position] if position < len(cells) else "" for column, position in index.items()}
        yield {"line": line}, _plain(line, values, [cell for cell in cells[fields_at:] if cell.strip()], legacy)
    if not found:
        raise ImportRefused(NO_ITEMS)


def header_column(column: str) -> str:
    """A column as RoboForm writes it in its header."""
    return {"matchurl": "MatchUrl", "rffieldsv2": "RfFieldsV2"}.get(column, column.capitalize())


def _plain(line: int, values: dict[str, str], form_fields: list[str], legacy: bool) -> dict:
    name = values["name"]
    if not name.strip():
        raise ImportRefused("The name is empty.", line=line)
    # RoboForm writes folder paths from its root: "/Work/Servers".
    folder = "/".join(part.strip() for part in values["folder"].split("/") if part.strip())
    url, match_url = values["url"].strip(), values["matchurl"].strip()
    totp = ""
    fields = []
    if match_url and match_url != url:
        fields.append(new_field("Match URL", match_url))
    for form_field in form_fields:
        label, value, field_type = _legacy_field(form_field) if legacy else _field(form_field)
        if label in REPEATED_FIELDS or label is None:
            continue
        if label == TOTP_FIELD:
            totp = totp or value.strip()
        elif value.strip():
            fields.append(new_field("" if label == NO_NAME else label, value, field_type))
    common = {"notes": values["note"], "folder": folder, "fields": fields}
    if not (values["login"] or values["pwd"] or url or totp):
        return new_item("note", name, **common)  # a safenote
    return new_item("login", name, login={"username": values["login"], "password": values["pwd"], "totp": totp,
                                          "uris": [new_uri(url)] if url else []}, **common)


def _field(form_field: str) -> tuple[str | None, str, str]:
    # RfFieldsV2 cells read "label,id,?,type,value"; the value keeps any commas of its own.
    parts = form_field.split(",", 4)
    if len(parts) < 5:
        return None, "", "text"
    return parts[0], parts[4], "hidden" if parts[3] == "pwd" else "text"


def _legacy_field(form_field: str) -> tuple[str | None, str, str]:
    # Older exports (Rf_fields) write colon-separated cells with the value third, or second for a checkbox (rck).
    parts = form_field.split(":")
    if len(parts) < 3:
        return None, "", "text"
    return parts[0], parts[1] if len(parts) == 4 and parts[2] == "rck" else parts[2], "text"
