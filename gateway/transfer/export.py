"""Writing plain items as Bitwarden export files: JSON, password-protected JSON and CSV."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping

from . import bitwarden, bitwarden_csv, protection
from .errors import ImportRefused
from .items import check_item, completed
from .protection import EXPORT_KDF_ITERATIONS


def _checked(items: Iterable[Mapping]) -> list[dict]:
    # Items opened for a reader whose access hides secrets carry None there; the file gets them empty.
    checked = []
    for number, item in enumerate(items, 1):
        try:
            plain = completed(item)
            check_item(plain)
        except ImportRefused as error:
            raise error.located(entry=number) from None
        checked.append(plain)
    return checked


def _json_text(items: Iterable[Mapping], collections: list | None) -> str:
    # Bitwarden writes its exports with JSON.stringify(..., null, "  ").
    return json.dumps(bitwarden.document(_checked(items), collections), indent=2, ensure_ascii=False)


def export_json(items: Iterable[Mapping], collections: list | None = None) -> bytes:
    """Bitwarden's unencrypted JSON export; the organization variant when `collections` is a list.

    `collections` holds {"name", "id"?} dicts (or names); collections that items name but the
    list lacks are added. A personal export leaves the items' collections out.
    """
    return _json_text(items, collections).encode("utf-8")


def export_encrypted_json(items: Iterable[Mapping], collections: list | None, password: str, *,
                          iterations: int = EXPORT_KDF_ITERATIONS) -> bytes:
    """Bitwarden's password-protected JSON export, which Bitwarden opens with the same password."""
    document = protection.protect(_json_text(items, collections), password, iterations)
    return json.dumps(document, indent=2).encode("utf-8")


def export_csv(items: Iterable[Mapping], organization: bool) -> tuple[bytes, int]:
    """Bitwarden's CSV export, and how many cards and identities were left out (CSV has no columns for them)."""
    return bitwarden_csv.write(_checked(items), organization)
