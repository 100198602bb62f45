"""How tests act on the running system: as a browser without JavaScript, or as a service."""
from __future__ import annotations

import json as jsonlib
import re
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import requests
from sqlalchemy import create_engine, inspect, text

from gateway import keyring
from gateway.backends import Backends
from gateway.crypto import KdfParams, SymmetricKey
from gateway.seed import DemoUser, open_account
from services.common.bus import LoopThread
from services.common.config import SERVICES
from services.common.internal_auth import HEADER, Caller, CallerSigner, ClaimSigner, InternalRequest

CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')


class Visitor:
    """A person using the portal over plain HTTP (forms and links, no JavaScript)."""

    def __init__(self, base_url: str, language: str = "en"):
        self.base = base_url
        self.http = requests.Session()
        self.http.headers["Accept-Language"] = language
        self.last_html = ""

    def get(self, path: str, **kwargs) -> requests.Response:
        response = self.http.get(self.base + path, **kwargs)
        self.last_html = response.text
        return response

    def csrf_token(self, html: str | None = None) -> str:
        match = CSRF.search(html or self.last_html)
        assert match, "the page has no CSRF token"
        return match.group(1) or match.group(2)

    def submit(self, form_path: str, data: dict, action: str | None = None, **kwargs) -> requests.Response:
        """Open the form's page, then post it back with its CSRF token (as a browser does)."""
        page = self.get(form_path)
        response = self.http.post(self.base + (action or form_path), data={**data, "csrf_token": self.csrf_token(
            page.text)}, **kwargs)
        self.last_html = response.text
        return response

    def register(self, email: str, name: str, password: str) -> requests.Response:
        return self.submit("/register", {"email": email, "name": name, "master_password": password,
                                         "master_password_confirm": password})

    def log_in(self, email: str, password: str) -> requests.Response:
        return self.submit("/login", {"email": email, "master_password": password})


# Tests await NATS on a loop of their own: Playwright's sync API, once a browser test has run, keeps an event
# loop running in the main thread, where asyncio.run() is refused.
_BUS_LOOP = LoopThread()


def on_bus(coroutine, timeout: float = 60):
    """Run `coroutine` (a test's own NATS calls) to its end and return its result."""
    return _BUS_LOOP.run(coroutine, timeout)


def service_backends(system) -> Backends:
    """Signed clients of every service, as the gateway holds them."""
    return Backends.from_settings(system.settings("gateway"))


def new_provider_admin(system, email: str, password: str, name: str = "Test Admin",
                       provider_name: str | None = None) -> tuple[DemoUser, str]:
    """An account that is the admin of a provider of its own; returns it and the provider id."""
    backends = service_backends(system)
    admin = open_account(backends, email, name, password, KdfParams("pbkdf2", 600_000))
    created = keyring.new_provider(admin.public_key)
    provider_id = backends.orgs.post("/providers", admin.caller(), {
        "name": provider_name or f"Provider {uuid.uuid4().hex[:6]}", "admin_email": email,
        "wrapped_provider_key": created.wrapped_for_admin})["provider_id"]
    return admin, provider_id


def signed_call(secret: bytes, method: str, path: str, json=None, body: bytes = b"", caller: Caller | None = None,
                query: str = "") -> dict:
    """The headers and exact body of a call signed as the gateway signs one (for requests or a Flask client)."""
    body = jsonlib.dumps(json).encode() if json is not None else body
    caller = caller or Caller("gateway", "someone", uuid.uuid4().hex)
    header = CallerSigner(secret).sign(caller, InternalRequest(method, path, query, body))
    return {"headers": {HEADER: header, "Content-Type": "application/json"}, "data": body}


def anonymous() -> Caller:
    return Caller(by="gateway", actor_id=None, request_id=uuid.uuid4().hex)


def everything_stored(system, nats_store: Path | None = None) -> list[bytes]:
    """Every byte of every service database (file and rows), of `var/`, and of NATS's store."""
    blobs = []
    for name in SERVICES:
        engine = create_engine(system.database_urls[name])
        with engine.connect() as connection:
            for table in inspect(connection).get_table_names():
                for row in connection.execute(text(f'SELECT * FROM "{table}"')):
                    blobs.append(repr(tuple(row)).encode() + b"".join(v for v in row if isinstance(v, bytes)))
        engine.dispose()
    for folder in (Path(system.var_dir), nats_store):
        for path in (folder.rglob("*") if folder else ()):
            if path.is_file():
                blobs.append(path.read_bytes())
    return blobs


STAFF_PASSWORD = "event-logs-read-aloud-31"
KDF = KdfParams("pbkdf2", 600_000)


@dataclass
class Client:
    """A client organization of the test provider, with the org key its members are given."""

    organization_id: str
    name: str
    key: SymmetricKey
    people: dict = field(default_factory=dict)  # label → (DemoUser, Visitor)


class StaffedProvider:
    """A provider (admin and service user, real accounts) with clients whose members have any role.

    People are real accounts (so they log in to the gateway); they join a client organization
    through orgs' own API with the statement identity signs when an invitation link is opened,
    and are confirmed with the org key wrapped to them, as the Members page does."""

    def __init__(self, system):
        self.system = system
        self.backends = service_backends(system)
        self.proofs = ClaimSigner(system.settings("orgs").internal_secret, "invitation")
        self.admin = self.account("petra", "Petra Provider")
        created = keyring.new_provider(self.admin.public_key)
        self.provider_key = created.key
        self.provider_id = self.backends.orgs.post("/providers", self.admin.caller(), {
            "name": f"Logs MSP {uuid.uuid4().hex[:6]}", "admin_email": self.admin.email,
            "wrapped_provider_key": created.wrapped_for_admin})["provider_id"]
        self.service_user = self.account("sam", "Sam Service")
        self.backends.orgs.post(f"/providers/{self.provider_id}/users", self.admin.caller(), {
            "user_id": self.service_user.user_id, "email": self.service_user.email, "role": "service_user",
            "wrapped_provider_key": keyring.wrap_provider_key(self.provider_key, self.service_user.public_key)})

    def account(self, label: str, name: str) -> DemoUser:
        """A registered account with an unlocked key pair."""
        return open_account(self.backends, f"{label}-{uuid.uuid4().hex[:8]}@logs.example", name, STAFF_PASSWORD, KDF)

    def client(self, name: str) -> Client:
        """A new client organization (its owner invited by mail, never joining)."""
        keys = keyring.new_client_organization(self.provider_key)
        created = self.backends.orgs.post(f"/providers/{self.provider_id}/clients", self.admin.caller(), {
            "name": name, "plan": "Enterprise", "seats": 50, "owner_email": f"boss-{uuid.uuid4().hex[:6]}@logs.example",
            "billing_email": "billing@logs.example", "public_key": keys.public_key,
            "encrypted_private_key": keys.encrypted_private_key, "encrypted_org_key": keys.encrypted_org_key})
        return Client(created["organization_id"], name,
                      SymmetricKey.from_bytes(self.provider_key.decrypt(keys.encrypted_org_key)))

    def member(self, client: Client, label: str, role: str, permissions=()) -> DemoUser:
        """A real account invited as `role`, accepted and confirmed (the org key wrapped to it)."""
        person = self.account(label, f"{label.title()} Member")
        path = f"/organizations/{client.organization_id}/members"
        member = self.backends.orgs.post(path, self.admin.caller(), {
            "emails": person.email, "role": role, "permissions": list(permissions)})["members"][0]
        proof = self.proofs.sign({"member_id": member["member_id"], "user_id": person.user_id, "email": person.email})
        self.backends.orgs.post(f"{path}/{member['member_id']}/accept", person.caller(), {"proof": proof,
                                                                                         "name": person.email})
        self.backends.orgs.post(f"{path}/{member['member_id']}/confirm", self.admin.caller(), {
            "wrapped_org_key": keyring.wrap_org_key(client.key, person.public_key)})
        return person

    def visitor(self, person: DemoUser) -> Visitor:
        """`person` logged in to the portal."""
        visitor = Visitor(self.system.url)
        visitor.log_in(person.email, STAFF_PASSWORD)
        return visitor

    def browsing(self, label: str) -> Visitor:
        """The person a test calls `label` (in `self.people`), logged in once and kept."""
        visitors = self.__dict__.setdefault("visitors", {})
        if label not in visitors:
            visitors[label] = self.visitor(self.people[label])
        return visitors[label]
