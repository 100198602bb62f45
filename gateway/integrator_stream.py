"""The integrator stream (ADR 26): a provider's events as Server-Sent Events, read from audit's per-provider copy.

Each connection gets its own ephemeral pull consumer on PROVIDER_EVENTS, filtered on the
provider of the credential (never on anything the request says), deleted when the connection
ends. The client keeps its place: each event's `id:` is an opaque cursor (AES-GCM over the
stream sequence, bound to the provider), sent back as `Last-Event-ID` to resume. Pulling is the
backpressure: the next batch is fetched only once the last one is written.

A stream holds a gunicorn thread, so a process serves at most INTEGRATION_STREAMS of them (half
its threads) and one per credential; it ends after MAX_SECONDS, when NATS goes away, or within a
re-check of its credential being revoked, and the client resumes by cursor.
"""
from __future__ import annotations

import asyncio
import base64
import binascii
import json
import logging
import secrets
import select
import socket
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Callable, Iterator

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from nats.js import api

from services.common import provider_events
from services.common.bus import NatsLink

log = logging.getLogger(__name__)

CURSOR_VERSION = "v1."
MAX_CURSOR = 100
BATCH = 100  # events pulled at once
# A pull waits this long at most: then the stream sees whether its client left (and frees its place, so
# the client may come back at once), and never sends a heartbeat late.
FETCH_SECONDS = 2
OPEN_SECONDS = 5  # to reach NATS and make the consumer, at most
MAX_SECONDS = 300  # then the stream ends and the client resumes by cursor
SKEW_SECONDS = 60  # `since` starts this much earlier: clocks of the hosts may differ
INACTIVE_SECONDS = 60  # JetStream deletes a consumer nobody pulled from this long (a gateway that died)
RETRY_MILLISECONDS = 2000
CLIENT_SOCKET_SECONDS = 30  # a client that stops reading is dropped after this long


class ForeignCursor(ValueError):
    """A `Last-Event-ID` this provider's stream did not give (damaged, or another provider's)."""


class CopyUnavailable(RuntimeError):
    """The copy cannot be read now (NATS away, the stream not made yet)."""


def _cursor_key(secret_key: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"provider-events cursor").derive(secret_key)


def seal_cursor(key: bytes, provider_id: str, sequence: int) -> str:
    """The opaque cursor of the copy at `sequence` for `provider_id`: the raw sequence, shared by every
    provider, would tell how many events the others have."""
    nonce = secrets.token_bytes(12)
    sealed = AESGCM(key).encrypt(nonce, sequence.to_bytes(8, "big"), provider_id.encode())
    return CURSOR_VERSION + base64.urlsafe_b64encode(nonce + sealed).decode().rstrip("=")


def open_cursor(key: bytes, provider_id: str, cursor: str) -> int:
    """The stream sequence a cursor of this provider stands for; ForeignCursor otherwise."""
    if not cursor.startswith(CURSOR_VERSION) or len(cursor) > MAX_CURSOR:
        raise ForeignCursor("not a cursor of this stream")
    body = cursor[len(CURSOR_VERSION):]
    try:
        raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        plain = AESGCM(key).decrypt(raw[:12], raw[12:], provider_id.encode())
    except (binascii.Error, ValueError, InvalidTag):
        raise ForeignCursor("not a cursor of this stream") from None
    return int.from_bytes(plain, "big")


def parse_since(value: str) -> datetime:
    """An RFC 3339 date and time with its offset, as UTC; ValueError otherwise."""
    if not value or len(value) > 40 or "T" not in value.upper():
        raise ValueError("not an RFC 3339 date and time")
    moment = datetime.fromisoformat(value.strip().replace("z", "Z"))
    if moment.tzinfo is None:
        raise ValueError("an RFC 3339 date and time names its offset (Z or +01:00)")
    return moment.astimezone(timezone.utc)


@dataclass(frozen=True)
class Start:
    """Where a stream starts: after a cursor's sequence, at a time, or at new events."""

    after: int | None = None
    since: datetime | None = None


class Slots:
    """How many streams this process serves: at most `most`, and one per credential."""

    def __init__(self, most: int):
        self.most = most
        self._held: set[str] = set()
        self._lock = threading.Lock()

    def take(self, integration_id: str) -> bool:
        with self._lock:
            if len(self._held) >= self.most or integration_id in self._held:
                return False
            self._held.add(integration_id)
            return True

    def give_back(self, integration_id: str) -> None:
        with self._lock:
            self._held.discard(integration_id)


class IntegratorStreams:
    """The process's streams: its own NATS connection (PROVIDER_EVENTS_NATS_URL), its slots and cursor key."""

    def __init__(self, nats_url: str, secret_key: bytes, most: int, heartbeat_seconds: int = 15):
        self.link = NatsLink(nats_url, "gateway-events")
        self.slots = Slots(most)
        # A comment line at least this often, and the credential re-checked as often.
        self.heartbeat_seconds = heartbeat_seconds
        self.cursor_key = _cursor_key(secret_key)

    def open(self, provider_id: str, integration_id: str, start: Start) -> "ProviderStream":
        """A stream of the provider's events from `start`: its consumer made now; CopyUnavailable when it cannot be."""
        stream = ProviderStream(self, provider_id, integration_id, start)
        try:
            # Quick to answer when NATS is up; when it is not, the client hears 503 soon rather than hangs.
            self.link.run(self.on_link(stream.begin), timeout=OPEN_SECONDS)
        except Exception as error:  # noqa: BLE001 - whatever NATS says, the client is told to come back
            log.warning("integrator stream unavailable: %r", error)
            stream.close()
            raise CopyUnavailable(str(error)) from error
        return stream

    async def on_link(self, step):
        """`step(connection)` with this process's connection, opened now if it is not yet."""
        return await step(await self.link.connection())


class ProviderStream:
    """One connection's consumer, and the frames it writes."""

    def __init__(self, streams: IntegratorStreams, provider_id: str, integration_id: str, start: Start):
        self._streams = streams
        self.provider_id = provider_id
        self.integration_id = integration_id
        self.start = start
        self.name = f"sse-{secrets.token_hex(8)}"
        self.gap: str | None = None  # the first time still kept, when the start is older than the stream
        self._subscription = None
        self._closed = False

    def _config(self) -> api.ConsumerConfig:
        config = api.ConsumerConfig(name=self.name, filter_subject=provider_events.filter_of(self.provider_id),
                                    ack_policy=api.AckPolicy.NONE, inactive_threshold=INACTIVE_SECONDS,
                                    mem_storage=True, num_replicas=1, deliver_policy=api.DeliverPolicy.NEW)
        if self.start.after is not None:
            config.deliver_policy, config.opt_start_seq = api.DeliverPolicy.BY_START_SEQUENCE, self.start.after + 1
        elif self.start.since is not None:
            config.deliver_policy = api.DeliverPolicy.BY_START_TIME
            config.opt_start_time = self.start.since - timedelta(seconds=SKEW_SECONDS)
        return config

    async def begin(self, nc) -> None:
        """Find what the stream still keeps, make the consumer and bind a pull subscription to it (on `nc`)."""
        reply = await nc.request(f"$JS.API.STREAM.INFO.{provider_events.STREAM}", b"", timeout=5)
        answer = json.loads(reply.data)
        if "error" in answer:
            raise CopyUnavailable(answer["error"].get("description", "no stream"))
        self.gap = gap_of(answer.get("state") or {}, self.start)
        js = nc.jetstream(timeout=5)
        await js.add_consumer(provider_events.STREAM, self._config())
        self._subscription = await js.pull_subscribe_bind(consumer=self.name, stream=provider_events.STREAM)

    async def pull(self, wait: float) -> list:
        """The next events (up to BATCH), waiting `wait` seconds at most for the first; none when idle."""
        try:
            return await self._subscription.fetch(BATCH, timeout=wait)
        except asyncio.TimeoutError:  # nats.py's TimeoutError and FetchTimeoutError are ones too: idle
            return []

    async def end(self, nc) -> None:
        """Stop pulling and delete the consumer (on `nc`)."""
        if self._subscription is not None:
            try:
                await self._subscription.unsubscribe()
            except Exception:  # noqa: BLE001 - a connection already gone has no subscription left
                pass
        if nc.is_connected:
            await nc.jetstream(timeout=5).delete_consumer(provider_events.STREAM, self.name)

    def close(self) -> None:
        """Delete the consumer and give the slot back (once; JetStream forgets it anyway after INACTIVE_SECONDS)."""
        if self._closed:
            return
        self._closed = True
        try:
            self._streams.link.run(self._streams.on_link(self.end), timeout=5)
        except Exception as error:  # noqa: BLE001 - the inactive threshold deletes it in a minute
            log.info("integrator stream consumer %s left to expire: %r", self.name, error)
        finally:
            self._streams.slots.give_back(self.integration_id)

    def frames(self, still_allowed: Callable[[], bool], client_left: Callable[[], bool]) -> Iterator[bytes]:
        """The stream's bytes: `retry:`, a gap if any, then each event, heartbeats, until it must end."""
        try:
            yield f"retry: {RETRY_MILLISECONDS}\n\n".encode()
            if self.gap is not None:
                yield b"event: gap\ndata: " + json.dumps({"first_available": self.gap}).encode() + b"\n\n"
            heartbeat = self._streams.heartbeat_seconds
            began = last_check = last_write = time.monotonic()
            while time.monotonic() - began < MAX_SECONDS:
                if not self._streams.link.connected or client_left():
                    return  # NATS went away (the client resumes by cursor), or the client did
                wait = max(0.5, min(FETCH_SECONDS, heartbeat - 1 - (time.monotonic() - last_write)))
                messages = self._streams.link.run(self.pull(wait), timeout=wait + 5)
                written = False
                for message in messages:
                    frame = self.frame(message)
                    if frame:
                        written = True
                        yield frame
                if written:
                    last_write = time.monotonic()
                elif time.monotonic() - last_write >= heartbeat - 1:
                    yield b": keep-alive\n\n"
                    last_write = time.monotonic()
                if time.monotonic() - last_check >= heartbeat:
                    if not still_allowed():
                        return
                    last_check = time.monotonic()
        except Exception as error:  # noqa: BLE001 - the stream ends; the client resumes by cursor
            log.info("integrator stream %s ended: %r", self.name, error)
        finally:
            self.close()

    def frame(self, message) -> bytes | None:
        """One event's frame, or None for an event before `since` (the consumer started early for skew)."""
        tokens = message.subject.split(".")
        if len(tokens) < 4 or tokens[1] != self.provider_id:
            return None  # never happens with the filter; never sent if it did
        data = message.data
        if self.start.since is not None or b"\n" in data:
            event = json.loads(data)
            if self.start.since is not None and parse_since(event.get("time", "")) < self.start.since:
                return None
            data = json.dumps(event, separators=(",", ":")).encode()
        cursor = seal_cursor(self._streams.cursor_key, self.provider_id, message.metadata.sequence.stream)
        event_type = ".".join(tokens[3:])
        return b"id: " + cursor.encode() + b"\nevent: " + event_type.encode() + b"\ndata: " + data + b"\n\n"


def gap_of(state: dict, start: Start) -> str | None:
    """When events the start asks for are no longer kept: the first time still kept (None when nothing is
    lost). A stream that never dropped a message starts at sequence 1."""
    first_seq, messages = int(state.get("first_seq") or 0), int(state.get("messages") or 0)
    first_time = state.get("first_ts") if messages else None
    if first_seq <= 1:
        return None
    if start.after is not None and start.after + 1 < first_seq:
        return first_time or _now_text()
    if start.since is not None and (not messages or _instant(first_time) > start.since):
        return first_time or _now_text()
    return None


def _instant(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(timezone.utc)


def _now_text() -> str:
    return datetime.now(timezone.utc).isoformat().replace("+00:00", "Z")


def peer_left(connection) -> Callable[[], bool]:
    """Whether the client at the other end of `connection` (a socket, or None) closed it: it sends nothing
    more after its request, so the socket reads as ended once it is gone."""
    def left() -> bool:
        if connection is None:
            return False
        try:
            # Asked first without waiting: a socket with a timeout would wait that long in recv itself.
            readable, _, _ = select.select([connection], [], [], 0)
            return bool(readable) and connection.recv(1, socket.MSG_PEEK) == b""
        except (ValueError, OSError):
            return True
    return left
