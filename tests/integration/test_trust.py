"""No service database, and no file NATS keeps, holds a master password, a usable key or a
known plaintext: they exist only in the gateway's memory during a request."""
from __future__ import annotations

import base64
from pathlib import Path

from gateway import keyring
from gateway.crypto import KdfParams, SymmetricKey, derive_master_key, stretch_master_key
from tests.support import Visitor, everything_stored, new_provider_admin, service_backends

PASSWORD = "canary-lantern-velvet-quartz-93"


def _forms(secret: bytes) -> list[bytes]:
    """The ways a secret could be written down: raw, base64 and hex."""
    return [secret, base64.b64encode(secret), base64.urlsafe_b64encode(secret).rstrip(b"="), secret.hex().encode()]


def test_no_database_or_nats_file_holds_a_password_a_key_or_a_plaintext_canary(system, nats_server, unique_email):
    email = unique_email("trust")
    admin, provider_id = new_provider_admin(system, email, PASSWORD, name="Trusty Admin")
    visitor = Visitor(system.url)
    visitor.log_in(email, PASSWORD)  # a live session now sits in the NATS KV bucket
    canary_client = "Canary Client Plaintext Org"
    visitor.submit(f"/providers/{provider_id}/clients/new", {
        "name": canary_client, "plan": "Teams", "seats": "3", "owner_email": unique_email("owner"),
        "billing_email": unique_email("billing")})

    master_key = derive_master_key(PASSWORD, email, KdfParams.default())
    backends = service_backends(system)
    provider = next(p for p in backends.orgs.get("/me/providers", admin.caller())["providers"]
                    if p["provider_id"] == provider_id)
    provider_key = admin.keys.provider_key(provider["wrapped_provider_key"])
    client = backends.orgs.get(f"/providers/{provider_id}/clients", admin.caller(), q="Canary")["clients"][0]
    detail = backends.orgs.get(f"/providers/{provider_id}/clients/{client['organization_id']}", admin.caller())
    org_key = keyring.open_client_organization(provider_key, detail["encrypted_org_key"],
                                               detail["encrypted_private_key"], detail["public_key"])
    secrets = {
        "master password": PASSWORD.encode(),
        "master key": master_key,
        "stretched master key": stretch_master_key(master_key).raw,
        "user key": admin.keys.user_key.raw,
        "private key": admin.keys.key_pair.private_key_der(),
        "provider key": provider_key.raw,
        "org key": org_key.raw,
        "org private key": SymmetricKey.from_bytes(org_key.raw).decrypt(detail["encrypted_private_key"]),
    }
    stored = everything_stored(system)
    assert any(canary_client.encode() in blob for blob in stored), "the scan must see what services do store"
    for label, secret in secrets.items():
        for form in _forms(secret):
            assert not any(form in blob for blob in stored), f"the {label} is stored somewhere"
    for blob in stored:
        assert b"master_password\"" not in blob.lower() or PASSWORD.encode() not in blob
    nats_files = [p.read_bytes() for p in Path(nats_server.store).rglob("*") if p.is_file()]
    assert nats_files, "the scan must see NATS's store"
    for label, secret in secrets.items():
        for form in _forms(secret):
            assert not any(form in blob for blob in nats_files), f"the {label} is in NATS's store"
