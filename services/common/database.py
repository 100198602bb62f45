"""Each service's database: its engine, its outbox and inbox, and the unit of work.

The unit of work is the one place a service changes its database. A domain change and the
events it raises are written in the same transaction (the transactional outbox), so an
event is never published for a change that rolled back, nor lost for one that committed.
"""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Callable

from sqlalchemy import JSON, Column, LargeBinary, event, insert
from sqlalchemy.engine import Engine
from sqlmodel import Field, Session, SQLModel, create_engine, select

from .envelope import Event


def utcnow() -> datetime:
    """Now, in UTC (what every timestamp we store is in)."""
    return datetime.now(timezone.utc)


def make_engine(url: str) -> Engine:
    """An engine for `url`; SQLite gets WAL and a busy timeout so workers and web share it.

    Its errors never show the statement's parameters: they are events, emails and addresses, and
    an error's text reaches the logs."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30}, hide_parameters=True)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5, hide_parameters=True)


def messaging_tables(base: type[SQLModel]):
    """The outbox and inbox tables of the service whose SQLModel base is `base`."""

    class OutboxMessage(base, table=True):
        """An event committed with its change, waiting for the relay to publish it."""

        __tablename__ = "outbox"
        seq: int | None = Field(default=None, primary_key=True)
        event_id: str = Field(index=True, unique=True, max_length=36)
        subject: str = Field(max_length=200)
        payload: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
        created_at: datetime = Field(default_factory=utcnow)
        published_at: datetime | None = Field(default=None, index=True)

    class InboxMessage(base, table=True):
        """An event a consumer has already applied; a redelivery finds it and does nothing."""

        __tablename__ = "inbox"
        consumer: str = Field(primary_key=True, max_length=100)
        event_id: str = Field(primary_key=True, max_length=36)
        processed_at: datetime = Field(default_factory=utcnow)

    return OutboxMessage, InboxMessage


def json_column():
    """A JSON column that works on SQLite and PostgreSQL."""
    return Column(JSON, nullable=False, default=dict)


class UnitOfWork:
    """One transaction: changes and their events commit together or not at all.

    Rolls back unless `commit()` was called, so a failed step leaves nothing half-written.
    `on_events_committed` is called after a commit that wrote events (to wake the relay); it
    must neither wait nor fail, as the change is already made.
    """

    def __init__(self, engine: Engine, outbox_model, on_events_committed: Callable[[], None] | None = None):
        self._engine = engine
        self._outbox_model = outbox_model
        self._on_events_committed = on_events_committed
        self._events_written = False
        self.session: Session | None = None

    def __enter__(self) -> "UnitOfWork":
        self.session = Session(self._engine, expire_on_commit=False)
        return self

    def __exit__(self, *exc_info):
        # close() rolls back whatever was not committed, and unlike rollback() it leaves the
        # rows already read usable by the caller.
        self.session.close()

    def publish(self, event: Event) -> None:
        """Record `event` in the outbox of this transaction."""
        self.session.add(
            self._outbox_model(event_id=event.id, subject=event.spec.subject, payload=event.to_json())
        )
        self._events_written = True

    def publish_all(self, copies: list[tuple[str, Event]]) -> None:
        """Record each (subject, event) in the outbox of this transaction, in one insert: the relay
        publishes the event on that subject rather than its own (audit's per-provider copies)."""
        if copies:
            now = utcnow()
            self.session.execute(insert(self._outbox_model.__table__), [
                {"event_id": event.id, "subject": subject, "payload": event.as_published(),
                 "created_at": now} for subject, event in copies])
            self._events_written = True

    def commit(self) -> None:
        """Make the changes and their events durable."""
        self.session.commit()
        if self._events_written and self._on_events_committed is not None:
            self._events_written = False
            self._on_events_committed()

    def add(self, row) -> None:
        """Stage a new or changed row."""
        self.session.add(row)

    def flush(self) -> None:
        """Send staged rows to the database without committing (to get ids, hit constraints)."""
        self.session.flush()

    def get(self, model, key):
        """The row of `model` with primary key `key`, or None."""
        return self.session.get(model, key)

    def scalars(self, statement):
        """The scalar results of a select statement."""
        return self.session.exec(statement)

    def first(self, statement):
        """The first result of a select statement, or None."""
        return self.session.exec(statement).first()


def pending_outbox(session: Session, outbox_model, limit: int = 100):
    """Unpublished outbox rows (seq, event_id, subject, payload), oldest first; other relays skip rows locked by
    this one. Columns, not rows of the model: a relay reads hundreds at a time and needs nothing else."""
    statement = (
        select(outbox_model.seq, outbox_model.event_id, outbox_model.subject, outbox_model.payload)
        .where(outbox_model.published_at.is_(None))
        .order_by(outbox_model.seq)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return list(session.exec(statement))
