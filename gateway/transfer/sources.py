"""How to get an export file out of each password manager, for the import help page."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from .formats import FORMATS

UNENCRYPTED_WARNING = _l("The exported file is not encrypted: anyone who opens it reads every password. Keep it "
                         "on your own computer and delete it (and empty the trash) as soon as the import is done.")

PROTECTED_WARNING = _l("Unless you chose a password-protected export, the file is not encrypted: anyone who opens "
                       "it reads every password. Delete it (and empty the trash) as soon as the import is done.")


@dataclass(frozen=True)
class Source:
    """One format's help: its label and the steps that produce a file of that format."""

    format_id: str
    label: object
    steps: tuple


_STEPS = {
    "bitwarden_json": (
        _l("Sign in to the Bitwarden web vault, or open the desktop app."),
        _l("Open Tools → Export vault (in the desktop app: File → Export vault)."),
        _l("Choose what to export: your individual vault, or an organization's vault."),
        _l("Choose the format .json, or .json (Password protected) to keep the file encrypted: you will be "
           "asked for that file password here."),
        _l("Confirm with your master password and save the file."),
    ),
    "bitwarden_csv": (
        _l("Sign in to the Bitwarden web vault, or open the desktop app."),
        _l("Open Tools → Export vault (in the desktop app: File → Export vault)."),
        _l("Choose the format .csv. CSV files hold logins and secure notes only: choose .json to bring "
           "cards and identities too."),
        _l("Confirm with your master password and save the file."),
    ),
    "lastpass_csv": (
        _l("Sign in to the LastPass web vault."),
        _l("Open Advanced Options → Export."),
        _l("Enter your master password."),
        _l("Save the CSV file."),
    ),
    "chrome_csv": (
        _l("Chrome: open Settings → Autofill and passwords → Google Password Manager → Settings → Export "
           "passwords."),
        _l("Edge: open Settings → Profiles → Passwords, then the ⋯ menu → Export passwords."),
        _l("Brave: open Settings → Autofill and passwords → Password Manager → Settings → Export passwords."),
        _l("Confirm with your computer's password if asked, and save the CSV file."),
    ),
    "firefox_csv": (
        _l("Type about:logins in the address bar and press Enter."),
        _l("Open the ⋯ menu at the top right and choose Export Logins."),
        _l("Confirm, enter your computer's password if asked, and save the CSV file."),
    ),
    "onepassword_1pux": (
        _l("Open the 1Password 8 app on your computer and unlock it."),
        _l("Choose File → Export, then the account to export."),
        _l("Enter your 1Password account password."),
        _l("Choose the 1PUX format and save the file. Every vault of the account comes along; each vault "
           "becomes a collection."),
    ),
    "onepassword_csv": (
        _l("Open the 1Password 8 app on your computer and unlock it."),
        _l("Choose File → Export, then the account to export."),
        _l("Enter your 1Password account password."),
        _l("Choose the CSV format and save the file. CSV files hold logins only: choose 1PUX to bring cards, "
           "identities, notes and custom fields too."),
        _l("1Password 7: select the items of a vault (Ctrl/Cmd + A), then on Windows choose File → Export, on a Mac "
           "File → Export → All Items…; choose the CSV format (on a Mac, with All Fields and Include Column Labels). "
           "Its logins, cards, identities and notes all come along."),
    ),
    "keepass_xml": (
        _l("Open your database in KeePass 2."),
        _l("Choose File → Export."),
        _l("Choose KeePass XML (2.x) and save the file."),
    ),
    "keepassxc_csv": (
        _l("Open your database in KeePassXC."),
        _l("Choose Database → Export → CSV File…"),
        _l("Save the CSV file."),
    ),
    "dashlane_csv": (
        _l("Open the Dashlane web app and sign in."),
        _l("Open Settings → Export data → Export to CSV."),
        _l("Enter your master password; Dashlane saves a ZIP file of CSV files."),
        _l("Import the ZIP file whole as Dashlane (ZIP), or unzip it and import its CSV files here one by one: "
           "credentials.csv, securenotes.csv, payments.csv, ids.csv and personalInfo.csv."),
    ),
    "dashlane_zip": (
        _l("Open the Dashlane web app and sign in."),
        _l("Open Settings → Export data → Export to CSV."),
        _l("Enter your master password; Dashlane saves a ZIP file of CSV files."),
        _l("Import that ZIP file here as it is: logins, secure notes, payment cards, bank accounts, IDs and "
           "personal info all come along."),
    ),
    "safari_csv": (
        _l("On a Mac with macOS 15 or later, open the Passwords app; on an older Mac, open Safari → Settings → "
           "Passwords."),
        _l("Passwords app: choose File → Export All Passwords to File. Safari: open the ⋯ menu below the list and "
           "choose Export All Passwords."),
        _l("Confirm with Touch ID or your Mac's password, and save the CSV file."),
        _l("The file holds passwords, their notes and verification codes; passkeys are not exported."),
    ),
    "safeincloud_xml": (
        _l("Open SafeInCloud on your Windows or Mac computer and unlock your database."),
        _l("Choose File → Export → As XML."),
        _l("Save the XML file. Cards become logins, payment cards or notes, and each card's first label becomes "
           "its folder."),
    ),
    "zohovault_csv": (
        _l("Sign in to the Zoho Vault web app."),
        _l("Open Tools → Export Passwords (Export Secrets in older versions)."),
        _l("Choose the Zoho Vault Format CSV and the passwords to export, and enter your master password."),
        _l("Save the CSV file."),
    ),
    "passbolt_csv": (
        _l("Sign in to Passbolt in your browser."),
        _l("Select the passwords to export (or a folder), then open More → Export."),
        _l("Choose the format csv (KeePass) and select Export."),
        _l("Save the CSV file."),
    ),
    "myki_csv": (
        _l("Open the Myki web app and sign in."),
        _l("Open Settings → Export, and export your vault."),
        _l("Myki saves one CSV file per kind of item: import UserAccount.csv here, then the files of cards, "
           "addresses, ID cards, notes and two-factor codes you want too."),
    ),
    "passky_json": (
        _l("Sign in to Passky (the web app or the browser extension)."),
        _l("Open Settings and, under Backup, choose Export → Passky."),
        _l("Save the JSON file. An encrypted backup cannot be read here: export it without encryption."),
    ),
    "avira_csv": (
        _l("Open the Avira Password Manager web dashboard and sign in."),
        _l("Open Settings, then Export passwords (under Import/Export)."),
        _l("Save the CSV file."),
    ),
    "logmeonce_csv": (
        _l("Sign in to LogMeOnce in your browser."),
        _l("Open the menu next to your name and choose Export."),
        _l("Choose the CSV format, confirm, and save the file."),
    ),
    "keeper_csv": (
        _l("Sign in to the Keeper Web Vault, or open the Keeper desktop app."),
        _l("Open the account menu at the top right and choose Settings → Export."),
        _l("Choose Export to .csv File and enter your master password."),
        _l("Save the CSV file. CSV files hold logins and their custom fields only: choose .json to bring "
           "cards, addresses and other record types too."),
    ),
    "keeper_json": (
        _l("Sign in to the Keeper Web Vault, or open the Keeper desktop app."),
        _l("Open the account menu at the top right and choose Settings → Export."),
        _l("Choose Export to .json File and enter your master password."),
        _l("Save the JSON file. Shared folders become collections."),
    ),
    "roboform_csv": (
        _l("Open the RoboForm desktop app, or RoboForm in your browser, and sign in."),
        _l("In the browser extension open the ⋯ menu → Settings → Account & Data → Export (in the Windows app: "
           "Options → Account & Data → Export)."),
        _l("Choose the CSV file format and what to export: logins, bookmarks and safenotes."),
        _l("Enter your master password and save the CSV file."),
    ),
    "nordpass_csv": (
        _l("Open the NordPass desktop app and unlock it."),
        _l("Open Settings and, under Import and Export, choose Export Items."),
        _l("Enter your master password and save the CSV file. Logins, credit cards, personal info and secure "
           "notes all come along; folders are kept."),
    ),
    "protonpass_json": (
        _l("Open Proton Pass in your browser or its desktop app and sign in."),
        _l("Open Settings → Export."),
        _l("Choose the JSON format, not the PGP-encrypted one."),
        _l("Confirm with your password and save the ZIP file; import it here as it is. Each vault becomes a "
           "collection."),
    ),
    "enpass_json": (
        _l("Open the Enpass desktop app and unlock it."),
        _l("Choose File → Export (on a Mac: the Enpass menu → Export)."),
        _l("Choose the vault to export and the .json format."),
        _l("Enter your master password and save the JSON file."),
    ),
    "psono_json": (
        _l("Sign in to the Psono web client."),
        _l("Open the account menu at the top right and choose Other → Export."),
        _l("Choose the JSON format and export."),
        _l("Save the JSON file. Psono's folders are kept."),
    ),
}

SOURCES = tuple(Source(format_id, label, (*_STEPS[format_id], PROTECTED_WARNING if format_id == "bitwarden_json"
                                                               else UNENCRYPTED_WARNING))
                for format_id, label in FORMATS.items())


def source(format_id: str) -> Source:
    """The help for one format, KeyError for an unknown one."""
    for candidate in SOURCES:
        if candidate.format_id == format_id:
            return candidate
    raise KeyError(format_id)
