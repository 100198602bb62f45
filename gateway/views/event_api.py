"""An organization's public events API: its key (made and rotated in the Admin Console, shown once), how long
its events are kept, and `GET /api/public/events` itself (HTTP Basic client_id:client_secret, no session)."""
from __future__ import annotations

from flask import Blueprint, jsonify, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField
from wtforms.validators import InputRequired

from services.common.internal_http import ServiceError
from services.common.paging import MAX_CURSOR

from ..access import login_required, organization_allowing, provider_through
from ..backends import audit, orgs
from ..forms import show_refusal
from ..render import render

bp = Blueprint("event_api", __name__)
REALM = 'Basic realm="Custodian events API", charset="UTF-8"'


class RetentionForm(FlaskForm):
    retention_days = IntegerField(_l("Keep events for (days)"),
                                  validators=[InputRequired(_l("Enter a number of days."))])


def _settings_page(organization: dict, form: RetentionForm, new_key: dict | None = None, status: int = 200,
                   toast: str | None = None):
    found = audit().log_settings(organization["organization_id"])
    if not form.retention_days.data and not form.errors:
        form.retention_days.data = found["retention_days"]
    return render("pages/api_key.html", "partials/api_key_panel.html", status=status, toast=toast,
                  organization=organization, provider=provider_through(organization), settings=found, form=form,
                  new_key=new_key)


@bp.get("/organizations/<organization_id>/api-key")
@login_required
def api_key(organization_id: str):
    """The organization's API key (its client id; the secret is shown only when made) and its retention."""
    return _settings_page(organization_allowing(organization_id, "manage_event_log_settings"), RetentionForm(formdata=None))


@bp.post("/organizations/<organization_id>/api-key")
@login_required
def rotate_api_key(organization_id: str):
    """View API key / Rotate API key: a new secret, shown this once; the previous one stops working."""
    organization = organization_allowing(organization_id, "manage_event_log_settings")
    new_key = audit().issue_api_key(organization_id)
    orgs().log_settings_updated(organization_id, {"setting": "api_key", "rotated": new_key["rotated_at"] is not None})
    return _settings_page(organization, RetentionForm(formdata=None), new_key=new_key,
                          toast=_("A new API key was made: copy its secret now, it is not shown again."))


@bp.post("/organizations/<organization_id>/event-retention")
@login_required
def change_retention(organization_id: str):
    """Keep the organization's events this many days (older ones are deleted by the audit worker)."""
    organization = organization_allowing(organization_id, "manage_event_log_settings")
    form = RetentionForm()
    if form.validate_on_submit():
        try:
            audit().change_retention(organization_id, form.retention_days.data)
        except ServiceError as error:
            if error.status != 422:
                raise
            show_refusal(form, error, "retention_days")
        else:
            orgs().log_settings_updated(organization_id, {"setting": "retention",
                                                          "retention_days": form.retention_days.data})
            return _settings_page(organization, form, toast=_("Events are now kept %(days)s days.",
                                                              days=form.retention_days.data))
    return _settings_page(organization, form, status=422)


def api_error(status: int, message: str, field: str | None = None, retry_after: int | None = None,
              realm: str = REALM):
    """A public API's refusal as JSON; a 401 names how to authenticate (`realm`)."""
    response = jsonify({"object": "error", "message": message, **({"field": field} if field else {})})
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = realm
    if retry_after:
        response.headers["Retry-After"] = str(retry_after)
    response.headers["Cache-Control"] = "no-store"
    return response


PUBLIC_PARAMETERS = {"start": "start", "end": "end", "group": "group", "actingUserId": "acting_user_id",
                     "text": "text", "continuationToken": "continuation_token"}


# audit's names of the fields it refuses, as this API's parameters are named
API_FIELDS = {"start": "start", "end": "end", "group": "group", "user": "actingUserId", "text": "text",
              "after": "continuationToken", "before": "continuationToken"}


@bp.get("/api/public/events")
def public_events():
    """The public events API: a page (up to 1,000) of the key's organization's events, newest first, as
    Bitwarden's public API lists them; `continuationToken` asks for the next (older) page."""
    credentials = request.authorization
    if credentials is None or credentials.type != "basic" or not credentials.username:
        return api_error(401, "Authenticate with HTTP Basic: your API key's client_id and client_secret.")
    unknown = sorted(set(request.args) - set(PUBLIC_PARAMETERS))
    if unknown:
        return api_error(422, f"Unknown parameter: {unknown[0]}.", unknown[0])
    query = {name: request.args.get(parameter, "")[:1000] for parameter, name in PUBLIC_PARAMETERS.items()}
    # A token longer than any cursor is damaged: cut, audit says so in its own words.
    query["continuation_token"] = query["continuation_token"][:MAX_CURSOR]
    try:
        found = audit().public_events({"client_id": credentials.username[:100],
                                       "client_secret": (credentials.password or "")[:100], **query})
    except ServiceError as error:
        if error.status in (401, 422, 429):
            field = API_FIELDS.get(error.field or "", error.field)
            return api_error(error.status, error.message, field, error.retry_after)
        raise
    response = jsonify({"object": "list", "data": [public_event(event) for event in found["events"]],
                        "continuationToken": found["continuation_token"]})
    response.headers["Cache-Control"] = "no-store"
    return response


def public_event(event: dict) -> dict:
    """One event as Bitwarden's public API shows it, with our `eventType` (the CloudEvents type) and `data`."""
    data = event.get("data") or {}
    return {"object": "event", "id": event["id"], "type": event["code"], "eventType": event["type"],
            "group": event["group"],
            "itemId": data.get("cipher_id"), "collectionId": data.get("collection_id"),
            "groupId": data.get("group_id"), "policyId": data.get("policy"), "memberId": data.get("member_id"),
            "actingUserId": event["actor_id"], "date": event["time"], "device": event["device"],
            "ipAddress": event["ip"], "data": data}
