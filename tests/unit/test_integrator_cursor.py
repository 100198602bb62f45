"""The integrator stream's cursors, `since` and gaps (ADR 26): a cursor opens only for its provider, unchanged."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from gateway.integrator_stream import ForeignCursor, Slots, Start, _cursor_key, gap_of, open_cursor, parse_since, \
    seal_cursor
from services.common import provider_events
from services.common.catalogue import spec_for

pytestmark = pytest.mark.unit
KEY = _cursor_key(b"k" * 48)


@pytest.mark.parametrize("sequence", [1, 42, 2**40])
def test_a_cursor_round_trips_and_hides_its_sequence(sequence):
    cursor = seal_cursor(KEY, "provider-a", sequence)
    assert cursor.startswith("v1.") and len(cursor) <= 100
    assert open_cursor(KEY, "provider-a", cursor) == sequence
    assert seal_cursor(KEY, "provider-a", sequence) != cursor  # a fresh nonce each time


def test_a_cursor_of_provider_a_does_not_open_for_b_nor_under_another_key():
    cursor = seal_cursor(KEY, "provider-a", 7)
    with pytest.raises(ForeignCursor):
        open_cursor(KEY, "provider-b", cursor)
    with pytest.raises(ForeignCursor):
        open_cursor(_cursor_key(b"other" * 10), "provider-a", cursor)


@pytest.mark.parametrize("damage", [lambda c: c[:-2] + ("A" if c[-2] != "A" else "B") + c[-1], lambda c: c[3:],
                                    lambda c: "v1.!!!", lambda c: "v1." + "A" * 200, lambda c: "", lambda c: "12"])
def test_a_tampered_cursor_is_refused(damage):
    with pytest.raises(ForeignCursor):
        open_cursor(KEY, "provider-a", damage(seal_cursor(KEY, "provider-a", 7)))


def test_since_is_rfc_3339_with_its_offset():
    assert parse_since("2026-12-01T10:00:00+01:00") == datetime(2026, 12, 1, 9, tzinfo=timezone.utc)
    assert parse_since("2026-12-01T09:00:00.123456789Z").microsecond == 123456
    for bad in ("", "2026-12-01", "2026-12-01T09:00:00", "yesterday", "x" * 50):
        with pytest.raises(ValueError):
            parse_since(bad)


def test_a_gap_is_told_only_when_what_the_start_asks_for_is_gone():
    kept = {"first_seq": 50, "messages": 10, "first_ts": "2026-12-01T09:00:00.5Z"}
    assert gap_of({"first_seq": 1, "messages": 10, "first_ts": "2026-12-01T09:00:00Z"}, Start(after=0)) is None
    assert gap_of(kept, Start(after=49)) is None
    assert gap_of(kept, Start(after=10)) == "2026-12-01T09:00:00.5Z"
    assert gap_of(kept, Start(since=parse_since("2026-12-01T10:00:00Z"))) is None
    assert gap_of(kept, Start(since=parse_since("2026-12-01T08:00:00Z"))) == "2026-12-01T09:00:00.5Z"
    assert gap_of(kept, Start()) is None


def test_a_provider_id_never_widens_a_subject():
    spec = spec_for("org.member.invited")
    assert provider_events.subject_of("p-1", spec) == "providers.p-1.orgs.org.member.invited"
    assert provider_events.filter_of("p-1") == "providers.p-1.>"
    for bad in ("*", ">", "a.b", "", None, "a b"):
        assert not provider_events.is_provider_id(bad)
        with pytest.raises(ValueError):
            provider_events.filter_of(bad)


def test_one_stream_per_credential_and_at_most_the_cap():
    slots = Slots(2)
    assert slots.take("a") and not slots.take("a") and slots.take("b") and not slots.take("c")
    slots.give_back("a")
    assert slots.take("c")
