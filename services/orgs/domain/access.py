"""How a user reaches an organization: through its provider, or as its owner or admin."""
from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import select

from services.common.envelope import Event
from services.common.errors import NotFound

from ..models import Member, Organization, ProviderOrganization, ProviderUser
from .permissions import Standing


@dataclass(frozen=True)
class OrganizationAccess:
    """How the actor reaches an organization: through a provider, or as a member."""

    provider_id: str | None
    encrypted_org_key: str | None  # under the provider key when through a provider
    standing: Standing

    @property
    def role(self) -> str:
        """owner, admin, custom, or provider_admin / provider_service_user."""
        return self.standing.role


def organization_access(uow, actor_id: str, organization_id: str) -> OrganizationAccess:
    """The actor's way into the organization; NotFound when there is none."""
    link = uow.first(select(ProviderOrganization).where(ProviderOrganization.organization_id == organization_id))
    if link is not None:
        staff = uow.first(select(ProviderUser).where(
            ProviderUser.provider_id == link.provider_id, ProviderUser.user_id == actor_id,
            ProviderUser.status == "confirmed"))
        if staff is not None:
            return OrganizationAccess(link.provider_id, link.encrypted_org_key, Standing.of("provider_" + staff.role))
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
    if access.provider_id is None:
        return
    staff = uow.first(select(ProviderUser).where(ProviderUser.provider_id == access.provider_id,
                                                 ProviderUser.user_id == actor_id))
    uow.publish(Event("org.vault.accessed_by_provider", {"organization_id": organization_id,
                                                        "provider_user_id": staff.id},
                      subject=organization_id, orgid=organization_id, providerid=access.provider_id, **context))
    uow.commit()


def memberships(uow, actor_id: str) -> list[tuple[Organization, Member]]:
    """The organizations where the actor is a confirmed member, with the org key wrapped to them."""
    return list(uow.scalars(select(Organization, Member).join(Member, Member.organization_id == Organization.id)
                            .where(Member.user_id == actor_id, Member.status == "confirmed")
                            .order_by(Organization.name)))
