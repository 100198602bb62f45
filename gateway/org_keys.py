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
    """The provider key wrapped to the acting user, opened; OrgKeyUnavailable if they hold none."""
    wrapped = orgs().my_providers()
    membership = next((p for p in wrapped if p["provider_id"] == provider_id), None)
    if membership is None:
        raise OrgKeyUnavailable()
    return g.vault_session.keys.provider_key(membership["wrapped_provider_key"])


def organization_key(overview: dict) -> SymmetricKey:
    """The org key of the organization `overview` (as orgs answers it) for the acting user."""
    access = overview["access"]
    keys = g.vault_session.keys
    try:
        if access["provider_id"]:
            return keyring.open_client_organization(provider_key(access["provider_id"]),
                                                    access["encrypted_org_key"], overview["encrypted_private_key"],
                                                    overview["public_key"])
        if not access["encrypted_org_key"]:
            raise OrgKeyUnavailable()
        return keyring.open_member_org_key(access["encrypted_org_key"], keys)
    except (EncStringError, ValueError) as error:
        raise OrgKeyUnavailable() from error
