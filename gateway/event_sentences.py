"""How an event reads in the event logs: one sentence per type, in the reader's language, as Bitwarden words it.

The one table of the sentences (`SENTENCES`), and the other columns of a row as people read
them (Device / IP, User). Names of items and collections are encrypted in orgs:
the gateway opens those the reader may see with the org key (they never leave it), and shows
the others by a short id; the names events carry in clear (emails, groups, organizations) are
shown whole.
"""
from __future__ import annotations

from typing import Callable

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from .invoices import money

SYSTEM = _l("Custodian")  # who acted when no person did: the services' own work (a worker, a policy)


def _v(data: dict, key: str) -> str:
    value = data.get(key)
    return "—" if value in (None, "") else str(value)


def short(value) -> str:
    """A short form of an id, for things whose name the log cannot show (encrypted names)."""
    return str(value or "")[:8] or "—"


def _client(data: dict, names: dict) -> str:
    return data.get("name") or data.get("organization_name") or names.get(data.get("organization_id"), "") \
        or short(data.get("organization_id"))


def _scope_changed(data: dict, scoped: bool) -> bool:
    return "scoped" in (data.get("changed") or ()) and data.get("scoped") is scoped


def _item(data: dict, names: dict) -> str:
    return names.get(data.get("cipher_id")) or short(data.get("cipher_id"))


def _collection(data: dict, names: dict) -> str:
    return names.get(data.get("collection_id")) or short(data.get("collection_id"))


def _total(data: dict) -> str:
    total, currency = data.get("total"), data.get("currency")
    return money(total, currency) if isinstance(total, int) and isinstance(currency, str) and currency else "—"


def _subscription_changed(data: dict, names: dict) -> str:
    if data.get("status") == "billing_needed":
        return _("%(client)s left its provider's billing: billing needed", client=_client(data, names))
    return _("Billing now counts %(client)s on %(plan)s with %(seats)s seats", client=_client(data, names),
             plan=_v(data, "plan"), seats=_v(data, "seats"))


# type → the sentence of an event of that type, from its data and the names the reader's page knows (clients'
# by organization id, collections' by collection id, opened in the gateway).
SENTENCES: dict[str, Callable[[dict, dict], str]] = {
    "user.registered": lambda d, c: _("Created account %(email)s", email=_v(d, "email")),
    "user.logged_in": lambda d, c: _("Logged in"),
    "user.login_failed": lambda d, c: _("Failed login attempt (wrong master password)"),
    "user.password_changed": lambda d, c: _("Changed master password"),
    "user.temp_password_updated": lambda d, c: _("Replaced the master password set by an administrator"),
    "user.two_factor_updated": lambda d, c: _("Updated two-step login (%(method)s)", method=_v(d, "method")),
    "user.two_factor_disabled": lambda d, c: _("Disabled two-step login (%(method)s)", method=_v(d, "method")),
    "user.two_factor_recovered": lambda d, c: _("Recovered account from two-step login"),
    "user.two_factor_failed": lambda d, c: _("Failed login attempt (wrong two-step login code)"),
    "user.recovered_by_admin": lambda d, c: _("Reset master password of %(email)s", email=_v(d, "email")),
    "invitation.mailed": lambda d, c: _("Sent the invitation email to %(email)s", email=_v(d, "email")),
    "provider.created": lambda d, c: _("Created provider %(name)s", name=_v(d, "name")),
    "provider.user.invited": lambda d, c: _("Invited provider user %(email)s", email=_v(d, "email")),
    "provider.user.reinvited": lambda d, c: _("Re-invited provider user %(email)s", email=_v(d, "email")),
    "provider.user.accepted": lambda d, c: _("Provider user %(email)s accepted the invitation",
                                             email=_v(d, "email")),
    "provider.user.confirmed": lambda d, c: _("Confirmed provider user %(email)s", email=_v(d, "email")),
    "provider.user.updated": lambda d, c: (
        _("Limited provider user %(email)s to chosen clients", email=_v(d, "email")) if _scope_changed(d, True)
        else _("Gave provider user %(email)s every client", email=_v(d, "email")) if _scope_changed(d, False)
        else _("Edited provider user %(email)s", email=_v(d, "email"))),
    "provider.user.client_granted": lambda d, c: _("Gave client %(name)s to provider user %(email)s",
                                                   name=_client(d, c), email=_v(d, "email")),
    "provider.user.client_revoked": lambda d, c: _("Took client %(name)s from provider user %(email)s",
                                                   name=_client(d, c), email=_v(d, "email")),
    "provider.training_hub.updated": lambda d, c: _("Updated the training hub's branding"),
    "provider.integration.created": lambda d, c: _("Created the integration credential %(name)s",
                                                   name=_v(d, "name")),
    "provider.integration.revoked": lambda d, c: _("Revoked the integration credential %(name)s",
                                                   name=_v(d, "name")),
    "org.members.getting_started_sent": lambda d, c: _("Sent the getting started email to %(emails)s",
                                                       emails=", ".join(m.get("email", "") for m in
                                                                        d.get("members") or [] if isinstance(m, dict))
                                                       or "—"),
    "provider.user.removed": lambda d, c: _("Removed provider user %(email)s", email=_v(d, "email")),
    "provider.events.exported": lambda d, c: _("Exported the provider's event logs"),
    "demo.session.scheduled": lambda d, c: _("Scheduled demo session %(title)s", title=_v(d, "title")),
    "demo.session.cancelled": lambda d, c: _("Cancelled demo session %(title)s", title=_v(d, "title")),
    "demo.registered": lambda d, c: _("%(email)s signed up for a demo session", email=_v(d, "email")),
    "org.created": lambda d, c: _("Created client %(name)s", name=_client(d, c)),
    "org.standalone.created": lambda d, c: _("Created organization %(name)s", name=_client(d, c)),
    "org.added": lambda d, c: _("Added client %(name)s", name=_client(d, c)),
    "org.unlinked": lambda d, c: _("Removed client %(name)s", name=_client(d, c)),
    "org.vault.accessed_by_provider": lambda d, c: _("Accessed client %(name)s", name=_client(d, c)),
    "org.seats.changed": lambda d, c: _("Edited seats of %(client)s: %(previous)s → %(seats)s",
                                        client=_client(d, c), previous=_v(d, "previous_seats"),
                                        seats=_v(d, "seats")),
    "org.plan.changed": lambda d, c: _("Moved %(client)s from %(previous)s to %(plan)s",
                                       client=_client(d, c), previous=_v(d, "previous_plan"), plan=_v(d, "plan")),
    "org.events.exported": lambda d, c: _("Exported event logs"),
    "org.log_settings.updated": lambda d, c: (
        _("Set event retention to %(days)s days", days=_v(d, "retention_days")) if d.get("setting") == "retention"
        else _("Rotated the public API key") if d.get("rotated") else _("Created the public API key")),
    "org.member.invited": lambda d, c: _("Invited user %(email)s", email=_v(d, "email")),
    "org.member.reinvited": lambda d, c: _("Re-invited user %(email)s", email=_v(d, "email")),
    "org.member.accepted": lambda d, c: _("User %(email)s accepted the invitation", email=_v(d, "email")),
    "org.member.confirmed": lambda d, c: _("Confirmed user %(email)s", email=_v(d, "email")),
    "org.member.updated": lambda d, c: _("Edited user %(email)s", email=_v(d, "email")),
    "org.member.removed": lambda d, c: _("Removed user %(email)s", email=_v(d, "email")),
    "org.member.revoked": lambda d, c: _("Revoked user %(email)s", email=_v(d, "email")),
    "org.member.restored": lambda d, c: _("Restored user %(email)s", email=_v(d, "email")),
    "org.member.groups_updated": lambda d, c: _("Edited groups of user %(member)s", member=short(d.get("member_id"))),
    "org.member.recovery_enrolled": lambda d, c: _("User %(email)s enrolled in account recovery",
                                                   email=_v(d, "email")),
    "org.member.recovery_withdrawn": lambda d, c: _("User %(email)s withdrew from account recovery",
                                                    email=_v(d, "email")),
    "org.member.revoked_by_policy": lambda d, c: _("Revoked user %(email)s for not complying with the %(policy)s "
                                                   "policy", email=_v(d, "email"), policy=_v(d, "policy")),
    "org.member.warned_by_policy": lambda d, c: _("Told user %(email)s about the %(policy)s policy",
                                                  email=_v(d, "email"), policy=_v(d, "policy")),
    "org.policy.updated": lambda d, c: _("Edited policy %(policy)s", policy=_v(d, "policy")),
    "provider.policy.updated": lambda d, c: _("Edited provider policy %(policy)s", policy=_v(d, "policy")),
    "org.policy.applied_by_provider": lambda d, c: _("Applied the provider's policy %(policy)s",
                                                     policy=_v(d, "policy")),
    "org.item.created": lambda d, c: _("Created item %(item)s", item=_item(d, c)),
    "org.item.viewed": lambda d, c: _("Accessed item %(item)s", item=_item(d, c)),
    "org.item.updated": lambda d, c: _("Edited item %(item)s", item=_item(d, c)),
    "org.item.deleted": lambda d, c: _("Permanently deleted item %(item)s", item=_item(d, c)),
    "org.item.shared": lambda d, c: _("Moved item %(item)s to the organization", item=_item(d, c)),
    "org.item.trashed": lambda d, c: _("Sent item %(item)s to trash", item=_item(d, c)),
    "org.item.restored": lambda d, c: _("Restored item %(item)s from trash", item=_item(d, c)),
    "org.items.imported": lambda d, c: _("Imported %(count)s items", count=_v(d, "count")),
    "subscription.changed": lambda d, c: _subscription_changed(d, c),
    "invoice.issued": lambda d, c: _("Issued invoice %(number)s: %(total)s", number=_v(d, "number"), total=_total(d)),
    "invoice.paid": lambda d, c: _("Recorded the payment of invoice %(number)s (reference %(reference)s)",
                                   number=_v(d, "number"), reference=_v(d, "reference")),
    "invoice.voided": lambda d, c: _("Voided invoice %(number)s", number=_v(d, "number")),
    "information.updated": lambda d, c: _("Updated the billing information"),
    "minimums.changed": lambda d, c: _("Set the seat minimums: %(minimums)s", minimums=", ".join(
        f"{plan} {seats}" for plan, seats in sorted((d.get("seat_minimums") or {}).items()))),
    # A Send's name is sealed under a key only its link holds: the log shows its short id, never a name.
    "org.send.text.created": lambda d, c: _("Created text Send %(send)s", send=short(d.get("send_id"))),
    "org.send.text.created_with_password": lambda d, c: _("Created text Send %(send)s with a password",
                                                          send=short(d.get("send_id"))),
    "org.send.file.created": lambda d, c: _("Created file Send %(send)s", send=short(d.get("send_id"))),
    "org.send.file.created_with_password": lambda d, c: _("Created file Send %(send)s with a password",
                                                          send=short(d.get("send_id"))),
    "org.send.text.edited": lambda d, c: _("Edited text Send %(send)s", send=short(d.get("send_id"))),
    "org.send.file.edited": lambda d, c: _("Edited file Send %(send)s", send=short(d.get("send_id"))),
    "org.send.text.deleted": lambda d, c: _("Deleted text Send %(send)s", send=short(d.get("send_id"))),
    "org.send.file.deleted": lambda d, c: _("Deleted file Send %(send)s", send=short(d.get("send_id"))),
    "org.send.text.accessed": lambda d, c: _("Text Send %(send)s was opened (access %(count)s)",
                                             send=short(d.get("send_id")), count=_v(d, "access_count")),
    "org.send.file.accessed": lambda d, c: _("File Send %(send)s was downloaded (access %(count)s)",
                                             send=short(d.get("send_id")), count=_v(d, "access_count")),
    "org.vault.exported": lambda d, c: _("Exported vault"),
    "org.collection.created": lambda d, c: _("Created collection %(collection)s",
                                             collection=_collection(d, c)),
    "org.collection.updated": lambda d, c: _("Edited collection %(collection)s",
                                             collection=_collection(d, c)),
    "org.collection.deleted": lambda d, c: _("Deleted collection %(collection)s",
                                             collection=_collection(d, c)),
    "org.group.created": lambda d, c: _("Created group %(name)s", name=_v(d, "name")),
    "org.group.updated": lambda d, c: _("Edited group %(name)s", name=_v(d, "name")),
    "org.group.deleted": lambda d, c: _("Deleted group %(name)s", name=_v(d, "name")),
    "subscription.created": lambda d, c: _("Started the subscription: %(plan)s, %(seats)s seats",
                                           plan=_v(d, "plan"), seats=_v(d, "seats")),
    "subscription.updated": lambda d, c: _("Changed the subscription to %(seats)s seats", seats=_v(d, "seats")),
}


def sentence(event: dict, names: dict | None = None) -> str:
    """The event as a sentence in the reader's language (its type, for a type this gateway does not know);
    `names` are what the page knows by id (clients, opened collection names)."""
    render = SENTENCES.get(event["type"])
    return render(event.get("data") or {}, names or {}) if render else event["type"]


def device_and_ip(event: dict) -> str:
    """Where the event came from: the kind of client and its address."""
    kinds = {"web": _("Web vault"), "seed": _("Demo data"), "api": _("Public API")}
    kind = kinds.get(event.get("device") or "", event.get("device") or "")
    return " / ".join(part for part in (kind, event.get("ip") or "") if part) or "—"


def user_of(event: dict) -> str:
    """Who acted: name and email, "Custodian" for the system, a short id for someone the log never met."""
    if not event.get("actor_id"):
        return str(SYSTEM)
    actor = event.get("actor") or {}
    return " ".join(part for part in (actor.get("name"), actor.get("email")) if part) or short(event["actor_id"])


def group_labels() -> dict[str, str]:
    """The event groups a reader filters by, in the reader's language."""
    return {"members": _("Members"), "vault": _("Vault"), "policies": _("Policies"),
            "organization": _("Organization"), "provider": _("Provider"), "sends": _("Send"),
            "billing": _("Billing")}
