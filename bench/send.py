"""Send: a 100 MiB file through the gateway and back, against copying the same bytes to disk.

Starts the `make run` system (bench/footprint.py's `start_system`), logs the demo admin in, and
from inside a demo client:
- **upload**: New Send → File, then the file as one streamed PUT; the gateway seals it in 64 KiB
  chunks and hands orgs 1 MiB parts, which orgs writes to its Send store. Baseline: writing the
  same bytes to a file in 1 MiB blocks, in this process, in the same run. The resident memory of
  the system's processes is sampled meanwhile: neither the gateway nor orgs may hold the file
  (goal: peak growth under 16 MiB per process, ADR 19).
- **download**: the recipient's POST, streamed, opened with the Python reference reader (what
  the browser module does). Baseline: reading the file back and hashing it.
- **access**: opening a text Send as recipients do (each a counted access, argon2-free), from 8
  threads; against the recipient's page (a gateway page that asks no service).

Last line: one summary a CI log can keep. Run: `.venv/bin/python -m bench.send [--mib N]`.
"""
from __future__ import annotations

import argparse
import base64
import hashlib
import io
import os
import re
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

from bench.footprint import memory_kib, start_system, stop_system, tree
from bench.login import log_in
from gateway.crypto.kdf import send_keys
from gateway.crypto.stream import decrypt_stream
from gateway.sends import from_b64url, send_id_bytes

BLOCK = 1024 * 1024
GOAL_GROWTH_MIB = 16
CSRF = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')
CLIENT = re.compile(r'/organizations/([0-9a-f-]{36})')


class PeakMemory:
    """The largest resident memory each process of a tree reached while this ran."""

    def __init__(self, root: int):
        self.root, self.peak, self.start = root, {}, {}
        self._stop = threading.Event()

    def __enter__(self):
        for pid in tree(self.root):
            self.start[pid] = memory_kib(pid)[0]
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def _sample(self):
        while not self._stop.is_set():
            for pid in tree(self.root):
                self.peak[pid] = max(self.peak.get(pid, 0), memory_kib(pid)[0])
            time.sleep(0.02)

    def __exit__(self, *_):
        self._stop.set()
        self._thread.join()

    def growth_mib(self) -> float:
        """The largest growth of any one process, in MiB."""
        return max((self.peak[pid] - self.start.get(pid, self.peak[pid])) / 1024 for pid in self.peak)


def blocks_of(content: bytes):
    view = memoryview(content)
    for start in range(0, len(content), BLOCK):
        yield bytes(view[start:start + BLOCK])


def new_send(browser, base: str, client: str, fields: dict) -> requests.Response:
    form = f"{base}/sends/new?organization_id={client}"  # as the client's Admin Console links to it
    page = browser.get(form)
    token = CSRF.search(page.text).group(1)
    answer = browser.post(form, data={"csrf_token": token, "organization_id": client,
                                                     "deletion": "1d", "expiration": "never", **fields},
                          allow_redirects=False)
    if answer.status_code not in (201, 303):
        raise SystemExit(f"New Send failed ({answer.status_code})")
    return answer


def link_of(browser, base: str, edit_path: str) -> str:
    return re.search(r'id="send-link" value="([^"]+)"', browser.get(base + edit_path).text).group(1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mib", type=int, default=100, help="file size in MiB (default 100)")
    parser.add_argument("--accesses", type=int, default=1000, help="text Send accesses (default 1000)")
    args = parser.parse_args()
    content = os.urandom(args.mib * 1024 * 1024)
    with tempfile.TemporaryDirectory(prefix="custodian-send-") as var:
        process, found = start_system(Path(var) / "var")
        try:
            base = found["url"]
            browser, _, _ = log_in(base, *found["login"])
            client = CLIENT.search(browser.get(f"{base}/").text).group(1)  # the portal's Clients page

            # Baseline: the same bytes written to and read back from a file, 1 MiB at a time.
            copy = Path(var) / "copy.bin"
            started = time.perf_counter()
            with copy.open("wb") as out:
                for block in blocks_of(content):
                    out.write(block)
                out.flush()
                os.fsync(out.fileno())
            write_s = time.perf_counter() - started
            started = time.perf_counter()
            digest = hashlib.sha256()
            with copy.open("rb") as source:
                while block := source.read(BLOCK):
                    digest.update(block)
            read_s = time.perf_counter() - started

            answer = new_send(browser, base, client, {"send_type": "file", "name": "Bench file",
                                                      "file_name": "bench.bin", "file_size": str(len(content))})
            upload = re.search(r'data-send-upload="([^"]+)"', answer.text).group(1)
            token = CSRF.search(answer.text).group(1)
            with PeakMemory(process.pid) as memory:
                started = time.perf_counter()
                # A file-like body has a length, so it goes with Content-Length as a browser sends a File.
                put = browser.put(base + upload, data=io.BytesIO(content), headers={
                    "Content-Type": "application/octet-stream", "X-CSRFToken": token})
                upload_s = time.perf_counter() - started
            if put.status_code != 200:
                raise SystemExit(f"the upload failed ({put.status_code}): {put.text[:200]}")
            link = link_of(browser, base, put.json()["done"])
            send_id, key = link.split("/send/")[1].split("#")

            # Download as a recipient, opened with the reference reader.
            recipient = requests.Session()
            presented = {"access_token": send_keys(from_b64url(key)).access_token, "password": None}
            meta = recipient.post(f"{base}/send/{send_id}/access", json=presented).json()
            with PeakMemory(process.pid) as download_memory:
                started = time.perf_counter()
                with recipient.post(f"{base}/send/{send_id}/file", json=presented, stream=True) as got:
                    opened = hashlib.sha256()
                    for piece in decrypt_stream(send_keys(from_b64url(key)).file_key, send_id_bytes(send_id),
                                                base64.b64decode(meta["file"]["prefix"]),
                                                got.iter_content(65552)):
                        opened.update(piece)
                download_s = time.perf_counter() - started
            if opened.digest() != hashlib.sha256(content).digest():
                raise SystemExit("the downloaded file is not the uploaded one")

            # Accesses of a text Send, as recipients make them, against the recipient's page alone.
            answer = new_send(browser, base, client, {"send_type": "text", "name": "Bench text",
                                                      "text": "bench"})
            text_link = link_of(browser, base, answer.headers["Location"])
            text_id, text_key = text_link.split("/send/")[1].split("#")
            text_opening = {"access_token": send_keys(from_b64url(text_key)).access_token, "password": None}

            def timed_many(action) -> float:
                started = time.perf_counter()
                with ThreadPoolExecutor(8) as pool:
                    list(pool.map(lambda _: action(), range(args.accesses)))
                return time.perf_counter() - started

            sessions = threading.local()

            def http():
                if not hasattr(sessions, "http"):
                    sessions.http = requests.Session()
                return sessions.http

            def access():
                if http().post(f"{base}/send/{text_id}/access", json=text_opening).status_code != 200:
                    raise SystemExit("an access was refused")

            page_s = timed_many(lambda: http().get(f"{base}/send/{text_id}"))
            access_s = timed_many(access)
        finally:
            stop_system(process)
    mib = args.mib
    upload_ratio = (mib / upload_s) / (mib / write_s)
    download_ratio = (mib / download_s) / (mib / read_s)
    access_ratio = (args.accesses / access_s) / (args.accesses / page_s)
    growth = max(memory.growth_mib(), download_memory.growth_mib())
    print(f"upload {mib} MiB: {mib / upload_s:.1f} MiB/s (writing it to disk: {mib / write_s:.1f} MiB/s)")
    print(f"download + decrypt: {mib / download_s:.1f} MiB/s (reading and hashing it: {mib / read_s:.1f} MiB/s)")
    print(f"peak resident growth of any one process: upload {memory.growth_mib():.1f} MiB, "
          f"download {download_memory.growth_mib():.1f} MiB (goal under {GOAL_GROWTH_MIB} MiB)")
    print(f"text Send accesses: {args.accesses / access_s:.0f}/s from 8 threads "
          f"(the recipient's page alone: {args.accesses / page_s:.0f}/s)")
    print(f"send: upload {upload_ratio:.3f}x disk write, download {download_ratio:.3f}x disk read, "
          f"accesses {access_ratio:.2f}x the bare page, peak growth {growth:.1f} MiB "
          f"({'met' if growth < GOAL_GROWTH_MIB else 'not met'})")


if __name__ == "__main__":
    main()
