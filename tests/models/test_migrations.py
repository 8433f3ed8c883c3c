"""Upgrading a ledger from before the lifecycle (revision 0006) keeps what the office and the units did."""

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, text

from reformflow.core.db import MIGRATIONS

ROWS = [
    "INSERT INTO document (id, source, title, sha256, revision, imported_at) "
    "VALUES (1, 'plan.txt', '清单', 'x', 1, '2020-06-01 00:00:00')",
    "INSERT INTO unit (id, name, slug, is_office, is_leader) VALUES (1, 'A局', 'a', 0, 0), (2, 'B局', 'b', 0, 0)",
    # 1 accepted (closed), 2 a pending lead claim, 3 reported by its co-unit only, 4 never reported, 5 no units
    *[f"INSERT INTO task (id, document_id, code, title, text, original_text, status, progress, lead_mentions, "
      f"co_mentions, updated_at{', closed_at' if n == 1 else ''}) VALUES ({n}, 1, '{n}', '任务{n}', 't', 't', "
      f"'in_progress', 0, '[]', '[]', '2020-06-01 00:00:00'{', ' + repr('2020-06-20 00:00:00') if n == 1 else ''})"
      for n in range(1, 6)],
    *[f"INSERT INTO assignment (task_id, unit_id, role, mention) VALUES ({n}, 1, 'lead', 'A局'), ({n}, 2, 'co', 'B局')"
      for n in range(1, 5)],
    "INSERT INTO statusreport (task_id, unit_id, period, status, progress, narrative, submitted_at, review) VALUES "
    "(1, 1, '2020-06', 'completed', 100, '', '2020-06-10 00:00:00', 'accepted'), "
    "(2, 1, '2020-06', 'completed', 100, '', '2020-06-11 00:00:00', NULL), "
    "(3, 2, '2020-06', 'in_progress', 50, '', '2020-06-12 00:00:00', NULL)",
]


def test_an_existing_ledger_gets_its_stages_and_sends_no_交办_flood(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'old.db'}")
    config = Config()
    config.set_main_option("script_location", MIGRATIONS)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0006")
        for statement in ROWS:
            connection.execute(text(statement))
        command.upgrade(config, "head")
    with engine.connect() as connection:
        stages = dict(connection.execute(text("SELECT code, stage FROM task ORDER BY id")).all())
        unnotified = connection.execute(text("SELECT COUNT(*) FROM assignment WHERE notified_at IS NULL")).scalar()
        acknowledged = connection.execute(text(
            "SELECT task_id, unit_id FROM assignment WHERE acknowledged_at IS NOT NULL ORDER BY task_id")).all()
    assert stages == {"1": "closed", "2": "claimed", "3": "in_progress", "4": "assigned", "5": "unassigned"}
    assert unnotified == 0  # the units knew their tasks already
    assert acknowledged == [(1, 1), (2, 1), (3, 2)]  # those who reported
