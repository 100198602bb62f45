"""A demo event delivered again (a redelivery, a duplicate) mails nobody twice, and a cancellation the mail
server stopped halfway mails only those not mailed yet when it is delivered again."""
from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone
from email import message_from_bytes

import pytest
from aiosmtpd.controller import Controller
from sqlmodel import select

from services.common.config import Settings
from services.common.consumers import apply_once
from services.common.database import UnitOfWork, make_engine
from services.common.envelope import Event
from services.common.migrations import upgrade
from services.identity import demos
from services.identity import models as identity_models
from services.identity.events import demo_mails
from tests.conftest import TEST_SECRETS, database_urls, drop_databases, free_port

CONTEXT = {"actorid": "staff", "ip": None, "devicetype": "web", "traceparent": None}
PROVIDER = {"provider_id": str(uuid.uuid4()), "provider_name": "Mail MSP"}


class RefusingMailServer:
    """A real SMTP server that keeps what it takes, and refuses the addresses in `refuse` while they are there."""

    def __init__(self):
        self.messages = []
        self.refuse: set[str] = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "451 try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(message_from_bytes(envelope.content))
        return "250 OK"

    def to(self, address: str) -> list:
        return [m for m in self.messages if m["To"] == address]


@pytest.fixture
def identity(tmp_path):
    urls = database_urls(tmp_path, "demo-mail")
    upgrade("identity", urls["identity"])
    engine = make_engine(urls["identity"])
    server = RefusingMailServer()
    controller = Controller(server, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings = Settings.from_env("identity", {**TEST_SECRETS, "SMTP_PORT": str(controller.port)},
                                 database_url=urls["identity"])
    yield settings, engine, server
    controller.stop()
    engine.dispose()
    drop_databases(urls)


def outbox_event(engine, event_type: str) -> Event:
    with UnitOfWork(engine, identity_models.OutboxMessage) as uow:
        rows = uow.scalars(select(identity_models.OutboxMessage).where(
            identity_models.OutboxMessage.subject == f"identity.{event_type}")
            .order_by(identity_models.OutboxMessage.seq)).all()
    return [Event.from_json(row.payload) for row in rows][-1]


def schedule_and_sign_up(engine, emails) -> tuple[str, list[Event]]:
    now = datetime.now(timezone.utc)
    start = now + timedelta(days=30)
    with UnitOfWork(engine, identity_models.OutboxMessage) as uow:
        session = demos.schedule(uow, PROVIDER, demos.SessionDraft(
            "Mail tour", start.date().isoformat(), "10:00", "Europe/Paris", 30, 5, "https://meet.example.com/m"),
            now, CONTEXT)
    events = []
    for n, email in enumerate(emails):  # a second apart: the cancellation mails them in that order
        with UnitOfWork(engine, identity_models.OutboxMessage) as uow:
            demos.register(uow, PROVIDER["provider_id"], session.id,
                           demos.Registrant("Person", email, "Acme", "1-10", "en"), now + timedelta(seconds=n),
                           CONTEXT)
        events.append(outbox_event(engine, "demo.registered"))
    return session.id, events


def test_a_sign_up_delivered_twice_is_mailed_once(identity):
    settings, engine, server = identity
    _session_id, (registered,) = schedule_and_sign_up(engine, ["once@acme.example"])
    consumer = demo_mails(settings)
    assert apply_once(engine, identity_models, consumer, registered) is True
    assert apply_once(engine, identity_models, consumer, registered) is False
    assert len(server.to("once@acme.example")) == 1


def test_a_cancellation_stopped_by_the_mail_server_mails_only_the_rest_when_delivered_again(identity):
    settings, engine, server = identity
    people = ["a@acme.example", "b@acme.example", "c@acme.example"]
    session_id, _ = schedule_and_sign_up(engine, people)
    with UnitOfWork(engine, identity_models.OutboxMessage) as uow:
        demos.cancel(uow, PROVIDER["provider_id"], session_id, datetime.now(timezone.utc), CONTEXT)
    cancelled = outbox_event(engine, "demo.session.cancelled")
    consumer = demo_mails(settings)

    server.refuse = {"b@acme.example"}  # the mail server turns the second one away: the event is retried
    with pytest.raises(OSError):
        apply_once(engine, identity_models, consumer, cancelled)
    assert [len(server.to(p)) for p in people] == [1, 0, 0]

    server.refuse = set()
    assert apply_once(engine, identity_models, consumer, cancelled) is True
    assert apply_once(engine, identity_models, consumer, cancelled) is False
    assert [len(server.to(p)) for p in people] == [1, 1, 1]
    assert all(part.get_param("method") == "CANCEL" for p in people for part in server.to(p)[0].walk()
               if part.get_content_type() == "text/calendar")
