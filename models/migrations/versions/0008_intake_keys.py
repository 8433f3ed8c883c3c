"""intake keys: a report's one-time form key, evidence named by a random public id

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-22 05:10:00
"""
import secrets

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('statusreport', schema=None) as batch_op:
        batch_op.add_column(sa.Column('submission_key', sqlmodel.sql.sqltypes.AutoString(), nullable=True))
        batch_op.create_unique_constraint('uq_statusreport_unit_id_submission_key', ['unit_id', 'submission_key'])
    with op.batch_alter_table('evidence', schema=None) as batch_op:
        batch_op.add_column(sa.Column('public_id', sqlmodel.sql.sqltypes.AutoString(), nullable=True))
    # Files already stored get a random public id too: the old sequential links stop working.
    connection = op.get_bind()
    for (evidence_id,) in connection.execute(sa.text("SELECT id FROM evidence")).all():
        connection.execute(sa.text("UPDATE evidence SET public_id = :public WHERE id = :id"),
                           {"public": secrets.token_urlsafe(18), "id": evidence_id})
    with op.batch_alter_table('evidence', schema=None) as batch_op:
        batch_op.alter_column('public_id', existing_type=sqlmodel.sql.sqltypes.AutoString(), nullable=False)
        batch_op.create_unique_constraint('uq_evidence_public_id', ['public_id'])


def downgrade() -> None:
    with op.batch_alter_table('evidence', schema=None) as batch_op:
        batch_op.drop_constraint('uq_evidence_public_id', type_='unique')
        batch_op.drop_column('public_id')
    with op.batch_alter_table('statusreport', schema=None) as batch_op:
        batch_op.drop_constraint('uq_statusreport_unit_id_submission_key', type_='unique')
        batch_op.drop_column('submission_key')
