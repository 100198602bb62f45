"""what the filtered event logs, the public API and retention need

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 05:30:00

Each event gets its catalogue group and a lower-cased text of the names and emails it
concerns, filled at ingest (and here for the events already logged), so a filtered page is
still a walk of an index. The users projection names who acted; log_actors lists who acted
in each log (the User filter); api_keys holds each organization's public API key (hashed);
log_settings each organization's retention; the indexes by type and by code go (nothing reads
by them, and each slows ingest). rollup_provider_id files each event under the
provider whose roll-up shows it (client_links: which provider an organization is a client of).
"""
from typing import Sequence, Union

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0003'
down_revision: Union[str, Sequence[str], None] = '0002'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

BACKFILL_CHUNK = 5000


def upgrade() -> None:
    """Add the columns and tables, then fill them for the events already logged."""
    from services.audit.domain.ingest import search_text
    from services.common.catalogue import CATALOGUE

    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('group', sa.String(length=20), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('search', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('rollup_provider_id', sa.String(length=36), nullable=True))
    op.create_table('users',
                    sa.Column('id', sa.String(length=36), primary_key=True),
                    sa.Column('name', sa.String(length=1000), nullable=False),
                    sa.Column('email', sa.String(length=1000), nullable=False))
    op.create_table('client_links',
                    sa.Column('organization_id', sa.String(length=36), primary_key=True),
                    sa.Column('provider_id', sa.String(length=36), nullable=False))
    op.create_table('log_actors',
                    sa.Column('log', sa.String(length=50), primary_key=True),
                    sa.Column('user_id', sa.String(length=36), primary_key=True))
    op.create_table('api_keys',
                    sa.Column('organization_id', sa.String(length=36), primary_key=True),
                    sa.Column('client_id', sa.String(length=60), nullable=False, unique=True),
                    sa.Column('secret_hash', sa.String(length=64), nullable=False),
                    sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
                    sa.Column('rotated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
                    sa.Column('window_start', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
                    sa.Column('window_calls', sa.Integer(), nullable=False))
    op.create_table('log_settings',
                    sa.Column('organization_id', sa.String(length=36), primary_key=True),
                    sa.Column('retention_days', sa.Integer(), nullable=False))

    connection = op.get_bind()
    events = sa.table('events', sa.column('id'), sa.column('type'), sa.column('actor_id'), sa.column('data', sa.JSON),
                      sa.column('group'), sa.column('search'), sa.column('organization_id'),
                      sa.column('provider_id'), sa.column('time', sqlmodel.sql.sqltypes.UTCDateTime()),
                      sa.column('rollup_provider_id'))
    users = sa.table('users', sa.column('id'), sa.column('name'), sa.column('email'))
    for spec in CATALOGUE.values():
        connection.execute(events.update().where(events.c.type == spec.type).values(group=spec.group))
    known = {}
    for data, in connection.execute(sa.select(events.c.data).where(events.c.type == 'user.registered')
                                    .order_by(events.c.time)):
        if data.get('user_id'):
            known[data['user_id']] = (str(data.get('name') or ''), str(data.get('email') or ''))
    if known:
        connection.execute(users.insert(), [{'id': k, 'name': n, 'email': e} for k, (n, e) in known.items()])
    last = ''
    while True:  # in chunks by primary key: a large log is never held in memory at once
        rows = connection.execute(sa.select(events.c.id, events.c.actor_id, events.c.data).where(events.c.id > last)
                                  .order_by(events.c.id).limit(BACKFILL_CHUNK)).all()
        if not rows:
            break
        for event_id, actor_id, data in rows:
            connection.execute(events.update().where(events.c.id == event_id)
                               .values(search=search_text(known.get(actor_id), data or {})))
        last = rows[-1][0]
    _backfill_rollups(connection, events)
    for column, prefix in (('organization_id', 'organization:'), ('provider_id', 'provider:')):
        connection.execute(sa.text(
            f"INSERT INTO log_actors (log, user_id) SELECT DISTINCT '{prefix}' || {column}, actor_id FROM events "
            f"WHERE {column} IS NOT NULL AND actor_id IS NOT NULL"))
    op.create_index('ix_events_organization_group_time', 'events', ['organization_id', 'group', 'time', 'id'])
    op.create_index('ix_events_organization_actor_time', 'events', ['organization_id', 'actor_id', 'time', 'id'])
    op.create_index('ix_events_rollup_time', 'events', ['rollup_provider_id', 'time', 'id'])
    # Nothing reads the log by type or code alone (a group is read through its own index): each
    # index is one more write per event ingested.
    op.drop_index('ix_events_type', table_name='events')
    op.drop_index('ix_events_code', table_name='events')


def _backfill_rollups(connection, events) -> None:
    """File each event under its roll-up provider as ingest now does: the provider it names, else the one its
    organization was a client of when it happened (from the link events already logged), and keep the links."""
    connection.execute(events.update().where(events.c.provider_id.is_not(None))
                       .values(rollup_provider_id=events.c.provider_id))
    links = connection.execute(sa.select(events.c.organization_id, events.c.provider_id, events.c.type, events.c.time)
                               .where(events.c.type.in_(('org.created', 'org.added', 'org.unlinked')),
                                      events.c.organization_id.is_not(None))
                               .order_by(events.c.time, events.c.id)).all()
    current: dict = {}
    spans = []  # (organization, provider, from, until)
    for organization, provider, kind, when in links:
        if organization in current:
            spans.append((organization, *current.pop(organization), when))
        if kind != 'org.unlinked' and provider:
            current[organization] = (provider, when)
    spans.extend((organization, provider, since, None) for organization, (provider, since) in current.items())
    for organization, provider, since, until in spans:
        condition = sa.and_(events.c.organization_id == organization, events.c.rollup_provider_id.is_(None),
                            events.c.time >= since)
        if until is not None:
            condition = sa.and_(condition, events.c.time < until)
        connection.execute(events.update().where(condition).values(rollup_provider_id=provider))
    if current:
        links_table = sa.table('client_links', sa.column('organization_id'), sa.column('provider_id'))
        connection.execute(links_table.insert(), [{'organization_id': organization, 'provider_id': provider}
                                                  for organization, (provider, _since) in current.items()])


def downgrade() -> None:
    """Drop what upgrade added (the keys, settings and projections with it)."""
    op.create_index('ix_events_code', 'events', ['code'])
    op.create_index('ix_events_type', 'events', ['type'])
    op.drop_index('ix_events_rollup_time', table_name='events')
    op.drop_index('ix_events_organization_actor_time', table_name='events')
    op.drop_index('ix_events_organization_group_time', table_name='events')
    op.drop_table('log_settings')
    op.drop_table('api_keys')
    op.drop_table('log_actors')
    op.drop_table('client_links')
    op.drop_table('users')
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_column('rollup_provider_id')
        batch_op.drop_column('search')
        batch_op.drop_column('group')
