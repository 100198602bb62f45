"""Provider Portal → Training hub: how a provider dresses the hub its clients' end users learn from
(its name, logo and support contact). Provider Admins only, as orgs' permission table says
(`brand_training_hub`); orgs checks the logo for what it is and stores it re-encoded."""
from __future__ import annotations

import base64
from urllib.parse import urlsplit

from flask import Blueprint, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, FileField, StringField, ValidationError
from wtforms.validators import Length, Optional

from services.common.internal_http import ServiceError

from ..access import login_required, provider_allowing
from ..backends import orgs
from ..forms import VALID_EMAIL, show_refusal
from ..render import render, see_other

bp = Blueprint("hub_branding", __name__)
UPLOAD_ENDPOINT = "hub_branding.settings"
# Orgs' limits, checked here too so that the form names every wrong field at once (orgs stops at the
# first); what a logo really is (its format and size in pixels) only orgs, which decodes it, can say.
MAX_HUB_NAME, MAX_SUPPORT_URL, MAX_LOGO_KIB = 50, 300, 256
LOGO_TYPES = "image/png,image/jpeg,image/webp"


def https_address(_form, field) -> None:
    """An https:// address with a host, as orgs requires of the support website."""
    value = (field.data or "").strip()
    if value and (urlsplit(value).scheme.lower() != "https" or not urlsplit(value).netloc):
        raise ValidationError(_("The support website must be an https:// address, such as https://help.example.com."))


def logo_within_limit(_form, field) -> None:
    """At most 256 KiB, as orgs says it (a larger file is not even sent)."""
    upload = field.data
    if upload and getattr(upload, "filename", ""):
        upload.stream.seek(0, 2)
        size = upload.stream.tell()
        upload.stream.seek(0)
        if size > MAX_LOGO_KIB * 1024:
            raise ValidationError(_("The logo must be at most %(most)s KiB.", most=MAX_LOGO_KIB))


class HubBrandingForm(FlaskForm):
    hub_name = StringField(_l("Hub name"), validators=[Optional(), Length(
        max=MAX_HUB_NAME, message=_l("The hub name must be at most %(most)s characters.", most=MAX_HUB_NAME))],
        description=_l("Shown at the top of every hub page. Leave empty to show your provider's name."))
    support_email = EmailField(_l("Support email"), validators=[Optional(), Length(max=256), VALID_EMAIL])
    support_url = StringField(_l("Support website"), validators=[Optional(), Length(
        max=MAX_SUPPORT_URL, message=_l("The support website must be at most %(most)s characters.",
                                        most=MAX_SUPPORT_URL)), https_address])
    logo = FileField(_l("Logo"), validators=[logo_within_limit], render_kw={"accept": LOGO_TYPES},
                     description=_l("PNG, JPEG or WebP, at most 256 KiB, 16 to 1024 pixels wide and high."))
    remove_logo = BooleanField(_l("Remove logo"))


def _uploaded_logo(form: HubBrandingForm) -> str | None:
    """The chosen file's bytes in base64 for orgs, or None when no file was chosen."""
    upload = form.logo.data
    if not upload or not getattr(upload, "filename", ""):
        return None
    return base64.b64encode(upload.read()).decode()


@bp.route("/providers/<provider_id>/training-hub", methods=["GET", "POST"])
@login_required
def settings(provider_id: str):
    """The hub's name, support email and website, and logo; every wrong field named at once (422)."""
    provider = provider_allowing(provider_id, "brand_training_hub")
    form = HubBrandingForm()
    if request.method == "GET":
        current = orgs().hub_branding(provider_id)
        form.process(data={"hub_name": current["hub_name"] or "", "support_email": current["support_email"] or "",
                           "support_url": current["support_url"] or ""})
    elif form.validate_on_submit():
        try:
            orgs().save_hub_branding(provider_id, {
                "hub_name": form.hub_name.data or "", "support_email": form.support_email.data or "",
                "support_url": (form.support_url.data or "").strip(), "logo": _uploaded_logo(form),
                "remove_logo": bool(form.remove_logo.data)})
        except ServiceError as error:
            show_refusal(form, error)
        else:
            return see_other(url_for("hub_branding.settings", provider_id=provider_id),
                             toast=_("Training hub saved."))
    status = 422 if form.errors or form.form_errors else 200
    return render("pages/training_hub_settings.html", status=status, form=form, provider=provider,
                  branding=orgs().hub_branding(provider_id))
