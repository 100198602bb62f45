"""The event logs: an organization's (Admin Console → Reporting → Event logs), the provider's (with its
clients' events if asked), and their CSV export. The API key, retention and public API: `event_api`."""
from __future__ import annotations

import csv
import io
from datetime import datetime, timezone

from flask import Blueprint, Response, request, stream_with_context, url_for
from flask_babel import gettext as _

from services.common.internal_http import ServiceError

from ..access import login_required, organization_allowing, provider_allowing, provider_through
from ..backends import audit, orgs
from ..crypto import EncStringError
from ..event_sentences import device_and_ip, group_labels, sentence, user_of
from ..org_keys import OrgKeyUnavailable, organization_key
from ..refusals import refusal_text
from ..render import render
from .portal import page_position

bp = Blueprint("events", __name__)
FILTERS = ("start", "end", "user", "group", "text")
EXPORT_PAGE = 1000  # events a call while exporting: one page in memory at a time
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _filters(args, provider: bool = False) -> dict:
    """The filters of the query string, as the form shows them and audit reads them (audit judges them)."""
    found = {name: (args.get(name) or "").strip()[:1000] for name in FILTERS}
    if provider:
        found["client"] = (args.get("client") or "").strip()[:100]
    return found


def _page(fetch, filters: dict) -> tuple[dict, dict, int]:
    """A page of a log (with the User filter's choices), or the filter errors to show by their fields (422)."""
    try:
        return fetch(**filters, **page_position(request.args), actors=True), {}, 200
    except ServiceError as error:
        if error.status != 422:
            raise
        field = error.field if error.field in (*FILTERS, "client") else "form"
        return {"events": [], "newer": None, "older": None, "actors": []}, {field: refusal_text(error)}, 422


def _rows(found: dict, names: dict) -> list[dict]:
    """The table's rows (and the export's): each event's columns as a person reads them."""
    return [{"time": event["time"], "device": device_and_ip(event), "user": user_of(event),
             "event": sentence(event, names), "client": names.get(event["organization_id"] or "", ""),
             "type": event["type"]} for event in found["events"]]


class OpenedNames:
    """The names an organization's log can show that orgs keeps sealed (items', collections'), opened here
    with the org key and never sent anywhere: only those the reader may see (orgs answers only those), the
    collections once per request, the items of each page in one call. Others show by a short id."""

    def __init__(self, organization: dict):
        self._organization = organization
        self._collections: dict[str, str] | None = None

    def _key(self):
        try:
            return organization_key(self._organization)
        except OrgKeyUnavailable:
            return None

    def of(self, events: list[dict]) -> dict[str, str]:
        """The opened names the sentences of `events` need, by collection and item id."""
        names: dict[str, str] = {}
        if any(event["type"].startswith("org.collection.") for event in events):
            names.update(self._collection_names())
        items = sorted({event["data"].get("cipher_id") for event in events
                        if event["type"].startswith("org.item.") and event["data"].get("cipher_id")})
        if items:
            names.update(self._opened(lambda: orgs().sealed_item_names(self._organization["organization_id"],
                                                                        items)))
        return names

    def _collection_names(self) -> dict[str, str]:
        if self._collections is None:
            self._collections = self._opened(lambda: {c["collection_id"]: c["encrypted_name"] for c in
                                                      orgs().collections(self._organization["organization_id"])})
        return self._collections

    def _opened(self, sealed_names) -> dict[str, str]:
        key = self._key()
        if key is None:
            return {}
        try:
            sealed = sealed_names()
        except ServiceError:  # the reader may not list them (a Custom member without collection access)
            return {}
        opened = {}
        for thing_id, name in sealed.items():
            try:
                opened[thing_id] = key.decrypt_text(name)
            except EncStringError:
                pass  # a name that does not open shows as its short id
        return opened


@bp.get("/organizations/<organization_id>/events")
@login_required
def organization_events(organization_id: str):
    """An organization's event log, newest first, filtered and paged by Newer / Older (readers of event logs)."""
    organization = organization_allowing(organization_id, "read_event_logs")
    filters = _filters(request.args)
    found, errors, status = _page(lambda **q: audit().organization_events(organization_id, **q), filters)
    names = {organization_id: organization["name"], **OpenedNames(organization).of(found["events"])}
    return render("pages/org_events.html", "partials/event_log.html", status=status, organization=organization,
                  provider=provider_through(organization), rows=_rows(found, names), found=found, filters=filters,
                  errors=errors, groups=group_labels(), clients=None,
                  log_url=url_for("events.organization_events", organization_id=organization_id),
                  export_url=url_for("events.organization_export", organization_id=organization_id))


@bp.get("/providers/<provider_id>/events")
@login_required
def provider_events(provider_id: str):
    """The provider's event log (provider admins): its own events, with every client's or one client's."""
    provider = provider_allowing(provider_id, "read_event_logs")
    filters = _filters(request.args, provider=True)
    clients = {c["organization_id"]: c["name"] for c in orgs().log_clients(provider_id)}
    found, errors, status = _page(lambda **q: audit().provider_events(provider_id, **q), filters)
    return render("pages/events.html", "partials/event_log.html", status=status, provider=provider,
                  rows=_rows(found, clients), found=found, filters=filters, errors=errors, groups=group_labels(),
                  clients=clients, log_url=url_for("events.provider_events", provider_id=provider_id),
                  export_url=url_for("events.provider_export", provider_id=provider_id))


def safe_cell(value: str) -> str:
    """A CSV cell a spreadsheet shows as text: one starting like a formula gets a leading quote."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def _csv_lines(fetch, filters: dict, names: dict, client_column: bool, more_names=None):
    """The export's CSV, a page of lines at a time, pulling the log from audit a page at a time by keyset;
    `more_names(events)` adds the opened names a page's sentences need."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_("Timestamp"), _("Device / IP"), _("User"), _("Event")]
                    + ([_("Client")] if client_column else []))
    cursor = ""
    while True:
        found = fetch(**filters, after=cursor, page_size=EXPORT_PAGE)
        for row in _rows(found, {**names, **(more_names(found["events"]) if more_names else {})}):
            cells = [row["time"], row["device"], row["user"], row["event"]] + (
                [row["client"]] if client_column else [])
            writer.writerow([safe_cell(str(cell)) for cell in cells])
        yield out.getvalue()
        out.seek(0)
        out.truncate()
        cursor = found["older"]
        if not cursor:
            return


def _export(fetch, filters: dict, names: dict, name: str, client_column: bool,
            more_names=None) -> tuple[Response, dict]:
    """The filtered log as a streamed CSV download; a bad filter is refused (422) before anything is logged."""
    first = fetch(**filters, page_size=1)  # audit judges the filters (and access) before the export is logged
    checked = {**filters, "start": first["start"], "end": first["end"]}
    lines = _csv_lines(fetch, filters, names, client_column, more_names)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S")
    response = Response(stream_with_context(lines), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}-events-{stamp}.csv"'
    response.headers["Cache-Control"] = "no-store"
    return response, checked


@bp.get("/organizations/<organization_id>/events/export")
@login_required
def organization_export(organization_id: str):
    """Export: the organization's filtered event log as CSV, streamed; the export itself is logged."""
    organization = organization_allowing(organization_id, "read_event_logs")
    filters = _filters(request.args)
    names, opened = {organization_id: organization["name"]}, OpenedNames(organization)
    try:
        response, checked = _export(lambda **q: audit().organization_events(organization_id, **q), filters, names,
                                    "organization", client_column=False, more_names=opened.of)
    except ServiceError as error:
        return _refused_export(error, lambda: organization_events(organization_id))
    orgs().log_exported(organization_id, {k: checked[k] for k in ("start", "end", "group", "text")})
    return response


@bp.get("/providers/<provider_id>/events/export")
@login_required
def provider_export(provider_id: str):
    """Export: the provider's filtered event log as CSV (with a Client column), streamed; logged."""
    provider_allowing(provider_id, "read_event_logs")
    filters = _filters(request.args, provider=True)
    clients = {c["organization_id"]: c["name"] for c in orgs().log_clients(provider_id)}
    try:
        response, checked = _export(lambda **q: audit().provider_events(provider_id, **q), filters, clients,
                                    "provider", client_column=True)
    except ServiceError as error:
        return _refused_export(error, lambda: provider_events(provider_id))
    orgs().provider_log_exported(provider_id, {**{k: checked[k] for k in ("start", "end", "group", "text")},
                                               "include_clients": filters["client"]})
    return response


def _refused_export(error: ServiceError, log_page):
    """A refused export shows the log page with the filter's error by its field (422), nothing exported."""
    if error.status != 422:
        raise error
    return log_page()
