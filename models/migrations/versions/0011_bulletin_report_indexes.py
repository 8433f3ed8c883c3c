"""statusreport: partial indexes for the bulletin, on reviewed_at (the month's 销号) and on the extension requests

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-22 08:40:00

The bulletin lists the completion claims the office accepted within the month (review = accepted, reviewed_at
within its bounds). Without an index that read the whole table: 0.07 s of a province's bulletin on SQLite and
PostgreSQL alike (576,000 reports, a year). Only reviewed reports enter the index, so filing a report, the
frequent write, does not pay for it; both databases use it for a range on reviewed_at (which implies NOT NULL).

It also lists the period's extension requests. PostgreSQL without statistics on the table (a fresh ledger, or
autovacuum off) planned that as 20,000 probes of the unique index, 0.06–0.3 s; an index of the requests alone
(the query names the status as a literal, so that SQLite matches the index's condition too) is read instead.
"""
import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

REVIEWED = sa.text('reviewed_at IS NOT NULL')
EXTENSIONS = sa.text("status = 'extension_requested'")


def upgrade() -> None:
    op.create_index('ix_statusreport_reviewed_at', 'statusreport', ['reviewed_at'], unique=False,
                    sqlite_where=REVIEWED, postgresql_where=REVIEWED)
    op.create_index('ix_statusreport_extension_requests', 'statusreport', ['period'], unique=False,
                    sqlite_where=EXTENSIONS, postgresql_where=EXTENSIONS)


def downgrade() -> None:
    op.drop_index('ix_statusreport_extension_requests', table_name='statusreport')
    op.drop_index('ix_statusreport_reviewed_at', table_name='statusreport')
