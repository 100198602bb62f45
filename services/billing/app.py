"""The billing service's app factory."""
from __future__ import annotations

from services.common.config import Settings
from services.common.service_app import create_service_app

from . import models
from .api import bp


def create_app(settings: Settings | None = None):
    """The billing service, configured from the environment unless `settings` is given."""
    return create_service_app("billing", settings or Settings.from_env("billing"), models, bp)
