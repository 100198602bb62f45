"""Provider Portal → Billing (Provider Admins): Subscription, Billing history, Payment method,
Billing information; an invoice as a page and as a PDF; and a client's Billing in its Admin
Console (ADR 20). Service Users get 403 here and see no link to it."""
from __future__ import annotations

import re

from flask import Blueprint, Response, abort, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, SelectField, StringField
from wtforms.validators import InputRequired, Length, Optional

from services.common.internal_http import NotFound, ServiceError

from ..access import login_required, organization_allowing, provider_allowing, provider_through
from ..backends import billing
from ..forms import VALID_EMAIL, show_refusal
from ..invoices import STATUS_LABELS, invoice_html, invoice_pdf, money
from ..render import render, see_other

bp = Blueprint("billing", __name__)
INVOICE_SORTS = {"issued_at": _l("Date"), "number": _l("Invoice number"), "total": _l("Total"),
                 "status": _l("Status")}
LINE_KINDS = {"seat_minimum": _l("Seat minimum"), "additional_seats": _l("Additional seats purchased"),
              "client": _l("Client seats")}
INVOICE_ID = re.compile(r"[0-9a-f-]{36}")


def _provider(provider_id: str) -> dict:
    return provider_allowing(provider_id, "see_billing")


def _billing_page(template: str, provider: dict, status: int = 200, **context):
    return render(template, status=status, provider=provider, money=money, status_labels=STATUS_LABELS,
                  line_kinds=LINE_KINDS, **context)


@bp.get("/providers/<provider_id>/billing")
@login_required
def billing_home(provider_id: str):
    """Billing opens on its Subscription tab."""
    _provider(provider_id)
    return see_other(url_for("billing.subscription", provider_id=provider_id))


@bp.get("/providers/<provider_id>/billing/subscription")
@login_required
def subscription(provider_id: str):
    """Seat minimums per plan, the seats the clients use against them, and the next invoice so far."""
    provider = _provider(provider_id)
    return _billing_page("pages/billing_subscription.html", provider,
                         subscription=billing().provider_subscription(provider_id))


@bp.get("/providers/<provider_id>/billing/history")
@login_required
def history(provider_id: str):
    """The provider's invoices, sortable, paged by keyset, each with its PDF."""
    provider = _provider(provider_id)
    query = {"sort": request.args.get("sort", "issued_at"), "dir": request.args.get("dir", "desc")}
    if query["sort"] not in INVOICE_SORTS or query["dir"] not in ("asc", "desc"):
        query = {"sort": "issued_at", "dir": "desc"}
    try:
        page = billing().invoices(provider_id, after=request.args.get("after"), before=request.args.get("before"),
                                  **query)
    except ServiceError as error:
        if error.status != 422:
            raise
        return render("pages/error.html", "partials/error.html", status=422, title=_("Something went wrong"),
                      message=_("This page link is damaged: start again from the first page."))
    return _billing_page("pages/billing_history.html", provider, page=page, query=query, sorts=INVOICE_SORTS)


def _invoice(provider_id: str, invoice_id: str) -> dict:
    if not INVOICE_ID.fullmatch(invoice_id):
        abort(404)
    try:
        return billing().invoice(provider_id, invoice_id)
    except NotFound:
        abort(404)


@bp.get("/providers/<provider_id>/billing/invoices/<invoice_id>")
@login_required
def invoice(provider_id: str, invoice_id: str):
    """One invoice, as the PDF shows it."""
    provider = _provider(provider_id)
    found = _invoice(provider_id, invoice_id)
    return _billing_page("pages/billing_invoice.html", provider, invoice=found,
                         document=invoice_html(found, provider))


@bp.get("/providers/<provider_id>/billing/invoices/<invoice_id>/pdf")
@login_required
def invoice_download(provider_id: str, invoice_id: str):
    """The invoice as a PDF, made from the same template as its page."""
    provider = _provider(provider_id)
    found = _invoice(provider_id, invoice_id)
    return Response(invoice_pdf(found, provider), mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="{found["number"]}.pdf"'})


@bp.get("/providers/<provider_id>/billing/payment-method")
@login_required
def payment_method(provider_id: str):
    """How the provider pays: a bank transfer the operator records (no card ever reaches Custodian)."""
    provider = _provider(provider_id)
    return _billing_page("pages/billing_payment_method.html", provider,
                         method=billing().payment_method(provider_id))


class BillingInformationForm(FlaskForm):
    name = StringField(_l("Name"), validators=[InputRequired(_l("Enter the name invoices are made out to.")),
                                               Length(max=100)])
    address_line1 = StringField(_l("Address line 1"), validators=[InputRequired(_l("Enter the address.")),
                                                                  Length(max=100)])
    address_line2 = StringField(_l("Address line 2"), validators=[Optional(), Length(max=100)])
    city = StringField(_l("City"), validators=[InputRequired(_l("Enter the city.")), Length(max=60)])
    postal_code = StringField(_l("Postal code"), validators=[Optional(), Length(max=20)])
    country = SelectField(_l("Country"), choices=[], validate_choice=False)
    tax_id = StringField(_l("Tax ID"), validators=[Optional(), Length(max=20)],
                         description=_l("Your VAT or tax number, if you have one (for example FR12345678901)."))
    billing_email = EmailField(_l("Billing email"), validators=[
        InputRequired(_l("Enter the billing email address.")), Length(max=256), VALID_EMAIL])


def country_choices() -> list[tuple[str, str]]:
    """Every country by its ISO code, named in the reader's language."""
    from babel import Locale
    from flask_babel import get_locale

    names = Locale.parse(str(get_locale() or "en")).territories
    return [("", _("Choose a country"))] + sorted(
        ((code, name) for code, name in names.items() if len(code) == 2 and code.isalpha() and code != "ZZ"),
        key=lambda pair: pair[1].casefold())


@bp.route("/providers/<provider_id>/billing/information", methods=["GET", "POST"])
@login_required
def information(provider_id: str):
    """Billing information: the name, address, tax id and email on the provider's invoices."""
    provider = _provider(provider_id)
    form = BillingInformationForm()
    form.country.choices = country_choices()
    if request.method == "GET":
        form.process(data=billing().billing_information(provider_id))
    elif form.validate_on_submit():
        if not form.country.data:
            form.country.errors = [_("Choose a country.")]
        else:
            try:
                billing().save_billing_information(provider_id, {
                    name: (getattr(form, name).data or "").strip() for name in
                    ("name", "address_line1", "address_line2", "city", "postal_code", "country", "tax_id",
                     "billing_email")})
            except ServiceError as error:
                show_refusal(form, error)
            else:
                return see_other(url_for("billing.information", provider_id=provider_id),
                                 toast=_("Billing information saved."))
    status = 422 if form.errors or form.form_errors else 200
    return _billing_page("pages/billing_information.html", provider, status=status, form=form)


@bp.get("/organizations/<organization_id>/billing")
@login_required
def organization_billing(organization_id: str):
    """A client's Billing in its Admin Console: its plan and seats, and who bills it."""
    organization = organization_allowing(organization_id, "see_billing")
    try:
        found = billing().organization_billing(organization_id)
    except NotFound:
        found = None  # billing has not applied the organization's creation yet
    return render("pages/organization_billing.html", organization=organization,
                  provider=provider_through(organization), billing=found, money=money)
