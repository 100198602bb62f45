"""integration credentials

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-01 15:00:00

One row per credential of a provider's integrator stream (issue 18, ADR 26): its name, the
SHA-256 of its secret, who made it and when, when it was last used and revoked, and its
per-minute connect counter.
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision: str = '0015'
down_revision: Union[str, Sequence[str], None] = '0014'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Create the integration_credentials table."""
    text, stamp = sqlmodel.sql.sqltypes.AutoString, sqlmodel.sql.sqltypes.UTCDateTime
    op.create_table('integration_credentials',
    sa.Column('id', text(length=36), nullable=False),
    sa.Column('provider_id', text(length=36), nullable=False),
    sa.Column('name', text(length=50), nullable=False),
    sa.Column('secret_sha256', text(length=64), nullable=False),
    sa.Column('created_by', text(length=36), nullable=False),
    sa.Column('created_at', stamp(), nullable=False),
    sa.Column('last_used_at', stamp(), nullable=True),
    sa.Column('revoked_at', stamp(), nullable=True),
    sa.Column('window_start', stamp(), nullable=True),
    sa.Column('window_calls', sa.Integer(), server_default='0', nullable=False),
    sa.ForeignKeyConstraint(['provider_id'], ['providers.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('integration_credentials', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_integration_credentials_provider_id'), ['provider_id'], unique=False)


def downgrade() -> None:
    """Drop the integration_credentials table."""
    with op.batch_alter_table('integration_credentials', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_integration_credentials_provider_id'))
    op.drop_table('integration_credentials')
