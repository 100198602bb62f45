"""Identity mails the "Getting started" email once per member, whatever the bus delivers twice, in
the member's language when identity knows it (real SMTP server, real identity database)."""
from __future__ import annotations

import uuid
from email.header import decode_header, make_header

import pytest
from aiosmtpd.controller import Controller

from services.common.config import Settings
from services.common.consumers import apply_once
from services.common.database import UnitOfWork, make_engine
from services.common.envelope import Event
from services.common.migrations import upgrade
from services.identity import getting_started
from services.identity import models as identity_models
from services.identity.events import member_events
from tests.conftest import TEST_SECRETS, Mailbox, database_urls, drop_databases, free_port


class FailingOnce(Mailbox):
    """An SMTP server that refuses the mail to one address the first time (a mail server hiccup)."""

    def __init__(self, refuse: str):
        super().__init__()
        self.refuse = refuse

    async def handle_RCPT(self, server, session, envelope, address, options):
        if address == self.refuse:
            self.refuse = ""
            return "451 try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"


@pytest.fixture
def identity(tmp_path):
    urls = database_urls(tmp_path, "getting-started")
    upgrade("identity", urls["identity"])
    engine = make_engine(urls["identity"])
    mailbox = FailingOnce("")
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings = Settings.from_env("identity", {**TEST_SECRETS, "SMTP_PORT": str(controller.port),
                                              "CUSTODIAN_PUBLIC_URL": "https://portal.example"},
                                 database_url=urls["identity"])
    yield settings, engine, mailbox
    controller.stop()
    engine.dispose()
    drop_databases(urls)


def sent(provider_id: str | None, *emails: str, hub: str | None = "Acme IT Academy") -> Event:
    return Event("org.members.getting_started_sent", {
        "organization_id": str(uuid.uuid4()), "organization_name": "Acme Dental", "managing_provider_id": provider_id,
        "hub_name": hub, "members": [{"member_id": str(uuid.uuid4()), "email": e, "user_id": None} for e in emails]})


def subject(message) -> str:
    return str(make_header(decode_header(message["Subject"])))


def body(message) -> str:
    return message.get_payload(decode=True).decode().replace("\r\n", "\n")


def test_a_duplicated_event_mails_each_member_once_with_the_providers_registration_link(identity):
    settings, engine, mailbox = identity
    provider_id = str(uuid.uuid4())
    event = sent(provider_id, "ines@acme.example", "olaf@acme.example")
    consumer = member_events(settings)
    assert apply_once(engine, identity_models, consumer, event) is True
    assert apply_once(engine, identity_models, consumer, event) is False  # redelivered: the inbox knows it
    assert [m["To"] for m in mailbox.messages] == ["ines@acme.example", "olaf@acme.example"]
    mail = mailbox.messages[0]
    assert mail["Subject"] == "Getting started with Acme IT Academy"
    assert f"https://portal.example/training/registration?provider={provider_id}\n" in body(mail)
    assert f"https://portal.example/training?provider={provider_id}\n" in body(mail)
    assert "Acme Dental" in body(mail)


def test_after_the_mail_server_failed_half_way_the_retry_mails_only_who_did_not_get_it(identity):
    settings, engine, mailbox = identity
    mailbox.refuse = "olaf@acme.example"
    event = sent(str(uuid.uuid4()), "ines@acme.example", "olaf@acme.example", "pia@acme.example")
    consumer = member_events(settings)
    with pytest.raises(OSError):
        apply_once(engine, identity_models, consumer, event)
    assert [m["To"] for m in mailbox.messages] == ["ines@acme.example"]
    assert apply_once(engine, identity_models, consumer, event) is True  # the bus delivers it again
    assert sorted(m["To"] for m in mailbox.messages) == ["ines@acme.example", "olaf@acme.example",
                                                         "pia@acme.example"]


def test_a_member_who_reads_the_portal_in_french_gets_it_in_french(identity):
    settings, engine, mailbox = identity
    with UnitOfWork(engine, identity_models.OutboxMessage) as uow:
        uow.add(identity_models.User(email="chloe@acme.example", name="Chloé", kdf="pbkdf2", kdf_iterations=600_000,
                                     auth_hash="x", protected_user_key="2.a|b|c", public_key="k",
                                     encrypted_private_key="2.a|b|c", language="fr"))
        uow.commit()
    event = sent(str(uuid.uuid4()), "chloe@acme.example", "dan@acme.example")
    apply_once(engine, identity_models, member_events(settings), event)
    french, english = mailbox.to("chloe@acme.example")[0], mailbox.to("dan@acme.example")[0]
    assert subject(french) == "Bien démarrer avec Acme IT Academy"
    assert "guide d'inscription" in body(french) and "/training/registration?provider=" in body(french)
    assert english["Subject"] == "Getting started with Acme IT Academy"


def test_without_a_provider_the_email_points_to_custodians_own_hub():
    letter = getting_started.letter(None, None, "Solo Org", *getting_started.links("https://p.example", None))
    assert letter.subject == "Getting started with Custodian training"
    assert "https://p.example/training/registration\n" in letter.body
