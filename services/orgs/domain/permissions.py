"""Who may do what: the one permission table of organizations and providers. No Flask, no session.

Every check in the orgs domain asks this module, and the gateway reads its verdicts (the
`may` lists orgs returns) to hide what a role cannot use, so a rule is written once.

- An organization's actions are each allowed by one Custom permission. Owners, Admins and
  the provider's staff hold them all; a Custom member holds the ones it was given; a User
  holds none.
- Who may manage whom follows one ranking: Owner > Admin > Custom and User, and among Custom
  members and Users, one ranks at least as high as another when it holds every permission
  the other holds. Nobody manages or recovers a member ranked above them.
- A member grants only what it holds: a Custom member never makes an Admin or an Owner, nor
  a Custom member with a permission it lacks, nor gives access to a collection it does not
  manage.
- Provider staff administer their clients as Owners do, except that an Owner's account is
  recovered only by an Owner of the client. Only Provider Admins create, add, unlink clients,
  change their seats, see billing, manage the provider's staff, set its policies and brand its training
  hub; admins and service users alike schedule the demo sessions their clients' end users sign up for.
"""
from __future__ import annotations

from dataclasses import dataclass

ROLES = ("owner", "admin", "user", "custom")
PERMISSIONS = ("access_event_logs", "access_import_export", "access_reports", "manage_all_collections",
               "create_collections", "edit_collections", "delete_collections", "manage_groups", "manage_policies",
               "manage_users", "manage_account_recovery")

# What each action of an organization needs: the Custom permission that allows it.
ORGANIZATION_ACTIONS = {
    "manage_members": "manage_users",
    "manage_groups": "manage_groups",
    "create_collections": "create_collections",
    "manage_collections": "manage_all_collections",
    "delete_collections": "delete_collections",
    "manage_policies": "manage_policies",
    "recover_accounts": "manage_account_recovery",
    "import_export": "access_import_export",
    "read_event_logs": "access_event_logs",
    "read_reports": "access_reports",
}

# Actions no Custom permission grants: an organization's Owners and its provider's staff only (the
# public API's key hands every event of the organization to another system, as an owner decides;
# billing is the owners' business, as in Bitwarden).
OWNER_ACTIONS = ("manage_event_log_settings", "see_billing")

# What each action of a provider needs: the provider roles allowed to do it.
PROVIDER_ACTIONS = {
    "list_clients": ("admin", "service_user"),
    "administer_clients": ("admin", "service_user"),
    "create_client": ("admin",),
    "add_existing_client": ("admin",),
    "unlink_client": ("admin",),
    "change_seats": ("admin",),
    "see_billing": ("admin",),
    "manage_staff": ("admin",),
    "read_event_logs": ("admin",),
    # Demo sessions for the clients' end users (identity asks before it schedules, lists or cancels one):
    # the service users are the people who train them.
    "schedule_demos": ("admin", "service_user"),
    "brand_training_hub": ("admin",),
    # Policies in force in every client (ADR 28): a client may tighten them, never loosen them.
    "manage_provider_policies": ("admin",),
    # Credentials of the integrator stream hand every event of every client to another system (ADR 26).
    "manage_integrations": ("admin",),
}

# The access levels on a collection that let a member change its items, and those that show passwords too.
EDITING_LEVELS = ("edit", "edit_except_passwords", "manage")
FULL_EDITING_LEVELS = ("edit", "manage")

_RANK = {"owner": 3, "admin": 2, "custom": 1, "user": 1}
STAFF_ROLES = ("provider_admin", "provider_service_user")


# A scope limits reach, it is not a role (ADR 27): a scoped Service User keeps only these actions, over the
# clients given to them; demo sessions and their registrants are provider-wide, so those are not theirs.
SCOPED_ACTIONS = ("list_clients", "administer_clients")


def provider_may(provider_role: str, action: str, scoped: bool = False) -> bool:
    """Whether a provider user of `provider_role` ('admin' or 'service_user'), limited to chosen clients
    when `scoped`, may do `action`."""
    return provider_role in PROVIDER_ACTIONS[action] and (not scoped or action in SCOPED_ACTIONS)


def provider_actions(provider_role: str, scoped: bool = False) -> list[str]:
    """Every provider action a provider user of that role may do, for the gateway to show."""
    return [action for action in PROVIDER_ACTIONS if provider_may(provider_role, action, scoped)]


@dataclass(frozen=True)
class Standing:
    """Where someone stands in an organization: their type, and their permissions when Custom."""

    role: str  # owner, admin, user, custom, provider_admin or provider_service_user
    permissions: frozenset[str] = frozenset()

    @classmethod
    def of(cls, role: str, permissions=()) -> Standing:
        """The standing of a member of `role` (permissions count only for Custom)."""
        return cls(role, frozenset(permissions) if role == "custom" else frozenset())

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES

    @property
    def rank(self) -> int:
        return 3 if self.is_staff else _RANK[self.role]

    def holds(self, permission: str) -> bool:
        """Whether this standing carries a Custom permission (Owners, Admins and staff carry all)."""
        if self.role == "custom":
            return permission in self.permissions
        return self.role != "user"

    def may(self, action: str) -> bool:
        """Whether this standing may do an organization action of the table."""
        if action in OWNER_ACTIONS:
            return self.role == "owner" or self.is_staff
        return self.holds(ORGANIZATION_ACTIONS[action])

    def actions(self) -> list[str]:
        """Every organization action this standing may do, for the gateway to show."""
        return [action for action in (*ORGANIZATION_ACTIONS, *OWNER_ACTIONS) if self.may(action)]

    def at_least(self, other: Standing) -> bool:
        """Whether this standing ranks at least as high as `other` (so may manage them)."""
        if self.rank != other.rank:
            return self.rank > other.rank
        if self.rank == 1:
            return other.permissions <= self.permissions
        return True

    def may_grant(self, role: str, permissions=()) -> bool:
        """Whether this standing may make someone `role` with these permissions."""
        wanted = Standing.of(role, permissions)
        if role == "owner":
            return self.role == "owner" or self.is_staff
        if self.role == "custom":
            return role != "admin" and wanted.permissions <= self.permissions
        return self.at_least(wanted)

    def may_manage(self, target: Standing) -> bool:
        """Whether this standing may confirm, re-role, revoke, restore or remove a member of `target`'s standing."""
        return self.may("manage_members") and self.at_least(target)

    def may_recover(self, target: Standing) -> bool:
        """Whether this standing may reset the master password of a member of `target`'s standing."""
        if not self.may("recover_accounts"):
            return False
        if target.role == "owner":
            return self.role == "owner"
        if self.is_staff:
            return True
        return self.at_least(target)

    def grantable(self) -> dict[str, list[str]]:
        """The types and Custom permissions this standing may give someone, for the gateway's forms."""
        if not self.may("manage_members"):
            return {"roles": [], "permissions": []}
        return {"roles": [role for role in ROLES if self.may_grant(role)],
                "permissions": [p for p in PERMISSIONS if self.may_grant("custom", [p])]}

    def actions_on(self, target: Standing) -> list[str]:
        """What this standing may do to a member of `target`'s standing ("manage", "recover"), for the gateway."""
        return [name for name, allowed in (("manage", self.may_manage(target)), ("recover", self.may_recover(target)))
                if allowed]
