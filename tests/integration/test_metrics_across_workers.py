"""A service under production's gunicorn settings (deploy/gunicorn.conf.py) with two workers:
whichever worker answers a scrape, /metrics counts the requests of both, and a restart starts
counting from zero."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import requests
from prometheus_client.parser import text_string_to_metric_families

from embedded.__main__ import free_port
from tests.conftest import ROOT, TEST_SECRETS, wait_for


def start_billing(tmp_path: Path, metrics: Path) -> tuple[subprocess.Popen, str, int]:
    """billing's API under production's gunicorn settings with two workers (no NATS needed for this),
    and how many health checks it answered while starting."""
    port = free_port()
    env = {**{k: v for k, v in os.environ.items() if not k.endswith("_DATABASE_URL")}, **TEST_SECRETS,
           "CUSTODIAN_VAR": str(tmp_path), "NATS_URL": f"nats://127.0.0.1:{free_port()}",
           "PROMETHEUS_MULTIPROC_DIR": str(metrics), "LOG_LEVEL": "WARNING", "PYTHONPATH": str(ROOT)}
    subprocess.run([sys.executable, "-m", "services.common", "migrate", "billing"], cwd=ROOT, env=env, check=True,
                   stdout=subprocess.DEVNULL)
    process = subprocess.Popen([sys.executable, "-m", "gunicorn", "--config", "deploy/gunicorn.conf.py",
                                "--bind", f"127.0.0.1:{port}", "--workers", "2", "--threads", "2",
                                "--access-logfile", "/dev/null", "services.billing.app:create_app()"],
                               cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    answered = []

    def answers():
        try:
            # Long enough that no check a booting worker answers late is left uncounted here.
            answered.append(requests.get(f"{url}/healthz", timeout=15).ok)
            return answered[-1]
        except requests.RequestException:
            return process.poll() is not None
    wait_for(answers, 30, 0.1, "billing to answer")
    assert process.poll() is None, "billing stopped at start"
    return process, url, sum(answered)


def workers_counting(metrics: Path) -> set[str]:
    """The pids of the workers that have written counters."""
    return {path.stem.rsplit("_", 1)[1] for path in metrics.glob("counter_*.db")}


def health_checks_counted(url: str) -> float:
    """The sum, over every series a scrape answers, of requests to /healthz."""
    text = requests.get(f"{url}/metrics", timeout=5).text
    return sum(sample.value for family in text_string_to_metric_families(text) for sample in family.samples
               if sample.name == "http_requests_total" and sample.labels.get("endpoint") == "healthz")


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    process.wait(20)


def test_a_scrape_of_one_worker_counts_the_requests_of_every_worker_and_a_restart_starts_afresh(tmp_path):
    metrics = tmp_path / "metrics"
    for _run in range(2):
        process, url, sent = start_billing(tmp_path, metrics)
        try:
            # Each request on a new connection, which either worker may accept: go on until both have.
            while len(workers_counting(metrics)) < 2 and sent < 500:  # (the start-up's checks included)
                assert requests.get(f"{url}/healthz", timeout=5).ok
                sent += 1
            assert len(workers_counting(metrics)) == 2, "the second worker never answered"
            # Exactly what this run sent, to both workers: nothing of the run before (a fresh folder).
            assert health_checks_counted(url) == sent
            assert health_checks_counted(url) == sent  # a scrape answered by the other worker says the same
        finally:
            stop(process)
