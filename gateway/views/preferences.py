"""The language a person chose, kept in a cookie for a year."""
from __future__ import annotations

from flask import Blueprint, current_app, request, url_for

from ..render import local_path, see_other

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
    return response
