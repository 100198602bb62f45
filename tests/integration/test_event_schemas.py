"""Every event the test session published validates against its JSON Schema in docs/events/ (ADR 26).

Marked `last` (tests/conftest.py moves it to the end of the session), it reads every JetStream stream of the
session's nats-server from its first message, as an integrator would, whatever the tests before it made the
system publish. Run alone, it first makes a provider with a client and members, so it never passes on an
empty bus. Reading by sequence (STREAM.MSG.GET) creates no consumer, so the services' durables are untouched.
"""
from __future__ import annotations

import asyncio
import json
from collections import Counter

import nats
import pytest
from nats.js.errors import NotFoundError

from services.common.bus import LoopThread
from tests.conftest import wait_for
from tests.schema_validation import violations
from tests.support import StaffedProvider

pytestmark = pytest.mark.last

MINIMUM_EVENTS = 50  # fewer read means the bus was not what this test believes: it must not pass vacuously
# Key-value buckets and object stores are streams too; they hold sessions and nonces, not events.
NOT_EVENT_STREAMS = ("KV_", "OBJ_")
BATCH = 256


async def _stream_messages(url: str) -> dict[str, list[tuple[int, bytes]]]:
    """Each event stream's messages, (sequence, payload), from its first one."""
    nc = await nats.connect(url, connect_timeout=5, max_reconnect_attempts=3)
    js = nc.jetstream()
    read: dict[str, list[tuple[int, bytes]]] = {}

    async def one(stream: str, sequence: int):
        try:
            return sequence, (await js.get_msg(stream, sequence)).data or b""
        except NotFoundError:  # deleted (or aged out) since the stream's state was read
            return None
    try:
        for info in await js.streams_info():
            name = info.config.name
            if name.startswith(NOT_EVENT_STREAMS):
                continue
            read[name] = []
            first, last = info.state.first_seq, info.state.last_seq
            for start in range(max(first, 1), last + 1, BATCH):
                found = await asyncio.gather(*(one(name, s) for s in range(start, min(start + BATCH, last + 1))))
                read[name].extend(message for message in found if message is not None)
    finally:
        await nc.close()
    return read


def _document(payload: bytes):
    try:
        return json.loads(payload)
    except (UnicodeDecodeError, ValueError):
        return None


def every_event_stream(nats_server) -> dict[str, list[tuple[int, bytes]]]:
    return LoopThread().run(_stream_messages(nats_server.url), timeout=300)


def test_every_event_published_in_the_session_validates_against_its_schema(system, nats_server):
    # Events of our own, so that this test run alone reads a real mix: accounts, a provider and its staff,
    # a client, members invited, accepted and confirmed, and what identity and billing answer to them.
    # Then the client's seats, plan and a policy change, each answered by billing or logged by audit.
    provider = StaffedProvider(system)
    client = provider.client("Schema Checked Co")
    for name in ("Schema Checked Too", "Schema Checked Three"):
        provider.client(name)
    last_member = None
    for label, role in (("ada", "admin"), ("uma", "user"), ("cy", "custom")):
        last_member = provider.member(client, label, role, ["access_reports"] if role == "custom" else ())
    orgs, admin = provider.backends.orgs, provider.admin.caller()
    path = f"/providers/{provider.provider_id}/clients/{client.organization_id}"
    orgs.call("PUT", f"{path}/seats", admin, json={"seats": 60, "autoscale_max_seats": 80})
    orgs.post(f"{path}/plan", admin, {"plan": "Teams"})
    orgs.call("PUT", f"/organizations/{client.organization_id}/policies/disable_send", admin, json={"enabled": True})

    def ours_published():
        found = [(stream, sequence, payload, _document(payload)) for stream, messages in
                 sorted(every_event_stream(nats_server).items()) for sequence, payload in messages]
        seen = {(d.get("type"), d.get("orgid") or d.get("subject"),
                 d["data"].get("change") if isinstance(d.get("data"), dict) else None)
                for *_, d in found if isinstance(d, dict)}
        # The last member's account (identity), the policy (orgs) and billing's answer to the plan change.
        return found if {("user.registered", last_member.user_id, None),
                        ("org.policy.updated", client.organization_id, None),
                        ("subscription.changed", client.organization_id, "plan")} <= seen else None
    messages = wait_for(ours_published, 30, 0.5, "this test's own events to be published")

    problems, read, types, streams = [], 0, Counter(), {stream for stream, *_ in messages}
    for stream, sequence, payload, document in messages:
        if not isinstance(document, dict) or "specversion" not in document:
            problems.append(f"{stream} #{sequence}: not a CloudEvent: {payload[:80]!r}")
            continue
        read += 1
        types[document.get("type")] += 1
        problems += [f"{stream} #{sequence} {line}" for line in violations(document)]
    print(f"validated {read} events of {len(types)} types:", ", ".join(f"{t} {n}" for t, n in sorted(types.items())))
    assert not problems, f"{len(problems)} problems in {read} events:\n" + "\n".join(problems)
    assert read >= MINIMUM_EVENTS, f"only {read} events on the bus ({sorted(streams)}): this proves too little"
    assert {"IDENTITY", "ORGS", "BILLING"} <= streams
    assert {"user.registered", "org.created", "org.member.confirmed", "org.seats.changed", "org.plan.changed",
            "org.policy.updated", "subscription.changed"} <= set(types)
