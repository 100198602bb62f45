"""Production's NATS permissions (deploy/nats/custodian.conf) on a real nats-server: audit's worker makes and fills
PROVIDER_EVENTS, the gateway's user reads one provider through its filtered consumer, and no more (ADR 26)."""
from __future__ import annotations

import asyncio
import re
import subprocess
import uuid

import nats
import pytest
from nats.errors import Error as NatsError
from nats.js import api

from embedded.__main__ import free_port
from gateway.integrator_stream import ProviderStream, Start
from services.common import provider_events
from services.common.bus import ensure_stream
from services.common.catalogue import spec_for
from services.common.envelope import Event
from tests.conftest import NATS_BINARY, ROOT, wait_for
from tests.support import on_bus

PASSWORDS = {name: f"s{uuid.uuid4().hex}" for name in (
    "ROUTE", "ADMIN", "IDENTITY_WORKER", "ORGS_WORKER", "BILLING_WORKER", "AUDIT_WORKER", "WEB", "GATEWAY",
    "GATEWAY_EVENTS", "INTEGRATOR")}


@pytest.fixture
def production_nats(tmp_path):
    """A nats-server with custodian.conf's accounts and users, alone (no cluster block) on free ports."""
    port = free_port()
    text = (ROOT / "deploy" / "nats" / "custodian.conf").read_text()
    text = re.sub(r"\ncluster \{.*?\n\}\n", "\n", text, flags=re.S)
    text = text.replace("store_dir: /data", f"store_dir: {tmp_path / 'store'}")
    text = text.replace("port: 4222", f"port: {port}").replace("http_port: 8222", f"http_port: {free_port()}")
    config = tmp_path / "custodian.conf"
    config.write_text(text)
    env = {f"NATS_{name}_PASSWORD": value for name, value in PASSWORDS.items()}
    process = subprocess.Popen([NATS_BINARY, "-c", str(config)], env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)

    def listening():
        import socket
        with socket.socket() as probe:
            return probe.connect_ex(("127.0.0.1", port)) == 0
    try:
        wait_for(listening, 10, message="nats-server to listen")
        yield lambda user, password_of: f"nats://{user}:{PASSWORDS[password_of]}@127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(10)


@pytest.mark.no_database
def test_audit_fills_the_copy_and_the_gateway_reads_one_provider_through_a_filtered_consumer_only(production_nats):
    async def scenario():
        audit = await nats.connect(production_nats("audit-worker", "AUDIT_WORKER"))
        refusals: list[str] = []

        async def heard(error):
            refusals.append(str(error))
        gateway = await nats.connect(production_nats("gateway-events", "GATEWAY_EVENTS"), error_cb=heard)
        try:
            js = audit.jetstream()
            await ensure_stream(js, "audit", provider_events.stream_config(30))
            ours, theirs = str(uuid.uuid4()), str(uuid.uuid4())
            for provider in (ours, theirs, ours):
                event = Event("provider.created", {"provider_id": provider, "name": "P"}, providerid=provider)
                await js.publish(provider_events.subject_of(provider, spec_for(event.type)), event.to_json(),
                                 headers={"Nats-Msg-Id": event.id})

            stream = ProviderStream(None, ours, "integration", Start(after=0))
            await stream.begin(gateway)
            read = await stream.pull(2)
            await stream.end(gateway)
            assert [message.subject.split(".")[1] for message in read] == [ours, ours]

            denied = []
            gjs = gateway.jetstream(timeout=2)
            for attempt in (
                    lambda: gjs.add_consumer(provider_events.STREAM, api.ConsumerConfig(  # unfiltered
                        name="sse-everything", ack_policy=api.AckPolicy.NONE)),
                    lambda: gjs.add_consumer(provider_events.STREAM, api.ConsumerConfig(  # every provider
                        name="sse-all", filter_subject="providers.>", ack_policy=api.AckPolicy.NONE)),
                    lambda: gjs.get_msg(provider_events.STREAM, 1),  # a message by sequence
                    lambda: gjs.publish(provider_events.subject_of(ours, spec_for("provider.created")), b"{}")):
                try:
                    await attempt()
                except (NatsError, asyncio.TimeoutError):
                    denied.append(True)
                else:
                    denied.append(False)
            assert denied == [True, True, True, True]
            # Refused by the server's permissions, not merely unanswered.
            assert len([r for r in refusals if "permissions violation" in r.lower()]) >= 4, refusals
        finally:
            await audit.close()
            await gateway.close()

    on_bus(scenario())
