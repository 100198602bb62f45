"""What the training hub's written guides say: registration, two-step login setup, getting started.

Kept as tables of translatable sentences so that one template shows each kind of guide, and so that
a guide names exactly the buttons and fields of the pages it describes (and their French ones).
"""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class Step:
    """One step of a guide: what to do, and what the person then sees."""

    title: str
    text: str
    picture: str | None = None  # the registration guide's screenshot (media/guide_screenshots.py names it)
    alt: str | None = None


@dataclass(frozen=True)
class Guide:
    """A guide of the hub: a page of steps or of sections."""

    slug: str
    title: str
    summary: str
    steps: tuple[Step, ...] = ()
    sections: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (heading, paragraphs)


REGISTRATION = (
    Step(_l("Open the log-in page"),
         _l("Open the address your IT provider gave you. Under the log-in form, select Create an account. If your "
            "organization invited you, open the link of the invitation email instead: it leads to the same form, "
            "then joins you to your organization."),
         "1-log-in-page", _l("The log-in page, with the Create an account link under the form.")),
    Step(_l("Fill in the registration form"),
         _l("The Create account page asks for your email address, your name, and a master password typed twice. "
            "Use your work email address: it is where your organization's invitation and codes arrive."),
         "2-create-account", _l("The empty Create account form: Email address, Name, Master password and "
                                "Re-type master password.")),
    Step(_l("Choose your master password"),
         _l("Type a long passphrase of several unrelated words. The meter under the field tells how hard it is to "
            "guess; a master password shorter than 12 characters, or too easy to guess, is refused. Nobody, not "
            "even your IT provider, can read it or recover it for you: remember it."),
         "3-master-password", _l("The form filled in, with the strength of the master password shown under it.")),
    Step(_l("Create the account"),
         _l("Select Create account. The log-in page opens and says that your account was created."),
         "4-account-created", _l("The log-in page saying: Your account was created. Log in with your master "
                                 "password.")),
    Step(_l("Log in"),
         _l("Enter your email address and your master password, then select Log in."),
         "5-first-log-in", _l("The log-in form filled in with the new account's email address.")),
    Step(_l("Your vault"),
         _l("Your vault opens, empty. Next: import your passwords from where they are today, and turn on "
            "two-step login."),
         "6-your-vault", _l("The new account's vault, with no items yet.")),
)


TWO_STEP_METHODS = (
    Guide("authenticator", _l("Authenticator app"),
          _l("A 6-digit code from an app on your phone, new every 30 seconds. Works offline."),
          steps=(
              Step(_l("Install an authenticator app"),
                   _l("Any app that makes time-based codes (TOTP) works: Bitwarden Authenticator, Aegis, Google "
                      "Authenticator, Microsoft Authenticator, or the authenticator of your password manager.")),
              Step(_l("Open Two-step login"),
                   _l("Log in, open Account settings, then Two-step login. Under Authenticator app, select Turn "
                      "on.")),
              Step(_l("Scan the QR code"),
                   _l("A dialog shows a QR code and the same key as text. Scan the code with the app, or type "
                      "the key by hand (Copy puts it on your clipboard).")),
              Step(_l("Enter the code"),
                   _l("The app now shows a 6-digit code for Custodian. Type it in the dialog and select Turn on. "
                      "A code that has expired is refused: type the one the app shows now.")),
              Step(_l("Save your recovery code"),
                   _l("With your first method, Custodian shows a recovery code, once. Write it down, keep it away "
                      "from your phone, then select I saved it.")),
              Step(_l("At your next log-in"),
                   _l("After your master password, the Two-step login page asks for the code of your "
                      "authenticator app. Tick Remember this device for 30 days to skip this step on this "
                      "device.")),
          )),
    Guide("email", _l("Codes by email"),
          _l("A 6-digit code mailed to you each time you log in. Simple, but only as safe as your mailbox."),
          steps=(
              Step(_l("Open Two-step login"),
                   _l("Log in, open Account settings, then Two-step login. Under Codes by email, select Turn on.")),
              Step(_l("Check your mailbox"),
                   _l("Custodian mails a 6-digit code to your account's address. It works for 10 minutes, once. "
                      "If it does not arrive, look in your spam folder, then select Send the code again.")),
              Step(_l("Enter the code"),
                   _l("Type the code in the dialog and select Turn on. With your first method, Custodian then "
                      "shows your recovery code: write it down and select I saved it.")),
              Step(_l("At your next log-in"),
                   _l("After your master password, choose Code by email and select Send me a code, then type "
                      "the code you receive and select Continue.")),
          )),
    Guide("passkey", _l("Passkey"),
          _l("A security key (USB or NFC) or a passkey of your computer or phone: you touch the key or unlock "
             "the device, nothing to type. The strongest method."),
          steps=(
              Step(_l("Open Two-step login"),
                   _l("Log in, open Account settings, then Two-step login. Under Passkey, select Manage.")),
              Step(_l("Name the key"),
                   _l("Enter your master password and a name that tells your keys apart, for example \"Blue key\" "
                      "or \"Work laptop\".")),
              Step(_l("Read the key"),
                   _l("Select Read key. Your browser asks you to touch your security key, or to unlock with your "
                      "fingerprint, face or PIN. Then select Save.")),
              Step(_l("Add a second key"),
                   _l("You can register up to five keys. Keep a second one somewhere safe: if you lose your only "
                      "key, only the recovery code lets you in.")),
              Step(_l("At your next log-in"),
                   _l("After your master password, the Two-step login page offers your passkey first: select "
                      "Use passkey, then touch the key or unlock the device.")),
              Step(_l("Remove a key"),
                   _l("In the same dialog, select Remove next to a key you lost or no longer use; it stops "
                      "working at once.")),
          )),
    Guide("recovery-code", _l("Recovery code"),
          _l("One code that logs you in once if you lose your phone, your mailbox or your keys."),
          steps=(
              Step(_l("Where you get it"),
                   _l("Custodian shows your recovery code when you turn on your first method. It is kept only as "
                      "a fingerprint, so it cannot be shown again: View recovery code makes a new one (your "
                      "master password is asked) and the old one stops working.")),
              Step(_l("Keep it safe"),
                   _l("Write it on paper, or keep it in another safe place, away from the devices it protects.")),
              Step(_l("When you need it"),
                   _l("On the Two-step login page, select Cannot use this?, then Use your recovery code. Type the "
                      "code and select Continue.")),
              Step(_l("After you used it"),
                   _l("It logs you in once and turns two-step login off, so that you can set it up again with "
                      "your new phone or keys. Do that straight away: your organization may require it.")),
          )),
)


APP_GUIDES = (
    Guide("password-manager", _l("The Password Manager"),
          _l("Your own vault, and the items your organizations share with you."),
          sections=(
              (_l("What you can do today"), (
                  _l("Keep logins, cards, identities and secure notes in your vault, sort them in folders and "
                     "mark favourites. Each item is encrypted before it is stored: Custodian's servers keep only "
                     "ciphertext."),
                  _l("Generate strong passwords and passphrases, and use the items your organization shares "
                     "with you through its collections."),
                  _l("Import your data from another password manager, export your vault, and send a text or a "
                     "file once, protected, with Send."),
                  _l("Protect your account with two-step login, and join your organization's account recovery "
                     "if it asks you to."))),
              (_l("Good to know"), (
                  _l("Your master password is never stored, and Custodian cannot recover it. If your "
                     "organization uses account recovery, an administrator can set a new one for you."),)),
          )),
    Guide("admin-console", _l("The Admin Console"),
          _l("What each role of an organization can do there."),
          sections=(
              (_l("Owner"), (
                  _l("Everything an admin can do, and also manage other owners, billing and the organization "
                     "itself. Only an owner can recover another owner's account."),)),
              (_l("Admin"), (
                  _l("Invite, confirm and remove members and change their roles (up to admin), manage groups, "
                     "collections and policies, recover members' accounts, read event logs and reports, and "
                     "see every item of the organization's vault."),)),
              (_l("Custom"), (
                  _l("Exactly the permissions an owner or admin ticked for you: for example manage members, "
                     "or read event logs. You can grant others only what you hold yourself."),)),
              (_l("User"), (
                  _l("No Admin Console: you use the items of the collections you are given, in the Password "
                     "Manager."),)),
              (_l("Your IT provider"), (
                  _l("Your provider's staff administer your organization from their Provider Portal: they "
                     "can do what an owner does. Every action they take appears in your event logs."),)),
          )),
    Guide("apps", _l("The apps"),
          _l("Where you can use Custodian, and what does not work with it yet."),
          sections=(
              (_l("Works today"), (
                  _l("Custodian is a web app: use it in any recent browser on your computer, tablet or phone "
                     "(Chrome, Edge, Firefox, Safari). The pages fit small screens."),
                  _l("Any authenticator app that makes time-based codes works for two-step login, and so do "
                     "security keys and the passkeys of your computer or phone."),
                  _l("A Send's link opens in any browser, without an account."))),
              (_l("Not yet"), (
                  _l("Bitwarden's browser extension, desktop and mobile apps and command-line tool do not connect "
                     "to Custodian: it keeps Bitwarden's formats, but not yet the server interface those apps "
                     "talk to. So there is no autofill: copy a username or password from the web vault."),
                  _l("Logging in with a passkey instead of your master password is not offered: a passkey is a "
                     "second step after it."))),
          )),
)


def two_step_method(slug: str) -> Guide | None:
    """The two-step login method guide named `slug`."""
    return next((guide for guide in TWO_STEP_METHODS if guide.slug == slug), None)


def app_guide(slug: str) -> Guide | None:
    """The getting started guide named `slug`."""
    return next((guide for guide in APP_GUIDES if guide.slug == slug), None)
