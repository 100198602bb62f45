"""sends

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 12:00:00

The `send` table of ADR 19: one row per Send, its texts sealed under a key only the link
carries, its file's parts kept outside the database (the SendStore).
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision: str = '0011'
down_revision: Union[str, Sequence[str], None] = '0010'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Create the send table and its two indexes."""
    text, stamp = sqlmodel.sql.sqltypes.AutoString, sqlmodel.sql.sqltypes.UTCDateTime
    op.create_table('send',
    sa.Column('id', text(length=22), nullable=False),
    sa.Column('owner_user_id', text(length=36), nullable=False),
    sa.Column('organization_id', text(length=36), nullable=False),
    sa.Column('type', text(length=10), nullable=False),
    sa.Column('name', text(length=4000), nullable=False),
    sa.Column('notes', text(length=4000), nullable=True),
    sa.Column('key', text(length=4000), nullable=False),
    sa.Column('text', text(length=4000), nullable=True),
    sa.Column('file_name', text(length=4000), nullable=True),
    sa.Column('text_hidden', sa.Boolean(), nullable=False),
    sa.Column('file_prefix', text(length=12), nullable=True),
    sa.Column('file_size', sa.BigInteger(), nullable=True),
    sa.Column('file_parts', sa.Integer(), server_default='0', nullable=False),
    sa.Column('file_state', text(length=10), nullable=False),
    sa.Column('password_hash', text(length=200), nullable=True),
    sa.Column('access_token_hash', text(length=64), nullable=False),
    sa.Column('max_access_count', sa.Integer(), nullable=True),
    sa.Column('access_count', sa.Integer(), server_default='0', nullable=False),
    sa.Column('expiration_date', stamp(), nullable=True),
    sa.Column('deletion_date', stamp(), nullable=False),
    sa.Column('disabled', sa.Boolean(), nullable=False),
    sa.Column('hide_email', sa.Boolean(), nullable=False),
    sa.Column('creator_email', text(length=256), nullable=True),
    sa.Column('failed_passwords', sa.Integer(), server_default='0', nullable=False),
    sa.Column('locked_until', stamp(), nullable=True),
    sa.Column('created_at', stamp(), nullable=False),
    sa.Column('updated_at', stamp(), nullable=False),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_send_owner_updated', 'send', ['owner_user_id', 'updated_at', 'id'])
    op.create_index('ix_send_deletion_date', 'send', ['deletion_date'])


def downgrade() -> None:
    """Drop the send table (the store's parts are not the database's to remove)."""
    op.drop_index('ix_send_deletion_date', table_name='send')
    op.drop_index('ix_send_owner_updated', table_name='send')
    op.drop_table('send')
