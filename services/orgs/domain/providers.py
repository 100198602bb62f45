"""Providers and their staff: who may act for a provider. No Flask here."""
from __future__ import annotations

from sqlmodel import select

from services.common.envelope import Event
from services.common.errors import Conflict, Forbidden, Invalid, NotFound
from services.common.validation import normalize_email, require_encstring

from ..models import Provider, ProviderUser

PROVIDER_ROLES = ("admin", "service_user")


def provider_name(value: str) -> str:
    """A provider's name, trimmed; Invalid when empty or too long."""
    name = " ".join((value or "").split())
    if not name or len(name) > 99:
        raise Invalid("The provider name must be 1 to 99 characters long.", "name")
    return name


class NotAProviderUser(NotFound):
    """The actor is not a confirmed user of that provider (or it does not exist)."""

    def __init__(self):
        super().__init__("No such provider.")


class NotAProviderAdmin(Forbidden):
    """Only a provider admin may do this."""

    def __init__(self):
        super().__init__("Only a provider admin can do this.")




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
    name = provider_name(name)
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

