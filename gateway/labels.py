"""What the services' words for a status or a role are called on screen, in the user's language.

The services speak in identifiers (`invited`, `owner`); a page shows `member_status(member.status)`
or `member_role(member.role)` (Jinja filters of the same names), never `_(status | capitalize)`,
which only translated by chance.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

MEMBER_STATUSES = {"invited": _l("Invited"), "accepted": _l("Accepted"), "confirmed": _l("Confirmed"),
                   "revoked": _l("Revoked")}
MEMBER_ROLES = {"owner": _l("Owner"), "admin": _l("Admin"), "user": _l("User"), "custom": _l("Custom"),
                "provider_admin": _l("Provider Admin"), "provider_service_user": _l("Service User")}
STAFF_ROLES = {"admin": _l("Provider Admin"), "service_user": _l("Service User")}


def member_status(status: str) -> str:
    """A member's (or a provider user's) status as the page shows it."""
    return str(MEMBER_STATUSES[status]) if status in MEMBER_STATUSES else status


def member_role(role: str) -> str:
    """A member's type (Owner, Admin, User, Custom) as the page shows it."""
    return str(MEMBER_ROLES[role]) if role in MEMBER_ROLES else role


def staff_role(role: str) -> str:
    """A provider user's role (Provider Admin, Service User) as the page shows it."""
    return str(STAFF_ROLES[role]) if role in STAFF_ROLES else role


def install(app) -> None:
    """The labels as Jinja filters."""
    app.jinja_env.filters.update(member_status=member_status, member_role=member_role, staff_role=staff_role)
