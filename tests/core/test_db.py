"""Opening the ledger: migrated once, then opened without Alembic."""

from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import text

from reformflow.core import db
from reformflow.core.settings import settings


def test_the_head_read_from_the_migration_files_is_alembics():
    config = Config()
    config.set_main_option("script_location", db.MIGRATIONS)
    assert db.head_revision() == ScriptDirectory.from_config(config).get_current_head()


def test_a_migrated_ledger_is_at_head_and_a_behind_one_is_not(data_dir):
    engine = db.get_engine(settings.office)
    assert db.at_head(engine)
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '0006'"))
    assert not db.at_head(engine)
