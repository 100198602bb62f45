"""folders and favourites

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-25 16:54:52.245204

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel


# revision identifiers, used by Alembic.
revision: str = '0008'
down_revision: Union[str, Sequence[str], None] = '0007'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('folders',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('user_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('encrypted_name', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('folders', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_folders_user_id'), ['user_id'], unique=False)

    op.create_table('item_favorites',
    sa.Column('cipher_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('user_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.ForeignKeyConstraint(['cipher_id'], ['ciphers.id'], ),
    sa.PrimaryKeyConstraint('cipher_id', 'user_id')
    )
    with op.batch_alter_table('ciphers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('folder_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=True))
        batch_op.create_index(batch_op.f('ix_ciphers_folder_id'), ['folder_id'], unique=False)
        batch_op.create_foreign_key('fk_ciphers_folder_id_folders', 'folders', ['folder_id'], ['id'])



def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('ciphers', schema=None) as batch_op:
        batch_op.drop_constraint('fk_ciphers_folder_id_folders', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_ciphers_folder_id'))
        batch_op.drop_column('folder_id')

    op.drop_table('item_favorites')
    with op.batch_alter_table('folders', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_folders_user_id'))

    op.drop_table('folders')
