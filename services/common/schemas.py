"""The base of every service's request models."""
from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class StrictBody(BaseModel):
    """A JSON body: unknown fields and loosely typed values are errors, not silently coerced."""

    model_config = ConfigDict(extra="forbid", strict=True)


class StrictQuery(BaseModel):
    """A query string: unknown parameters are errors (values arrive as text and are parsed)."""

    model_config = ConfigDict(extra="forbid")
