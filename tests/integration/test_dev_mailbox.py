"""The Dev mailbox shows the embedded SMTP sink's mail, only where it is configured, and only to
a logged-in user (`proxied_gateway` has a mailbox folder; the system, like production, has none)."""
from __future__ import annotations

import smtplib
from email.message import EmailMessage

from embedded.__main__ import free_port
from embedded.mailsink import MailFolder
from tests.conftest import wait_for
from tests.support import Visitor, new_provider_admin

PASSWORD = "mailbox-tests-read-quietly-42"


def test_mail_received_by_the_sink_is_listed_newest_first_with_working_links(system, proxied_gateway,
                                                                               unique_email):
    from aiosmtpd.controller import Controller

    folder = proxied_gateway.mail_folder
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
        wait_for(lambda: len(list(folder.glob("*.eml"))) >= 2, message="the sink to keep both messages")
    finally:
        controller.stop()
    email = unique_email("mailbox")
    new_provider_admin(system, email, PASSWORD)
    visitor = Visitor(proxied_gateway.url)
    visitor.log_in(email, PASSWORD)
    page = visitor.get("/dev/mailbox").text
    assert page.index("Join Org 2") < page.index("Join Org 1")
    assert '<a href="http://127.0.0.1:8000/invitations/accept?token=abc1&amp;x=">' in page
    assert "<b>" not in page.split("<main")[1]


def test_the_mailbox_is_only_for_a_logged_in_user(proxied_gateway):
    answer = Visitor(proxied_gateway.url).get("/dev/mailbox", allow_redirects=False)
    assert answer.status_code == 303 and answer.headers["Location"].startswith("/login")


def test_without_a_configured_folder_there_is_no_mailbox(system):
    assert Visitor(system.url).get("/dev/mailbox", allow_redirects=False).status_code == 404
