"""Outgoing mail, handed to the SMTP server of the configuration."""
from __future__ import annotations

import smtplib
from dataclasses import dataclass, field
from email.message import EmailMessage

from services.common.config import Settings


@dataclass(frozen=True)
class Attachment:
    """A file joined to a mail: `text/calendar; method=REQUEST` is ("text", "calendar", {"method": "REQUEST"})."""

    filename: str
    content: bytes
    maintype: str
    subtype: str
    params: dict = field(default_factory=dict)


def send(settings: Settings, to: str, subject: str, body: str, attachments: tuple[Attachment, ...] = ()) -> None:
    """Hand one plain-text message (with its attachments, if any) to the SMTP server; OSError if it does not
    take it."""
    message = EmailMessage()
    message["From"] = settings.mail_sender
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    for attachment in attachments:
        if attachment.maintype == "text":
            # Text keeps its charset and parameters (a calendar's `method`), as mail clients look for them.
            message.add_attachment(attachment.content.decode("utf-8"), subtype=attachment.subtype,
                                   filename=attachment.filename, params=dict(attachment.params))
        else:
            message.add_attachment(attachment.content, maintype=attachment.maintype, subtype=attachment.subtype,
                                   filename=attachment.filename, params=dict(attachment.params))
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=10) as smtp:
        smtp.send_message(message)
