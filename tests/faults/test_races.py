"""Fault: things that start at the same moment. Workers opening a fresh ledger together migrate it once;
two reminder sweeps at once queue each message once."""

import contextlib
import os
import subprocess
import sys
import textwrap
import threading
import time
import uuid
from datetime import date

import pytest
from sqlalchemy import create_engine, text
from sqlmodel import select

from reformflow.core import db
from reformflow.core.calendar import WorkingCalendar
from reformflow.core.settings import settings
from reformflow.models import Message
from reformflow.supervision.reminders.plan import ReminderPolicy
from reformflow.supervision.reminders.sweep import queue_reminders
from tests.factories import ledger, links, new_session, task

WORKER = textwrap.dedent("""
    import pathlib, sys, time
    from reformflow.core import db
    folder = pathlib.Path(sys.argv[1])
    (folder / f"imported-{sys.argv[2]}").touch()
    while not (folder / "go").exists():  # every worker has imported everything: they open the ledger at once
        time.sleep(0.005)
    db.get_engine("shenzhen")
    print("ready")
""")


def start_together(tmp_path, env: dict[str, str], workers: int = 4) -> list[subprocess.CompletedProcess]:
    children = [subprocess.Popen([sys.executable, "-c", WORKER, str(tmp_path), str(n)], env=env,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for n in range(workers)]
    deadline = time.monotonic() + 120
    while len(list(tmp_path.glob("imported-*"))) < workers and time.monotonic() < deadline:
        time.sleep(0.02)
    (tmp_path / "go").touch()
    return [subprocess.CompletedProcess(c.args, c.wait(120), *c.communicate()) for c in children]


def head() -> str:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(db._config()).get_current_head()


def assert_migrated_once(results, url: str) -> None:
    for result in results:
        assert result.returncode == 0 and result.stdout.strip() == "ready", result.stderr[-2000:]
    engine = create_engine(url)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all() == [head()]
        assert connection.execute(text("SELECT count(*) FROM message")).scalar() == 0
    engine.dispose()


def test_workers_opening_a_fresh_sqlite_ledger_together_migrate_it_once(tmp_path):
    data = tmp_path / "fresh"
    env = {k: v for k, v in os.environ.items() if k != "REFORMFLOW_DATABASE_URL"} | {"REFORMFLOW_DATA_DIR": str(data)}
    assert_migrated_once(start_together(tmp_path, env), f"sqlite:///{data / 'shenzhen' / 'reformflow.db'}")


@pytest.fixture
def fresh_postgres():
    """A database of this test's own on the local PostgreSQL (never a shared name), dropped afterwards."""
    admin_url = os.environ.get("REFORMFLOW_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1/postgres")
    name = f"reformflow_migrate_{uuid.uuid4().hex[:12]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # PostgreSQL runs on these machines and in CI: its absence is a failure, not a skip
        admin.dispose()
        pytest.fail(f"no PostgreSQL to create a database on at {admin_url} ({type(exc).__name__})")
    try:
        yield admin.url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_workers_opening_a_fresh_postgres_ledger_together_migrate_it_once(tmp_path, fresh_postgres):
    env = os.environ | {"REFORMFLOW_DATA_DIR": str(tmp_path / "data"), "REFORMFLOW_DATABASE_URL": fresh_postgres}
    assert_migrated_once(start_together(tmp_path, env), fresh_postgres)


def test_two_sweeps_at_once_queue_each_message_once(session, tmp_path, monkeypatch):
    """Fault: the schedule and an admin start the same sweep together. One waits for the other (the sweep's
    lock), then finds nothing new: every message is queued once and neither sweep fails. Each sweep waits (up
    to 2 s) at planning for the other to get there too, so that without the lock they would plan together."""
    from reformflow.supervision.reminders import sweep as sweep_module

    names = [f"单位{n}" for n in range(8)]
    ledger(session, tmp_path, [task(str(n + 1), [name], deadline=date(2020, 6, 26))
                               for n, name in enumerate(names)])
    policy, results, errors, both = ReminderPolicy(WorkingCalendar()), [], [], threading.Barrier(2)
    plan = sweep_module.plan_reminders

    def plan_when_both_are_here(*args, **kwargs):
        with contextlib.suppress(threading.BrokenBarrierError):  # the other sweep waits on the lock: plan alone
            both.wait(timeout=2)
        return plan(*args, **kwargs)

    monkeypatch.setattr(sweep_module, "plan_reminders", plan_when_both_are_here)

    def sweep():
        try:
            with db.transaction(settings.office) as own:
                results.append(queue_reminders(date(2020, 6, 23), session=own, policy=policy, links=links()))
        except Exception as exc:  # a sweep that fails would be retried by Prefect: the test wants none to fail
            errors.append(exc)

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    queued = sorted(key for plan in results for key in plan.queued)
    assert len(queued) == len(set(queued)) == len(names)
    with new_session() as fresh:
        assert len(fresh.exec(select(Message)).all()) == len(names)
