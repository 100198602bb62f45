"""Demo sign-up: the public page where a client's end users book a live demo with their IT provider,
and the Provider Portal's Demo sessions where its staff schedule, follow and cancel them.

Identity holds the sessions and their rules and asks orgs who may schedule (`schedule_demos`); this
module only hides what a role cannot use and shows identity's refusals next to their field.
"""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo, available_timezones

from babel.dates import format_date, format_time
from flask import Blueprint, abort, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from services.common.internal_http import NotFound, ServiceError

from ..access import login_required, provider_allowing
from ..backends import demos
from ..forms import COMPANY_SIZES, DemoSessionForm, DemoSignUpForm, show_refusal
from ..refusals import refusal_text
from ..render import htmx, render, see_other
from ..training import hub_provider_id

bp = Blueprint("demo", __name__)
WHEN = ("upcoming", "past")
_ZONES: list[tuple[str, str]] = []


@bp.app_template_filter("demo_when")
def demo_when(session: dict) -> str:
    """A session's date and start time as the reader's language writes them, in the session's own time zone."""
    place = ZoneInfo(session["time_zone"])
    local = datetime.fromisoformat(session["starts_at"]).astimezone(place)
    language = str(get_locale() or "en")
    return _("%(date)s, %(time)s (%(zone)s)", date=format_date(local.date(), format="full", locale=language),
             time=format_time(local.time(), format="short", locale=language), zone=session["time_zone"])


@bp.app_template_filter("company_size")
def company_size(value: str) -> str:
    """A registrant's company size as the page names it."""
    return str(dict(COMPANY_SIZES).get(value, value))


def zone_choices() -> list[tuple[str, str]]:
    """Every IANA time zone, sorted (read once per process)."""
    if not _ZONES:
        _ZONES.extend((name, name) for name in sorted(available_timezones()))
    return _ZONES


# --- the public sign-up ---------------------------------------------------------------------------

@bp.route("/training/demo", methods=["GET", "POST"])
def sign_up():
    """Demo sign-up: the provider's upcoming sessions and the form that books a seat in one (public)."""
    provider_id = hub_provider_id()
    if provider_id is None:
        return render("pages/training/demo.html", "partials/demo_sign_up.html", sessions=[], form=None)
    sessions = demos().open_sessions(provider_id)
    form = DemoSignUpForm()
    form.session_id.choices = [(session["session_id"], session["title"]) for session in sessions]
    if form.validate_on_submit():
        try:
            registered = demos().register(provider_id, form.session_id.data, {
                "name": form.name.data or "", "email": form.email.data or "", "company": form.company.data or "",
                "company_size": form.company_size.data or "", "language": str(get_locale() or "en")})
        except ServiceError as error:
            if error.status >= 500:
                raise
            show_refusal(form, error, "session_id")
            sessions = demos().open_sessions(provider_id)  # seats left changed, or the session went away
        else:
            return render("pages/training/demo.html", "partials/demo_sign_up.html", status=201, form=None,
                          sessions=sessions, registered=registered)
    status = 422 if form.errors or form.form_errors else 200
    return render("pages/training/demo.html", "partials/demo_sign_up.html", status=status, form=form,
                  sessions=sessions)


# --- the Provider Portal --------------------------------------------------------------------------

def _provider(provider_id: str) -> dict:
    return provider_allowing(provider_id, "schedule_demos")


def _sessions(provider_id: str) -> dict:
    """The page of sessions the request asks for: its list, its cursors, and the query that made it."""
    when = request.args.get("when", "upcoming")
    if when not in WHEN:
        when = "upcoming"
    try:
        page = demos().sessions(provider_id, when, after=request.args.get("after"),
                                before=request.args.get("before"))
    except ServiceError as error:
        if error.status != 422:
            raise
        abort(404)  # a damaged page link: nothing to show at that address
    return {"page": page, "when": when}


@bp.get("/providers/<provider_id>/demo-sessions")
@login_required
def sessions(provider_id: str):
    """Demo sessions: upcoming (soonest first) or past, paged; the public link to hand clients."""
    provider = _provider(provider_id)
    return render("pages/demo_sessions.html", "partials/demo_sessions_table.html", provider=provider,
                  share_url=url_for("demo.sign_up", provider=provider_id, _external=True), **_sessions(provider_id))


@bp.route("/providers/<provider_id>/demo-sessions/new", methods=["GET", "POST"])
@login_required
def new_session(provider_id: str):
    """The New session dialog, and scheduling the session it describes."""
    provider = _provider(provider_id)
    form = DemoSessionForm()
    form.time_zone.choices = zone_choices()
    if request.method == "GET":
        form.time_zone.data = demos().sessions(provider_id)["last_time_zone"] or "UTC"
    if form.validate_on_submit():
        try:
            scheduled = demos().schedule(provider_id, {
                "title": form.title.data or "", "date": form.date.data.isoformat(),
                "time": form.time.data.strftime("%H:%M"), "time_zone": form.time_zone.data,
                "duration_minutes": form.duration_minutes.data, "capacity": form.capacity.data,
                "video_link": (form.video_link.data or "").strip()})
        except ServiceError as error:
            if error.status >= 500:
                raise
            show_refusal(form, error, "title")
        else:
            toast = _("%(title)s is scheduled.", title=scheduled["title"])
            if htmx:
                return render("partials/demo_session_added.html", status=201, toast=toast, provider=provider,
                              page=demos().sessions(provider_id), when="upcoming")
            return see_other(url_for("demo.sessions", provider_id=provider_id), toast=toast)
    status = 422 if form.errors or form.form_errors else 200
    return render("pages/demo_session_new.html", "partials/demo_session_dialog.html", status=status, form=form,
                  provider=provider)


def _session(provider_id: str, session_id: str) -> dict:
    try:
        return demos().session(provider_id, session_id)
    except NotFound:
        abort(404)


@bp.get("/providers/<provider_id>/demo-sessions/<session_id>")
@login_required
def session(provider_id: str, session_id: str):
    """A session: when, where, its seats, and everyone registered for it."""
    provider = _provider(provider_id)
    return render("pages/demo_session.html", "partials/demo_session_detail.html", provider=provider,
                  session=_session(provider_id, session_id))


@bp.post("/providers/<provider_id>/demo-sessions/<session_id>/cancel")
@login_required
def cancel(provider_id: str, session_id: str):
    """Cancel a session: nobody more signs up, and everyone registered is mailed the cancellation."""
    provider = _provider(provider_id)
    alert = None
    try:
        cancelled = demos().cancel(provider_id, session_id)
    except NotFound:
        abort(404)
    except ServiceError as error:
        if error.status >= 500:
            raise
        alert = refusal_text(error)
        toast = alert
    else:
        toast = _("%(title)s is cancelled. Everyone registered is being emailed.", title=cancelled["title"])
    if not htmx:
        return see_other(url_for("demo.session", provider_id=provider_id, session_id=session_id), toast=toast)
    return render("pages/demo_session.html", "partials/demo_session_detail.html", toast=toast, alert=alert,
                  provider=provider, session=_session(provider_id, session_id))
