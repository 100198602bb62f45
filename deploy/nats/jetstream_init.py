"""Create Custodian's JetStream streams and KV buckets replicated on every node of the cluster.

Run once per deployment (docker-compose.yml's one-shot `nats-init` service runs it before
anything else touches NATS):

    NATS_ADMIN_URL=nats://admin:PW@nats-1:4222,nats://admin:PW@nats-2:4222,... \
    NATS_GATEWAY_ADMIN_URL=nats://gateway-admin:PW@nats-1:4222,... \
    NATS_INTEGRATION_ADMIN_URL=nats://integration-admin:PW@nats-1:4222,... \
    python deploy/nats/jetstream_init.py

The services create their streams themselves when they are missing (services/common/bus.py,
`ensure_stream`), the gateway its session bucket (gateway/sessions.py) and each service's web
process its bucket of used nonces (services/common/nonces.py), but with one replica:
on a cluster that stream would live on one node and stop with it. This script creates them
first, with the same configuration and `NATS_REPLICAS` replicas (3), so the services find
them and use them as they are; so too audit's per-provider copy PROVIDER_EVENTS (kept
PROVIDER_EVENTS_DAYS), which the gateway's integrator streams read. First it checks
(check_config.py) that custodian.conf allows every worker what the code makes it do. It also creates the integrators' copies: streams of the same
names and subjects in the INTEGRATION account, which keep the events CUSTODIAN exports to it
(deploy/nats/custodian.conf). It is idempotent: a stream that exists keeps its data and only
has its replica count raised when it has fewer.
"""
from __future__ import annotations

import asyncio
import os
import sys
import time

import nats
from nats.js import api
from nats.js.errors import NotFoundError

import check_config  # deploy/nats/check_config.py, beside this file
from gateway.sessions import BUCKET
from services.common import provider_events
from services.common.bus import DUPLICATE_WINDOW_SECONDS
from services.common.catalogue import STREAMS
from services.common.config import SERVICES
from services.common.internal_auth import NONCE_MEMORY_SECONDS
from services.common.nonces import nonce_bucket

DEADLINE_SECONDS = float(os.environ.get("NATS_INIT_TIMEOUT", "120"))


def servers(variable: str) -> list[str]:
    """The comma-separated server URLs in `variable`."""
    value = os.environ.get(variable, "")
    urls = [url.strip() for url in value.split(",") if url.strip()]
    if not urls:
        sys.exit(f"{variable} must name the NATS servers, e.g. nats://admin:PASSWORD@nats-1:4222,...")
    return urls


async def retrying(what: str, make):
    """`make()` until it succeeds or the deadline passes: the cluster may still be electing."""
    deadline = time.monotonic() + DEADLINE_SECONDS
    while True:
        try:
            return await make()
        except Exception as error:  # noqa: BLE001 - anything but success means "not yet"
            if time.monotonic() > deadline:
                raise SystemExit(f"nats-init: {what} failed: {error!r}") from error
            print(f"nats-init: waiting to {what}: {error!r}", flush=True)
            await asyncio.sleep(2)


async def connect(variable: str):
    """A connection to the servers in `variable`, once one of them answers."""
    urls = servers(variable)

    async def quiet(_error):
        pass
    return await retrying(f"connect ({variable})", lambda: nats.connect(
        urls, connect_timeout=2, max_reconnect_attempts=2, reconnect_time_wait=1, error_cb=quiet))


async def ensure(js, config: api.StreamConfig, replicas: int, account: str) -> None:
    """Create the stream of `config` with `replicas`, or raise an existing stream's replicas."""
    try:
        info = await js.stream_info(config.name)
    except NotFoundError:
        config.num_replicas = replicas
        await js.add_stream(config)
        print(f"nats-init: {account}: stream {config.name} created with {replicas} replicas", flush=True)
        return
    if (info.config.num_replicas or 1) < replicas:
        current = info.config
        current.num_replicas = replicas
        await js.update_stream(current)
        print(f"nats-init: {account}: stream {config.name} now has {replicas} replicas", flush=True)
    else:
        print(f"nats-init: {account}: stream {config.name} present ({info.config.num_replicas} replicas, "
              f"{info.state.messages} messages)", flush=True)


def event_stream(service: str, stream: str) -> api.StreamConfig:
    """The configuration services/common/bus.py ensure_stream() gives `service`'s stream."""
    return api.StreamConfig(
        name=stream,
        subjects=[f"{service}.>"],
        storage=api.StorageType.FILE,
        retention=api.RetentionPolicy.LIMITS,
        duplicate_window=DUPLICATE_WINDOW_SECONDS,
    )


async def ensure_bucket(js, bucket: str, ttl: float, replicas: int, account: str) -> None:
    """Create KV bucket `bucket` as the code would (one value per key, forgotten after `ttl`), with `replicas`."""
    try:
        await js.stream_info(f"KV_{bucket}")
    except NotFoundError:
        await js.create_key_value(bucket=bucket, ttl=ttl, history=1, replicas=replicas)
        print(f"nats-init: {account}: KV bucket {bucket} created with {replicas} replicas, ttl {ttl}s", flush=True)
        return
    await ensure(js, api.StreamConfig(name=f"KV_{bucket}"), replicas, account)


async def main() -> None:
    # A worker whose consumer custodian.conf does not allow would start and never get an event.
    if check_config.main() != 0:
        raise SystemExit("nats-init: deploy/nats/custodian.conf does not allow what the workers need (above)")
    replicas = int(os.environ.get("NATS_REPLICAS", "3"))
    idle_seconds = int(os.environ.get("SESSION_IDLE_SECONDS", "1800"))

    for account, variable in (("CUSTODIAN", "NATS_ADMIN_URL"), ("INTEGRATION", "NATS_INTEGRATION_ADMIN_URL")):
        nc = await connect(variable)
        js = nc.jetstream(timeout=10)
        await retrying(f"reach JetStream ({account})", js.account_info)
        for service, stream in STREAMS.items():
            await retrying(f"create stream {stream} ({account})", lambda service=service, stream=stream:
                           ensure(js, event_stream(service, stream), replicas, account))
        if account == "CUSTODIAN":
            # Audit's per-provider copy, which the gateway's integrator streams read (ADR 26).
            days = int(os.environ.get("PROVIDER_EVENTS_DAYS", str(provider_events.DEFAULT_DAYS)))
            await retrying(f"create stream {provider_events.STREAM} ({account})", lambda: ensure(
                js, provider_events.stream_config(days), replicas, account))
            for service in SERVICES:
                await retrying(f"create KV bucket {nonce_bucket(service)} ({account})", lambda service=service:
                               ensure_bucket(js, nonce_bucket(service), NONCE_MEMORY_SECONDS, replicas, account))
        await nc.close()

    nc = await connect("NATS_GATEWAY_ADMIN_URL")
    js = nc.jetstream(timeout=10)
    await retrying("reach JetStream (GATEWAY)", js.account_info)

    await retrying(f"create KV bucket {BUCKET} (GATEWAY)",
                   lambda: ensure_bucket(js, BUCKET, idle_seconds, replicas, "GATEWAY"))
    await nc.close()


if __name__ == "__main__":
    asyncio.run(main())
