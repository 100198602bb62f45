"""The training hub's branding: whose hub a page belongs to, and how that provider dressed it.

A hub page belongs to a provider when its URL names one (`?provider=<id>`, the links of the
Provider Portal, of a client's Admin Console and of the "Getting started" email carry it), or,
without one, to the first provider of a logged-in provider user. Otherwise it is Custodian's own.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass

from flask import abort, g, request, url_for
from flask_babel import lazy_gettext as _l

from services.common.internal_http import NotFound

from .backends import orgs_anonymously


@dataclass(frozen=True)
class Branding:
    """What a provider chose for its clients' training hub; Custodian's own when no provider."""

    provider_id: str | None = None
    name: str | None = None
    logo_url: str | None = None
    support_email: str | None = None
    support_url: str | None = None


CUSTODIAN = Branding()


# The hub's resources, in the order the seed's second table lists them: (endpoint, title, summary);
# a page of a resource has an endpoint that starts with the resource's.
RESOURCES = (
    ("training.registration", _l("Registration"),
     _l("Create your account, step by step, with pictures of each screen.")),
    ("training.videos", _l("Training videos"),
     _l("Short videos of the portal, with captions and a transcript.")),
    ("transfer.import_help", _l("Import your data"),
     _l("Move your passwords here from another password manager or a browser.")),
    ("training.two_step_login", _l("Two-step login setup"),
     _l("Protect your account with an authenticator app, codes by email or a passkey.")),
    ("training.guides", _l("Getting started guides"),
     _l("The Password Manager, the Admin Console and the apps: what each does today.")),
    ("demo.sign_up", _l("Demo sign-up"), _l("Book a live demo session with your IT provider.")),
)


def hub_provider_id() -> str | None:
    """The provider whose hub this request shows: the URL's, else the reader's first provider."""
    named = request.args.get("provider")
    if named:
        try:
            return str(uuid.UUID(named))
        except ValueError:
            abort(404)
    session = g.get("vault_session")
    if session is not None and session.providers:
        return session.providers[0]["provider_id"]
    return None


def branding_for(provider_id: str | None) -> Branding:
    """The branding of `provider_id`'s hub (Custodian's own for None); 404 for a provider orgs does not know.

    Asked as nobody: the hub is the same for everyone, and its branding tells nothing else of the provider."""
    if provider_id is None:
        return CUSTODIAN
    try:
        found = orgs_anonymously().hub_branding(provider_id)
    except NotFound:
        abort(404)
    logo_url = url_for("training.logo", provider_id=provider_id, version=found["logo_version"]) \
        if found.get("logo_version") else None
    return Branding(provider_id=provider_id, name=found["name"], logo_url=logo_url,
                    support_email=found.get("support_email"), support_url=found.get("support_url"))


def current_branding() -> Branding:
    """This request's hub branding, asked of orgs once per request."""
    if "hub_branding" not in g:
        g.hub_branding = branding_for(hub_provider_id())
    return g.hub_branding


def hub_url(endpoint: str, **values) -> str:
    """A link inside the hub that keeps its provider, so a client's end user stays in their MSP's hub."""
    provider_id = current_branding().provider_id
    if provider_id and "provider" not in values:
        values["provider"] = provider_id
    return url_for(endpoint, **values)


def install(app) -> None:
    """Give templates the hub's branding and links."""
    app.jinja_env.globals.update(hub_branding=current_branding, hub_url=hub_url, training_resources=RESOURCES)
