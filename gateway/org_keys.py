"""Opening an organization's key in the gateway, the way the acting user may reach it.

Provider staff reach a client's org key through the provider key (wrapped to them, type 4)
and the org key sealed under it (type 2); a confirmed owner or admin holds the org key
wrapped to their own public key (type 4). Either way the key is checked against the org's
key pair before it is used.
"""
from __future__ import annotations

from flask import g

from . import keyring
from .backends import orgs
from .crypto import EncStringError, SymmetricKey


class OrgKeyUnavailable(Exception):
    """The acting user holds no usable copy of this organization's key."""


def provider_key(provider_id: str) -> SymmetricKey:
    """The provider key wrapped to the acting user, opened; OrgKeyUnavailable if they hold none (a Service User
    limited to chosen clients never does)."""
    wrapped = orgs().my_providers()
    membership = next((p for p in wrapped if p["provider_id"] == provider_id), None)
    if membership is None or not membership.get("wrapped_provider_key"):
        raise OrgKeyUnavailable()
    try:
        return g.vault_session.keys.provider_key(membership["wrapped_provider_key"])
    except (EncStringError, ValueError) as error:
        raise OrgKeyUnavailable() from error


def organization_key(overview: dict) -> SymmetricKey:
    """The org key of the organization `overview` (as orgs answers it) for the acting user, by the path orgs
    names: under the provider key, or wrapped to the user. Either is checked against the org key pair. Never
    kept past the request: once orgs stops serving a copy, the next request cannot open it (ADR 27)."""
    access = overview["access"]
    keys = g.vault_session.keys
    if not access.get("encrypted_org_key"):
        raise OrgKeyUnavailable()
    try:
        if access.get("key_path", "provider" if access["provider_id"] else "wrapped") == "provider":
            return keyring.open_client_organization(provider_key(access["provider_id"]),
                                                    access["encrypted_org_key"], overview["encrypted_private_key"],
                                                    overview["public_key"])
        return keyring.open_wrapped_org_key(access["encrypted_org_key"], keys, overview["encrypted_private_key"],
                                            overview["public_key"])
    except (EncStringError, ValueError) as error:
        raise OrgKeyUnavailable() from error
