"""the indexes a keyset-paged event log walks

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01 02:30:00

A page of a provider's or an organization's log, newest first, starts at a (time, id)
cursor: these indexes serve it whatever the log's size. They also serve every lookup by
provider or organization alone, so the single-column indexes go.
"""
from typing import Sequence, Union

from alembic import op


revision: str = '0002'
down_revision: Union[str, Sequence[str], None] = '0001'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Index the log by (provider, time, id) and (organization, time, id)."""
    op.create_index('ix_events_provider_time', 'events', ['provider_id', 'time', 'id'])
    op.create_index('ix_events_organization_time', 'events', ['organization_id', 'time', 'id'])
    op.drop_index('ix_events_provider_id', table_name='events')
    op.drop_index('ix_events_organization_id', table_name='events')


def downgrade() -> None:
    """Back to the single-column indexes."""
    op.create_index('ix_events_organization_id', 'events', ['organization_id'])
    op.create_index('ix_events_provider_id', 'events', ['provider_id'])
    op.drop_index('ix_events_organization_time', table_name='events')
    op.drop_index('ix_events_provider_time', table_name='events')
