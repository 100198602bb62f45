"""The rules of providers, client organizations, members and seats. No Flask here.

Every handler takes the acting user's id and a unit of work, checks the actor may act,
changes rows, records the events, and commits. An actor who is not a member of a
provider learns nothing about it: every refusal of that kind is NotFound.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import select

from services.common.envelope import Event
from services.common.errors import Conflict, Forbidden, Invalid, NotFound
from services.common.validation import normalize_email, require_encstring, require_public_key

from .models import Member, Organization, Provider, ProviderOrganization, ProviderUser

PLANS = ("Teams", "Enterprise")
PROVIDER_ROLES = ("admin", "service_user")
MIN_SEATS, MAX_SEATS = 1, 10_000
MAX_NAME_LENGTH = 99
PAGE_SIZE = 50
CLIENT_SORTS = ("name", "assigned", "used", "remaining", "plan")


class ClientNameTaken(Conflict):
    """The provider already has a client of that name."""


class SeatsBelowUsed(Invalid):
    """Fewer seats than members already placed."""


class NotAProviderUser(NotFound):
    """The actor is not a confirmed user of that provider (or it does not exist)."""

    def __init__(self):
        super().__init__("No such provider.")


class NotAProviderAdmin(Forbidden):
    """Only a provider admin may do this."""

    def __init__(self):
        super().__init__("Only a provider admin can do this.")


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
    """A client's name, trimmed; Invalid when empty or too long."""
    name = " ".join((value or "").split())
    if not name:
        raise Invalid("Enter the organization's name.", "name")
    if len(name) > MAX_NAME_LENGTH:
        raise Invalid("The organization name must be shorter than 100 characters.", "name")
    return name


def seat_count(value: int) -> int:
    """`value` if it is an allowed number of seats; Invalid otherwise."""
    if isinstance(value, bool) or not isinstance(value, int) or not MIN_SEATS <= value <= MAX_SEATS:
        raise Invalid("Seats must be a whole number from 1 to 10,000.", "seats")
    return value


def plan_name(value: str) -> str:
    """`value` if it is a plan we sell; Invalid otherwise."""
    if value not in PLANS:
        raise Invalid("Choose the Teams or Enterprise plan.", "plan")
    return value


# --- providers -------------------------------------------------------------------------------

def provider_user(uow, actor_id: str, provider_id: str) -> ProviderUser:
    """The actor's confirmed place in the provider; NotAProviderUser otherwise."""
    row = uow.first(select(ProviderUser).where(
        ProviderUser.provider_id == provider_id, ProviderUser.user_id == actor_id,
        ProviderUser.status == "confirmed"))
    if row is None:
        raise NotAProviderUser()
    return row


def provider_admin(uow, actor_id: str, provider_id: str) -> ProviderUser:
    """The actor's place in the provider if they are its admin."""
    row = provider_user(uow, actor_id, provider_id)
    if row.role != "admin":
        raise NotAProviderAdmin()
    return row


def create_provider(uow, actor_id: str, name: str, admin_email: str, wrapped_provider_key: str,
                    context: dict) -> Provider:
    """Set up a provider whose first admin (and confirmed user) is the actor."""
    name = client_name(name)
    provider = Provider(name=name)
    admin = ProviderUser(provider_id=provider.id, user_id=actor_id, email=normalize_email(admin_email),
                         role="admin", status="confirmed",
                         wrapped_provider_key=require_encstring(wrapped_provider_key, 4, "wrapped_provider_key"))
    uow.add(provider)
    uow.flush()
    uow.add(admin)
    uow.publish(Event("provider.created", {"provider_id": provider.id, "name": name},
                      subject=provider.id, providerid=provider.id, **context))
    uow.publish(_provider_user_confirmed(admin, context))
    uow.commit()
    return provider


def add_confirmed_provider_user(uow, actor_id: str, provider_id: str, user_id: str, email: str, role: str,
                                wrapped_provider_key: str, context: dict) -> ProviderUser:
    """Add a provider user to whom the admin has already wrapped the provider key."""
    provider_admin(uow, actor_id, provider_id)
    if role not in PROVIDER_ROLES:
        raise Invalid("Choose the Provider Admin or Service User role.", "role")
    existing = uow.first(select(ProviderUser).where(ProviderUser.provider_id == provider_id,
                                                    ProviderUser.user_id == user_id))
    if existing is not None:
        raise Conflict("This person is already a user of the provider.", "email")
    row = ProviderUser(provider_id=provider_id, user_id=user_id, email=normalize_email(email), role=role,
                       status="confirmed",
                       wrapped_provider_key=require_encstring(wrapped_provider_key, 4, "wrapped_provider_key"))
    uow.add(row)
    uow.publish(_provider_user_confirmed(row, context))
    uow.commit()
    return row


def _provider_user_confirmed(row: ProviderUser, context: dict) -> Event:
    return Event("provider.user.confirmed",
                 {"provider_user_id": row.id, "user_id": row.user_id, "email": row.email, "role": row.role},
                 subject=row.id, providerid=row.provider_id, **context)


def providers_of(uow, actor_id: str) -> list[tuple[Provider, ProviderUser]]:
    """The providers the actor is a confirmed user of, with their place in each."""
    statement = (select(Provider, ProviderUser).join(ProviderUser, ProviderUser.provider_id == Provider.id)
                 .where(ProviderUser.user_id == actor_id, ProviderUser.status == "confirmed")
                 .order_by(Provider.name))
    return list(uow.scalars(statement))


# --- clients ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class ClientRow:
    """One line of a provider's Clients table."""

    organization_id: str
    name: str
    assigned: int
    used: int
    plan: str

    @property
    def remaining(self) -> int:
        """Seats not yet taken."""
        return self.assigned - self.used


@dataclass(frozen=True)
class ClientPage:
    """One page of the Clients table and what is needed to page through it."""

    rows: list[ClientRow]
    total: int
    page: int
    pages: int


def list_clients(uow, actor_id: str, provider_id: str, sort: str = "name", direction: str = "asc",
                 search: str = "", page: int = 1) -> ClientPage:
    """The provider's clients, searched, sorted and paged by the database."""
    provider_user(uow, actor_id, provider_id)
    if sort not in CLIENT_SORTS:
        raise Invalid("Sort by name, assigned, used, remaining or plan.", "sort")
    if direction not in ("asc", "desc"):
        raise Invalid("Sort direction must be asc or desc.", "direction")
    used = (select(Member.organization_id, func.count(Member.id).label("used"))
            .where(Member.status != "revoked").group_by(Member.organization_id).subquery())
    used_count = func.coalesce(used.c.used, 0)
    columns = {"name": func.lower(Organization.name), "assigned": Organization.seats, "used": used_count,
               "remaining": Organization.seats - used_count, "plan": Organization.plan}
    order = columns[sort].asc() if direction == "asc" else columns[sort].desc()
    statement = (select(Organization.id, Organization.name, Organization.seats, used_count, Organization.plan)
                 .join(ProviderOrganization, ProviderOrganization.organization_id == Organization.id)
                 .outerjoin(used, used.c.organization_id == Organization.id)
                 .where(ProviderOrganization.provider_id == provider_id))
    needle = " ".join((search or "").split())[:100]
    if needle:
        escaped = needle.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        statement = statement.where(func.lower(Organization.name).like(f"%{escaped}%", escape="\\"))
    total = uow.session.exec(select(func.count()).select_from(statement.subquery())).one()
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(1, page), pages)
    statement = statement.order_by(order, func.lower(Organization.name), Organization.id)
    rows = uow.session.exec(statement.offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)).all()
    return ClientPage([ClientRow(*row) for row in rows], total, page, pages)


def create_client(uow, actor_id: str, provider_id: str, draft: ClientDraft, context: dict) -> Organization:
    """Create a client organization, link it to the provider and invite its owner."""
    provider_user(uow, actor_id, provider_id)
    name = client_name(draft.name)
    plan = plan_name(draft.plan)
    seats = seat_count(draft.seats)
    owner_email = normalize_email(draft.owner_email, "owner_email")
    billing_email = normalize_email(draft.billing_email, "billing_email")
    _require_free_name(uow, provider_id, name)
    organization = Organization(
        name=name, plan=plan, seats=seats, billing_email=billing_email,
        public_key=require_public_key(draft.public_key),
        encrypted_private_key=require_encstring(draft.encrypted_private_key, 2, "encrypted_private_key"))
    link = ProviderOrganization(provider_id=provider_id, organization_id=organization.id,
                                client_name_key=name.lower(),
                                encrypted_org_key=require_encstring(draft.encrypted_org_key, 2, "encrypted_org_key"))
    owner = Member(organization_id=organization.id, email=owner_email, role="owner", status="invited")
    uow.add(organization)
    uow.flush()
    uow.add(link)
    uow.add(owner)
    envelope = dict(orgid=organization.id, providerid=provider_id, **context)
    uow.publish(Event("org.created", {"organization_id": organization.id, "name": name, "plan": plan,
                                      "seats": seats, "billing_email": billing_email},
                      subject=organization.id, **envelope))
    uow.publish(Event("org.member.invited", {"member_id": owner.id, "organization_id": organization.id,
                                             "organization_name": name, "email": owner_email, "role": "owner"},
                      subject=owner.id, **envelope))
    uow.commit()
    return organization


def _require_free_name(uow, provider_id: str, name: str) -> None:
    taken = uow.first(select(ProviderOrganization.id).where(
        ProviderOrganization.provider_id == provider_id, ProviderOrganization.client_name_key == name.lower()))
    if taken is not None:
        raise ClientNameTaken("You already have a client with this name.", "name")


def client_of(uow, actor_id: str, provider_id: str, organization_id: str) -> tuple[Organization, ProviderOrganization]:
    """One client of the provider, if the actor is a user of it."""
    provider_user(uow, actor_id, provider_id)
    found = uow.first(select(Organization, ProviderOrganization)
                      .join(ProviderOrganization, ProviderOrganization.organization_id == Organization.id)
                      .where(Organization.id == organization_id, ProviderOrganization.provider_id == provider_id))
    if found is None:
        raise NotFound("No such client organization.")
    return found


def seats_used(uow, organization_id: str) -> int:
    """How many seats the organization's members take (invited members count)."""
    return uow.session.exec(select(func.count(Member.id)).where(
        Member.organization_id == organization_id, Member.status != "revoked")).one()


def change_seats(uow, actor_id: str, provider_id: str, organization_id: str, seats: int,
                 context: dict) -> Organization:
    """Set a client's seat count; never below the seats its members already take."""
    organization, _ = client_of(uow, actor_id, provider_id, organization_id)
    seats = seat_count(seats)
    used = seats_used(uow, organization_id)
    if seats < used:
        raise SeatsBelowUsed("Seats cannot be fewer than the members already placed.", "seats")
    previous = organization.seats
    if seats == previous:
        return organization
    organization.seats = seats
    uow.add(organization)
    uow.publish(Event("org.seats.changed", {"organization_id": organization.id, "plan": organization.plan,
                                            "seats": seats, "previous_seats": previous},
                      subject=organization.id, orgid=organization.id, providerid=provider_id, **context))
    uow.commit()
    return organization


def unlink_client(uow, actor_id: str, provider_id: str, organization_id: str, context: dict) -> None:
    """Detach a client from the provider: its staff lose access, the organization stays."""
    provider_admin(uow, actor_id, provider_id)
    organization, link = client_of(uow, actor_id, provider_id, organization_id)
    uow.session.delete(link)
    uow.publish(Event("org.unlinked", {"organization_id": organization.id, "name": organization.name},
                      subject=organization.id, orgid=organization.id, providerid=provider_id, **context))
    uow.commit()


# --- the Admin Console -------------------------------------------------------------------------

@dataclass(frozen=True)
class OrganizationAccess:
    """How the actor reaches an organization: through a provider, or as a member."""

    provider_id: str | None
    role: str
    encrypted_org_key: str | None  # under the provider key when through a provider


def organization_access(uow, actor_id: str, organization_id: str) -> OrganizationAccess:
    """The actor's way into the organization; NotFound when there is none."""
    link = uow.first(select(ProviderOrganization).where(ProviderOrganization.organization_id == organization_id))
    if link is not None:
        staff = uow.first(select(ProviderUser).where(
            ProviderUser.provider_id == link.provider_id, ProviderUser.user_id == actor_id,
            ProviderUser.status == "confirmed"))
        if staff is not None:
            return OrganizationAccess(link.provider_id, "provider_" + staff.role, link.encrypted_org_key)
    member = uow.first(select(Member).where(Member.organization_id == organization_id, Member.user_id == actor_id,
                                            Member.status == "confirmed", Member.role.in_(("owner", "admin"))))
    if member is not None:
        return OrganizationAccess(None, member.role, member.wrapped_org_key)
    raise NotFound("No such organization.")


def organizations_administered(uow, actor_id: str) -> list[tuple[Organization, Member]]:
    """The organizations where the actor is a confirmed owner or admin."""
    return list(uow.scalars(select(Organization, Member).join(Member, Member.organization_id == Organization.id)
                            .where(Member.user_id == actor_id, Member.status == "confirmed",
                                   Member.role.in_(("owner", "admin"))).order_by(Organization.name)))


def organization_overview(uow, actor_id: str, organization_id: str):
    """The organization, its members and the actor's access, for the Admin Console."""
    access = organization_access(uow, actor_id, organization_id)
    organization = uow.get(Organization, organization_id)
    members = list(uow.scalars(select(Member).where(Member.organization_id == organization_id)
                               .order_by(Member.email)))
    return organization, members, access
