"""The embedded default's SMTP server, run by `embedded.workers` on its loop.

Keeps every message as a file under `var/mail/` and logs who it was for, so invitations
can be read without a real mail server.
"""
from __future__ import annotations

import asyncio
import time
from email import message_from_bytes
from pathlib import Path

from aiosmtpd.smtp import SMTP


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


async def serve_mail(folder: Path, port: int, stop: asyncio.Event) -> None:
    """Accept SMTP on 127.0.0.1:`port` into `folder` until `stop` is set."""
    handler = MailFolder(folder)
    server = await asyncio.get_running_loop().create_server(lambda: SMTP(handler, hostname="127.0.0.1"),
                                                           "127.0.0.1", port)
    async with server:
        await stop.wait()
