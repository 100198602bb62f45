"""The Admin Console of one organization, as its members or its provider's staff see it."""
from __future__ import annotations

from flask import Blueprint, current_app, g, request, url_for

from services.common.internal_http import ServiceError

from .. import keyring
from ..access import login_required, provider_through
from ..backends import billing, orgs
from ..org_keys import OrgKeyUnavailable, organization_key
from ..forms import OrganizationForm, show_refusal
from ..render import render, see_other
from ..sessions import COOKIE

bp = Blueprint("console", __name__)


@bp.get("/organizations/<organization_id>")
@login_required
def overview(organization_id: str):
    """The organization's overview: plan, seats, members, and whether its keys open for you."""
    overview = orgs().organization(organization_id)
    access = overview["access"]
    provider = provider_through(overview)
    keys_open = _org_key_opens(overview)
    session = g.vault_session
    # Logged once per session and client, not per page: a second look is not a second access.
    if access["provider_id"] and organization_id not in session.opened_clients:
        orgs().open_as_provider(organization_id)
        session.remember_opening(organization_id)
        current_app.extensions["sessions"].save(request.cookies.get(COOKIE), session)
    try:
        subscription = billing().subscription(organization_id)
    except ServiceError:
        subscription = None  # billing applies the creation event asynchronously, or is down
    return render("pages/organization.html", organization=overview, members=overview["members"],
                  provider=provider, keys_open=keys_open, subscription=subscription)


def _org_key_opens(overview: dict) -> bool:
    try:
        organization_key(overview)
    except OrgKeyUnavailable:
        return False
    return True


@bp.get("/organizations")
@login_required
def organizations():
    """The organizations the user administers: as a member, and as provider staff of each provider's
    clients (the first page of its Clients table, with the way to the rest)."""
    found = orgs().my_organizations()
    providers = [{"provider": provider, "clients": orgs().clients(provider["provider_id"])}
                 for provider in g.vault_session.providers]
    return render("pages/organizations.html", organizations=found, providers=providers)


@bp.route("/organizations/new", methods=["GET", "POST"])
@login_required
def new_organization():
    """Create an organization of one's own: its keys are made here, the org key wrapped to you."""
    form = OrganizationForm()
    if request.method == "GET":
        form.plan.data, form.seats.data = "Teams", form.seats.data or 5
    if form.validate_on_submit():
        session = g.vault_session
        keys = keyring.new_own_organization(session.keys)
        try:
            created = orgs().create_organization({
                "name": form.name.data or "", "plan": form.plan.data or "", "seats": form.seats.data,
                "billing_email": form.billing_email.data or "", "owner_email": session.email,
                "public_key": keys.public_key, "encrypted_private_key": keys.encrypted_private_key,
                "wrapped_org_key": keys.wrapped_org_key})
        except ServiceError as error:
            show_refusal(form, error, "name")
        else:
            if not session.administers:  # their first: the Admin Console now has it
                session.administers = True
                current_app.extensions["sessions"].save(request.cookies.get(COOKIE), session)
            return see_other(url_for("console.overview", organization_id=created["organization_id"]))
    status = 422 if form.errors or form.form_errors else 200
    return render("pages/organization_new.html", status=status, form=form)
