"""Which websites offer two-step login: a dated snapshot of 2fa.directory bundled with the code.

`data/two_factor_directory.json` records its source, licence and date; the Inactive two-step
login report matches an item's websites against it by registrable domain (`accounts.google.com`
is google.com), as 2fa.directory lists sites.
"""
from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from importlib.resources import files

from ..vault_items import registrable_domain, website_host


@dataclass(frozen=True)
class TwoFactorDirectory:
    """The snapshot: its domains, and where and when it comes from."""

    domains: frozenset[str]
    source: str
    licence: str
    date: str

    def offering(self, uri: str) -> str | None:
        """The listed domain whose website `uri` is on, or None when the snapshot does not list it."""
        host = website_host(uri)
        if not host:
            return None
        domain = registrable_domain(host)
        return domain if domain in self.domains else None


@functools.cache
def directory() -> TwoFactorDirectory:
    """The bundled snapshot, read once per process."""
    data = json.loads(files(__package__).joinpath("data/two_factor_directory.json").read_text(encoding="utf-8"))
    return TwoFactorDirectory(frozenset(d.lower() for d in data["domains"]), data["source"], data["source_licence"],
                              data["snapshot_date"])
