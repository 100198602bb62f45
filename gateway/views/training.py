"""The training hub: what a provider's service users hand their clients' end users.

Registration, training videos, importing one's data, two-step login setup, getting started
guides and demo sign-up, in English and French, public (a client's end user has no account yet
when they first need it) and dressed in the provider's branding (gateway/training.py).
"""
from __future__ import annotations

import re

from flask import Blueprint, Response, abort, request
from flask_babel import get_locale, gettext as _

from services.common.internal_http import NotFound

from .. import training_guides, training_videos
from ..backends import orgs_anonymously
from ..render import render
from ..training import RESOURCES, current_branding

bp = Blueprint("training", __name__, url_prefix="/training")
LOGO_VERSION = re.compile(r"[0-9a-f]{16}")
PROVIDER_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
A_YEAR = 365 * 24 * 3600


@bp.before_request
def _branded():
    """A hub page of an unknown provider is a 404 before anything renders (one orgs call, kept for the page)."""
    if request.endpoint != "training.logo":
        current_branding()


@bp.get("/logo/<provider_id>/<version>.png")
def logo(provider_id: str, version: str):
    """A provider's hub logo, as orgs re-encoded it (PNG). Its URL names its version, so it is cached
    for a year: a new logo is a new URL."""
    if not PROVIDER_ID.fullmatch(provider_id) or not LOGO_VERSION.fullmatch(version):
        abort(404)
    try:
        png = orgs_anonymously().hub_logo(provider_id, version)
    except NotFound:
        abort(404)
    response = Response(png, mimetype="image/png")
    response.headers["Cache-Control"] = f"public, max-age={A_YEAR}, immutable"
    response.headers["Content-Disposition"] = 'inline; filename="logo.png"'
    return response


@bp.get("")
def hub():
    """The Training hub: every resource, one card each."""
    return render("pages/training/hub.html", resources=RESOURCES)


@bp.get("/registration")
def registration():
    """The registration guide: each step of creating an account, with a picture of its screen."""
    return render("pages/training/registration.html", steps=training_guides.REGISTRATION)


@bp.get("/videos")
def videos():
    """The training videos, each with its length and what it shows."""
    return render("pages/training/videos.html", videos=training_videos.videos())


@bp.get("/videos/<slug>")
def videos_watch(slug: str):
    """One video, played with captions in both languages, and its transcript in the reader's."""
    video = training_videos.video(slug)
    if video is None:
        abort(404)
    language = get_locale().language if get_locale() else "en"
    return render("pages/training/video.html", video=video, language=language,
                  transcript=training_videos.transcript(slug, language if language in video.captions else "en"))


@bp.get("/two-step-login")
def two_step_login():
    """Two-step login setup: the methods we offer, one page each."""
    return render("pages/training/guide_list.html", title=_("Two-step login setup"),
                  intro=_("Two-step login asks for a second proof after your master password, so that a stolen "
                          "password alone opens nothing. Turn on at least one method; your organization may "
                          "require it."),
                  guides=training_guides.TWO_STEP_METHODS, endpoint="training.two_step_login_method")


@bp.get("/two-step-login/<slug>")
def two_step_login_method(slug: str):
    """How to set up one two-step login method, and what the person sees at each step."""
    guide = training_guides.two_step_method(slug)
    if guide is None:
        abort(404)
    return render("pages/training/guide.html", guide=guide, parent=("training.two_step_login", _("Two-step login setup")))


@bp.get("/guides")
def guides():
    """Getting started guides: the Password Manager, the Admin Console per role, and the apps."""
    return render("pages/training/guide_list.html", title=_("Getting started guides"),
                  intro=_("What each part of Custodian does, and plainly what does not work with it yet."),
                  guides=training_guides.APP_GUIDES, endpoint="training.guides_read")


@bp.get("/guides/<slug>")
def guides_read(slug: str):
    """One getting started guide."""
    guide = training_guides.app_guide(slug)
    if guide is None:
        abort(404)
    return render("pages/training/guide.html", guide=guide, parent=("training.guides", _("Getting started guides")))
