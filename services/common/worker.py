"""The worker process of a service: its outbox relay and its consumers, until SIGTERM."""
from __future__ import annotations

import asyncio
import logging
import signal
from dataclasses import dataclass, field
from types import ModuleType
from typing import Callable

from nats.errors import NoServersError
from nats.js import api
from sqlalchemy.exc import OperationalError

from .bus import connect, relay_forever, relay_wake_subject
from .consumers import Consumer, consume_forever
from .config import Settings
from .database import make_engine
from .observability import configure_logging

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Chore:
    """Housekeeping a worker does every `every_seconds`: `run(engine)` in a thread, or
    `run(engine, settings)` when it `needs_settings` (a chore reaching past the database)."""

    name: str
    every_seconds: float
    run: Callable
    needs_settings: bool = False


async def _repeat(chore: Chore, engine, settings: Settings, stop: asyncio.Event) -> None:
    arguments = (engine, settings) if chore.needs_settings else (engine,)
    while not stop.is_set():
        try:
            await asyncio.to_thread(chore.run, *arguments)
        except (OperationalError, OSError) as error:
            log.warning("chore %s will try again: %r", chore.name, error)
        try:
            await asyncio.wait_for(stop.wait(), timeout=chore.every_seconds)
        except asyncio.TimeoutError:
            pass


async def run_worker(settings: Settings, models, consumers: list[Consumer], publishes: bool = True,
                     stop: asyncio.Event | None = None, chores: tuple[Chore, ...] = (),
                     stream: api.StreamConfig | None = None) -> None:
    """Relay the outbox of `settings.process` (to its stream, or `stream`) and run `consumers` until stopped.

    SIGTERM and SIGINT stop it gracefully: the batch in hand is applied and acked first.
    """
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        try:
            loop.add_signal_handler(sig, stop.set)
        except (NotImplementedError, RuntimeError):  # not the main thread (tests run workers in threads)
            pass
    engine = make_engine(settings.database_url)
    nc = await _connect_when_up(settings, stop)
    if nc is None:
        return
    js = nc.jetstream()
    wake = asyncio.Event()

    def events_committed() -> None:  # called on a consumer's thread when its transaction wrote events
        loop.call_soon_threadsafe(wake.set)

    async def poked(_message) -> None:
        wake.set()

    tasks = [asyncio.create_task(consume_forever(js, engine, models, consumer, stop, events_committed))
             for consumer in consumers]
    if publishes:
        # Every instance of the worker is poked; SKIP LOCKED shares the rows out between them.
        await nc.subscribe(relay_wake_subject(settings.process), cb=poked)
        tasks.append(asyncio.create_task(relay_forever(js, engine, models.OutboxMessage, settings.process, stop,
                                                       wake, stream)))
    tasks.extend(asyncio.create_task(_repeat(chore, engine, settings, stop)) for chore in chores)
    log.info("worker of %s started: %d consumers", settings.process, len(consumers))
    stopping = asyncio.create_task(stop.wait())
    done, _ = await asyncio.wait([stopping, *tasks], return_when=asyncio.FIRST_COMPLETED)
    stop.set()
    results = await asyncio.gather(*tasks, return_exceptions=True)
    # The loops have finished and acked the batch in hand, which is what draining means here;
    # nats.py's drain() would wait forever on the pull subscriptions' internal queues.
    await nc.close()
    engine.dispose()
    failures = [result for result in results if isinstance(result, BaseException)
                and not isinstance(result, asyncio.CancelledError)]
    if stopping not in done or failures:
        # A loop died on its own: exit non-zero so the supervisor (honcho, Docker) notices and restarts.
        log.error("worker of %s stopped by a failure: %r", settings.process, failures)
        raise SystemExit(1)
    log.info("worker of %s stopped", settings.process)


async def _connect_when_up(settings: Settings, stop: asyncio.Event):
    """Connect to NATS, waiting for it as long as it takes: a worker outlives an outage."""
    while not stop.is_set():
        try:
            return await connect(settings.nats_url, name=f"{settings.process}-worker")
        except (OSError, NoServersError, asyncio.TimeoutError) as error:
            log.warning("worker of %s waiting for NATS at start: %s", settings.process, error)
            try:
                await asyncio.wait_for(stop.wait(), timeout=1)
            except asyncio.TimeoutError:
                pass
    return None


@dataclass(frozen=True)
class ServiceWorker:
    """What a service's worker is: its tables, its consumers (made from its settings), whether it
    relays an outbox, its chores. Each `services/<name>/worker.py` declares one as `WORKER`; it runs
    alone there (production) or beside the others in `embedded.workers` (`make run`)."""

    process: str
    models: ModuleType
    consumers: Callable[[Settings], list[Consumer]]
    publishes: bool = True
    chores: tuple[Chore, ...] = field(default=())
    # The stream its relay publishes to, when not its own service's (audit's copy for integrators).
    stream: Callable[[Settings], api.StreamConfig] | None = None

    async def run(self, settings: Settings, stop: asyncio.Event | None = None) -> None:
        """Run this worker with `settings` until stopped (see `run_worker`)."""
        await run_worker(settings, self.models, self.consumers(settings), self.publishes, stop=stop,
                         chores=self.chores, stream=self.stream(settings) if self.stream else None)


def main(worker: ServiceWorker) -> None:
    """Entry point of `python -m services.<name>.worker`."""
    settings = Settings.from_env(worker.process)
    configure_logging(f"{worker.process}-worker", settings.log_level)
    asyncio.run(worker.run(settings))
