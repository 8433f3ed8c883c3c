"""Who may see and do what in the console: nothing without a login, nothing decided by a leader, no form without
its token, sessions that end, logins that slow down a guesser."""

import re
from datetime import timedelta

import pytest
from sqlmodel import select

from reformflow.models import AuditEntry, ConsoleSession, ConsoleUser, Message, StatusReport, utcnow
from tests.console.conftest import PASSWORD, csrf_of, log_in

PAGES = ["/console/", "/console/ledger", "/console/ledger.xlsx", "/console/tasks/1", "/console/review",
         "/console/units", "/console/bulletins", "/console/messages", "/console/documents", "/console/evidence/1",
         "/console/bulletins/1/docx", "/console/messages/sheet?unit=市公安局&period=2020-06"]


@pytest.mark.parametrize("path", PAGES)
def test_no_page_or_file_without_a_login(client, path):
    response = client.get(path, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/console/login?next=")


def test_a_person_logs_in_and_comes_back_where_they_were(client):
    first = client.get("/console/review", follow_redirects=False)
    assert first.headers["location"] == "/console/login?next=/console/review"
    page = client.get(first.headers["location"])
    assert "用户名" in page.text and 'value="/console/review"' in page.text

    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    response = client.post("/console/login", data={"name": "staff", "password": PASSWORD, "csrf": csrf,
                                                   "next": "/console/review"}, follow_redirects=False)
    assert (response.status_code, response.headers.get("location")) == (303, "/console/review"), response.text[-600:]
    assert "待审核的销号和延期申请" in client.get("/console/review").text


def test_login_never_sends_a_person_to_another_site(client):

    page = client.get("/console/login?next=//evil.example/x")
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    response = client.post("/console/login", data={"name": "staff", "password": PASSWORD, "csrf": csrf,
                                                   "next": "//evil.example/x"}, follow_redirects=False)
    assert response.headers["location"] == "/console/"


def test_a_wrong_password_is_refused_and_passwords_are_stored_as_argon2_hashes(client, office):
    response = log_in(client, "staff", "not-the-password")
    assert response.status_code == 401 and "用户名或密码不正确" in response.text
    assert client.get("/console/", follow_redirects=False).status_code == 303
    stored = office.exec(select(ConsoleUser).where(ConsoleUser.name == "staff")).one().password_hash
    assert stored.startswith("$argon2id$") and PASSWORD not in stored


def test_logins_wait_after_five_failures_even_with_the_right_password(client):
    for _ in range(5):
        assert log_in(client, "staff", "guess-123456").status_code == 401
    response = log_in(client, "staff")
    assert response.status_code == 429 and "15 分钟后再试" in response.text
    assert client.get("/console/", follow_redirects=False).status_code == 303


def test_a_session_expires(client, office):
    assert log_in(client, "staff").status_code == 303
    assert client.get("/console/", follow_redirects=False).status_code == 200
    live = office.exec(select(ConsoleSession)).one()
    live.expires_at = utcnow() - timedelta(seconds=1)
    office.add(live)
    office.commit()
    response = client.get("/console/ledger", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/console/login")
    office.expire_all()
    assert office.exec(select(ConsoleSession)).all() == []  # an expired session is removed, not kept


def test_logging_out_ends_the_session_on_the_server(client, office):
    log_in(client, "staff")
    cookie = client.cookies.get("rf_console")
    client.post("/console/logout", data={"csrf": csrf_of(client)})
    client.cookies.set("rf_console", cookie, path="/console")  # a copied cookie is worth nothing after logout
    assert client.get("/console/", follow_redirects=False).status_code == 303


def test_a_leader_reads_everything_and_decides_nothing(client, office):
    log_in(client, "leader")
    for path in PAGES[:9]:
        assert client.get(path).status_code == 200, path
    review = client.get("/console/review").text
    assert "销号（办结）" not in review  # no decision buttons are shown
    csrf = csrf_of(client)
    claim = office.exec(select(StatusReport).where(StatusReport.status == "completed")).first()
    attempts = [(f"/console/review/{claim.id}", {"decision": "accept"}),
                ("/console/disputes/1", {"decision": "accept"}),
                ("/console/units/decide", {"mention": "各有关单位", "units": "市税务局"}),
                ("/console/bulletins/publish", {"period": "2020-06"}),
                ("/console/messages/requeue", {"state": "dead"})]
    for path, form in attempts:
        response = client.post(path, data={**form, "csrf": csrf})
        assert response.status_code == 403 and "领导账号只能查看" in response.text, path
    office.expire_all()
    assert office.get(StatusReport, claim.id).review is None
    assert office.exec(select(Message).where(Message.state == "dead")).one()
    assert [e.action for e in office.exec(select(AuditEntry))] == ["登录"]


@pytest.mark.parametrize("csrf", [None, "forged-token"])
def test_a_form_without_the_session_token_is_refused(client, office, csrf):
    log_in(client, "staff")
    claim = office.exec(select(StatusReport).where(StatusReport.status == "completed")).first()
    data = {"decision": "accept", **({"csrf": csrf} if csrf else {})}
    response = client.post(f"/console/review/{claim.id}", data=data)
    assert response.status_code == 403 and "表单已失效" in response.text
    response = client.post("/console/messages/requeue", data={"state": "dead", **({"csrf": csrf} if csrf else {})})
    assert response.status_code == 403
    office.expire_all()
    assert office.get(StatusReport, claim.id).review is None
    assert office.exec(select(Message).where(Message.state == "dead")).one()


def test_the_login_form_itself_needs_its_token(client):
    response = client.post("/console/login", data={"name": "staff", "password": PASSWORD}, follow_redirects=False)
    assert response.status_code == 403 and "表单已失效" in response.text


def test_a_malformed_address_gets_a_page_in_chinese(client):
    log_in(client, "staff")
    response = client.get("/console/tasks/abc")
    assert response.status_code == 400 and "格式不对" in response.text and "detail" not in response.text


def test_an_admin_opens_an_account_and_disabling_it_ends_its_sessions(client, office):
    from fastapi.testclient import TestClient

    from reformflow.console.app import install_console
    from reformflow.intake.app import create_app

    log_in(client, "admin")
    created = client.post("/console/users", data={"name": "li", "display_name": "李干事", "role": "staff",
                                                  "password": "another-passphrase", "csrf": csrf_of(client)})
    assert "已保存" in created.text and "李干事" in created.text
    other = TestClient(install_console(create_app()))
    assert log_in(other, "li", "another-passphrase").status_code == 303
    assert other.get("/console/users").status_code == 403  # staff do not manage accounts
    li = office.exec(select(ConsoleUser).where(ConsoleUser.name == "li")).one()
    client.post(f"/console/users/{li.id}/disabled", data={"disabled": "1", "csrf": csrf_of(client)})
    assert other.get("/console/", follow_redirects=False).status_code == 303  # its session no longer works
    trail = client.get("/console/users").text
    assert "开设账号" in trail and "停用账号" in trail


def test_one_offices_staff_never_see_another_offices_tasks(client, office, tmp_path, monkeypatch):
    """Two offices in one installation, each its own ledger: an account exists in its office only, and a session
    of one office opens nothing in the other, even with the cookie edited to name it."""
    from reformflow.console.accounts import add_user
    from reformflow.core.settings import settings
    from tests.factories import ledger, new_session, offices_file, task

    (tmp_path / "xm").mkdir()
    shenzhen_directory = settings.offices_file.read_text(encoding="utf-8").split("directory: ")[1].split()[0]
    monkeypatch.setattr(settings, "offices_file", offices_file(tmp_path / "two.yaml", {
        "shenzhen": shenzhen_directory, "xiamen": tmp_path / "xm" / "directory.yaml"}))
    monkeypatch.setattr(settings, "office", "xiamen")
    with new_session() as xiamen:
        ledger(xiamen, tmp_path / "xm", [task("9", ["市税务局"], title="厦门专属任务")])
        add_user("xm-staff", "staff", PASSWORD, session=xiamen)
        xiamen.commit()
    monkeypatch.setattr(settings, "office", "shenzhen")

    assert log_in(client, "staff").status_code == 303  # the form's first office: Shenzhen
    ledger_page = client.get("/console/ledger").text
    assert "升级一窗通平台" in ledger_page and "厦门专属任务" not in ledger_page
    office_name, _, token = client.cookies.get("rf_console").partition(":")
    assert office_name == "shenzhen"
    client.cookies.set("rf_console", f"xiamen:{token}", path="/console")  # the same session, another office
    assert client.get("/console/ledger", follow_redirects=False).status_code == 303  # to the login page

    client.cookies.clear()
    page = client.get("/console/login")
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    assert 'value="xiamen"' in page.text  # the login form offers the installation's offices
    refused = client.post("/console/login", data={"name": "staff", "password": PASSWORD, "csrf": csrf,
                                                  "office": "xiamen", "next": "/console/"}, follow_redirects=False)
    assert refused.status_code == 401  # Shenzhen's account is not Xiamen's
    accepted = client.post("/console/login", data={"name": "xm-staff", "password": PASSWORD, "csrf": csrf,
                                                   "office": "xiamen", "next": "/console/"}, follow_redirects=False)
    assert accepted.status_code == 303
    xiamen_page = client.get("/console/ledger").text
    assert "厦门专属任务" in xiamen_page and "升级一窗通平台" not in xiamen_page
