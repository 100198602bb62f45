"""CSV exports of browsers and of the smaller managers: one reader per source, each line one item."""

from __future__ import annotations

from collections.abc import Iterator

from .errors import ImportRefused
from .items import new_field, new_item, new_uri
from .reading import CsvTable, Row, host_of

CHROME_COLUMNS = ("name", "url", "username", "password")
FIREFOX_COLUMNS = ("url", "username", "password", "httprealm", "formactionorigin")
ONEPASSWORD_COLUMNS = ("title", "url", "username", "password")
KEEPASSXC_COLUMNS = ("group", "title", "username", "password", "url", "notes")
DASHLANE_LOGIN_COLUMNS = ("username", "title", "password", "url")
DASHLANE_NOTE_COLUMNS = ("title", "note")
DASHLANE_PAYMENT_COLUMNS = ("type", "account_name")
# Firefox keeps the Firefox account's own sign-in among the logins; it is no website's.
FIREFOX_INTERNAL_PREFIX = "chrome://"


def _uris(url: str) -> list[dict]:
    return [new_uri(url.strip())] if url.strip() else []


def _login(row: Row, name: str, *, username: str, password: str, url: str, totp: str = "", **common) -> dict:
    return new_item("login", name, login={"username": row.get(username), "password": row.get(password),
                                          "totp": row.get(totp).strip() if totp else "", "uris": _uris(row.get(url))},
                    **common)


def _name(row: Row, column: str) -> str:
    name = row.get(column)
    if not name.strip():
        raise ImportRefused("The name is empty.", line=row.line)
    return name


def read_chrome(content: bytes) -> Iterator[tuple[dict, dict]]:
    """Chrome, Edge and Brave (and other Chromium browsers) password CSV exports."""
    for row in CsvTable(content, required=CHROME_COLUMNS):
        # Chromium names each login after its site, and an older export may leave the name out.
        name = row.get("name") if row.get("name").strip() else host_of(row.get("url"))
        if not name:
            raise ImportRefused("The name and the website are both empty.", line=row.line)
        yield {"line": row.line}, _login(row, name, username="username", password="password", url="url",
                                         notes=row.get("note"))


def read_firefox(content: bytes) -> Iterator[tuple[dict, dict]]:
    """Firefox's about:logins export, named after each login's host as Firefox shows it."""
    for row in CsvTable(content, required=FIREFOX_COLUMNS):
        url = row.get("url").strip()
        if url.startswith(FIREFOX_INTERNAL_PREFIX):
            yield {"line": row.line}, None
            continue
        if not url:
            raise ImportRefused("The website is empty.", line=row.line)
        yield {"line": row.line}, _login(row, host_of(url) or url, username="username", password="password",
                                         url="url")


def read_onepassword(content: bytes) -> Iterator[tuple[dict, dict]]:
    """1Password 8's CSV export; the first tag becomes the folder."""
    for row in CsvTable(content, required=ONEPASSWORD_COLUMNS):
        tags = [tag.strip() for tag in row.get("tags").split(",") if tag.strip()]
        yield {"line": row.line}, _login(row, _name(row, "title"), username="username", password="password",
                                         url="url", totp="otpauth", notes=row.get("notes"),
                                         favorite=row.flag("favorite"), folder=tags[0] if tags else "")


def read_keepassxc(content: bytes) -> Iterator[tuple[dict, dict]]:
    """KeePassXC's CSV export; the group path without the database's root group becomes the folder."""
    for row in CsvTable(content, required=KEEPASSXC_COLUMNS):
        folder = "/".join(part for part in row.get("group").split("/")[1:] if part.strip())
        yield {"line": row.line}, _login(row, _name(row, "title"), username="username", password="password",
                                         url="url", totp="totp", notes=row.get("notes"), folder=folder)


def read_dashlane(content: bytes) -> Iterator[tuple[dict, dict]]:
    """Dashlane's credentials.csv, securenotes.csv or payments.csv, told apart by their headers."""
    table = CsvTable(content)
    if all(table.has(column) for column in DASHLANE_LOGIN_COLUMNS):
        plain = _dashlane_login
    elif all(table.has(column) for column in DASHLANE_NOTE_COLUMNS):
        plain = _dashlane_note
    elif all(table.has(column) for column in DASHLANE_PAYMENT_COLUMNS):
        plain = _dashlane_payment
    else:
        table.require(*DASHLANE_LOGIN_COLUMNS)
    for row in table:
        yield {"line": row.line}, plain(row)


def _dashlane_login(row: Row) -> dict:
    extra_usernames = [new_field("Alternate username" if column == "username2" else "Alternate username 2",
                                 row.get(column)) for column in ("username2", "username3") if row.get(column).strip()]
    return _login(row, _name(row, "title"), username="username", password="password", url="url",
                  totp="otpsecret" if row.get("otpsecret").strip() else "otpurl", notes=row.get("note"),
                  folder=row.get("category").strip(), fields=extra_usernames)


def _dashlane_note(row: Row) -> dict:
    return new_item("note", _name(row, "title"), notes=row.get("note"), folder=row.get("category").strip())


def _dashlane_payment(row: Row) -> dict:
    name = _name(row, "account_name")
    if row.get("type").strip() == "payment_card":
        return new_item("card", name, notes=row.get("note"), card={
            "cardholder_name": row.get("account_holder"), "number": row.get("cc_number"), "code": row.get("code"),
            "exp_month": row.get("expiration_month").strip(), "exp_year": row.get("expiration_year").strip()})
    # Bank accounts have no plain item type of their own: a note keeps every detail.
    details = (("Account holder", "account_holder", "text"), ("Account number", "account_number", "hidden"),
               ("Routing number", "routing_number", "text"), ("Bank", "issuing_bank", "text"),
               ("Country", "country", "text"))
    return new_item("note", name, notes=row.get("note"), fields=[
        new_field(label, row.get(column), field_type) for label, column, field_type in details
        if row.get(column).strip()])
