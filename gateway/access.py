"""Who may see a page: a logged-in user, or a user of the provider in the URL."""
from __future__ import annotations

import functools

from flask import abort, g, request, url_for

from services.common.internal_http import NotAllowed, NotFound

from .backends import orgs
from .render import see_other


# What someone whose master password an administrator set may still open: choosing their own.
WHILE_PASSWORD_MUST_CHANGE = ("account.account", "account.change_master_password")


def login_required(view):
    """Send a visitor who is not logged in to the log-in page, and someone who must choose a new
    master password (after an administrator's reset) to Account settings."""

    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        session = g.get("vault_session")
        if session is None:
            return see_other(url_for("auth.login", next=request.path))
        if session.must_change_password and request.endpoint not in WHILE_PASSWORD_MUST_CHANGE:
            return see_other(url_for("account.account"))
        return view(*args, **kwargs)

    return wrapped


def provider_role(provider_id: str) -> str:
    """The user's role in the provider; 404 for anyone else, whatever id they type."""
    role = g.vault_session.role_in(provider_id)
    if role is None:
        abort(404)
    return role


def provider_through(organization: dict) -> dict | None:
    """The provider (as the session knows it) through which the user reaches `organization`."""
    provider_id = organization["access"]["provider_id"]
    return next((p for p in g.vault_session.providers if p["provider_id"] == provider_id), None)


def current_provider(provider_id: str) -> dict:
    """The provider of the URL as the session knows it."""
    provider_role(provider_id)
    return next(p for p in g.vault_session.providers if p["provider_id"] == provider_id)


def provider_allowing(provider_id: str, action: str) -> dict:
    """The provider of the URL if the user's role may do `action` in it, as orgs' permission table says; 403 otherwise."""
    provider = current_provider(provider_id)
    if action not in provider.get("may", ()):
        abort(403)
    return provider


def organization_allowing(organization_id: str, action: str) -> dict:
    """The organization of the URL if the reader may do `action` in it, as orgs' permission table says:
    403 for its members who may not (a User cannot even open the Admin Console), 404 for anyone else."""
    try:
        organization = orgs().organization(organization_id)
    except (NotAllowed, NotFound):
        if any(m["organization_id"] == organization_id for m in orgs().my_memberships()):
            abort(403)
        abort(404)
    if action not in organization["access"].get("may", ()):
        abort(403)
    return organization
