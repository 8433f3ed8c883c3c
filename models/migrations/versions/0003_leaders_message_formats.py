"""leaders, message formats

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-21 12:49:53.723382
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('body_format', sqlmodel.sql.sqltypes.AutoString(), nullable=False,
                                      server_default='markdown'))

    with op.batch_alter_table('unit', schema=None) as batch_op:
        batch_op.add_column(sa.Column('is_leader', sa.Boolean(), nullable=False, server_default=sa.false()))



def downgrade() -> None:
    with op.batch_alter_table('unit', schema=None) as batch_op:
        batch_op.drop_column('is_leader')

    with op.batch_alter_table('message', schema=None) as batch_op:
        batch_op.drop_column('body_format')

