"""Provider billing on the running system (ADR 20): orgs' events flow through the real NATS into billing,
whose API shows them to Provider Admins only; Manage subscription's plan change; bad input changes nothing."""
from __future__ import annotations

import uuid

import pytest

from services.common.internal_http import NotAllowed, NotFound, Refused, ServiceError
from tests.conftest import wait_for
from tests.support import StaffedProvider

INFO = {"name": "Logs MSP SAS", "address_line1": "1 rue de la Paix", "address_line2": "", "city": "Paris",
        "postal_code": "75002", "country": "FR", "tax_id": "FR40303265045", "billing_email": "ap@msp.example"}


@pytest.fixture(scope="module")
def staffed(system):
    """A provider with an admin, a service user and one Enterprise client of 50 seats."""
    provider = StaffedProvider(system)
    provider.acme = provider.client(f"Acme {uuid.uuid4().hex[:4]}")
    return provider


def plans(provider: StaffedProvider) -> dict:
    answer = provider.backends.billing.get(f"/providers/{provider.provider_id}/billing/subscription",
                                           provider.admin.caller())
    return {row["plan"]: row["seats_used"] for row in answer["plans"]}


def test_client_events_reach_billing_through_nats_and_the_subscription_shows_them(staffed):
    orgs, p, client = staffed.backends.orgs, staffed.provider_id, staffed.acme.organization_id
    wait_for(lambda: plans(staffed) == {"Teams": 0, "Enterprise": 50}, message="the created client in billing")
    changed = orgs.post(f"/providers/{p}/clients/{client}/plan", staffed.admin.caller(), {"plan": "Teams"})
    assert (changed["plan"], changed["seats"]) == ("Teams", 50)
    wait_for(lambda: plans(staffed) == {"Teams": 50, "Enterprise": 0}, message="the plan change in billing")
    orgs.call("PUT", f"/providers/{p}/clients/{client}/seats", staffed.admin.caller(), json={"seats": 60})
    wait_for(lambda: plans(staffed) == {"Teams": 60, "Enterprise": 0}, message="the seat change in billing")
    answer = staffed.backends.billing.get(f"/providers/{p}/billing/subscription", staffed.admin.caller())
    assert answer["currency"] == "USD" and answer["billing_day"] >= 1
    estimate = answer["next_invoice"]
    assert estimate["subtotal"] == sum(line["amount"] for line in estimate["lines"])
    assert {line["kind"] for line in estimate["lines"]} >= {"additional_seats", "client"}
    billing = staffed.backends.billing.get(f"/organizations/{client}/billing", staffed.admin.caller())
    assert billing["plan"] == "Teams" and billing["seats"] == 60 and billing["status"] == "active"
    assert billing["billed_by"]["provider_id"] == p


def test_the_plan_change_is_refused_for_a_plan_we_do_not_sell_or_a_service_user(staffed):
    orgs, p, client = staffed.backends.orgs, staffed.provider_id, staffed.acme.organization_id
    before = orgs.get(f"/providers/{p}/clients/{client}", staffed.admin.caller())["plan"]
    with pytest.raises(Refused):
        orgs.post(f"/providers/{p}/clients/{client}/plan", staffed.admin.caller(), {"plan": "Free"})
    with pytest.raises(Refused):
        orgs.post(f"/providers/{p}/clients/{client}/plan", staffed.admin.caller(), {"plan": 3})
    with pytest.raises(NotAllowed):
        orgs.post(f"/providers/{p}/clients/{client}/plan", staffed.service_user.caller(), {"plan": "Enterprise"})
    assert orgs.get(f"/providers/{p}/clients/{client}", staffed.admin.caller())["plan"] == before


PATHS = ["/billing/subscription", "/billing/invoices", "/billing/information", "/billing/payment-method"]


@pytest.mark.parametrize("path", PATHS)
def test_provider_billing_is_for_provider_admins_only(staffed, path):
    billing = staffed.backends.billing
    assert billing.get(f"/providers/{staffed.provider_id}{path}", staffed.admin.caller()) is not None
    with pytest.raises(NotAllowed):
        billing.get(f"/providers/{staffed.provider_id}{path}", staffed.service_user.caller())
    stranger = staffed.account("stranger", "Stranger")
    with pytest.raises(NotFound):
        billing.get(f"/providers/{staffed.provider_id}{path}", stranger.caller())
    with pytest.raises(NotFound):
        billing.get(f"/providers/{uuid.uuid4()}{path}", staffed.admin.caller())


def test_billing_information_is_validated_and_a_refusal_changes_nothing(staffed):
    billing, path = staffed.backends.billing, f"/providers/{staffed.provider_id}/billing/information"
    assert billing.call("PUT", path, staffed.admin.caller(), json=INFO)["tax_id"] == "FR40303265045"
    for bad, field in (({**INFO, "name": ""}, "name"), ({**INFO, "name": "x" * 101}, "name"),
                       ({**INFO, "country": "XX"}, "country"), ({**INFO, "tax_id": "A"}, "tax_id"),
                       ({**INFO, "billing_email": "nope"}, "billing_email"), ({**INFO, "city": 7}, None),
                       ({}, None), ({**INFO, "card_number": "4111111111111111"}, None)):
        with pytest.raises(ServiceError) as refused:
            billing.call("PUT", path, staffed.admin.caller(), json=bad)
        assert refused.value.status == 422 and (field is None or refused.value.field == field)
    with pytest.raises(NotAllowed):
        billing.call("PUT", path, staffed.service_user.caller(), json={**INFO, "name": "Taken over"})
    assert billing.get(path, staffed.admin.caller()) == INFO


def test_invoice_history_pages_and_refuses_a_bad_sort_or_cursor(staffed):
    billing, path = staffed.backends.billing, f"/providers/{staffed.provider_id}/billing/invoices"
    page = billing.get(path, staffed.admin.caller(), sort="total", dir="asc")
    assert page["invoices"] == [] and page["previous"] is None and page["next"] is None
    for params in ({"sort": "price"}, {"dir": "up"}, {"after": "not-a-cursor"}):
        with pytest.raises(Refused):
            billing.get(path, staffed.admin.caller(), **params)
    with pytest.raises(NotFound):
        billing.get(f"{path}/{uuid.uuid4()}", staffed.admin.caller())
    method = billing.get(f"/providers/{staffed.provider_id}/billing/payment-method", staffed.admin.caller())
    assert (method["kind"], method["label"]) == ("manual", "Bank transfer")


def test_an_issued_invoice_reads_with_its_lines_billing_information_and_seller(system, staffed):
    from datetime import timedelta

    from services.billing import domain, models
    from services.common.database import UnitOfWork, make_engine, utcnow

    billing, p = staffed.backends.billing, staffed.provider_id
    wait_for(lambda: sum(plans(staffed).values()) > 0, message="the client in billing")
    engine = make_engine(system.database_urls["billing"])
    try:
        # What the worker's chore does once the period has ended (a month on, for this provider alone).
        issued = domain.issue(lambda: UnitOfWork(engine, models.OutboxMessage), p, system.settings("billing").billing,
                              utcnow() + timedelta(days=32))
    finally:
        engine.dispose()
    assert issued is not None
    listed = billing.get(f"/providers/{p}/billing/invoices", staffed.admin.caller())["invoices"]
    assert [row["number"] for row in listed] == [issued.number]
    invoice = billing.get(f"/providers/{p}/billing/invoices/{issued.id}", staffed.admin.caller())
    assert invoice["status"] == "open" and invoice["total"] == invoice["subtotal"] + invoice["tax"]
    assert invoice["subtotal"] == sum(line["amount"] for line in invoice["lines"]) > 0
    assert all(line["event_ids"] for line in invoice["lines"])
    assert set(invoice["billing_information"]) == set(INFO) and invoice["seller"]["name"]
    with pytest.raises(NotAllowed):
        billing.get(f"/providers/{p}/billing/invoices/{issued.id}", staffed.service_user.caller())
