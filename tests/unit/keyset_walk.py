"""Walking a keyset-paged list both ways, as a person clicking Next, then Previous, would."""
from __future__ import annotations


def walk_both_ways(uow, fetch, rows: str, onward: str = "next", back: str = "previous") -> tuple[list, list]:
    """Every page from the first by its `onward` cursor, then back from the last by its `back` cursor.

    `fetch(unit, after=..., before=...)` gives a page; `rows` names the page's attribute holding its rows.
    """
    forwards, cursor = [], ""
    while True:
        with uow() as unit:
            page = fetch(unit, after=cursor)
        forwards.append(getattr(page, rows))
        if getattr(page, onward) is None:
            break
        cursor = getattr(page, onward)
    backwards, cursor = [], getattr(page, back)
    while cursor:
        with uow() as unit:
            page = fetch(unit, before=cursor)
        backwards.append(getattr(page, rows))
        cursor = getattr(page, back)
    return forwards, backwards
