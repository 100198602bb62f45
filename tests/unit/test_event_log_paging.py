"""The event log pages newest first by keyset: Older and Newer reach every event once, even at one instant."""
from __future__ import annotations

import base64
import json
import uuid
from datetime import datetime, timedelta, timezone

import pytest

from services.audit import domain, models
from tests.unit.keyset_walk import walk_both_ways

EVENTS = 130
START = datetime(2026, 12, 1, 8, 0, tzinfo=timezone.utc)


@pytest.fixture
def log(make_uow):
    """A provider's log of EVENTS events, many sharing a time to the microsecond, and another provider's."""
    uow = make_uow(models, models.AuditTable)
    mine, other, organization = (str(uuid.uuid4()) for _ in range(3))
    with uow() as unit:
        for number in range(EVENTS):
            unit.add(models.LoggedEvent(id=str(uuid.uuid4()), type="org.created", code=1900, source="orgs",
                                        time=START + timedelta(seconds=number // 4), provider_id=mine,
                                        group="organization",
                                        organization_id=organization if number % 2 else None, data={}))
        for number in range(5):
            unit.add(models.LoggedEvent(id=str(uuid.uuid4()), type="org.created", code=1900, source="orgs",
                                        time=START, provider_id=other, group="organization", data={}))
        unit.commit()
    return uow, mine, other, organization


EVERYTHING = domain.EventFilter.parse("2026-11-01", "2026-12-02", today=START.date())


def walk(uow, **scope):
    log = domain.Log(**scope)
    return walk_both_ways(uow, lambda unit, **position: domain.events_page(unit, log, EVERYTHING, **position),
                          "events", onward="older", back="newer")


def test_older_and_newer_reach_every_event_of_a_provider_once_newest_first(log):
    uow, mine, _other, _organization = log
    forwards, backwards = walk(uow, provider_id=mine)
    assert [len(page) for page in forwards] == [50, 50, 30]
    seen = [event for page in forwards for event in page]
    assert len({event.id for event in seen}) == EVENTS and {event.provider_id for event in seen} == {mine}
    keys = [(event.time, event.id) for event in seen]
    assert keys == sorted(keys, reverse=True)
    assert [[e.id for e in page] for page in backwards] == [[e.id for e in page] for page in forwards[-2::-1]]


def test_an_organizations_log_pages_the_same_way(log):
    uow, _mine, _other, organization = log
    forwards, _backwards = walk(uow, organization_id=organization)
    assert [len(page) for page in forwards] == [50, 15]
    with uow() as unit:
        assert domain.events_page(unit, domain.Log(organization_id=organization), EVERYTHING).newer is None


def cursor(*body) -> str:
    return base64.urlsafe_b64encode(json.dumps(list(body)).encode()).decode()


KEY = EVERYTHING.key
OTHER_FILTER = domain.EventFilter.parse("2026-11-01", "2026-12-02", group="members", today=START.date())


@pytest.mark.parametrize("make_cursor, message", [
    (lambda mine, other: "%%%", "damaged"),
    (lambda mine, other: cursor(f"provider:{mine}", KEY, "yesterday", "id"), "damaged"),
    (lambda mine, other: cursor(f"provider:{mine}", KEY, "2026-12-01T08:00:00", "id"), "damaged"),  # no time zone
    (lambda mine, other: cursor(f"provider:{mine}", KEY, START.isoformat()), "damaged"),
    (lambda mine, other: cursor(f"provider:{other}", KEY, START.isoformat(), "id"), "another event log"),
    (lambda mine, other: cursor(f"organization:{mine}", KEY, START.isoformat(), "id"), "another event log"),
    (lambda mine, other: cursor(f"provider:{mine}", OTHER_FILTER.key, START.isoformat(), "id"), "other filters"),
], ids=["not base64", "not a time", "naive time", "no id", "another provider", "an organization", "other filters"])
def test_a_malformed_or_foreign_cursor_is_refused(log, make_cursor, message):
    uow, mine, other, _organization = log
    for position in ("after", "before"):
        with uow() as unit, pytest.raises(domain.BadCursor, match=message):
            domain.events_page(unit, domain.Log(provider_id=mine), EVERYTHING, **{position: make_cursor(mine, other)})
