"""The JSON Schemas of every event, for integrators: `docs/events/` is written from here (ADR 26, decision 8).

One table says what each data field holds (`FIELDS`); where a field of the same name holds something else in
one type, `OVERRIDES` says so for that type. `cloudevent.schema.json` is the envelope `Event.to_json` writes;
each `<type>.schema.json` is that envelope with its type, its source and exactly the catalogue's data fields,
all required and nothing else allowed, so that an undeclared field (a smuggled secret) fails validation.

    python -m services.common.event_schemas --write docs/events   # (re)write the files
    python -m services.common.event_schemas --check docs/events   # exit 1 and say what drifted

A catalogue field with no schema here stops the generator with its type and field named: a new event type
is not published undocumented.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

from .catalogue import CATALOGUE, EventSpec
from .envelope import EXTENSIONS

DRAFT = "https://json-schema.org/draft/2020-12/schema"
ENVELOPE_FILE = "cloudevent.schema.json"
SUFFIX = ".schema.json"

# Every id we make is a uuid4 in its canonical lowercase text (`str(uuid.uuid4())`).
ID = {"type": "string", "format": "uuid", "pattern": "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"}
# A Send's id is 16 random bytes in base64url: it is part of the Send's link.
SEND_ID = {"type": "string", "pattern": "^[A-Za-z0-9_-]{22}$"}
# An instant with its offset (RFC 3339), as `datetime.isoformat()` writes an aware datetime.
INSTANT = {"type": "string", "format": "date-time"}
DAY = {"type": "string", "format": "date"}
EMAIL = {"type": "string", "format": "email", "maxLength": 256}
TEXT = {"type": "string"}
COUNT = {"type": "integer", "minimum": 0}
FLAG = {"type": "boolean"}
PLAN = {"enum": ["Teams", "Enterprise"]}
MEMBER_ROLE = {"enum": ["owner", "admin", "user", "custom"]}
PROVIDER_ROLE = {"enum": ["admin", "service_user"]}
POLICY = {"enum": ["account_recovery", "require_two_factor", "master_password", "disable_send", "send_options"]}
TWO_FACTOR_METHOD = {"enum": ["authenticator", "email", "webauthn", "recovery_code"]}
ACCESS_LEVEL = {"enum": ["view", "view_except_passwords", "edit", "edit_except_passwords", "manage"]}
MEMBER_PERMISSION = {"enum": ["access_event_logs", "access_import_export", "access_reports", "manage_all_collections",
                              "create_collections", "edit_collections", "delete_collections", "manage_groups",
                              "manage_policies", "manage_users", "manage_account_recovery"]}
SEATS_PER_PLAN = {"type": "object", "propertyNames": PLAN, "additionalProperties": COUNT}


def nullable(schema: dict) -> dict:
    """`schema`, or null (a value the producer leaves out as None)."""
    return {"anyOf": [schema, {"type": "null"}]}


def listing(items: dict, unique: bool = False) -> dict:
    return {"type": "array", "items": items, **({"uniqueItems": True} if unique else {})}


def record(**fields: dict) -> dict:
    """A JSON object with exactly these fields, all required."""
    return {"type": "object", "properties": fields, "required": list(fields), "additionalProperties": False}


# What each data field holds, by name, wherever it appears (unless OVERRIDES says otherwise for a type).
FIELDS: dict[str, dict] = {
    "access": listing(record(group_id=nullable(ID), member_id=nullable(ID), permission=ACCESS_LEVEL)),
    "access_count": COUNT,
    "autoscale_max_seats": nullable(COUNT),
    "billing_email": EMAIL,
    "capacity": {"type": "integer", "minimum": 1},
    "change": {"enum": ["added", "removed"]},
    "changed": listing(TEXT, unique=True),
    "cipher_id": ID,
    "collection_id": ID,
    "collection_ids": listing(ID, unique=True),
    "count": COUNT,
    "country": {"type": "string", "pattern": "^([A-Z]{2})?$"},
    "currency": {"type": "string", "pattern": "^[A-Z]{3}$"},
    "deletion_date": INSTANT,
    "duration_minutes": {"type": "integer", "minimum": 1},
    "email": EMAIL,
    "enabled": FLAG,
    "end": DAY,
    "group": {"type": "string", "maxLength": 20},
    "group_id": ID,
    "has_password": FLAG,
    "hub_name": nullable({"type": "string", "minLength": 1, "maxLength": 50}),
    "include_clients": {"type": "string", "maxLength": 100},
    "integration_id": ID,
    "invoice_id": ID,
    "logo_version": nullable({"type": "string", "pattern": "^[0-9a-f]{16}$"}),
    "managing_provider_id": nullable(ID),
    "max_access_count": nullable({"type": "integer", "minimum": 1}),
    "member_id": ID,
    "member_ids": listing(ID, unique=True),
    "members": listing(record(member_id=ID, email=EMAIL, user_id=nullable(ID))),
    "method": TWO_FACTOR_METHOD,
    "monthly_price_cents": COUNT,
    "name": {"type": "string", "maxLength": 1000},
    "number": {"type": "string", "minLength": 1, "maxLength": 40},
    "organization_id": ID,
    "organization_name": {"type": "string", "minLength": 1},
    "period_end": DAY,
    "period_start": DAY,
    "permissions": listing(MEMBER_PERMISSION, unique=True),
    "plan": PLAN,
    "policy": POLICY,
    "previous": SEATS_PER_PLAN,
    "previous_plan": PLAN,
    "previous_seats": COUNT,
    "provider_id": ID,
    "provider_name": {"type": "string", "minLength": 1},
    "provider_user_id": ID,
    "reference": {"type": "string", "minLength": 1, "maxLength": 100},
    "registration_id": ID,
    "registrations": COUNT,
    "retention_days": nullable({"type": "integer", "minimum": 1}),
    "role": MEMBER_ROLE,
    "rotated": nullable(FLAG),
    "scoped": FLAG,
    "seat_minimums": SEATS_PER_PLAN,
    "seats": COUNT,
    "send_id": SEND_ID,
    "session_id": ID,
    "setting": {"enum": ["api_key", "retention"]},
    "settings": {"type": "object"},
    "start": DAY,
    "starts_at": INSTANT,
    "status": {"enum": ["draft", "open", "paid", "void"]},
    "subscription_id": ID,
    "support_email": nullable(EMAIL),
    "support_url": nullable({"type": "string", "pattern": "^https://\\S+$", "maxLength": 300}),
    "text": {"type": "string", "maxLength": 200},
    "time_zone": {"type": "string", "minLength": 1, "maxLength": 64},
    "title": {"type": "string", "minLength": 1, "maxLength": 100},
    "total": {"type": "integer"},
    "turned_on": FLAG,
    "type": {"enum": ["login", "note", "card", "identity"]},
    "user_id": ID,
    "was_enabled": FLAG,
}

MEMBER_NAME = nullable({"type": "string", "maxLength": 1000})  # null until the invited person gives one
SEND_OVERRIDES = {"type": {"enum": ["text", "file"]}}
PROVIDER_STAFF_OVERRIDES = {"role": PROVIDER_ROLE}

# Where a field of a type holds something else than FIELDS says: (type → field → schema).
OVERRIDES: dict[str, dict[str, dict]] = {
    **{t: {"name": MEMBER_NAME} for t in CATALOGUE if t.startswith("org.member.") and "name" in CATALOGUE[t].data},
    **{t: SEND_OVERRIDES for t in CATALOGUE if t.startswith("org.send.")},
    **{t: PROVIDER_STAFF_OVERRIDES for t in CATALOGUE if t.startswith("provider.user.") and "role" in CATALOGUE[t].data},
    "org.group.created": {"name": {"type": "string", "minLength": 1}},
    "org.group.updated": {"name": {"type": "string", "minLength": 1}},
    "org.group.deleted": {"name": {"type": "string", "minLength": 1}},
    "subscription.changed": {"provider_id": nullable(ID), "status": {"enum": ["active", "billing_needed"]},
                             "change": {"enum": ["created", "seats", "plan", "unlinked", "added"]}},
    "provider.training_hub.updated": {"changed": listing({"enum": ["hub_name", "support_email", "support_url",
                                                                   "logo"]}, unique=True)},
    "provider.user.updated": {"role": PROVIDER_ROLE, "changed": listing({"enum": ["role", "scoped"]}, unique=True)},
    **{t: {"name": {"type": "string", "minLength": 1, "maxLength": 50}} for t in CATALOGUE
       if t.startswith("provider.integration.")},
    "invoice.issued": {"status": {"const": "open"}},
    "invoice.paid": {"status": {"const": "paid"}},
    "invoice.voided": {"status": {"const": "void"}},
}


class UndocumentedField(LookupError):
    """A catalogue data field that no schema describes."""


def data_schema(spec: EventSpec) -> dict:
    """The schema of `spec`'s data: exactly its catalogue fields, all required."""
    overrides = OVERRIDES.get(spec.type, {})
    stale = sorted(set(overrides) - set(spec.data))
    if stale:
        raise UndocumentedField(f"{spec.type}: OVERRIDES names {', '.join(stale)}, which the catalogue does not "
                                "list among its data fields")
    properties = {}
    for name in spec.data:
        schema = overrides.get(name, FIELDS.get(name))
        if schema is None:
            raise UndocumentedField(f"{spec.type}: data field {name!r} has no schema: add it to FIELDS (or "
                                    f"OVERRIDES[{spec.type!r}]) in services/common/event_schemas.py")
        properties[name] = schema
    return {"type": "object", "properties": properties, "required": list(spec.data), "additionalProperties": False}


def envelope_schema() -> dict:
    """The CloudEvents 1.0 structured JSON that `Event.to_json` writes, no other attribute allowed."""
    short = {"type": "string", "minLength": 1, "maxLength": 200}
    extensions = {
        "orgid": {**ID, "description": "The organization concerned, when there is one."},
        "providerid": {**ID, "description": "The provider concerned, when there is one."},
        "actorid": {**ID, "description": "The user who acted, when a user acted."},
        "ip": {"type": "string", "anyOf": [{"format": "ipv4"}, {"format": "ipv6"}],
               "description": "The address the action came from."},
        "devicetype": {"type": "string", "pattern": "^[a-z][a-z0-9_-]{0,31}$",
                       "description": "What the action came from (`web` for the portal)."},
        "traceparent": {"type": "string", "pattern": "^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$",
                        "description": "W3C trace context; its trace id is the request id in every service's logs."},
    }
    if set(extensions) != set(EXTENSIONS):
        raise UndocumentedField(f"the envelope's extensions {sorted(EXTENSIONS)} are not those its schema lists "
                                f"{sorted(extensions)} (services/common/event_schemas.py)")
    return {
        "$schema": DRAFT,
        "$id": ENVELOPE_FILE,
        "title": "Custodian event (CloudEvents 1.0, structured JSON)",
        "description": "The envelope of every event Custodian publishes. Each <type>.schema.json adds the type, "
                       "its source and its data.",
        "type": "object",
        "properties": {
            "id": {**ID, "description": "The event's id, also its Nats-Msg-Id: deduplicate on it."},
            "source": {"type": "string", "pattern": "^/services/[a-z]+$"},
            "type": {"type": "string", "pattern": "^[a-z_]+(\\.[a-z_]+)+$"},
            "specversion": {"const": "1.0"},
            "time": {"type": "string", "format": "date-time",
                     "pattern": "^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d{1,9})?Z$",
                     "description": "When the change committed, in UTC."},
            "datacontenttype": {"const": "application/json"},
            "subject": {**short, "description": "The id of the thing the event is about."},
            **extensions,
            "data": {"type": "object"},
        },
        "required": ["id", "source", "type", "specversion", "time", "datacontenttype", "data"],
        "additionalProperties": False,
    }


def type_schema(spec: EventSpec) -> dict:
    """The schema of one event type: the envelope with its type, source and data."""
    schema = {
        "$schema": DRAFT,
        "$id": f"{spec.type}{SUFFIX}",
        "title": spec.type,
        "description": spec.description,
        "x-custodian-code": spec.code,
        "x-custodian-group": spec.group,
        "x-custodian-name": spec.name,
        "x-custodian-subject": spec.subject,
        "allOf": [{"$ref": ENVELOPE_FILE}],
        "properties": {"type": {"const": spec.type}, "source": {"const": spec.source}, "data": data_schema(spec)},
    }
    if spec.retired:
        schema["deprecated"] = True
    return schema


def schemas() -> dict[str, dict]:
    """Every schema file by name: the envelope's and one per catalogue type."""
    files = {ENVELOPE_FILE: envelope_schema()}
    files.update({f"{spec.type}{SUFFIX}": type_schema(spec) for spec in CATALOGUE.values()})
    return files


def rendered() -> dict[str, str]:
    """Every schema file's text, as committed."""
    return {name: json.dumps(schema, indent=2, ensure_ascii=False) + "\n" for name, schema in schemas().items()}


def drift(folder: Path) -> list[str]:
    """What differs between `folder` and the generated files (empty when they agree)."""
    wanted = rendered()
    present = {path.name for path in folder.glob(f"*{SUFFIX}")}
    problems = [f"{name}: missing" for name in sorted(set(wanted) - present)]
    problems += [f"{name}: no catalogue type has this schema" for name in sorted(present - set(wanted))]
    problems += [f"{name}: differs from the catalogue" for name in sorted(present & set(wanted))
                 if (folder / name).read_text() != wanted[name]]
    return problems


def write(folder: Path) -> None:
    """Write every schema into `folder` and remove the schemas of types no longer in the catalogue."""
    wanted = rendered()
    folder.mkdir(parents=True, exist_ok=True)
    for path in folder.glob(f"*{SUFFIX}"):
        if path.name not in wanted:
            path.unlink()
    for name, text in wanted.items():
        path = folder / name
        if not path.exists() or path.read_text() != text:
            path.write_text(text)


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] not in ("--write", "--check"):
        print("usage: python -m services.common.event_schemas --write|--check docs/events", file=sys.stderr)
        return 2
    folder = Path(argv[1])
    try:
        if argv[0] == "--write":
            write(folder)
            return 0
        problems = drift(folder)
    except UndocumentedField as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    for problem in problems:
        print(f"{folder}/{problem}", file=sys.stderr)
    if problems:
        print("run `python -m services.common.event_schemas --write docs/events`", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
