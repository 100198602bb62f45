"""The shapes of a refusal, shared by every service's domain errors.

A service's domain raises its own named errors (`SeatLimitReached`, `NotAMember`), each a
subclass of one of these; the service's API turns them into a status and a message a
person can act on, and the gateway shows that message next to the field it names.
"""
from __future__ import annotations


class DomainError(Exception):
    """A rule of the domain refused the request; nothing was changed."""

    status = 400

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field

    def as_json(self) -> dict:
        """The error as the services' JSON error body."""
        return {"message": self.message, "field": self.field, "error": type(self).__name__}


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

    def __init__(self, message: str, retry_after: int):
        super().__init__(message)
        self.retry_after = retry_after


class Unavailable(DomainError):
    """Another part of the system needed for this answer is not answering."""

    status = 503
