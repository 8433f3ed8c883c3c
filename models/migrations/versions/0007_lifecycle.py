"""lifecycle: task stage, milestones, confidence, acknowledgements, history, disputes

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-22 03:10:00
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('task', schema=None) as batch_op:
        batch_op.add_column(sa.Column('stage', sqlmodel.sql.sqltypes.AutoString(), server_default='unassigned',
                                      nullable=False))
        batch_op.add_column(sa.Column('milestones', sa.JSON(), server_default='[]', nullable=False))
        batch_op.add_column(sa.Column('confidence', sa.Float(), server_default='1.0', nullable=False))
        batch_op.add_column(sa.Column('doubts', sa.JSON(), server_default='[]', nullable=False))
        batch_op.create_index(batch_op.f('ix_task_stage'), ['stage'], unique=False)
    with op.batch_alter_table('assignment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('notified_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('acknowledged_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
    settle_existing_ledger()


def settle_existing_ledger() -> None:
    """A ledger from before the lifecycle: its units already knew their tasks (they were reminded and reported),
    so nobody gets a 交办通知 or a 签收 chase for them; a unit that reported has acknowledged; each task takes the
    stage its reports and the office's decisions put it in."""
    op.execute("UPDATE assignment SET notified_at = CURRENT_TIMESTAMP")
    op.execute("UPDATE assignment SET acknowledged_at = (SELECT MIN(r.submitted_at) FROM statusreport r "
               "WHERE r.task_id = assignment.task_id AND r.unit_id = assignment.unit_id)")
    lead_reports = ("SELECT r.task_id FROM statusreport r JOIN assignment a ON a.task_id = r.task_id "
                    "AND a.unit_id = r.unit_id AND a.role = 'lead'")
    op.execute("UPDATE task SET stage = 'closed' WHERE closed_at IS NOT NULL")
    op.execute("UPDATE task SET stage = 'assigned' WHERE stage = 'unassigned' AND id IN "
               "(SELECT task_id FROM assignment WHERE role = 'lead')")
    op.execute("UPDATE task SET stage = 'in_progress' WHERE stage = 'assigned' AND id IN "
               "(SELECT task_id FROM statusreport)")
    op.execute("UPDATE task SET stage = 'claimed' WHERE stage = 'in_progress' AND id IN "
               f"({lead_reports} WHERE r.status = 'completed' AND r.review IS NULL)")

    op.create_table('taskevent',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('task_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('stage_before', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('stage_after', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('actor', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('detail', sa.Text(), nullable=False),
    sa.Column('at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['task_id'], ['task.id'], ),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('taskevent', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_taskevent_task_id'), ['task_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_taskevent_at'), ['at'], unique=False)

    op.create_table('dispute',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('task_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('proposed_lead_id', sa.Integer(), nullable=True),
    sa.Column('state', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('comment', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('raised_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('decided_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['task_id'], ['task.id'], ),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], ),
    sa.ForeignKeyConstraint(['proposed_lead_id'], ['unit.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('dispute', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dispute_task_id'), ['task_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_dispute_unit_id'), ['unit_id'], unique=False)


def downgrade() -> None:
    op.drop_table('dispute')
    op.drop_table('taskevent')
    with op.batch_alter_table('assignment', schema=None) as batch_op:
        batch_op.drop_column('acknowledged_at')
        batch_op.drop_column('notified_at')
    with op.batch_alter_table('task', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_task_stage'))
        batch_op.drop_column('doubts')
        batch_op.drop_column('confidence')
        batch_op.drop_column('milestones')
        batch_op.drop_column('stage')
