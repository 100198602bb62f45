"""Master passwords: a user changing their own, and an administrator's account recovery."""
from __future__ import annotations

from . import bp  # noqa: F401 - views are registered on bp
