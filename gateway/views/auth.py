"""Register, log in, log out: the master password is used here and goes nowhere else."""
from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from flask import Blueprint, current_app, flash, g, jsonify, request, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from services.common.internal_http import ServiceError

from .. import keyring
from ..backends import identity, orgs
from ..crypto import EncStringError, KdfParams
from ..forms import LoginForm, PasskeyLoginForm, RecoveryCodeLoginForm, RegisterForm, SecondStepForm, show_refusal
from ..master_password_rules import STRENGTH_LABELS, describe, problem_with, rules_with_floor, strength
from ..refusals import refusal_text
from ..render import local_path, render, see_other
from ..sessions import COOKIE, PENDING_COOKIE, PENDING_SECONDS, PendingLogin, VaultSession

bp = Blueprint("auth", __name__)
DEVICE_COOKIE = "custodian_device"  # identity's signed "remember this device" token
REMEMBER_SECONDS = 30 * 24 * 3600


def _invitation_rules(next_url: str | None) -> dict | None:
    """The master password rules of the organization whose invitation brought the person here."""
    path = local_path(next_url) or ""
    if not path.startswith(url_for("invitations.accept")) or "token=" not in path:
        return None
    token = parse_qs(urlsplit(path).query).get("token", [""])[0][:200]
    try:
        invitation = identity().preview_invitation(token)
        if invitation["kind"] == "provider":
            return None
        return orgs().requirements(invitation["organization_id"])["master_password"]
    except ServiceError:
        return None  # an expired or unknown link says so on its own page


@bp.route("/register", methods=["GET", "POST"])
def register():
    """Open an account: keys are made and wrapped here, only derived values leave."""
    form = RegisterForm()
    if request.method == "GET" and request.args.get("email"):
        form.email.data = request.args["email"][:256]
    rules = rules_with_floor(_invitation_rules(request.args.get("next")))
    if form.validate_on_submit():
        email = form.email.data.strip().lower()
        problem = problem_with(form.master_password.data, rules, email, form.name.data)
        if problem:
            form.master_password.errors = [problem]
        else:
            kdf = KdfParams("pbkdf2", current_app.extensions["settings"].kdf_iterations)
            account = keyring.new_account(email, form.master_password.data, kdf)
            try:
                # The language the portal speaks now is the one identity writes this person's mail in.
                identity().register({**account.as_registration(email, form.name.data),
                                     "language": str(get_locale() or "en")})
            except ServiceError as error:
                show_refusal(form, error, "email")
            else:
                return see_other(url_for("auth.login", email=email, registered=1,
                                         next=local_path(request.args.get("next"))))
    status = 422 if form.errors or form.form_errors else 200
    return render("pages/register.html", "partials/register_form.html", status=status, form=form,
                  rules=describe(rules))


@bp.post("/register/strength")
def password_strength():
    """The strength hint shown while a master password is typed."""
    password = request.form.get("master_password", "")
    score = strength(password, request.form.get("email", ""), request.form.get("name", ""))
    return render("partials/password_strength.html", "partials/password_strength.html",
                  score=score, label=STRENGTH_LABELS[score], typed=bool(password))


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Log in: derive the master key, prove it to identity, unlock the keys, open a session.

    With two-step login on, identity keeps the keys until the second step: the master key
    waits in a pending log-in (sealed in the session store, its key in a five-minute cookie)."""
    form = LoginForm()
    if request.method == "GET" and request.args.get("email"):
        form.email.data = request.args["email"][:256]
    if form.validate_on_submit():
        email = form.email.data.strip().lower()
        next_url = local_path(request.args.get("next"))
        try:
            answer, master_key = _prove_password(email, form.master_password.data)
            if answer.get("two_factor_required"):
                return _wait_for_second_step(PendingLogin(email, master_key, answer["challenge"], answer["methods"],
                                                          next_url))
            return _logged_in(_unlock(answer, master_key), next_url or url_for("portal.home"))
        except ServiceError as error:
            show_refusal(form, error)
        except (EncStringError, ValueError):
            form.form_errors.append(_("Your keys could not be opened. Contact your administrator."))
    status = 422 if form.errors or form.form_errors else 200
    return render("pages/login.html", "partials/login_form.html", status=status, form=form,
                  registered=request.args.get("registered") == "1")


def _prove_password(email: str, password: str) -> tuple[dict, bytes]:
    """Identity's answer to the master password hash (the account, or a second step to take),
    and the master key, which stays here."""
    auth_hash, master_key = keyring.log_in_hash(email, password, identity().kdf_of(email))
    remembered = request.cookies.get(DEVICE_COOKIE)
    return identity().log_in(email, auth_hash, remembered if remembered and len(remembered) <= 1000 else None), \
        master_key


def _unlock(account: dict, master_key: bytes) -> VaultSession:
    keys = keyring.unlock(master_key, account["protected_user_key"], account["encrypted_private_key"])
    session = VaultSession(account["user_id"], account["email"], account["name"], keys,
                           must_change_password=bool(account.get("force_password_reset")))
    g.vault_session = session
    session.providers = [{"provider_id": p["provider_id"], "name": p["name"], "role": p["role"], "may": p["may"]}
                         for p in orgs().my_providers()]
    session.administers = bool(session.providers) or bool(orgs().my_organizations())
    return session


def renew_csrf_secret() -> None:
    """Forget the CSRF secret, so the next form gets a new one: a token seen before a log-in, a
    log-out or a session renewal is refused after it."""
    session.pop("csrf_token", None)  # Flask-WTF keeps its raw secret there
    g.pop("csrf_token", None)  # and caches the token of this request


def set_session_cookie(response, cookie: str) -> None:
    """Give the browser the cookie that alone opens its session (and a new CSRF secret with it)."""
    renew_csrf_secret()
    response.set_cookie(COOKIE, cookie, httponly=True, secure=current_app.extensions["settings"].secure_cookies,
                        samesite="Lax", path="/")


def _logged_in(session: VaultSession, target: str, toast: str | None = None, remember_token: str | None = None):
    if session.must_change_password:
        target, toast = url_for("account.account"), _("An administrator reset your master password. Choose a new "
                                                       "one that only you know before you go on.")
    elif asking := _recovery_asked_of():
        target, toast = url_for("account.account"), _(
            "%(organizations)s asks you to enrol in account recovery: press Enrol in Account recovery below.",
            organizations=", ".join(asking))
    response = see_other(target, toast=toast)
    settings = current_app.extensions["settings"]
    set_session_cookie(response, current_app.extensions["sessions"].create(session))
    if remember_token:
        response.set_cookie(DEVICE_COOKIE, remember_token, max_age=REMEMBER_SECONDS, httponly=True,
                            secure=settings.secure_cookies, samesite="Lax", path="/")
    return response


def _recovery_asked_of() -> list[str]:
    """The organizations that enrol everyone in account recovery but not this member yet (they joined
    before the policy): asked at this log-in, since enrolling needs their user key, which only now opens.
    `_unlock` has made the new session this request's, so orgs is asked as them."""
    try:
        return [o["name"] for o in orgs().my_recovery() if o["auto_enroll"] and not o["enrolled"]]
    except ServiceError:
        return []  # orgs away: the log-in goes on, and the next one asks


def _wait_for_second_step(pending: PendingLogin):
    response = see_other(url_for("auth.two_step"))
    response.set_cookie(PENDING_COOKIE, current_app.extensions["sessions"].create_pending(pending),
                        max_age=PENDING_SECONDS, httponly=True, samesite="Lax", path="/",
                        secure=current_app.extensions["settings"].secure_cookies)
    if request.cookies.get(DEVICE_COOKIE):
        response.delete_cookie(DEVICE_COOKIE, path="/")  # identity no longer remembers this device
    return response


def _start_again(message: str):
    current_app.extensions["sessions"].end_pending(request.cookies.get(PENDING_COOKIE))
    response = see_other(url_for("auth.login"), toast=message)
    response.delete_cookie(PENDING_COOKIE, path="/")
    return response


@bp.route("/login/two-step", methods=["GET", "POST"])
def two_step():
    """The second step of a log-in: a passkey, a code of the authenticator app or of an email, or the
    recovery code. A passkey's assertion comes in the form's hidden field (web/static/passkeys.js)."""
    pending = current_app.extensions["sessions"].load_pending(request.cookies.get(PENDING_COOKIE))
    if pending is None:
        return _start_again(_("Your log-in took too long. Log in again."))
    method = request.values.get("method", "")
    if method not in pending.methods:
        method = pending.methods[0]
    form = {"recovery_code": RecoveryCodeLoginForm, "webauthn": PasskeyLoginForm}.get(method, SecondStepForm)()
    if form.validate_on_submit():
        try:
            answer = form.assertion.data if method == "webauthn" else form.code.data.strip()
            passed = identity().second_step(pending.challenge, method, answer,
                                            bool(getattr(form, "remember", None) and form.remember.data))
            session = _unlock(passed, pending.master_key)
        except ServiceError as error:
            if error.error == "ChallengeExpired":
                return _start_again(refusal_text(error))
            show_refusal(form, error, "assertion" if method == "webauthn" else "code")
        except (EncStringError, ValueError):
            form.form_errors.append(_("Your keys could not be opened. Contact your administrator."))
        else:
            current_app.extensions["sessions"].end_pending(request.cookies.get(PENDING_COOKIE))
            if passed["two_factor_recovered"]:
                response = _logged_in(session, url_for("two_factor.settings"), toast=_(
                    "You used your recovery code: two-step login is now off. Turn it on again here."))
            else:
                response = _logged_in(session, pending.next_url or url_for("portal.home"),
                                      remember_token=passed.get("remember_token"))
            response.delete_cookie(PENDING_COOKIE, path="/")
            return response
    if method == "webauthn":  # a hidden field's refusal is said above the form
        form.form_errors.extend(form.assertion.errors)
    status = 422 if form.errors or form.form_errors else 200
    return render("pages/login_two_step.html", "partials/login_two_step_form.html", status=status, form=form,
                  method=method, pending=pending, origin=current_app.extensions["settings"].webauthn_origin)


@bp.post("/login/two-step/passkey")
def passkey_options():
    """Use passkey: the options of navigator.credentials.get() for the log-in under way (JSON)."""
    pending = current_app.extensions["sessions"].load_pending(request.cookies.get(PENDING_COOKIE))
    if pending is None:
        return _start_again_as_json(_("Your log-in took too long. Log in again."))
    try:
        options = identity().passkey_login_options(pending.challenge)
    except ServiceError as error:
        if error.error == "ChallengeExpired":
            return _start_again_as_json(refusal_text(error))
        return jsonify(message=refusal_text(error)), error.status
    return jsonify(options=options)


def _start_again_as_json(message: str):
    """What `_start_again` does, said to a script: it goes to the log-in page, where the message waits."""
    current_app.extensions["sessions"].end_pending(request.cookies.get(PENDING_COOKIE))
    flash(message)
    response = jsonify(message=message, restart=url_for("auth.login"))
    response.status_code = 401
    response.delete_cookie(PENDING_COOKIE, path="/")
    return response


@bp.post("/login/two-step/email")
def mail_login_code():
    """Mail a code for the second step ("Send me a code")."""
    pending = current_app.extensions["sessions"].load_pending(request.cookies.get(PENDING_COOKIE))
    if pending is None:
        return _start_again(_("Your log-in took too long. Log in again."))
    try:
        identity().mail_login_code(pending.challenge)
    except ServiceError as error:
        if error.error == "ChallengeExpired":
            return _start_again(refusal_text(error))
        return see_other(url_for("auth.two_step", method="email"), toast=refusal_text(error))
    return see_other(url_for("auth.two_step", method="email"),
                     toast=_("A code was sent to %(email)s. It works for 10 minutes.", email=pending.email))


@bp.post("/logout")
def logout():
    """End the session here and in the store."""
    current_app.extensions["sessions"].delete(request.cookies.get(COOKIE))
    renew_csrf_secret()
    response = see_other(url_for("auth.login"))
    response.delete_cookie(COOKIE, path="/")
    return response
