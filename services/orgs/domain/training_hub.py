"""The training hub a provider hands its clients' end users: its name, support contact and logo,
and the "Getting started" email that points a client's members to it. No Flask here.

Anyone may read a provider's branding (the hub is public: an end user has no account when they
first need it), and it says nothing else about the provider. Only the roles the permission table
allows `brand_training_hub` change it. A logo is checked for what it is, not what it claims: at
most 256 KiB, decoded by Pillow as PNG, JPEG or WebP only, 16 to 1024 pixels a side, and then
re-encoded as PNG, so that no metadata (a JPEG's EXIF and its GPS position) nor anything appended
to the file is ever stored or served.
"""
from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass
from urllib.parse import urlsplit

from PIL import Image, ImageOps, UnidentifiedImageError
from sqlmodel import select

from services.common.database import utcnow
from services.common.envelope import Event
from services.common.errors import Conflict, Invalid, NotFound
from services.common.validation import clean_name, normalize_email

from ..models import Member, Provider, TrainingHubBranding
from .members import manager_of
from .providers import provider_acting

MAX_HUB_NAME = 50
MAX_SUPPORT_URL = 300
MAX_LOGO_BYTES = 256 * 1024
LOGO_FORMATS = ("PNG", "JPEG", "WEBP")
MIN_LOGO_SIDE, MAX_LOGO_SIDE = 16, 1024
MAX_GETTING_STARTED = 100  # members mailed by one click: two pages of the Members table


@dataclass(frozen=True)
class HubBranding:
    """A provider's hub as its pages show it: `name` is the hub's name, else the provider's."""

    provider_id: str
    name: str
    hub_name: str | None = None
    support_email: str | None = None
    support_url: str | None = None
    logo_version: str | None = None


@dataclass(frozen=True)
class BrandingDraft:
    """What a provider admin submits: the texts as typed, a new logo's bytes (None: keep the logo)."""

    hub_name: str = ""
    support_email: str = ""
    support_url: str = ""
    logo: bytes | None = None
    remove_logo: bool = False


class NoSuchProvider(NotFound):
    """No provider has this id (the hub of an unknown provider does not exist)."""

    code = "provider.not_found"
    template = "No such provider."


def hub_name(value: str) -> str | None:
    """The hub's name, cleaned; None when empty (the hub then shows the provider's name)."""
    name = clean_name(value, "hub_name")
    if len(name) > MAX_HUB_NAME:
        raise Invalid("The hub name must be at most %(most)s characters.", "hub_name",
                      code="training_hub.name_too_long", most=MAX_HUB_NAME)
    return name or None


def support_email(value: str) -> str | None:
    """The support email address, normalized; None when empty."""
    if not (value or "").strip():
        return None
    return normalize_email(value, "support_email")


def support_url(value: str) -> str | None:
    """The support website: an https:// address of at most 300 characters; None when empty."""
    url = (value or "").strip()
    if not url:
        return None
    if len(url) > MAX_SUPPORT_URL:
        raise Invalid("The support website must be at most %(most)s characters.", "support_url",
                      code="training_hub.url_too_long", most=MAX_SUPPORT_URL)
    try:
        parts = urlsplit(url)
        valid = parts.scheme.lower() == "https" and bool(parts.hostname) and parts.username is None \
            and not any(c.isspace() or ord(c) < 32 or c in '<>"\\' for c in url)
    except ValueError:  # a malformed port or IPv6 host
        valid = False
    if not valid:
        raise Invalid("The support website must be an https:// address, such as https://help.example.com.",
                      "support_url", code="training_hub.url_not_https")
    return url


def logo_png(data: bytes) -> bytes:
    """The uploaded logo checked and re-encoded as PNG (no metadata, nothing after the image)."""
    if len(data) > MAX_LOGO_BYTES:
        raise Invalid("The logo must be at most %(most)s KiB.", "logo", code="training_hub.logo_too_large",
                      most=MAX_LOGO_BYTES // 1024)
    not_an_image = Invalid("The logo must be a PNG, JPEG or WebP image.", "logo", code="training_hub.logo_type")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            # `formats` keeps Pillow from even trying its other decoders (GIF, BMP, ICO, EPS...).
            with Image.open(io.BytesIO(data), formats=LOGO_FORMATS) as image:
                width, height = image.size
                if not (MIN_LOGO_SIDE <= width <= MAX_LOGO_SIDE and MIN_LOGO_SIDE <= height <= MAX_LOGO_SIDE):
                    # Checked before anything is decoded: a huge image is refused without its pixels.
                    raise Invalid("The logo must be %(low)s to %(high)s pixels wide and high; this one is "
                                  "%(width)s × %(height)s.", "logo", code="training_hub.logo_dimensions",
                                  low=MIN_LOGO_SIDE, high=MAX_LOGO_SIDE, width=width, height=height)
                image.load()
                upright = ImageOps.exif_transpose(image)  # a phone's photo stays upright once its EXIF is gone
                alpha = "A" in upright.getbands() or "transparency" in upright.info
                converted = upright.convert("RGBA" if alpha else "RGB")
                # A new image of the pixels alone: `convert` keeps `info` (an ICC profile, text), which PNG writes.
                pixels = Image.frombytes(converted.mode, converted.size, converted.tobytes())
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError, Image.DecompressionBombError,
            Image.DecompressionBombWarning):
        raise not_an_image from None
    out = io.BytesIO()
    pixels.save(out, format="PNG", optimize=True)  # only the pixels: no text chunk, no EXIF, no ICC profile
    return out.getvalue()


def _version(png: bytes) -> str:
    return hashlib.sha256(png).hexdigest()[:16]


def _provider(uow, provider_id: str) -> Provider:
    provider = uow.get(Provider, provider_id)
    if provider is None:
        raise NoSuchProvider()
    return provider


def branding_of(uow, provider_id: str) -> HubBranding:
    """How the provider's hub looks, for anyone (NoSuchProvider for an unknown id)."""
    provider = _provider(uow, provider_id)
    row = uow.get(TrainingHubBranding, provider_id)
    if row is None:
        return HubBranding(provider_id, provider.name)
    return HubBranding(provider_id, row.hub_name or provider.name, row.hub_name, row.support_email, row.support_url,
                       row.logo_version if row.logo_png else None)


def logo_of(uow, provider_id: str, version: str) -> bytes:
    """The provider's logo (PNG) if `version` is its current one; NotFound otherwise."""
    row = uow.get(TrainingHubBranding, provider_id)
    if row is None or not row.logo_png or row.logo_version != version:
        raise NotFound("No such logo.", code="training_hub.logo_not_found")
    return row.logo_png


def save_branding(uow, actor_id: str, provider_id: str, draft: BrandingDraft, context: dict) -> HubBranding:
    """Set the hub's name, support contact and logo (all checked before anything changes)."""
    provider_acting(uow, actor_id, provider_id, "brand_training_hub")
    name, email, url = hub_name(draft.hub_name), support_email(draft.support_email), support_url(draft.support_url)
    png = logo_png(draft.logo) if draft.logo is not None else None
    row = uow.get(TrainingHubBranding, provider_id) or TrainingHubBranding(provider_id=provider_id)
    before = (row.hub_name, row.support_email, row.support_url, row.logo_version)
    row.hub_name, row.support_email, row.support_url = name, email, url
    if png is not None:
        row.logo_png, row.logo_version = png, _version(png)
    elif draft.remove_logo:
        row.logo_png, row.logo_version = None, None
    row.updated_at = utcnow()
    uow.add(row)
    after = (row.hub_name, row.support_email, row.support_url, row.logo_version)
    changed = [field for field, old, new in zip(("hub_name", "support_email", "support_url", "logo"), before, after)
               if old != new]
    uow.publish(Event("provider.training_hub.updated", {
        "provider_id": provider_id, "hub_name": name, "support_email": email, "support_url": url,
        "logo_version": row.logo_version, "changed": changed}, subject=provider_id, providerid=provider_id,
        **context))
    uow.commit()
    return branding_of(uow, provider_id)


# --- the "Getting started" email ---------------------------------------------------------------

def send_getting_started(uow, actor_id: str, organization_id: str, member_ids: list[str],
                         context: dict) -> list[Member]:
    """Have identity mail the chosen members the "Getting started" email of their hub (whoever may
    manage members: the organization's owners and admins, Custom members allowed to, the provider's staff)."""
    manager = manager_of(uow, actor_id, organization_id)
    wanted = list(dict.fromkeys(member_ids))  # a member chosen twice is mailed once
    if not wanted:
        raise Invalid("Select the members to send the getting started email to.", "member_ids",
                      code="getting_started.nobody_selected")
    if len(wanted) > MAX_GETTING_STARTED:
        raise Invalid("Send the getting started email to at most %(most)s members at a time.", "member_ids",
                      code="getting_started.too_many", most=MAX_GETTING_STARTED)
    found = {m.id: m for m in uow.scalars(select(Member).where(Member.organization_id == organization_id,
                                                                 Member.id.in_(wanted)))}
    if len(found) != len(wanted):
        # Another organization's member ids (or made-up ones): nothing says which exist elsewhere.
        raise NotFound("Choose members of this organization.", "member_ids", code="getting_started.not_members")
    members = [found[member_id] for member_id in wanted]
    for member in members:
        if member.status == "revoked":
            raise Conflict("%(email)s is revoked: restore their access before sending them the getting started "
                           "email.", "member_ids", code="getting_started.member_revoked", email=member.email)
    organization = manager.organization
    provider_id = organization.provider_id
    hub = branding_of(uow, provider_id).name if provider_id else None
    uow.publish(Event("org.members.getting_started_sent", {
        "organization_id": organization_id, "organization_name": organization.name,
        "managing_provider_id": provider_id, "hub_name": hub,
        "members": [{"member_id": m.id, "email": m.email, "user_id": m.user_id} for m in members]},
        subject=organization_id, orgid=organization_id, providerid=provider_id, **context))
    uow.commit()
    return members
