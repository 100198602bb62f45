"""Validating events against the committed JSON Schemas of docs/events/, as an integrator would."""
from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from jsonschema import Draft202012Validator
from referencing import Registry, Resource

EVENT_SCHEMAS = Path(__file__).resolve().parents[1] / "docs" / "events"
# The formats our schemas use, each of which the format checker must really check (jsonschema skips a
# format silently when the package that checks it is missing: rfc3339-validator for date-time).
CHECKED_FORMATS = ("uuid", "date-time", "date", "email", "ipv4", "ipv6")


@cache
def registry() -> Registry:
    """Every committed schema, under its `$id` (its file name), so that `$ref`s resolve offline."""
    resources = []
    for path in sorted(EVENT_SCHEMAS.glob("*.schema.json")):
        resource = Resource.from_contents(json.loads(path.read_text()))
        resources.append((resource.id(), resource))
    return Registry().with_resources(resources)


@cache
def validator(name: str) -> Draft202012Validator:
    """A validator of the schema file `name`, with format checks."""
    return Draft202012Validator(registry().contents(name), registry=registry(),
                                format_checker=Draft202012Validator.FORMAT_CHECKER)


def violations(document) -> list[str]:
    """What is wrong with `document` as a Custodian event: one line per error (type, id, JSON path, why)."""
    if not isinstance(document, dict):
        return [f"not a JSON object: {str(document)[:80]}"]
    event_type, event_id = document.get("type"), document.get("id")
    name = f"{event_type}.schema.json"
    if not isinstance(event_type, str) or name not in set(registry()):
        return [f"{event_type!r} {event_id}: no schema for this type"]
    return [f"{event_type} {event_id} {error.json_path}: {error.message}"
            for error in sorted(validator(name).iter_errors(document), key=lambda e: e.json_path)]
