"""A provider's billing information: who its invoices are made out to. Each field is checked and a
refusal names it; a refused change changes nothing."""
from __future__ import annotations

import re
from dataclasses import dataclass

from babel import Locale

from services.common.envelope import Event
from services.common.errors import Invalid
from services.common.validation import clean_name, normalize_email

from ..models import BillingAccount
from .invoicing import INFORMATION_FIELDS, information_of
from .ledger import account_of

# ISO 3166-1 alpha-2 codes as CLDR knows them, less its groupings and exceptionally reserved codes.
NOT_COUNTRIES = frozenset("AC CP CQ DG EA EU EZ IC QO TA UN XA XB ZZ".split())
COUNTRIES = frozenset(code for code in Locale("en").territories
                      if len(code) == 2 and code.isalpha() and code not in NOT_COUNTRIES)
TAX_ID = re.compile(r"[A-Z0-9-]{4,20}")
POSTAL_CODE = re.compile(r"[A-Z0-9][A-Z0-9 -]{0,18}[A-Z0-9]|[A-Z0-9]")
# field: (its longest, whether it must be given, what it is called in a message)
TEXTS = {"name": (100, True), "address_line1": (100, True), "address_line2": (100, False), "city": (60, True)}


@dataclass(frozen=True)
class BillingInformation:
    """Who a provider's invoices are made out to."""

    name: str = ""
    address_line1: str = ""
    address_line2: str = ""
    city: str = ""
    postal_code: str = ""
    country: str = ""
    tax_id: str = ""
    billing_email: str = ""


def _missing(name: str) -> Invalid:
    return {"name": Invalid("The name is required.", name, code="billing.name_missing"),
            "address_line1": Invalid("The address is required.", name, code="billing.address_missing"),
            "city": Invalid("The city is required.", name, code="billing.city_missing")}[name]


def _too_long(name: str, longest: int) -> Invalid:
    return {"name": Invalid("The name must be at most %(most)s characters.", name, code="billing.name_too_long",
                            most=longest),
            "address_line1": Invalid("The address must be at most %(most)s characters.", name,
                                     code="billing.address_too_long", most=longest),
            "address_line2": Invalid("The second address line must be at most %(most)s characters.", name,
                                     code="billing.address_line2_too_long", most=longest),
            "city": Invalid("The city must be at most %(most)s characters.", name, code="billing.city_too_long",
                            most=longest)}[name]


def cleaned(draft: BillingInformation) -> BillingInformation:
    """`draft` with each field cleaned; Invalid naming the first field that breaks its rule."""
    values = {}
    for name, (longest, required) in TEXTS.items():
        value = clean_name(getattr(draft, name), name)
        if required and not value:
            raise _missing(name)
        if len(value) > longest:
            raise _too_long(name, longest)
        values[name] = value
    postal_code = " ".join(draft.postal_code.split()).upper()
    if postal_code and not POSTAL_CODE.fullmatch(postal_code):
        raise Invalid("A postal code is 1 to 20 letters, digits, spaces or hyphens.", "postal_code",
                      code="billing.postal_code_invalid")
    country = draft.country.strip().upper()
    if country not in COUNTRIES:
        raise Invalid("Choose the country by its two-letter ISO code, such as FR, DE or US.", "country",
                      code="billing.country_invalid")
    tax_id = re.sub(r"[\s.]", "", draft.tax_id).upper()
    if tax_id and not TAX_ID.fullmatch(tax_id):
        raise Invalid("A tax id is 4 to 20 letters, digits or hyphens, such as FR40303265045; leave it empty if "
                      "you have none.", "tax_id", code="billing.tax_id_invalid")
    return BillingInformation(**values, postal_code=postal_code, country=country, tax_id=tax_id,
                              billing_email=normalize_email(draft.billing_email, "billing_email"))


def information(uow, provider_id: str) -> dict:
    """The provider's billing information (empty fields until it is given)."""
    account = uow.get(BillingAccount, provider_id)
    return information_of(account) if account else {name: "" for name in INFORMATION_FIELDS}


def update_information(uow, provider_id: str, draft: BillingInformation, context: dict) -> dict:
    """Replace the provider's billing information; invoices issued from now on carry it."""
    clean = cleaned(draft)
    account = account_of(uow, provider_id)
    changed = sorted(name for name in INFORMATION_FIELDS if getattr(account, name) != getattr(clean, name))
    if changed:
        for name in INFORMATION_FIELDS:
            setattr(account, name, getattr(clean, name))
        uow.add(account)
        uow.publish(Event("information.updated", {"provider_id": provider_id, "name": clean.name,
                                                  "country": clean.country, "changed": changed},
                          subject=provider_id, providerid=provider_id, **context))
    uow.commit()
    return information_of(account)
