"""The vault's items page by Previous / Next after the name sort (done in the gateway, where names are open)."""
from __future__ import annotations

import uuid

from gateway.views.items import ITEMS_PAGE_SIZE, items_page

ITEMS = [{"item_id": str(uuid.uuid4()), "name": f"Item {number:03}"} for number in range(123)]


def test_next_and_previous_reach_every_item_once_in_order():
    forwards, cursor = [], ""
    while True:
        page, previous, following = items_page(ITEMS, cursor, "")
        forwards.append(page)
        if following is None:
            break
        cursor = following
    assert [len(page) for page in forwards] == [ITEMS_PAGE_SIZE, ITEMS_PAGE_SIZE, 23]
    assert [item for page in forwards for item in page] == ITEMS
    backwards, cursor = [], previous
    while cursor:
        page, cursor, _following = items_page(ITEMS, "", cursor)
        backwards.append(page)
    assert backwards == forwards[-2::-1]


def test_the_cursor_is_an_item_id_never_a_name():
    _page, _previous, following = items_page(ITEMS, "", "")
    assert following == ITEMS[ITEMS_PAGE_SIZE - 1]["item_id"]


def test_a_cursor_whose_item_is_gone_gives_the_first_page():
    page, previous, following = items_page(ITEMS, str(uuid.uuid4()), "")
    assert page == ITEMS[:ITEMS_PAGE_SIZE] and previous is None and following is not None


def test_a_short_vault_has_one_page_and_no_links():
    assert items_page(ITEMS[:3], "", "") == (ITEMS[:3], None, None)
