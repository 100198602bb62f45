"""The event log's filters, what ingest fills in for them, the public API's keys and retention, on real rows."""
from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlmodel import select

from services.audit import domain, models
from services.common.errors import Invalid, TooManyAttempts, Unauthenticated
from services.common.envelope import Event

TODAY = date(2026, 12, 1)
NOON = datetime(2026, 12, 1, 12, 0, tzinfo=timezone.utc)


@pytest.fixture
def uow(make_uow):
    return make_uow(models, models.AuditTable)


@pytest.fixture
def acme(uow):
    """An organization's log: Alice (registered) invites and edits, the system mails, Bob acts elsewhere."""
    org, other, alice, bob = (str(uuid.uuid4()) for _ in range(4))
    events = [
        Event("user.registered", {"user_id": alice, "email": "alice@acme.example", "name": "Alice Martin"},
              time=NOON - timedelta(days=40)),
        Event("user.registered", {"user_id": bob, "email": "bob@other.example", "name": "Bob Stone"},
              time=NOON - timedelta(days=40)),
        Event("org.member.invited", {"member_id": "m1", "organization_id": org, "organization_name": "Acme Dental",
                                     "email": "carol@acme.example", "name": "", "role": "user"},
              orgid=org, actorid=alice, ip="203.0.113.9", devicetype="web", time=NOON - timedelta(days=2)),
        Event("invitation.mailed", {"member_id": "m1", "email": "carol@acme.example"}, orgid=org,
              time=NOON - timedelta(days=2)),
        Event("org.policy.updated", {"organization_id": org, "policy": "two_step_login", "enabled": True,
                                     "settings": {}}, orgid=org, actorid=alice, time=NOON - timedelta(days=1)),
        Event("org.member.confirmed", {"member_id": "m1", "organization_id": org, "email": "carol@acme.example",
                                       "name": "Carol", "role": "user"}, orgid=org, actorid=alice,
              time=NOON - timedelta(days=45)),
        Event("org.member.invited", {"member_id": "m2", "organization_id": other, "organization_name": "Other",
                                     "email": "dan@other.example", "name": "", "role": "user"},
              orgid=other, actorid=bob, time=NOON - timedelta(hours=1)),
    ]
    with uow() as unit:
        domain.record_all(unit, events[:2])
        domain.record_all(unit, events[2:])
        unit.commit()
    return org, other, alice, bob


def page(uow, log, **filters):
    with uow() as unit:
        return domain.events_page(unit, log, domain.EventFilter.parse(today=TODAY, **filters))


def types(found) -> list[str]:
    return [event.type for event in found.events]


def test_ingest_fills_the_group_and_the_searched_names_and_learns_who_acted(uow, acme):
    org, _other, alice, _bob = acme
    with uow() as unit:
        invited = unit.session.exec(select(models.LoggedEvent).where(
            models.LoggedEvent.type == "org.member.invited", models.LoggedEvent.organization_id == org)).one()
        assert invited.group == "members"
        assert invited.search == "alice martin\nalice@acme.example\ncarol@acme.example\nacme dental"
        assert domain.names_of(unit, [alice]) == {alice: {"name": "Alice Martin", "email": "alice@acme.example"}}
        assert [p["name"] for p in domain.actors_of(unit, domain.Log(organization_id=org))] == ["Alice Martin"]


def test_the_log_opens_on_the_last_30_days_without_internal_events(uow, acme):
    org = acme[0]
    assert types(page(uow, domain.Log(organization_id=org))) == ["org.policy.updated", "org.member.invited"]


def test_from_to_group_user_and_text_narrow_the_log(uow, acme):
    org, _other, alice, _bob = acme
    log = domain.Log(organization_id=org)
    assert types(page(uow, log, start="2026-10-01")) == ["org.policy.updated", "org.member.invited",
                                                         "org.member.confirmed"]
    assert types(page(uow, log, start="2026-11-29", end="2026-11-29")) == ["org.member.invited"]
    assert types(page(uow, log, group="policies")) == ["org.policy.updated"]
    assert types(page(uow, log, actor_id=alice)) == ["org.policy.updated", "org.member.invited"]
    assert types(page(uow, log, text="CAROL@")) == ["org.member.invited"]
    assert types(page(uow, log, text="alice martin")) == ["org.policy.updated", "org.member.invited"]
    assert types(page(uow, log, text="100%")) == []  # a LIKE wildcard is searched as itself


@pytest.mark.parametrize("filters, field, message", [
    ({"start": "2026-12-01", "end": "2026-11-01"}, "end", "To must be on or after From"),
    ({"end": "9999-12-31"}, "end", "To cannot be later than tomorrow"),
    ({"start": "2001-01-01"}, "start", "No event is kept longer"),
    ({"start": "01/12/2026"}, "start", "YYYY-MM-DD"),
    ({"group": "internal"}, "group", "event group from the list"),
    ({"text": "x" * 201}, "text", "at most 200"),
], ids=["to before from", "far future", "too far back", "not a date", "unknown group", "text too long"])
def test_a_bad_filter_is_refused_by_its_field(filters, field, message):
    with pytest.raises(domain.BadFilter, match=message) as refused:
        domain.EventFilter.parse(today=TODAY, **filters)
    assert refused.value.field == field


def test_someone_who_never_acted_in_this_log_is_refused_as_the_user_filter(uow, acme):
    org, _other, _alice, bob = acme
    with pytest.raises(domain.BadFilter, match="Choose a user from the list") as refused:
        page(uow, domain.Log(organization_id=org), actor_id=bob)
    assert refused.value.field == "user"


def test_the_public_api_filter_may_ask_for_every_group(uow, acme):
    org = acme[0]
    with uow() as unit:
        found = domain.events_page(unit, domain.Log(organization_id=org),
                                   domain.EventFilter.parse(today=TODAY, every_group=True))
    assert "invitation.mailed" in types(found)


def member_event(kind: str, organization: str, email: str, hours_ago: float, **envelope) -> Event:
    return Event(kind, {"member_id": "m", "organization_id": organization, "email": email, "name": "",
                        "role": "user"}, orgid=organization, time=NOON - timedelta(hours=hours_ago), **envelope)


def test_a_providers_roll_up_holds_its_clients_events_while_they_were_its_clients(uow):
    provider, client, attached = (str(uuid.uuid4()) for _ in range(3))
    organization = {"plan": "Teams", "seats": 5, "billing_email": "b@x.example"}
    with uow() as unit:  # one batch: the links are followed in stream order within it
        domain.record_all(unit, [
            Event("org.created", {"organization_id": client, "name": "Client", **organization}, orgid=client,
                  providerid=provider, time=NOON - timedelta(hours=50)),
            member_event("org.member.invited", client, "while@x.example", 40),
            Event("org.unlinked", {"organization_id": client, "name": "Client"}, orgid=client, providerid=provider,
                  time=NOON - timedelta(hours=30)),
            member_event("org.member.invited", client, "after@x.example", 20)])
        unit.commit()
    for batch in ([member_event("org.member.invited", attached, "before@x.example", 45)],
                  [Event("org.added", {"organization_id": attached, "name": "Attached"}, orgid=attached,
                         providerid=provider, time=NOON - timedelta(hours=35))],
                  [member_event("org.member.removed", attached, "joined@x.example", 10)]):
        with uow() as unit:  # one batch each: the link is kept between batches
            domain.record_all(unit, batch)
            unit.commit()
    roll_up = domain.Log(provider_id=provider, rollup=True)
    found = page(uow, roll_up)
    assert [(e.type, e.data.get("email")) for e in found.events] == [
        ("org.member.removed", "joined@x.example"), ("org.unlinked", None), ("org.added", None),
        ("org.member.invited", "while@x.example"), ("org.created", None)]
    assert types(page(uow, domain.Log(provider_id=provider))) == ["org.unlinked", "org.added", "org.created"]
    with uow() as unit:
        first = domain.events_page(unit, roll_up, domain.EventFilter.parse(today=TODAY), size=1)
        for log in (domain.Log(provider_id=provider), domain.Log(organization_id=client),
                    domain.Log(provider_id=str(uuid.uuid4()), rollup=True)):
            with pytest.raises(domain.BadCursor, match="another event log"):
                domain.events_page(unit, log, domain.EventFilter.parse(today=TODAY), after=first.older)


def test_older_and_newer_pages_of_a_filtered_range_meet_exactly_at_its_ends(uow, acme):
    org = acme[0]
    log, wide = domain.Log(organization_id=org), domain.EventFilter.parse(start="2026-10-01", today=TODAY)
    with uow() as unit:
        first = domain.events_page(unit, log, wide, size=1)
        second = domain.events_page(unit, log, wide, after=first.older, size=1)
        third = domain.events_page(unit, log, wide, after=second.older, size=1)
        back = domain.events_page(unit, log, wide, before=third.newer, size=1)
    assert [types(p) for p in (first, second, third)] == [["org.policy.updated"], ["org.member.invited"],
                                                          ["org.member.confirmed"]]
    assert third.older is None and types(back) == ["org.member.invited"]


def test_a_key_is_shown_once_kept_hashed_and_stops_working_when_rotated(uow):
    org = str(uuid.uuid4())
    with uow() as unit:
        first = domain.issue(unit, org)
    assert first.client_id == f"organization.{org}" and len(first.client_secret) >= 30
    with uow() as unit:
        stored = domain.api_key(unit, org)
        assert first.client_secret not in stored.secret_hash
        assert domain.authenticate(unit, first.client_id, first.client_secret) == org
    with uow() as unit:
        second = domain.issue(unit, org)
    assert second.rotated_at is not None
    for client_id, secret in ((first.client_id, first.client_secret), (second.client_id, "wrong"),
                              (f"organization.{uuid.uuid4()}", second.client_secret), ("", "")):
        with uow() as unit, pytest.raises(Unauthenticated, match="client id or client secret is wrong"):
            domain.authenticate(unit, client_id, secret)
    with uow() as unit:
        assert domain.authenticate(unit, second.client_id, second.client_secret) == org


def test_a_key_answers_at_most_its_calls_a_minute(uow):
    org = str(uuid.uuid4())
    with uow() as unit:
        key = domain.issue(unit, org)
    for _ in range(domain.CALLS_PER_MINUTE):
        with uow() as unit:
            domain.authenticate(unit, key.client_id, key.client_secret, now=NOON)
    with uow() as unit, pytest.raises(TooManyAttempts) as slowed:
        domain.authenticate(unit, key.client_id, key.client_secret, now=NOON + timedelta(seconds=20))
    assert slowed.value.retry_after == 40
    with uow() as unit:
        assert domain.authenticate(unit, key.client_id, key.client_secret, now=NOON + timedelta(minutes=1)) == org


@pytest.mark.parametrize("days", [29, 3651, -1])
def test_a_retention_out_of_bounds_is_refused_and_changes_nothing(uow, days):
    org = str(uuid.uuid4())
    with uow() as unit, pytest.raises(Invalid, match="from 30 to 3,650 days"):
        domain.set_retention(unit, org, days)
    with uow() as unit:
        assert domain.retention_days(unit, org, 365) == 365


def test_the_purge_deletes_only_events_past_their_organizations_retention_in_batches(uow, monkeypatch):
    short, default, provider = (str(uuid.uuid4()) for _ in range(3))
    ages = (10, 40, 200, 400)  # days
    with uow() as unit:
        domain.set_retention(unit, short, 30)
    with uow() as unit:
        for organization in (short, default):
            domain.record_all(unit, [Event("org.member.removed", {"member_id": "m", "organization_id": organization,
                                                                  "email": "e@x.example", "name": "", "role": "user"},
                                           orgid=organization, time=NOON - timedelta(days=age)) for age in ages])
        domain.record_all(unit, [Event("provider.user.removed", {"provider_user_id": "p", "provider_id": provider,
                                                                 "email": "s@x.example", "role": "admin"},
                                       providerid=provider, time=NOON - timedelta(days=age)) for age in ages])
        unit.commit()
    monkeypatch.setattr("services.audit.domain.retention.PURGE_BATCH", 1)  # every row its own transaction
    engine = uow()._engine
    assert domain.purge(engine, 365, now=NOON) == 3 + 1 + 1

    def left(**scope):
        with uow() as unit:
            rows = unit.session.exec(select(models.LoggedEvent).filter_by(**scope))
            return sorted((NOON - event.time).days for event in rows)
    assert left(organization_id=short) == [10]
    assert left(organization_id=default) == [10, 40, 200]
    assert left(provider_id=provider) == [10, 40, 200]


def test_migration_0003_fills_the_group_search_users_and_actors_of_events_already_logged(tmp_path):
    import json

    from alembic import command
    from sqlalchemy import text

    from services.common.database import make_engine
    from services.common.migrations import alembic_config, upgrade

    url = f"sqlite:///{tmp_path / 'audit.db'}"
    command.upgrade(alembic_config("audit", url), "0002")
    org, alice, provider = str(uuid.uuid4()), str(uuid.uuid4()), str(uuid.uuid4())
    rows = [("user.registered", 9000, None, None, {"user_id": alice, "email": "alice@acme.example", "name": "Alice"}),
            ("org.created", 1900, org, None, {"name": "Acme"}),
            ("org.member.invited", 1500, org, alice, {"email": "Carol@acme.example", "organization_name": "Acme"}),
            ("subscription.created", 9200, org, None, {"plan": "Teams"})]
    engine = make_engine(url)
    with engine.begin() as connection:
        for number, (kind, code, organization, actor, data) in enumerate(rows):
            connection.execute(text("INSERT INTO events (id, type, code, source, time, organization_id, provider_id, "
                                    "actor_id, data) VALUES (:id, :type, :code, 's', :time, :org, :provider, :actor, "
                                    ":data)"),
                               {"id": str(uuid.uuid4()), "type": kind, "code": code,
                                "time": (NOON + timedelta(seconds=number)).isoformat(sep=" "), "org": organization,
                                "provider": provider if kind == "org.created" else None, "actor": actor,
                                "data": json.dumps(data)})
    engine.dispose()
    upgrade("audit", url)
    engine = make_engine(url)
    with engine.connect() as connection:
        found = {kind: (group, search, rollup) for kind, group, search, rollup in connection.execute(
            text('SELECT type, "group", search, rollup_provider_id FROM events')).all()}
        assert found == {"user.registered": ("account", "alice\nalice@acme.example", None),
                         "org.created": ("organization", "acme", provider),
                         "org.member.invited": ("members", "alice\nalice@acme.example\ncarol@acme.example\nacme",
                                                provider),
                         "subscription.created": ("internal", "", provider)}
        assert connection.execute(text("SELECT organization_id, provider_id FROM client_links")).all() == [
            (org, provider)]
        assert connection.execute(text("SELECT name, email FROM users")).all() == [("Alice", "alice@acme.example")]
        assert connection.execute(text("SELECT log, user_id FROM log_actors")).all() == [(f"organization:{org}", alice)]
    engine.dispose()
