"""provider policies

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-01 15:30:00

Policies a provider sets for all its clients (ADR 28), and each client's count of members not
meeting them, kept for the Clients table's Compliance column (0 until orgs' worker counts them).
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision: str = '0014'
down_revision: Union[str, Sequence[str], None] = '0013'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Create provider_policies and add organizations.non_compliant_members."""
    text, stamp = sqlmodel.sql.sqltypes.AutoString, sqlmodel.sql.sqltypes.UTCDateTime
    op.create_table('provider_policies',
    sa.Column('provider_id', text(length=36), nullable=False),
    sa.Column('type', text(length=40), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('settings', sa.JSON(), nullable=False),
    sa.Column('updated_at', stamp(), nullable=False),
    sa.ForeignKeyConstraint(['provider_id'], ['providers.id'], ),
    sa.PrimaryKeyConstraint('provider_id', 'type')
    )
    op.add_column('organizations', sa.Column('non_compliant_members', sa.Integer(), server_default='0',
                                             nullable=False))


def downgrade() -> None:
    """Drop them again."""
    op.drop_column('organizations', 'non_compliant_members')
    op.drop_table('provider_policies')
