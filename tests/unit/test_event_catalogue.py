"""The event catalogue, its envelope and its documentation agree."""
from __future__ import annotations

from pathlib import Path

import pytest

from services.common.catalogue import CATALOGUE, STREAMS, markdown_table
from services.common.envelope import Event, MalformedEvent

DOCS = Path(__file__).resolve().parents[2] / "docs" / "events.md"


def test_the_integrators_documentation_lists_exactly_the_catalogue():
    text = DOCS.read_text()
    documented = text.split("<!-- catalogue:start -->")[1].split("<!-- catalogue:end -->")[0].strip()
    assert documented == markdown_table(), "run `python -m services.common.catalogue --write docs/events.md`"


def test_every_event_is_published_on_its_services_stream():
    for spec in CATALOGUE.values():
        assert spec.service in STREAMS
        assert spec.subject == f"{spec.service}.{spec.type}"


def test_codes_are_unique():
    codes = [spec.code for spec in CATALOGUE.values()]
    assert len(codes) == len(set(codes))


def test_an_event_survives_the_cloudevents_round_trip():
    event = Event("org.member.invited", {"member_id": "m", "organization_id": "o", "organization_name": "Acme",
                                         "email": "a@b.example", "role": "owner"},
                  subject="m", orgid="o", providerid="p", actorid="u", ip="203.0.113.1", devicetype="web",
                  traceparent="00-" + "a" * 32 + "-" + "b" * 16 + "-01")
    again = Event.from_json(event.to_json())
    assert again == event


@pytest.mark.parametrize("raw", [b"", b"not json", b"[]", b'{"specversion": "1.0"}',
                                 b'{"id": "1", "source": "/x", "type": "no.such.event", "specversion": "1.0"}'])
def test_anything_else_on_the_bus_is_refused_as_malformed(raw):
    with pytest.raises(MalformedEvent):
        Event.from_json(raw)


@pytest.mark.parametrize("raw", [
    b'{"id": "1", "source": "/services/orgs", "type": "org.item.created", "specversion": "0.3", "data": {}}',
    b'{"id": 1, "source": "/services/orgs", "type": "org.item.created", "specversion": "1.0", "data": {}}',
    b'{"id": "1", "source": "", "type": "org.item.created", "specversion": "1.0", "data": {}}',
    b'{"id": "1", "source": "/services/orgs", "type": "org.item.created", "specversion": "1.0", "data": []}',
    b'{"id": "1", "source": "/services/orgs", "type": "org.item.created", "specversion": "1.0", "data": {},'
    b' "time": "yesterday"}',
    b'{"id": "1", "source": "/services/orgs", "type": "org.item.created", "specversion": "1.0", "data": {},'
    b' "time": "2026-12-01T10:00:00"}',
    b'{"id": "1", "source": "/services/orgs", "type": "org.item.created", "specversion": "1.0", "data": {},'
    b' "orgid": 7}',
    b'\xff\xfe'])
def test_an_event_breaking_cloudevents_rules_is_refused_as_malformed(raw):
    with pytest.raises(MalformedEvent):
        Event.from_json(raw)


def test_an_event_read_back_keeps_its_time_to_the_microsecond_and_its_missing_extensions_unset():
    event = Event("org.item.created", {"cipher_id": "c", "organization_id": "o", "type": 1}, orgid="o")
    again = Event.from_json(event.to_json())
    assert again.time == event.time and again.time.utcoffset() is not None
    assert (again.actorid, again.providerid, again.subject) == (None, None, "")
