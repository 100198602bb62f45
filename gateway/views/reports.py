"""Reporting → Reports: vault health of one organization (Admin Console), and of every client (Provider Portal).

The first look starts a report run in a background thread of this gateway and answers at once:
the result when it is ready within a moment (small vaults), else a status partial that polls
the same URL (htmx, every second) and is replaced by the result; without JavaScript a refresh
does the same. Results stay only in this gateway's memory (`gateway.health.runs`).
"""
from __future__ import annotations

import csv
import io

from flask import Blueprint, Response, abort, current_app, request, stream_with_context, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..access import login_required, organization_allowing, provider_allowing, provider_through
from ..forms import ACCESS_CHOICES, PERMISSION_CHOICES, ROLE_CHOICES
from ..health.analysis import WEAK_REASONS
from ..backends import orgs
from ..health.report import REPORTS, all_clients, member_rows, organization_health, provider_summary
from ..health.runs import Runs, session_key
from ..health.two_factor_directory import directory
from ..labels import member_status
from ..render import render, see_other
from ..vaults import organization_vault

bp = Blueprint("reports", __name__)
WAIT_SECONDS = 1.0  # a small vault's report is ready within this: it is shown at once, without polling

# The URL of each report, and what its card and page say.
SLUGS = {"exposed-passwords": "exposed", "reused-passwords": "reused", "weak-passwords": "weak",
         "unsecured-websites": "unsecured", "inactive-two-step-login": "inactive_two_factor",
         "member-access": "member_access"}
SLUG_OF = {report: slug for slug, report in SLUGS.items()}
TITLES = {"exposed": _l("Exposed passwords report"), "reused": _l("Reused passwords report"),
          "weak": _l("Weak passwords report"), "unsecured": _l("Unsecured websites report"),
          "inactive_two_factor": _l("Inactive two-step login report"), "member_access": _l("Member access report")}
DESCRIPTIONS = {
    "exposed": _l("Passwords found in data breaches or among the most common passwords. Change them."),
    "reused": _l("Items sharing a password: one leak opens them all."),
    "weak": _l("Passwords that are easy to guess."),
    "unsecured": _l("Websites reached over http://, where anyone on the way can read what is typed."),
    "inactive_two_factor": _l("Websites that offer two-step login, for items without an authenticator key."),
    "member_access": _l("Who reaches which collections, and how many items."),
}
SORTS = ("name", *REPORTS[:-1])


def runs() -> Runs:
    """This gateway process's report runs."""
    return current_app.extensions.setdefault("report_runs", Runs())


def _organization_run(organization: dict):
    organization_id = organization["organization_id"]
    run = runs().start((session_key(), "organization", organization_id),
                       lambda run: organization_health(organization_id, organization["name"], run))
    run.ready.wait(WAIT_SECONDS)
    return run


def _labels() -> dict:
    return {"titles": TITLES, "descriptions": DESCRIPTIONS, "slugs": SLUG_OF, "reasons": WEAK_REASONS,
            "roles": dict(ROLE_CHOICES), "levels": dict(ACCESS_CHOICES), "permissions": dict(PERMISSION_CHOICES)}


@bp.get("/organizations/<organization_id>/reports")
@login_required
def organization_reports(organization_id: str):
    """Reporting → Reports: a card per report with its count, each linking to the report."""
    organization = organization_allowing(organization_id, "read_reports")
    run = _organization_run(organization)
    return render("pages/reports.html", "partials/report_body.html", organization=organization,
                  provider=provider_through(organization), run=run, report=None, labels=_labels(),
                  reports=REPORTS)


@bp.get("/organizations/<organization_id>/reports/<slug>")
@login_required
def organization_report(organization_id: str, slug: str):
    """One report: its count and the items (or members) it lists, each item linked to its edit page."""
    report = SLUGS.get(slug)
    if report is None:
        abort(404)
    organization = organization_allowing(organization_id, "read_reports")
    run = _organization_run(organization)
    return render("pages/report.html", "partials/report_body.html", organization=organization,
                  provider=provider_through(organization), run=run, report=report, labels=_labels(),
                  reports=REPORTS, directory=directory())


@bp.post("/organizations/<organization_id>/reports/refresh")
@login_required
def refresh_organization(organization_id: str):
    """Run again: forget this session's result, so the reports are made afresh."""
    organization_allowing(organization_id, "read_reports")
    runs().forget((session_key(), "organization", organization_id))
    back = request.form.get("report")
    target = url_for("reports.organization_report", organization_id=organization_id, slug=back) \
        if back in SLUGS else url_for("reports.organization_reports", organization_id=organization_id)
    return see_other(target)


# Cells a spreadsheet would run as a formula (OWASP "CSV injection"): prefixed with ' to stay text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value) -> str:
    """A cell's text as a spreadsheet will show it, never run it."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


@bp.get("/organizations/<organization_id>/reports/member-access/export")
@login_required
def export_member_access(organization_id: str):
    """The member access report as CSV, streamed (made afresh: it is one call to orgs)."""
    organization_allowing(organization_id, "read_reports")
    rows = member_rows(organization_vault(organization_id))
    labels = _labels()

    def lines():
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow([_("Member"), _("Email"), _("Role"), _("Status"), _("Groups"), _("Collections"), _("Items")])
        for row in rows:
            collections = _("All collections") if row["sees_all"] else "; ".join(
                f"{c['name']} ({labels['levels'].get(c['permission'], c['permission'])})" for c in row["collections"])
            writer.writerow([csv_safe(v) for v in (
                row["name"] or "", row["email"], labels["roles"].get(row["role"], row["role"]), member_status(row["status"]),
                ", ".join(row["groups"]), collections, row["item_count"])])
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()

    return Response(stream_with_context(lines()), mimetype="text/csv",
                    headers={"Content-Disposition": 'attachment; filename="member-access.csv"'})


# --- the Provider Portal's summary ------------------------------------------------------------

def sorted_summary(summary: list, sort: str, direction: str) -> list:
    """Clients by name, or by one report's count (those whose count is unknown last either way)."""
    if sort == "name":
        return sorted(summary, key=lambda h: h.organization_name.lower(), reverse=direction == "desc")
    known = [h for h in summary if h.count(sort) is not None]
    unknown = [h for h in summary if h.count(sort) is None]
    known.sort(key=lambda h: h.organization_name.lower())
    known.sort(key=lambda h: h.count(sort), reverse=direction == "desc")  # stable: equal counts stay by name
    return known + sorted(unknown, key=lambda h: h.organization_name.lower())


@bp.get("/providers/<provider_id>/reports")
@login_required
def provider_reports(provider_id: str):
    """Provider Portal → Reports: every client with its count per report, sortable, worst first by default."""
    provider = provider_allowing(provider_id, "administer_clients")
    sort = request.args.get("sort", "exposed")
    sort = sort if sort in SORTS else "exposed"
    direction = request.args.get("dir", "desc" if sort != "name" else "asc")
    direction = direction if direction in ("asc", "desc") else "desc"
    session = session_key()

    def keep(organization_id: str, health) -> None:
        runs().put((session, "organization", organization_id), health)

    run = runs().start((session, "provider", provider_id), lambda run: provider_summary(provider_id, run, keep))
    run.ready.wait(WAIT_SECONDS)
    rows = sorted_summary(run.result, sort, direction) if run.result is not None else []
    if any(p["provider_id"] == provider_id and p.get("scoped") for p in orgs().my_providers()):
        # A summary kept from before an admin took a client away shows only the clients still given (ADR 27).
        reachable = {client["organization_id"] for client in all_clients(provider_id)}
        rows = [row for row in rows if row.organization_id in reachable]
    return render("pages/provider_reports.html", "partials/provider_report_body.html", provider=provider, run=run,
                  rows=rows, sort=sort, dir=direction, labels=_labels(), columns=REPORTS[:-1])


@bp.post("/providers/<provider_id>/reports/refresh")
@login_required
def refresh_provider(provider_id: str):
    """Run the provider's summary again."""
    provider_allowing(provider_id, "administer_clients")
    runs().forget((session_key(), "provider", provider_id))
    return see_other(url_for("reports.provider_reports", provider_id=provider_id))
