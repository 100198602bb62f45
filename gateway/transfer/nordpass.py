"""NordPass's CSV export: one wide table whose `type` column says whether a line is a login, card, identity or note."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping

from .errors import ImportRefused
from .items import new_field, new_item, new_uri
from .reading import CsvTable, Row

COLUMNS = ("name", "url", "username", "password", "note", "cardholdername", "cardnumber", "cvc", "expirydate",
           "zipcode", "folder", "full_name", "phone_number", "email", "address1", "address2", "city", "country",
           "state", "type")
FOLDER_TYPE = "folder"
# A card's columns that have no place on a plain card, kept as custom fields.
CARD_EXTRAS = (("pin", "PIN", "hidden"), ("zipcode", "ZIP code", "text"))


def read(content: bytes) -> Iterator[tuple[dict, dict | None]]:
    """(place, plain item) for each line of a NordPass CSV export; folder lines carry no item."""
    for row in CsvTable(content, required=COLUMNS):
        place = {"line": row.line}
        kind = row.get("type").strip()
        if kind == FOLDER_TYPE:
            yield place, None  # a folder of its own: the items in it name it again
            continue
        yield place, _plain(row, kind)


def _plain(row: Row, kind: str) -> dict:
    name = row.get("name")
    if not name.strip():
        raise ImportRefused("The name is empty.", line=row.line)
    shared = row.get("shared_folder").strip()
    common = {"notes": row.get("note"), "folder": row.get("folder").strip(),
              "collections": [shared] if shared else [], "fields": _custom_fields(row)}
    if kind == "password":
        return new_item("login", name, login={"username": row.get("username"), "password": row.get("password"),
                                              "uris": [new_uri(url) for url in _urls(row)]}, **common)
    if kind == "credit_card":
        month, year = _expiry(row.get("expirydate"))
        common["fields"] = [new_field(label, row.get(column), field_type) for column, label, field_type in CARD_EXTRAS
                            if row.get(column).strip()] + common["fields"]
        return new_item("card", name, card={"cardholder_name": row.get("cardholdername"),
                                            "number": row.get("cardnumber"), "code": row.get("cvc"),
                                            "exp_month": month, "exp_year": year}, **common)
    if kind == "identity":
        first, middle, last = _name_parts(row.get("full_name"))
        return new_item("identity", name, identity={
            "first_name": first, "middle_name": middle, "last_name": last, "address1": row.get("address1"),
            "address2": row.get("address2"), "city": row.get("city"), "state": row.get("state"),
            "postal_code": row.get("zipcode"), "country": row.get("country"), "email": row.get("email"),
            "phone": row.get("phone_number")}, **common)
    if kind == "note":
        return new_item("note", name, **common)
    raise ImportRefused("The item type “%(type)s” is not supported.", line=row.line, type=kind)


def _urls(row: Row) -> list[str]:
    urls = [row.get("url").strip()]
    extra = row.get("additional_urls").strip()
    if extra:
        # NordPass writes the other websites as a JSON list of strings.
        try:
            listed = json.loads(extra)
        except json.JSONDecodeError:
            listed = None
        if not isinstance(listed, list):
            raise ImportRefused("The additional websites are not a readable list.", line=row.line)
        urls += [str(url).strip() for url in listed]
    return [url for url in urls if url]


def _custom_fields(row: Row) -> list[dict]:
    text = row.get("custom_fields").strip()
    if not text:
        return []
    try:
        listed = json.loads(text)
    except json.JSONDecodeError:
        listed = None
    if not isinstance(listed, list) or not all(isinstance(field, Mapping) for field in listed):
        raise ImportRefused("The custom fields are not a readable list.", line=row.line)
    return [new_field(str(field.get("label") or ""), str(field.get("value") or ""),
                      "hidden" if field.get("type") == "hidden" else "text")
            for field in listed if str(field.get("value") or "").strip() or str(field.get("label") or "").strip()]


def _expiry(value: str) -> tuple[str, str]:
    # NordPass writes "MM/YY"; plain items hold the month number and the full year as text.
    month, _, year = value.strip().partition("/")
    year = year.strip()
    return month.strip().lstrip("0"), f"20{year}" if len(year) == 2 and year.isdigit() else year


def _name_parts(full_name: str) -> tuple[str, str, str]:
    words = full_name.split()
    if len(words) < 2:
        return full_name.strip(), "", ""
    return words[0], " ".join(words[1:-1]), words[-1]
