"""`python -m embedded.mailsink`: the embedded default's SMTP server.

Keeps every message as a file under `var/mail/` and logs who it was for, so invitations
can be read without a real mail server.
"""
from __future__ import annotations

import os
import signal
import threading
import time
from email import message_from_bytes
from pathlib import Path

from aiosmtpd.controller import Controller


class MailFolder:
    """An aiosmtpd handler that keeps each message as an .eml file."""

    def __init__(self, folder: Path):
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)

    async def handle_DATA(self, server, session, envelope):
        name = f"{time.strftime('%Y%m%d-%H%M%S')}-{time.monotonic_ns()}.eml"
        (self.folder / name).write_bytes(envelope.content)
        subject = message_from_bytes(envelope.content).get("Subject", "")
        print(f"mail to {', '.join(envelope.rcpt_tos)}: {subject} ({self.folder / name})", flush=True)
        return "250 Message accepted for delivery"


def main() -> None:
    """Serve SMTP on SMTP_PORT until SIGTERM."""
    folder = Path(os.environ.get("CUSTODIAN_VAR", "var")) / "mail"
    controller = Controller(MailFolder(folder), hostname="127.0.0.1", port=int(os.environ.get("SMTP_PORT", "8025")))
    controller.start()
    stopped = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stopped.set())
    stopped.wait()
    controller.stop()


if __name__ == "__main__":
    main()
