"""Provider Portal → Integrations (ADR 26): the provider's read-only credentials of its event stream, made with
the secret shown once and revoked by its Provider Admins (`manage_integrations`), and the stream itself,
`GET /api/integrations/events` (HTTP Basic client_id:client_secret, no session: Server-Sent Events)."""
from __future__ import annotations

from flask import Blueprint, Response, current_app, request, stream_with_context, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import InputRequired, Length

from services.common.internal_http import NotAuthenticated, NotFound, ServiceError, Throttled

from ..access import login_required, provider_allowing
from ..backends import orgs
from ..forms import show_refusal
from ..integrator_stream import (CLIENT_SOCKET_SECONDS, CopyUnavailable, ForeignCursor, IntegratorStreams, Start,
                                 open_cursor, parse_since, peer_left)
from ..render import htmx, render, see_other
from .event_api import api_error

bp = Blueprint("integrations", __name__)
STREAM_ENDPOINT = "integrations.events"
REALM = 'Basic realm="Custodian event stream", charset="UTF-8"'
MAX_NAME = 50
FULL_RETRY_SECONDS = 10


class IntegrationForm(FlaskForm):
    name = StringField(_l("Name"), validators=[
        InputRequired(_l("Enter a name.")),
        Length(max=MAX_NAME, message=_l("The name must be 1 to %(most)s characters long.", most=MAX_NAME))],
        description=_l("What reads the events, such as “SIEM” or “Backup”."))


def install(app, settings) -> None:
    """The process's integrator streams: a NATS connection of their own, opened on the first stream."""
    app.extensions["integrator_streams"] = IntegratorStreams(settings.provider_events_nats_url, settings.secret_key,
                                                             settings.integration_streams,
                                                             settings.integration_heartbeat_seconds)


def _list_page(provider: dict, status: int = 200, toast: str | None = None, alert: str | None = None):
    found = orgs().integrations(provider["provider_id"])
    return render("pages/integrations.html", "partials/integrations_table.html", status=status, toast=toast,
                  alert=alert, provider=provider, found=found,
                  stream_url=url_for(STREAM_ENDPOINT, _external=True))


@bp.get("/providers/<provider_id>/integrations")
@login_required
def integrations(provider_id: str):
    """The credentials that still work (never a secret), each with its client id and when it was last used."""
    return _list_page(provider_allowing(provider_id, "manage_integrations"))


@bp.route("/providers/<provider_id>/integrations/new", methods=["GET", "POST"])
@login_required
def new_integration(provider_id: str):
    """The New credential dialog; once made, the dialog shows its secret this one time."""
    provider = provider_allowing(provider_id, "manage_integrations")
    form = IntegrationForm()
    if form.validate_on_submit():
        try:
            made = orgs().create_integration(provider_id, form.name.data.strip())
        except ServiceError as error:
            if error.status >= 500:
                raise
            show_refusal(form, error, "name")
        else:
            return render("pages/integration_new.html", "partials/integration_created.html", status=201,
                          toast=_("Credential %(name)s created: copy its secret now, it is not shown again.",
                                  name=made["name"]),
                          provider=provider, made=made, stream_url=url_for(STREAM_ENDPOINT, _external=True))
    status = 422 if form.errors or form.form_errors else 200
    return render("pages/integration_new.html", "partials/integration_dialog.html", status=status, form=form,
                  provider=provider)


@bp.post("/providers/<provider_id>/integrations/<integration_id>/revoke")
@login_required
def revoke_integration(provider_id: str, integration_id: str):
    """Revoke a credential: it stops working now, and its open streams end within 15 seconds."""
    provider = provider_allowing(provider_id, "manage_integrations")
    try:
        orgs().revoke_integration(provider_id, integration_id)
    except NotFound:
        toast = _("This credential was already revoked.")
    else:
        toast = _("Credential revoked: whatever used it can no longer read your events.")
    if not htmx:
        return see_other(url_for("integrations.integrations", provider_id=provider_id), toast=toast)
    return _list_page(provider, toast=toast)


def _refusal(status: int, message: str, field: str | None = None, retry_after: int | None = None):
    return api_error(status, message, field, retry_after, realm=REALM)


@bp.get("/api/integrations/events")
def events():
    """The provider's events as Server-Sent Events: from `Last-Event-ID` (a cursor this stream gave), else from
    `since` (RFC 3339), else from now on; each event's `id:` is the cursor to resume after it."""
    credentials = request.authorization
    if credentials is None or credentials.type != "basic" or not credentials.username:
        return _refusal(401, "Authenticate with HTTP Basic: your credential's client_id and client_secret.")
    unknown = sorted(set(request.args) - {"since"})
    if unknown:
        return _refusal(422, f"Unknown parameter: {unknown[0]}.", unknown[0])
    client_id, client_secret = credentials.username[:100], (credentials.password or "")[:100]
    try:
        verified = orgs().verify_integration(client_id, client_secret, connecting=True)
    except (NotAuthenticated, Throttled) as error:
        return _refusal(error.status, error.message, retry_after=error.retry_after)
    except ServiceError as error:
        if error.status < 500:
            raise
        return _refusal(503, "Part of Custodian is not answering right now: try again shortly.",
                        retry_after=FULL_RETRY_SECONDS)
    streams: IntegratorStreams = current_app.extensions["integrator_streams"]
    provider_id, integration_id = verified["provider_id"], verified["integration_id"]
    cursor = request.headers.get("Last-Event-ID", "").strip()
    try:
        start = Start(after=open_cursor(streams.cursor_key, provider_id, cursor)) if cursor else \
            Start(since=parse_since(request.args["since"])) if request.args.get("since") else Start()
    except ForeignCursor:
        return _refusal(422, "Last-Event-ID is not a cursor of this provider's stream: resume from an event's id, "
                             "or start again with since.", "Last-Event-ID")
    except ValueError:
        return _refusal(422, "since must be an RFC 3339 date and time with its offset, such as "
                             "2026-12-01T09:00:00Z.", "since")
    if not streams.slots.take(integration_id):
        return _refusal(503, "Too many streams are open here (at most one per credential): try again shortly.",
                        retry_after=FULL_RETRY_SECONDS)
    try:
        stream = streams.open(provider_id, integration_id, start)
    except CopyUnavailable:
        return _refusal(503, "The event stream is not available now: try again shortly.",
                        retry_after=FULL_RETRY_SECONDS)
    connection = request.environ.get("gunicorn.socket")
    if connection is not None:
        connection.settimeout(CLIENT_SOCKET_SECONDS)  # a client that stops reading is dropped, its thread freed

    def still_allowed() -> bool:
        try:
            return orgs().verify_integration(client_id, client_secret, connecting=False)["provider_id"] == provider_id
        except ServiceError:
            return False  # revoked, or orgs not answering: end, the client comes back and is asked again

    frames = stream.frames(still_allowed, peer_left(connection))
    response = Response(stream_with_context(frames), mimetype="text/event-stream")
    response.call_on_close(stream.close)  # also when the client left before the first byte
    response.headers["X-Accel-Buffering"] = "no"  # a proxy passes each event on at once
    return response
