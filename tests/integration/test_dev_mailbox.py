"""The Dev mailbox shows the embedded SMTP sink's mail, and exists only where it is configured."""
from __future__ import annotations

import smtplib
from email.message import EmailMessage

from embedded.__main__ import free_port
from embedded.mailsink import MailFolder
from gateway.app import create_app
from services.common.config import Settings
from tests.conftest import TEST_SECRETS, wait_for


def gateway(tmp_path, **env):
    return create_app(Settings.from_env("gateway", {**TEST_SECRETS, "CUSTODIAN_VAR": str(tmp_path), **env})) \
        .test_client()


def test_mail_received_by_the_sink_is_listed_newest_first_with_working_links(tmp_path):
    from aiosmtpd.controller import Controller

    folder = tmp_path / "mail"
    controller = Controller(MailFolder(folder), hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        for number in (1, 2):
            message = EmailMessage()
            message["From"], message["To"] = "no-reply@custodian.localhost", f"person{number}@x.example"
            message["Subject"] = f"Join Org {number} on Custodian"
            message.set_content(f"Open http://127.0.0.1:8000/invitations/accept?token=abc{number}&x=<b>\n")
            with smtplib.SMTP("127.0.0.1", controller.port) as smtp:
                smtp.send_message(message)
        wait_for(lambda: len(list(folder.glob("*.eml"))) == 2, message="the sink to keep both messages")
    finally:
        controller.stop()
    page = gateway(tmp_path, DEV_MAILBOX_DIR=str(folder)).get("/dev/mailbox").text
    assert page.index("Join Org 2") < page.index("Join Org 1")
    assert '<a href="http://127.0.0.1:8000/invitations/accept?token=abc1&amp;x=">' in page
    assert "<b>" not in page.split("<main")[1]


def test_without_a_configured_folder_there_is_no_mailbox(tmp_path):
    assert gateway(tmp_path).get("/dev/mailbox").status_code == 404
