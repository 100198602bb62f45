"""An invitation's link works from the moment its mail reaches the mail server, not a moment later."""
from __future__ import annotations

import re
import uuid
from email import message_from_bytes

import pytest
from aiosmtpd.controller import Controller

from services.common.config import Settings
from services.common.consumers import apply_once
from services.common.database import UnitOfWork, make_engine
from services.common.envelope import Event
from services.common.errors import NotFound
from services.common.migrations import upgrade
from services.identity import invitations
from services.identity import models as identity_models
from services.identity.events import member_events
from tests.conftest import TEST_SECRETS, database_urls, drop_databases, free_port


class LinkOpeningMailServer:
    """A real SMTP server that, while each mail is being handed over, opens its link in identity's
    database as the gateway would when the reader clicks it at once."""

    def __init__(self, engine):
        self.engine = engine
        self.opened: list[str] = []

    async def handle_DATA(self, server, session, envelope):
        body = message_from_bytes(envelope.content).get_payload(decode=True).decode()
        token = re.search(r"token=([\w-]+)", body).group(1)
        with UnitOfWork(self.engine, identity_models.OutboxMessage) as uow:
            try:
                self.opened.append(invitations.preview(uow, token).email)
            except NotFound:
                self.opened.append("not valid")
        return "250 OK"


@pytest.fixture
def identity(tmp_path):
    urls = database_urls(tmp_path, "invitation-mail")
    upgrade("identity", urls["identity"])
    engine = make_engine(urls["identity"])
    server = LinkOpeningMailServer(engine)
    controller = Controller(server, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings = Settings.from_env("identity", {**TEST_SECRETS, "SMTP_PORT": str(controller.port)},
                                 database_url=urls["identity"])
    yield settings, engine, server
    controller.stop()
    engine.dispose()
    drop_databases(urls)


@pytest.mark.parametrize("event_type", ["org.member.invited", "org.member.reinvited"])
def test_an_invitation_link_opens_while_its_mail_is_still_being_delivered(identity, event_type):
    settings, engine, server = identity
    invited = Event(event_type, {"member_id": str(uuid.uuid4()), "organization_id": str(uuid.uuid4()),
                                 "organization_name": "Acme Dental", "email": "quick@acme.example", "name": "Quick",
                                 "role": "User"})
    assert apply_once(engine, identity_models, member_events(settings), invited) is True
    assert server.opened == ["quick@acme.example"]
    # Delivered again (a redelivery), it mails nothing more: the inbox knows it.
    assert apply_once(engine, identity_models, member_events(settings), invited) is False
    assert server.opened == ["quick@acme.example"]
