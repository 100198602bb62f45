"""Opaque cursors of keyset-paged lists: what a page link carries to say where the page starts.

A cursor is base64url JSON of a list: first what it belongs to (a table, a scope, a sort), then
the sort key and id of the row it points at. The services check the first part against the
list asked for and the rest against the key's types, so a cursor of another list, or one a
person edited, is refused with a message they can act on and changes nothing.
"""
from __future__ import annotations

import base64
import binascii
import json

from .errors import Invalid

MAX_CURSOR = 400  # characters: a cursor holds one row's sort key, an id and its scope
DAMAGED = "This page link is damaged: start again from the first page."


class BadCursor(Invalid):
    """A page link that is not one of ours, or not one of this list."""


def encode_cursor(body: list) -> str:
    """The opaque cursor of `body` (JSON-serialisable values)."""
    return base64.urlsafe_b64encode(json.dumps(body, separators=(",", ":")).encode()).decode().rstrip("=")


def decode_cursor(cursor: str, field: str, damaged: str = DAMAGED) -> list:
    """What `encode_cursor` made; BadCursor(`damaged`) for anything that is not a cursor's list."""
    try:
        body = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError, UnicodeDecodeError) as error:
        raise BadCursor(damaged, field) from error
    if not isinstance(body, list):
        raise BadCursor(damaged, field)
    return body
