"""The per-provider copy of the events (ADR 26): stream PROVIDER_EVENTS, one subject per provider.

No subject of the services' streams names a provider, and most events carry only their
organization. Audit knows each event's roll-up provider when it logs it, so it copies the
event to `providers.<provider id>.<service>.<type>`: a consumer filtered on
`providers.<provider id>.>` then reads exactly that provider's events, and nothing else.
The stream is not one of `catalogue.STREAMS`: audit never consumes it.
"""
from __future__ import annotations

import re

from nats.js import api

from .catalogue import EventSpec

STREAM = "PROVIDER_EVENTS"
SUBJECT_PREFIX = "providers"
DEFAULT_DAYS = 30  # the shortest retention an owner may choose (ADR 17): no copy outlives its log
DUPLICATE_WINDOW_SECONDS = 600
# What may stand in a subject token: a provider id is a UUID; anything else is never copied, so no
# id can widen a filter (`*`, `>`) or add a token (`.`).
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def is_provider_id(value: str | None) -> bool:
    """Whether `value` can name a provider in a subject (one token, no wildcard)."""
    return bool(value and _TOKEN.match(value))


def subject_of(provider_id: str, spec: EventSpec) -> str:
    """The copy's subject of an event of `spec` rolled up to `provider_id`."""
    if not is_provider_id(provider_id):
        raise ValueError("not a provider id")
    return f"{SUBJECT_PREFIX}.{provider_id}.{spec.service}.{spec.type}"


def filter_of(provider_id: str) -> str:
    """The consumer filter that reads one provider's copies, and only them."""
    if not is_provider_id(provider_id):
        raise ValueError("not a provider id")
    return f"{SUBJECT_PREFIX}.{provider_id}.>"


def stream_config(days: int = DEFAULT_DAYS, replicas: int | None = None) -> api.StreamConfig:
    """The stream of the copies: file storage, each copy kept `days` days."""
    return api.StreamConfig(
        name=STREAM,
        subjects=[f"{SUBJECT_PREFIX}.>"],
        storage=api.StorageType.FILE,
        retention=api.RetentionPolicy.LIMITS,
        max_age=days * 86400,
        duplicate_window=DUPLICATE_WINDOW_SECONDS,
        num_replicas=replicas,
    )
