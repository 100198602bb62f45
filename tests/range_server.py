"""A recording range server: a real local HTTP server speaking Have I Been Pwned's range format.

`GET /range/<PREFIX>` answers `SUFFIX:COUNT\\r\\n` lines for the passwords it was told about
(`known`) under that prefix, padded with `:0` lines as the real API pads when asked with
`Add-Padding: true`. Every request is recorded as it arrived (method, path, headers, body), so a
test can prove what left the gateway. `down = True` makes it answer 503; `delay` slows every answer.
"""
from __future__ import annotations

import hashlib
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# Counts as the public API reported them for these well-known passwords (order of magnitude matters, not the digit).
KNOWN = {"password1": 2_418_984, "123456": 37_359_195, "qwerty": 3_946_737, "letmein": 507_711,
         "Summer2023": 11_302, "iloveyou": 1_645_337}


@dataclass(frozen=True)
class Recorded:
    method: str
    path: str
    headers: dict
    body: bytes


@dataclass
class RangeServer:
    """The running server, what it knows, and every request it got."""

    url: str
    known: dict = field(default_factory=lambda: dict(KNOWN))
    requests: list = field(default_factory=list)
    down: bool = False
    delay: float = 0.0  # seconds before each answer: a slow source makes a report run long enough to watch

    def answer(self, prefix: str) -> str:
        lines = []
        for password, count in self.known.items():
            digest = hashlib.sha1(password.encode()).hexdigest().upper()
            if digest.startswith(prefix):
                lines.append(f"{digest[5:]}:{count}")
        lines += [f"{secrets.token_hex(18)[:35].upper()}:0" for _ in range(5)]  # padding
        return "\r\n".join(lines) + "\r\n"


def start(host: str = "127.0.0.1") -> tuple[RangeServer, ThreadingHTTPServer]:
    """Start a recording range server on a free port (stop it with `.shutdown()` on the second value)."""
    state = RangeServer(url="")

    class Handler(BaseHTTPRequestHandler):
        def _record(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            state.requests.append(Recorded(self.command, self.path, dict(self.headers), body))

        def do_GET(self):  # noqa: N802 - http.server's naming
            self._record()
            time.sleep(state.delay)
            if state.down or not self.path.startswith("/range/"):
                self.send_response(503 if state.down else 404)
                self.end_headers()
                return
            payload = state.answer(self.path[len("/range/"):].upper()).encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def do_POST(self):  # noqa: N802 - recorded, and refused: nothing should ever post here
            self._record()
            self.send_response(405)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer((host, 0), Handler)
    state.url = f"http://{host}:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return state, server
