"""The orgs service's app factory."""
from __future__ import annotations

from services.common.config import Settings
from services.common.database import utcnow
from services.common.service_app import create_service_app

from . import models
from .api import bp
from .domain.send_files import PART_SIZE
from .sendstore import send_store_from

# A part's body is read whole to check its signature: one part, with room to spare.
PART_BODY_BYTES = PART_SIZE + 100 * 1024


def create_app(settings: Settings | None = None):
    """The orgs service, configured from the environment unless `settings` is given."""
    settings = settings or Settings.from_env("orgs")
    # An import of thousands of sealed items is one request, so one transaction: as large as a file
    # at the import limits once sealed (the gateway checks the same bound before sending).
    app = create_service_app("orgs", settings, models, bp,
                             large_bodies={"orgs.import_items": settings.import_limits.sealed_bytes,
                                           "orgs.import_my_items": settings.import_limits.sealed_bytes,
                                           "orgs.put_send_part": PART_BODY_BYTES})
    app.extensions["send_store"] = send_store_from(settings)
    app.extensions["clock"] = utcnow  # what the Send rules call "now"; tests replace it
    return app
