"""The training hub: what a provider's service users hand their clients' end users.

Registration, training videos, importing one's data, two-step login setup, getting started
guides and demo sign-up, in English and French, public (a client's end user has no account yet
when they first need it) and dressed in the provider's branding (gateway/training.py).
"""
from __future__ import annotations

from flask import Blueprint

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
    return render("pages/training/registration.html")


@bp.get("/videos")
def videos():
    """The training videos."""
    return render("pages/training/videos.html")


@bp.get("/two-step-login")
def two_step_login():
    """Two-step login setup: the methods, one page each."""
    return render("pages/training/two_step_login.html")


@bp.get("/guides")
def guides():
    """Getting started guides: the Password Manager, the Admin Console per role, and the apps."""
    return render("pages/training/guides.html")

