"""gunicorn's settings for production (`gunicorn --config deploy/gunicorn.conf.py ...`).

Several workers per container each count their own requests; a scrape reaches one of them.
So prometheus-client runs in multiprocess mode: each worker writes its metrics into files in
PROMETHEUS_MULTIPROC_DIR, and whichever worker answers /metrics sums them all
(services/common/observability.py). The folder must start empty (the files of a previous
run would be added in), hence a fresh one per start; a worker that exits has its live gauges
dropped by `child_exit`, while its counts stay in the sums, as Prometheus expects.

The variable is set here, in the master, before any worker imports prometheus-client (which
reads it once, at import), and workers inherit it. `make run` does not use this file: one
worker per app needs no sharing.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path


def _fresh_metrics_folder() -> str:
    given = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if not given:
        return tempfile.mkdtemp(prefix="custodian-metrics-")
    # A folder the operator names is emptied of metric files only: it may hold anything else too.
    folder = Path(given)
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob("*.db"):
        stale.unlink()
    return str(folder)


os.environ["PROMETHEUS_MULTIPROC_DIR"] = _fresh_metrics_folder()


def child_exit(server, worker):
    """A worker is gone: its live gauges leave the sums (its counters stay counted)."""
    from prometheus_client import multiprocess  # imported after the folder is set, as workers do

    multiprocess.mark_process_dead(worker.pid)
