"""The limits of an import: its size, its number of items, and how fast large files are read."""
from __future__ import annotations

import time

import pytest

from gateway.transfer import FORMATS, MAX_FILE_BYTES, MAX_ITEMS, ImportRefused, parse
from tests.unit.test_transfer_samples import chrome_csv, sample

pytestmark = pytest.mark.unit


@pytest.mark.parametrize("format_id", list(FORMATS))
def test_five_thousand_items_are_read_in_well_under_two_seconds(format_id):
    content = sample(format_id, 5_000)
    started = time.perf_counter()
    items = parse(format_id, content)
    elapsed = time.perf_counter() - started
    assert len(items) == 5_000
    assert items[-1]["login"]["uris"][0]["uri"] == "https://site4999.example/login"
    assert elapsed < 2, f"{format_id} took {elapsed:.2f}s"


@pytest.mark.parametrize("format_id", list(FORMATS))
def test_a_file_over_50_mb_is_refused_before_it_is_read(format_id):
    with pytest.raises(ImportRefused, match="^The file is larger than 50 MB.$"):
        parse(format_id, b" " * (MAX_FILE_BYTES + 1))


def test_a_file_of_more_than_20000_items_is_refused_at_the_first_item_too_many():
    content = chrome_csv([{"name": f"n{i}", "url": "https://a.example"} for i in range(MAX_ITEMS + 1)])
    with pytest.raises(ImportRefused, match="more than 20000 items") as refused:
        parse("chrome_csv", content)
    assert refused.value.line == MAX_ITEMS + 2


def test_a_file_of_exactly_20000_items_is_read():
    content = chrome_csv([{"name": f"n{i}", "url": "https://a.example"} for i in range(MAX_ITEMS)])
    assert len(parse("chrome_csv", content)) == MAX_ITEMS


def test_an_unknown_format_is_a_programming_error():
    with pytest.raises(ValueError, match="unknown import format"):
        parse("lotus_notes", b"")
