"""bulletin docx, attachments

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-21 13:03:14.543591
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('bulletin', schema=None) as batch_op:
        batch_op.add_column(sa.Column('docx_path', sqlmodel.sql.sqltypes.AutoString(), nullable=True))

    with op.batch_alter_table('message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('attachments', sa.JSON(), server_default='[]', nullable=False))



def downgrade() -> None:
    with op.batch_alter_table('message', schema=None) as batch_op:
        batch_op.drop_column('attachments')

    with op.batch_alter_table('bulletin', schema=None) as batch_op:
        batch_op.drop_column('docx_path')

