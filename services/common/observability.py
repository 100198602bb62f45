"""Logs, request ids and metrics, the same in every process.

Every log line is one JSON object carrying the request id. The id comes in from the
gateway (`X-Request-Id`), goes out on every internal call, and is written into events as
their `traceparent`, so one user action can be followed across processes.

Metrics: under gunicorn with several workers (production), prometheus-client runs in
multiprocess mode: PROMETHEUS_MULTIPROC_DIR (set by deploy/gunicorn.conf.py, a fresh folder
per start) holds every worker's counters, and /metrics sums them, whichever worker answers.
"""
from __future__ import annotations

import contextvars
import hmac
import logging
import os
import re
import sys
import time
import uuid

from flask import Flask, Response, abort, g, request
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector
from pythonjsonlogger.json import JsonFormatter

REQUEST_ID_HEADER = "X-Request-Id"
_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")
# Exactly what we hand out ourselves (uuid4().hex), so that nothing a client chooses beyond an id
# reaches a log line; matched whole (`$` alone would let a trailing newline through).
_VALID_ID = re.compile(r"[0-9a-f]{32}")


def accepted_request_id(incoming: str | None) -> str:
    """`incoming` if it is a request id in our format, else a new one."""
    return incoming if incoming and _VALID_ID.fullmatch(incoming) else uuid.uuid4().hex


def current_request_id() -> str:
    """The request id of the work in progress ('' outside a request)."""
    return _request_id.get()


def traceparent(request_id: str | None = None) -> str:
    """A W3C traceparent whose trace id is the request id."""
    trace = request_id or current_request_id() or uuid.uuid4().hex
    return f"00-{trace}-{uuid.uuid4().hex[:16]}-01"


class _RequestIdFilter(logging.Filter):
    def filter(self, record):
        record.request_id = _request_id.get()
        return True


def configure_logging(process: str, level: str = "INFO") -> None:
    """Send this process's logs to stderr as JSON lines."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter(
        "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
        static_fields={"process": process},
        rename_fields={"asctime": "time", "levelname": "level"},
    ))
    handler.addFilter(_RequestIdFilter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)


class EveryWorker:
    """What a scrape of one worker answers in multiprocess mode: every worker's counters, summed
    from their files in `directory`, and this worker's scrape-time metrics from `live` (a metric
    computed at scrape time also leaves an empty series in the files, so `live` wins a name)."""

    def __init__(self, directory: str, live: CollectorRegistry):
        self.files = MultiProcessCollector(None, path=directory)
        self.live = live

    def collect(self):
        """The metric families of the files and of `live`, each name once."""
        live = list(self.live.collect())
        names = {family.name for family in live}
        yield from (family for family in self.files.collect() if family.name not in names)
        yield from live


def init_app(app: Flask, process: str, readiness: dict, metrics_token: str = "", public: bool = False) -> None:
    """Give `app` request ids, JSON access logs, /healthz, /readyz and /metrics.

    `readiness` maps a dependency name to a callable answering whether it is reachable. With a
    `metrics_token`, /metrics answers only `Authorization: Bearer <token>`; a `public` app (one
    browsers reach) has no /metrics at all without one.
    """
    registry = CollectorRegistry()
    shared = os.environ.get("PROMETHEUS_MULTIPROC_DIR")  # prometheus-client's own setting, read as it does
    # With several workers the request metrics live in shared files, not in this registry: it keeps
    # only what is computed when scraped (the services' outbox gauge), the same whichever worker answers.
    counted_in = None if shared else registry
    requests_total = Counter("http_requests_total", "HTTP requests", ["endpoint", "method", "status"],
                             registry=counted_in)
    latency = Histogram("http_request_duration_seconds", "HTTP request latency", ["endpoint"],
                        registry=counted_in)
    app.extensions["metrics_registry"] = registry
    exposed = EveryWorker(shared, registry) if shared else registry
    access = logging.getLogger(f"{process}.access")

    @app.before_request
    def _start():
        g.request_id = accepted_request_id(request.headers.get(REQUEST_ID_HEADER))
        g.request_token = _request_id.set(g.request_id)
        g.started = time.perf_counter()

    @app.after_request
    def _finish(response):
        endpoint = request.endpoint or "unknown"
        elapsed = time.perf_counter() - g.get("started", time.perf_counter())
        requests_total.labels(endpoint, request.method, response.status_code).inc()
        latency.labels(endpoint).observe(elapsed)
        response.headers[REQUEST_ID_HEADER] = g.get("request_id", "")
        if endpoint not in ("healthz", "readyz", "metrics", "static"):
            access.info("request", extra={"method": request.method, "path": request.path,
                                          "status": response.status_code, "ms": round(elapsed * 1000, 1)})
        return response

    @app.teardown_request
    def _forget(_exc):
        token = g.pop("request_token", None)
        if token is not None:
            _request_id.reset(token)

    @app.get("/healthz")
    def healthz():
        return {"status": "ok", "process": process}

    @app.get("/readyz")
    def readyz():
        checks = {name: bool(check()) for name, check in readiness.items()}
        ready = all(checks.values())
        return {"status": "ready" if ready else "unavailable", "checks": checks}, (200 if ready else 503)

    @app.get("/metrics")
    def metrics():
        if public and not metrics_token:
            abort(404)
        if metrics_token and not hmac.compare_digest(request.headers.get("Authorization", "").encode(),
                                                     f"Bearer {metrics_token}".encode()):
            abort(404)  # not 401: whoever lacks the token learns nothing about what is there
        return Response(generate_latest(exposed), mimetype=CONTENT_TYPE_LATEST)

    for view in (healthz, readyz, metrics):
        app.extensions.setdefault("public_endpoints", set()).add(view.__name__)
