"""The one table of the services' refusals, in the user's language, keyed by their stable code.

A service refuses with a code and params (`seats.below_used`, `{"used": 12}`, see services/common/errors.py);
`refusal_text(error)` is what the portal shows for it, wherever it shows one: the table's template in the
user's language with the params formatted in (numbers as the language writes them, member types by their
translated names, a nested reason translated too, French "de"/"que" elided before a vowel). An unknown code
shows a generic sentence and logs a warning: never the service's English.

tests/unit/test_refusal_table.py fails when a code the services raise has no entry here, when an entry's
English differs from the service's template, or when its French is missing.
"""
from __future__ import annotations

import logging
import re

from flask_babel import format_decimal, get_locale
from flask_babel import lazy_gettext as _l

from .labels import member_role

log = logging.getLogger(__name__)

REFUSALS = {
    "access.duplicate": _l("Each member or group appears once."),
    "access.level_invalid": _l("Choose can view, can view except passwords, can edit, can edit except passwords or "
                               "can manage."),
    "access.member_or_group": _l("Each access is for one member or one group."),
    "account.email_taken": _l("An account with this email address already exists. Log in instead."),
    "account.name_missing": _l("Enter your name."),
    "account.name_too_long": _l("Your name must be 50 characters or fewer."),
    "account.no_such_email": _l("No account uses this email address yet."),
    "action.not_found": _l("No such action."),
    "api_key.too_many_calls": _l("At most %(calls)s calls a minute per key: try again in %(wait)s s."),
    "api_key.wrong": _l("The client id or client secret is wrong, or the key was rotated."),
    "billing.address_line2_too_long": _l("The second address line must be at most %(most)s characters."),
    "billing.address_missing": _l("The address is required."),
    "billing.address_too_long": _l("The address must be at most %(most)s characters."),
    "billing.city_missing": _l("The city is required."),
    "billing.city_too_long": _l("The city must be at most %(most)s characters."),
    "billing.country_invalid": _l("Choose the country by its two-letter ISO code, such as FR, DE or US."),
    "billing.minimum_invalid": _l("A seat minimum is a whole number from 0 to %(most)s."),
    "billing.name_missing": _l("The name is required."),
    "billing.name_too_long": _l("The name must be at most %(most)s characters."),
    "billing.postal_code_invalid": _l("A postal code is 1 to 20 letters, digits, spaces or hyphens."),
    "billing.provider_admin_only": _l("Only Provider Admins manage billing."),
    "billing.provider_unknown": _l("No provider '%(provider)s' is known to billing."),
    "billing.tax_id_invalid": _l("A tax id is 4 to 20 letters, digits or hyphens, such as FR40303265045; leave it "
                                 "empty if you have none."),
    "client.name_taken": _l("You already have a client with this name."),
    "client.no_confirmed_owner": _l("A client can be unlinked only once it has a confirmed owner to run it."),
    "client.not_found": _l("No such client organization."),
    "client.organization_not_linkable": _l("Choose an organization you own that no provider manages yet."),
    "clients.compliance_filter_invalid": _l("Show every client, or only the non-compliant ones."),
    "clients.sort_invalid": _l("Sort by name, assigned, used, remaining or plan."),
    "code.just_sent": _l("A code was just sent. Check your inbox, or ask again in %(wait)s seconds."),
    "code.too_many_attempts": _l("Too many wrong attempts. Try again in %(minutes)s minutes."),
    "collection.not_found": _l("No such collection."),
    "collections.access_level_missing": _l("Choose an access level for the collections."),
    "collections.not_in_organization": _l("Choose collections of this organization."),
    "collections.not_managed": _l("You can give access only to collections you manage."),
    "date.invalid": _l("Enter a date as YYYY-MM-DD."),
    "date_time.missing": _l("Enter a date and time."),
    "demo.already_registered": _l("%(email)s is already signed up for this session."),
    "demo.capacity_out_of_range": _l("The capacity must be from %(least)s to %(most)s people."),
    "demo.company_missing": _l("Enter your company's name."),
    "demo.company_size_invalid": _l("Choose your company's size from the list."),
    "demo.company_too_long": _l("The company name must be %(most)s characters or fewer."),
    "demo.duration_out_of_range": _l("The duration must be from %(least)s to %(most)s minutes."),
    "demo.name_too_long": _l("Your name must be %(most)s characters or fewer."),
    "demo.session_cancelled": _l("This demo session was cancelled. Choose another session."),
    "demo.session_full": _l("This demo session is full. Choose another session."),
    "demo.session_not_found": _l("This demo session does not exist. Choose another session."),
    "demo.session_past": _l("This demo session has already started. Choose another session."),
    "demo.start_in_past": _l("Choose a date and time in the future."),
    "demo.time_invalid": _l("Enter the time as HH:MM."),
    "demo.time_skipped": _l("%(time)s does not exist on %(date)s in %(zone)s: the clocks change then. Choose "
                            "another time."),
    "demo.time_zone_unknown": _l("Choose a time zone from the list, such as Europe/Paris."),
    "demo.title_missing": _l("Enter a title for the session."),
    "demo.title_too_long": _l("The title must be %(most)s characters or fewer."),
    "demo.video_link_invalid": _l("Enter the video link as an https:// address, such as https://meet.example.com/demo."),
    "demo.video_link_too_long": _l("The video link must be %(most)s characters or fewer."),
    "demo.when_invalid": _l("Show upcoming or past sessions."),
    "email.invalid": _l("Enter a valid email address, like name@example.com."),
    "email.missing": _l("Enter an email address."),
    "email.not_valid": _l("%(email)s is not a valid email address."),
    "emails.missing": _l("Enter at least one email address."),
    "emails.too_many": _l("Invite at most %(most)s people at a time."),
    "encstring.invalid": _l("%(name)s must be an encrypted value (EncString type %(kind)s)."),
    "event_log.end_after_tomorrow": _l("To cannot be later than tomorrow."),
    "event_log.end_before_start": _l("To must be on or after From."),
    "event_log.export_forbidden": _l("Only members allowed to access event logs can export them."),
    "event_log.page_size_invalid": _l("Ask for 1 to %(most)s events a page."),
    "event_log.provider_admin_only": _l("Only a provider admin can read the provider's event log."),
    "event_log.read_forbidden": _l("Only owners, admins, members allowed to access event logs and the provider's "
                                   "staff can read this event log."),
    "event_log.settings_forbidden": _l("Only the organization's owners and its provider's staff can manage its API "
                                       "key and how long its events are kept."),
    "event_log.start_too_early": _l("No event is kept longer than %(days)s days: choose a later From date."),
    "event_log.text_too_long": _l("Search for at most %(most)s characters."),
    "event_log.unknown_client": _l("Choose a client from the list."),
    "event_log.unknown_group": _l("Choose an event group from the list."),
    "event_log.unknown_user": _l("Choose a user from the list."),
    "field.invalid": _l("This value is not valid."),
    "field.required": _l("This field is required."),
    "folder.not_found": _l("No such folder."),
    "folder.not_yours": _l("Choose one of your folders."),
    "folders.too_many": _l("You can have at most %(most)s folders."),
    "getting_started.member_revoked": _l("%(email)s is revoked: restore their access before sending them the getting "
                                         "started email."),
    "getting_started.nobody_selected": _l("Select the members to send the getting started email to."),
    "getting_started.not_members": _l("Choose members of this organization."),
    "getting_started.too_many": _l("Send the getting started email to at most %(most)s members at a time."),
    "integration.name_length": _l("The name must be 1 to %(most)s characters long."),
    "integration.not_found": _l("No such credential."),
    "integration.too_many": _l("A provider can have at most %(most)s credentials: revoke one first."),
    "integration.too_many_connections": _l("At most %(calls)s connections a minute per credential: try again in "
                                           "%(wait)s s."),
    "integration.wrong_credential": _l("The client id or client secret is wrong, or the credential was revoked."),
    "group.members_invalid": _l("Choose members of this organization (revoked members cannot be added)."),
    "group.name_missing": _l("Enter the group's name."),
    "group.name_taken": _l("This organization already has a group with this name."),
    "group.name_too_long": _l("A group name must be 100 characters or fewer."),
    "group.not_found": _l("No such group."),
    "groups.not_in_organization": _l("Choose groups of this organization."),
    "import.entry_refused": _l("Entry %(number)s: %(reason)s"),
    "import.entry_unknown_new_collection": _l("Entry %(number)s: it names a collection the import does not create."),
    "import.entry_unknown_new_folder": _l("Entry %(number)s: it names a folder the import does not create."),
    "import.folder_not_yours": _l("Choose one of your folders."),
    "import.entry_without_collection": _l("Entry %(number)s: choose a collection for it."),
    "import.no_items": _l("The file holds no items."),
    "import.too_many_collections": _l("An import creates at most %(most)s collections."),
    "import.too_many_folders": _l("An import creates at most %(most)s folders."),
    "import.too_many_items": _l("An import holds at most %(most)s items."),
    "invitation.expired": _l("This invitation has expired. Ask an administrator to send it again."),
    "invitation.link_invalid": _l("This invitation link is not valid. It may have been used, cancelled, or replaced "
                                  "by a newer one."),
    "invitation.other_email": _l("This invitation was sent to another email address."),
    "invitation.sent_to_other": _l("This invitation was sent to %(email)s. Log in with that account to accept it."),
    "invitation.unverified": _l("This invitation could not be verified. Open the link from the email again."),
    "invitation.used": _l("This invitation has already been used."),
    "invoice.not_found": _l("No such invoice."),
    "invoice.not_open": _l("Invoice %(number)s is %(status)s, not open."),
    "invoice.number_unknown": _l("No invoice is numbered '%(number)s'."),
    "invoices.sort_invalid": _l("Sort by issued_at, number, total or status."),
    "item.collections_missing": _l("Choose at least one collection of this organization."),
    "item.collections_not_editable": _l("You may not add or change items in these collections."),
    "item.field_unsealed": _l("%(path)s must be encrypted text, true/false or empty."),
    "item.move_needs_edit": _l("Moving or sharing an item needs full edit access, passwords included, where it is and"
                               " where it goes."),
    "item.not_found": _l("No such item."),
    "item.not_in_trash": _l("Move the item to the trash first."),
    "item.purge_forbidden": _l("Only those who manage its collections delete an item for good."),
    "item.too_deep": _l("The item is nested too deeply."),
    "item.too_many_fields": _l("The item has too many fields."),
    "item.type_invalid": _l("The item type must be login, note, card or identity."),
    "item.view_only": _l("You may only view this item."),
    "kdf.argon2_out_of_range": _l("Argon2id needs 1-10 iterations, 16-1024 MiB and parallelism 1-16."),
    "kdf.pbkdf2_out_of_range": _l("PBKDF2 needs %(least)s to %(most)s iterations."),
    "kdf.unknown": _l("The key derivation function must be pbkdf2 or argon2id."),
    "login.challenge_expired": _l("This log-in has expired. Log in again with your master password."),
    "login.too_many_attempts": _l("Too many failed log-in attempts. Try again in %(wait)s seconds."),
    "login.wrong_credentials": _l("Wrong email address or master password."),
    "mail.unavailable": _l("The mail server is not answering. Nothing was sent; try again in a moment."),
    "master_password.current_wrong": _l("Your current master password is not right."),
    "master_password.hash_malformed": _l("The master password hash is missing or malformed."),
    "master_password.hash_missing": _l("master_password_hash is missing."),
    "master_password.unchanged": _l("Choose a master password different from the current one."),
    "master_password.wrong": _l("This is not your master password."),
    "member.already_accepted": _l("%(email)s has already accepted."),
    "member.already_in": _l("You are already a member of this organization."),
    "member.already_member": _l("%(email)s is already a member of this organization."),
    "member.already_revoked": _l("This member is already revoked."),
    "member.cannot_confirm": _l("Your role cannot confirm this member."),
    "member.last_owner": _l("An organization needs an owner: make someone else owner first."),
    "member.not_accepted": _l("Only accepted members can be confirmed."),
    "member.not_found": _l("No such member."),
    "member.not_revoked": _l("Only revoked members can be restored."),
    "member.own_membership": _l("You cannot change your own membership."),
    "member.permission_unknown": _l("Unknown permission: %(permission)s."),
    "member.permissions_not_held": _l("You can grant only permissions you hold yourself."),
    "member.role_invalid": _l("Choose the Owner, Admin, User or Custom type."),
    "members.role_invalid": _l("Unknown member type."),
    "members.sort_invalid": _l("Sort by email, name, role or status, ascending or descending."),
    "members.status_invalid": _l("Unknown status."),
    "name.invalid_characters": _l("A name cannot contain control, invisible or text-direction characters."),
    "organization.name_missing": _l("Enter the organization's name."),
    "organization.name_too_long": _l("The organization name must be shorter than 100 characters."),
    "organization.not_found": _l("No such organization."),
    "page_link.after_and_before": _l("Ask for the page after a row or before one, not both."),
    "page_link.damaged": _l("This page link is damaged: start again from the first page."),
    "page_link.damaged_log": _l("This page link is damaged: start again from the newest events."),
    "page_link.older_and_newer": _l("Ask for the older or the newer page, not both."),
    "page_link.other_filters": _l("This page link belongs to other filters: start again from the newest events."),
    "passkey.already_registered": _l("This key is already registered. Use another key."),
    "passkey.name_missing": _l("Name the key, so that you can tell it from your others."),
    "passkey.name_taken": _l("You already have a key named %(name)s. Choose another name."),
    "passkey.name_too_long": _l("A key's name must be %(most)s characters or fewer."),
    "passkey.not_found": _l("No such passkey."),
    "passkey.not_read": _l("The key could not be read, or its answer expired. Press Read key and try again."),
    "passkey.refused": _l("This passkey was not accepted. Try again, or use another method."),
    "passkey.too_many": _l("You already have %(most)s passkeys, the most an account can have. Remove one first."),
    "page_link.other_list": _l("This page link belongs to another list or sort: start again from the first page."),
    "page_link.other_log": _l("This page link belongs to another event log: start again from the newest events."),
    "payment.reference_invalid": _l("Give the payment's reference: 1 to 100 letters, digits, spaces or . / : # -"),
    "plan.invalid": _l("Choose the Teams or Enterprise plan."),
    "plan.seats_above_plan": _l("The %(plan)s plan allows at most %(most)s seats: lower the seats first."),
    "plan.unknown": _l("Unknown plan '%(plan)s'."),
    "policy.character_requirement_invalid": _l("Each character requirement is on or off."),
    "policy.master_password_setting_unknown": _l("Unknown master password requirement."),
    "policy.min_length_invalid": _l("The minimum length is a number from %(low)s to %(high)s."),
    "policy.min_score_invalid": _l("The minimum strength is a number from 0 to 4."),
    "policy.no_settings": _l("This policy has no settings."),
    "policy.required_by_provider": _l("Your provider has this policy on for every client: it cannot be turned off "
                                      "here."),
    "policy.recovery_settings_invalid": _l("Account recovery takes only automatic enrolment (on or off)."),
    "policy.send_hide_email": _l("Due to an Enterprise policy, you are not allowed to hide your email address from "
                                 "recipients when creating or editing a Send."),
    "policy.send_options_invalid": _l("Send options take only whether members may hide their email address (on or "
                                      "off)."),
    "policy.sends_disabled": _l("Due to an Enterprise policy, you are only able to delete an existing Send."),
    "policy.two_factor_required": _l("This organization requires two-step login: turn it on in your account first."),
    "policy.two_factor_unknown": _l("Who has two-step login is not known: nothing was changed."),
    "policy.unknown": _l("Unknown policy."),
    "policy.weaker_than_provider": _l("This is weaker than your provider's policy: every client must meet it or go "
                                      "further."),
    "provider.admin_only": _l("Only a provider admin can do this."),
    "provider.name_length": _l("The provider name must be 1 to 99 characters long."),
    "provider.not_found": _l("No such provider."),
    "public_key.invalid": _l("public_key must be a base64 DER public key."),
    "recovery.enrolment_required": _l("This organization requires every member to be enrolled in account recovery."),
    "recovery.member_not_confirmed": _l("Only a confirmed member's account can be recovered."),
    "recovery.member_not_enrolled": _l("This member is not enrolled in account recovery."),
    "recovery.member_revoked": _l("This member's access is revoked: restore it before recovering the account."),
    "recovery.not_enrolled_self": _l("You are not enrolled in account recovery."),
    "recovery.not_used": _l("This organization does not use account recovery."),
    "recovery.own_account": _l("You cannot recover your own account: change your master password instead."),
    "recovery.owner_only": _l("Only an owner can recover an owner's account."),
    "recovery.policy_off": _l("Turn on the account recovery policy first."),
    "recovery.role_above": _l("You cannot recover the account of a member whose role is above yours."),
    "refusal.unknown": _l("The request was refused. Nothing was changed."),
    "request.invalid": _l("The request does not match the expected fields and types."),
    "request.not_signed": _l("This service only answers signed internal calls, each once."),
    "request.too_deep": _l("The request body is nested more than %(depth)s levels deep."),
    "request.too_large": _l("The request is too large."),
    "retention.out_of_range": _l("Keep events from %(low)s to %(high)s days."),
    "role.cannot_change_member": _l("Your role cannot change a member who is %(role)s."),
    "role.cannot_create_collections": _l("Your role does not allow creating collections."),
    "role.cannot_invite_as": _l("Your role cannot invite someone as %(role)s."),
    "role.cannot_make": _l("Your role cannot make someone %(role)s."),
    "role.cannot_manage_collections": _l("Your role does not allow managing collections."),
    "role.cannot_manage_groups": _l("Your role does not allow managing groups."),
    "role.cannot_manage_members": _l("Your role does not allow managing members."),
    "role.not_allowed": _l("Your role does not allow this."),
    "seats.above_plan": _l("The %(plan)s plan allows at most %(most)s seats."),
    "seats.autoscale_below_seats": _l("The autoscaling limit cannot be below the seats."),
    "seats.below_used": _l("Seats cannot be fewer than the members who use a seat (%(used)s)."),
    "seats.not_enough": _l("Not enough seats: %(remaining)s remaining, %(needed)s needed. Add seats first."),
    "seats.out_of_range": _l("Seats must be a whole number from 1 to 10,000."),
    "send.access_token_invalid": _l("The access token must be 32 bytes in base64."),
    "send.deletion_date_missing": _l("Choose a deletion date."),
    "send.deletion_date_past": _l("You cannot have a Send with a deletion date in the past."),
    "send.deletion_date_too_far": _l("You cannot have a Send with a deletion date that far into the future. Adjust "
                                     "the deletion date to a value less than 31 days from now and try again."),
    "send.expiration_after_deletion": _l("You cannot have a Send with an expiration date greater than the deletion "
                                         "date. Adjust the expiration date to a value earlier than the deletion date "
                                         "and try again."),
    "send.expiration_date_past": _l("You cannot create a Send that is already expired. Set the expiration date to a "
                                    "date and time in the future."),
    "send.file_has_no_text": _l("A file Send has no text."),
    "send.file_incomplete": _l("The file is incomplete: %(received)s of %(parts)s parts were received."),
    "send.file_prefix_invalid": _l("The file's nonce prefix must be 8 bytes in base64."),
    "send.file_too_large": _l("A file Send is at most %(mib)s MiB."),
    "send.max_access_count_invalid": _l("The maximum access count is empty or a number from 1 to %(most)s."),
    "send.no_more_parts": _l("This Send takes no more parts."),
    "send.not_available": _l("This Send does not exist or is no longer available."),
    "send.not_found": _l("No such Send."),
    "send.not_uploading": _l("This Send is not being uploaded."),
    "send.part_content_type": _l("Send a part as application/octet-stream."),
    "send.part_out_of_order": _l("Send part %(next)s next (of %(parts)s)."),
    "send.part_size": _l("Part %(number)s must be %(size)s bytes, not %(received)s."),
    "send.password_proof_invalid": _l("The password proof must be 32 bytes in base64."),
    "send.password_required": _l("This Send is protected by a password."),
    "send.text_has_no_file": _l("A text Send has no file."),
    "send.type_invalid": _l("A Send is a text or a file."),
    "sends.status_filter_invalid": _l("Choose a status from the list."),
    "sends.too_many": _l("You have %(most)s Sends, the most one person may keep: delete some first."),
    "sends.type_filter_invalid": _l("Choose text or file."),
    "service.unavailable": _l("Part of Custodian is not answering right now. Nothing was changed; try again in a "
                              "moment."),
    "session.log_in_first": _l("Log in first."),
    "sort.direction_invalid": _l("Sort direction must be asc or desc."),
    "staff.already_accepted": _l("%(email)s has already accepted."),
    "staff.already_in": _l("You are already on this provider's staff."),
    "staff.already_on_staff": _l("%(email)s is already on this provider's staff."),
    "staff.already_user": _l("This person is already a user of the provider."),
    "staff.not_accepted": _l("Only accepted provider users can be confirmed."),
    "staff.fingerprint_invalid": _l("The key fingerprint must be a SHA-256 in hexadecimal."),
    "staff.scope_changed": _l("The clients given to %(email)s changed meanwhile: check them and confirm again."),
    "staff.scoped_admin": _l("A Service User limited to some clients cannot be made a Provider Admin: give them "
                             "all clients first."),
    "staff.scope_admin": _l("Only a Service User can be limited to some clients."),
    "staff.key_changed": _l("%(email)s has another key than the one checked at confirmation."),
    "staff.scope_too_many": _l("Give or take at most %(most)s clients at once."),
    "staff.scope_overlap": _l("A client cannot be both given and taken."),
    "staff.scope_provider_key": _l("A user limited to some clients is given no provider key."),
    "staff.scope_key_too_early": _l("Keys are wrapped to an invited user only when they are confirmed."),
    "staff.scope_unscoped_list": _l("A user given every client has no list of clients."),
    "staff.not_found": _l("No such provider user."),
    "staff.own_role": _l("You cannot change your own role; another provider admin can."),
    "staff.remove_self": _l("You cannot remove yourself; another provider admin can."),
    "staff.role_invalid": _l("Choose the Provider Admin or Service User role."),
    "subscription.not_found": _l("This organization has no subscription yet."),
    "training_hub.logo_dimensions": _l("The logo must be %(low)s to %(high)s pixels wide and high; this one is "
                                       "%(width)s × %(height)s."),
    "training_hub.logo_not_found": _l("No such logo."),
    "training_hub.logo_too_large": _l("The logo must be at most %(most)s KiB."),
    "training_hub.logo_type": _l("The logo must be a PNG, JPEG or WebP image."),
    "training_hub.name_too_long": _l("The hub name must be at most %(most)s characters."),
    "training_hub.url_not_https": _l("The support website must be an https:// address, such as "
                                     "https://help.example.com."),
    "training_hub.url_too_long": _l("The support website must be at most %(most)s characters."),
    "two_factor.authenticator_already_off": _l("The authenticator app is already off."),
    "two_factor.authenticator_already_on": _l("The authenticator app is already on."),
    "two_factor.authenticator_already_on_setup": _l("The authenticator app is already on. Turn it off first to use "
                                                    "another one."),
    "two_factor.email_already_off": _l("Codes by email are already off."),
    "two_factor.email_already_on": _l("Codes by email are already on."),
    "two_factor.email_off": _l("Codes by email are off for this account. Choose another method."),
    "two_factor.method_invalid": _l("Choose the authenticator app or codes by email."),
    "two_factor.method_not_on": _l("This method of two-step login is not on for your account. Choose another."),
    "two_factor.passkey_off": _l("Passkeys are off for this account. Choose another method."),
    "two_factor.no_setup_under_way": _l("No authenticator app setup is under way. Start again from Two-step login."),
    "two_factor.recovery_code_needs_method": _l("Turn on a two-step login method first: the recovery code is what "
                                                "turns it off."),
    "two_factor.wrong_code": _l("This code is not right, has expired or was already used. Try again."),
    "user.not_found": _l("No such user."),
}
UNKNOWN = "refusal.unknown"

# "de alice@…" is "d'alice@…" in French, "que Olivia" "qu'Olivia": the words that elide before a param
# whose value starts with a vowel or a (mute) h.
_ELIDING = re.compile(r"\b([Dd]e|[Qq]ue|[Jj]usque) %\((\w+)\)s")
_VOWELS = frozenset("aeiouyhàâäéèêëîïôöùûüÿœæ")


def english(code: str) -> str:
    """The English template of `code` (the msgid of its entry)."""
    return REFUSALS[code]._args[0]


def elide(template: str, params: dict) -> str:
    """`template` (French) with "de %(name)s" made "d'%(name)s" where `name`'s value starts with a vowel or h."""
    def one(match: re.Match) -> str:
        word, name = match.group(1), match.group(2)
        value = str(params.get(name, ""))
        if value[:1].lower() in _VOWELS:
            return f"{word[:-1]}'%({name})s"
        return match.group(0)
    return _ELIDING.sub(one, template)


def _shown(name: str, value):
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return format_decimal(value)
    if name == "role" and isinstance(value, str):
        return member_role(value)
    if isinstance(value, dict) and "code" in value:  # a refusal given as the reason of another
        return text_of(value["code"], value.get("params") or {}, value.get("message", ""))
    return value


def text_of(code: str, params: dict, english_message: str = "") -> str:
    """The refusal `code` with `params`, in the user's language."""
    entry = REFUSALS.get(code)
    if entry is None:
        log.warning("a refusal without a translation: code %r (%s)", code, english_message)
        return str(REFUSALS[UNKNOWN])
    template = str(entry)
    if not params or "%(" not in template:
        return template
    shown = {name: _shown(name, value) for name, value in params.items()}
    if getattr(get_locale(), "language", "en") == "fr":
        template = elide(template, shown)
    try:
        return template % shown
    except (KeyError, ValueError, TypeError):
        log.warning("refusal %r: its params %r do not fit its template", code, sorted(params))
        return str(REFUSALS[UNKNOWN])


def refusal_text(error) -> str:
    """What to show for a service's refusal (a ServiceError) or a domain's (a DomainError), in the user's language."""
    return text_of(getattr(error, "code", "") or "", getattr(error, "params", None) or {},
                   getattr(error, "message", ""))
