"""A small office ledger for the console: two tasks claimed as complete, an extension request, a dispute, a unit
mention to decide (各有关单位), a dead message, and one account per role."""

from __future__ import annotations

import re
from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlmodel import select

from reformflow.console import web
from reformflow.console.accounts import add_user
from reformflow.console.app import install_console
from reformflow.core.settings import settings
from reformflow.intake.app import create_app
from reformflow.models import Message, MessageState, Unit
from reformflow.notifications.message import OutgoingMessage
from reformflow.notifications.outbox import enqueue
from reformflow.supervision.lifecycle import raise_dispute
from tests.factories import file_report, ledger, offices_file, task, task_coded, unit_named

PASSWORD = "correct-horse-battery"
TODAY = date(2020, 6, 23)


@pytest.fixture
def office(session, tmp_path, monkeypatch):
    """The ledger as of 2020-06-23, committed, with the accounts admin, staff and leader."""
    monkeypatch.setattr(web, "office_today", lambda: TODAY)  # every page asks web.today(), which asks this
    directory = ledger(session, tmp_path, [
        task("1", ["市公安局"], ["市税务局"], deadline=date(2020, 6, 30), title="升级一窗通平台"),
        task("2", ["市税务局"], deadline=date(2020, 5, 31), title="推行电子发票"),
        task("3", ["市住建局"], deadline=date(2020, 6, 15), title="推行联合验收"),
        task("4", ["市公安局"], deadline=date(2020, 9, 30), title="户籍业务网上办"),
        task("5", ["各有关单位"], deadline=date(2020, 12, 31), title="清理证明事项")], placeholders=["各有关单位"])
    # The office's directory is the test's: an offices file naming it.
    monkeypatch.setattr(settings, "offices_file", offices_file(tmp_path / "offices.yaml", {"shenzhen": directory.path}))
    file_report(session, "1", "市公安局", "completed", 100, narrative="平台已上线。")
    file_report(session, "2", "市税务局", "completed", 100, narrative="已全面推行。")
    file_report(session, "3", "市住建局", "extension_requested", 60, requested=date(2020, 8, 31),
                problems="系统对接未完成。")
    raise_dispute(task_coded(session, "4"), unit_named(session, "市公安局"), "户籍不属于本单位改革事项", None,
                  session=session)
    police = unit_named(session, "市公安局")
    enqueue("test:dead", police, "reminder", "outbox", OutgoingMessage("提醒：任务即将到期", "正文", "markdown"),
            session=session)
    session.flush()
    message = session.exec(select(Message).where(Message.idempotency_key == "test:dead")).one()
    message.state, message.attempts, message.last_error = MessageState.DEAD, 5, "SMTP 服务器拒绝连接"
    for name, role in (("admin", "admin"), ("staff", "staff"), ("leader", "leader")):
        add_user(name, role, PASSWORD, session=session)
    session.commit()
    return session


@pytest.fixture
def client(office):
    return TestClient(install_console(create_app()))


def log_in(client: TestClient, name: str, password: str = PASSWORD):
    form = client.get("/console/login")
    csrf = re.search(r'name="csrf" value="([^"]+)"', form.text).group(1)
    return client.post("/console/login", data={"name": name, "password": password, "csrf": csrf,
                                               "office": "shenzhen", "next": "/console/"}, follow_redirects=False)


def csrf_of(client: TestClient, path: str = "/console/") -> str:
    return re.search(r'name="csrf" value="([^"]+)"', client.get(path).text).group(1)


def unit_id(session, name: str) -> int:
    return session.exec(select(Unit).where(Unit.name == name)).one().id
