"""Client organizations of a provider: the Clients table, adding, seats, unlinking."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, update
from sqlmodel import select

from services.common.envelope import Event
from services.common.errors import Conflict, Invalid, NotFound
from services.common.validation import clean_name, name_key, normalize_email, require_encstring, require_public_key

from ..models import Member, Organization, Provider, ProviderOrganization, ProviderUserClient
from .members import _lock, seats_changed
from .paging import Ordering, window
from .providers import provider_acting, provider_user
from .scopes import forget_client_grants

PLANS = ("Teams", "Enterprise")
MIN_SEATS, MAX_SEATS = 1, 10_000
# Seats a plan allows at most (ADR 6): Teams is for smaller organizations.
PLAN_MAX_SEATS = {"Teams": 1_000, "Enterprise": 10_000}
MAX_NAME_LENGTH = 99
KEY_SIZE = 100  # the client_name_key column
PAGE_SIZE = 50
CLIENT_SORTS = ("name", "assigned", "used", "remaining", "plan")


class ClientNameTaken(Conflict):
    """The provider already has a client of that name."""

    code = "client.name_taken"


class NoConfirmedOwner(Conflict):
    """Unlinking would leave a client nobody can run."""

    code = "client.no_confirmed_owner"


class SeatsBelowUsed(Invalid):
    """Fewer seats than members already placed."""

    code = "seats.below_used"


@dataclass(frozen=True)
class ClientDraft:
    """What a provider user types to add a client organization, plus the keys the gateway made."""

    name: str
    plan: str
    seats: int
    owner_email: str
    billing_email: str
    public_key: str
    encrypted_private_key: str
    encrypted_org_key: str


def client_name(value: str) -> str:
    """A client's name, cleaned (see `clean_name`); Invalid when empty or too long."""
    name = clean_name(value)
    if not name:
        raise Invalid("Enter the organization's name.", "name", code="organization.name_missing")
    if len(name) > MAX_NAME_LENGTH:
        raise Invalid("The organization name must be shorter than 100 characters.", "name",
                      code="organization.name_too_long")
    return name


def seat_count(value: int, plan: str | None = None) -> int:
    """`value` if it is an allowed number of seats (for `plan`); Invalid otherwise."""
    if isinstance(value, bool) or not isinstance(value, int) or not MIN_SEATS <= value <= MAX_SEATS:
        raise Invalid("Seats must be a whole number from 1 to 10,000.", "seats", code="seats.out_of_range")
    if plan in PLAN_MAX_SEATS and value > PLAN_MAX_SEATS[plan]:
        raise Invalid("The %(plan)s plan allows at most %(most)s seats.", "seats", code="seats.above_plan",
                      plan=plan, most=PLAN_MAX_SEATS[plan])
    return value


def plan_name(value: str) -> str:
    """`value` if it is a plan we sell; Invalid otherwise."""
    if value not in PLANS:
        raise Invalid("Choose the Teams or Enterprise plan.", "plan", code="plan.invalid")
    return value



@dataclass(frozen=True)
class ClientRow:
    """One line of a provider's Clients table."""

    organization_id: str
    name: str
    assigned: int
    used: int
    plan: str
    non_compliant: int = 0  # members not meeting the provider's policies (ADR 28), kept on the organization

    @property
    def remaining(self) -> int:
        """Seats not yet taken."""
        return self.assigned - self.used


@dataclass(frozen=True)
class ClientPage:
    """One page of the Clients table, and the cursors of the pages around it."""

    rows: list[ClientRow]
    total: int | None  # every client of the provider (kept, not counted); None for a search
    previous: str | None  # cursor: the page before this one ends before it
    next: str | None  # cursor: the page after this one starts after it


# Each sort's key within a provider as its index holds it (the last column is unique), and how
# a row gives it. Names sort by the case-folded key the provider's names are unique by.
CLIENT_KEYS = {
    "name": ((ProviderOrganization.client_name_key,), (str,), lambda row: (row.client_name_key,)),
    "assigned": ((Organization.seats, Organization.id), (int, str), lambda row: (row.seats, row.id)),
    "used": ((Organization.used_seats, Organization.id), (int, str), lambda row: (row.used_seats, row.id)),
    "remaining": ((Organization.remaining_seats, Organization.id), (int, str),
                  lambda row: (row.seats - row.used_seats, row.id)),
    "plan": ((Organization.plan, Organization.id), (str, str), lambda row: (row.plan, row.id)),
}


COMPLIANCE_FILTERS = ("", "non_compliant")


def list_clients(uow, actor_id: str, provider_id: str, sort: str = "name", direction: str = "asc",
                 search: str = "", after: str = "", before: str = "", compliance: str = "") -> ClientPage:
    """A page of the provider's clients, searched and sorted, after or before a cursor.

    Every sort walks an index from the cursor on, so a page costs the same among 100,000
    clients as among 1,000; used seats are read from the organization, never counted.
    """
    staff = provider_user(uow, actor_id, provider_id)
    if sort not in CLIENT_SORTS:
        raise Invalid("Sort by name, assigned, used, remaining or plan.", "sort", code="clients.sort_invalid")
    if direction not in ("asc", "desc"):
        raise Invalid("Sort direction must be asc or desc.", "direction", code="sort.direction_invalid")
    if compliance not in COMPLIANCE_FILTERS:
        raise Invalid("Show every client, or only the non-compliant ones.", "compliance",
                      code="clients.compliance_filter_invalid")
    columns, types, key_of = CLIENT_KEYS[sort]
    ordering = Ordering("clients", provider_id, sort, direction == "desc", columns, types)
    # The name sort walks the links' (provider, name key) index, the others the organizations' own.
    scope = ProviderOrganization.provider_id if sort == "name" else Organization.provider_id
    statement = (select(Organization.id, Organization.name, Organization.seats, Organization.used_seats,
                        Organization.plan, Organization.non_compliant_members, ProviderOrganization.client_name_key)
                 .join(ProviderOrganization, ProviderOrganization.organization_id == Organization.id)
                 .where(scope == provider_id))
    if staff.scoped:
        # Their grants, sorted rather than walked in index order: scopes are small (ADR 27).
        statement = statement.join(ProviderUserClient, (ProviderUserClient.organization_id == Organization.id)
                                   & (ProviderUserClient.provider_user_id == staff.id))
    if compliance == "non_compliant":
        statement = statement.where(Organization.non_compliant_members > 0)
    needle = name_key(" ".join((search or "").split()), KEY_SIZE)
    if needle:
        escaped = needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        statement = statement.where(ProviderOrganization.client_name_key.like(f"%{escaped}%", escape="\\"))
    found = window(uow, statement, ordering, PAGE_SIZE, after, before)
    rows = [ClientRow(row.id, row.name, row.seats, row.used_seats, row.plan, row.non_compliant_members)
            for row in found.rows]
    total = None if needle or compliance else _grant_count(uow, staff.id) if staff.scoped else \
        uow.get(Provider, provider_id).client_count
    return ClientPage(rows, total,
                      ordering.cursor(key_of(found.rows[0])) if found.has_previous and found.rows else None,
                      ordering.cursor(key_of(found.rows[-1])) if found.has_next and found.rows else None)


def create_client(uow, actor_id: str, provider_id: str, draft: ClientDraft, context: dict) -> Organization:
    """Create a client organization, link it to the provider and invite its owner."""
    provider_acting(uow, actor_id, provider_id, "create_client")
    name = client_name(draft.name)
    plan = plan_name(draft.plan)
    seats = seat_count(draft.seats, plan)
    owner_email = normalize_email(draft.owner_email, "owner_email")
    billing_email = normalize_email(draft.billing_email, "billing_email")
    _require_free_name(uow, provider_id, name)
    organization = Organization(
        name=name, plan=plan, seats=seats, billing_email=billing_email, used_seats=1, provider_id=provider_id,
        public_key=require_public_key(draft.public_key),
        encrypted_private_key=require_encstring(draft.encrypted_private_key, 2, "encrypted_private_key"))
    link = ProviderOrganization(provider_id=provider_id, organization_id=organization.id,
                                client_name_key=name_key(name, KEY_SIZE),
                                encrypted_org_key=require_encstring(draft.encrypted_org_key, 2, "encrypted_org_key"))
    owner = Member(organization_id=organization.id, email=owner_email, role="owner", status="invited")
    uow.add(organization)
    uow.flush()
    uow.add(link)
    uow.add(owner)
    _count_clients(uow, provider_id, 1)
    envelope = dict(orgid=organization.id, providerid=provider_id, **context)
    uow.publish(Event("org.created", {"organization_id": organization.id, "name": name, "plan": plan,
                                      "seats": seats, "billing_email": billing_email},
                      subject=organization.id, **envelope))
    uow.publish(Event("org.member.invited", {"member_id": owner.id, "organization_id": organization.id,
                                             "organization_name": name, "email": owner_email, "name": None,
                                             "role": "owner"},
                      subject=owner.id, **envelope))
    uow.commit()
    return organization


@dataclass(frozen=True)
class OrganizationDraft:
    """An organization someone creates for themselves, with the keys their gateway made."""

    name: str
    plan: str
    seats: int
    billing_email: str
    owner_email: str
    public_key: str
    encrypted_private_key: str
    wrapped_org_key: str  # the org key wrapped to the creator's own public key (type 4)


def create_standalone(uow, actor_id: str, draft: OrganizationDraft, context: dict) -> Organization:
    """Create an organization whose first member, its confirmed owner, is the actor."""
    name = client_name(draft.name)
    plan = plan_name(draft.plan)
    organization = Organization(
        name=name, plan=plan, seats=seat_count(draft.seats, plan), used_seats=1,
        billing_email=normalize_email(draft.billing_email, "billing_email"),
        public_key=require_public_key(draft.public_key),
        encrypted_private_key=require_encstring(draft.encrypted_private_key, 2, "encrypted_private_key"))
    owner = Member(organization_id=organization.id, user_id=actor_id, email=normalize_email(draft.owner_email),
                   role="owner", status="confirmed",
                   wrapped_org_key=require_encstring(draft.wrapped_org_key, 4, "wrapped_org_key"))
    uow.add(organization)
    uow.flush()
    uow.add(owner)
    uow.publish(Event("org.standalone.created", {"organization_id": organization.id, "name": name, "plan": plan,
                                                 "seats": organization.seats,
                                                 "billing_email": organization.billing_email},
                      subject=organization.id, orgid=organization.id, **context))
    uow.commit()
    return organization


def attachable(uow, actor_id: str, provider_id: str) -> list[Organization]:
    """The organizations a provider admin owns that belong to no provider yet."""
    provider_acting(uow, actor_id, provider_id, "add_existing_client")
    linked = select(ProviderOrganization.organization_id)
    return list(uow.scalars(select(Organization).join(Member, Member.organization_id == Organization.id)
                            .where(Member.user_id == actor_id, Member.role == "owner", Member.status == "confirmed",
                                   Organization.id.not_in(linked)).order_by(Organization.name)))


def add_existing(uow, actor_id: str, provider_id: str, organization_id: str, encrypted_org_key: str,
                 context: dict) -> Organization:
    """Attach an organization the provider admin owns as a client (its org key sealed under the provider key)."""
    if organization_id not in {o.id for o in attachable(uow, actor_id, provider_id)}:
        raise NotFound("Choose an organization you own that no provider manages yet.", "organization_id",
                       code="client.organization_not_linkable")
    organization = uow.get(Organization, organization_id)
    _require_free_name(uow, provider_id, organization.name)
    uow.add(ProviderOrganization(provider_id=provider_id, organization_id=organization_id,
                                 client_name_key=name_key(organization.name, KEY_SIZE),
                                 encrypted_org_key=require_encstring(encrypted_org_key, 2, "encrypted_org_key")))
    organization.provider_id = provider_id
    uow.add(organization)
    _count_clients(uow, provider_id, 1)
    uow.publish(Event("org.added", {"organization_id": organization_id, "name": organization.name},
                      subject=organization_id, orgid=organization_id, providerid=provider_id, **context))
    uow.commit()
    return organization


def _count_clients(uow, provider_id: str, change: int) -> None:
    # One UPDATE adds to the stored count, so clients added at the same moment are all counted.
    uow.session.exec(update(Provider).where(Provider.id == provider_id)
                     .values(client_count=Provider.client_count + change))


def _require_free_name(uow, provider_id: str, name: str) -> None:
    taken = uow.first(select(ProviderOrganization.id).where(
        ProviderOrganization.provider_id == provider_id,
        ProviderOrganization.client_name_key == name_key(name, KEY_SIZE)))
    if taken is not None:
        raise ClientNameTaken("You already have a client with this name.", "name", code="client.name_taken")


def _grant_count(uow, provider_user_id: str) -> int:
    return uow.session.exec(select(func.count()).select_from(ProviderUserClient)
                            .where(ProviderUserClient.provider_user_id == provider_user_id)).one()


def client_of(uow, actor_id: str, provider_id: str, organization_id: str) -> tuple[Organization, ProviderOrganization]:
    """One client of the provider, if the actor is a user of it (and it was given to them, when scoped)."""
    staff = provider_user(uow, actor_id, provider_id)
    statement = (select(Organization, ProviderOrganization)
                 .join(ProviderOrganization, ProviderOrganization.organization_id == Organization.id)
                 .where(Organization.id == organization_id, ProviderOrganization.provider_id == provider_id))
    if staff.scoped:
        statement = statement.join(ProviderUserClient, (ProviderUserClient.organization_id == Organization.id)
                                   & (ProviderUserClient.provider_user_id == staff.id))
    found = uow.first(statement)
    if found is None:
        raise NotFound("No such client organization.", code="client.not_found")
    return found


def change_seats(uow, actor_id: str, provider_id: str, organization_id: str, seats: int,
                 context: dict, autoscale_max_seats: int | None = None) -> Organization:
    """Set a client's seats, and how far invitations may grow them on their own.

    Never below the seats its members already take; never above the plan's maximum.
    """
    provider_acting(uow, actor_id, provider_id, "change_seats")
    organization, _ = client_of(uow, actor_id, provider_id, organization_id)
    seats = seat_count(seats, organization.plan)
    if autoscale_max_seats is not None:
        autoscale_max_seats = seat_count(autoscale_max_seats, organization.plan)
        if autoscale_max_seats < seats:
            raise Invalid("The autoscaling limit cannot be below the seats.", "autoscale_max_seats",
                          code="seats.autoscale_below_seats")
    organization = _lock(uow, organization_id)  # no invitation takes a seat between the count and the change
    used = organization.used_seats
    if seats < used:
        raise SeatsBelowUsed("Seats cannot be fewer than the members who use a seat (%(used)s).", "seats", used=used)
    previous = organization.seats
    if (seats, autoscale_max_seats) == (previous, organization.autoscale_max_seats):
        return organization
    organization.seats, organization.autoscale_max_seats = seats, autoscale_max_seats
    uow.add(organization)
    uow.publish(seats_changed(organization, previous, {"providerid": provider_id, **context}))
    uow.commit()
    return organization


def change_plan(uow, actor_id: str, provider_id: str, organization_id: str, plan: str, context: dict) -> Organization:
    """Move a client to another plan (Manage subscription); its seats stay, so the plan must allow them."""
    # The same Provider Admins who set a client's seats: plan and seats are one subscription.
    provider_acting(uow, actor_id, provider_id, "change_seats")
    client_of(uow, actor_id, provider_id, organization_id)
    plan = plan_name(plan)
    organization = _lock(uow, organization_id)
    wanted = max(organization.seats, organization.autoscale_max_seats or 0)
    if wanted > PLAN_MAX_SEATS[plan]:
        raise Invalid("The %(plan)s plan allows at most %(most)s seats: lower the seats first.", "plan",
                      code="plan.seats_above_plan", plan=plan, most=PLAN_MAX_SEATS[plan])
    previous = organization.plan
    if plan == previous:
        return organization
    organization.plan = plan
    uow.add(organization)
    uow.publish(Event("org.plan.changed", {"organization_id": organization.id, "plan": plan, "previous_plan": previous,
                                           "seats": organization.seats},
                      subject=organization.id, orgid=organization.id, providerid=provider_id, **context))
    uow.commit()
    return organization


def unlink_client(uow, actor_id: str, provider_id: str, organization_id: str, context: dict) -> None:
    """Detach a client from the provider: its staff lose access, the organization stays."""
    provider_acting(uow, actor_id, provider_id, "unlink_client")
    organization, link = client_of(uow, actor_id, provider_id, organization_id)
    confirmed_owner = uow.first(select(Member.id).where(Member.organization_id == organization_id,
                                                        Member.role == "owner", Member.status == "confirmed"))
    if confirmed_owner is None:
        raise NoConfirmedOwner("A client can be unlinked only once it has a confirmed owner to run it.",
                               code="client.no_confirmed_owner")
    uow.session.delete(link)  # and with it the provider's copy of the org key
    forget_client_grants(uow, organization_id, context)  # and the copies given to scoped users
    organization.provider_id = None
    uow.add(organization)
    _count_clients(uow, provider_id, -1)
    uow.publish(Event("org.unlinked", {"organization_id": organization.id, "name": organization.name},
                      subject=organization.id, orgid=organization.id, providerid=provider_id, **context))
    uow.commit()

