"""Keyset paging of the orgs lists (Clients, Members, Sends): the shared machinery in `services.common.paging`."""
from __future__ import annotations

from services.common.paging import MAX_CURSOR, BadCursor, Ordering, Window, beyond, window

__all__ = ["MAX_CURSOR", "BadCursor", "Ordering", "Window", "beyond", "window"]
