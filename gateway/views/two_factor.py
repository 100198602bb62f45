"""Two-step login settings: the methods a person turns on for their own account."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("two_factor", __name__)
