"""The formats an import reads, and reading one: all of a file's items, or none and the reason why."""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import lazy_gettext as _l

from services.common.config import ImportLimits

from . import (avira, bitwarden, bitwarden_csv, csv_formats, dashlane, enpass, keepass, keeper, lastpass, logmeonce,
               myki, nordpass, onepassword, passbolt, passky, protonpass, psono, roboform, safari, safeincloud,
               zoho)
from .errors import ImportRefused
from .items import check_item
from .reading import NO_ITEMS, check_size

FORMATS = {
    "bitwarden_json": _l("Bitwarden (JSON)"),
    "bitwarden_csv": _l("Bitwarden (CSV)"),
    "lastpass_csv": _l("LastPass (CSV)"),
    "chrome_csv": _l("Chrome, Edge or Brave (CSV)"),
    "firefox_csv": _l("Firefox (CSV)"),
    "onepassword_1pux": _l("1Password (1PUX)"),
    "onepassword_csv": _l("1Password (CSV)"),
    "keepass_xml": _l("KeePass 2 (XML)"),
    "keepassxc_csv": _l("KeePassXC (CSV)"),
    "dashlane_csv": _l("Dashlane (CSV)"),
    "dashlane_zip": _l("Dashlane (ZIP)"),
    "safari_csv": _l("Safari or Apple Passwords (CSV)"),
    "safeincloud_xml": _l("SafeInCloud (XML)"),
    "zohovault_csv": _l("Zoho Vault (CSV)"),
    "passbolt_csv": _l("Passbolt (CSV)"),
    "myki_csv": _l("Myki (CSV)"),
    "passky_json": _l("Passky (JSON)"),
    "avira_csv": _l("Avira (CSV)"),
    "logmeonce_csv": _l("LogMeOnce (CSV)"),
    "keeper_csv": _l("Keeper (CSV)"),
    "keeper_json": _l("Keeper (JSON)"),
    "roboform_csv": _l("RoboForm (CSV)"),
    "nordpass_csv": _l("NordPass (CSV)"),
    "protonpass_json": _l("Proton Pass (JSON)"),
    "enpass_json": _l("Enpass (JSON)"),
    "psono_json": _l("Psono (JSON)"),
}

_READERS = {
    "bitwarden_csv": bitwarden_csv.read,
    "lastpass_csv": lastpass.read,
    "chrome_csv": csv_formats.read_chrome,
    "firefox_csv": csv_formats.read_firefox,
    "onepassword_csv": csv_formats.read_onepassword,
    "keepass_xml": keepass.read_xml,
    "keepassxc_csv": csv_formats.read_keepassxc,
    "dashlane_csv": csv_formats.read_dashlane,
    "safari_csv": safari.read,
    "safeincloud_xml": safeincloud.read,
    "zohovault_csv": zoho.read,
    "passbolt_csv": passbolt.read,
    "myki_csv": myki.read,
    "passky_json": passky.read,
    "avira_csv": avira.read,
    "logmeonce_csv": logmeonce.read,
    "keeper_csv": keeper.read_csv,
    "keeper_json": keeper.read_json,
    "roboform_csv": roboform.read,
    "nordpass_csv": nordpass.read,
    "enpass_json": enpass.read,
    "psono_json": psono.read,
}


def parse(format_id: str, content: bytes, password: str | None = None,
          limits: ImportLimits = ImportLimits()) -> list[dict]:
    """The plain items in an export file of `format_id`; ImportRefused on the first thing wrong.

    `password` opens a password-protected Bitwarden JSON export; other formats ignore it.
    """
    if format_id not in FORMATS:
        raise ValueError(f"unknown import format {format_id!r}")
    check_size(content, limits)
    if format_id == "bitwarden_json":
        return _collect(bitwarden.read_json(content, password), limits)
    if format_id == "onepassword_1pux":  # a ZIP: what it holds is held to the same size limit
        return _collect(onepassword.read_1pux(content, limits), limits)
    if format_id == "dashlane_zip":  # a ZIP too: its CSV files are held to the same size limit
        return _collect(dashlane.read_zip(content, limits), limits)
    if format_id == "protonpass_json":  # its JSON, or the ZIP holding it: held to the same size limit
        return _collect(protonpass.read(content, limits), limits)
    return _collect(_READERS[format_id](content), limits)


def _collect(entries: Iterable[tuple[dict, dict | None]], limits: ImportLimits) -> list[dict]:
    items: list[dict] = []
    for place, item in entries:
        if item is None:
            continue  # an entry the source keeps for itself, such as Firefox's own account
        if len(items) == limits.items:
            raise ImportRefused("The file holds more than %(limit)s items: split it into smaller files.",
                                limit=limits.items, **place)
        try:
            check_item(item)
        except ImportRefused as error:
            raise error.located(**place) from None
        items.append(item)
    if not items:
        raise ImportRefused(NO_ITEMS)
    return items
