"""How long one event takes from its commit to its row in audit's table, after an idle second.

Custodian: orgs' and audit's real worker processes run idle for a second, then one event is
committed into orgs' outbox as a request's unit of work commits it (waking the relay); the
time from the end of that commit until its row is in audit's table, median and max over RUNS.
Baseline, in the same run on the same nats-server: one message published to a plain stream
(ack awaited) after an idle second, until a consumer fetching in a loop has it. Last line:
one summary a CI log can keep.
Run: `.venv/bin/python -m bench.event_latency [RUNS]`.
"""
from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

import nats
from nats.js import api

from bench.pipeline import Pipeline, sample_events

RUNS = 20
IDLE_SECONDS = 1.0
POLL_SECONDS = 0.001


async def raw_latencies(url: str, payload: bytes, runs: int) -> list[float]:
    """Seconds from publishing one message (after an idle second) until a fetching consumer has it."""
    nc = await nats.connect(url)
    js = nc.jetstream()
    stream = f"RAW{uuid.uuid4().hex[:8]}"
    await js.add_stream(api.StreamConfig(name=stream, subjects=[f"{stream.lower()}.>"], storage=api.StorageType.FILE))
    subscription = await js.pull_subscribe(f"{stream.lower()}.>", durable="raw", stream=stream,
                                           config=api.ConsumerConfig(ack_policy=api.AckPolicy.EXPLICIT))
    arrived: dict[str, float] = {}

    async def consume():
        while True:
            try:
                messages = await subscription.fetch(500, timeout=5)
            except asyncio.TimeoutError:
                continue
            for message in messages:
                arrived[message.headers["Nats-Msg-Id"]] = time.perf_counter()
                await message.ack()

    consumer = asyncio.create_task(consume())
    latencies = []
    for _ in range(runs):
        await asyncio.sleep(IDLE_SECONDS)
        message_id = str(uuid.uuid4())
        start = time.perf_counter()
        await js.publish(f"{stream.lower()}.event", payload, headers={"Nats-Msg-Id": message_id})
        while message_id not in arrived:
            await asyncio.sleep(POLL_SECONDS)
        latencies.append(arrived[message_id] - start)
    consumer.cancel()
    await js.delete_stream(stream)
    await nc.close()
    return latencies


def custodian_latencies(pipeline: Pipeline, runs: int) -> list[float]:
    """Seconds from one event's commit (after an idle second) until audit's table holds it."""
    latencies = []
    for event in sample_events(runs):
        time.sleep(IDLE_SECONDS)
        pipeline.commit([event])
        start = time.perf_counter()  # the event is committed: from here on it is the pipeline's time
        while not pipeline.has_logged(event.id):
            time.sleep(POLL_SECONDS)
        latencies.append(time.perf_counter() - start)
    return latencies


def main(runs: int = RUNS) -> None:
    with tempfile.TemporaryDirectory() as folder:
        pipeline = Pipeline(Path(folder))
        try:
            raw = asyncio.run(raw_latencies(pipeline.nats.url, sample_events(1)[0].to_json(), runs))
            pipeline.start_workers()
            custodian = custodian_latencies(pipeline, runs)
        finally:
            pipeline.close()
    raw_median, median = statistics.median(raw), statistics.median(custodian)
    print(f"raw JetStream publish → fetched, after an idle second (baseline): median {raw_median * 1000:.1f} ms, "
          f"max {max(raw) * 1000:.1f} ms")
    print(f"Custodian commit → audit row, after an idle second: median {median * 1000:.1f} ms, "
          f"max {max(custodian) * 1000:.1f} ms")
    print(f"event_latency: {median / raw_median:.1f}x raw JetStream over {runs} runs "
          f"(median {median * 1000:.1f} ms vs {raw_median * 1000:.1f} ms, max {max(custodian) * 1000:.0f} ms; "
          f"goal <= 5x)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else RUNS)
