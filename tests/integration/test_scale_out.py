"""The scale-out path on this machine: a Prefect server on PostgreSQL, the ledger on PostgreSQL, two process
workers and two task workers. A scheduled sweep runs once, its batches are delivered once, a submitted report
fires its trigger once, and the Prefect UI shows it all in Chromium."""

import os
import socket
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import httpx
import psycopg
import pytest
from playwright.sync_api import sync_playwright
from prefect.events.clients import PrefectEventsClient
from prefect.events.worker import EventsWorker
from prefect.schedules import Cron
from prefect.settings import PREFECT_API_URL, temporary_settings
from sqlmodel import select

from reformflow.cli.main import sample_documents
from reformflow.core import db
from reformflow.core.offices import get_office
from reformflow.core.settings import settings
from reformflow.deployments.schedules import as_deployment, build_deployments
from reformflow.deployments.serve import start_server
from reformflow.flows.events import emit_submitted
from reformflow.flows.remind import reminder_sweep
from reformflow.models import Message, Task, Unit
from reformflow.parsing import extract_file
from reformflow.supervision.ledger import store_document
from reformflow.supervision.reports.submissions import Submission, store_submission
from reformflow.supervision.units.assignment import assign_tasks
from reformflow.supervision.units.directory import load_directory
from reformflow.supervision.units.resolution import load_decisions
from tests.factories import new_session

ROOT = Path(__file__).resolve().parents[2]
PG = "postgres@127.0.0.1:5432"
BIN = Path(sys.executable).parent


def fresh_database(name: str) -> None:
    with psycopg.connect(f"postgresql://{PG}/test", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def drop_database(name: str) -> None:
    with psycopg.connect(f"postgresql://{PG}/test", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def api_post(api: str, path: str, body: dict) -> list[dict]:
    return httpx.post(f"{api}{path}", json=body, timeout=10).json()


def all_sent() -> bool:
    with new_session() as session:
        return all(m.state == "sent" for m in session.exec(select(Message)))


def wait_for(condition, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(1)
    raise AssertionError(f"{what} did not happen within {timeout:.0f} s")


@pytest.fixture
def stack(tmp_path, monkeypatch):
    # Named per process, so that two test runs on one machine do not drop each other's databases.
    prefect_db, ledger_db = f"reformflow_prefect_it_{os.getpid()}", f"reformflow_ledger_it_{os.getpid()}"
    fresh_database(prefect_db)
    fresh_database(ledger_db)
    port = free_port()
    api = f"http://127.0.0.1:{port}/api"
    ledger_url = f"postgresql+psycopg://{PG}/{ledger_db}"
    env = {
        "PREFECT_HOME": str(tmp_path / "prefect"), "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "DO_NOT_TRACK": "1",
        "PREFECT_SERVER_DATABASE_CONNECTION_URL": f"postgresql+asyncpg://{PG}/{prefect_db}",
        "PREFECT_SERVER_SERVICES_SCHEDULER_LOOP_SECONDS": "2", "PREFECT_API_URL": api,
        "REFORMFLOW_DATABASE_URL": ledger_url, "REFORMFLOW_DATA_DIR": str(tmp_path / "var"),
        "REFORMFLOW_TASK_QUEUE": "true", "REFORMFLOW_ESCALATE_AFTER_DAYS_OVERDUE": "1000",
        "REFORMFLOW_OFFICE_HOURS_START": "00:00", "REFORMFLOW_OFFICE_HOURS_END": "23:59",
    }
    processes = [start_server(port, env)]
    monkeypatch.setattr(settings, "database_url", ledger_url)
    monkeypatch.setattr(settings, "data_dir", tmp_path / "var")
    full_env = {**os.environ, **env}
    subprocess.run([str(BIN / "prefect"), "work-pool", "create", "reformflow", "--type", "process"], env=full_env,
                   check=True, capture_output=True)
    for _ in range(2):
        processes.append(subprocess.Popen([str(BIN / "prefect"), "worker", "start", "--pool", "reformflow",
                                           "--type", "process"], env=full_env, cwd=ROOT))
        processes.append(subprocess.Popen([str(BIN / "reformflow"), "task-worker"], env=full_env, cwd=ROOT))
    yield api, port
    for process in reversed(processes):
        process.terminate()
    for process in processes:
        process.wait(timeout=30)
    db.get_engine("shenzhen").dispose()
    for name in (prefect_db, ledger_db):
        drop_database(name)


def test_scheduled_run_once_trigger_once_batches_once(stack, tmp_path):
    api, port = stack
    with new_session() as session:
        seed = next(p for p in sample_documents() if p.name.startswith("002"))
        store_document(extract_file(seed), session=session)
        assign_tasks(load_directory(get_office("shenzhen").directory), load_decisions(tmp_path / "d.yaml"),
                     session=session)
        session.commit()
    with temporary_settings(updates={PREFECT_API_URL: api}):
        sweep = as_deployment(reminder_sweep, name="every-minute", parameters={"as_of": "2020-06-23"},
                              schedule=Cron("* * * * *", timezone="Asia/Shanghai"))
        sweep_id = sweep.apply(work_pool_name="reformflow")
        trigger = next(d for d in build_deployments() if d.name == "on-report-submitted")
        trigger_id = trigger.apply(work_pool_name="reformflow")

        def runs_of(deployment_id, state=None):
            body = {"deployments": {"id": {"any_": [str(deployment_id)]}}}
            if state:
                body["flow_runs"] = {"state": {"type": {"any_": [state]}}}
            return api_post(api, "/flow_runs/filter", body)

        first = wait_for(lambda: runs_of(sweep_id, "COMPLETED"), 150, "a scheduled reminder-sweep run")[0]
        with new_session() as session:
            total = len(session.exec(select(Message)).all())
            assert total > 30
            wait_for(lambda: all_sent(), 120, "delivery of every batch by the task workers")
            assert {m.attempts for m in session.exec(select(Message))} == {1}  # each message delivered once
        assert len(list((tmp_path / "var" / "shenzhen" / "outbox").rglob("*.md"))) == total
        states = httpx.get(f"{api}/flow_run_states/", params={"flow_run_id": first["id"]}, timeout=10).json()
        assert [s["type"] for s in states].count("RUNNING") == 1  # one worker ran it, once

        with new_session() as session:
            unit = session.exec(select(Unit).where(Unit.name == "市市场监管局")).one()
            item = session.exec(select(Task).where(Task.code == "1")).one()
            report = store_submission(item, unit, "2020-06", Submission("completed", 100, "已上线。", "", "", None),
                                      None, session=session, evidence_dir=tmp_path / "var" / "shenzhen" / "evidence")
            session.commit()
        # Earlier tests of the session may have emitted events to the session's own Prefect server, and Prefect
        # keeps one events worker per process, bound to the first server it talked to: this event must go to
        # this stack's server, as it does in a web process that only ever knows one.
        EventsWorker.set_client_override(PrefectEventsClient, api_url=api)
        try:
            emit_submitted("shenzhen", report.id)
        finally:
            EventsWorker.set_client_override(None)
        wait_for(lambda: runs_of(trigger_id, "COMPLETED"), 300, "the ingest-report trigger")  # a backstop
        time.sleep(5)
        assert len(runs_of(trigger_id)) == 1  # fired once
        with new_session() as session:
            assert len(session.exec(select(Message).where(Message.kind == "review")).all()) == 1

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"])
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.goto(f"http://127.0.0.1:{port}/deployments")
        page.wait_for_selector("text=every-minute", timeout=60_000)
        assert page.locator("text=on-report-submitted").count() >= 1
        page.goto(f"http://127.0.0.1:{port}/runs")
        page.wait_for_selector("text=Completed", timeout=60_000)
        shots = Path(os.environ.get("REFORMFLOW_SCREENSHOTS", tmp_path))
        shots.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(shots / "prefect-ui-runs.png"), full_page=True)
        browser.close()
    assert date.today()  # the UI and the ledger both answered
