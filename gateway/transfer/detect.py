"""Guessing an export file's format from its content, and from its name when the content cannot tell."""

from __future__ import annotations

import csv
import io
import json
import zipfile

from . import enpass, keeper, protonpass, psono
from .onepassword import DATA_FILE

_HEAD_BYTES = 64 * 1024
# Each format's identifying columns; when several match, the one naming the most columns wins (Chrome's
# columns, for one, are a subset of LastPass's), and among equals the one listed first.
CSV_SIGNATURES = (
    ("bitwarden_csv", {"type", "name", "login_uri", "folder"}),
    ("bitwarden_csv", {"type", "name", "login_uri", "collections"}),
    ("lastpass_csv", {"url", "username", "password", "extra", "name", "grouping"}),
    ("firefox_csv", {"url", "username", "password", "httprealm", "formactionorigin"}),
    ("keepassxc_csv", {"group", "title", "username", "password", "url", "notes"}),
    ("onepassword_csv", {"title", "url", "username", "password", "otpauth"}),
    ("onepassword_csv", {"title", "url", "username", "password", "archived"}),
    ("dashlane_csv", {"username", "username2", "title", "password", "url"}),
    ("dashlane_csv", {"type", "account_name", "account_holder"}),
    ("chrome_csv", {"name", "url", "username", "password"}),
    ("roboform_csv", {"name", "url", "matchurl", "login", "pwd", "note", "folder"}),
    ("nordpass_csv", {"name", "url", "username", "password", "note", "cardholdername", "cardnumber", "type"}),
)
DASHLANE_NOTE_COLUMNS = ({"title", "note"}, {"title", "note", "category"})
_UNREADABLE = object()
EXTENSIONS = {".1pux": "onepassword_1pux", ".json": "bitwarden_json", ".xml": "keepass_xml"}


def detect_format(filename: str, content: bytes) -> str | None:
    """The id of the format `content` looks like, or None when it looks like none of them.

    The file name decides only when the content cannot be read at all (a broken file still
    gets the refusal of the format it claims to be).
    """
    if content.startswith(b"PK\x03\x04"):
        if _holds_export_data(content):
            return "onepassword_1pux"
        return "protonpass_json" if protonpass.holds_data(content) else None
    head = content[:_HEAD_BYTES].decode("utf-8-sig", errors="ignore").lstrip()
    if head.startswith("{"):
        try:
            document = json.loads(content.decode("utf-8-sig"))
        except (UnicodeDecodeError, ValueError, RecursionError):
            document = _UNREADABLE
        if document is not _UNREADABLE:
            if found := _json_format(document):
                return found
            bitwarden = isinstance(document, dict) and ("items" in document or document.get("passwordProtected"))
            return "bitwarden_json" if bitwarden else None
    elif head.startswith("<"):
        return "keepass_xml" if "<KeePassFile" in head else None
    elif found := _csv_format(head):
        return found
    extension = "." + filename.lower().rpartition(".")[2] if "." in filename else ""
    return EXTENSIONS.get(extension)


def _holds_export_data(content: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return DATA_FILE in archive.namelist()
    except zipfile.BadZipFile:
        return False


def _csv_format(head: str) -> str | None:
    try:
        header = next(csv.reader(io.StringIO(head, newline="")), [])
    except csv.Error:
        return None
    columns = {cell.strip().lower() for cell in header}
    matching = [(len(signature), -order, format_id) for order, (format_id, signature) in enumerate(CSV_SIGNATURES)
                if signature <= columns]
    if matching:
        return max(matching)[2]
    if columns in DASHLANE_NOTE_COLUMNS:
        return "dashlane_csv"
    if keeper.looks_like_csv(head):
        return "keeper_csv"
    return None


def _json_format(document: object) -> str | None:
    """The format a JSON document other than Bitwarden's is in, told by its own keys (checked before Bitwarden's)."""
    if keeper.looks_like_json(document):
        return "keeper_json"
    if protonpass.looks_like_json(document):
        return "protonpass_json"
    if enpass.looks_like_json(document):
        return "enpass_json"
    if psono.looks_like_json(document):
        return "psono_json"
    return None
