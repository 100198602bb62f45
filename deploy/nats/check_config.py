"""Check that deploy/nats/custodian.conf lets every worker and web process do what the code makes it do.

Each worker's NATS user may publish only its own service's subjects and use only its own
streams and durable consumers (deploy/README.md, "NATS users"). Those permissions name the
consumers one by one, so a consumer added or renamed in `services/<name>/events.py` needs its
line in custodian.conf too; without it the worker's requests are refused and it never
receives the events. This compares the two and names what is missing:

    python deploy/nats/check_config.py            # exit 1 when a permission is missing

What a consumer asks of JetStream is not copied here: its own code (`consumers.subscribe`,
then one fetch) runs against nats.py's JetStream client over a connection that only records
the subjects, once for a durable that does not exist yet and once for one an older release
made on other subjects (updated in place). So a consumer reading several subjects
(`filter_subjects`) is checked on the create subject nats.py uses for it, which names no filter.

The relay is woken by a core NATS poke on `relay_wake_subject(<service>)`: the services' web
processes (user `web`) publish it after a commit that wrote events, and the service's worker
subscribes to it. The web processes also claim the nonces of internal calls in one KV bucket
per service (services/common/nonces.py). Both are checked the same way, and so is least
privilege on the pokes and on subscriptions: a user allowed to subscribe to anything its
processes do not need, or to poke (or hear) a relay that is not its own, is named too.

`nats-init` runs it first, so such a deployment stops before any worker starts.
"""
from __future__ import annotations

import asyncio
import concurrent.futures
import importlib
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from nats.aio.client import ServerVersion
from nats.js import JetStreamContext

from gateway.integrator_stream import ProviderStream, Start
from services.common import provider_events
from services.common.bus import Consumer, ensure_stream, relay_wake_subject
from services.common.catalogue import STREAMS
from services.common.config import SERVICES, Settings
from services.common.consumers import subscribe
from services.common.nonces import nonce_bucket

CONFIG = Path(__file__).resolve().parent / "custodian.conf"
# Settings need secrets to be built; the consumers' names and filters do not depend on them.
PLACEHOLDERS = {"CUSTODIAN_INTERNAL_SECRET": "x" * 32, "IDENTITY_SERVICE_KEY": "x" * 32,
                "GATEWAY_SECRET_KEY": "x" * 32}
# The nats-server production runs (docker-compose.yml's image): nats.py picks its API subjects by version.
SERVER_VERSION = "2.11.0"
INBOX = "_INBOX.>"  # replies: JetStream API answers, publish acks, pulled messages


@dataclass
class Needs:
    """What a user's processes publish to and subscribe to (NATS subjects, possibly wildcards)."""

    publish: set[str] = field(default_factory=set)
    subscribe: set[str] = field(default_factory=set)


def covers(pattern: str, subject: str) -> bool:
    """Whether the permission `pattern` allows every subject `subject` stands for (both may hold * and >)."""
    wanted, given = pattern.split("."), subject.split(".")
    for index, token in enumerate(wanted):
        if token == ">":
            return len(given) > index
        if index >= len(given) or (token == "*" and given[index] == ">") or token not in ("*", given[index]):
            return False
    return len(wanted) == len(given)


def _allowed(config_text: str, kind: str) -> dict[str, set[str]]:
    """Each user's `<kind>.allow` subjects in custodian.conf (written as quoted strings)."""
    users: dict[str, set[str]] = {}
    text = re.sub(r"#[^\n]*", "", config_text)
    for block in re.split(r"\buser:\s*", text)[1:]:
        name = re.match(r"[\w-]+", block).group(0)
        # The user's block ends where its permissions end; `kind: { ... allow: [ ... ] ... }`.
        found = re.search(rf"\b{kind}:\s*\{{[^{{}}]*?allow:\s*\[(.*?)\]", block, re.S)
        users[name] = set(re.findall(r'"([^"]+)"', found.group(1))) if found else set()
    return users


def allowed_publish(config_text: str) -> dict[str, set[str]]:
    """Each user's `publish.allow` subjects in custodian.conf."""
    return _allowed(config_text, "publish")


def allowed_subscribe(config_text: str) -> dict[str, set[str]]:
    """Each user's `subscribe.allow` subjects in custodian.conf."""
    return _allowed(config_text, "subscribe")


class _Subscription:
    """A subscription of the recording connection: it never receives anything (a fetch finds the stream idle)."""

    def __init__(self):
        self._pending_queue: asyncio.Queue = asyncio.Queue()
        self._pending_size = 0

    async def next_msg(self, timeout=None):
        raise asyncio.TimeoutError


class _Reply:
    def __init__(self, answer: dict):
        self.data = json.dumps(answer).encode()
        self.headers = None


class RecordingConnection:
    """Stands for a NATS connection under nats.py's JetStream client and records every subject used.

    JetStream answers as a cluster set up by nats-init would, every stream there (unless
    `streams_exist` is false: a worker creates its own stream when it is missing), and the durable
    either missing (`existing` is None) or there with the filter `existing`.
    """

    def __init__(self, existing: str | None = None, streams_exist: bool = True):
        self.connected_server_version = ServerVersion(SERVER_VERSION)
        self._inbox_prefix = bytearray(b"_INBOX")
        self._existing = existing
        self._streams_exist = streams_exist
        self.stream_subjects: list[str] = []  # those of a stream created through this connection
        self.needs = Needs()

    class _nuid:  # noqa: N801 - nats.py's attribute name
        @staticmethod
        def next() -> bytearray:
            return bytearray(b"recorded")

    is_connected = True

    def jetstream(self, **options) -> JetStreamContext:
        return JetStreamContext(self, **options)

    async def subscribe(self, subject: str, *args, **kwargs):
        self.needs.subscribe.add(subject)
        return _Subscription()

    async def publish(self, subject: str, payload: bytes = b"", reply: str = "", headers=None) -> None:
        self.needs.publish.add(subject)
        if reply:
            self.needs.subscribe.add(reply)

    async def request(self, subject: str, payload: bytes = b"", timeout: float = 5, headers=None):
        self.needs.publish.add(subject)
        self.needs.subscribe.add(INBOX)
        tokens = subject.split(".")
        if subject.startswith("$JS.API.STREAM.INFO.") and not self._streams_exist:
            return _Reply({"error": {"code": 404, "err_code": 10059, "description": "stream not found"}})
        if subject.startswith("$JS.API.STREAM.CREATE.") or subject.startswith("$JS.API.STREAM.UPDATE."):
            config = json.loads(payload)
            self.stream_subjects.extend(config.get("subjects") or [])
            return _Reply({"config": config, "state": {"messages": 0, "bytes": 0, "first_seq": 0, "last_seq": 0,
                                                       "consumer_count": 0}})
        if subject.startswith("$JS.API.STREAM.INFO."):
            return _Reply({"config": {"name": tokens[4]}, "state": {"messages": 0, "bytes": 0, "first_seq": 0,
                                                                     "last_seq": 0, "consumer_count": 0}})
        if subject.startswith("$JS.API.CONSUMER.DELETE."):
            return _Reply({"success": True})
        if subject.startswith("$JS.API.CONSUMER.INFO.") and self._existing is None:
            return _Reply({"error": {"code": 404, "err_code": 10014, "description": "consumer not found"}})
        if subject.startswith("$JS.API.CONSUMER.INFO."):
            config = {"name": tokens[5], "durable_name": tokens[5], "filter_subject": self._existing,
                      "ack_policy": "explicit"}
        else:  # created or updated: JetStream answers with the configuration it was given
            config = json.loads(payload)["config"]
        return _Reply({"stream_name": tokens[4], "name": config["name"], "config": config,
                       "created": "2024-01-01T00:00:00Z"})


async def _consumer_needs(consumer: Consumer, existing: str | None) -> Needs:
    connection = RecordingConnection(existing)
    subscription = await subscribe(JetStreamContext(connection), consumer)
    try:
        await subscription.fetch(batch=2, timeout=0.01)  # what consume_forever does, over and over
    except asyncio.TimeoutError:
        pass
    needs = connection.needs
    # Acks, naks and terms go to each message's reply subject, which JetStream names so.
    needs.publish.add(f"$JS.ACK.{STREAMS[consumer.stream]}.{consumer.name}.>")
    return needs


def _on_a_loop_of_its_own(coroutine):
    """Run `coroutine` to its end on a new loop in a thread of its own: the caller may itself run
    on a loop (jetstream_init's `main` calls `main` here), which must not be entered again."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as thread:
        return thread.submit(asyncio.run, coroutine).result()


def consumer_needs(consumer: Consumer) -> Needs:
    """What `consumer`'s loop publishes to and subscribes to: made, or brought to its subjects, then fetched from."""
    needs = Needs()
    # A durable an older release made on every subject of the stream is updated in place at start.
    for existing in (None, *stream_needs(consumer.stream)[1]):
        found = _on_a_loop_of_its_own(_consumer_needs(consumer, existing))
        needs.publish |= found.publish
        needs.subscribe |= found.subscribe
    return needs


def stream_needs(service: str, config=None) -> tuple[Needs, list[str]]:
    """What making sure `service`'s stream (or `config`'s) exists takes (services/common/bus.py, `ensure_stream`),
    and its subjects: made when missing, and a stream kept for a time brought to a changed age."""
    connection = RecordingConnection(streams_exist=False)
    _on_a_loop_of_its_own(ensure_stream(JetStreamContext(connection), service, config))
    if config is not None and config.max_age:
        existing = RecordingConnection()  # its info names no age: the relay updates it
        _on_a_loop_of_its_own(ensure_stream(JetStreamContext(existing), service, config))
        connection.needs.publish |= existing.needs.publish
    return connection.needs, connection.stream_subjects


def required(service: str) -> Needs:
    """What `service`'s worker publishes to and subscribes to, following services/common/worker.py."""
    settings = Settings.from_env(service, PLACEHOLDERS)
    consumers = importlib.import_module(f"services.{service}.events").consumers(settings)
    needs = Needs(subscribe={INBOX})
    worker = importlib.import_module(f"services.{service}.worker").WORKER
    if worker.publishes:  # the worker relays its outbox (audit's: the integrators' per-provider copies)
        stream, subjects = stream_needs(service, worker.stream(settings) if worker.stream else None)
        needs.publish |= stream.publish | set(subjects)  # its stream (made when missing), then its events
        needs.subscribe.add(relay_wake_subject(service))  # the web process's poke after a commit
    for consumer in consumers:
        found = consumer_needs(consumer)
        needs.publish |= found.publish
        needs.subscribe |= found.subscribe
    return needs


def nonce_bucket_publish(service: str) -> set[str]:
    """What `service`'s web process publishes to for its used nonces (a KV bucket, as nats.py reaches it)."""
    stream = f"KV_{nonce_bucket(service)}"
    return {f"$KV.{nonce_bucket(service)}.>", f"$JS.API.STREAM.INFO.{stream}", f"$JS.API.STREAM.CREATE.{stream}",
            f"$JS.API.STREAM.MSG.GET.{stream}", f"$JS.API.DIRECT.GET.{stream}.>"}


def web_needs() -> Needs:
    """What the services' web processes (one user for the four) publish to and subscribe to."""
    needs = Needs(publish={"$JS.API.INFO"}, subscribe={INBOX})  # /readyz asks for the account's info
    for service in SERVICES:
        needs.publish |= nonce_bucket_publish(service)
        if service in STREAMS:  # its requests commit events: the poke wakes its relay (bus.NatsLink.wake_relay)
            needs.publish.add(relay_wake_subject(service))
    return needs


async def _integrator_stream_needs() -> Needs:
    connection = RecordingConnection()
    stream = ProviderStream(None, PROVIDER, "integration", Start(after=41))
    await stream.begin(connection)
    await stream.pull(0.01)  # what each turn of a stream does
    await stream.end(connection)
    needs = connection.needs
    # Each connection's consumer has a name of its own, and each credential its provider: any name, any provider.
    needs.publish = {subject.replace(stream.name, "*").replace(PROVIDER, "*") for subject in needs.publish}
    return needs


def gateway_events_needs() -> Needs:
    """What the gateway's integrator streams (gateway/integrator_stream.py) publish to and subscribe to."""
    return _on_a_loop_of_its_own(_integrator_stream_needs())


PROVIDER = "provider-id"
# What would let the gateway's user read past one provider's filter, or touch anything but the copy:
# an unfiltered or every-provider consumer, a durable, single messages by sequence, the consumers'
# list, or publishing an event.
GATEWAY_EVENTS_FORBIDDEN = (
    f"$JS.API.CONSUMER.CREATE.{provider_events.STREAM}",
    f"$JS.API.CONSUMER.CREATE.{provider_events.STREAM}.sse-x",
    f"$JS.API.CONSUMER.CREATE.{provider_events.STREAM}.sse-x.providers.>",
    f"$JS.API.CONSUMER.CREATE.{provider_events.STREAM}.sse-x.orgs.>",
    f"$JS.API.CONSUMER.DURABLE.CREATE.{provider_events.STREAM}.sse-x",
    "$JS.API.CONSUMER.CREATE.ORGS.sse-x.orgs.>",
    f"$JS.API.STREAM.MSG.GET.{provider_events.STREAM}",
    f"$JS.API.DIRECT.GET.{provider_events.STREAM}",
    f"$JS.API.DIRECT.GET.{provider_events.STREAM}.providers.x.orgs.y",
    f"$JS.API.CONSUMER.LIST.{provider_events.STREAM}",
    f"$JS.API.CONSUMER.NAMES.{provider_events.STREAM}",
    f"$JS.API.STREAM.PURGE.{provider_events.STREAM}",
    "providers.x.orgs.org.created",
)


def required_by_user() -> dict[str, Needs]:
    """Each Custodian user of the CUSTODIAN account and what its processes publish to and subscribe to."""
    needed = {f"{service}-worker": required(service) for service in SERVICES}
    needed["web"] = web_needs()
    needed["gateway-events"] = gateway_events_needs()
    return needed


def problems(config_text: str) -> list[str]:
    """What `config_text` refuses a Custodian user's processes, or allows them beyond need; empty when right."""
    publish, subscribe_ = allowed_publish(config_text), allowed_subscribe(config_text)
    pokes = {relay_wake_subject(service) for service in SERVICES}
    found = []
    for user, needs in required_by_user().items():
        if user not in publish:
            found.append(f"{CONFIG.name} has no user {user}")
            continue
        for kind, allowed, needed in (("publish", publish[user], needs.publish),
                                      ("subscribe", subscribe_[user], needs.subscribe)):
            for subject in sorted(needed):
                if not any(covers(pattern, subject) for pattern in allowed):
                    found.append(f'{user} may not {kind} to "{subject}": add it to its {kind} allow list')
            for pattern in sorted(allowed):
                # Least privilege: no subscription beyond need, and no poke of another service's relay.
                beyond = (kind == "subscribe" and not any(covers(subject, pattern) for subject in needed)) or any(
                    covers(pattern, poke) and poke not in needed for poke in pokes)
                if beyond:
                    found.append(f'{user} may {kind} to "{pattern}", which its processes do not need: '
                                 f"remove it from its {kind} allow list")
    for pattern in sorted(publish.get("gateway-events", ())):
        for subject in GATEWAY_EVENTS_FORBIDDEN:
            if covers(pattern, subject):
                found.append(f'gateway-events may publish to "{pattern}", which lets it publish "{subject}" and read '
                             "past one provider's events: remove it from its publish allow list")
    return found


def main() -> int:
    found = problems(CONFIG.read_text())
    for problem in found:
        print(f"check_config: {problem} in {CONFIG.name}", file=sys.stderr)
    if not found:
        print("check_config: every Custodian user may do what its processes need, and no more on pokes "
              "and subscriptions")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
