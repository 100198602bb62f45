"""The audit service's app factory."""
from __future__ import annotations

from services.common.config import Settings
from services.common.service_app import create_service_app

from . import models
from .api import bp


def create_app(settings: Settings | None = None):
    """The audit service, configured from the environment unless `settings` is given."""
    return create_service_app("audit", settings or Settings.from_env("audit"), models, bp)
