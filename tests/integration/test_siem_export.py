"""examples/siem_export.py against the running system: stopped with Ctrl-C while events flow and started again,
it has each event of the provider in its file once."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from datetime import datetime, timezone

from tests.conftest import ROOT, wait_for
from tests.sse import credential
from tests.support import StaffedProvider

EXAMPLE = ROOT / "examples" / "siem_export.py"


def created(path) -> list[str]:
    """The names of the credentials whose creation the file holds, in its order."""
    if not path.exists():
        return []
    events = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    return [e["data"]["name"] for e in events if e["type"] == "provider.integration.created"]


def test_the_example_mirrors_the_events_stops_on_ctrl_c_and_resumes_with_each_event_once(system, tmp_path):
    world = StaffedProvider(system)
    since = datetime.now(timezone.utc).isoformat().replace("+00:00", "Z")
    client_id, secret = credential(world, "Exporter")
    out = tmp_path / "events.jsonl"
    command = [sys.executable, str(EXAMPLE), "--url", system.url, "--client-id", client_id, "--out", str(out),
               "--since", since]
    env = {**os.environ, "CUSTODIAN_INTEGRATION_SECRET": secret}

    def run():
        return subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)

    exporter = run()
    try:
        for n in range(1, 4):
            credential(world, f"event {n}")
        wait_for(lambda: "event 2" in created(out), 20, 0.2, "the exporter to write the first events")
        credential(world, "event 4")  # made while it is being stopped: before or after, it is in the file once
        exporter.send_signal(signal.SIGINT)
        output, _ = exporter.communicate(timeout=20)
        assert exporter.returncode == 0, output
        assert "stopped" in output
        state = json.loads((tmp_path / "events.jsonl.state").read_text())
        assert state["cursor"].startswith("v1.")

        for n in range(5, 7):
            credential(world, f"event {n}")
        exporter = run()
        wait_for(lambda: "event 6" in created(out), 40, 0.2, "the exporter to resume and write what happened")
    finally:
        exporter.send_signal(signal.SIGINT)
        exporter.communicate(timeout=20)
    names = created(out)
    assert names == ["Exporter", *[f"event {n}" for n in range(1, 7)]], names
    ids = [json.loads(line)["id"] for line in out.read_text().splitlines()]
    assert len(ids) == len(set(ids))
