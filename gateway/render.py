"""How the gateway answers: the page, or just its part for htmx, from the same URL."""
from __future__ import annotations

import json
import re
from urllib.parse import urlsplit

from flask import flash, make_response, redirect, render_template
from flask_htmx import HTMX
from werkzeug.urls import iri_to_uri

htmx = HTMX()


def render(page_template: str, partial_template: str | None = None, status: int = 200, toast: str | None = None,
           partials: dict[str, str] | None = None, **context):
    """Render the page template, or the partial template when htmx asks for a part.

    `partials` maps an `HX-Target` id to the partial that fills it, for pages whose
    several regions share one URL. Boosted requests want the whole page.
    """
    template = page_template
    if htmx and not htmx.boosted:
        template = (partials or {}).get(htmx.target or "", partial_template) or page_template
    response = make_response(render_template(template, **context), status)
    response.headers["Vary"] = "HX-Request, HX-Target"
    if toast:
        notify(response, toast)
    return response


def notify(response, message: str):
    """Have the page show `message` as a toast (through the HX-Trigger header)."""
    response.headers["HX-Trigger"] = json.dumps({"toast": message})
    return response


def see_other(url: str, toast: str | None = None):
    """Send the browser to `url`: a 303, or a full htmx navigation for htmx requests.

    The toast travels in the signed session cookie (Flask's flash) and shows on the page at
    `url`: a header would be lost in the navigation."""
    if toast:
        flash(str(toast))
    if htmx and not htmx.boosted:
        response = make_response("", 200)
        response.headers["HX-Redirect"] = url
    else:
        response = redirect(url, 303)
    return response


# Browsers drop tabs and newlines inside a URL ("/\t/evil.example" is "//evil.example", another
# host) and read a backslash as a slash; a newline cannot go into a Location header at all.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\\]")


def local_path(target: str | None) -> str | None:
    """`target` if it is a path on this site (never another host, no control character), else None.

    The one judge of every caller-given place to go next (`next=`, a form's `next`)."""
    if not target or not target.startswith("/") or target.startswith("//") or _CONTROL.search(target):
        return None
    parts = urlsplit(target)
    # ASCII only, as a header (Location, HX-Redirect) must be: other characters percent-encoded.
    return iri_to_uri(target) if not parts.scheme and not parts.netloc else None
