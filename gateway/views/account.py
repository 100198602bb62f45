"""One's own account: changing the master password, and account recovery enrolment."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("account", __name__)
