"""The Dev mailbox: mail the embedded SMTP sink received, for trying invitations locally.

On only when DEV_MAILBOX_DIR names the sink's folder (`make run` sets it, and nothing else
does); a production deployment sends real mail and has no such page. Even then only a
logged-in user reads it: the mail holds invitation links, which open accounts.
"""
from __future__ import annotations

from email import message_from_bytes, policy
from pathlib import Path

from flask import Blueprint, current_app

from ..access import login_required
from ..render import render

bp = Blueprint("mailbox", __name__)
SHOWN = 50


@bp.get("/dev/mailbox")
@login_required
def mailbox():
    """The newest messages the local SMTP sink kept."""
    folder = current_app.extensions["settings"].dev_mailbox
    files = sorted(Path(folder).glob("*.eml"), key=lambda path: path.stat().st_mtime, reverse=True)[:SHOWN]
    messages = []
    for path in files:
        message = message_from_bytes(path.read_bytes(), policy=policy.default)
        body = message.get_body(preferencelist=("plain",))
        messages.append({"to": message["To"], "subject": message["Subject"], "date": message["Date"],
                         "body": body.get_content() if body else ""})
    return render("pages/mailbox.html", messages=messages)
