"""Outgoing mail, handed to the SMTP server of the configuration."""
from __future__ import annotations

import smtplib
from email.message import EmailMessage

from services.common.config import Settings


def send(settings: Settings, to: str, subject: str, body: str) -> None:
    """Hand one plain-text message to the SMTP server; OSError if it does not take it."""
    message = EmailMessage()
    message["From"] = settings.mail_sender
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=10) as smtp:
        smtp.send_message(message)
