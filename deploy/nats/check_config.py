"""Check that deploy/nats/custodian.conf lets every worker and web process do what the code makes it do.

Each worker's NATS user may publish only its own service's subjects and use only its own
streams and durable consumers (deploy/README.md, "NATS users"). Those permissions name the
consumers one by one, so a consumer added or renamed in `services/<name>/events.py` needs its
line in custodian.conf too; without it the worker's requests are refused and it never
receives the events. This compares the two and names what is missing:

    python deploy/nats/check_config.py            # exit 1 when a permission is missing

The services' web processes (user `web`) claim the nonces of internal calls in one KV
bucket per service (services/common/nonces.py); their lines are checked the same way.

`nats-init` runs it first, so such a deployment stops before any worker starts.
"""
from __future__ import annotations

import importlib
import re
import sys
from pathlib import Path

from services.common.catalogue import STREAMS
from services.common.config import SERVICES, Settings
from services.common.nonces import nonce_bucket

CONFIG = Path(__file__).resolve().parent / "custodian.conf"
# Settings need secrets to be built; the consumers' names and filters do not depend on them.
PLACEHOLDERS = {"CUSTODIAN_INTERNAL_SECRET": "x" * 32, "IDENTITY_SERVICE_KEY": "x" * 32,
                "GATEWAY_SECRET_KEY": "x" * 32}


def allowed_publish(config_text: str) -> dict[str, set[str]]:
    """Each user's `publish.allow` subjects in custodian.conf (written as quoted strings)."""
    users: dict[str, set[str]] = {}
    text = re.sub(r"#[^\n]*", "", config_text)
    for block in re.split(r"\buser:\s*", text)[1:]:
        name = re.match(r"[\w-]+", block).group(0)
        publish = re.search(r"publish:\s*(\{.*?allow:\s*\[(.*?)\]|\{\s*allow:\s*\[(.*?)\])", block, re.S)
        subjects = set()
        if publish:
            subjects = set(re.findall(r'"([^"]+)"', publish.group(2) or publish.group(3) or ""))
        users[name] = subjects
    return users


def required_publish(service: str) -> set[str]:
    """What `service`'s worker publishes to, following services/common/bus.py and nats.py."""
    settings = Settings.from_env(service, PLACEHOLDERS)
    consumers = importlib.import_module(f"services.{service}.events").consumers(settings)
    needed = set()
    if service in STREAMS:  # the worker relays its outbox (audit publishes nothing)
        needed |= {f"{service}.>", f"$JS.API.STREAM.INFO.{STREAMS[service]}",
                   f"$JS.API.STREAM.CREATE.{STREAMS[service]}"}
    for consumer in consumers:
        stream, name = STREAMS[consumer.stream], consumer.name
        needed |= {
            f"$JS.API.STREAM.INFO.{stream}",
            f"$JS.API.CONSUMER.INFO.{stream}.{name}",
            # nats.py names the filter in the subject (server 2.9+) unless it is ">".
            f"$JS.API.CONSUMER.CREATE.{stream}.{name}.>" if consumer.filter_subject != ">"
            else f"$JS.API.CONSUMER.CREATE.{stream}.{name}",
            f"$JS.API.CONSUMER.MSG.NEXT.{stream}.{name}",
            f"$JS.ACK.{stream}.{name}.>",
        }
    return needed


def nonce_bucket_publish(service: str) -> set[str]:
    """What `service`'s web process publishes to for its used nonces (a KV bucket, as nats.py reaches it)."""
    stream = f"KV_{nonce_bucket(service)}"
    return {f"$KV.{nonce_bucket(service)}.>", f"$JS.API.STREAM.INFO.{stream}", f"$JS.API.STREAM.CREATE.{stream}",
            f"$JS.API.STREAM.MSG.GET.{stream}", f"$JS.API.DIRECT.GET.{stream}.>"}


def required_by_user() -> dict[str, set[str]]:
    """Each Custodian user of the CUSTODIAN account and what its processes publish to."""
    needed = {f"{service}-worker": required_publish(service) for service in SERVICES}
    needed["web"] = set().union(*(nonce_bucket_publish(service) for service in SERVICES))
    return needed


def main() -> int:
    users = allowed_publish(CONFIG.read_text())
    missing_any = False
    for user, needed in required_by_user().items():
        allowed = users.get(user)
        if allowed is None:
            print(f"check_config: {CONFIG.name} has no user {user}", file=sys.stderr)
            missing_any = True
            continue
        missing = sorted(needed - allowed)
        if missing:
            missing_any = True
            print(f"check_config: {user} may not publish to what its processes need; add to its "
                  f"publish allow list in {CONFIG.name}:", file=sys.stderr)
            for subject in missing:
                print(f'    "{subject}"', file=sys.stderr)
        else:
            print(f"check_config: {user}: every subject its processes need is allowed")
    return 1 if missing_any else 0


if __name__ == "__main__":
    sys.exit(main())
