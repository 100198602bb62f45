"""The JSON Schemas of docs/events/: one per catalogue type, exactly its fields, as committed (ADR 26)."""
from __future__ import annotations

import json
import uuid

import pytest
from jsonschema import Draft202012Validator

from services.common import event_schemas
from services.common.catalogue import CATALOGUE, EventSpec
from services.common.envelope import Event
from tests.schema_validation import CHECKED_FORMATS, EVENT_SCHEMAS, validator, violations

TRACEPARENT = "00-" + "a" * 32 + "-" + "b" * 16 + "-01"


def committed(name: str) -> dict:
    return json.loads((EVENT_SCHEMAS / name).read_text())


def a_member_invited(**envelope) -> dict:
    organization = str(uuid.uuid4())
    event = Event("org.member.invited", {"member_id": str(uuid.uuid4()), "organization_id": organization,
                                         "organization_name": "Acme", "email": "a@b.example", "name": None,
                                         "role": "owner"},
                  subject=organization, orgid=organization, providerid=str(uuid.uuid4()), actorid=str(uuid.uuid4()),
                  ip="203.0.113.1", devicetype="web", traceparent=TRACEPARENT, **envelope)
    return json.loads(event.to_json())


def test_docs_events_holds_one_schema_per_catalogue_type_the_envelope_and_its_readme_only():
    wanted = {f"{event_type}.schema.json" for event_type in CATALOGUE} | {"cloudevent.schema.json", "README.md"}
    assert {path.name for path in EVENT_SCHEMAS.iterdir()} == wanted


@pytest.mark.parametrize("event_type", sorted(CATALOGUE))
def test_each_schema_is_valid_and_its_data_is_exactly_the_catalogues_fields(event_type):
    spec, schema = CATALOGUE[event_type], committed(f"{event_type}.schema.json")
    Draft202012Validator.check_schema(schema)
    data = schema["properties"]["data"]
    assert list(data["properties"]) == list(spec.data)
    assert data["required"] == list(spec.data) and data["additionalProperties"] is False
    assert schema["properties"]["type"] == {"const": spec.type}
    assert schema["properties"]["source"] == {"const": spec.source}
    assert schema["allOf"] == [{"$ref": "cloudevent.schema.json"}]
    assert (schema["x-custodian-code"], schema["x-custodian-group"]) == (spec.code, spec.group)
    assert schema.get("deprecated", False) is spec.retired


def test_the_retired_subscription_events_are_deprecated():
    assert {t for t in CATALOGUE if committed(f"{t}.schema.json").get("deprecated")} == {
        "subscription.created", "subscription.updated"}


def test_the_envelope_schema_is_valid_and_lists_every_attribute_an_event_writes():
    schema = committed("cloudevent.schema.json")
    Draft202012Validator.check_schema(schema)
    assert set(a_member_invited()) == set(schema["properties"])


def test_the_committed_schemas_are_what_the_catalogue_generates():
    assert event_schemas.drift(EVENT_SCHEMAS) == [], "run `python -m services.common.event_schemas --write docs/events`"


def test_the_check_reports_a_missing_a_changed_and_a_stray_file(tmp_path, capsys):
    event_schemas.write(tmp_path)
    assert event_schemas.main(["--check", str(tmp_path)]) == 0
    (tmp_path / "org.created.schema.json").unlink()
    (tmp_path / "org.added.schema.json").write_text("{}\n")
    (tmp_path / "org.gone.schema.json").write_text("{}\n")
    assert event_schemas.main(["--check", str(tmp_path)]) == 1
    said = capsys.readouterr().err
    assert "org.created.schema.json: missing" in said and "org.added.schema.json: differs" in said
    assert "org.gone.schema.json: no catalogue type" in said
    event_schemas.write(tmp_path)
    assert event_schemas.drift(tmp_path) == [] and not (tmp_path / "org.gone.schema.json").exists()


def test_a_catalogue_field_without_a_schema_stops_the_generator_naming_type_and_field(monkeypatch, tmp_path, capsys):
    new = EventSpec("orgs", "org.widget.made", 9999, "Custodian_Widget_Made", "A widget.", ("organization_id", "gizmo"),
                    "organization")
    monkeypatch.setitem(CATALOGUE, new.type, new)
    with pytest.raises(event_schemas.UndocumentedField, match=r"org\.widget\.made: data field 'gizmo' has no schema"):
        event_schemas.schemas()
    assert event_schemas.main(["--write", str(tmp_path)]) == 1
    assert "org.widget.made" in capsys.readouterr().err and not list(tmp_path.iterdir())


def test_an_override_of_a_field_the_type_does_not_have_stops_the_generator(monkeypatch):
    monkeypatch.setitem(event_schemas.OVERRIDES, "org.added", {"seats": event_schemas.COUNT})
    with pytest.raises(event_schemas.UndocumentedField, match=r"org\.added: OVERRIDES names seats"):
        event_schemas.schemas()


def test_the_format_checker_really_checks_every_format_the_schemas_use():
    assert set(CHECKED_FORMATS) <= set(Draft202012Validator.FORMAT_CHECKER.checkers)
    used = {match for name in EVENT_SCHEMAS.glob("*.schema.json") for match in _formats(json.loads(name.read_text()))}
    assert used <= set(CHECKED_FORMATS)


def _formats(schema):
    if isinstance(schema, dict):
        if isinstance(schema.get("format"), str):
            yield schema["format"]
        for value in schema.values():
            yield from _formats(value)
    elif isinstance(schema, list):
        for value in schema:
            yield from _formats(value)


def test_an_event_as_a_producer_writes_it_validates():
    assert violations(a_member_invited()) == []


@pytest.mark.parametrize("change, where", [
    ({"secret": "hunter2"}, "$"),                          # an attribute nobody declared
    ({"id": "1"}, "$.id"),                                 # not a uuid
    ({"id": str(uuid.uuid4()).upper()}, "$.id"),           # not as we write ids
    ({"traceparent": "00-abc-def-01"}, "$.traceparent"),
    ({"time": "2026-12-01T10:00:00"}, "$.time"),           # no offset
    ({"time": "yesterday"}, "$.time"),
    ({"specversion": "0.3"}, "$.specversion"),
    ({"ip": "not an address"}, "$.ip"),
    ({"orgid": 7}, "$.orgid"),
    ({"source": "/services/identity"}, "$.source"),        # another service's source for this type
])
def test_the_envelope_schema_refuses_what_we_never_write(change, where):
    found = violations({**a_member_invited(), **change})
    assert found and all(f" {where}" in line or f" {where}." in line for line in found), found


@pytest.mark.parametrize("change, where", [
    ({"password": "hunter2"}, "$.data"),                   # a field the catalogue does not declare
    ({"role": "superuser"}, "$.data.role"),
    ({"email": 12}, "$.data.email"),
    ({"member_id": None}, "$.data.member_id"),
])
def test_a_types_schema_refuses_undeclared_or_mistyped_data(change, where):
    event = a_member_invited()
    found = violations({**event, "data": {**event["data"], **change}})
    assert found and all(where in line for line in found), found


def test_a_missing_data_field_or_an_unknown_type_is_refused():
    event = a_member_invited()
    del event["data"]["role"]
    assert any("'role' is a required property" in line for line in violations(event))
    assert violations({**event, "type": "org.member.teleported"}) == [
        f"'org.member.teleported' {event['id']}: no schema for this type"]


def test_each_schema_file_opens_alone_with_its_envelope():
    # What an integrator's validator does: the type's file, resolving its $ref by file name.
    assert validator("org.member.invited.schema.json").is_valid(a_member_invited())
    assert not validator("org.member.reinvited.schema.json").is_valid(a_member_invited())


def _producers_events() -> list[Event]:
    """Events of the types no integration test makes the system publish, built by their producers' own code."""
    from datetime import date, datetime, timedelta, timezone

    from services.billing.domain.invoicing import invoice_event
    from services.billing.models import Invoice
    from services.orgs.domain.collections import _group_event
    from services.orgs.domain.members import member_event
    from services.orgs.domain.providers import _staff_event
    from services.orgs.domain.sends import send_event
    from services.orgs.models import Group, Member, ProviderUser, Send

    new = lambda: str(uuid.uuid4())  # noqa: E731
    context = {"actorid": new(), "ip": "2001:db8::1", "devicetype": "web", "traceparent": TRACEPARENT}
    invoice = Invoice(id=new(), provider_id=new(), number="DEMO-2026-0001", period_start=date(2026, 11, 1),
                      period_end=date(2026, 11, 30), currency="EUR", total=12_300, status="paid")
    group = Group(id=new(), organization_id=new(), name="Engineering")
    member = Member(id=new(), organization_id=new(), email="m@acme.example", name=None, role="user")
    staff = ProviderUser(id=new(), provider_id=new(), email="s@msp.example", role="service_user")
    send = Send(id="AbCdEfGhIjKlMnOpQrSt_-", organization_id=new(), type="file", password_hash="$argon2id$…",
                max_access_count=None, access_count=0,
                deletion_date=datetime.now(timezone.utc) + timedelta(days=7))
    return [invoice_event("invoice.paid", invoice, reference="Transfer 42"),
            invoice_event("invoice.voided", Invoice(**{**invoice.model_dump(), "status": "void"})),
            _group_event("org.group.updated", group, [new(), new()], context),
            _group_event("org.group.deleted", group, [], context),
            member_event("org.member.recovery_withdrawn", member, context),
            _staff_event("provider.user.removed", staff, context),
            send_event("created", send, context), send_event("edited", send, context)]


def test_the_events_no_integration_test_publishes_validate_as_their_producers_build_them():
    events = _producers_events()
    assert {e.type for e in events} >= {"org.send.file.created_with_password", "org.send.file.edited"}
    for event in events:
        assert violations(json.loads(event.to_json())) == [], event.type
