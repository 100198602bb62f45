"""LastPass's CSV export: sites, secure notes, and the typed notes for payment cards and addresses."""

from __future__ import annotations

import json
from collections.abc import Iterator

from .errors import ImportRefused
from .items import new_field, new_item, new_uri
from .reading import CsvTable, Row

COLUMNS = ("url", "username", "password", "extra", "name", "grouping")
# LastPass marks a secure note by this made-up URL, and a site without one by a bare scheme.
SECURE_NOTE_URL = "http://sn"
EMPTY_URLS = ("", "http://", "https://")
NO_FOLDER = "(none)"
MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
          "november", "december")

CARD_LABELS = {"Name on Card": "cardholder_name", "Type": "brand", "Number": "number", "Security Code": "code"}
ADDRESS_LABELS = {"Title": "title", "First Name": "first_name", "Middle Name": "middle_name",
                  "Last Name": "last_name", "Username": "username", "Company": "company", "Address 1": "address1",
                  "Address 2": "address2", "Address 3": "address3", "City / Town": "city", "State": "state",
                  "Zip / Postal Code": "postal_code", "Country": "country", "Email Address": "email",
                  "Phone": "phone"}
# Typed-note lines that describe the note itself rather than hold anything of the person's.
SKIPPED_LABELS = ("Language",)


def read(content: bytes) -> Iterator[tuple[dict, dict]]:
    """(place, plain item) for each line of a LastPass CSV export."""
    for row in CsvTable(content, required=COLUMNS):
        yield {"line": row.line}, _plain(row)


def _folder(grouping: str) -> str:
    # LastPass nests folders with backslashes: "Work\Servers".
    grouping = grouping.strip()
    if grouping == NO_FOLDER:
        return ""
    return "/".join(part.strip() for part in grouping.split("\\") if part.strip())


def _plain(row: Row) -> dict:
    name = row.get("name")
    if not name.strip():
        raise ImportRefused("The name is empty.", line=row.line)
    common = {"favorite": row.flag("fav"), "folder": _folder(row.get("grouping"))}
    url = row.get("url").strip()
    if url == SECURE_NOTE_URL:
        return _secure_note(name, row.get("extra"), common)
    uris = [] if url in EMPTY_URLS else [new_uri(url)]
    return new_item("login", name, notes=row.get("extra"), login={
        "username": row.get("username"), "password": row.get("password"), "totp": row.get("totp"), "uris": uris},
        **common)


def _note_lines(extra: str) -> tuple[str, list[tuple[str, str]], str]:
    """A typed note's type, its "Label:value" lines in order, and its free notes (all after "Notes:")."""
    lines = extra.split("\n")
    note_type = lines[0].partition(":")[2].strip()
    pairs: list[tuple[str, str]] = []
    for position, line in enumerate(lines[1:], 1):
        label, separator, value = line.partition(":")
        if label == "Notes" and separator:
            return note_type, pairs, "\n".join([value, *lines[position + 1:]])
        if separator:
            pairs.append((label.strip(), value))
        elif pairs:
            pairs[-1] = (pairs[-1][0], f"{pairs[-1][1]}\n{line}")
    return note_type, pairs, ""


def _secure_note(name: str, extra: str, common: dict) -> dict:
    if not extra.startswith("NoteType:"):
        return new_item("note", name, notes=extra, **common)
    note_type, pairs, notes = _note_lines(extra)
    if note_type == "Credit Card":
        return _card(name, pairs, notes, common)
    if note_type == "Address":
        return _identity(name, pairs, notes, common)
    fields = [new_field(label, value) for label, value in pairs if value and label not in SKIPPED_LABELS]
    return new_item("note", name, notes=notes, fields=fields, **common)


def _card(name: str, pairs: list[tuple[str, str]], notes: str, common: dict) -> dict:
    card: dict[str, str] = {}
    fields = []
    for label, value in pairs:
        if label in CARD_LABELS:
            card[CARD_LABELS[label]] = value
        elif label == "Expiration Date":
            card["exp_month"], card["exp_year"] = _month_year(value)
        elif value.strip(", ") and label not in SKIPPED_LABELS:
            fields.append(new_field(label, value))
    return new_item("card", name, notes=notes, fields=fields, card=card, **common)


def _month_year(value: str) -> tuple[str, str]:
    # LastPass writes "January,2030"; plain items hold the month number as text.
    month, _, year = value.partition(",")
    month = month.strip().lower()
    number = str(MONTHS.index(month) + 1) if month in MONTHS else month
    return number, year.strip()


def _identity(name: str, pairs: list[tuple[str, str]], notes: str, common: dict) -> dict:
    identity: dict[str, str] = {}
    fields = []
    for label, value in pairs:
        value = _phone(value) if "Phone" in label or label == "Fax" else value
        if label in ADDRESS_LABELS:
            identity[ADDRESS_LABELS[label]] = value
        elif value.strip() and label not in SKIPPED_LABELS:
            fields.append(new_field(label, value))
    return new_item("identity", name, notes=notes, fields=fields, identity=identity, **common)


def _phone(value: str) -> str:
    # Newer LastPass exports write phone numbers as {"num": ..., "ext": ..., "cc3l": ...}.
    if not value.startswith("{"):
        return value
    try:
        phone = json.loads(value)
    except json.JSONDecodeError:
        return value
    if not isinstance(phone, dict):
        return value
    number = str(phone.get("num") or "")
    extension = str(phone.get("ext") or "")
    return f"{number} ext. {extension}" if extension else number
