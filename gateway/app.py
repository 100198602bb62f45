"""The gateway's app factory: every adapter joins here through its `init_app`."""
from __future__ import annotations

import io
import re
from pathlib import Path

import requests

from flask import Flask, Request, current_app, g, request
from flask_babel import Babel, get_locale, get_translations
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError, CSRFProtect
from jinja2 import pass_context
from markupsafe import Markup, escape
from werkzeug.middleware.proxy_fix import ProxyFix

from services.common import observability
from services.common.bus import nats_probe
from services.common.config import Settings
from services.common.internal_http import ServiceError

from . import labels
from . import training as training_hub
from .backends import Backends
from .refusals import elide, refusal_text
from .render import htmx, render
from .sessions import COOKIE, SessionsUnavailable, SessionStore
from .views import (account, auth, billing, console, demo, event_api, events, hub_branding, integrations, invitations,
                    items, mailbox, members, policies, portal, preferences, recovery, reports, send_access, sends,
                    sharing, staff, transfer, training, two_factor, vault)
from .views import passkeys  # noqa: F401 - its views join two_factor.bp (the two-step login settings)

WEB = Path(__file__).resolve().parents[1] / "web"
CONTENT_SECURITY_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                           "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
                           "form-action 'self'")


# What may be cached: the static files, and a hub's logo (its URL changes with it; it sets its own header).
CACHEABLE = ("static", "training.logo")
# What needs no session: a logo is the same for everyone, and is asked for on every hub page.
# The integrator stream authenticates by its credential, never by a session.
SESSIONLESS = ("static", "healthz", "readyz", "metrics", "training.logo", integrations.STREAM_ENDPOINT)
# A logo's form carries a file of up to 256 KiB (orgs' limit), more once encoded: room for a larger
# file, so that orgs refuses it with its message rather than the gateway with a bare "too large".
BRANDING_UPLOAD_BYTES = 1024 * 1024


class InMemoryRequest(Request):
    """Uploaded files stay in memory: an export of another password manager is plaintext and
    must never reach a temporary file on disk (werkzeug spools parts past 500 KB to one)."""

    def _get_file_stream(self, total_content_length, content_type, filename=None, content_length=None):
        return io.BytesIO()


def _allow_large_uploads():
    # Before CSRFProtect reads the form, so that the larger limit applies to that read too.
    if request.endpoint in transfer.LARGE_UPLOADS:
        request.max_content_length = current_app.extensions["settings"].import_limits.upload_bytes
    elif request.endpoint == hub_branding.UPLOAD_ENDPOINT:
        request.max_content_length = BRANDING_UPLOAD_BYTES
    elif request.endpoint == sends.UPLOAD_ENDPOINT:  # read as a stream, sealed and passed on as it arrives
        # One byte more: at the limit werkzeug cannot tell the end of a body from more of it, and
        # refuses a file of exactly the largest size; the view stops at the size declared anyway.
        request.max_content_length = current_app.extensions["settings"].send_max_file_bytes + 1


def create_app(settings: Settings | None = None) -> Flask:
    """The gateway, configured from the environment unless `settings` is given."""
    settings = settings or Settings.from_env("gateway")
    app = Flask(__name__, static_folder=str(WEB / "static"), template_folder=str(WEB / "templates"))
    app.config.update(
        SECRET_KEY=settings.secret_key,
        SESSION_COOKIE_NAME="custodian_csrf",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.secure_cookies,
        WTF_CSRF_TIME_LIMIT=None,
        WTF_CSRF_HEADERS=["X-CSRFToken"],
        BABEL_TRANSLATION_DIRECTORIES=str(WEB / "translations"),
        MAX_CONTENT_LENGTH=256 * 1024,
    )
    app.extensions["settings"] = settings
    app.extensions["backends"] = Backends.from_settings(settings)
    app.extensions["sessions"] = SessionStore(settings.nats_url, settings.session_idle_seconds)

    observability.configure_logging("gateway", settings.log_level)
    observability.init_app(app, "gateway", {
        "nats": nats_probe(settings.nats_url),
        **{name: _answers(url) for name, url in settings.service_urls.items()},
    }, metrics_token=settings.metrics_token, public=True)
    if settings.trusted_proxies:
        # Only the last `trusted_proxies` entries of X-Forwarded-For were written by proxies we run;
        # anything before them is what the client claimed. Without proxies the header is ignored.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=settings.trusted_proxies, x_proto=settings.trusted_proxies)
    app.request_class = InMemoryRequest
    app.before_request(_allow_large_uploads)
    # Before CSRFProtect too: a body it refuses as too large still gets its page, which needs the session.
    app.before_request(_open_session)
    csrf = CSRFProtect(app)
    # A Send's recipient has no session, so no token: those calls are same-origin JSON instead.
    csrf.exempt(send_access.bp)
    Babel(app, locale_selector=_choose_language)
    # As Flask-Babel installs them, but with the request's catalogue looked up once: a Clients page
    # translates a few hundred labels, and each lookup walked the context and the locale again.
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: _catalogue().ugettext(s), ngettext=lambda s, p, n: _catalogue().ungettext(s, p, n),
        newstyle=True, pgettext=lambda c, s: _catalogue().upgettext(c, s),
        npgettext=lambda c, s, p, n: _catalogue().unpgettext(c, s, p, n))
    app.jinja_env.globals.update(_=_eliding_gettext, gettext=_eliding_gettext)
    labels.install(app)
    training_hub.install(app)
    htmx.init_app(app)

    for blueprint in (auth.bp, portal.bp, console.bp, members.bp, sharing.bp, items.bp, transfer.bp, two_factor.bp,
                      account.bp, policies.bp, recovery.bp, reports.bp, staff.bp, invitations.bp, vault.bp, preferences.bp,
                      events.bp, event_api.bp, sends.bp, send_access.bp, billing.bp, training.bp, demo.bp,
                      hub_branding.bp, integrations.bp):
        app.register_blueprint(blueprint)
    integrations.install(app, settings)
    if settings.dev_mailbox:  # `make run` only: without it the page does not exist at all
        app.register_blueprint(mailbox.bp)

    app.after_request(_secure_headers)
    _register_error_pages(app)
    app.jinja_env.filters["linkify"] = _linkify
    app.jinja_env.globals.update(LANGUAGES=preferences.LANGUAGES, current_language=_choose_language)
    return app


# Matched in escaped text, so an escaped < > " ' ends an address as the character itself would.
_LINK = re.compile(r"(https?://(?:(?!&lt;|&gt;|&#34;|&#39;)[^\s<>\"'])+)")


def _linkify(text: str) -> Markup:
    """Plain text, escaped, with its web addresses made into links."""
    escaped = str(escape(text))
    return Markup(_LINK.sub(lambda match: f'<a href="{match.group(1)}">{match.group(1)}</a>', escaped))


def _answers(base_url: str):
    def check() -> bool:
        try:
            return requests.get(f"{base_url}/healthz", timeout=1).ok
        except requests.RequestException:
            return False
    return check


@pass_context
def _eliding_gettext(context, string: str, **variables):
    """Jinja's `_()`: as installed above, and in French "de %(name)s" becomes "d'%(name)s" before a vowel."""
    text = _catalogue().ugettext(string)
    if variables and getattr(get_locale(), "language", "en") == "fr":
        text = elide(text, variables)
    if context.eval_ctx.autoescape:
        text = Markup(text)
    return text % variables  # always a format string, as Jinja's own (a literal % is written %%)


def _catalogue():
    """The translations of this request's language, found once per request."""
    if "catalogue" not in g:
        g.catalogue = get_translations()
    return g.catalogue


def _choose_language() -> str:
    chosen = request.cookies.get(preferences.LANGUAGE_COOKIE)
    if chosen in preferences.LANGUAGES:
        return chosen
    return request.accept_languages.best_match(preferences.LANGUAGES) or "en"


def _open_session() -> None:
    if request.endpoint in SESSIONLESS:
        return
    g.vault_session = current_app.extensions["sessions"].load(request.cookies.get(COOKIE))


def _secure_headers(response):
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Referrer-Policy"] = "no-referrer"
    if current_app.extensions["settings"].secure_cookies:
        # Secure cookies mean the portal is served over https: browsers should never try http again.
        response.headers["Strict-Transport-Security"] = "max-age=31536000"
    if request.endpoint not in CACHEABLE:
        response.headers["Cache-Control"] = "no-store"
    return response


def _register_error_pages(app: Flask) -> None:
    def error_page(status: int, title: str, message: str):
        return render("pages/error.html", "partials/error.html", status=status, title=title, message=message)

    @app.errorhandler(CSRFError)
    def csrf_refused(_error):
        return error_page(400, _("This form has expired"),
                          _("Reload the page and try again. Nothing was changed."))

    @app.errorhandler(404)
    def not_found(_error):
        return error_page(404, _("Page not found"), _("There is nothing here, or it is not yours to see."))

    @app.errorhandler(403)
    def forbidden(_error):
        return error_page(403, _("Not allowed"), _("Your role does not allow this."))

    @app.errorhandler(ServiceError)
    def service_refused(error: ServiceError):
        if error.status == 404:
            return not_found(error)
        if error.status == 403:
            return forbidden(error)
        return error_page(error.status if error.status >= 400 else 500, _("Something went wrong"), refusal_text(error))

    @app.errorhandler(SessionsUnavailable)
    def sessions_down(_error):
        return error_page(503, _("Custodian is not available"),
                          _("The session store is not answering. Nothing was changed; try again in a moment."))
