"""The shapes of a refusal, shared by every service's domain errors.

A service's domain raises its own named errors (`SeatLimitReached`, `NotAMember`), each a
subclass of one of these; the service's API turns them into a status and a body the
gateway can show next to the field it names.

Every refusal has a stable `code` (a short dotted identifier such as `seats.below_used`) and
keyword `params` (numbers, names, addresses); its English `message` is rendered from one
template with `%(param)s` placeholders. The gateway shows the refusal in the user's language
by looking the code up in its one translated table (`gateway/refusals.py`), formatting the
params in: the English message is for logs, API clients and tests, never translated as such.
"""
from __future__ import annotations

from typing import Any

CODE_PATTERN = r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$"


def render(template: str, params: dict[str, Any]) -> str:
    """`template` with `params` formatted in as English shows them (whole numbers grouped by thousands:
    3,650)."""
    if not params:
        return template
    return template % {name: _shown(value) for name, value in params.items()}


def _shown(value: Any) -> Any:
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 1000:
        return f"{value:,}"
    if isinstance(value, dict) and "message" in value:  # a refusal given as the reason of another
        return value["message"]
    return value


class DomainError(Exception):
    """A rule of the domain refused the request; nothing was changed.

    Raised as `Invalid("Seats must be between %(low)s and %(high)s.", "seats", code="seats.out_of_range",
    low=1, high=10_000)`; a subclass with one meaning sets `code` (and `template`) once for all its raises.
    """

    status = 400
    code: str | None = None
    template: str | None = None

    def __init__(self, message: str | None = None, field: str | None = None, *, code: str | None = None,
                 **params: Any):
        template = message if message is not None else type(self).template
        if template is None:
            raise TypeError(f"{type(self).__name__} needs a message")
        self.template = template
        self.params = params
        self.message = render(template, params)
        self.code = code or type(self).code or type(self).__name__
        self.field = field
        super().__init__(self.message)

    @classmethod
    def relayed(cls, message: str, field: str | None, code: str, params: dict | None) -> "DomainError":
        """Another service's refusal raised again as ours: its message already rendered, code and params kept."""
        error = cls.__new__(cls)
        Exception.__init__(error, message)
        error.template, error.message, error.field = message, message, field
        error.code, error.params = code or "refusal.unknown", dict(params or {})
        return error

    def as_reason(self) -> dict:
        """The refusal as a param of another (`Entry %(number)s: %(reason)s`): the gateway translates it too."""
        return {"code": self.code, "params": self.params, "message": self.message}

    def as_json(self) -> dict:
        """The error as the services' JSON error body."""
        return {"message": self.message, "field": self.field, "error": type(self).__name__,
                "code": self.code, "params": self.params}


class Invalid(DomainError):
    """The input breaks a rule (too long, out of range, already used)."""

    status = 422


class NotFound(DomainError):
    """No such thing, or not one the caller may know exists."""

    status = 404


class Forbidden(DomainError):
    """The caller is known but may not do this."""

    status = 403


class Unauthenticated(DomainError):
    """The caller did not prove who they are."""

    status = 401


class Conflict(DomainError):
    """The request clashes with the current state."""

    status = 409


class TooManyAttempts(DomainError):
    """Slowed down after repeated failures."""

    status = 429

    def __init__(self, message: str | None = None, retry_after: int = 1, *, code: str | None = None, **params: Any):
        super().__init__(message, code=code, **params)
        self.retry_after = retry_after


class Unavailable(DomainError):
    """Another part of the system needed for this answer is not answering."""

    status = 503
