"""The recipient's side of a Send: `/send/<id>#<key>`, for anyone, logged in or not (ADR 19 §2).

The page is the same for every id (no lookup, so it tells nothing); its module reads the key
from the fragment, which no browser sends, and decrypts in the browser. These views only relay
ciphertext: every Send that cannot be opened, for whatever reason, gets one answer.
"""
from __future__ import annotations

import re
from contextlib import ExitStack

from flask import Blueprint, Response, jsonify, request, stream_with_context
from flask_babel import gettext as _

from services.common.internal_http import NotAuthenticated, ServiceError, ServiceUnavailable

from ..backends import sends_anonymously
from ..refusals import refusal_text
from ..render import render
from ..sends import SEND_ID

bp = Blueprint("send_access", __name__)
BASE64_32_BYTES = re.compile(r"[A-Za-z0-9+/]{43}=")  # an access token, a password proof
NOT_AVAILABLE = {"available": False}


@bp.after_request
def _private(response):
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/send/<send_id>")
def send_page(send_id: str):
    """The recipient's page; its module does the rest."""
    return render("pages/send_access.html", send_id=send_id if SEND_ID.fullmatch(send_id) else "")


def _presented(send_id: str) -> tuple[tuple[str, str | None] | None, Response | None]:
    """The access token and password proof of a recipient's call, or the refusal of a call that is not one.

    These calls carry no session (so no CSRF token): a page elsewhere must still not make a
    visitor's browser spend a Send's accesses, hence same-origin JSON only."""
    site = request.headers.get("Sec-Fetch-Site")
    origin = request.headers.get("Origin")
    if site not in (None, "same-origin") or (origin is not None and origin.rstrip("/") != request.host_url.rstrip("/")):
        return None, (jsonify(message=_("Open the Send from its link.")), 403)
    body = request.get_json(silent=True) if request.is_json else None
    if not isinstance(body, dict) or not SEND_ID.fullmatch(send_id):
        return None, (jsonify(NOT_AVAILABLE), 404)
    token, proof = body.get("access_token"), body.get("password")
    if not isinstance(token, str) or not BASE64_32_BYTES.fullmatch(token) or \
            (proof is not None and (not isinstance(proof, str) or not BASE64_32_BYTES.fullmatch(proof))):
        return None, (jsonify(NOT_AVAILABLE), 404)
    return (token, proof), None


def _refusal(error: ServiceError):
    if isinstance(error, ServiceUnavailable):
        return jsonify(message=refusal_text(error)), 503
    if isinstance(error, NotAuthenticated) and error.error == "PasswordRequired":
        return jsonify(password_required=True), 401
    return jsonify(NOT_AVAILABLE), 404


@bp.post("/send/<send_id>/access")
def access(send_id: str):
    """What the recipient's page needs to show the Send (a text Send counts this access)."""
    presented, refusal = _presented(send_id)
    if refusal:
        return refusal
    try:
        return jsonify(sends_anonymously().access(send_id, *presented))
    except ServiceError as error:
        return _refusal(error)


@bp.post("/send/<send_id>/file")
def download(send_id: str):
    """A file Send's ciphertext, relayed as orgs streams it (this counts the access)."""
    presented, refusal = _presented(send_id)
    if refusal:
        return refusal
    held = ExitStack()
    try:
        answer = held.enter_context(sends_anonymously().download(send_id, *presented))
    except ServiceError as error:
        held.close()
        return _refusal(error)

    def relayed():
        with held:
            yield from answer.chunks

    response = Response(stream_with_context(relayed()), mimetype="application/octet-stream")
    if answer.headers.get("Content-Length"):
        response.headers["Content-Length"] = answer.headers["Content-Length"]
    return response
