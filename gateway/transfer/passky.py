"""Passky's JSON backup: a list of passwords, each a website, a username, a password and a message."""

from __future__ import annotations

import json
from collections.abc import Iterator

from .errors import ImportRefused
from .items import new_item, new_uri
from .reading import decode_text



def is_passky(document: object) -> bool:
    """Whether a JSON document has the shape of a Passky backup."""
    return isinstance(document, dict) and "encrypted" in document and isinstance(document.get("passwords"), list)


def _not_passky(entry: int | None = None) -> ImportRefused:
    return ImportRefused("The file is not a Passky export: it should be a JSON object with the keys “encrypted” and "
                         "“passwords”, a list of entries with the keys “website”, “username”, “password” and "
                         "“message”.", entry=entry)


def read(content: bytes) -> Iterator[tuple[dict, dict]]:
    """(place, plain item) for each entry of an unencrypted Passky backup."""
    try:
        document = json.loads(decode_text(content))
    except (ValueError, RecursionError):
        raise _not_passky() from None
    if not is_passky(document):
        raise _not_passky()
    if document["encrypted"] is True:
        raise ImportRefused("The Passky backup is encrypted: export it again from Passky without encryption.")
    for number, entry in enumerate(document["passwords"], 1):
        if not isinstance(entry, dict):
            raise _not_passky(number)
        # Passky keeps no title: the website is both the item's name and its address.
        website = entry.get("website") or ""
        if not isinstance(website, str) or not website.strip():
            raise ImportRefused("The website is empty.", entry=number)
        yield {"entry": number}, new_item("login", website.strip(), notes=entry.get("message") or "", login={
            "username": entry.get("username") or "", "password": entry.get("password") or "",
            "uris": [new_uri(website.strip())]})
