"""CSV exports of browsers and of the smaller managers: one reader per source, each line one item."""

from __future__ import annotations

from collections.abc import Iterator

from .errors import ImportRefused
from .dashlane import read as read_dashlane
from .items import new_item, new_uri
from .onepassword_csv import read as read_onepassword
from .reading import CsvTable, Row, host_of

# Dashlane's and 1Password's CSV exports have modules of their own; their readers are still found here.
__all__ = ["read_chrome", "read_dashlane", "read_firefox", "read_keepassxc", "read_onepassword"]

CHROME_COLUMNS = ("name", "url", "username", "password")
FIREFOX_COLUMNS = ("url", "username", "password", "httprealm", "formactionorigin")
KEEPASSXC_COLUMNS = ("group", "title", "username", "password", "url", "notes")
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


def read_keepassxc(content: bytes) -> Iterator[tuple[dict, dict]]:
    """KeePassXC's CSV export; the group path without the database's root group becomes the folder."""
    for row in CsvTable(content, required=KEEPASSXC_COLUMNS):
        folder = "/".join(part for part in row.get("group").split("/")[1:] if part.strip())
        yield {"line": row.line}, _login(row, _name(row, "title"), username="username", password="password",
                                         url="url", totp="totp", notes=row.get("notes"), folder=folder)
