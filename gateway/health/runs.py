"""Reports that take a while: run in a background thread of the gateway, polled by the page.

A run is keyed by (session, what it reports on). Its result lives only in this process's
memory, a bounded number of them, each dropped `keep_seconds` after it finished: results name
items and members, so they are never written to disk nor sent to a service. A page polls its
run (a self-replacing status partial) until it is done.

Gateways with several workers may each run the same report when polls land on different
workers; each converges on its own result (ADR "vault health reports").
"""
from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any, Callable

from flask import current_app, g, request

from ..sessions import COOKIE

log = logging.getLogger(__name__)
KEEP_SECONDS = 600
CAPACITY = 64


@dataclass
class Run:
    """One report being made, or made: how far it got, then its result or why it failed."""

    phase: str = "starting"
    done: int = 0
    total: int = 0
    result: Any = None
    failed: bool = False
    started: float = field(default_factory=time.monotonic)
    finished: float | None = None
    ready: threading.Event = field(default_factory=threading.Event, repr=False)

    def advance(self, phase: str, done: int, total: int) -> None:
        """Say how far the run is (what it does now, and `done` of `total`)."""
        self.phase, self.done, self.total = phase, done, total

    @property
    def percent(self) -> int:
        return int(100 * self.done / self.total) if self.total else 0


class Runs:
    """The runs of this process: started once per key, kept briefly, at most `capacity`."""

    def __init__(self, capacity: int = CAPACITY, keep_seconds: float = KEEP_SECONDS):
        self.capacity, self.keep_seconds = capacity, keep_seconds
        self._runs: OrderedDict[tuple, Run] = OrderedDict()
        self._lock = threading.Lock()

    def _expired(self, run: Run) -> bool:
        return run.finished is not None and time.monotonic() - run.finished > self.keep_seconds

    def get(self, key: tuple) -> Run | None:
        """The run of `key` if there is one still kept."""
        with self._lock:
            run = self._runs.get(key)
            if run is not None and self._expired(run):
                del self._runs[key]
                return None
            return run

    def start(self, key: tuple, work: Callable[[Run], Any]) -> Run:
        """The run of `key`, started now in a thread (with this request's context) unless one is kept."""
        with self._lock:
            run = self._runs.get(key)
            if run is not None and not self._expired(run):
                return run
            run = self._runs[key] = Run()
            self._runs.move_to_end(key)
            self._evict()
        threading.Thread(target=in_request_context(work, run), name="report", daemon=True).start()
        return run

    def put(self, key: tuple, result: Any) -> None:
        """Keep a result made elsewhere (a client's report made by the provider's summary)."""
        run = Run(phase="done", result=result, finished=time.monotonic())
        run.ready.set()
        with self._lock:
            self._runs[key] = run
            self._runs.move_to_end(key)
            self._evict()

    def forget(self, key: tuple) -> None:
        """Drop a run (Run again): the next look starts afresh."""
        with self._lock:
            self._runs.pop(key, None)

    def _evict(self) -> None:
        for key in [k for k, r in self._runs.items() if self._expired(r)]:
            del self._runs[key]
        while len(self._runs) > self.capacity:  # the oldest go first; a running one just loses its result
            self._runs.popitem(last=False)


def in_request_context(work: Callable[[Run], Any], run: Run) -> Callable[[], None]:
    """`work(run)` made to run in another thread as if in this request: same app, person, language
    and signed caller, so it reaches the services and opens keys as the page itself would."""
    app = current_app._get_current_object()
    environ, session, request_id = dict(request.environ), g.vault_session, g.get("request_id", "")

    def target() -> None:
        with app.request_context(environ):
            g.vault_session, g.request_id = session, request_id
            try:
                run.result = work(run)
            except Exception:  # noqa: BLE001 - a thread has no error page: the run says it failed, the log says why
                log.exception("a report run failed")
                run.failed = True
            finally:
                run.phase, run.finished = "done", time.monotonic()
                run.ready.set()
    return target


def session_key() -> str:
    """This session, as a key of its runs: a hash of its cookie (never the cookie, which opens the session)."""
    return hashlib.sha256((request.cookies.get(COOKIE) or "").encode()).hexdigest()
