"""document revisions

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21 12:40:48.183783
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('documentrevision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('added', sa.JSON(), nullable=False),
    sa.Column('changed', sa.JSON(), nullable=False),
    sa.Column('removed', sa.JSON(), nullable=False),
    sa.Column('renumbered', sa.JSON(), nullable=False),
    sa.Column('imported_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['document.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('document_id', 'revision')
    )
    with op.batch_alter_table('documentrevision', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_documentrevision_document_id'), ['document_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('documentrevision', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_documentrevision_document_id'))

    op.drop_table('documentrevision')
