"""The rules of providers, client organizations, members and seats. No Flask here.

Every handler takes the acting user's id and a unit of work, checks the actor may act,
changes rows, records the events, and commits. An actor who is not a member of a
provider learns nothing about it: every refusal of that kind is NotFound.
"""
from .access import OrganizationAccess, organization_access, organization_overview, organizations_administered
from .clients import (CLIENT_SORTS, MAX_NAME_LENGTH, MAX_SEATS, MIN_SEATS, PAGE_SIZE, PLANS, ClientDraft,
                      ClientNameTaken, ClientPage, ClientRow, SeatsBelowUsed, change_seats, client_name, client_of,
                      create_client, list_clients, plan_name, seat_count, seats_used, unlink_client)
from .providers import (PROVIDER_ROLES, NotAProviderAdmin, NotAProviderUser, add_confirmed_provider_user,
                        create_provider, provider_admin, provider_user, providers_of)

__all__ = [
    "CLIENT_SORTS",
    "ClientDraft",
    "ClientNameTaken",
    "ClientPage",
    "ClientRow",
    "MAX_NAME_LENGTH",
    "MAX_SEATS",
    "MIN_SEATS",
    "NotAProviderAdmin",
    "NotAProviderUser",
    "OrganizationAccess",
    "PAGE_SIZE",
    "PLANS",
    "PROVIDER_ROLES",
    "SeatsBelowUsed",
    "add_confirmed_provider_user",
    "change_seats",
    "client_name",
    "client_of",
    "create_client",
    "create_provider",
    "list_clients",
    "organization_access",
    "organization_overview",
    "organizations_administered",
    "plan_name",
    "provider_admin",
    "provider_user",
    "providers_of",
    "seat_count",
    "seats_used",
    "unlink_client",
]
