"""Keyset paging: opaque cursors, and a page that starts after (or ends before) a row already seen,
never at an OFFSET (an OFFSET walks every row before the page; a keyset condition lets an index
start at it).

A cursor is base64url JSON of a list: first what it belongs to (a table, a scope, a sort), then
the sort key and id of the row it points at. The services check the first part against the
list asked for and the rest against the key's types, so a cursor of another list, or one a
person edited, is refused with a message they can act on and changes nothing.
"""
from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass

from sqlalchemy import and_, or_, tuple_
from sqlalchemy.orm import InstrumentedAttribute

from .errors import Invalid

MAX_CURSOR = 400  # characters: a cursor holds one row's sort key, an id and its scope
DAMAGED = "This page link is damaged: start again from the first page."


class BadCursor(Invalid):
    """A page link that is not one of ours, or not one of this list."""


def encode_cursor(body: list) -> str:
    """The opaque cursor of `body` (JSON-serialisable values)."""
    return base64.urlsafe_b64encode(json.dumps(body, separators=(",", ":")).encode()).decode().rstrip("=")


def damaged(field: str) -> BadCursor:
    """The refusal of a page link that is not one of ours."""
    return BadCursor(DAMAGED, field, code="page_link.damaged")


def decode_cursor(cursor: str, field: str, damaged=damaged) -> list:
    """What `encode_cursor` made; `damaged(field)` (a BadCursor) for anything that is not a cursor's list."""
    try:
        body = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError, UnicodeDecodeError) as error:
        raise damaged(field) from error
    if not isinstance(body, list):
        raise damaged(field)
    return body


@dataclass(frozen=True)
class Ordering:
    """How one list is sorted: its name, its key columns (the last one unique) and their types."""

    table: str
    scope: str
    sort: str
    descending: bool
    columns: tuple
    types: tuple

    def cursor(self, values) -> str:
        """The opaque cursor pointing at the row whose sort key is `values`."""
        return encode_cursor([self.table, self.scope, self.sort, "desc" if self.descending else "asc", *values])

    def position(self, cursor: str, field: str) -> tuple:
        """The sort key a cursor points at; BadCursor when it is malformed or made for another list."""
        body = decode_cursor(cursor, field)
        if len(body) < 4:
            raise damaged(field)
        expected = [self.table, self.scope, self.sort, "desc" if self.descending else "asc"]
        if body[:4] != expected:
            raise BadCursor("This page link belongs to another list or sort: start again from the first page.",
                            field, code="page_link.other_list")
        values = tuple(body[4:])
        if len(values) != len(self.types) or not all(type(v) is kind for v, kind in zip(values, self.types)):
            raise damaged(field)
        return values


@dataclass(frozen=True)
class Window:
    """The rows of one page, and whether pages lie before and after it."""

    rows: list
    has_previous: bool
    has_next: bool


def beyond(columns, values, descending: bool):
    """The condition "after `values` in the order of `columns`", all ascending or all descending.

    Columns compare as one row value, `(a, b) > (x, y)`: SQLite and PostgreSQL both seek the
    index to (x, y). SQLite seeks no row value over an expression (`coalesce(name, '')`), so
    there it is `a >= x AND (a > x OR b > y)`, which seeks to x and walks the rows sharing it.
    """
    first, *rest = columns
    if not rest:
        return first < values[0] if descending else first > values[0]
    if all(isinstance(column, InstrumentedAttribute) for column in columns):
        return tuple_(*columns) < tuple(values) if descending else tuple_(*columns) > tuple(values)
    strictly = first < values[0] if descending else first > values[0]
    at_least = first <= values[0] if descending else first >= values[0]
    return and_(at_least, or_(strictly, beyond(rest, values[1:], descending)))


def window(uow, statement, ordering: Ordering, size: int, after: str = "", before: str = "") -> Window:
    """One page of `statement` in `ordering`: the first, the one after `after`, or the one before `before`.

    Fetches one row more than `size` to know whether the list goes on. A page before `before`
    that comes back short (rows were deleted meanwhile) is replaced by the first page.
    """
    if after and before:
        raise BadCursor("Ask for the page after a row or before one, not both.", "before",
                        code="page_link.after_and_before")
    backwards = bool(before)
    position = ordering.position(before, "before") if backwards else (
        ordering.position(after, "after") if after else None)
    downwards = ordering.descending != backwards
    positioned = statement if position is None else statement.where(
        beyond(ordering.columns, position, downwards))
    order = [column.desc() if downwards else column.asc() for column in ordering.columns]
    rows = list(uow.session.exec(positioned.order_by(*order).limit(size + 1)).all())
    more = len(rows) > size
    rows = rows[:size]
    if not backwards:
        return Window(rows, position is not None, more)
    if not more:
        return window(uow, statement, ordering, size)
    rows.reverse()
    return Window(rows, True, True)
