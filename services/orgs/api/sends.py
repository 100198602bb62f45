"""Sends: the creator's calls (list, create, edit, delete, upload a file's parts) and the recipient's
two anonymous ones (open, download). The API the gateway calls is ADR 19's addendum."""
from __future__ import annotations

from flask import Response, current_app, request
from pydantic import Field

from services.common.errors import Invalid
from services.common.schemas import StrictBody, StrictQuery
from services.common.service_app import acting_user, event_context, settings, unit_of_work

from .. import domain
from ..domain import send_access, send_files, sends
from . import bp

TEXT = 5000  # a bound on any sealed field's size; the domain's EncString check is the rule


class SendEditIn(StrictBody):
    name: str = Field(default="", max_length=TEXT)
    notes: str | None = Field(default=None, max_length=TEXT)
    key: str = Field(default="", max_length=TEXT)
    text: str | None = Field(default=None, max_length=TEXT)
    text_hidden: bool = False
    file_name: str | None = Field(default=None, max_length=TEXT)
    password_proof: str | None = Field(default=None, max_length=100)
    max_access_count: int | None = None
    expiration_date: str | None = Field(default=None, max_length=40)
    deletion_date: str | None = Field(default=None, max_length=40)
    disabled: bool = False
    hide_email: bool = False


class SendIn(SendEditIn):
    type: str = Field(max_length=10)
    access_token: str = Field(default="", max_length=100)
    file_size: int | None = None
    file_prefix: str | None = Field(default=None, max_length=20)


class SendQuery(StrictQuery):
    after: str = Field(default="", max_length=domain.MAX_CURSOR)
    type: str = Field(default="", max_length=10)
    status: str = Field(default="", max_length=20)
    organization_id: str = Field(default="", max_length=36)
    all: bool = False  # noqa: A003 - the addendum's name for "every live Send, for search"


class ProofIn(StrictBody):
    access_token: str | None = Field(default=None, max_length=100)
    password_proof: str | None = Field(default=None, max_length=100)


def now():
    """The service's clock (tests move it; a running server's never moves)."""
    return current_app.extensions["clock"]()


def store():
    """Where this service keeps the parts of file Sends."""
    return current_app.extensions["send_store"]


def _date(value) -> str | None:
    return value.isoformat() if value else None


def send_json(send) -> dict:
    """A Send as its creator sees it (texts still sealed)."""
    return {"send_id": send.id, "organization_id": send.organization_id, "type": send.type, "name": send.name,
            "notes": send.notes, "key": send.key, "text": send.text, "text_hidden": send.text_hidden,
            "file_name": send.file_name, "file_size": send.file_size, "file_prefix": send.file_prefix,
            "file_state": send.file_state,
            "has_password": send.password_hash is not None, "max_access_count": send.max_access_count,
            "access_count": send.access_count, "expiration_date": _date(send.expiration_date),
            "deletion_date": _date(send.deletion_date), "disabled": send.disabled, "hide_email": send.hide_email,
            "status": sends.send_status(send, now()), "created_at": _date(send.created_at),
            "updated_at": _date(send.updated_at)}


def _draft(body: SendEditIn, **more) -> sends.SendDraft:
    return sends.SendDraft(**body.model_dump(), **more)


@bp.get("/sends")
@bp.input(SendQuery, location="query")
def list_sends(query_data: SendQuery):
    """The caller's own Sends across organizations, newest change first, and what policies allow them."""
    with unit_of_work() as uow:
        page = sends.list_sends(uow, acting_user(), now(), query_data.after, query_data.type, query_data.status,
                                query_data.organization_id, every=query_data.all)
        return {"sends": [send_json(s) for s in page.sends], "next": page.next,
                "policy": sends.send_policy(uow, acting_user())}


@bp.get("/sends/policy")
def send_policy():
    """Whether policies stop the caller from sending, or from hiding their email address."""
    with unit_of_work() as uow:
        return sends.send_policy(uow, acting_user())


@bp.post("/organizations/<organization_id>/sends")
@bp.input(SendIn)
def create_send(organization_id: str, json_data: SendIn):
    """A new Send of the caller's in an organization they belong to (a file one then takes its parts)."""
    with unit_of_work() as uow:
        send = sends.create_send(uow, acting_user(), organization_id, _draft(json_data), event_context(), now(),
                                 settings().send_max_file_bytes)
        return send_json(send), 201


@bp.get("/sends/<send_id>")
def get_send(send_id: str):
    """One of the caller's Sends."""
    with unit_of_work() as uow:
        return send_json(sends.own_send(uow, acting_user(), send_id))


@bp.put("/sends/<send_id>")
@bp.input(SendEditIn)
def edit_send(send_id: str, json_data: SendEditIn):
    """Change a Send's settings and sealed texts; a null password proof keeps the password."""
    with unit_of_work() as uow:
        return send_json(sends.edit_send(uow, acting_user(), send_id, _draft(json_data), event_context(), now()))


@bp.post("/sends/<send_id>/remove-password")
def remove_send_password(send_id: str):
    """Let anyone with the link open the Send."""
    with unit_of_work() as uow:
        return send_json(sends.remove_password(uow, acting_user(), send_id, event_context(), now()))


@bp.delete("/sends/<send_id>")
def delete_send(send_id: str):
    """Delete a Send: its file's parts first, then the row."""
    with unit_of_work() as uow:
        send_files.delete_send(uow, store(), sends.own_send(uow, acting_user(), send_id), event_context())
    return "", 204


@bp.put("/sends/<send_id>/parts/<int:number>")
def put_send_part(send_id: str, number: int):
    """One sealed part of the file, as raw bytes, in order (a large-body endpoint: see app.py)."""
    if request.mimetype != "application/octet-stream":
        raise Invalid("Send a part as application/octet-stream.", "part", code="send.part_content_type")
    with unit_of_work() as uow:
        send_files.put_part(uow, store(), sends.own_send(uow, acting_user(), send_id), number,
                            request.get_data(cache=True))
    return "", 204


@bp.post("/sends/<send_id>/file-ready")
def send_file_ready(send_id: str):
    """Mark the file complete once every part is there with its size."""
    with unit_of_work() as uow:
        send = sends.own_send(uow, acting_user(), send_id)
        return send_json(send_files.finish_upload(uow, store(), send, now()))


@bp.post("/sends/<send_id>/access")
@bp.input(ProofIn)
def access_send(send_id: str, json_data: ProofIn):
    """What a recipient opens (anonymous): a text Send counts an access here, a file Send at download."""
    with unit_of_work() as uow:
        send = send_access.access_send(uow, send_id, json_data.access_token, json_data.password_proof,
                                       event_context(), now())
    file = {"name": send.file_name, "size": send.file_size, "parts": send_files.expected_parts(send),
            "prefix": send.file_prefix, "chunk_size": send_files.CHUNK_SIZE} if send.type == "file" else None
    return {"send_id": send.id, "type": send.type, "name": send.name, "text": send.text,
            "text_hidden": send.text_hidden, "file": file, "expiration_date": _date(send.expiration_date),
            "creator_email": send.creator_email}


@bp.post("/sends/<send_id>/download")
@bp.input(ProofIn)
def download_send(send_id: str, json_data: ProofIn):
    """A file Send's ciphertext, streamed part by part once its access is counted (anonymous)."""
    with unit_of_work() as uow:
        send = send_access.download_send(uow, send_id, json_data.access_token, json_data.password_proof,
                                         event_context(), now())
    blocks = store().iter_parts(send.id, send_files.expected_parts(send))
    return Response(blocks, mimetype="application/octet-stream",
                    headers={"Content-Length": str(send_files.ciphertext_size(send.file_size or 0))})
