"""`python -m embedded.workers`: every service's worker in one process, for `make run`
(and the embedded SMTP sink, when the launcher is the mail server).

Production runs each service's worker alone (`python -m services.<name>.worker`), where it
scales and fails on its own. On one person's machine four processes that each load the same
libraries to sit mostly idle cost ~65 MiB apiece; here the four run concurrently on one
asyncio loop, each with its own settings (its database, its NATS connection named after it),
relaying its outbox and running its consumers and chores exactly as it would alone.

SIGTERM or SIGINT stops them all gracefully (each applies and acks the batch in hand). If one
dies, the others are stopped and the process exits non-zero, so the launcher stops the system
rather than run it with a part missing.
"""
from __future__ import annotations

import asyncio
import logging
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from embedded.mailsink import serve_mail
from services.audit.worker import WORKER as AUDIT
from services.billing.worker import WORKER as BILLING
from services.common.config import Settings
from services.common.observability import configure_logging
from services.common.worker import ServiceWorker
from services.identity.worker import WORKER as IDENTITY
from services.orgs.worker import WORKER as ORGS

log = logging.getLogger(__name__)
# Four services' consumers and relays share the loop's default executor for their database work:
# asyncio's default (cores + 4) would let one busy service queue the others' transactions.
THREADS = 16


# Each service's worker as its own module declares it (services/<name>/worker.py), so both runs agree.
WORKERS = (IDENTITY, ORGS, BILLING, AUDIT)


async def run_all(workers: tuple[ServiceWorker, ...] = WORKERS, env: dict | None = None,
                  stop: asyncio.Event | None = None) -> None:
    """Run every worker of `workers` on this loop until `stop` is set or one of them fails; with
    MAIL_SINK_DIR set (the launcher sets it when it is the mail server), the SMTP sink too.

    They share one `stop`: run_worker makes SIGTERM and SIGINT set it, and one part's failure
    sets it too, so every worker finishes its batch in hand before the process ends."""
    env = dict(os.environ if env is None else env)
    stop = stop or asyncio.Event()
    asyncio.get_running_loop().set_default_executor(ThreadPoolExecutor(THREADS, thread_name_prefix="worker"))
    parts = []
    for worker in workers:
        settings = Settings.from_env(worker.process, env)
        parts.append(asyncio.create_task(worker.run(settings, stop), name=f"{worker.process}-worker"))
    if env.get("MAIL_SINK_DIR"):
        parts.append(asyncio.create_task(serve_mail(Path(env["MAIL_SINK_DIR"]), int(env["SMTP_PORT"]), stop),
                                         name="mail sink"))
    await asyncio.wait(parts, return_when=asyncio.FIRST_EXCEPTION)
    stop.set()
    results = await asyncio.gather(*parts, return_exceptions=True)
    failed = [f"{part.get_name()}: {result!r}" for part, result in zip(parts, results)
              if isinstance(result, BaseException)]
    if failed:
        log.error("embedded workers stopped by a failure of %s", "; ".join(failed))
        raise SystemExit(1)


def main() -> None:
    """Entry point of `python -m embedded.workers`."""
    configure_logging("workers", Settings.from_env("orgs").log_level)
    asyncio.run(run_all())


if __name__ == "__main__":
    main()
