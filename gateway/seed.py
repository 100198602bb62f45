"""The demo data: a provider, its two users and the three clients of the seed page.

The seed is a client of the services like the gateway is: it registers accounts, makes and
wraps keys, and calls the services' APIs. Every step tolerates having been done before,
so running it again changes nothing.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass

from services.common.config import Settings
from services.common.internal_auth import Caller
from services.common.internal_http import ServiceError

from . import keyring
from .backends import Backends
from .crypto import KdfParams

PROVIDER_NAME = "Demo MSP"
ADMIN = ("admin@demo-msp.example", "Dana Admin")
SERVICE_USER = ("service@demo-msp.example", "Sam Service")
CLIENTS = (
    ("My Client's Organization", 15, "Enterprise", "owner@my-client.example"),
    ("Second Client's Organization", 20, "Teams", "owner@second-client.example"),
    ("Third Client's Organization", 10, "Enterprise", "owner@third-client.example"),
)


@dataclass
class DemoUser:
    user_id: str
    email: str
    public_key: str
    keys: keyring.UnlockedKeys

    def caller(self) -> Caller:
        return Caller(by="gateway", actor_id=self.user_id, request_id=uuid.uuid4().hex, device="seed")


def _anonymous() -> Caller:
    return Caller(by="gateway", actor_id=None, request_id=uuid.uuid4().hex, device="seed")


class DemoAccountChanged(Exception):
    """A demo account no longer opens with the demo password alone: someone changed its master
    password or turned on two-step login, so the demo data is theirs now and is left alone."""


def open_account(backends: Backends, email: str, name: str, password: str, kdf: KdfParams) -> DemoUser:
    """Register the account unless it exists, then log in and unlock its keys."""
    try:
        backends.identity.post("/accounts", _anonymous(),
                               keyring.new_account(email, password, kdf).as_registration(email, name))
    except ServiceError as error:
        if error.status != 409:
            raise
    params = backends.identity.post("/prelogin", _anonymous(), {"email": email})
    auth_hash, master_key = keyring.log_in_hash(
        email, password, KdfParams(params["kdf"], params["kdf_iterations"], params["kdf_memory_mib"],
                                   params["kdf_parallelism"]))
    try:
        account = backends.identity.post("/sessions", _anonymous(),
                                         {"email": email, "master_password_hash": auth_hash})
    except ServiceError as error:
        if error.status == 401:
            raise DemoAccountChanged(email) from error
        raise
    if account.get("two_factor_required"):
        raise DemoAccountChanged(email)
    keys = keyring.unlock(master_key, account["protected_user_key"], account["encrypted_private_key"])
    return DemoUser(account["user_id"], email, account["public_key"], keys)


def seed(settings: Settings, password: str) -> str | None:
    """Make sure the demo data exists; returns the demo provider's id, or None when a person has
    since changed how a demo account logs in (their data is then left as it is)."""
    backends = Backends.from_settings(settings)
    kdf = KdfParams("pbkdf2", settings.kdf_iterations)
    try:
        admin = open_account(backends, *ADMIN, password, kdf)
        service_user = open_account(backends, *SERVICE_USER, password, kdf)
    except DemoAccountChanged:
        return None

    mine = backends.orgs.get("/me/providers", admin.caller())["providers"]
    provider = next((p for p in mine if p["name"] == PROVIDER_NAME), None)
    if provider is None:
        created = keyring.new_provider(admin.public_key)
        provider_id = backends.orgs.post("/providers", admin.caller(), {
            "name": PROVIDER_NAME, "admin_email": admin.email,
            "wrapped_provider_key": created.wrapped_for_admin})["provider_id"]
        provider_key = created.key
    else:
        provider_id = provider["provider_id"]
        provider_key = admin.keys.provider_key(provider["wrapped_provider_key"])

    try:
        backends.orgs.post(f"/providers/{provider_id}/users", admin.caller(), {
            "user_id": service_user.user_id, "email": service_user.email, "role": "service_user",
            "wrapped_provider_key": keyring.wrap_provider_key(provider_key, service_user.public_key)})
    except ServiceError as error:
        if error.status != 409:
            raise

    existing = {c["name"] for c in backends.orgs.get(f"/providers/{provider_id}/clients", admin.caller())["clients"]}
    for name, seats, plan, owner in CLIENTS:
        if name in existing:
            continue
        keys = keyring.new_client_organization(provider_key)
        backends.orgs.post(f"/providers/{provider_id}/clients", admin.caller(), {
            "name": name, "plan": plan, "seats": seats, "owner_email": owner,
            "billing_email": owner.replace("owner@", "billing@"), "public_key": keys.public_key,
            "encrypted_private_key": keys.encrypted_private_key, "encrypted_org_key": keys.encrypted_org_key})
    return provider_id
