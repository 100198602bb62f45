"""The Provider Portal: the Clients table, adding and editing clients."""
from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from flask import Blueprint, abort, g, request, url_for
from flask_babel import gettext as _

from services.common.internal_http import NotFound, ServiceError
from services.common.paging import MAX_CURSOR

from .. import keyring
from ..access import current_provider, login_required, provider_allowing
from ..backends import orgs
from ..forms import ClientForm, SubscriptionForm, show_refusal
from ..org_keys import OrgKeyUnavailable, organization_key, provider_key
from ..refusals import refusal_text
from ..render import htmx, render, see_other

bp = Blueprint("portal", __name__)
SORTS = ("name", "assigned", "used", "remaining", "plan")
COMPLIANCE = ("", "non_compliant")  # every client, or those with members not meeting the provider's policies


@bp.get("/")
@login_required
def home():
    """The first provider's Clients page, or the user's vault if they are no provider's staff."""
    providers = g.vault_session.providers
    if providers:
        return see_other(url_for("portal.clients", provider_id=providers[0]["provider_id"]))
    return see_other(url_for("items.my_vault"))


def _table_query(args) -> dict:
    sort = args.get("sort", "name")
    direction = args.get("dir", "asc")
    compliance = args.get("compliance", "")
    return {"sort": sort if sort in SORTS else "name", "dir": direction if direction in ("asc", "desc") else "asc",
            "q": (args.get("q") or "")[:100], "compliance": compliance if compliance in COMPLIANCE else "",
            **page_position(args)}


def page_position(args) -> dict:
    """Where a keyset-paged table starts: after or before the row a cursor points at (orgs and audit
    check the cursor and refuse one that is not theirs)."""
    return {"after": (args.get("after") or "")[:MAX_CURSOR], "before": (args.get("before") or "")[:MAX_CURSOR]}


def _clients_table(provider_id: str, query: dict) -> dict:
    found = orgs().clients(provider_id, sort=query["sort"], direction=query["dir"], q=query["q"],
                           after=query["after"], before=query["before"], compliance=query["compliance"])
    return {"clients": found["clients"], "total": found["total"], "previous": found["previous"],
            "next": found["next"], "query": query}


def _query_of_current_page() -> dict:
    """The Clients table's sort, search and page as the browser currently shows them."""
    current = request.headers.get("HX-Current-URL", "")
    args = {key: values[0] for key, values in parse_qs(urlsplit(current).query).items()}
    return _table_query(args)


@bp.get("/providers/<provider_id>/clients")
@login_required
def clients(provider_id: str):
    """The Clients table: sorted, searched and paged (Previous / Next, by cursor) by the orgs service's database."""
    # Asked of orgs, not the session: an admin may limit this user to chosen clients at any time.
    provider = {**current_provider(provider_id), "scoped": any(
        p["provider_id"] == provider_id and p.get("scoped") for p in orgs().my_providers())}
    table = _clients_table(provider_id, _table_query(request.args))
    return render("pages/clients.html", "partials/clients_table.html", provider=provider, **table)


@bp.route("/providers/<provider_id>/clients/new", methods=["GET", "POST"])
@login_required
def new_client(provider_id: str):
    """The Add new organization dialog, and adding the client it describes."""
    provider = provider_allowing(provider_id, "create_client")
    form = ClientForm()
    if request.method == "GET":
        form.plan.data = "Enterprise"
        form.seats.data = form.seats.data or 10
    if form.validate_on_submit():
        try:
            _create_client(provider_id, form)
        except ServiceError as error:
            show_refusal(form, error, "name")
        else:
            toast = _("%(name)s was added.", name=form.name.data.strip())
            if htmx:
                table = _clients_table(provider_id, _query_of_current_page())
                return render("partials/client_added.html", status=201, toast=toast, provider=provider, **table)
            return see_other(url_for("portal.clients", provider_id=provider_id))
    status = 422 if form.errors or form.form_errors else 200
    return render("pages/client_new.html", "partials/client_dialog.html", status=status, form=form,
                  provider=provider)


def _create_client(provider_id: str, form: ClientForm) -> dict:
    try:
        keys = keyring.new_client_organization(provider_key(provider_id))
    except OrgKeyUnavailable:
        abort(404)
    return orgs().add_client(provider_id, {
        "name": form.name.data or "", "plan": form.plan.data or "", "seats": form.seats.data,
        "owner_email": form.owner_email.data or "", "billing_email": form.billing_email.data or "",
        "public_key": keys.public_key, "encrypted_private_key": keys.encrypted_private_key,
        "encrypted_org_key": keys.encrypted_org_key})


@bp.route("/providers/<provider_id>/clients/existing", methods=["GET", "POST"])
@login_required
def add_existing(provider_id: str):
    """The Add existing organization dialog: attach an organization you own as a client."""
    provider = provider_allowing(provider_id, "add_existing_client")
    choices = orgs().attachable(provider_id)
    error = None
    if request.method == "POST":
        chosen = request.form.get("organization_id", "")
        if chosen not in {c["organization_id"] for c in choices}:
            error = _("Choose one of your organizations.")
        else:
            try:
                org_key = organization_key(orgs().organization(chosen))
                added = orgs().add_existing_client(provider_id, chosen, provider_key(provider_id).encrypt(org_key.raw))
            except OrgKeyUnavailable:
                error = _("Your key of this organization could not be opened.")
            except ServiceError as refusal:
                error = refusal_text(refusal)
            else:
                toast = _("%(name)s was added.", name=added["name"])
                if htmx:
                    table = _clients_table(provider_id, _query_of_current_page())
                    return render("partials/client_added.html", status=201, toast=toast, provider=provider, **table)
                return see_other(url_for("portal.clients", provider_id=provider_id))
    return render("pages/client_existing.html", "partials/existing_dialog.html", status=422 if error else 200,
                  provider=provider, choices=choices, error=error)


@bp.route("/providers/<provider_id>/clients/<organization_id>/seats", methods=["GET", "POST"])
@login_required
def edit_seats(provider_id: str, organization_id: str):
    """The Manage subscription dialog (plan and seats), and the changes it asks for."""
    provider = provider_allowing(provider_id, "change_seats")
    client = orgs().client(provider_id, organization_id)
    form = SubscriptionForm()
    if request.method == "GET":
        form.plan.data = client["plan"]
        form.seats.data, form.autoscale_max_seats.data = client["seats"], client["autoscale_max_seats"]
    if form.validate_on_submit():
        try:
            if form.plan.data and form.plan.data != client["plan"]:  # a form without it keeps the plan
                orgs().change_plan(provider_id, organization_id, form.plan.data)
            if (form.seats.data, form.autoscale_max_seats.data) != (client["seats"], client["autoscale_max_seats"]):
                orgs().change_seats(provider_id, organization_id, form.seats.data, form.autoscale_max_seats.data)
        except ServiceError as error:
            show_refusal(form, error, "seats")
        else:
            toast = _("%(name)s is on %(plan)s with %(seats)s seats.", name=client["name"],
                      plan=_(form.plan.data or client["plan"]), seats=form.seats.data)
            if htmx:
                table = _clients_table(provider_id, _query_of_current_page())
                return render("partials/client_added.html", toast=toast, provider=provider, **table)
            return see_other(url_for("portal.clients", provider_id=provider_id))
    status = 422 if form.errors or form.form_errors else 200
    return render("pages/seats_edit.html", "partials/seats_dialog.html", status=status, form=form,
                  provider=provider, client=client)


@bp.post("/providers/<provider_id>/clients/<organization_id>/unlink")
@login_required
def unlink(provider_id: str, organization_id: str):
    """Unlink a client from the provider (provider admins only)."""
    provider = provider_allowing(provider_id, "unlink_client")
    try:
        orgs().unlink_client(provider_id, organization_id)
    except ServiceError as error:
        if isinstance(error, NotFound):
            abort(404)
        message = refusal_text(error)
        table = _clients_table(provider_id, _query_of_current_page() if htmx else _table_query({}))
        # htmx swaps only successful answers: the refusal travels as a toast over an unchanged table.
        return render("pages/clients.html", "partials/clients_table.html", status=200 if htmx else error.status,
                      toast=message, alert=message, provider=provider, **table)
    if htmx:
        table = _clients_table(provider_id, _query_of_current_page())
        return render("partials/clients_table.html", toast=_("The client was unlinked."), provider=provider,
                      **table)
    return see_other(url_for("portal.clients", provider_id=provider_id))

