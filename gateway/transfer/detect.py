"""Guessing an export file's format from its content, and from its name when the content cannot tell."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from dataclasses import dataclass

from . import enpass, keeper, protonpass, psono
from .dashlane import FILES as DASHLANE_FILES
from .onepassword import DATA_FILE
from .passky import is_passky

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
    ("dashlane_csv", {"type", "account_name", "cc_number"}),
    ("dashlane_csv", {"type", "number", "name", "issue_date", "expiration_date", "place_of_issue"}),
    ("dashlane_csv", {"type", "title", "first_name", "last_name", "item_name", "phone_number"}),
    ("onepassword_csv", {"title", "type", "scope", "created date", "modified date"}),
    ("onepassword_csv", {"uuid", "title", "scope", "autosubmit"}),
    ("chrome_csv", {"name", "url", "username", "password"}),
    # Safari's columns are 1Password's and Notes: 1Password's own Favorite and Archived keep its files its own.
    ("safari_csv", {"title", "url", "username", "password", "notes", "otpauth"}),
    ("onepassword_csv", {"title", "url", "username", "password", "otpauth", "favorite", "archived"}),
    ("zohovault_csv", {"password name", "password url", "secretdata", "customdata"}),
    ("zohovault_csv", {"secret name", "secret url", "secretdata", "customdata"}),
    # Passbolt writes KeePassXC's columns and TOTP; KeePassXC 2.6+ adds Icon, which keeps its files its own.
    ("passbolt_csv", {"title", "username", "url", "password", "notes", "group", "totp"}),
    ("keepassxc_csv", {"group", "title", "username", "password", "url", "notes", "totp", "icon"}),
    ("myki_csv", {"nickname", "url", "username", "password", "additionalinfo", "twofasecret"}),
    ("myki_csv", {"nickname", "authtoken", "additionalinfo"}),
    ("myki_csv", {"nickname", "cardnumber", "cardname", "exp_month", "exp_year", "cvv"}),
    ("myki_csv", {"nickname", "firstname", "lastname", "firstaddressline", "zipcode"}),
    ("myki_csv", {"nickname", "idtype", "idnumber", "idname"}),
    ("myki_csv", {"nickname", "status", "content"}),
    ("avira_csv", {"name", "website", "username", "secondary_username", "password"}),
    ("logmeonce_csv", {"name", "url", "username", "password", "group", "extra"}),
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
    found = detect(filename, content)
    return found.format_id if found else None


def _content_format(content: bytes) -> str | None | object:
    """The format the content says, None when it is readable but no format's, _UNREADABLE when it cannot tell."""
    if content.startswith(b"PK\x03\x04"):
        return _zip_format(content)
    head = content[:_HEAD_BYTES].decode("utf-8-sig", errors="ignore").lstrip()
    if head.startswith("{"):
        try:
            document = json.loads(content.decode("utf-8-sig"))
        except (UnicodeDecodeError, ValueError, RecursionError):
            return _UNREADABLE
        if found := _json_format(document):
            return found
        bitwarden = isinstance(document, dict) and ("items" in document or document.get("passwordProtected"))
        return "bitwarden_json" if bitwarden else None
    if head.startswith("<"):
        return "keepass_xml" if "<KeePassFile" in head else _xml_format(head)
    return _csv_format(head) or _UNREADABLE


def _xml_format(head: str) -> str | None:
    """The format of an XML document other than KeePass's, by its root element."""
    if "<database>" in head or "<database " in head:
        return "safeincloud_xml"
    return None


def _zip_format(content: bytes) -> str | None:
    """A ZIP file's format, told by the names of the files it holds."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = archive.namelist()
    except zipfile.BadZipFile:
        return None
    if DATA_FILE in names:
        return "onepassword_1pux"
    dashlane_files = {name.rpartition("/")[2].lower() for name in names} & set(DASHLANE_FILES)
    if "credentials.csv" in dashlane_files or len(dashlane_files) >= 2:
        return "dashlane_zip"
    return "protonpass_json" if protonpass.holds_data(names) else None


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
    if is_passky(document):
        return "passky_json"
    return None


@dataclass(frozen=True)
class Detection:
    """The format a file was taken for, and whether its content says so (`certain`) or only its name."""

    format_id: str
    certain: bool


def detect(filename: str, content: bytes) -> Detection | None:
    """The format of `content` and how sure that is; None when neither content nor name tells."""
    by_content = _content_format(content)
    if by_content is not _UNREADABLE:
        return Detection(by_content, certain=True) if by_content else None
    extension = "." + filename.lower().rpartition(".")[2] if "." in filename else ""
    by_name = EXTENSIONS.get(extension)
    return Detection(by_name, certain=False) if by_name else None
