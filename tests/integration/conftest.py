"""Fixtures shared by the integration tests."""
from __future__ import annotations

import secrets
import subprocess
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from embedded.__main__ import free_port
from tests.conftest import ROOT, wait_for
from tests.support import Visitor, new_provider_admin, service_backends

PASSWORD = "members-walk-in-quietly-42"


def new_client_org(system, seats: int = 3, plan: str = "Teams", name: str = "Members Co"):
    """A new provider's admin logged in, with one client (its owner invited): (visitor, admin, provider id,
    organization id), the shape `client_org` and `confirmed_member` use."""
    email = f"msp-{uuid.uuid4().hex[:10]}@tests.example"
    admin, provider_id = new_provider_admin(system, email, PASSWORD)
    visitor = Visitor(system.url)
    visitor.log_in(email, PASSWORD)
    visitor.submit(f"/providers/{provider_id}/clients/new", {
        "name": name, "plan": plan, "seats": str(seats), "owner_email": f"owner-{email}",
        "billing_email": f"billing-{email}"})
    organization_id = service_backends(system).orgs.get(f"/providers/{provider_id}/clients", admin.caller())[
        "clients"][0]["organization_id"]
    return visitor, admin, provider_id, organization_id


@pytest.fixture
def client_org(system):
    """A provider admin logged in, with a client of 3 seats (its owner invited)."""
    return new_client_org(system)


@dataclass
class SecondGateway:
    """A gateway process of its own on the running system's services, NATS and sessions."""

    url: str
    metrics_token: str
    mail_folder: Path


@pytest.fixture(scope="session")
def proxied_gateway(system, tmp_path_factory):
    """One more gateway, configured as behind one TLS proxy: it trusts one X-Forwarded-For hop,
    serves /metrics to the operator's token, and shows a Dev mailbox folder.

    A gunicorn of the gateway alone starts in about a second; a second whole system would not."""
    port, token, folder = free_port(), secrets.token_urlsafe(32), tmp_path_factory.mktemp("mail")
    env = {**system.env, "TRUSTED_PROXIES": "1", "METRICS_TOKEN": token, "DEV_MAILBOX_DIR": str(folder),
           "SECURE_COOKIES": "false", "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen([sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", "1",
                                "--threads", "4", "--no-control-socket", "--access-logfile", "/dev/null",
                                "gateway.app:create_app()"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"

    def answers():
        try:
            return requests.get(f"{url}/healthz", timeout=1).ok
        except requests.RequestException:
            return process.poll() is not None  # stopped: let the assertion below say so
    try:
        wait_for(answers, 30, 0.1, "the second gateway to answer")
        assert process.poll() is None, "the second gateway stopped at start"
        yield SecondGateway(url, token, folder)
    finally:
        process.terminate()
        process.wait(10)
