"""Two-step login: the methods a user turns on, and the second step of a log-in."""
from __future__ import annotations

from . import bp  # noqa: F401 - views are registered on bp
