"""The orgs service as the gateway uses it: providers and their clients, organizations, members,
groups, collections, policies, vault items and folders."""
from __future__ import annotations

from . import BoundClient


class Orgs(BoundClient):
    """Orgs, as the person who acts.

    An organization, or the person's providers, read once in a request are not asked for again
    in that request (a dialog that checks access, opens the org key and names the provider needs
    them three times); any change made through this client forgets what was read, so a page
    after a change is fresh.
    """

    def __init__(self, http, caller, memo: dict):
        super().__init__(http, caller)
        self._memo = memo

    def _read_once(self, path: str):
        if path not in self._memo:
            self._memo[path] = self._get(path)
        return self._memo[path]

    def _create_or_change(self, listing: str, thing_id: str | None, body: dict):
        """POST a new thing to `listing`, or PUT the changed one at `listing/thing_id`."""
        return self._put(f"{listing}/{thing_id}", body) if thing_id else self._post(listing, body)

    def _post(self, path: str, json: dict | None = None, **options):
        self._memo.clear()
        return super()._post(path, json, **options)

    def _put(self, path: str, json: dict):
        self._memo.clear()
        return super()._put(path, json)

    def _delete(self, path: str):
        self._memo.clear()
        return super()._delete(path)

    # --- the person's own ---------------------------------------------------------------------

    def my_providers(self) -> list[dict]:
        """The providers the person is staff of, with what they may do in each."""
        return self._read_once("/me/providers")["providers"]

    def my_memberships(self) -> list[dict]:
        """The person's confirmed memberships, each with its wrapped org key."""
        return self._get("/me/memberships")["memberships"]

    def my_organizations(self) -> list[dict]:
        """The organizations the person belongs to, for the Organizations page."""
        return self._get("/me/organizations")["organizations"]

    def my_requirements(self) -> dict:
        """What the person's organizations require of their master password and log-in."""
        return self._get("/me/requirements")

    def my_recovery(self) -> list[dict]:
        """The person's organizations with account recovery, enrolled or not."""
        return self._get("/me/recovery")["organizations"]

    def enrol_in_recovery(self, organization_id: str, reset_password_key: str) -> None:
        """Enrol the person in an organization's account recovery."""
        self._put(f"/organizations/{organization_id}/recovery/enrolment", {"reset_password_key": reset_password_key})

    def leave_recovery(self, organization_id: str) -> None:
        """Withdraw the person from an organization's account recovery."""
        self._delete(f"/organizations/{organization_id}/recovery/enrolment")

    # --- providers ----------------------------------------------------------------------------

    def create_provider(self, name: str, admin_email: str, wrapped_provider_key: str) -> str:
        """Set up a provider run by the person; its id."""
        return self._post("/providers", {"name": name, "admin_email": admin_email,
                                         "wrapped_provider_key": wrapped_provider_key})["provider_id"]

    def add_staff(self, provider_id: str, user_id: str, email: str, role: str, wrapped_provider_key: str) -> None:
        """Add an existing account to the provider's staff, confirmed at once (the demo's service user)."""
        self._post(f"/providers/{provider_id}/users", {"user_id": user_id, "email": email, "role": role,
                                                       "wrapped_provider_key": wrapped_provider_key})

    def clients(self, provider_id: str, **query) -> dict:
        """One page of the provider's Clients table."""
        return self._get(f"/providers/{provider_id}/clients", **query)

    def client(self, provider_id: str, organization_id: str) -> dict:
        """One client of the provider, with its seats."""
        return self._get(f"/providers/{provider_id}/clients/{organization_id}")

    def add_client(self, provider_id: str, draft: dict) -> dict:
        """Create a client organization for the provider."""
        return self._post(f"/providers/{provider_id}/clients", draft)

    def attachable(self, provider_id: str) -> list[dict]:
        """Organizations the person owns that the provider could take on as clients."""
        return self._get(f"/providers/{provider_id}/attachable")["organizations"]

    def add_existing_client(self, provider_id: str, organization_id: str, encrypted_org_key: str) -> dict:
        """Make an existing organization a client of the provider."""
        return self._post(f"/providers/{provider_id}/clients/existing",
                          {"organization_id": organization_id, "encrypted_org_key": encrypted_org_key})

    def change_seats(self, provider_id: str, organization_id: str, seats: int,
                     autoscale_max_seats: int | None) -> None:
        """Change a client's seats."""
        self._put(f"/providers/{provider_id}/clients/{organization_id}/seats",
                  {"seats": seats, "autoscale_max_seats": autoscale_max_seats})

    def change_plan(self, provider_id: str, organization_id: str, plan: str) -> None:
        """Move a client to another plan (Teams, Enterprise); billing follows from the event."""
        self._post(f"/providers/{provider_id}/clients/{organization_id}/plan", {"plan": plan})

    def unlink_client(self, provider_id: str, organization_id: str) -> None:
        """Unlink a client from the provider."""
        self._delete(f"/providers/{provider_id}/clients/{organization_id}")

    def staff(self, provider_id: str) -> list[dict]:
        """The provider's users."""
        return self._get(f"/providers/{provider_id}/staff")["users"]

    def staff_member(self, provider_id: str, provider_user_id: str) -> dict:
        """One provider user."""
        return self._get(f"/providers/{provider_id}/staff/{provider_user_id}")

    def invite_staff(self, provider_id: str, emails: str, role: str) -> list[dict]:
        """Invite people to the provider's staff; the users invited."""
        return self._post(f"/providers/{provider_id}/staff", {"emails": emails, "role": role})["users"]

    def confirm_staff(self, provider_id: str, provider_user_id: str, key_fingerprint: str,
                      wrapped_provider_key: str | None = None, wrapped_org_keys: dict | None = None) -> None:
        """Confirm a provider user: the provider key wrapped to them, or (limited to chosen clients) exactly
        those clients' org keys; `key_fingerprint` names the key whose phrase the admin checked."""
        self._post(f"/providers/{provider_id}/staff/{provider_user_id}/confirm",
                   {"wrapped_provider_key": wrapped_provider_key, "wrapped_org_keys": wrapped_org_keys,
                    "key_fingerprint": key_fingerprint})

    def change_scope(self, provider_id: str, provider_user_id: str, scope: dict) -> dict:
        """Limit a Service User to chosen clients, change which, or give them every client (ADR 27)."""
        return self._put(f"/providers/{provider_id}/staff/{provider_user_id}/scope", scope)

    def reinvite_staff(self, provider_id: str, provider_user_id: str) -> None:
        """Send a provider user's invitation again."""
        self._post(f"/providers/{provider_id}/staff/{provider_user_id}/reinvite")

    def change_staff_role(self, provider_id: str, provider_user_id: str, role: str) -> None:
        """Make a provider user an admin or a service user."""
        self._put(f"/providers/{provider_id}/staff/{provider_user_id}/role", {"role": role})

    def remove_staff(self, provider_id: str, provider_user_id: str) -> None:
        """Remove a provider user."""
        self._delete(f"/providers/{provider_id}/staff/{provider_user_id}")

    # --- the integrator stream's credentials ---------------------------------------------------

    def integrations(self, provider_id: str) -> dict:
        """The provider's credentials that still work (never their secrets), and how many it may have."""
        return self._get(f"/providers/{provider_id}/integrations")

    def create_integration(self, provider_id: str, name: str) -> dict:
        """A new credential; the answer holds its secret, this once."""
        return self._post(f"/providers/{provider_id}/integrations", {"name": name})

    def revoke_integration(self, provider_id: str, integration_id: str) -> None:
        """Revoke a credential: its open streams end within 15 seconds."""
        self._delete(f"/providers/{provider_id}/integrations/{integration_id}")

    def verify_integration(self, client_id: str, client_secret: str, connecting: bool) -> dict:
        """Whose events a credential reads ({provider_id, integration_id}); NotAuthenticated when wrong or revoked,
        Throttled past its connections a minute (`connecting`: a new stream, not a running one's re-check)."""
        return self._post("/integrations/verify", {"client_id": client_id, "client_secret": client_secret,
                                                   "connecting": connecting})

    # --- the training hub ---------------------------------------------------------------------

    def hub_branding(self, provider_id: str) -> dict:
        """How the provider dressed its training hub (anyone may ask: the hub is public)."""
        return self._read_once(f"/providers/{provider_id}/training-hub")

    def save_hub_branding(self, provider_id: str, branding: dict) -> dict:
        """Set the hub's name, support contact and logo (`logo`: the file's base64, None keeps it)."""
        return self._put(f"/providers/{provider_id}/training-hub", branding)

    def hub_logo(self, provider_id: str, version: str) -> bytes:
        """The hub's logo as PNG bytes, if `version` is its current one."""
        with self._http.stream("GET", f"/providers/{provider_id}/training-hub/logo/{version}", self._caller) as answer:
            return b"".join(answer.chunks)

    def send_getting_started(self, organization_id: str, member_ids: list[str]) -> list[dict]:
        """Have the chosen members mailed the "Getting started" email of their hub; who will be mailed."""
        return self._post(f"/organizations/{organization_id}/members/getting-started",
                          {"member_ids": member_ids})["members"]

    # --- organizations ------------------------------------------------------------------------

    def organization(self, organization_id: str) -> dict:
        """The organization, with the person's access to it (read once per request)."""
        return self._read_once(f"/organizations/{organization_id}")

    def create_organization(self, draft: dict) -> dict:
        """Create an organization the person owns."""
        return self._post("/organizations", draft)

    def open_as_provider(self, organization_id: str) -> None:
        """Record that provider staff opened a client's console."""
        self._post(f"/organizations/{organization_id}/provider-access")

    def requirements(self, organization_id: str) -> dict:
        """What the organization requires of its members' master password and log-in."""
        return self._get(f"/organizations/{organization_id}/requirements")

    def members(self, organization_id: str, **query) -> dict:
        """One page of the organization's members."""
        return self._get(f"/organizations/{organization_id}/members", **query)

    def member(self, organization_id: str, member_id: str) -> dict:
        """One member of the organization."""
        return self._get(f"/organizations/{organization_id}/members/{member_id}")

    def invite_members(self, organization_id: str, invitation: dict) -> dict:
        """Invite people to the organization."""
        return self._post(f"/organizations/{organization_id}/members", invitation)

    def accept(self, kind: str, organization_id: str, member_id: str, proof: str, name: str) -> None:
        """Accept an invitation (`kind` organization or provider) with identity's proof of the link."""
        joined = f"/providers/{organization_id}/staff" if kind == "provider" else \
            f"/organizations/{organization_id}/members"
        self._post(f"{joined}/{member_id}/accept", {"proof": proof, "name": name})

    def confirm_member(self, organization_id: str, member_id: str, wrapped_org_key: str) -> None:
        """Confirm a member: the org key wrapped to them."""
        self._post(f"/organizations/{organization_id}/members/{member_id}/confirm",
                   {"wrapped_org_key": wrapped_org_key})

    def change_member_role(self, organization_id: str, member_id: str, role: str, permissions: list[str]) -> None:
        """Change a member's role (and a Custom member's permissions)."""
        self._put(f"/organizations/{organization_id}/members/{member_id}/role",
                  {"role": role, "permissions": permissions})

    def reinvite_members(self, organization_id: str, member_ids: list[str]) -> None:
        """Send invitations again."""
        self._post(f"/organizations/{organization_id}/members/reinvite", {"member_ids": member_ids})

    def act_on_member(self, organization_id: str, member_id: str, action: str) -> None:
        """Revoke a member's access ("revoke"), restore it ("restore"), remove the member ("remove") or
        send the invitation again ("reinvite")."""
        if action == "remove":
            self._delete(f"/organizations/{organization_id}/members/{member_id}")
        elif action == "reinvite":
            self.reinvite_members(organization_id, [member_id])
        else:
            self._post(f"/organizations/{organization_id}/members/{member_id}/{action}")

    def recovery_target(self, organization_id: str, member_id: str) -> dict:
        """What an administrator needs to recover a member's account."""
        return self._get(f"/organizations/{organization_id}/members/{member_id}/recovery")

    def policies(self, organization_id: str) -> list[dict]:
        """The organization's policies, on or off."""
        return self._get(f"/organizations/{organization_id}/policies")["policies"]

    def save_policy(self, organization_id: str, policy_type: str, enabled: bool, settings: dict) -> None:
        """Turn a policy on or off, with its settings."""
        self._put(f"/organizations/{organization_id}/policies/{policy_type}", {"enabled": enabled, "settings": settings})

    def two_factor_policy_impact(self, organization_id: str) -> dict:
        """Who would lose access if the organization required two-step login."""
        return self._get(f"/organizations/{organization_id}/policies/require_two_factor/impact")

    def provider_policies(self, provider_id: str) -> list[dict]:
        """The provider's policies, in force in every client."""
        return self._get(f"/providers/{provider_id}/policies")["policies"]

    def save_provider_policy(self, provider_id: str, policy_type: str, enabled: bool, settings: dict) -> None:
        """Turn a provider policy on or off, with its settings."""
        self._put(f"/providers/{provider_id}/policies/{policy_type}", {"enabled": enabled, "settings": settings})

    def provider_two_factor_impact(self, provider_id: str) -> list[dict]:
        """Per client, how many members requiring two-step login everywhere would revoke and warn."""
        return self._get(f"/providers/{provider_id}/policies/require_two_factor/impact")["clients"]

    def member_access(self, organization_id: str) -> list[dict]:
        """Every member with their groups, collections (names sealed) and item count: the member access report."""
        return self._get(f"/organizations/{organization_id}/member-access")["members"]

    # --- groups and collections ---------------------------------------------------------------

    def groups(self, organization_id: str) -> list[dict]:
        """The organization's groups and who is in each."""
        return self._get(f"/organizations/{organization_id}/groups")["groups"]

    def save_group(self, organization_id: str, group_id: str | None, group: dict) -> None:
        """Create a group, or change one."""
        self._create_or_change(f"/organizations/{organization_id}/groups", group_id, group)

    def delete_group(self, organization_id: str, group_id: str) -> None:
        """Delete a group."""
        self._delete(f"/organizations/{organization_id}/groups/{group_id}")

    def collections(self, organization_id: str) -> list[dict]:
        """The organization's collections and their access."""
        return self._get(f"/organizations/{organization_id}/collections")["collections"]

    def editable_collections(self, organization_id: str) -> list[dict]:
        """The collections the person may add items to."""
        return self._get(f"/organizations/{organization_id}/collections/editable")["collections"]

    def visible_collections(self, organization_id: str) -> list[dict]:
        """The collections whose items the person sees (a view-only member's too)."""
        return self._get(f"/organizations/{organization_id}/collections/visible")["collections"]

    def save_collection(self, organization_id: str, collection_id: str | None, collection: dict) -> None:
        """Create a collection, or change one."""
        self._create_or_change(f"/organizations/{organization_id}/collections", collection_id, collection)

    def delete_collection(self, organization_id: str, collection_id: str) -> None:
        """Delete a collection."""
        self._delete(f"/organizations/{organization_id}/collections/{collection_id}")

    # --- vault items and folders --------------------------------------------------------------

    def items(self, base: str, trash: bool, **query) -> dict:
        """One listing of a vault's items (`base`: the person's vault or an organization's)."""
        return self._get(base, trash="true" if trash else "false", **query)

    def item(self, base: str, item_id: str) -> dict:
        """One vault item, sealed."""
        return self._get(f"{base}/{item_id}")

    def save_item(self, base: str, item_id: str | None, body: dict) -> str:
        """Store a sealed item, new or changed; its id."""
        answer = self._create_or_change(base, item_id, body)
        return item_id or answer["item_id"]

    def item_viewed(self, organization_id: str, item_id: str) -> None:
        """Log that the reader opened an organization's item (its log says "Accessed item ...")."""
        self._post(f"/organizations/{organization_id}/items/{item_id}/viewed")

    def act_on_item(self, base: str, item_id: str, action: str) -> None:
        """Move an item to the trash ("trash"), restore it ("restore"), or delete it for good ("purge")."""
        if action == "purge":
            self._delete(f"{base}/{item_id}")
        else:
            self._post(f"{base}/{item_id}/{action}")

    def set_favorite(self, item_id: str, favorite: bool) -> None:
        """Mark an item a favourite of the person, or not."""
        self._put(f"/items/{item_id}/favorite", {"favorite": favorite})

    def share_item(self, item_id: str, organization_id: str, data: dict, collection_ids: list[str]) -> None:
        """Move a personal item into an organization, resealed under its key."""
        self._post(f"/me/items/{item_id}/share",
                   {"organization_id": organization_id, "data": data, "collection_ids": collection_ids})

    def folders(self) -> list[dict]:
        """The person's folders."""
        return self._get("/me/folders")["folders"]

    def save_folder(self, folder_id: str | None, body: dict) -> None:
        """Create a folder, or rename one."""
        self._create_or_change("/me/folders", folder_id, body)

    def delete_folder(self, folder_id: str) -> None:
        """Delete a folder; its items are in no folder then."""
        self._delete(f"/me/folders/{folder_id}")

    def import_items(self, organization_id: str | None, body: dict, timeout: float, max_body: int) -> dict:
        """Store an import's sealed items in the organization (or one's own vault, for None), all or none."""
        path = "/me/items/import" if organization_id is None else f"/organizations/{organization_id}/items/import"
        return self._post(path, body, timeout=timeout, max_body=max_body)

    def export_items(self, organization_id: str) -> dict:
        """The organization's sealed items and collections, for an export (which is logged)."""
        return self._post(f"/organizations/{organization_id}/export", {})

    def log_exported(self, organization_id: str, filters: dict) -> None:
        """Log that the person exported the organization's event log (refused if they may not read it)."""
        self._post(f"/organizations/{organization_id}/events/exported", filters)

    def log_settings_updated(self, organization_id: str, change: dict) -> None:
        """Log that the person made or rotated the API key (`setting` api_key), or changed the retention."""
        self._post(f"/organizations/{organization_id}/log-settings/updated", change)

    def provider_log_exported(self, provider_id: str, filters: dict) -> None:
        """Log that a provider admin exported the provider's event log."""
        self._post(f"/providers/{provider_id}/events/exported", filters)

    def sealed_item_names(self, organization_id: str, item_ids: list[str]) -> dict[str, str]:
        """The sealed names of those items the person may see, by id (for an event log's sentences)."""
        return self._post(f"/organizations/{organization_id}/items/names", {"item_ids": item_ids})["names"]

    def log_clients(self, provider_id: str) -> list[dict]:
        """Every client of the provider by name, for its event log's Client filter and column."""
        return self._get(f"/providers/{provider_id}/log-clients")["clients"]
