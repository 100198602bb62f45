"""The CloudEvents 1.0 envelope (structured JSON) every event travels in."""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone

from cloudevents.core.exceptions import BaseCloudEventException
from cloudevents.core.formats.json import JSONFormat
from cloudevents.core.v1.event import CloudEvent

from .catalogue import spec_for

EXTENSIONS = ("orgid", "providerid", "actorid", "ip", "devicetype", "traceparent")
_FORMAT = JSONFormat()


class MalformedEvent(ValueError):
    """A message on the bus that is not one of our CloudEvents."""


@dataclass(frozen=True)
class Event:
    """A domain event: something that happened, in the past tense."""

    type: str
    data: dict
    subject: str = ""
    orgid: str | None = None
    providerid: str | None = None
    actorid: str | None = None
    ip: str | None = None
    devicetype: str | None = None
    traceparent: str | None = None
    id: str = field(default_factory=lambda: str(uuid.uuid4()))
    time: datetime = field(default_factory=lambda: datetime.now(timezone.utc))
    # The bytes it arrived as, when it was read from the bus: passed on as they are (audit's copies).
    raw: bytes | None = field(default=None, repr=False, compare=False)

    @property
    def spec(self):
        """The catalogue entry of this event."""
        return spec_for(self.type)

    def to_json(self) -> bytes:
        """This event as a structured-mode CloudEvents JSON document."""
        spec = self.spec
        attributes = {
            "id": self.id,
            "source": spec.source,
            "type": self.type,
            "specversion": "1.0",
            "time": self.time,
            "datacontenttype": "application/json",
        }
        if self.subject:
            attributes["subject"] = self.subject
        for name in EXTENSIONS:
            value = getattr(self, name)
            if value is not None:
                attributes[name] = str(value)
        return _FORMAT.write(CloudEvent(attributes=attributes, data=self.data))

    def as_published(self) -> bytes:
        """This event as its producer published it: the bytes it was read from, else `to_json()`."""
        return self.raw if self.raw is not None else self.to_json()

    @classmethod
    def from_json(cls, raw: bytes) -> "Event":
        """Parse a structured CloudEvent; MalformedEvent if it is not one of ours."""
        try:
            event = _FORMAT.read(None, raw)
            attributes = event.get_attributes()
            spec_for(attributes["type"])
        except (BaseCloudEventException, ValueError, KeyError, TypeError, AttributeError) as error:
            raise MalformedEvent(f"not a Custodian event: {error}") from error
        if attributes.get("specversion") != "1.0":
            raise MalformedEvent("not a CloudEvents 1.0 event")  # the SDK's reader takes any version as 1.0
        if any(not isinstance(attributes.get(name, ""), str) for name in ("subject", *EXTENSIONS)):
            raise MalformedEvent("its subject and extensions must be strings")
        data = event.get_data()
        if not isinstance(data, dict):
            raise MalformedEvent("event data must be a JSON object")
        time = attributes.get("time") or datetime.now(timezone.utc)
        return cls(
            type=attributes["type"],
            data=data,
            subject=attributes.get("subject") or "",
            id=attributes["id"],
            time=time,
            raw=bytes(raw),
            **{name: attributes.get(name) for name in EXTENSIONS},
        )
