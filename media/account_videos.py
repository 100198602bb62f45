"""The training videos about one's account: create it, and log in with two-step login."""
from __future__ import annotations

import time

import pyotp
from playwright.sync_api import expect

from .people import address, fresh_account
from .recording import PASSWORD, highlight
from .takes import Step, Take, Video


def _on_login_page(take: Take) -> None:
    take.page.goto("/login")
    take.notes["email"] = address("alex.martin")


def _open_register(take: Take) -> None:
    take.shot(1600)
    take.click(take.page.get_by_role("link", name="Create an account"))


def _email_and_name(take: Take) -> None:
    take.fill(take.page.get_by_label("Email address"), take.notes["email"])
    take.fill(take.page.get_by_label("Name", exact=True), "Alex Martin")


def _master_password(take: Take) -> None:
    field_ = take.page.get_by_label("Master password", exact=True)
    take.look(field_)
    field_.fill(PASSWORD)
    expect(take.page.locator("#strength strong")).to_be_visible()
    highlight(take.page.locator("#strength"))
    take.shot(2000)


def _retype_and_create(take: Take) -> None:
    take.fill(take.page.get_by_label("Re-type master password"), PASSWORD)
    take.click(take.page.get_by_role("button", name="Create account"))
    expect(take.page.get_by_text("Your account was created")).to_be_visible()


def _created(take: Take) -> None:
    highlight(take.page.get_by_text("Your account was created"))
    take.shot(1600)


def _first_log_in(take: Take) -> None:
    take.fill(take.page.get_by_label("Email address"), take.notes["email"])
    take.fill(take.page.get_by_label("Master password"), PASSWORD)
    take.click(take.page.get_by_role("button", name="Log in"))
    expect(take.page.get_by_role("heading", name="My vault")).to_be_visible()


def _empty_vault(take: Take) -> None:
    take.look(take.page.get_by_role("heading", name="My vault"))
    take.look(take.page.get_by_role("link", name="New item"))


CREATE_ACCOUNT = Video(
    "create-account", "Create your account", "Créer votre compte", _on_login_page, (
        Step("Open your Custodian portal's log-in page. New here? Choose Create an account.",
             "Ouvrez la page de connexion de votre portail Custodian. Nouveau ? Choisissez Créer un compte.",
             _open_register),
        Step("Enter your email address and your name.",
             "Saisissez votre adresse électronique et votre nom.",
             _email_and_name),
        Step("Choose a master password: a passphrase of several unrelated words, at least 12 characters. "
             "The page tells you how strong it is.",
             "Choisissez un mot de passe principal : une phrase de passe de plusieurs mots sans lien entre eux, "
             "d'au moins 12 caractères. La page indique sa robustesse.",
             _master_password),
        Step("Type it again, then choose Create account. Nobody can recover it for you: don't forget it.",
             "Saisissez-le à nouveau, puis choisissez Créer le compte. Personne ne peut le récupérer pour vous : "
             "ne l'oubliez pas.",
             _retype_and_create),
        Step("Your account is created.",
             "Votre compte est créé.",
             _created),
        Step("Log in with your email address and your master password.",
             "Connectez-vous avec votre adresse électronique et votre mot de passe principal.",
             _first_log_in),
        Step("This is your vault. It is empty for now: choose New item to save your first password.",
             "Voici votre coffre. Il est vide pour l'instant : choisissez Nouvel élément pour enregistrer "
             "votre premier mot de passe.",
             _empty_vault),
    ))


def _two_step_prepare(take: Take) -> None:
    take.notes["email"] = fresh_account(take, "sam.durand", "Sam Durand")


def _to_two_step_settings(take: Take) -> None:
    take.shot(1000)
    take.click(take.page.get_by_role("link", name="Account settings"))
    take.click(take.page.get_by_role("link", name="Manage two-step login"))
    expect(take.page.get_by_text("Two-step login is off.")).to_be_visible()


def _turn_on_authenticator(take: Take) -> None:
    take.click(take.page.get_by_role("region", name="Authenticator app").get_by_role("button", name="Turn on"))
    expect(take.page.get_by_role("dialog", name="Turn on the authenticator app")).to_be_visible()


def _scan(take: Take) -> None:
    dialog = take.page.get_by_role("dialog", name="Turn on the authenticator app")
    take.look(dialog.get_by_role("img"))
    key = dialog.get_by_label("Key for manual entry")
    take.look(key)
    take.notes["totp"] = pyotp.TOTP(key.input_value().replace(" ", ""))


def _current_code(totp: pyotp.TOTP) -> str:
    """The code the app shows now, waiting out the last seconds of its 30 s so that it is still good
    when the form reaches the server (frames are stills: the wait does not show)."""
    if 30 - time.time() % 30 < 6:
        time.sleep(30 - time.time() % 30 + 0.5)
    return totp.now()


def _enter_setup_code(take: Take) -> None:
    dialog = take.page.get_by_role("dialog", name="Turn on the authenticator app")
    take.fill(dialog.get_by_label("Verification code"), _current_code(take.notes["totp"]))
    take.click(dialog.get_by_role("button", name="Turn on"))
    expect(take.page.get_by_role("dialog", name="Save your recovery code")).to_be_visible()


def _recovery_code(take: Take) -> None:
    saved = take.page.get_by_role("dialog", name="Save your recovery code")
    take.look(saved.get_by_label("Your recovery code"))
    take.click(saved.get_by_role("link", name="I saved it"))
    expect(take.page.get_by_text("Two-step login is on.")).to_be_visible()
    highlight(take.page.get_by_text("Two-step login is on."))
    take.shot(1200)


def _log_out(take: Take) -> None:
    take.click(take.page.get_by_role("button", name="Log out"))


def _log_in_again(take: Take) -> None:
    take.fill(take.page.get_by_label("Email address"), take.notes["email"])
    take.fill(take.page.get_by_label("Master password"), PASSWORD)
    take.click(take.page.get_by_role("button", name="Log in"))
    expect(take.page.get_by_role("heading", name="Two-step login", exact=True)).to_be_visible()


def _enter_login_code(take: Take) -> None:
    # The next 30 s window's code: the server accepts one window either side, and the code that
    # turned the app on may not be used twice.
    code = take.notes["totp"].at(int(time.time()) + 30)
    take.fill(take.page.get_by_label("Verification code"), code)
    take.click(take.page.get_by_role("button", name="Continue"))
    expect(take.page.get_by_role("heading", name="My vault")).to_be_visible()


def _in_vault(take: Take) -> None:
    take.look(take.page.get_by_role("heading", name="My vault"))


TWO_STEP = Video(
    "log-in-with-two-step-login", "Log in with two-step login", "Se connecter avec l'authentification en deux étapes",
    _two_step_prepare, (
        Step("Open Account settings, then Manage two-step login.",
             "Ouvrez Paramètres du compte, puis Gérer l'authentification en deux étapes.",
             _to_two_step_settings),
        Step("Under Authenticator app, choose Turn on.",
             "Sous Application d'authentification, choisissez Activer.",
             _turn_on_authenticator),
        Step("Scan the QR code with your authenticator app, or type the key into the app by hand.",
             "Scannez le code QR avec votre application d'authentification, ou saisissez la clé à la main "
             "dans l'application.",
             _scan),
        Step("Enter the 6-digit code the app shows, then choose Turn on.",
             "Saisissez le code à 6 chiffres affiché par l'application, puis choisissez Activer.",
             _enter_setup_code),
        Step("Keep this recovery code somewhere safe, away from your devices, then choose I saved it.",
             "Gardez ce code de récupération en lieu sûr, loin de vos appareils, puis choisissez Je l'ai conservé.",
             _recovery_code),
        Step("Two-step login is on. Next time you log in…",
             "L'authentification en deux étapes est activée. À votre prochaine connexion…",
             _log_out),
        Step("…enter your email address and master password as usual…",
             "…saisissez votre adresse électronique et votre mot de passe principal comme d'habitude…",
             _log_in_again),
        Step("…then the code your authenticator app shows now, and choose Continue.",
             "…puis le code que l'application affiche à cet instant, et choisissez Continuer.",
             _enter_login_code),
        Step("You're in. Without your phone, a stolen master password is no longer enough.",
             "Vous voici dans votre coffre. Sans votre téléphone, un mot de passe principal volé ne suffit plus.",
             _in_vault),
    ))
