"""Myki's CSV export: one file per kind (accounts, two-factor codes, cards, addresses, ID cards, notes)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from .errors import ImportRefused
from .expected_columns import has_columns, refuse_kinds
from .items import new_field, new_item, new_uri
from .reading import CsvTable, Row

SOURCE = "Myki"
# Each of the files Myki's web app exports, by the columns that tell it apart.
ACCOUNT_COLUMNS = ("nickname", "url", "username", "password", "additionalInfo", "twofaSecret")
TWO_FACTOR_COLUMNS = ("nickname", "authToken", "additionalInfo")
CARD_COLUMNS = ("nickname", "cardNumber", "cardName", "exp_month", "exp_year", "cvv")
ADDRESS_COLUMNS = ("nickname", "firstName", "lastName", "firstAddressLine", "zipCode")
ID_CARD_COLUMNS = ("nickname", "idType", "idNumber", "idName")
NOTE_COLUMNS = ("nickname", "status", "content")
# Columns with no place in an item, kept as custom fields under these names.
EXTRA_LABELS = {"status": "Status", "tags": "Tags", "gender": "Gender", "idtype": "ID type",
                "idissuancedate": "Issued", "idexpirationdate": "Expires"}
ADDRESS_KEYS = {"title": "title", "firstname": "first_name", "middlename": "middle_name", "lastname": "last_name",
                "email": "email", "firstaddressline": "address1", "secondaddressline": "address2", "city": "city",
                "country": "country", "zipcode": "postal_code", "number": "phone"}


def read(content: bytes) -> Iterator[tuple[dict, dict]]:
    """(place, plain item) for each line of one of the CSV files of a Myki export."""
    table = CsvTable(content)
    kinds: tuple[tuple[tuple[str, ...], Callable[[Row], dict]], ...] = (
        (ACCOUNT_COLUMNS, _account), (TWO_FACTOR_COLUMNS, _two_factor), (CARD_COLUMNS, _card),
        (ADDRESS_COLUMNS, _address), (ID_CARD_COLUMNS, _id_card), (NOTE_COLUMNS, _note))
    plain = next((reader for columns, reader in kinds if has_columns(table, columns)), None)
    if plain is None:
        raise refuse_kinds(table, [columns for columns, _ in kinds], SOURCE)
    for row in table:
        name = row.get("nickname")
        if not name.strip():
            raise ImportRefused("The name is empty.", line=row.line)
        item = plain(row)
        item["fields"] += [new_field(EXTRA_LABELS.get(column, column), value)
                           for column, value in row.values.items()
                           if column not in _MAPPED and value.strip()]
        yield {"line": row.line}, item


# Columns read into an item's own keys by one of the kinds (others become custom fields).
_MAPPED = {"nickname", "additionalinfo", "url", "username", "password", "twofasecret", "authtoken", "cardnumber",
           "cardname", "exp_month", "exp_year", "cvv", "idnumber", "idname", "idcountry", "content", *ADDRESS_KEYS}


def _notes(row: Row) -> str:
    # Myki ends its additional info with a line break of its own.
    return row.get("additionalinfo").rstrip()


def _account(row: Row) -> dict:
    url = row.get("url").strip()
    return new_item("login", row.get("nickname"), notes=_notes(row), login={
        "username": row.get("username"), "password": row.get("password"), "totp": row.get("twofasecret").strip(),
        "uris": [new_uri(url)] if url else []})


def _two_factor(row: Row) -> dict:
    return new_item("login", row.get("nickname"), notes=_notes(row), login={"totp": row.get("authtoken").strip()})


def _card(row: Row) -> dict:
    return new_item("card", row.get("nickname"), notes=_notes(row), card={
        "cardholder_name": row.get("cardname"), "number": row.get("cardnumber").strip(),
        "exp_month": row.get("exp_month").strip(), "exp_year": row.get("exp_year").strip(), "code": row.get("cvv")})


def _address(row: Row) -> dict:
    return new_item("identity", row.get("nickname"), notes=_notes(row),
                    identity={key: row.get(column) for column, key in ADDRESS_KEYS.items()})


def _id_card(row: Row) -> dict:
    identity = _full_name(row.get("idname"))
    identity["country"] = row.get("idcountry")
    # A passport's or social security card's number has its own place; every other ID is a licence.
    kind = row.get("idtype").strip()
    number_key = {"Passport": "passport_number", "Social Security": "ssn"}.get(kind, "license_number")
    identity[number_key] = row.get("idnumber")
    return new_item("identity", row.get("nickname"), notes=_notes(row), identity=identity)


def _full_name(full_name: str) -> dict:
    parts = full_name.split()
    if len(parts) < 2:
        return {"first_name": full_name.strip()}
    return {"first_name": parts[0], "middle_name": " ".join(parts[1:-1]), "last_name": parts[-1]}


def _note(row: Row) -> dict:
    return new_item("note", row.get("nickname"), notes=row.get("content").rstrip())
