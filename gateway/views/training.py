"""The training hub: what a provider's service users hand their clients' end users.

Registration, training videos, importing one's data, two-step login setup, getting started
guides and demo sign-up, in English and French, public (a client's end user has no account yet
when they first need it) and dressed in the provider's branding (gateway/training.py).
"""
from __future__ import annotations

from flask import Blueprint, abort
from flask_babel import get_locale, gettext as _

from .. import training_guides, training_videos
from ..render import render
from ..training import RESOURCES

bp = Blueprint("training", __name__, url_prefix="/training")


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
