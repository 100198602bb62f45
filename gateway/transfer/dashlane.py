"""Dashlane's CSV export: a ZIP of five CSV files, each told apart by its columns, or one of them alone.

credentials.csv holds logins, securenotes.csv notes, payments.csv cards and bank accounts, ids.csv
identity documents and personalInfo.csv the person's names, e-mails, phones and addresses.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
import zlib
from collections.abc import Iterator

from services.common.config import ImportLimits

from .errors import ImportRefused
from .items import check_item, new_field, new_item, new_uri
from .reading import NO_ITEMS, CsvTable, Row, too_large

LOGIN_COLUMNS = ("username", "title", "password", "url")
NOTE_COLUMNS = ("title", "note")
PAYMENT_COLUMNS = ("type", "account_name")
ID_COLUMNS = ("type", "number", "name")
PERSONAL_COLUMNS = ("type", "first_name", "last_name")
# The files of the export, in the order their items are read.
FILES = ("credentials.csv", "securenotes.csv", "payments.csv", "ids.csv", "personalinfo.csv")
CARD_TYPES = ("payment_card", "credit_card")
ID_LABELS = {"card": "ID card", "passport": "Passport", "license": "Driver's licence",
             "social_security": "Social security number", "tax_number": "Tax number"}
ID_NUMBER_KEYS = {"card": "license_number", "passport": "passport_number", "license": "license_number",
                  "social_security": "ssn"}
DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
# Dashlane's column names as a person reads them, for the values that become custom fields.
LABELS = {"account_holder": "Account holder", "account_number": "Account number", "routing_number": "Routing number",
          "issuing_bank": "Bank", "country": "Country", "bank": "Bank", "issue_date": "Issue date",
          "expiration_date": "Expiration date", "place_of_issue": "Place of issue", "date_of_birth": "Date of birth",
          "place_of_birth": "Place of birth", "email_type": "Email type", "phone_number_type": "Phone type",
          "address_recipient": "Recipient", "address_building": "Building", "address_apartment": "Apartment",
          "address_floor": "Floor", "address_door_code": "Door code", "job_title": "Job title", "url": "Website",
          "email": "Email", "phone_number": "Phone", "address": "Address"}
HIDDEN = ("account_number", "routing_number", "address_door_code", "cc_number", "code")


def read(content: bytes) -> Iterator[tuple[dict, dict]]:
    """One of the export's CSV files, whichever it is."""
    table = CsvTable(content)
    if _has(table, LOGIN_COLUMNS):
        plain = _login
    elif _has(table, PAYMENT_COLUMNS):
        plain = _payment
    elif _has(table, ID_COLUMNS):
        plain = _id
    elif _has(table, PERSONAL_COLUMNS):
        yield from _personal_items(table)
        return
    elif _has(table, NOTE_COLUMNS):
        plain = _note
    else:
        raise ImportRefused("The file is not one of Dashlane's: it has neither the columns of credentials.csv "
                            "(%(logins)s), of securenotes.csv (%(notes)s), of payments.csv (%(payments)s), of ids.csv "
                            "(%(ids)s) nor of personalInfo.csv (%(personal)s).", line=table.header_line,
                            logins=", ".join(LOGIN_COLUMNS), notes=", ".join(NOTE_COLUMNS),
                            payments=", ".join(PAYMENT_COLUMNS), ids=", ".join(ID_COLUMNS),
                            personal=", ".join(PERSONAL_COLUMNS))
    for row in table:
        yield {"line": row.line}, plain(row)


def _has(table: CsvTable, columns: tuple[str, ...]) -> bool:
    return all(table.has(column) for column in columns)


def read_zip(content: bytes, limits: ImportLimits) -> Iterator[tuple[dict, dict]]:
    """Every CSV file of the ZIP file Dashlane exports; a refusal names the file it is about."""
    number = 0
    for name, data in _members(content, limits):
        try:
            for place, item in read(data):
                try:
                    check_item(item)
                except ImportRefused as error:
                    raise error.located(**place) from None
                number += 1
                yield {"entry": number}, item
        except ImportRefused as error:
            if error.template == NO_ITEMS:
                continue  # an empty file: Dashlane writes every file, also for what you do not keep
            raise error.within(name) from None


def _members(content: bytes, limits: ImportLimits) -> list[tuple[str, bytes]]:
    if not zipfile.is_zipfile(io.BytesIO(content)):
        raise ImportRefused("The file is not Dashlane's export: it is not a ZIP file.")
    members = []
    total = 0
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            infos = [info for info in archive.infolist() if info.filename.lower().endswith(".csv")]
            infos.sort(key=_file_order)
            if not any(posixpath.basename(info.filename).lower() in FILES for info in infos):
                raise ImportRefused("The ZIP file holds none of Dashlane's files (%(files)s).",
                                    files="credentials.csv, securenotes.csv, payments.csv, ids.csv, personalInfo.csv")
            for info in infos:
                # The declared size can lie; reading one byte past the limit catches a ZIP bomb either way.
                with archive.open(info) as stream:
                    data = stream.read(limits.file_bytes + 1 - total)
                total += len(data)
                if total > limits.file_bytes:
                    raise too_large(limits)
                members.append((posixpath.basename(info.filename), data))
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError):
        raise ImportRefused("The ZIP file is damaged and cannot be opened.") from None
    return members


def _file_order(info: zipfile.ZipInfo) -> tuple[int, str]:
    name = posixpath.basename(info.filename).lower()
    return (FILES.index(name) if name in FILES else len(FILES), info.filename)


def _name(row: Row, *columns: str) -> str:
    for column in columns:
        if row.get(column).strip():
            return row.get(column)
    raise ImportRefused("The name is empty.", line=row.line)


def _label(column: str) -> str:
    return LABELS.get(column, column.replace("_", " ").capitalize())


def _fields(row: Row, columns) -> list[dict]:
    """Custom fields for the non-empty values of `columns`, hidden where they are secrets."""
    return [new_field(_label(column), row.get(column), "hidden" if column in HIDDEN else "text")
            for column in columns if row.get(column).strip()]


def _rest(row: Row, mapped) -> list[str]:
    return [column for column in row.values if column not in mapped and column]


def _login(row: Row) -> dict:
    extra_usernames = [new_field("Alternate username" if column == "username2" else "Alternate username 2",
                                 row.get(column)) for column in ("username2", "username3") if row.get(column).strip()]
    url = row.get("url").strip()
    totp = row.get("otpsecret").strip() or row.get("otpurl").strip()
    return new_item("login", _name(row, "title"), notes=row.get("note"), folder=row.get("category").strip(),
                    fields=extra_usernames, login={"username": row.get("username"), "password": row.get("password"),
                                                   "totp": totp, "uris": [new_uri(url)] if url else []})


def _note(row: Row) -> dict:
    return new_item("note", _name(row, "title"), notes=row.get("note"), folder=row.get("category").strip())


def _payment(row: Row) -> dict:
    kind = row.get("type").strip()
    if kind in CARD_TYPES:
        # Dashlane names the card in account_name; older exports name its holder in "name" instead of account_holder.
        card = {"cardholder_name": row.get("account_holder") or row.get("name"), "number": row.get("cc_number"),
                "code": row.get("code"), "exp_month": row.get("expiration_month").strip(),
                "exp_year": row.get("expiration_year").strip()}
        mapped = ("type", "account_name", "account_holder", "name", "cc_number", "code", "expiration_month",
                  "expiration_year", "note")
        return new_item("card", _name(row, "account_name", "name"), notes=row.get("note"), card=card,
                        fields=_fields(row, _rest(row, mapped)))
    # Bank accounts have no plain item type of their own: a note keeps every detail.
    mapped = ("type", "account_name", "note")
    return new_item("note", _name(row, "account_name", "name"), notes=row.get("note"),
                    fields=_fields(row, _rest(row, mapped)))


def _id(row: Row) -> dict:
    kind = row.get("type").strip()
    label = ID_LABELS.get(kind, kind.replace("_", " ").capitalize() or "ID")
    full_name = row.get("name").strip()
    identity = {**_split_name(full_name), "state": row.get("state")}
    fields = []
    if kind in ID_NUMBER_KEYS:
        identity[ID_NUMBER_KEYS[kind]] = row.get("number")
    elif row.get("number").strip():
        fields.append(new_field(label, row.get("number")))
    for column in _rest(row, ("type", "name", "number", "state")):
        if row.get(column).strip():
            fields.append(new_field(_label(column), _date(row.get(column))))
    name = f"{full_name} ({label})" if full_name else label
    return new_item("identity", name, identity=identity, fields=fields)


def _split_name(full_name: str) -> dict:
    parts = full_name.split()
    if not parts:
        return {}
    if len(parts) == 1:
        return {"first_name": parts[0]}
    return {"first_name": parts[0], "middle_name": " ".join(parts[1:-1]), "last_name": parts[-1]}


def _date(value: str) -> str:
    # Dashlane writes dates as 2022-1-30: the ISO form sorts and reads the same everywhere.
    match = DATE.match(value.strip())
    return f"{match[1]}-{int(match[2]):02d}-{int(match[3]):02d}" if match else value


# personalInfo.csv: one row per name, e-mail, phone, address, company or website.
PERSON_KEYS = {"title": "title", "first_name": "first_name", "middle_name": "middle_name", "last_name": "last_name",
               "login": "username"}
ROW_KEYS = {"email": {"email": "email"}, "number": {"phone_number": "phone"}, "phone": {"phone_number": "phone"},
            "address": {"address": "address1", "city": "city", "state": "state", "zip": "postal_code",
                        "country": "country"},
            "company": {"item_name": "company"}}


def _personal_items(table: CsvTable) -> Iterator[tuple[dict, dict]]:
    """A single person's rows make one identity; with several names, each row is an identity of its own.

    Dashlane does not say which e-mail or address belongs to which name, so none is guessed.
    """
    rows = list(table)
    names = [row for row in rows if row.get("type").strip() == "name"]
    if len(names) > 1:
        for row in rows:
            identity, fields = _person_parts([row])
            yield {"line": row.line}, new_item("identity", _person_name(row, identity), identity=identity,
                                               fields=fields)
        return
    if not rows:
        return
    identity, fields = _person_parts(rows)
    first = names[0] if names else rows[0]
    yield {"line": first.line}, new_item("identity", _person_name(first, identity), identity=identity, fields=fields)


def _person_name(row: Row, identity: dict) -> str:
    if row.get("type").strip() == "name":
        name = " ".join(identity.get(key, "").strip() for key in ("title", "first_name", "middle_name", "last_name"))
        if name.split():
            return " ".join(name.split())
    return _name(row, "item_name", "type")


def _person_parts(rows: list[Row]) -> tuple[dict, list[dict]]:
    """The identity values of `rows` (the first of each kind) and the rest as custom fields."""
    identity: dict[str, str] = {}
    fields = []
    for row in rows:
        kind = row.get("type").strip()
        keys = PERSON_KEYS if kind == "name" else ROW_KEYS.get(kind, {})
        taken = bool(keys) and any(identity.get(key, "").strip() for key in keys.values())
        for column in row.values:
            value = row.get(column)
            if column == "type" or not column or not value.strip():
                continue
            if column in keys and not taken:
                identity[keys[column]] = value
            elif column == "item_name":
                continue  # the row's own label ("Home", "Work e-mail"): the item's name when rows stand alone
            else:
                fields.append(new_field(_label(column), _date(value) if "date" in column else value,
                                        "hidden" if column in HIDDEN else "text"))
    return identity, fields
