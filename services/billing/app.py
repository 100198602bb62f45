"""The billing service's app factory."""
from __future__ import annotations

from services.common.config import Settings
from services.common.database import utcnow
from services.common.service_app import create_service_app

from . import models
from .api import bp


def create_app(settings: Settings | None = None):
    """The billing service, configured from the environment unless `settings` is given."""
    app = create_service_app("billing", settings or Settings.from_env("billing"), models, bp)
    app.extensions["clock"] = utcnow  # what the estimate calls "now"; tests replace it
    return app
