"""Pages under load: the Clients page (50 rows), its htmx partial, an organization's Members
page, the provider's Event logs (12,000 events), billing, Sends, the demo sign-up pages (20 sessions), the
training hub (its settings, a branded hub page and a video's page), a Service User's Clients dialog, the
provider's Policies, the Clients table filtered on Compliance and Integrations (10 credentials), against a
bare Flask+Jinja 50-row table.

Starts the `make run` system (bench/footprint.py's `start_system`), adds clients through the
portal's own form until the demo provider has 50, writes 12,000 events into audit's table
(copies of one of the provider's real events, so the page reads what the pipeline would have
stored), and logs the demo admin in. The baseline is a bare Flask app rendering a 50-row
table with Jinja, served by gunicorn with the gateway's settings (one worker, WEB_THREADS
threads), started in the same run. A separate process drives each URL with 8 threads, each
on its own keep-alive connection, as `wrk -c8` would; baseline and pages take turns, round
after round, so both see the same machine.

Goal (issue 11): every page at least 0.5 x the baseline's requests per second, the partial
faster than the full page. Last line: one summary a CI log can keep.
Run: `.venv/bin/python -m bench.pages [--seconds S] [--rounds R]`.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import datetime, timedelta
from pathlib import Path

import requests

# Only the standard library and requests up here: gunicorn imports this module for the baseline
# app, which must stay bare; what drives the system is imported where it is used.
ROOT = Path(__file__).resolve().parents[1]
GOAL = 0.5
CLIENTS, EVENTS, CONNECTIONS = 50, 12_000, 8
DEMO_SESSIONS = 20
INTEGRATIONS = 10  # the most a provider may have (orgs: integrations.MAX_ACTIVE)
UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"

_TABLE = """<!doctype html><html><head><title>Clients</title></head><body><main><h1>Clients</h1>
<table><thead><tr><th>Name</th><th>Assigned</th><th>Used</th><th>Remaining</th><th>Plan</th></tr></thead><tbody>
{% for row in rows %}<tr><td><a href="/organizations/{{ row.id }}">{{ row.name }}</a></td><td>{{ row.seats }}</td>
<td>{{ row.used }}</td><td>{{ row.seats - row.used }}</td><td>{{ row.plan }}</td></tr>{% endfor %}
</tbody></table></main></body></html>"""


def baseline_app():
    """The baseline: a bare Flask app that renders a 50-row table with Jinja on every request."""
    from flask import Flask, render_template_string

    app = Flask("baseline")
    rows = [{"id": uuid.uuid4(), "name": f"Client {n:02d}'s Organization", "seats": 10 + n, "used": n % 7,
             "plan": "Teams" if n % 2 else "Enterprise"} for n in range(CLIENTS)]

    @app.get("/clients")
    def clients():
        return render_template_string(_TABLE, rows=rows)

    return app


# --- the load generator (a process of its own: its threads must not share the bench's GIL) -------

def drive(port: int, path: str, headers: dict, seconds: float) -> dict:
    """Requests per second, latencies and failures of CONNECTIONS threads requesting `path` for `seconds`."""
    latencies: list[float] = []
    failures = [0]
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def one_connection():
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine, failed = [], 0
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            try:
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                response.read()
                if response.status != 200:
                    failed += 1
                mine.append(time.perf_counter() - started)
            except (OSError, http.client.HTTPException):
                failed += 1
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        connection.close()
        with lock:
            latencies.extend(mine)
            failures[0] += failed

    started = time.perf_counter()
    threads = [threading.Thread(target=one_connection) for _ in range(CONNECTIONS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    return {"requests": len(latencies), "seconds": elapsed, "failures": failures[0], "latencies": latencies}


def driven(port: int, path: str, headers: dict, seconds: float) -> dict:
    """`drive` run in a child process."""
    done = subprocess.run([sys.executable, "-m", "bench.pages", "--drive", json.dumps([port, path, headers, seconds])],
                          cwd=ROOT, stdout=subprocess.PIPE, check=True, text=True)
    return json.loads(done.stdout)


# --- the data ---------------------------------------------------------------------------------------

def add_clients(base: str, browser: requests.Session, provider_id: str, up_to: int) -> None:
    """Clients added through the portal's form until the provider has `up_to`."""
    from bench.login import CSRF

    page = browser.get(f"{base}/providers/{provider_id}/clients")
    have = len(set(re.findall(r"/organizations/(" + UUID + r")", page.text)))
    for n in range(have, up_to):
        form = browser.get(f"{base}/providers/{provider_id}/clients/new")
        match = CSRF.search(form.text)
        answer = browser.post(f"{base}/providers/{provider_id}/clients/new", allow_redirects=False, data={
            "csrf_token": match.group(1) or match.group(2), "name": f"Bench Client {n:02d}", "plan": "Teams",
            "seats": str(10 + n), "owner_email": f"owner{n}@bench.example", "billing_email": f"bill{n}@bench.example"})
        if answer.status_code not in (201, 303):
            raise SystemExit(f"adding a client failed ({answer.status_code})")


def add_demo_sessions(base: str, browser: requests.Session, provider_id: str, count: int) -> None:
    """`count` demo sessions scheduled through the portal's New session form, a day apart from next month."""
    from bench.login import CSRF

    path = f"{base}/providers/{provider_id}/demo-sessions/new"
    first = datetime.utcnow().date() + timedelta(days=30)
    for n in range(count):
        match = CSRF.search(browser.get(path).text)
        answer = browser.post(path, allow_redirects=False, data={
            "csrf_token": match.group(1) or match.group(2), "title": f"Bench demo {n:02d}",
            "date": (first + timedelta(days=n)).isoformat(), "time": "10:00", "time_zone": "Europe/Paris",
            "duration_minutes": "45", "capacity": "50", "video_link": "https://meet.example.com/bench"})
        if answer.status_code not in (201, 303):
            raise SystemExit(f"scheduling a demo session failed ({answer.status_code})")


def brand_hub(base: str, browser: requests.Session, provider_id: str) -> None:
    """The provider's training hub named, with a support contact and a logo, through the portal's own form."""
    import io

    from PIL import Image

    from bench.login import CSRF

    logo = io.BytesIO()
    Image.new("RGB", (128, 128), (20, 110, 190)).save(logo, format="PNG")
    form = browser.get(f"{base}/providers/{provider_id}/training-hub")
    match = CSRF.search(form.text)
    answer = browser.post(f"{base}/providers/{provider_id}/training-hub", allow_redirects=False, data={
        "csrf_token": match.group(1) or match.group(2), "hub_name": "Bench Academy",
        "support_email": "help@bench.example", "support_url": "https://help.bench.example/"},
        files={"logo": ("logo.png", logo.getvalue(), "image/png")})
    if answer.status_code != 303:
        raise SystemExit(f"branding the training hub failed ({answer.status_code})")


def add_integrations(base: str, browser: requests.Session, provider_id: str, count: int) -> None:
    """`count` credentials of the integrator stream, made through the New credential dialog."""
    for n in range(count):
        form = browser.get(f"{base}/providers/{provider_id}/integrations/new")
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form.text).group(1)
        answer = browser.post(f"{base}/providers/{provider_id}/integrations/new",
                              data={"csrf_token": token, "name": f"SIEM {n + 1}"})
        if answer.status_code != 201:
            raise SystemExit(f"a credential could not be made: {answer.status_code}")


def add_events(audit_db: Path, provider_id: str, count: int) -> None:
    """`count` copies of one of the provider's stored events, a minute apart, into audit's table."""
    from services.audit.models import LoggedEvent

    table = LoggedEvent.__tablename__
    deadline = time.monotonic() + 60
    with sqlite3.connect(audit_db, timeout=30) as db:
        db.row_factory = sqlite3.Row
        while (template := db.execute(f"SELECT * FROM {table} WHERE provider_id = ? LIMIT 1",
                                      (provider_id,)).fetchone()) is None:
            if time.monotonic() > deadline:
                raise SystemExit("no event of the provider reached audit within a minute")
            time.sleep(0.5)
        columns = template.keys()
        start = datetime.utcnow() - timedelta(minutes=count)
        rows = []
        for n in range(count):
            row = dict(template)
            row["id"] = str(uuid.uuid4())
            row["time"] = (start + timedelta(minutes=n)).isoformat(sep=" ")
            rows.append(tuple(row[column] for column in columns))
        db.execute("BEGIN")
        quoted = ", ".join(f'"{column}"' for column in columns)  # one column is named "group", an SQL keyword
        db.executemany(f"INSERT INTO {table} ({quoted}) VALUES ({', '.join('?' * len(columns))})", rows)
        db.commit()


def start_baseline(threads: str) -> tuple[subprocess.Popen, int]:
    """The baseline app under gunicorn with the gateway's settings."""
    from embedded.__main__ import free_port

    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", "1",
                                "--threads", threads, "--no-control-socket", "--access-logfile", "/dev/null",
                                "bench.pages:baseline_app()"], cwd=ROOT, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while True:
        try:
            if requests.get(f"http://127.0.0.1:{port}/clients", timeout=1).ok:
                return process, port
        except requests.RequestException:
            pass
        if time.monotonic() > deadline or process.poll() is not None:
            process.kill()
            raise SystemExit("the baseline did not start")
        time.sleep(0.1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5, help="seconds of load per URL and round (default 5)")
    parser.add_argument("--rounds", type=int, default=2, help="rounds of every URL (default 2)")
    parser.add_argument("--drive", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.drive:
        print(json.dumps(drive(*json.loads(args.drive))))
        return
    from bench.footprint import start_system, stop_system
    from bench.login import log_in

    threads = os.environ.get("WEB_THREADS", "8")
    with tempfile.TemporaryDirectory(prefix="custodian-pages-") as var:
        var_dir = Path(var) / "var"
        process, found = start_system(var_dir, {"WEB_THREADS": threads})
        baseline = None
        try:
            baseline, baseline_port = start_baseline(threads)
            base = found["url"]
            browser, _posted, _arrived = log_in(base, *found["login"])
            home = browser.get(f"{base}/")
            provider_id = re.search(r"/providers/(" + UUID + r")/", home.url + home.text).group(1)
            add_clients(base, browser, provider_id, CLIENTS)
            add_events(var_dir / "audit.db", provider_id, EVENTS)
            add_demo_sessions(base, browser, provider_id, DEMO_SESSIONS)
            brand_hub(base, browser, provider_id)
            add_integrations(base, browser, provider_id, INTEGRATIONS)
            clients = browser.get(f"{base}/providers/{provider_id}/clients").text
            organization_id = re.search(r"/organizations/(" + UUID + r")", clients).group(1)
            staff = browser.get(f"{base}/providers/{provider_id}/members").text
            service_user_id = re.search(rf"/providers/{provider_id}/members/(" + UUID + r")/clients", staff).group(1)
            port = int(base.rsplit(":", 1)[1])
            cookie = {"Cookie": "; ".join(f"{c.name}={c.value}" for c in browser.cookies)}
            targets = {
                "Clients page (50 rows)": (port, f"/providers/{provider_id}/clients", cookie),
                "Clients htmx partial": (port, f"/providers/{provider_id}/clients",
                                         {**cookie, "HX-Request": "true", "HX-Target": "clients"}),
                "Members page": (port, f"/organizations/{organization_id}/members", cookie),
                f"Event logs page ({EVENTS:,} events)": (port, f"/providers/{provider_id}/events", cookie),
                # Issue 14: the subscription with the next invoice's estimate, folded from the seat ledger.
                f"Billing subscription page ({CLIENTS} clients)": (port, f"/providers/{provider_id}/billing/subscription",
                                                                    cookie),
                "Billing history page": (port, f"/providers/{provider_id}/billing/history", cookie),
                "Sends page (issue 13)": (port, "/sends", cookie),
                # Issue 16: the training hub as a client's end user opens it (no session, the provider's
                # branding asked of orgs once), a video's page with its transcript, the public demo sign-up,
                # and the staff's Demo sessions and branding form.
                "Branded training hub page (issue 16)": (port, f"/training?provider={provider_id}", {}),
                "Training video page (issue 16)": (port, "/training/videos/use-send", {}),
                f"Demo sign-up page, public ({DEMO_SESSIONS} sessions)": (port, f"/training/demo?provider={provider_id}",
                                                                           {}),
                "Demo sessions page": (port, f"/providers/{provider_id}/demo-sessions", cookie),
                "Training hub settings page": (port, f"/providers/{provider_id}/training-hub", cookie),
                # Issue 18: a Service User's Clients dialog (the provider's clients, paged, with their grants).
                f"Service User's Clients dialog ({CLIENTS} clients)": (
                    port, f"/providers/{provider_id}/members/{service_user_id}/clients", cookie),
                # Issue 18: the provider's policies, and the Clients table filtered on its kept Compliance count.
                "Provider policies page (issue 18)": (port, f"/providers/{provider_id}/policies", cookie),
                "Clients page, non-compliant only (issue 18)": (
                    port, f"/providers/{provider_id}/clients?compliance=non_compliant", cookie),
                # Issue 18: the integrator stream's credentials (the most a provider may have).
                f"Integrations page ({INTEGRATIONS} credentials)": (port, f"/providers/{provider_id}/integrations",
                                                                    cookie),
            }
            for name, (target_port, path, headers) in targets.items():  # each answers before the load
                answer = requests.get(f"http://127.0.0.1:{target_port}{path}", headers=headers, timeout=30)
                if answer.status_code != 200:
                    raise SystemExit(f"{name} answered {answer.status_code}")
            results: dict[str, list[dict]] = {"baseline": [], **{name: [] for name in targets}}
            for _round in range(args.rounds):
                for name, target in [("baseline", (baseline_port, "/clients", {})), *targets.items()]:
                    results[name].append(driven(*target, args.seconds))
        finally:
            if baseline is not None:
                baseline.terminate()
                baseline.wait(10)
            stop_system(process)

    def rate(runs: list[dict]) -> float:
        return sum(run["requests"] for run in runs) / sum(run["seconds"] for run in runs)

    def p50(runs: list[dict]) -> float:
        return statistics.median(latency for run in runs for latency in run["latencies"]) * 1000

    base_rate = rate(results["baseline"])
    print(f"baseline, bare Flask+Jinja 50-row table: {base_rate:.0f} req/s, p50 {p50(results['baseline']):.1f} ms")
    ratios = {}
    for name in targets:
        ratios[name] = rate(results[name]) / base_rate
        failures = sum(run["failures"] for run in results[name])
        print(f"{name}: {rate(results[name]):.1f} req/s, p50 {p50(results[name]):.0f} ms, ratio {ratios[name]:.3f}"
              + (f", {failures} failed" if failures else ""))
    full, partial = list(targets)[:2]
    print(f"pages: ratios {min(ratios.values()):.3f}-{max(ratios.values()):.3f} of the bare table "
          f"({base_rate:.0f} req/s; goal >= {GOAL}); partial {rate(results[partial]) / rate(results[full]):.2f}x "
          f"the full Clients page")


if __name__ == "__main__":
    main()
