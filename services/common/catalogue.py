"""The catalogue of every event Custodian publishes.

One entry per CloudEvents `type`. The NATS subject is `<service>.<type>`; `code` is the
Bitwarden `EventType` number where Bitwarden has one, so that integrators who already map
Bitwarden's event log can map ours. Events Bitwarden has no number for use the 9000 range,
which Bitwarden does not use. `docs/events.md` documents this table for integrators and a
test keeps the two in step.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class EventSpec:
    """One kind of event: who publishes it, what it is called, what it carries."""

    service: str
    type: str
    code: int
    name: str
    description: str
    data: tuple[str, ...]
    group: str  # where the event logs file it (GROUPS); "internal" ones are bookkeeping, not shown as user events
    retired: bool = False  # no longer published; kept so that older logs still read (its schema says deprecated)

    @property
    def subject(self) -> str:
        """The NATS subject this event is published on."""
        return f"{self.service}.{self.type}"

    @property
    def source(self) -> str:
        """The CloudEvents `source` of this event."""
        return f"/services/{self.service}"


# What a Send's events tell: never its name, notes, text, file name, key, password proof or hash.
SEND_FIELDS = ("send_id", "organization_id", "type", "has_password", "max_access_count", "access_count", "deletion_date")

# What an invoice's events tell: which invoice and what it comes to (never a payment card: none is taken).
INVOICE_FIELDS = ("invoice_id", "provider_id", "number", "period_start", "period_end", "currency", "total", "status")

CATALOGUE: dict[str, EventSpec] = {
    spec.type: spec
    for spec in (
        EventSpec("identity", "user.registered", 9000, "Custodian_User_Registered",
                  "An account was created.", ("user_id", "email", "name"), "account"),
        EventSpec("identity", "user.logged_in", 1000, "User_LoggedIn",
                  "A user logged in with the right master password.", ("user_id",), "account"),
        EventSpec("identity", "user.login_failed", 1005, "User_FailedLogIn",
                  "A log-in to an existing account failed (wrong master password).", ("user_id",), "account"),
        EventSpec("identity", "user.password_changed", 1001, "User_ChangedPassword",
                  "A user changed their own master password.", ("user_id",), "account"),
        EventSpec("identity", "user.temp_password_updated", 1008, "User_UpdatedTempPassword",
                  "A member replaced the master password an administrator had set through account recovery.",
                  ("user_id",), "account"),
        EventSpec("identity", "user.two_factor_updated", 1002, "User_Updated2fa",
                  "A user turned on or changed a two-step login method (`method`: authenticator, email, webauthn for a "
                  "passkey added or removed, recovery_code for a new one).", ("user_id", "method"), "account"),
        EventSpec("identity", "user.two_factor_disabled", 1003, "User_Disabled2fa",
                  "A user turned off a two-step login method (`method`: authenticator, email, or webauthn when their "
                  "last passkey was removed).", ("user_id", "method"), "account"),
        EventSpec("identity", "user.two_factor_recovered", 1004, "User_Recovered2fa",
                  "A user logged in with their recovery code, which turned two-step login off.", ("user_id",), "account"),
        EventSpec("identity", "user.two_factor_failed", 1006, "User_FailedLogIn2fa",
                  "A log-in failed at the second step (a wrong or replayed code, or a passkey's signature refused; "
                  "`method` says which).", ("user_id", "method"), "account"),
        EventSpec("identity", "user.recovered_by_admin", 1508, "OrganizationUser_AdminResetPassword",
                  "An administrator reset a member's master password through account recovery.",
                  ("user_id", "organization_id", "organization_name", "member_id", "email"), "members"),
        EventSpec("identity", "invitation.mailed", 9001, "Custodian_Invitation_Mailed",
                  "The invitation e-mail of an invited member was handed to the mail server.",
                  ("member_id", "email"), "internal"),
        EventSpec("identity", "demo.session.scheduled", 9010, "Custodian_DemoSession_Scheduled",
                  "A provider's staff scheduled a live demo session for its clients' end users (`starts_at` in UTC, "
                  "shown in `time_zone`).",
                  ("session_id", "provider_id", "title", "starts_at", "time_zone", "duration_minutes", "capacity"),
                  "provider"),
        EventSpec("identity", "demo.session.cancelled", 9011, "Custodian_DemoSession_Cancelled",
                  "A provider's staff cancelled a demo session; each of its `registrations` is mailed a cancelled "
                  "calendar invitation.",
                  ("session_id", "provider_id", "title", "starts_at", "time_zone", "registrations"), "provider"),
        EventSpec("identity", "demo.registered", 9012, "Custodian_DemoSession_Registered",
                  "Someone signed up for a demo session from the provider's public link; they are mailed a calendar "
                  "invitation.", ("registration_id", "session_id", "provider_id", "email"), "provider"),
        EventSpec("orgs", "provider.created", 9100, "Custodian_Provider_Created",
                  "A provider was set up.", ("provider_id", "name"), "provider"),
        EventSpec("orgs", "provider.user.invited", 1800, "ProviderUser_Invited",
                  "Someone was invited to a provider's staff.",
                  ("provider_user_id", "provider_id", "provider_name", "email", "role"), "provider"),
        EventSpec("orgs", "provider.user.reinvited", 9104, "Custodian_ProviderUser_Reinvited",
                  "A provider invitation was sent again; earlier links stop working.",
                  ("provider_user_id", "provider_id", "provider_name", "email", "role"), "provider"),
        EventSpec("orgs", "provider.user.accepted", 9105, "Custodian_ProviderUser_Accepted",
                  "An invited provider user accepted; they wait for confirmation.",
                  ("provider_user_id", "provider_id", "email", "role"), "provider"),
        EventSpec("orgs", "provider.user.updated", 1802, "ProviderUser_Updated",
                  "A provider user's role changed, or a Service User was limited to chosen clients or given every "
                  "client again (`changed`: role or scoped; `scoped`: whether they are limited to chosen clients).",
                  ("provider_user_id", "provider_id", "email", "role", "scoped", "changed"), "provider"),
        EventSpec("orgs", "provider.user.removed", 1803, "ProviderUser_Removed",
                  "A provider user was removed.", ("provider_user_id", "provider_id", "email", "role"), "provider"),
        EventSpec("orgs", "provider.user.confirmed", 1801, "ProviderUser_Confirmed",
                  "A provider user was confirmed: the provider key is wrapped to them.",
                  ("provider_user_id", "provider_id", "email", "role", "user_id"), "provider"),
        EventSpec("orgs", "org.created", 1900, "ProviderOrganization_Created",
                  "A provider created a client organization.",
                  ("organization_id", "name", "plan", "seats", "billing_email"), "organization"),
        EventSpec("orgs", "org.member.invited", 1500, "OrganizationUser_Invited",
                  "A member was invited to an organization.",
                  ("member_id", "organization_id", "organization_name", "email", "name", "role"), "members"),
        EventSpec("orgs", "org.member.reinvited", 9103, "Custodian_OrganizationUser_Reinvited",
                  "An invitation was sent again; earlier links stop working.",
                  ("member_id", "organization_id", "organization_name", "email", "name", "role"), "members"),
        EventSpec("orgs", "org.member.accepted", 9102, "Custodian_OrganizationUser_Accepted",
                  "An invited person accepted; the member waits for confirmation.",
                  ("member_id", "organization_id", "email", "name", "role"), "members"),
        EventSpec("orgs", "org.member.confirmed", 1501, "OrganizationUser_Confirmed",
                  "A member was confirmed: the org key is wrapped to them.",
                  ("member_id", "organization_id", "email", "name", "role"), "members"),
        EventSpec("orgs", "org.member.updated", 1502, "OrganizationUser_Updated",
                  "A member's type or permissions changed.",
                  ("member_id", "organization_id", "email", "name", "role", "permissions"), "members"),
        EventSpec("orgs", "org.member.removed", 1503, "OrganizationUser_Removed",
                  "A member was removed (offboarded).", ("member_id", "organization_id", "email", "name", "role"), "members"),
        EventSpec("orgs", "org.member.revoked", 1511, "OrganizationUser_Revoked",
                  "A member's access was revoked; their seat is free.",
                  ("member_id", "organization_id", "email", "name", "role"), "members"),
        EventSpec("orgs", "org.member.restored", 1512, "OrganizationUser_Restored",
                  "A revoked member's access was restored.", ("member_id", "organization_id", "email", "name", "role"), "members"),
        EventSpec("orgs", "org.member.groups_updated", 1504, "OrganizationUser_UpdatedGroups",
                  "A member joined or left a group.", ("member_id", "organization_id", "group_id", "change"), "members"),
        EventSpec("orgs", "org.item.created", 1100, "Cipher_Created",
                  "A vault item was created in an organization (its fields are encrypted).",
                  ("cipher_id", "organization_id", "type"), "vault"),
        EventSpec("orgs", "org.item.viewed", 1107, "Cipher_ClientViewed",
                  "Someone opened an organization's vault item to see it (its fields stay encrypted).",
                  ("cipher_id", "organization_id", "type"), "vault"),
        EventSpec("orgs", "org.item.updated", 1101, "Cipher_Updated",
                  "An organization's vault item was changed.", ("cipher_id", "organization_id", "type"), "vault"),
        EventSpec("orgs", "org.item.deleted", 1102, "Cipher_Deleted",
                  "An organization's vault item was deleted for good.", ("cipher_id", "organization_id", "type"), "vault"),
        EventSpec("orgs", "org.item.shared", 1113, "Cipher_Shared",
                  "Someone moved a personal item into an organization.", ("cipher_id", "organization_id", "type"), "vault"),
        EventSpec("orgs", "org.item.trashed", 1115, "Cipher_SoftDeleted",
                  "An organization's vault item was moved to the trash.", ("cipher_id", "organization_id", "type"), "vault"),
        EventSpec("orgs", "org.item.restored", 1116, "Cipher_Restored",
                  "An organization's vault item came back from the trash.", ("cipher_id", "organization_id", "type"), "vault"),
        EventSpec("orgs", "org.member.recovery_enrolled", 1506, "OrganizationUser_ResetPassword_Enroll",
                  "A member enrolled in account recovery: their user key is wrapped to the organization.",
                  ("member_id", "organization_id", "email", "name", "role"), "members"),
        EventSpec("orgs", "org.member.recovery_withdrawn", 1507, "OrganizationUser_ResetPassword_Withdraw",
                  "A member withdrew from account recovery.", ("member_id", "organization_id", "email", "name", "role"), "members"),
        EventSpec("orgs", "org.member.revoked_by_policy", 9108, "Custodian_OrganizationUser_RevokedByPolicy",
                  "A member's access was revoked because they do not meet a policy (two-step login); they are "
                  "mailed why.", ("member_id", "organization_id", "organization_name", "email", "name", "role",
                                  "policy"), "members"),
        EventSpec("orgs", "org.member.warned_by_policy", 9109, "Custodian_OrganizationUser_WarnedByPolicy",
                  "An owner or admin without two-step login was told the organization now requires it (they keep "
                  "their access).", ("member_id", "organization_id", "organization_name", "email", "name", "role",
                                     "policy"), "members"),
        EventSpec("orgs", "org.policy.updated", 1700, "Policy_Updated",
                  "An organization's policy was turned on, off or changed.",
                  ("organization_id", "policy", "enabled", "settings"), "policies"),
        EventSpec("orgs", "org.items.imported", 9107, "Custodian_Organization_ItemsImported",
                  "Items were imported into an organization, all in one transaction.",
                  ("organization_id", "count", "collection_ids"), "vault"),
        EventSpec("orgs", "org.vault.exported", 1602, "Organization_ClientExportedVault",
                  "Someone exported an organization's vault.", ("organization_id", "count"), "vault"),
        EventSpec("orgs", "org.collection.created", 1300, "Collection_Created",
                  "A collection was created (its name is encrypted).", ("collection_id", "organization_id", "access"), "vault"),
        EventSpec("orgs", "org.collection.updated", 1301, "Collection_Updated",
                  "A collection was renamed or its access changed.", ("collection_id", "organization_id", "access"), "vault"),
        EventSpec("orgs", "org.collection.deleted", 1302, "Collection_Deleted",
                  "A collection was deleted.", ("collection_id", "organization_id", "access"), "vault"),
        EventSpec("orgs", "org.group.created", 1400, "Group_Created",
                  "A group was created.", ("group_id", "organization_id", "name", "member_ids"), "members"),
        EventSpec("orgs", "org.group.updated", 1401, "Group_Updated",
                  "A group was renamed or its members changed.", ("group_id", "organization_id", "name", "member_ids"), "members"),
        EventSpec("orgs", "org.group.deleted", 1402, "Group_Deleted",
                  "A group was deleted.", ("group_id", "organization_id", "name", "member_ids"), "members"),
        EventSpec("orgs", "org.seats.changed", 9101, "Custodian_Organization_SeatsChanged",
                  "An organization's seat count (or its autoscaling limit) changed.",
                  ("organization_id", "plan", "seats", "previous_seats", "autoscale_max_seats"), "organization"),
        EventSpec("orgs", "org.plan.changed", 9113, "Custodian_Organization_PlanChanged",
                  "A Provider Admin moved a client organization to another plan (its seats stay).",
                  ("organization_id", "plan", "previous_plan", "seats"), "organization"),
        EventSpec("orgs", "org.standalone.created", 9106, "Custodian_Organization_Created",
                  "Someone created an organization of their own (they are its owner).",
                  ("organization_id", "name", "plan", "seats", "billing_email"), "organization"),
        EventSpec("orgs", "org.added", 1901, "ProviderOrganization_Added",
                  "A provider admin attached an organization they own as a client.", ("organization_id", "name"), "organization"),
        EventSpec("orgs", "org.vault.accessed_by_provider", 1903, "ProviderOrganization_VaultAccessed",
                  "A provider user opened a client organization.", ("organization_id", "provider_user_id"), "organization"),
        EventSpec("orgs", "org.events.exported", 9110, "Custodian_Organization_EventsExported",
                  "Someone exported an organization's event log (its filtered range, as CSV).",
                  ("organization_id", "start", "end", "group", "text"), "organization"),
        EventSpec("orgs", "org.log_settings.updated", 9112, "Custodian_Organization_LogSettingsUpdated",
                  "An owner (or the provider's staff) made or rotated the organization's public API key "
                  "(`setting` api_key) or changed how long its events are kept (`setting` retention).",
                  ("organization_id", "setting", "rotated", "retention_days"), "organization"),
        EventSpec("orgs", "provider.events.exported", 9111, "Custodian_Provider_EventsExported",
                  "A provider admin exported the provider's event log (its filtered range, as CSV).",
                  ("provider_id", "start", "end", "group", "text", "include_clients"), "provider"),
        EventSpec("orgs", "provider.training_hub.updated", 9114, "Custodian_Provider_TrainingHubUpdated",
                  "A Provider Admin changed the branding of the provider's training hub (`changed` names the "
                  "fields: hub_name, support_email, support_url, logo; `logo_version` is null without a logo).",
                  ("provider_id", "hub_name", "support_email", "support_url", "logo_version", "changed"), "provider"),
        EventSpec("orgs", "provider.policy.updated", 9120, "Custodian_Provider_PolicyUpdated",
                  "A Provider Admin turned a provider policy on, off or changed it; it is in force in every client "
                  "(the stricter of the provider's and the client's own), and orgs' worker carries it to each client "
                  "(`was_enabled`: whether it was on before).",
                  ("provider_id", "policy", "enabled", "settings", "was_enabled"), "provider"),
        EventSpec("orgs", "org.policy.applied_by_provider", 9121, "Custodian_Policy_AppliedByProvider",
                  "A provider policy now applies to this client (`turned_on`: it was just turned on; when it is "
                  "require_two_factor, members without two-step login are then revoked, owners and admins warned).",
                  ("organization_id", "provider_id", "policy", "enabled", "settings", "turned_on"), "policies"),
        EventSpec("orgs", "org.members.getting_started_sent", 9115, "Custodian_OrganizationUsers_GettingStartedSent",
                  "Someone who manages an organization's members had identity mail them the \"Getting started\" "
                  "email of their provider's training hub (`members`: each one's member_id, email and user_id).",
                  ("organization_id", "organization_name", "managing_provider_id", "hub_name", "members"), "members"),
        EventSpec("orgs", "provider.integration.created", 9116, "Custodian_Provider_IntegrationCreated",
                  "A Provider Admin created a read-only credential of the provider's event stream (its secret is "
                  "shown once and never carried by an event).", ("provider_id", "integration_id", "name"),
                  "provider"),
        EventSpec("orgs", "provider.integration.revoked", 9117, "Custodian_Provider_IntegrationRevoked",
                  "A Provider Admin revoked a credential of the provider's event stream: its streams end within "
                  "15 seconds.", ("provider_id", "integration_id", "name"), "provider"),
        EventSpec("orgs", "provider.user.client_granted", 9118, "Custodian_ProviderUser_ClientGranted",
                  "A Provider Admin gave a client to a Service User limited to chosen clients: the client's org key "
                  "is wrapped to them (in the provider's log and the client's).",
                  ("provider_user_id", "provider_id", "organization_id", "email"), "provider"),
        EventSpec("orgs", "provider.user.client_revoked", 9119, "Custodian_ProviderUser_ClientRevoked",
                  "A client was taken from a Service User limited to chosen clients (by an admin, by un-limiting "
                  "them, or by unlinking the client): their wrapped copy of its org key is deleted.",
                  ("provider_user_id", "provider_id", "organization_id", "email"), "provider"),
        EventSpec("orgs", "org.unlinked", 1902, "ProviderOrganization_Removed",
                  "A client organization was unlinked from its provider.",
                  ("organization_id", "name"), "organization"),
        EventSpec("orgs", "org.send.text.created", 2500, "Send_Created_Text",
                  "Someone created a text Send (its name and text are encrypted under a key only its link carries).",
                  SEND_FIELDS, "sends"),
        EventSpec("orgs", "org.send.text.created_with_password", 2502, "Send_Created_Text_WithPasswordProtection",
                  "Someone created a text Send that asks its recipients for a password.",
                  SEND_FIELDS, "sends"),
        EventSpec("orgs", "org.send.file.created", 2503, "Send_Created_File",
                  "Someone created a file Send (its name and file are encrypted under a key only its link carries).",
                  SEND_FIELDS, "sends"),
        EventSpec("orgs", "org.send.file.created_with_password", 2505, "Send_Created_File_WithPasswordProtection",
                  "Someone created a file Send that asks its recipients for a password.",
                  SEND_FIELDS, "sends"),
        EventSpec("orgs", "org.send.text.edited", 2506, "Send_Edited_Text",
                  "A text Send's settings or contents were changed, or its password removed.",
                  SEND_FIELDS, "sends"),
        EventSpec("orgs", "org.send.file.edited", 2507, "Send_Edited_File",
                  "A file Send's settings were changed, or its password removed (its file never changes).",
                  SEND_FIELDS, "sends"),
        EventSpec("orgs", "org.send.text.deleted", 2508, "Send_Deleted_Text",
                  "A text Send was deleted: by its creator, or past its deletion date (then with no actor).",
                  SEND_FIELDS, "sends"),
        EventSpec("orgs", "org.send.file.deleted", 2509, "Send_Deleted_File",
                  "A file Send and its stored file were deleted: by its creator, or past its deletion date or an abandoned upload (then with no actor).",
                  SEND_FIELDS, "sends"),
        EventSpec("orgs", "org.send.text.accessed", 2510, "Send_Accessed_Text",
                  "A recipient opened a text Send (anonymous: no actor; counted against its maximum).",
                  SEND_FIELDS, "sends"),
        EventSpec("orgs", "org.send.file.accessed", 2511, "Send_Accessed_File",
                  "A recipient downloaded a file Send (anonymous: no actor; counted against its maximum).",
                  SEND_FIELDS, "sends"),
        EventSpec("billing", "subscription.created", 9200, "Custodian_Subscription_Created",
                  "No longer published (replaced by subscription.changed in issue 14); kept so older logs read.",
                  ("subscription_id", "organization_id", "plan", "seats", "monthly_price_cents"), "internal",
                  retired=True),
        EventSpec("billing", "subscription.updated", 9201, "Custodian_Subscription_Updated",
                  "No longer published (replaced by subscription.changed in issue 14); kept so older logs read.",
                  ("subscription_id", "organization_id", "plan", "seats", "monthly_price_cents"), "internal",
                  retired=True),
        EventSpec("billing", "subscription.changed", 9202, "Custodian_Subscription_Changed",
                  "Billing applied a change of a client's subscription (`change`: created, seats, plan, unlinked "
                  "or added); `status` billing_needed once it left its provider.",
                  ("organization_id", "provider_id", "plan", "seats", "status", "change"), "billing"),
        EventSpec("billing", "invoice.issued", 9203, "Custodian_Invoice_Issued",
                  "The billing worker issued a provider's invoice for the period that just ended.",
                  INVOICE_FIELDS, "billing"),
        EventSpec("billing", "invoice.paid", 9204, "Custodian_Invoice_Paid",
                  "An operator recorded the payment of an invoice (a bank transfer's reference).",
                  (*INVOICE_FIELDS, "reference"), "billing"),
        EventSpec("billing", "invoice.voided", 9205, "Custodian_Invoice_Voided",
                  "An operator voided an open invoice.", INVOICE_FIELDS, "billing"),
        EventSpec("billing", "information.updated", 9206, "Custodian_BillingInformation_Updated",
                  "A Provider Admin changed the provider's billing information (`changed` names the fields).",
                  ("provider_id", "name", "country", "changed"), "billing"),
        EventSpec("billing", "minimums.changed", 9207, "Custodian_SeatMinimums_Changed",
                  "An operator set a provider's seat minimums (per plan, from that day on).",
                  ("provider_id", "seat_minimums", "previous"), "billing"),
    )
}

# The groups the event logs filter by, in the order the filter offers them; "account" events (a
# person's own log-ins and 2FA) and "internal" ones (mail handed over, subscription rows) are
# kept and served by the public API but never shown in an organization's or provider's pages.
GROUPS = ("members", "vault", "sends", "policies", "organization", "provider", "billing", "account", "internal")
SHOWN_GROUPS = ("members", "vault", "sends", "policies", "organization", "provider", "billing")

STREAMS = {"identity": "IDENTITY", "orgs": "ORGS", "billing": "BILLING"}


def spec_for(event_type: str) -> EventSpec:
    """The catalogue entry of `event_type`; KeyError names an event nobody declared."""
    return CATALOGUE[event_type]


def markdown_table() -> str:
    """The catalogue as the table `docs/events.md` shows integrators."""
    lines = ["| NATS subject | CloudEvents type | Code | Bitwarden name | Group | Data fields | Meaning | Schema |",
             "|---|---|---|---|---|---|---|---|"]
    for spec in sorted(CATALOGUE.values(), key=lambda s: (s.service, s.code, s.type)):
        fields = ", ".join(f"`{name}`" for name in spec.data)
        schema = f"[schema](events/{spec.type}.schema.json)"  # written by services.common.event_schemas
        lines.append(f"| `{spec.subject}` | `{spec.type}` | {spec.code} | {spec.name} | {spec.group} | {fields} "
                     f"| {spec.description} | {schema} |")
    return "\n".join(lines)


def write_into(path) -> None:
    """Replace the table between the catalogue markers of `path` (docs/events.md) with the current one."""
    from pathlib import Path

    text = Path(path).read_text()
    start, end = "<!-- catalogue:start -->", "<!-- catalogue:end -->"
    head, rest = text.split(start, 1)
    Path(path).write_text(f"{head}{start}\n{markdown_table()}\n{end}{rest.split(end, 1)[1]}")


if __name__ == "__main__":
    import sys

    if sys.argv[1:2] == ["--write"]:
        write_into(sys.argv[2])
    else:
        print(markdown_table())
