"""scoped service users

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01 16:00:00

A Service User limited to chosen clients (issue 18, ADR 27): `provider_users.scoped` and the fingerprint of
the key an admin accepted, and one `provider_user_clients` row per client given, holding that client's org
key wrapped to them. A scoped user holds no provider key (a check constraint says so).
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision: str = '0013'
down_revision: Union[str, Sequence[str], None] = '0012'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Add the scope columns and their checks, and create the grants table."""
    text, stamp = sqlmodel.sql.sqltypes.AutoString, sqlmodel.sql.sqltypes.UTCDateTime
    with op.batch_alter_table('provider_users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('scoped', sa.Boolean(), server_default=sa.text('false'), nullable=False))
        batch_op.add_column(sa.Column('key_fingerprint', text(length=64), nullable=True))
        batch_op.create_check_constraint('ck_provider_users_scoped_role', "NOT scoped OR role = 'service_user'")
        batch_op.create_check_constraint('ck_provider_users_scoped_no_provider_key',
                                         'NOT scoped OR wrapped_provider_key IS NULL')
    op.create_table('provider_user_clients',
    sa.Column('provider_user_id', text(length=36), nullable=False),
    sa.Column('organization_id', text(length=36), nullable=False),
    sa.Column('provider_id', text(length=36), nullable=False),
    sa.Column('wrapped_org_key', text(length=1000), nullable=True),
    sa.Column('granted_by', text(length=36), nullable=False),
    sa.Column('created_at', stamp(), nullable=False),
    sa.ForeignKeyConstraint(['provider_user_id'], ['provider_users.id'],
                            name='fk_provider_user_clients_provider_user_id', ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], ),
    sa.PrimaryKeyConstraint('provider_user_id', 'organization_id')
    )
    op.create_index('ix_provider_user_clients_organization_id', 'provider_user_clients', ['organization_id'])


def downgrade() -> None:
    """Drop the grants table and the scope columns."""
    op.drop_index('ix_provider_user_clients_organization_id', table_name='provider_user_clients')
    op.drop_table('provider_user_clients')
    with op.batch_alter_table('provider_users', schema=None) as batch_op:
        batch_op.drop_constraint('ck_provider_users_scoped_no_provider_key', type_='check')
        batch_op.drop_constraint('ck_provider_users_scoped_role', type_='check')
        batch_op.drop_column('key_fingerprint')
        batch_op.drop_column('scoped')
