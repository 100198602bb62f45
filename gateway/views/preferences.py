"""The language a person chose, kept in a cookie for a year (and by identity, for their mail, when
they are logged in)."""
from __future__ import annotations

import logging

from flask import Blueprint, current_app, g, request, url_for

from services.common.internal_http import ServiceError

from ..backends import identity
from ..render import local_path, see_other

log = logging.getLogger(__name__)

bp = Blueprint("preferences", __name__)
LANGUAGES = ("en", "fr")
LANGUAGE_COOKIE = "custodian_lang"


@bp.post("/language")
def choose_language():
    """Remember the chosen language and go back to where the person was."""
    language = request.form.get("language", "")
    response = see_other(local_path(request.form.get("next")) or url_for("portal.home"))
    if language in LANGUAGES:
        response.set_cookie(LANGUAGE_COOKIE, language, max_age=365 * 24 * 3600, httponly=True, samesite="Lax",
                            secure=current_app.extensions["settings"].secure_cookies)
        if g.get("vault_session") is not None:
            try:
                identity().set_language(language)
            except ServiceError as error:  # the page still changes language; only the mail keeps the old one
                log.warning("identity did not take the language %s: %s", language, error)
    return response
