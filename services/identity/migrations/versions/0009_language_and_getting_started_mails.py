"""language and getting started mails

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 15:30:00

The language a person reads the portal in (for the mail identity sends them), and the
"Getting started" emails already handed to the mail server (issue 16).
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision: str = '0009'
down_revision: Union[str, Sequence[str], None] = '0008'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Add users.language and the getting_started_mails table."""
    text, stamp = sqlmodel.sql.sqltypes.AutoString, sqlmodel.sql.sqltypes.UTCDateTime
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('language', text(length=5), nullable=True))
    op.create_table('getting_started_mails',
    sa.Column('event_id', text(length=36), nullable=False),
    sa.Column('email', text(length=256), nullable=False),
    sa.Column('sent_at', stamp(), nullable=False),
    sa.PrimaryKeyConstraint('event_id', 'email')
    )


def downgrade() -> None:
    """Drop them."""
    op.drop_table('getting_started_mails')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('language')
