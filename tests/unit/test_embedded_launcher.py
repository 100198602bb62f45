"""`make run`'s launcher: the Procfile's commands, the services' one gunicorn worker, the mail sink."""
from __future__ import annotations

import asyncio
import concurrent.futures
import io
import json
import os
import smtplib
import socket


import re

from embedded.__main__ import environment, free_port, procfile_entries, processes
from embedded.mailsink import serve_mail
from embedded.services import create_app
from services.common.config import ROOT, SERVICES


def test_the_launcher_sets_every_variable_the_procfile_uses(tmp_path, monkeypatch):
    for name in ("NATS_URL", "SMTP_PORT", "PORT", *(f"{s.upper()}_PORT" for s in SERVICES)):
        monkeypatch.delenv(name, raising=False)
    env = environment(tmp_path)
    assert processes(env) == procfile_entries() == ["nats", "services", "workers", "gateway"]
    used = set(re.findall(r"\$\{?(\w+)", (ROOT / "Procfile").read_text()))
    assert used and used <= set(env), f"the Procfile uses {sorted(used - set(env))}, which the launcher leaves unset"
    assert env["WEB_CONCURRENCY"] == "1" and env["MAIL_SINK_DIR"] == str(tmp_path / "mail")


def test_the_services_worker_answers_each_port_with_its_service_whatever_the_host_header(tmp_path):
    listeners = {name: socket.create_server(("127.0.0.1", 0)) for name in SERVICES}
    try:
        env = {**os.environ, "CUSTODIAN_VAR": str(tmp_path), "CUSTODIAN_INTERNAL_SECRET": "x" * 40,
               "IDENTITY_SERVICE_KEY": "k" * 40, "NATS_URL": "nats://127.0.0.1:1",
               **{f"{name.upper()}_PORT": str(sock.getsockname()[1]) for name, sock in listeners.items()}}
        serve = create_app(env)
        for name, listener in listeners.items():
            statuses = []
            environ = {"REQUEST_METHOD": "GET", "PATH_INFO": "/healthz", "SERVER_NAME": "127.0.0.1",
                       "SERVER_PORT": env["IDENTITY_PORT"], "HTTP_HOST": f"127.0.0.1:{env['IDENTITY_PORT']}",
                       "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(), "gunicorn.socket": listener}
            body = b"".join(serve(environ, lambda status, headers: statuses.append(status)))
            assert statuses == ["200 OK"] and json.loads(body)["process"] == name
        environ["gunicorn.socket"] = socket.socket()
        assert b"".join(serve(environ, lambda status, headers: statuses.append(status))).startswith(b"No service")
        assert statuses[-1] == "404 Not Found"
    finally:
        for listener in listeners.values():
            listener.close()


def test_the_mail_sink_on_the_workers_loop_keeps_each_message_as_a_file(tmp_path):
    port = free_port()
    message = "From: a@custodian.example\r\nTo: b@example.com\r\nSubject: Join Demo MSP\r\n\r\nHello\r\n"

    async def send_one_then_stop():
        stop = asyncio.Event()
        sink = asyncio.create_task(serve_mail(tmp_path / "mail", port, stop))
        for _attempt in range(50):  # until the sink listens
            try:
                await asyncio.to_thread(_send, port, message)
                break
            except ConnectionRefusedError:
                await asyncio.sleep(0.05)
        stop.set()
        await sink

    # On a thread of its own: the browser tests' Playwright keeps a loop running on this one.
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as thread:
        thread.submit(asyncio.run, send_one_then_stop()).result()
    kept = list((tmp_path / "mail").glob("*.eml"))
    assert len(kept) == 1 and b"Subject: Join Demo MSP" in kept[0].read_bytes()


def _send(port: int, message: str) -> None:
    with smtplib.SMTP("127.0.0.1", port, timeout=10) as smtp:
        smtp.sendmail("a@custodian.example", ["b@example.com"], message)
