"""The integrator stream as tests use it: a credential, and a Server-Sent Events reader (frames as they arrive)."""
from __future__ import annotations

import queue
import threading
import time

import requests

STREAM_PATH = "/api/integrations/events"


def credential(world, name: str = "SIEM") -> tuple[str, str]:
    """A new credential of a `tests.support.StaffedProvider` (made by its admin): (client id, client secret)."""
    made = world.backends.orgs.post(f"/providers/{world.provider_id}/integrations", world.admin.caller(),
                                    {"name": name})
    return made["client_id"], made["client_secret"]


class EventStream:
    """`GET /api/integrations/events` held open; its frames ({id, event, data} or {comment}) in a queue."""

    def __init__(self, base_url: str, credential: tuple[str, str], last_event_id: str | None = None,
                 since: str | None = None):
        headers = {"Last-Event-ID": last_event_id} if last_event_id else {}
        self.response = requests.get(base_url + STREAM_PATH, auth=credential, headers=headers,
                                     params={"since": since} if since else None, stream=True, timeout=(5, 60))
        self.status = self.response.status_code
        self.frames: queue.Queue = queue.Queue()
        self.ended = threading.Event()
        if self.status == 200:
            threading.Thread(target=self._read, daemon=True).start()
        else:
            self.response.close()

    def _read(self) -> None:
        buffer = b""
        try:
            for chunk in self.response.iter_content(chunk_size=None):
                buffer += chunk
                while b"\n\n" in buffer:
                    block, buffer = buffer.split(b"\n\n", 1)
                    self.frames.put(parse_frame(block.decode()))
        except (requests.RequestException, OSError, AttributeError):
            pass  # closed by the test, or by the server
        finally:
            self.ended.set()

    def next(self, timeout: float, kinds: tuple[str, ...] | None = None) -> dict | None:
        """The next frame (of `kinds` of `event`, or any), or None after `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            try:
                frame = self.frames.get(timeout=left)
            except queue.Empty:
                return None
            if kinds is None or frame.get("event") in kinds:
                return frame
        return None

    def events_until(self, wanted: set[str], timeout: float) -> list[dict]:
        """Every event frame until each id of `wanted` came (or `timeout`), in order."""
        found, deadline = [], time.monotonic() + timeout
        while not wanted <= {frame["data"]["id"] for frame in found} and time.monotonic() < deadline:
            frame = self.next(deadline - time.monotonic())
            if frame and "data" in frame and frame.get("event") != "gap":
                found.append(frame)
        return found

    def close(self) -> None:
        self.response.close()


def parse_frame(block: str) -> dict:
    """One SSE frame: its fields (`data` parsed as JSON when it is), or a comment."""
    import json

    frame: dict = {}
    for line in block.split("\n"):
        if line.startswith(":"):
            frame["comment"] = line[1:].strip()
            continue
        name, _, value = line.partition(":")
        frame[name] = value[1:] if value.startswith(" ") else value
    if "data" in frame:
        try:
            frame["data"] = json.loads(frame["data"])
        except ValueError:
            pass
    return frame
