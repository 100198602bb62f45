"""`make run`'s `python -m embedded` on its own: its own nats-server from the wheel, its own
SMTP sink and SQLite files; Ctrl-C stops every process; a second run reuses the data."""
from __future__ import annotations

import pytest
import os
import re
import signal
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import nats

from embedded.__main__ import free_port
from tests.conftest import ROOT, wait_for
from tests.sse import EventStream
from tests.support import Visitor, on_bus


def processes_of(var_dir: Path) -> list[int]:
    """The pids of every process started with this data folder in its environment."""
    marker = f"CUSTODIAN_VAR={var_dir}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if marker in (entry / "environ").read_bytes().split(b"\0"):
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def start(var_dir: Path) -> tuple[subprocess.Popen, dict, list]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("NATS_URL", "SMTP_PORT", "SMTP_HOST", "PORT") and not k.endswith(("_DATABASE_URL", "_PORT"))}
    env.update({"CUSTODIAN_VAR": str(var_dir), "PORT": str(free_port()), "WEB_CONCURRENCY": "1",
                "LOG_LEVEL": "WARNING"})
    process = subprocess.Popen([sys.executable, "-m", "embedded"], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    found: dict = {}
    log: list = []

    def read():
        for line in process.stdout:
            log.append(line)
            if match := re.match(r"^Portal: (\S+)$", line.strip()):
                found["url"] = match.group(1)
            if match := re.match(r"^Demo login: (\S+) / (\S+)$", line.strip()):
                found["login"] = match.groups()
            if match := re.search(r"Listening for client connections on 127\.0\.0\.1:(\d+)", line):
                found["nats_port"] = int(match.group(1))
    threading.Thread(target=read, daemon=True).start()
    wait_for(lambda: "login" in found or process.poll() is not None, 120, 0.2, "make run to print the demo login")
    assert "login" in found, "".join(log[-60:])
    return process, found, log


def interrupt(process: subprocess.Popen, var_dir: Path) -> None:
    """Ctrl-C, as a person at the terminal would."""
    process.send_signal(signal.SIGINT)
    process.wait(60)
    wait_for(lambda: not processes_of(var_dir), 30, 0.2, "every process of the system to stop")


def integrators_read_the_demo_providers_events(visitor: Visitor, nats_port: int) -> None:
    """Audit's relay made the per-provider copy, and a credential made in Integrations streams it (ADR 26)."""
    async def copy_state():
        nc = await nats.connect(f"nats://127.0.0.1:{nats_port}")
        try:
            return (await nc.jetstream().stream_info("PROVIDER_EVENTS")).state.messages
        finally:
            await nc.close()
    wait_for(lambda: on_bus(copy_state()) > 0, 30, 0.5, "the demo's events to be copied to PROVIDER_EVENTS")
    provider_id = re.search(r'href="/providers/([0-9a-f-]{36})/clients"', visitor.last_html).group(1)
    made = visitor.submit(f"/providers/{provider_id}/integrations/new", {"name": "Make run"})
    key = tuple(re.search(rf'<code id="{name}">([^<]+)</code>', made.text).group(1)
                for name in ("client-id", "client-secret"))
    stream = EventStream(visitor.base, key, since="2000-01-01T00:00:00Z")
    try:
        frame = stream.next(20, kinds=("provider.created",))
        assert frame is not None and frame["data"]["providerid"] == provider_id
    finally:
        stream.close()


@pytest.mark.no_database
def test_make_run_starts_everything_prints_the_login_stops_on_ctrl_c_and_reuses_its_data(tmp_path):
    var_dir = tmp_path / "var"
    process, found, log = start(var_dir)
    try:
        assert found["url"].startswith("http://localhost:")  # not 127.0.0.1: passkeys refuse an IP address
        assert found.get("nats_port"), "the embedded nats-server should have started"
        email, password = found["login"]
        visitor = Visitor(found["url"].rstrip("/"))
        assert visitor.log_in(email, password).status_code == 200
        assert "Second Client&#39;s Organization" in visitor.last_html
        # Sized for one machine: the launcher, honcho (a process and a shell per entry), nats, the
        # services' gunicorn and the gateway's (a master and a worker each), and one process for every
        # service's worker and the mail sink: 16, where one gunicorn per service made 45.
        assert len(processes_of(var_dir)) <= 16
        integrators_read_the_demo_providers_events(visitor, found["nats_port"])
    finally:
        interrupt(process, var_dir)
    assert process.returncode == 0  # Ctrl-C is how it is meant to end, not a failure

    secrets_file = (var_dir / "secrets.env").read_text()
    again, found_again, _ = start(var_dir)
    try:
        assert found_again["login"] == found["login"]
        assert (var_dir / "secrets.env").read_text() == secrets_file
        with sqlite3.connect(var_dir / "orgs.db") as db:
            names = [row[0] for row in db.execute("SELECT name FROM organizations ORDER BY name")]
            providers = db.execute("SELECT count(*) FROM providers").fetchone()[0]
        assert names == ["My Client's Organization", "Second Client's Organization", "Third Client's Organization"]
        assert providers == 1
    finally:
        interrupt(again, var_dir)
