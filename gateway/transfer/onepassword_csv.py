"""1Password's CSV exports: 1Password 8's logins, and 1Password 7's for Mac and Windows, told apart by columns.

1Password 7 writes one table for every kind of item: a Mac export says each item's kind in its
Type column and names a column "label(field id)"; a Windows export names a column
"SECTION n: LABEL" and leaves the kind to be seen from which columns an item fills.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from functools import partial

from .errors import ImportRefused
from .items import new_field, new_item, new_uri
from .reading import CsvTable, Row, decode_text

COLUMNS = ("title", "url", "username", "password")
MAC_COLUMNS = ("title", "type", "scope")
WINDOWS_COLUMNS = ("uuid", "title", "scope", "autosubmit")
# What every item has that is not a value of the item's own.
MAC_SKIPPED = {"title", "type", "notes", "tags", "scope", "created date", "modified date"}
WINDOWS_SKIPPED = {"uuid", "title", "notes", "tags", "scope", "autosubmit"}
MAC_CARD = {"cardholder name(cardholder)": "cardholder_name", "number(ccnum)": "number",
            "verification number(cvv)": "code", "type(type)": "brand"}
MAC_IDENTITY = {"first name(firstname)": "first_name", "initial(initial)": "middle_name",
                "last name(lastname)": "last_name", "company(company)": "company", "email(email)": "email",
                "default phone(defphone)": "phone", "username(username)": "username", "username": "username"}
MAC_LOGIN = {"username": "username", "password": "password", "url": "url", "first one-time password": "totp"}
WINDOWS_CARD = {"cardholder name": "cardholder_name", "number": "number", "verification number": "code",
                "type": "brand"}
WINDOWS_IDENTITY = {"first name": "first_name", "initial": "middle_name", "last name": "last_name",
                    "company": "company", "email": "email", "default phone": "phone", "username": "username"}
WINDOWS_COLUMN = re.compile(r"^(?:(?P<section>.+?) )?(?P<number>\d+): (?P<label>.+)$")
MAC_COLUMN = re.compile(r"^(?P<label>.+)\((?P<id>[^()]*)\)$")
# A value whose label says it is a secret is hidden, as 1Password hides it.
SECRET_WORDS = ("password", "key", "secret", "pin", "verification number")


def read(content: bytes) -> Iterator[tuple[dict, dict]]:
    """(place, plain item) for each line of a 1Password 8, 1Password 7 for Mac or 1Password 7 for Windows export."""
    table = CsvTable(content)
    if all(table.has(column) for column in WINDOWS_COLUMNS):
        table, plain = _unescaped(content), _windows
    elif all(table.has(column) for column in MAC_COLUMNS):
        table, plain = _unescaped(content), partial(_mac, labels=_labels(content))
    else:
        table.require(*COLUMNS)
        plain = _eight
    for row in table:
        yield {"line": row.line}, plain(row)


def _unescaped(content: bytes) -> CsvTable:
    # 1Password 7 escapes a quote inside a value with a backslash (its tags: {("Starter Kit")}), as
    # Bitwarden's reader of it expects; the CSV reader wants it doubled.
    return CsvTable(decode_text(content).replace('\\"', '""').encode("utf-8"))


def _labels(content: bytes) -> dict[str, str]:
    """The Mac export's field labels as written ("PIN", "IBAN"), by their column's lower-case name."""
    text = decode_text(content)
    header = next(csv.reader(io.StringIO(text[:text.find("\n")] if "\n" in text else text)), [])
    labels = {}
    for column in header:
        match = MAC_COLUMN.match(column.strip())
        labels[column.strip().lower()] = match["label"] if match else column.strip()
    return labels


def _name(row: Row) -> str:
    name = row.get("title")
    if not name.strip():
        raise ImportRefused("The name is empty.", line=row.line)
    return name


def _eight(row: Row) -> dict:
    """1Password 8: logins only; the first tag becomes the folder."""
    tags = [tag.strip() for tag in row.get("tags").split(",") if tag.strip()]
    url = row.get("url").strip()
    return new_item("login", _name(row), notes=row.get("notes"), favorite=row.flag("favorite"),
                    folder=tags[0] if tags else "", login={
                        "username": row.get("username"), "password": row.get("password"),
                        "totp": row.get("otpauth").strip(), "uris": [new_uri(url)] if url else []})


def _field(label: str, value: str) -> dict:
    hidden = any(word in label.lower() for word in SECRET_WORDS)
    return new_field(label, value, "hidden" if hidden else "text")


def _mac(row: Row, labels: dict[str, str]) -> dict:
    """1Password 7 for Mac: the Type column says the kind; the other columns are "label(field id)"."""
    kind = row.get("type").strip()
    common = {"notes": row.get("notes"), "folder": _first_mac_tag(row.get("tags"))}
    known = {"Credit Card": MAC_CARD, "Identity": MAC_IDENTITY}.get(kind, MAC_LOGIN if kind in ("Login", "Password")
                                                                     else {})
    parts: dict[str, str] = {}
    fields = []
    for column, value in row.values.items():
        if not value.strip() or column in MAC_SKIPPED or not column:
            continue
        if column in known and parts.get(known[column], value) == value:
            parts[known[column]] = value  # the Mac export repeats some values (Username, username(username))
        elif kind == "Credit Card" and column.startswith("expiry date(") and "exp_month" not in parts:
            parts["exp_month"], parts["exp_year"] = _month_year(value)
        elif kind == "Identity" and column == "address(address)" and "address1" not in parts:
            parts.update(_address_lines(value))
        else:
            fields.append(_field(labels.get(column, column), value))
    return _typed(row, kind_of={"Credit Card": "card", "Identity": "identity"}.get(kind), parts=parts,
                  fields=fields, common=common)


def _first_mac_tag(tags: str) -> str:
    # The Mac export writes its tags as a property list: {(\n    Work,\n    "Starter Kit"\n)}.
    inner = tags.strip().removeprefix("{(").removesuffix(")}")
    for tag in inner.split(","):
        tag = tag.strip().strip('"').strip()
        if tag:
            return tag
    return ""


def _month_year(value: str) -> tuple[str, str]:
    """The month and year of an expiry date: 01/2030 on a Mac, 1/3/2030 12:00 AM (a day) on Windows."""
    parts = value.split()[0].split("/") if value.strip() else []
    if len(parts) == 2:
        month, year = parts
    elif len(parts) == 3:
        month, year = parts[0], parts[2]
    else:
        return "", value.strip()
    return month.lstrip("0") or month, year


def _address_lines(value: str) -> dict:
    lines = [line.strip() for line in value.split("\n") if line.strip()]
    return {"address1": lines[0] if lines else "", "address2": lines[1] if len(lines) > 1 else "",
            "address3": "\n".join(lines[2:])}


def _windows(row: Row) -> dict:
    """1Password 7 for Windows: "SECTION n: TITLE" columns name sections, "SECTION n: LABEL" their fields."""
    labelled = []
    for column, value in row.values.items():
        match = WINDOWS_COLUMN.match(column)
        if match and value.strip() and (match["section"] or "").lower() != "section":
            labelled.append((column, match["section"] or "", match["label"].lower(), value))
    filled = {(section.lower(), label) for _, section, label, _ in labelled}
    is_card = any(label == "number" for _, label in filled) and any(label == "expiry date" for _, label in filled)
    is_identity = any((section, label) in (("name", "first name"), ("name", "initial"), ("name", "last name"),
                                           ("internet", "email")) for section, label in filled)
    kind = "identity" if is_identity else "card" if is_card else None
    known = WINDOWS_IDENTITY if kind == "identity" else WINDOWS_CARD if kind == "card" else {}
    parts: dict[str, str] = {}
    fields = []
    for column, section, label, value in labelled:
        if label in known and not parts.get(known[label]):
            parts[known[label]] = value
        elif kind == "card" and label == "expiry date" and "exp_month" not in parts:
            parts["exp_month"], parts["exp_year"] = _month_year(value)
        elif kind == "identity" and label == "address" and "address1" not in parts:
            parts.update(_address_lines(value))
        else:
            fields.append(_field(label.capitalize(), value))
    if kind is None:
        urls = [line.strip() for line in row.get("urls").split("\n") if line.strip()] or \
            ([row.get("url").strip()] if row.get("url").strip() else [])
        parts = {"username": row.get("username") or row.get("email"), "password": row.get("password"),
                 "uris": [new_uri(url) for url in urls]}
        others = [_field(column.capitalize().replace("-", " "), row.get(column))
                  for column in ("email", "master-password", "account-key")
                  if row.get(column).strip() and not (column == "email" and parts["username"] == row.get("email"))]
        fields = others + fields
    tags = [tag.strip().strip('"') for tag in row.get("tags").split(",") if tag.strip().strip('"')]
    return _typed(row, kind_of=kind, parts=parts, fields=fields,
                  common={"notes": row.get("notes"), "folder": tags[0] if tags else ""})


def _typed(row: Row, *, kind_of: str | None, parts: dict, fields: list[dict], common: dict) -> dict:
    """A card or identity of `parts`; else a login, or a note when it has nothing a login fills."""
    if kind_of:
        return new_item(kind_of, _name(row), **{kind_of: parts}, fields=fields, **common)
    url = parts.pop("url", "").strip()
    if url:
        parts["uris"] = [new_uri(url)]
    if not any(parts.get(key) for key in ("username", "password", "totp", "uris")):
        return new_item("note", _name(row), fields=fields, **common)
    return new_item("login", _name(row), login=parts, fields=fields, **common)
