"""The billing service as the gateway uses it: a client's subscription, and a provider's
consolidated billing (ADR 20): its subscription, invoices, payment method and billing information."""
from __future__ import annotations

from . import BoundClient


class Billing(BoundClient):
    """Billing, as the person who acts."""

    def subscription(self, organization_id: str) -> dict:
        """The organization's subscription: plan, seats and what they cost."""
        return self._get(f"/organizations/{organization_id}/subscription")

    def organization_billing(self, organization_id: str) -> dict:
        """A client's plan and seats, who bills it, and whether it needs billing of its own."""
        return self._get(f"/organizations/{organization_id}/billing")

    def provider_subscription(self, provider_id: str) -> dict:
        """The provider's seat minimums, seats used per plan, and the next invoice as it stands."""
        return self._get(f"/providers/{provider_id}/billing/subscription")

    def invoices(self, provider_id: str, **query) -> dict:
        """A page of the provider's invoices (`sort`, `dir`, `after`, `before`)."""
        return self._get(f"/providers/{provider_id}/billing/invoices",
                         **{key: value for key, value in query.items() if value})

    def invoice(self, provider_id: str, invoice_id: str) -> dict:
        """One invoice with its lines and the billing information it was issued to."""
        return self._get(f"/providers/{provider_id}/billing/invoices/{invoice_id}")

    def billing_information(self, provider_id: str) -> dict:
        """The name, address, tax id and billing email invoices are made out to."""
        return self._get(f"/providers/{provider_id}/billing/information")

    def save_billing_information(self, provider_id: str, information: dict) -> dict:
        """Change the billing information (each field checked by billing)."""
        return self._put(f"/providers/{provider_id}/billing/information", information)

    def payment_method(self, provider_id: str) -> dict:
        """How the provider pays (a bank transfer, recorded by the operator)."""
        return self._get(f"/providers/{provider_id}/billing/payment-method")
