"""used seats, client counts and the indexes of the Clients and Members tables

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 02:10:00

The Clients table read every member of every client to count used seats, and sorted on
expressions no index served. Used seats and the managing provider are now kept on the
organization (the provider's client count on the provider), backfilled here from the
members and links that exist, and each sort of the Clients and Members tables has an index.
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0010'
down_revision: Union[str, Sequence[str], None] = '0009'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

SEATED = "('invited', 'accepted', 'confirmed')"


def upgrade() -> None:
    """Add the kept columns, fill them from what is there, and index every sort."""
    with op.batch_alter_table('providers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('client_count', sa.Integer(), server_default='0', nullable=False))
    with op.batch_alter_table('organizations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('used_seats', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('provider_id', sa.String(length=36), nullable=True))
    op.execute(f"UPDATE organizations SET used_seats = (SELECT count(*) FROM members WHERE "
               f"members.organization_id = organizations.id AND members.status IN {SEATED})")
    op.execute("UPDATE organizations SET provider_id = (SELECT provider_organizations.provider_id FROM "
               "provider_organizations WHERE provider_organizations.organization_id = organizations.id)")
    op.execute("UPDATE providers SET client_count = (SELECT count(*) FROM provider_organizations WHERE "
               "provider_organizations.provider_id = providers.id)")
    op.create_index('ix_organizations_provider_seats', 'organizations', ['provider_id', 'seats', 'id'])
    op.create_index('ix_organizations_provider_used_seats', 'organizations', ['provider_id', 'used_seats', 'id'])
    # Generated, so that the index holds it as a column: SQLite adds only virtual ones to a table.
    stored = op.get_bind().dialect.name != 'sqlite'
    op.add_column('organizations', sa.Column('remaining_seats', sa.Integer(),
                                             sa.Computed('seats - used_seats', persisted=stored)))
    op.create_index('ix_organizations_provider_remaining_seats', 'organizations',
                    ['provider_id', 'remaining_seats', 'id'])
    op.create_index('ix_organizations_provider_plan', 'organizations', ['provider_id', 'plan', 'id'])
    op.create_index('ix_members_organization_name', 'members',
                    ['organization_id', sa.text("coalesce(name, '')"), 'id'])
    op.create_index('ix_members_organization_role', 'members', ['organization_id', 'role', 'id'])
    op.create_index('ix_members_organization_status', 'members', ['organization_id', 'status', 'id'])


def downgrade() -> None:
    """Drop the indexes and the kept columns."""
    for name, table in (('ix_members_organization_status', 'members'), ('ix_members_organization_role', 'members'),
                        ('ix_members_organization_name', 'members'),
                        ('ix_organizations_provider_plan', 'organizations'),
                        ('ix_organizations_provider_remaining_seats', 'organizations'),
                        ('ix_organizations_provider_used_seats', 'organizations'),
                        ('ix_organizations_provider_seats', 'organizations')):
        op.drop_index(name, table_name=table)
    op.drop_column('organizations', 'remaining_seats')
    with op.batch_alter_table('organizations', schema=None) as batch_op:
        batch_op.drop_column('provider_id')
        batch_op.drop_column('used_seats')
    with op.batch_alter_table('providers', schema=None) as batch_op:
        batch_op.drop_column('client_count')
