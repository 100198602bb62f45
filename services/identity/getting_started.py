"""The "Getting started" email: what a client's member gets when someone who manages the
organization's members sends it (orgs' `org.members.getting_started_sent`).

It links to the registration guide of the training hub of the provider that manages the
organization, and to that hub, named as the provider named it. It is written in the member's
language when identity knows it (they have an account and chose one), else in English.
"""
from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from sqlmodel import select

from services.common.config import Settings
from services.common.envelope import Event

from . import mail
from .domain import mail_language
from .models import GettingStartedMail, User

CUSTODIAN_HUB = {"en": "Custodian training", "fr": "la formation Custodian"}


@dataclass(frozen=True)
class Letter:
    """One mail: its subject and plain-text body."""

    subject: str
    body: str


def links(public_url: str, provider_id: str | None) -> tuple[str, str]:
    """The registration guide's and the hub's addresses, in the provider's hub when there is one."""
    query = f"?{urlencode({'provider': provider_id})}" if provider_id else ""
    return f"{public_url}/training/registration{query}", f"{public_url}/training{query}"


def letter(language: str | None, hub_name: str | None, organization_name: str, registration_url: str,
           hub_url: str) -> Letter:
    """The email in `language` (French, or English for anything else)."""
    if language == "fr":
        hub = hub_name or CUSTODIAN_HUB["fr"]
        return Letter(
            f"Bien démarrer avec {hub}",
            "Bonjour,\n\n"
            f"{organization_name} protège ses mots de passe avec Custodian. Pour bien démarrer, {hub} vous guide "
            "pas à pas.\n\n"
            f"1. Créez votre compte en suivant le guide d'inscription :\n{registration_url}\n\n"
            "2. Vidéos de formation, import de vos mots de passe, authentification en deux étapes, applications : tout le "
            f"reste est dans {hub} :\n{hub_url}\n\n"
            "Si vous avez reçu une invitation à rejoindre l'organisation, acceptez-la depuis son propre courriel : son "
            "lien ne fonctionne qu'une fois.\n"
            "Une question ? Les coordonnées de l'assistance figurent en bas de chaque page de formation.\n",
        )
    hub = hub_name or CUSTODIAN_HUB["en"]
    return Letter(
        f"Getting started with {hub}",
        "Hello,\n\n"
        f"{organization_name} keeps its passwords safe with Custodian. To get you started, {hub} takes you through "
        "it step by step.\n\n"
        f"1. Create your account with the registration guide:\n{registration_url}\n\n"
        "2. Training videos, importing your passwords, two-step login, the apps: everything else is in "
        f"{hub}:\n{hub_url}\n\n"
        "If you were sent an invitation to join the organization, accept it from its own email: its link works "
        "once.\n"
        "Questions? The support contact is at the bottom of every training page.\n",
    )


def mail_members(settings: Settings, uow, event: Event) -> None:
    """Mail each member of the event once: a row per address is committed after its mail, so a
    redelivery, or a retry after the mail server failed half-way, skips whoever already has it."""
    data = event.data
    registration_url, hub_url = links(settings.public_url, data.get("managing_provider_id"))
    for member in data.get("members") or []:
        email = member["email"]
        if uow.get(GettingStartedMail, (event.id, email)) is not None:
            continue
        user = uow.first(select(User).where(User.email == email))
        chosen = letter(mail_language(user.language if user else None), data.get("hub_name"),
                        data["organization_name"], registration_url, hub_url)
        mail.send(settings, email, chosen.subject, chosen.body)
        uow.add(GettingStartedMail(event_id=event.id, email=email))
        uow.commit()
