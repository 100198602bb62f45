"""Register, log in, log out: the master password is used here and goes nowhere else."""
from __future__ import annotations

from flask import Blueprint, current_app, g, request, url_for
from flask_babel import gettext as _
from zxcvbn import zxcvbn

from services.common.internal_http import ServiceError

from .. import keyring
from ..backends import backends, caller
from ..crypto import EncStringError, KdfParams
from ..forms import LoginForm, RegisterForm, show_refusal
from ..render import local_path, render, see_other
from ..sessions import COOKIE, VaultSession

bp = Blueprint("auth", __name__)
MIN_STRENGTH = 2
STRENGTH_LABELS = {0: "Very weak", 1: "Weak", 2: "Fair", 3: "Good", 4: "Strong"}


def _strength(password: str, *context: str) -> int:
    return zxcvbn(password[:100], user_inputs=[c for c in context if c])["score"] if password else 0


@bp.route("/register", methods=["GET", "POST"])
def register():
    """Open an account: keys are made and wrapped here, only derived values leave."""
    form = RegisterForm()
    if request.method == "GET" and request.args.get("email"):
        form.email.data = request.args["email"][:256]
    if form.validate_on_submit():
        email = form.email.data.strip().lower()
        if _strength(form.master_password.data, email, form.name.data) < MIN_STRENGTH:
            form.master_password.errors = [_("This master password is too easy to guess. "
                                             "Use a longer passphrase of unrelated words.")]
        else:
            kdf = KdfParams("pbkdf2", current_app.extensions["settings"].kdf_iterations)
            account = keyring.new_account(email, form.master_password.data, kdf)
            try:
                backends().identity.post("/accounts", caller(), account.as_registration(email, form.name.data))
            except ServiceError as error:
                show_refusal(form, error, "email")
            else:
                return see_other(url_for("auth.login", email=email, registered=1,
                                         next=local_path(request.args.get("next"))))
    status = 422 if form.errors or form.form_errors else 200
    return render("pages/register.html", "partials/register_form.html", status=status, form=form)


@bp.post("/register/strength")
def password_strength():
    """The strength hint shown while a master password is typed."""
    password = request.form.get("master_password", "")
    score = _strength(password, request.form.get("email", ""), request.form.get("name", ""))
    return render("partials/password_strength.html", "partials/password_strength.html",
                  score=score, label=_(STRENGTH_LABELS[score]), typed=bool(password))


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Log in: derive the master key, prove it to identity, unlock the keys, open a session."""
    form = LoginForm()
    if request.method == "GET" and request.args.get("email"):
        form.email.data = request.args["email"][:256]
    if form.validate_on_submit():
        email = form.email.data.strip().lower()
        try:
            session = _unlock(email, form.master_password.data)
        except ServiceError as error:
            show_refusal(form, error)
        except (EncStringError, ValueError):
            form.form_errors.append(_("Your keys could not be opened. Contact your administrator."))
        else:
            response = see_other(local_path(request.args.get("next")) or url_for("portal.home"))
            settings = current_app.extensions["settings"]
            response.set_cookie(COOKIE, current_app.extensions["sessions"].create(session), httponly=True,
                                secure=settings.secure_cookies, samesite="Lax", path="/")
            return response
    status = 422 if form.errors or form.form_errors else 200
    return render("pages/login.html", "partials/login_form.html", status=status, form=form,
                  registered=request.args.get("registered") == "1")


def _unlock(email: str, password: str) -> VaultSession:
    identity = backends().identity
    params = identity.post("/prelogin", caller(), {"email": email})
    kdf = KdfParams(params["kdf"], params["kdf_iterations"], params["kdf_memory_mib"], params["kdf_parallelism"])
    auth_hash, master_key = keyring.log_in_hash(email, password, kdf)
    account = identity.post("/sessions", caller(), {"email": email, "master_password_hash": auth_hash})
    keys = keyring.unlock(master_key, account["protected_user_key"], account["encrypted_private_key"])
    session = VaultSession(account["user_id"], account["email"], account["name"], keys)
    g.vault_session = session
    session.providers = [{"provider_id": p["provider_id"], "name": p["name"], "role": p["role"]}
                         for p in backends().orgs.get("/me/providers", caller())["providers"]]
    return session


@bp.post("/logout")
def logout():
    """End the session here and in the store."""
    current_app.extensions["sessions"].delete(request.cookies.get(COOKIE))
    response = see_other(url_for("auth.login"))
    response.delete_cookie(COOKIE, path="/")
    return response
