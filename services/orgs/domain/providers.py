"""Providers and their staff: who may act for a provider. No Flask here."""
from __future__ import annotations

from sqlmodel import select

from services.common.envelope import Event
from services.common.errors import Conflict, Forbidden, Invalid, NotFound
from services.common.validation import clean_name, normalize_email, require_encstring

from ..models import Provider, ProviderUser, ProviderUserClient
from .acceptance import require_acceptable
from .members import parse_emails
from .permissions import provider_may

PROVIDER_ROLES = ("admin", "service_user")


def provider_name(value: str) -> str:
    """A provider's name, cleaned (see `clean_name`); Invalid when empty or too long."""
    name = clean_name(value)
    if not name or len(name) > 99:
        raise Invalid("The provider name must be 1 to 99 characters long.", "name", code="provider.name_length")
    return name


class NotAProviderUser(NotFound):
    """The actor is not a confirmed user of that provider (or it does not exist)."""

    code = "provider.not_found"
    template = "No such provider."


class NotAProviderAdmin(Forbidden):
    """Only a provider admin may do this."""

    code = "provider.admin_only"
    template = "Only a provider admin can do this."



def provider_user(uow, actor_id: str, provider_id: str) -> ProviderUser:
    """The actor's confirmed place in the provider; NotAProviderUser otherwise."""
    row = uow.first(select(ProviderUser).where(
        ProviderUser.provider_id == provider_id, ProviderUser.user_id == actor_id,
        ProviderUser.status == "confirmed"))
    if row is None:
        raise NotAProviderUser()
    return row


def provider_acting(uow, actor_id: str, provider_id: str, action: str) -> ProviderUser:
    """The actor's place in the provider if their role may do `action` (the permission table's)."""
    row = provider_user(uow, actor_id, provider_id)
    if not provider_may(row.role, action, row.scoped):
        raise NotAProviderAdmin()
    return row


def provider_admin(uow, actor_id: str, provider_id: str) -> ProviderUser:
    """The actor's place in the provider if they may manage its staff (Provider Admins)."""
    return provider_acting(uow, actor_id, provider_id, "manage_staff")


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
    """Add a provider user to whom the admin has already wrapped the provider key (the demo seed)."""
    provider_admin(uow, actor_id, provider_id)
    if role not in PROVIDER_ROLES:
        raise Invalid("Choose the Provider Admin or Service User role.", "role", code="staff.role_invalid")
    existing = uow.first(select(ProviderUser).where(ProviderUser.provider_id == provider_id,
                                                    ProviderUser.user_id == user_id))
    if existing is not None:
        raise Conflict("This person is already a user of the provider.", "email", code="staff.already_user")
    row = ProviderUser(provider_id=provider_id, user_id=user_id, email=normalize_email(email), role=role,
                       status="confirmed",
                       wrapped_provider_key=require_encstring(wrapped_provider_key, 4, "wrapped_provider_key"))
    uow.add(row)
    uow.publish(_provider_user_confirmed(row, context))
    uow.commit()
    return row


def key_fingerprint_of(value: str | None) -> str | None:
    """`value` if it is a SHA-256 in hex (the fingerprint of a public key), or None; Invalid otherwise."""
    if value is None:
        return None
    if not isinstance(value, str) or len(value) != 64 or any(c not in "0123456789abcdef" for c in value):
        raise Invalid("The key fingerprint must be a SHA-256 in hexadecimal.", "key_fingerprint",
                      code="staff.fingerprint_invalid")
    return value


def _provider_user_confirmed(row: ProviderUser, context: dict) -> Event:
    return _staff_event("provider.user.confirmed", row, context, user_id=row.user_id)


def providers_of(uow, actor_id: str) -> list[tuple[Provider, ProviderUser]]:
    """The providers the actor is a confirmed user of, with their place in each."""
    statement = (select(Provider, ProviderUser).join(ProviderUser, ProviderUser.provider_id == Provider.id)
                 .where(ProviderUser.user_id == actor_id, ProviderUser.status == "confirmed")
                 .order_by(Provider.name))
    return list(uow.scalars(statement))



# --- the provider's own staff ------------------------------------------------------------------

def _staff_event(event_type: str, row: ProviderUser, context: dict, **data) -> Event:
    return Event(event_type, {"provider_user_id": row.id, "provider_id": row.provider_id, "email": row.email,
                              "role": row.role, **data}, subject=row.id, providerid=row.provider_id, **context)


def _staff_row(uow, provider_id: str, provider_user_id: str, lock: bool = False) -> ProviderUser:
    # Locked by whoever changes what the row holds (its keys, its scope), so a confirmation and a scope
    # change never interleave.
    statement = select(ProviderUser).where(ProviderUser.id == provider_user_id)
    row = uow.first(statement.with_for_update() if lock else statement)
    if row is None or row.provider_id != provider_id:
        raise NotFound("No such provider user.", code="staff.not_found")
    return row


def granted_clients(uow, provider_user_id: str) -> list[ProviderUserClient]:
    """The clients given to a scoped Service User (ADR 27), with their wrapped org keys."""
    return list(uow.scalars(select(ProviderUserClient).where(ProviderUserClient.provider_user_id == provider_user_id)
                            .order_by(ProviderUserClient.organization_id)))


def list_staff(uow, actor_id: str, provider_id: str) -> list[ProviderUser]:
    """Everyone on the provider's staff, confirmed or not (provider admins only)."""
    provider_admin(uow, actor_id, provider_id)
    return list(uow.scalars(select(ProviderUser).where(ProviderUser.provider_id == provider_id)
                            .order_by(ProviderUser.email)))


def staff_member(uow, actor_id: str, provider_id: str, provider_user_id: str) -> ProviderUser:
    """One of the provider's staff (provider admins only)."""
    provider_admin(uow, actor_id, provider_id)
    return _staff_row(uow, provider_id, provider_user_id)


def invite_staff(uow, actor_id: str, provider_id: str, emails: str, role: str, context: dict) -> list:
    """Invite up to 20 people to the provider's staff as Provider Admin or Service User."""
    provider_admin(uow, actor_id, provider_id)
    if role not in PROVIDER_ROLES:
        raise Invalid("Choose the Provider Admin or Service User role.", "role", code="staff.role_invalid")
    emails = parse_emails(emails)
    taken = uow.scalars(select(ProviderUser.email).where(ProviderUser.provider_id == provider_id,
                                                         ProviderUser.email.in_(emails))).all()
    if taken:
        raise Conflict("%(email)s is already on this provider's staff.", "emails", code="staff.already_on_staff",
                           email=taken[0])
    provider = uow.get(Provider, provider_id)
    rows = [ProviderUser(provider_id=provider_id, email=email, role=role, status="invited") for email in emails]
    for row in rows:
        uow.add(row)
        uow.publish(_staff_event("provider.user.invited", row, context, provider_name=provider.name))
    uow.commit()
    return rows


def reinvite_staff(uow, actor_id: str, provider_id: str, provider_user_id: str, context: dict) -> ProviderUser:
    """Send a provider invitation again (earlier links stop working)."""
    provider_admin(uow, actor_id, provider_id)
    row = _staff_row(uow, provider_id, provider_user_id)
    if row.status != "invited":
        raise Conflict("%(email)s has already accepted.", code="staff.already_accepted", email=row.email)
    uow.publish(_staff_event("provider.user.reinvited", row, context,
                             provider_name=uow.get(Provider, provider_id).name))
    uow.commit()
    return row


def accept_staff(uow, actor_id: str, provider_id: str, provider_user_id: str, actor_email: str, actor_name: str,
                 context: dict) -> ProviderUser:
    """The invited person accepts; an admin must still confirm them (wrap the provider key)."""
    row = _staff_row(uow, provider_id, provider_user_id)
    already_in = uow.first(select(ProviderUser.id).where(ProviderUser.provider_id == provider_id,
                                                         ProviderUser.user_id == actor_id)) is not None
    require_acceptable(row.status, row.email, actor_email, already_in,
                       Conflict("You are already on this provider's staff.", code="staff.already_in"))
    row.user_id, row.name, row.status = actor_id, actor_name[:100], "accepted"
    uow.add(row)
    uow.publish(_staff_event("provider.user.accepted", row, {**context, "actorid": actor_id}))
    uow.commit()
    return row


class ScopeChanged(Conflict):
    """The keys sent to confirm someone are not for the clients they are given now."""

    code = "staff.scope_changed"


def confirm_staff(uow, actor_id: str, provider_id: str, provider_user_id: str, wrapped_provider_key: str | None,
                  context: dict, wrapped_org_keys: dict | None = None,
                  key_fingerprint: str | None = None) -> ProviderUser:
    """Confirm an accepted provider user: the provider key wrapped to their public key, or, for a scoped
    Service User, exactly their clients' org keys (ADR 27). `key_fingerprint` is the SHA-256 of the key
    whose fingerprint phrase the admin accepted."""
    provider_admin(uow, actor_id, provider_id)
    row = _staff_row(uow, provider_id, provider_user_id, lock=True)
    if row.status != "accepted":
        raise Conflict("Only accepted provider users can be confirmed.", code="staff.not_accepted")
    fingerprint = key_fingerprint_of(key_fingerprint)
    if row.scoped:
        grants = {grant.organization_id: grant for grant in granted_clients(uow, row.id)}
        if wrapped_provider_key is not None or set(wrapped_org_keys or {}) != set(grants):
            raise ScopeChanged("The clients given to %(email)s changed meanwhile: check them and confirm again.",
                               code="staff.scope_changed", email=row.email)
        for organization_id, grant in grants.items():
            grant.wrapped_org_key = require_encstring(wrapped_org_keys[organization_id], 4, "wrapped_org_keys")
            uow.add(grant)
    else:
        if wrapped_org_keys:
            raise ScopeChanged("The clients given to %(email)s changed meanwhile: check them and confirm again.",
                               code="staff.scope_changed", email=row.email)
        row.wrapped_provider_key = require_encstring(wrapped_provider_key, 4, "wrapped_provider_key")
    row.key_fingerprint = fingerprint
    row.status = "confirmed"
    uow.add(row)
    uow.publish(_provider_user_confirmed(row, context))
    uow.commit()
    return row


def remove_staff(uow, actor_id: str, provider_id: str, provider_user_id: str, context: dict) -> None:
    """Remove someone from the provider's staff (and their copy of the provider key)."""
    provider_admin(uow, actor_id, provider_id)
    row = _staff_row(uow, provider_id, provider_user_id)
    if row.user_id == actor_id:
        raise Forbidden("You cannot remove yourself; another provider admin can.", code="staff.remove_self")
    # Its grants go with it (the foreign key cascades too): the only copies of org keys wrapped to them.
    for grant in granted_clients(uow, row.id):
        uow.session.delete(grant)
    uow.flush()
    uow.session.delete(row)
    uow.publish(_staff_event("provider.user.removed", row, context))
    uow.commit()


def change_staff_role(uow, actor_id: str, provider_id: str, provider_user_id: str, role: str,
                      context: dict) -> ProviderUser:
    """Make a provider user a Provider Admin or a Service User (never oneself, never the last admin)."""
    provider_admin(uow, actor_id, provider_id)
    row = _staff_row(uow, provider_id, provider_user_id)
    if role not in PROVIDER_ROLES:
        raise Invalid("Choose the Provider Admin or Service User role.", "role", code="staff.role_invalid")
    if row.user_id == actor_id:
        raise Forbidden("You cannot change your own role; another provider admin can.", code="staff.own_role")
    if row.scoped and role == "admin":
        # Provider Admins act provider-wide, with the provider key a scoped user must not hold.
        raise Conflict("A Service User limited to some clients cannot be made a Provider Admin: give them all "
                       "clients first.", "role", code="staff.scoped_admin")
    row.role = role
    uow.add(row)
    uow.publish(_staff_event("provider.user.updated", row, context, scoped=row.scoped, changed=["role"]))
    uow.commit()
    return row
