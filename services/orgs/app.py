"""The orgs service's app factory."""
from __future__ import annotations

from services.common.config import Settings
from services.common.service_app import create_service_app

from . import models
from .api import bp


def create_app(settings: Settings | None = None):
    """The orgs service, configured from the environment unless `settings` is given."""
    settings = settings or Settings.from_env("orgs")
    # An import of thousands of sealed items is one request, so one transaction: as large as a file
    # at the import limits once sealed (the gateway checks the same bound before sending).
    return create_service_app("orgs", settings, models, bp,
                              large_bodies={"orgs.import_items": settings.import_limits.sealed_bytes})
