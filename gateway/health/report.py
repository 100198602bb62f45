"""One organization's health, made of every report, and the provider's summary over its clients.

Runs in a report thread (`runs.py`) with the request's context: it lists and opens the items
exactly as the vault pages do (`Vault.stored_items`, `open_item`), analyses them, asks the
range source about their passwords, and keeps only rows naming items.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone

from flask import current_app
from flask_babel import gettext as _

from werkzeug.exceptions import HTTPException

from services.common.internal_http import ServiceError

from ..backends import orgs
from ..vault_items import opened_text, open_item
from ..vaults import Vault, organization_vault
from .analysis import ItemRef, VaultAnalysis, analyse
from .exposed import Exposure, RangeSourceDown, exposures, range_source
from .runs import Run
from .two_factor_directory import directory

REPORTS = ("exposed", "reused", "weak", "unsecured", "inactive_two_factor", "member_access")
VAULT_REPORTS = REPORTS[:-1]


@dataclass(frozen=True)
class ExposedRow:
    item: ItemRef
    exposure: Exposure


@dataclass
class OrganizationHealth:
    """Every report of one organization, as one reader may see it, at one moment."""

    organization_id: str
    organization_name: str
    key_opens: bool = True
    item_count: int = 0
    vault: VaultAnalysis = field(default_factory=VaultAnalysis)
    exposed: list[ExposedRow] = field(default_factory=list)
    exposed_down: bool = False  # the range source did not answer: the exposed report says so
    members: list[dict] | None = None  # None when orgs refused the member access report
    made_at: datetime = field(default_factory=lambda: datetime.now(timezone.utc))

    def count(self, report: str) -> int | None:
        """The number a report's card shows; None when it could not be made."""
        if not self.key_opens and report != "member_access":
            return None
        if report == "exposed":
            return None if self.exposed_down else len(self.exposed)
        if report == "reused":
            return len(self.vault.reused)
        if report == "member_access":
            return None if self.members is None else len(self.members)
        return len(getattr(self.vault, report))


def check_organization(vault: Vault, name: str, run: Run | None = None,
                       range_down: bool = False) -> OrganizationHealth:
    """Every report of the organization `vault` opens, made now (progress told to `run`); with
    `range_down` (the source failed a moment ago) the exposed check is not tried again."""
    health = OrganizationHealth(vault.organization_id, name, key_opens=vault.key is not None)
    try:
        health.members = member_rows(vault)
    except ServiceError:
        health.members = None  # orgs refused: the member access report says it is not available
    if vault.key is None:
        return health
    stored = vault.stored_items()
    items = []
    for done, item in enumerate(stored, start=1):
        items.append(open_item(vault.key, item))
        if run and done % 50 == 0:
            run.advance(_("Opening items"), done, len(stored))
    health.item_count = len(items)
    names = vault.group_names()
    health.vault, by_password = analyse(items, names, directory(), progress=_told(run, _("Checking passwords")))
    source_setting = current_app.extensions["settings"].pwned_range_source
    if range_down:
        health.exposed_down = True
        return health
    try:
        found = exposures(by_password, range_source(source_setting), source_setting,
                          progress=_told(run, _("Asking about exposed passwords")))
    except RangeSourceDown:
        health.exposed_down = True
    else:
        health.exposed = sorted((ExposedRow(ref, exposure) for password, exposure in found.items()
                                 for ref in by_password[password]),
                                key=lambda row: (-row.exposure.number if row.exposure.measure == "count"
                                                 else row.exposure.number, row.item.name.lower()))
    return health


def _told(run: Run | None, phase: str):
    if run is None:
        return None
    return lambda done, total: run.advance(phase, done, total)


def member_rows(vault: Vault) -> list[dict]:
    """The member access report's rows, collection names opened (when the reader holds the key)."""
    rows = orgs().member_access(vault.organization_id)
    for row in rows:
        for collection in row["collections"]:
            collection["name"] = opened_text(vault.key, collection.pop("encrypted_name")) if vault.key else ""
        row["collections"].sort(key=lambda c: c["name"].lower())
    return rows


def organization_health(organization_id: str, name: str, run: Run) -> OrganizationHealth:
    """The work of an organization's report run."""
    return check_organization(organization_vault(organization_id), name, run)


def all_clients(provider_id: str) -> list[dict]:
    """Every client of the provider (the Clients table's pages, walked to the end)."""
    found, after = [], ""
    while True:
        page = orgs().clients(provider_id, sort="name", direction="asc", q="", after=after, before="")
        found.extend(page["clients"])
        if not page["next"]:
            return found
        after = page["next"]


def provider_summary(provider_id: str, run: Run, keep) -> list[OrganizationHealth]:
    """Every client's health, each also kept through `keep(organization_id, health)` so that opening a client's report is instant."""
    clients = all_clients(provider_id)
    summary: list[OrganizationHealth] = []
    for done, client in enumerate(clients):
        run.advance(_("Checking %(name)s", name=client["name"]), done, len(clients))
        range_down = any(h.exposed_down for h in summary)  # a source that failed is not waited for once per client
        try:
            health = check_organization(organization_vault(client["organization_id"]), client["name"],
                                        range_down=range_down)
        except (ServiceError, HTTPException):  # unlinked meanwhile, or orgs refused: shown as not open
            health = OrganizationHealth(client["organization_id"], client["name"], key_opens=False)
        else:
            keep(client["organization_id"], health)
        summary.append(health)
    run.advance(_("Done"), len(clients), len(clients))
    return summary
