"""A file Send's sealed parts: their sizes, their upload in order, and deleting them before the row.

The gateway seals the file in CSF1 chunks (64 KiB of plaintext, a 16-byte tag each) and sends
16 of them at a time as one part. Orgs never reads a part; it knows from the declared size
exactly how many parts there must be and how long each is, so a part of the wrong size or out
of order is refused before it is kept. The geometry is computed here, not imported from the
gateway: the two sides agree through the format, not through code.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import or_, update
from sqlmodel import select

from services.common.errors import Invalid

from ..models import Send
from .sends import send_event

CHUNK_SIZE = 64 * 1024
TAG_SIZE = 16
CHUNKS_PER_PART = 16
PART_SIZE = CHUNKS_PER_PART * (CHUNK_SIZE + TAG_SIZE)  # 1,048,832 bytes of ciphertext
STALE_UPLOAD = timedelta(hours=1)  # an upload not finished by then was abandoned


def chunk_count(size: int) -> int:
    """CSF1 chunks of a plaintext of `size` bytes (an empty file is one final chunk)."""
    return max(1, -(-size // CHUNK_SIZE))


def ciphertext_size(size: int) -> int:
    """Bytes of ciphertext a plaintext of `size` bytes becomes."""
    return size + TAG_SIZE * chunk_count(size)


def part_sizes(size: int) -> list[int]:
    """The length of each part of the ciphertext of a plaintext of `size` bytes, in order."""
    total = ciphertext_size(size)
    return [min(PART_SIZE, total - start) for start in range(0, total, PART_SIZE)]


def expected_parts(send: Send) -> int:
    """How many parts a file Send's ciphertext is kept in (none for a text Send)."""
    return len(part_sizes(send.file_size or 0)) if send.type == "file" else 0


def put_part(uow, store, send: Send, number: int, data: bytes) -> None:
    """Keep part `number` of an uploading file Send (already found to be the actor's): the next one, of
    exactly the size the declared file size implies."""
    if send.type != "file" or send.file_state != "uploading":
        raise Invalid("This Send takes no more parts.", "part", code="send.no_more_parts")
    sizes = part_sizes(send.file_size or 0)
    if number != send.file_parts or number >= len(sizes):
        raise Invalid("Send part %(next)s next (of %(parts)s).", "part", code="send.part_out_of_order",
                      next=send.file_parts, parts=len(sizes))
    if len(data) != sizes[number]:
        raise Invalid("Part %(number)s must be %(size)s bytes, not %(received)s.", "part", code="send.part_size",
                      number=number, size=sizes[number], received=len(data))
    store.put_part(send.id, number, data)
    # Counted only if no other upload of this part got there first; a retry of the part rewrites the same bytes.
    uow.session.exec(update(Send).where(Send.id == send.id, Send.file_parts == number,
                                        Send.file_state == "uploading").values(file_parts=number + 1))
    uow.commit()


def finish_upload(uow, store, send: Send, now: datetime) -> Send:
    """Mark an uploaded file `ready` once every part is kept with the size it must have."""
    if send.type != "file" or send.file_state != "uploading":
        raise Invalid("This Send is not being uploaded.", "part", code="send.not_uploading")
    sizes = part_sizes(send.file_size or 0)
    if send.file_parts != len(sizes) or store.part_sizes(send.id) != sizes:
        raise Invalid("The file is incomplete: %(received)s of %(parts)s parts were received.", "part",
                      code="send.file_incomplete", received=send.file_parts, parts=len(sizes))
    send.file_state = "ready"
    uow.add(send)
    uow.commit()
    return send


def delete_send(uow, store, send: Send, context: dict) -> None:
    """Delete the parts first, then the row and its event in one transaction: a crash in between leaves a
    row whose deletion is simply repeated (deleting missing parts does nothing)."""
    store.delete(send.id)
    uow.session.delete(send)
    uow.publish(send_event("deleted", send, context))
    uow.commit()


def due_for_deletion(now: datetime):
    """Sends past their deletion date, and uploads abandoned for an hour."""
    return or_(Send.deletion_date <= now, (Send.file_state == "uploading") & (Send.created_at <= now - STALE_UPLOAD))


def purge_sends(open_uow, store, now: datetime, batch: int = 100) -> int:
    """Delete every Send due for deletion (the worker's chore), each in its own transaction; how many."""
    deleted = 0
    while True:
        with open_uow() as uow:
            due = list(uow.scalars(select(Send.id).where(due_for_deletion(now)).order_by(Send.deletion_date)
                                   .limit(batch)))
        for send_id in due:
            with open_uow() as uow:
                send = uow.first(select(Send).where(Send.id == send_id, due_for_deletion(now)))
                if send is not None:  # edited meanwhile to live longer: left alone
                    delete_send(uow, store, send, {})
                    deleted += 1
        if len(due) < batch:
            return deleted
