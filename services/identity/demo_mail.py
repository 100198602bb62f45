"""The mails of a demo sign-up, in the registrant's language (English or French): the confirmation
with its calendar invitation, and the cancellation with its cancelled invitation.

The date and time are the session's own, in the session's time zone (named, with its offset from
UTC), written as the registrant's language writes them; the `.ics` carries the same instant.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time

from services.common.config import Settings

from . import demo_calendar
from .mail import Attachment
from .models import DemoRegistration, DemoSession

# Every sentence of the demo mails, per language; placeholders are the same in each.
TEXTS = {
    "en": {
        "when": "{date} at {time}",
        "confirmed_subject": "You are signed up: {title}",
        "confirmed_body": (
            "Hello {name},\n\n"
            "You are signed up for {title}, a live demo by {provider}.\n\n"
            "When: {when} ({zone}, UTC{offset})\n"
            "Duration: {minutes} minutes\n"
            "Video link: {link}\n\n"
            "The attached invitation adds the session to your calendar, with a reminder 15 minutes before it "
            "starts.\n"),
        "cancelled_subject": "Cancelled: {title}",
        "cancelled_body": (
            "Hello {name},\n\n"
            "{provider} cancelled {title}, which was planned for {when} ({zone}, UTC{offset}).\n\n"
            "The attached update removes it from your calendar. To book another session: {signup}\n"),
        "description": "Live demo by {provider}. Video link: {link}",
        "reminder": "{title} starts in 15 minutes.",
    },
    "fr": {
        "when": "{date} à {time}",
        "confirmed_subject": "Inscription confirmée : {title}",
        "confirmed_body": (
            "Bonjour {name},\n\n"
            "Vous êtes inscrit(e) à {title}, une démonstration en direct proposée par {provider}.\n\n"
            "Quand : {when} ({zone}, UTC{offset})\n"
            "Durée : {minutes} minutes\n"
            "Lien de la visioconférence : {link}\n\n"
            "L'invitation jointe ajoute la session à votre agenda, avec un rappel 15 minutes avant son début.\n"),
        "cancelled_subject": "Annulée : {title}",
        "cancelled_body": (
            "Bonjour {name},\n\n"
            "{provider} a annulé {title}, qui était prévue le {when} ({zone}, UTC{offset}).\n\n"
            "La mise à jour jointe la retire de votre agenda. Pour réserver une autre session : {signup}\n"),
        "description": "Démonstration en direct proposée par {provider}. Lien de la visioconférence : {link}",
        "reminder": "{title} commence dans 15 minutes.",
    },
}


@dataclass(frozen=True)
class DemoMail:
    """One mail to one registrant: its subject, its text and its calendar attachment."""

    to: str
    subject: str
    body: str
    attachment: Attachment


def when(session: DemoSession, language: str) -> dict:
    """The session's start as `language` writes it, in the session's time zone: date, time, zone and offset."""
    local = session.starts_at.astimezone(ZoneInfo(session.time_zone))
    offset = local.strftime("%z")
    texts = TEXTS[language]
    date_text = format_date(local.date(), format="full", locale=language)
    time_text = format_time(local.time(), format="HH:mm", locale=language)
    return {"when": texts["when"].format(date=date_text, time=time_text), "zone": session.time_zone,
            "offset": f"{offset[:3]}:{offset[3:]}"}


def _mail(settings: Settings, session: DemoSession, registration: DemoRegistration, kind: str,
          now: datetime | None) -> DemoMail:
    language = registration.language if registration.language in TEXTS else "en"
    texts = TEXTS[language]
    values = {"name": registration.name, "title": session.title, "provider": session.provider_name,
              "minutes": session.duration_minutes, "link": session.video_link,
              "signup": f"{settings.public_url}/training/demo?provider={session.provider_id}",
              **when(session, language)}
    ics = demo_calendar.invitation(session, registration, settings.mail_sender,
                                   texts["description"].format(**values), texts["reminder"].format(**values), now)
    method = "CANCEL" if kind == "cancelled" else "REQUEST"
    return DemoMail(registration.email, texts[f"{kind}_subject"].format(**values),
                    texts[f"{kind}_body"].format(**values),
                    Attachment("cancel.ics" if kind == "cancelled" else "invite.ics", ics, "text", "calendar",
                               {"method": method}))


def confirmation(settings: Settings, session: DemoSession, registration: DemoRegistration,
                 now: datetime | None = None) -> DemoMail:
    """The mail that confirms a seat, with the METHOD:REQUEST invitation."""
    return _mail(settings, session, registration, "confirmed", now)


def cancellation(settings: Settings, session: DemoSession, registration: DemoRegistration,
                 now: datetime | None = None) -> DemoMail:
    """The mail that tells a registrant the session was cancelled, with the METHOD:CANCEL invitation."""
    return _mail(settings, session, registration, "cancelled", now)
