"""Upgrading a ledger with evidence already stored: each file gets its own random public id."""

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, text

from reformflow.core.db import MIGRATIONS


def test_stored_evidence_gets_random_public_ids_and_reports_keep_no_key(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'old.db'}")
    config = Config()
    config.set_main_option("script_location", MIGRATIONS)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0007")
        connection.execute(text("INSERT INTO document (id, source, title, sha256, revision, imported_at) "
                                "VALUES (1, 'plan.txt', '清单', 'x', 1, '2020-06-01 00:00:00')"))
        connection.execute(text("INSERT INTO unit (id, name, slug, is_office, is_leader) VALUES (1, 'A局', 'a', 0, 0)"))
        connection.execute(text("INSERT INTO task (id, document_id, code, title, text, original_text, status, "
                                "progress, lead_mentions, co_mentions, updated_at) VALUES (1, 1, '1', 't', 't', 't', "
                                "'in_progress', 0, '[]', '[]', '2020-06-01 00:00:00')"))
        connection.execute(text("INSERT INTO statusreport (id, task_id, unit_id, period, status, progress, narrative, "
                                "submitted_at) VALUES (1, 1, 1, '2020-06', 'in_progress', 50, '', '2020-06-10')"))
        connection.execute(text("INSERT INTO evidence (report_id, file_name, stored_as, content_type, size) "
                                "VALUES (1, 'a.pdf', 'h1', 'application/pdf', 3), "
                                "(1, 'b.pdf', 'h2', 'application/pdf', 3)"))
        command.upgrade(config, "head")
    with engine.connect() as connection:
        ids = connection.execute(text("SELECT public_id FROM evidence")).scalars().all()
        keys = connection.execute(text("SELECT submission_key FROM statusreport")).scalars().all()
    assert len(set(ids)) == 2 and all(len(public) >= 24 for public in ids)
    assert keys == [None]
