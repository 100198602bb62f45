"""How a user reaches an organization: through its provider, or as its owner or admin."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_
from sqlmodel import select

from services.common.envelope import Event
from services.common.errors import NotFound

from ..models import Member, Organization, ProviderOrganization, ProviderUser, ProviderUserClient
from .permissions import Standing

# How the actor's copy of the org key is sealed: under the provider key (type 2), or wrapped to the actor's
# own public key (type 4: a member's key, or a scoped Service User's grant).
KEY_PATHS = ("provider", "wrapped")


@dataclass(frozen=True)
class OrganizationAccess:
    """How the actor reaches an organization: through a provider, or as a member."""

    provider_id: str | None
    encrypted_org_key: str | None  # under the provider key, or wrapped to the actor (see key_path)
    standing: Standing
    key_path: str = "wrapped"

    @property
    def role(self) -> str:
        """owner, admin, custom, or provider_admin / provider_service_user."""
        return self.standing.role


@dataclass(frozen=True)
class ClientStaff:
    """Confirmed staff of a client's provider, with the copy of the client's org key they reach it by."""

    staff: ProviderUser
    encrypted_org_key: str
    key_path: str


def client_staff_key(uow, actor_id: str, organization_id: str) -> ClientStaff | None:
    """The actor as staff of the organization's provider, and their way to its key; None when they are not,
    or are a scoped Service User the client was not given to (with its key). The one query of orgs that says
    whether provider staff reach a client (a unit test keeps it so)."""
    found = uow.session.exec(
        select(ProviderUser, ProviderOrganization.encrypted_org_key, ProviderUserClient.wrapped_org_key)
        .join(ProviderOrganization, ProviderOrganization.provider_id == ProviderUser.provider_id)
        .outerjoin(ProviderUserClient, and_(ProviderUserClient.provider_user_id == ProviderUser.id,
                                            ProviderUserClient.organization_id == ProviderOrganization.organization_id))
        .where(ProviderOrganization.organization_id == organization_id, ProviderUser.user_id == actor_id,
               ProviderUser.status == "confirmed")).first()
    if found is None:
        return None
    staff, sealed, granted = found
    if not staff.scoped:
        return ClientStaff(staff, sealed, "provider")
    return ClientStaff(staff, granted, "wrapped") if granted else None


def client_staff(uow, actor_id: str, organization_id: str) -> ProviderUser | None:
    """Confirmed staff of the client's provider who may reach it (a scoped user only in a client given to them)."""
    found = client_staff_key(uow, actor_id, organization_id)
    return found.staff if found else None


def organization_access(uow, actor_id: str, organization_id: str) -> OrganizationAccess:
    """The actor's way into the organization; NotFound when there is none."""
    found = client_staff_key(uow, actor_id, organization_id)
    if found is not None:
        return OrganizationAccess(found.staff.provider_id, found.encrypted_org_key,
                                  Standing.of("provider_" + found.staff.role), found.key_path)
    member = uow.first(select(Member).where(Member.organization_id == organization_id, Member.user_id == actor_id,
                                            Member.status == "confirmed"))
    if member is not None and administers(member):
        return OrganizationAccess(None, member.wrapped_org_key, Standing.of(member.role, member.permissions or ()))
    raise NotFound("No such organization.", code="organization.not_found")


def administers(member: Member) -> bool:
    """Whether a confirmed member has any part in running the organization (the Admin Console)."""
    return member.role in ("owner", "admin") or (member.role == "custom" and bool(member.permissions))


def organizations_administered(uow, actor_id: str) -> list[tuple[Organization, Member]]:
    """The organizations the actor helps run as a confirmed owner, admin or custom member."""
    rows = uow.scalars(select(Organization, Member).join(Member, Member.organization_id == Organization.id)
                       .where(Member.user_id == actor_id, Member.status == "confirmed").order_by(Organization.name))
    return [(organization, member) for organization, member in rows if administers(member)]


def organization_overview(uow, actor_id: str, organization_id: str):
    """The organization, its members and the actor's access, for the Admin Console."""
    access = organization_access(uow, actor_id, organization_id)
    organization = uow.get(Organization, organization_id)
    members = list(uow.scalars(select(Member).where(Member.organization_id == organization_id)
                               .order_by(Member.email)))
    return organization, members, access



def record_provider_access(uow, actor_id: str, organization_id: str, context: dict) -> None:
    """Log that a provider user opened a client (Bitwarden's ProviderOrganization_VaultAccessed)."""
    access = organization_access(uow, actor_id, organization_id)
    staff = client_staff(uow, actor_id, organization_id)
    if staff is None:
        return
    uow.publish(Event("org.vault.accessed_by_provider", {"organization_id": organization_id,
                                                        "provider_user_id": staff.id},
                      subject=organization_id, orgid=organization_id, providerid=access.provider_id, **context))
    uow.commit()


def memberships(uow, actor_id: str) -> list[tuple[Organization, Member]]:
    """The organizations where the actor is a confirmed member, with the org key wrapped to them."""
    return list(uow.scalars(select(Organization, Member).join(Member, Member.organization_id == Organization.id)
                            .where(Member.user_id == actor_id, Member.status == "confirmed")
                            .order_by(Organization.name)))
