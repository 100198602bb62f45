"""Import data into an organization's vault, export it, and the help page for importing.

The file is read here, in memory, and never written anywhere: Preview shows what the import
will create; Import reads the same file again, seals every item with the org key and sends
the lot to orgs, which stores all of it in one transaction or none of it. Folders and
collections named in the file become collections (found by name, or created).
"""
from __future__ import annotations

from datetime import date

from flask import Blueprint, current_app, make_response, redirect, request, url_for
from flask_babel import gettext as _, lazy_gettext as _l
from werkzeug.exceptions import RequestEntityTooLarge

from services.common.config import ImportLimits
from services.common.internal_http import BodyTooLarge, NotFound, ServiceError

from ..access import login_required
from ..backends import orgs
from ..refusals import refusal_text
from ..render import render, see_other
from ..transfer import FORMATS, Detection, ImportRefused, PasswordNeeded, check_size, detect, export_csv, \
    export_encrypted_json, export_json, parse, too_large
from ..transfer.sources import SOURCES
from ..vault_items import open_item, opened_text, sealed_import
from ..vaults import Vault, organization_vault, personal_vault

bp = Blueprint("transfer", __name__)
UNKNOWN_FORMAT = _l("This file is not one of the formats we read; choose the format from the list.")
LARGE_UPLOADS = {"transfer.import_items", "transfer.import_my_items"}  # only import takes a whole vault
PREVIEW_ROWS = 50
DRAIN_FACTOR = 4  # how many upload limits of a refused body are read (and dropped) before answering
EXPORT_FORMATS = ("json", "encrypted_json", "csv")
MIN_FILE_PASSWORD = 12


def import_limits() -> ImportLimits:
    """The limits of one import, as this process was configured."""
    return current_app.extensions["settings"].import_limits


def _refusal_text(refusal: ImportRefused) -> str:
    reason = _(refusal.template, **refusal.values) if refusal.values else _(refusal.template)
    if refusal.line:
        reason = _("Line %(line)s: %(reason)s", line=refusal.line, reason=reason)
    elif refusal.entry:
        reason = _("Entry %(entry)s: %(reason)s", entry=refusal.entry, reason=reason)
    return _("%(file)s: %(reason)s", file=refusal.member, reason=reason) if refusal.member else reason


def _read_upload() -> tuple[list[dict] | None, str | None, Detection | None]:
    """The items of the uploaded file, or what is wrong with it; and the format it was read as, and how
    that format was chosen (by hand: certain; from the content: certain; from the file name only: not)."""
    upload = request.files.get("file")
    chosen = request.form.get("format", "")
    by_hand = Detection(chosen, certain=True) if chosen in FORMATS else None
    if upload is None or not upload.filename:
        return None, _("Choose the file to import."), by_hand
    limits = import_limits()
    content = upload.read(limits.file_bytes + 1)
    try:
        check_size(content, limits)
    except ImportRefused as refusal:
        return None, _refusal_text(refusal), by_hand
    detection = by_hand or detect(upload.filename, content)
    if detection is None:
        return None, UNKNOWN_FORMAT, None
    try:
        return parse(detection.format_id, content, request.form.get("file_password") or None, limits), None, \
            detection
    except PasswordNeeded:
        return None, _("This file is protected by a password: enter the file password."), detection
    except ImportRefused as refusal:
        return None, _refusal_text(refusal), detection


def _page(vault: Vault, status: int = 200, form=None, **context):
    return render("pages/import.html", "partials/import_preview.html", status=status, vault=vault,
                  formats=FORMATS, groups=vault.groups(), form=request.form if form is None else form,
                  limits=import_limits(), **vault.context, **context)


@bp.errorhandler(RequestEntityTooLarge)
@login_required
def upload_too_large(_error):
    """A file over the limit gets the Import page back saying so (the body was never read)."""
    limits = import_limits()
    _drain(request.environ["wsgi.input"], min(request.content_length or 0, DRAIN_FACTOR * limits.upload_bytes))
    vault = organization_vault(request.view_args["organization_id"])
    return _page(vault, 413, form={}, error=_refusal_text(too_large(limits)))


def _drain(stream, size: int) -> None:
    # An answer sent while the upload is still arriving is lost to a reset connection: the body is
    # read and dropped first (up to a bound, so that an endless body is not read for ever).
    while size > 0 and (chunk := stream.read(min(size, 64 * 1024))):
        size -= len(chunk)


@bp.route("/vault/import", methods=["GET", "POST"], endpoint="import_my_items")
@bp.route("/organizations/<organization_id>/vault/import", methods=["GET", "POST"])
@login_required
def import_items(organization_id: str | None = None):
    """The Import data page (an organization's, or Password Manager → Tools → Import data for one's
    own): choose a destination, a format and a file; preview; import."""
    vault = personal_vault() if organization_id is None else organization_vault(organization_id)
    if request.method == "GET":
        return _page(vault)
    if vault.key is None:
        return _page(vault, 422, error=_("You hold no key of this organization, so you cannot import into it."))
    items, error, detection = _read_upload()
    if error:
        return _page(vault, 422, error=error, unknown_format=error is UNKNOWN_FORMAT)
    if request.form.get("intent") != "import":
        counts = {kind: sum(1 for i in items if i["type"] == kind) for kind in ("login", "note", "card", "identity")}
        return _page(vault, preview=items[:PREVIEW_ROWS], total=len(items), counts=counts, detection=detection,
                     chosen_by_hand=request.form.get("format", "") in FORMATS)
    try:
        count = _import(vault, items, request.form.get("collection_id") or None)
    except BodyTooLarge:
        return _page(vault, 422, error=_("Encrypted, the items of this file are too large to import at once: "
                                         "split it into smaller files."))
    except ServiceError as refusal:
        if isinstance(refusal, NotFound):
            raise
        return _page(vault, 422, error=refusal_text(refusal))
    return see_other(vault.url("vault"), toast=_("%(count)s items were imported.", count=count))


def _import(vault: Vault, items: list[dict], collection_id: str | None) -> int:
    """Seal every item with the org key and send them all to orgs in one request (one transaction)."""
    by_name = {name: collection_id_ for collection_id_, name in vault.group_names().items()}
    body = {"collection_id": collection_id, **sealed_import(vault.key, items, by_name)}
    # Measured as it is sent, so that orgs is never sent a body it would cut off with a bare 413
    # (a file of many tiny fields, inside the file limits, can outgrow it once sealed).
    return orgs().import_items(vault.organization_id, body, timeout=120,
                               max_body=import_limits().sealed_bytes)["imported"]


@bp.route("/vault/export", methods=["GET", "POST"], endpoint="export_my_items")
@bp.route("/organizations/<organization_id>/vault/export", methods=["GET", "POST"])
@login_required
def export_items(organization_id: str | None = None):
    """The Export vault page (an organization's, or Password Manager → Tools → Export vault for one's
    own), and the file it makes: Bitwarden JSON, password-protected JSON, or CSV."""
    vault = personal_vault() if organization_id is None else organization_vault(organization_id)
    error = None
    if request.method == "POST":
        chosen = request.form.get("format", "json")
        password = request.form.get("file_password", "")
        if chosen not in EXPORT_FORMATS:
            error = _("Choose a file format from the list.")
        elif chosen == "encrypted_json" and len(password) < MIN_FILE_PASSWORD:
            error = _("The file password must be at least %(count)s characters.", count=MIN_FILE_PASSWORD)
        elif chosen == "encrypted_json" and password != request.form.get("file_password_again", ""):
            error = _("The two file passwords are not the same.")
        elif vault.key is None:
            error = _("You hold no key of this organization, so its items cannot be exported.")
        else:
            try:
                return _export_file(vault, chosen, password)
            except ServiceError as refusal:
                if isinstance(refusal, NotFound):
                    raise
                error = refusal_text(refusal)
    return render("pages/export.html", "pages/export.html", status=422 if error else 200, vault=vault,
                  error=error, **vault.context)


def _export_file(vault: Vault, chosen: str, password: str):
    items, collections = _own_items(vault) if vault.personal else _organization_items(vault)
    stamp, kind = date.today().isoformat(), "export" if vault.personal else "org_export"
    if chosen == "csv":
        content, _skipped = export_csv(items, organization=not vault.personal)
        filename, mimetype = f"custodian_{kind}_{stamp}.csv", "text/csv"
    else:
        content = export_encrypted_json(items, collections, password) if chosen == "encrypted_json" \
            else export_json(items, collections)
        filename, mimetype = f"custodian_{kind}_{stamp}.json", "application/json"
    response = make_response(content)
    response.headers["Content-Type"] = f"{mimetype}; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


def _organization_items(vault: Vault) -> tuple[list[dict], list[str]]:
    """The organization's items the reader may see, with their collections' names (the export is logged)."""
    found = orgs().export_items(vault.organization_id)
    names = {c["collection_id"]: opened_text(vault.key, c["encrypted_name"]) for c in found["collections"]}
    items = []
    for stored in found["items"]:
        item = open_item(vault.key, stored)
        item["collections"] = [names[c] for c in item["collection_ids"] if c in names]
        items.append(_without_unseen(item))
    return items, sorted(names.values())


def _own_items(vault: Vault) -> tuple[list[dict], None]:
    """One's own items (not the trash), each with its folder's name: a personal export has no collections."""
    folders = dict(vault.groups())
    items = []
    for stored in orgs().items(vault.base, False)["items"]:
        item = open_item(vault.key, stored)
        item["folder"] = folders.get(stored.get("folder_id") or "", "")
        items.append(item)
    return items, None


def _without_unseen(item: dict) -> dict:
    """An item whose reader may not see some secrets exports them as empty, never as placeholders."""
    for part in ("login", "card", "identity"):
        if isinstance(item.get(part), dict):
            item[part] = {k: ("" if v is None else v) for k, v in item[part].items()}
    item["fields"] = [{**f, "value": f["value"] or ""} for f in item["fields"]]
    return item


@bp.get("/training/import")
def import_help():
    """How to get your data out of another password manager, per source: a page of the training hub."""
    return render("pages/import_help.html", sources=SOURCES)


@bp.get("/help/import")
def old_import_help():
    """Where the import help was before the training hub: bookmarks and old mails still arrive."""
    return redirect(url_for("transfer.import_help", **request.args), 301)
