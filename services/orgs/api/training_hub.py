"""A provider's training hub: its branding (read by anyone, changed by the roles allowed) and the
"Getting started" email a client's members are sent."""
from __future__ import annotations

import base64
import binascii

from flask import Response
from pydantic import Field

from services.common.errors import Invalid
from services.common.schemas import StrictBody
from services.common.service_app import acting_user, event_context, unit_of_work

from ..domain import training_hub
from . import bp

# A logo's bytes travel as base64: room for a file twice the limit, so that one too large is
# refused by the rule, with its message, and not by the shape of the request.
LOGO_FIELD_CHARS = 2 * training_hub.MAX_LOGO_BYTES * 4 // 3 + 4


class BrandingIn(StrictBody):
    hub_name: str = Field(default="", max_length=1000)
    support_email: str = Field(default="", max_length=1000)
    support_url: str = Field(default="", max_length=2000)
    logo: str | None = Field(default=None, max_length=LOGO_FIELD_CHARS)  # base64 of the uploaded file; None keeps it
    remove_logo: bool = False


class GettingStartedIn(StrictBody):
    member_ids: list[str] = Field(max_length=1000)


def branding_json(branding: training_hub.HubBranding) -> dict:
    """What anyone may know of a provider's hub: nothing else about the provider."""
    return {"provider_id": branding.provider_id, "name": branding.name, "hub_name": branding.hub_name,
            "support_email": branding.support_email, "support_url": branding.support_url,
            "logo_version": branding.logo_version}


@bp.get("/providers/<provider_id>/training-hub")
def training_hub_branding(provider_id: str):
    """The provider's hub branding (anyone, logged in or not: the hub is public)."""
    with unit_of_work() as uow:
        return branding_json(training_hub.branding_of(uow, provider_id))


@bp.put("/providers/<provider_id>/training-hub")
@bp.input(BrandingIn)
def save_training_hub_branding(provider_id: str, json_data: BrandingIn):
    """Change the hub's name, support contact and logo (Provider Admins)."""
    logo = None
    if json_data.logo is not None:
        try:
            logo = base64.b64decode(json_data.logo, validate=True)
        except (binascii.Error, ValueError):
            raise Invalid("The logo must be a PNG, JPEG or WebP image.", "logo", code="training_hub.logo_type") \
                from None
    draft = training_hub.BrandingDraft(json_data.hub_name, json_data.support_email, json_data.support_url, logo,
                                       json_data.remove_logo)
    with unit_of_work() as uow:
        branding = training_hub.save_branding(uow, acting_user(), provider_id, draft, event_context())
    return branding_json(branding)


@bp.get("/providers/<provider_id>/training-hub/logo/<version>")
def training_hub_logo(provider_id: str, version: str):
    """The hub's logo as PNG, if `version` is the current one (anyone)."""
    with unit_of_work() as uow:
        png = training_hub.logo_of(uow, provider_id, version)
    return Response(png, mimetype="image/png")


@bp.post("/organizations/<organization_id>/members/getting-started")
@bp.input(GettingStartedIn)
def send_getting_started(organization_id: str, json_data: GettingStartedIn):
    """Have the chosen members mailed the "Getting started" email of their hub."""
    with unit_of_work() as uow:
        members = training_hub.send_getting_started(uow, acting_user(), organization_id, json_data.member_ids,
                                                    event_context())
    return {"members": [{"member_id": m.id, "email": m.email} for m in members]}, 202
