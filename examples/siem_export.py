#!/usr/bin/env python3
"""Mirror a provider's Custodian events into a JSON-lines file, and resume where it stopped.

Reads the integrator stream (`GET /api/integrations/events`, Server-Sent Events; docs/integrations.md)
with a credential made in Provider Portal → Integrations, and appends each event (a CloudEvent) to
`--out` as one line, written and fsynced before anything else. Then it keeps its place in
`<out>.state` (the stream's cursor and the event's id, replaced atomically). Run again, it resumes
from that cursor; an event it already wrote (a stop between the line and the state) is recognised by
its id among the file's last 1,000 lines and skipped, so each event is in the file once.

    export CUSTODIAN_INTEGRATION_SECRET=...        # the client secret, shown once when it was made
    python examples/siem_export.py --url https://portal.example.com --client-id integration.... \\
        --out events.jsonl [--since 2026-12-01T00:00:00Z]

`--since` (RFC 3339) replays from that time on the first run only; without it the first run starts
with new events. Ctrl-C stops it cleanly. Needs only `requests`.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import deque
from pathlib import Path

import requests

STREAM_PATH = "/api/integrations/events"
REMEMBERED = 1000  # ids of the file's last lines: a resumed stream never repeats further back than one batch


class Refused(Exception):
    """The server will not stream with this credential or start (401, 422): retrying would not help."""


class Mirror:
    """The file and its state: what was written, and where the stream is."""

    def __init__(self, out: Path):
        self.out = out
        self.state_path = out.with_name(out.name + ".state")
        self.seen: deque[str] = deque(maxlen=REMEMBERED)
        self.cursor: str | None = None
        if self.state_path.exists():
            self.cursor = json.loads(self.state_path.read_text()).get("cursor")
        if out.exists():
            self._drop_a_cut_line()
            with out.open("rb") as lines:
                for line in deque(lines, maxlen=REMEMBERED):
                    try:
                        self.seen.append(json.loads(line)["id"])
                    except (ValueError, KeyError, TypeError):
                        continue  # not one of ours: kept as it is, never read as an event

    def _drop_a_cut_line(self) -> None:
        """Cut a last line a crash left without its newline: its event comes again and is written whole,
        on a line of its own rather than glued to the broken one."""
        with self.out.open("r+b") as file:
            size = file.seek(0, os.SEEK_END)
            if size == 0:
                return
            file.seek(size - 1)
            if file.read(1) == b"\n":
                return
            keep = size
            while keep > 0:
                start = max(0, keep - 65536)
                file.seek(start)
                newline = file.read(keep - start).rfind(b"\n")
                if newline >= 0:
                    keep = start + newline + 1
                    break
                keep = start
            file.truncate(keep)
            file.flush()
            os.fsync(file.fileno())

    def write(self, cursor: str, event: dict) -> bool:
        """Append `event` unless it is already in the file, then remember `cursor`; whether it was written."""
        fresh = event["id"] not in self.seen
        if fresh:
            with self.out.open("ab") as file:
                file.write(json.dumps(event, separators=(",", ":")).encode() + b"\n")
                file.flush()
                os.fsync(file.fileno())
            self.seen.append(event["id"])
        self.cursor = cursor
        temporary = self.state_path.with_name(self.state_path.name + ".tmp")
        temporary.write_text(json.dumps({"cursor": cursor, "last_id": event["id"]}))
        os.replace(temporary, self.state_path)
        return fresh


def frames(response: requests.Response):
    """Each Server-Sent Events frame of `response` as a dict of its fields (comments left out)."""
    buffer = b""
    for chunk in response.iter_content(chunk_size=None):
        buffer += chunk.replace(b"\r\n", b"\n")
        while b"\n\n" in buffer:
            block, buffer = buffer.split(b"\n\n", 1)
            frame: dict = {}
            for line in block.decode().split("\n"):
                if not line or line.startswith(":"):
                    continue
                name, _, value = line.partition(":")
                frame[name] = frame.get(name, "") + (value[1:] if value.startswith(" ") else value)
            if frame:
                yield frame


def stream_once(args, secret: str, mirror: Mirror, since: str | None) -> float:
    """One connection: write what it brings until it ends; how long to wait before the next."""
    headers = {"Accept": "text/event-stream"}
    if mirror.cursor:
        headers["Last-Event-ID"] = mirror.cursor
    params = {"since": since} if since and not mirror.cursor else None
    with requests.get(args.url.rstrip("/") + STREAM_PATH, auth=(args.client_id, secret), headers=headers,
                      params=params, stream=True, timeout=(10, 60)) as response:
        if response.status_code in (401, 422):
            raise Refused(f"{response.status_code}: {response.json().get('message', response.reason)}")
        if response.status_code in (429, 503):
            wait = float(response.headers.get("Retry-After", "10"))
            print(f"siem_export: the server is busy ({response.status_code}), trying again in {wait:.0f} s",
                  file=sys.stderr)
            return wait
        response.raise_for_status()
        retry = 2.0
        for frame in frames(response):
            if "retry" in frame and frame["retry"].isdigit():
                retry = int(frame["retry"]) / 1000
            if frame.get("event") == "gap":
                print(f"siem_export: warning: events before {json.loads(frame['data'])['first_available']} are no "
                      "longer kept by the server and are missing from the file", file=sys.stderr)
            elif "id" in frame and "data" in frame:
                mirror.write(frame["id"], json.loads(frame["data"]))
        return retry  # the server ends each stream after a while: come back from the cursor


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", required=True, help="the portal's address, such as https://portal.example.com")
    parser.add_argument("--client-id", required=True, help="the credential's client_id (integration....)")
    parser.add_argument("--out", required=True, type=Path, help="the JSON-lines file to append to")
    parser.add_argument("--since", help="on the first run, replay from this RFC 3339 time (else: new events)")
    args = parser.parse_args(argv)
    secret = os.environ.get("CUSTODIAN_INTEGRATION_SECRET", "")
    if not secret:
        parser.error("set CUSTODIAN_INTEGRATION_SECRET to the credential's client secret")
    mirror = Mirror(args.out)
    print(f"siem_export: mirroring into {args.out} ({'resuming' if mirror.cursor else 'starting'})", file=sys.stderr,
          flush=True)
    try:
        while True:
            try:
                wait = stream_once(args, secret, mirror, args.since)
            except Refused as refused:
                print(f"siem_export: the server refused: {refused}", file=sys.stderr)
                return 2
            except (requests.RequestException, OSError) as error:
                wait = 5.0
                print(f"siem_export: connection lost ({type(error).__name__}), resuming in {wait:.0f} s",
                      file=sys.stderr, flush=True)
            time.sleep(wait)
    except KeyboardInterrupt:
        print(f"siem_export: stopped; run the same command to resume from {mirror.state_path}", file=sys.stderr)
        return 0


if __name__ == "__main__":
    sys.exit(main())
