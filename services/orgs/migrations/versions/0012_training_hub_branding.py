"""training hub branding

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01 15:00:00

One row per provider that branded its clients' training hub (issue 16): the hub's name, its
support contact and its logo, kept as PNG bytes re-encoded by orgs with a version for its URL.
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision: str = '0012'
down_revision: Union[str, Sequence[str], None] = '0011'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Create the training_hub_brandings table."""
    text, stamp = sqlmodel.sql.sqltypes.AutoString, sqlmodel.sql.sqltypes.UTCDateTime
    op.create_table('training_hub_brandings',
    sa.Column('provider_id', text(length=36), nullable=False),
    sa.Column('hub_name', text(length=50), nullable=True),
    sa.Column('support_email', text(length=256), nullable=True),
    sa.Column('support_url', text(length=300), nullable=True),
    sa.Column('logo_png', sa.LargeBinary(), nullable=True),
    sa.Column('logo_version', text(length=16), nullable=True),
    sa.Column('updated_at', stamp(), nullable=False),
    sa.ForeignKeyConstraint(['provider_id'], ['providers.id'], ),
    sa.PrimaryKeyConstraint('provider_id')
    )


def downgrade() -> None:
    """Drop the training_hub_brandings table."""
    op.drop_table('training_hub_brandings')
