"""Passkeys in the two-step login settings: the dialog listing one's keys, adding one, removing one.

Identity makes the options and verifies the key's answer; this relays the JSON between the
browser (web/static/passkeys.js runs the WebAuthn ceremony) and identity, and derives the
master password hash, as at log-in, before a key is read or removed.
"""
from __future__ import annotations

from uuid import UUID

from flask import jsonify, request
from flask_babel import gettext as _

from services.common.internal_http import ServiceError

from ..access import login_required
from ..backends import identity
from ..forms import MasterPasswordForm, PasskeyForm, show_refusal
from ..refusals import refusal_text
from .two_factor import _dialog, _master_password_hash, _settings_again, _status, _turned_on, bp

SHOWN_AT_FIELDS = ("name", "master_password")  # a refusal of the key's answer is said above the form


def _passkeys_dialog(form: PasskeyForm, status: int = 200, toast: str | None = None):
    mine = identity().passkeys()
    return _dialog("two_factor_passkeys.html", status, toast=toast, form=form, keys=mine["keys"],
                   most=mine["most"], origin=mine["origin"])


def _refused(form: PasskeyForm, error: ServiceError) -> None:
    if error.field in SHOWN_AT_FIELDS:
        show_refusal(form, error)
        return
    form.form_errors.append(refusal_text(error))
    form.credential.data = ""  # read the key again: its answer is spent


@bp.route("/account/two-step-login/passkeys", methods=["GET", "POST"])
@login_required
def passkeys():
    """The person's keys, each with Remove, and the form that adds one (Read key, then Save)."""
    form = PasskeyForm()
    if form.validate_on_submit():
        try:
            added = identity().add_passkey(form.name.data or "", form.credential.data)
        except ServiceError as error:
            _refused(form, error)
        else:
            if added.get("recovery_code"):
                return _turned_on(added, _("The passkey was saved. Two-step login is on."))
            return _passkeys_dialog(PasskeyForm(formdata=None), toast=_("The passkey was saved."))
    form.form_errors.extend(form.credential.errors)
    return _passkeys_dialog(form, _status(form))


@bp.post("/account/two-step-login/passkeys/options")
@login_required
def passkey_options():
    """Read key: the options of navigator.credentials.create(), once the master password is right (JSON)."""
    password = request.form.get("master_password", "")
    if not password:
        return jsonify(message=_("Enter your master password."), field="master_password"), 422
    try:
        options = identity().start_passkey(_master_password_hash(password[:1024]))
    except ServiceError as error:
        return jsonify(message=refusal_text(error), field=error.field), error.status
    return jsonify(options=options)


@bp.route("/account/two-step-login/passkeys/<uuid:key_id>/remove", methods=["GET", "POST"])
@login_required
def remove_passkey(key_id: UUID):
    """Remove a key, once the master password is typed again; the last one turns passkeys off."""
    key = next((key for key in identity().passkeys()["keys"] if key["id"] == str(key_id)), None)
    if key is None:
        return _settings_again(_("This passkey was removed already."))
    form = MasterPasswordForm()
    if form.validate_on_submit():
        try:
            still_on = identity().remove_passkey(key["id"], _master_password_hash(form.master_password.data))
        except ServiceError as error:
            show_refusal(form, error, "master_password")
        else:
            if not still_on:
                return _settings_again(_("The passkey was removed. Passkeys are off."), forget_device=True)
            return _passkeys_dialog(PasskeyForm(formdata=None), toast=_("The passkey was removed."))
    return _dialog("two_factor_passkey_remove.html", _status(form), form=form, key=key)
