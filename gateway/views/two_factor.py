"""Two-step login settings: the methods a person turns on for their own account.

Identity keeps the secrets and decides; this shows them: the QR code of a new authenticator
secret, the recovery code the one time it exists in clear, and the master password asked
again (as a hash, derived here as at log-in) before anything is turned off.
"""
from __future__ import annotations

import segno
from flask import Blueprint, g, url_for
from flask_babel import gettext as _

from services.common.internal_http import ServiceError

from .. import keyring
from ..access import login_required
from ..backends import identity
from ..forms import MasterPasswordForm, VerificationCodeForm, show_refusal
from ..refusals import refusal_text
from ..render import render, see_other
from .auth import DEVICE_COOKIE

bp = Blueprint("two_factor", __name__)
METHODS = ("authenticator", "email")


def _dialog(partial: str, status: int = 200, toast: str | None = None, **context):
    """A dialog of this page: into #dialog for htmx, a page of its own otherwise."""
    return render("pages/two_factor_dialog.html", f"partials/{partial}", status=status, toast=toast,
                  dialog=f"partials/{partial}", **context)


def _status(form) -> int:
    return 422 if form.errors or form.form_errors else 200


def _master_password_hash(password: str) -> str:
    """The hash identity checks, derived from the master password as at log-in."""
    email = g.vault_session.email
    return keyring.log_in_hash(email, password, identity().kdf_of(email))[0]


def _settings_again(toast: str, forget_device: bool = False):
    response = see_other(url_for("two_factor.settings"), toast=toast)
    if forget_device:
        response.delete_cookie(DEVICE_COOKIE, path="/")
    return response


@bp.get("/account/two-step-login")
@login_required
def settings():
    """The methods, on or off, the recovery code and remembered devices."""
    state = identity().two_factor_state()
    return render("pages/two_factor.html", "partials/two_factor_methods.html", state=state)


def _authenticator_dialog(setup: dict, form: VerificationCodeForm, status: int = 200):
    qr = segno.make(setup["uri"], error="m").png_data_uri(scale=5, border=2)
    grouped = " ".join(setup["secret"][i:i + 4] for i in range(0, len(setup["secret"]), 4))
    return _dialog("two_factor_authenticator.html", status, form=form, qr=qr, secret=grouped)


@bp.post("/account/two-step-login/authenticator/setup")
@login_required
def start_authenticator():
    """Start setting up an authenticator app: a new secret to scan or type."""
    try:
        setup = identity().start_authenticator()
    except ServiceError as error:
        return _settings_again(refusal_text(error))
    return _authenticator_dialog(setup, VerificationCodeForm(formdata=None))


@bp.route("/account/two-step-login/authenticator", methods=["GET", "POST"])
@login_required
def authenticator():
    """The setup under way, and the code that turns it on."""
    try:
        setup = identity().authenticator_setup()
    except ServiceError as error:
        return _settings_again(refusal_text(error))
    form = VerificationCodeForm()
    if form.validate_on_submit():
        try:
            turned_on = identity().verify_authenticator(form.code.data)
        except ServiceError as error:
            show_refusal(form, error, "code")
        else:
            return _turned_on(turned_on, _("The authenticator app is on."))
    return _authenticator_dialog(setup, form, _status(form))


def _turned_on(answer: dict, toast: str):
    if answer.get("recovery_code"):
        return _dialog("two_factor_recovery_code.html", toast=toast, code=answer["recovery_code"], first=True)
    return _settings_again(toast)


@bp.post("/account/two-step-login/email/setup")
@login_required
def start_email():
    """Mail a code to the account's address, to turn codes by email on."""
    try:
        sent = identity().start_email_codes()
    except ServiceError as error:
        if error.status == 409:
            return _settings_again(refusal_text(error))
        form = VerificationCodeForm(formdata=None)
        form.form_errors.append(refusal_text(error))
        # Asked again too soon: the code mailed before still works, so the dialog stays usable.
        return _dialog("two_factor_email.html", 200 if error.status == 429 else error.status, form=form,
                       email=g.vault_session.email)
    return _dialog("two_factor_email.html", form=VerificationCodeForm(formdata=None), email=sent["email"],
                   toast=_("A code was sent to %(email)s.", email=sent["email"]))


@bp.route("/account/two-step-login/email", methods=["GET", "POST"])
@login_required
def email():
    """The code just mailed, which turns codes by email on."""
    form = VerificationCodeForm()
    if form.validate_on_submit():
        try:
            turned_on = identity().verify_email_codes(form.code.data)
        except ServiceError as error:
            show_refusal(form, error, "code")
        else:
            return _turned_on(turned_on, _("Codes by email are on."))
    return _dialog("two_factor_email.html", _status(form), form=form, email=g.vault_session.email)


@bp.route("/account/two-step-login/<method>/off", methods=["GET", "POST"])
@login_required
def turn_off(method: str):
    """Turn a method off, once the master password is typed again."""
    if method not in METHODS:
        return see_other(url_for("two_factor.settings"))
    form = MasterPasswordForm()
    if form.validate_on_submit():
        try:
            identity().turn_off(method, _master_password_hash(form.master_password.data))
        except ServiceError as error:
            show_refusal(form, error, "master_password")
        else:
            return _settings_again(_("The authenticator app is off.") if method == "authenticator"
                                   else _("Codes by email are off."), forget_device=True)
    return _dialog("two_factor_off.html", _status(form), form=form, method=method)


@bp.route("/account/two-step-login/recovery-code", methods=["GET", "POST"])
@login_required
def recovery_code():
    """A new recovery code, shown once the master password is typed again."""
    form = MasterPasswordForm()
    if form.validate_on_submit():
        try:
            code = identity().new_recovery_code(_master_password_hash(form.master_password.data))
        except ServiceError as error:
            show_refusal(form, error, "master_password")
        else:
            return _dialog("two_factor_recovery_code.html", code=code, first=False)
    return _dialog("two_factor_recovery_ask.html", _status(form), form=form)


@bp.post("/account/two-step-login/forget-devices")
@login_required
def forget_devices():
    """Every device remembered for this account asks for the second step again."""
    identity().forget_devices()
    return _settings_again(_("Every remembered device will ask for the second step again."), forget_device=True)

