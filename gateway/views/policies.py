"""An organization's policies (Admin Console → Policies)."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("policies", __name__)
