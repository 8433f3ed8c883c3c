"""Several offices in one installation: each its own ledger, directory and folders; none sees another's tasks."""

from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlmodel import select
from typer.testing import CliRunner

from reformflow.cli.main import app
from reformflow.core.offices import OfficeError, get_office
from reformflow.core.settings import settings
from reformflow.intake.app import create_app
from reformflow.models import Task, Unit
from tests.factories import ledger, make_token, new_session, task

TWO_OFFICES = """
offices:
- slug: alpha
  name: 甲市
  directory: alpha.yaml
- slug: beta
  name: 乙区
  directory: /srv/beta.yaml
  extra_holidays: [2020-06-01]
"""


@pytest.fixture
def two_offices(tmp_path, monkeypatch):
    path = tmp_path / "offices.yaml"
    path.write_text(TWO_OFFICES, encoding="utf-8")
    monkeypatch.setattr(settings, "offices_file", path)
    monkeypatch.setattr(settings, "office", "alpha")
    return path


def test_each_office_has_its_own_ledger_and_folders(two_offices, data_dir):
    alpha, beta = get_office("alpha"), get_office("beta")
    assert alpha.directory == two_offices.parent / "alpha.yaml"  # relative to the offices file
    assert str(beta.directory) == "/srv/beta.yaml"
    assert alpha.db_url != beta.db_url and beta.db_url.endswith("/var/beta/reformflow.db")
    assert beta.outbox_dir == data_dir.parent / "beta" / "outbox" and alpha.bulletin_dir.parent.name == "alpha"
    assert get_office() == alpha  # REFORMFLOW_OFFICE


@pytest.mark.parametrize(("text", "message"), [
    ("offices: []", "offices: List should have at least 1 item"),
    ("offices:\n- {slug: a, name: 甲, directory: a.yaml}\n- {slug: a, name: 乙, directory: b.yaml}",
     "office 'a' is listed twice"),
    ("offices:\n- {slug: Bad Slug, name: 甲, directory: a.yaml}", "offices.0.slug: String should match pattern"),
    ("offices:\n- {slug: a, name: 甲}", "offices.0.directory: Field required"),
    ("offices: [", "not valid YAML"),
])
def test_a_wrong_offices_file_names_the_file_and_the_entry(tmp_path, monkeypatch, text, message):
    path = tmp_path / "offices.yaml"
    path.write_text(text, encoding="utf-8")
    monkeypatch.setattr(settings, "offices_file", path)
    with pytest.raises(OfficeError, match=str(path)) as raised:
        get_office("a")
    assert message in str(raised.value)


def test_an_unknown_office_is_refused_with_the_known_ones(two_offices):
    with pytest.raises(OfficeError, match=r"no office 'gamma'.*alpha, beta"):
        get_office("gamma")
    result = CliRunner().invoke(app, ["--office", "gamma", "outbox", "list"])
    assert result.exit_code == 1 and "no office 'gamma'" in result.output


def test_one_database_url_cannot_hold_two_offices(two_offices, monkeypatch):
    monkeypatch.setattr(settings, "database_url", "postgresql+psycopg://127.0.0.1/ledger")
    assert get_office("alpha").db_url.endswith("/ledger")
    with pytest.raises(OfficeError, match=r"put \{office\} in it"):
        _ = get_office("beta").db_url
    monkeypatch.setattr(settings, "database_url", "postgresql+psycopg://127.0.0.1/reformflow_{office}")
    assert get_office("beta").db_url.endswith("/reformflow_beta")


def stored_codes() -> list[str]:
    with new_session() as session:
        return sorted(t.code for t in session.exec(select(Task)))


def test_offices_never_see_each_others_tasks_or_links(session, tmp_path, monkeypatch):
    """The bundled offices: Shenzhen and Xiamen each load a task list; each ledger, page and command shows its
    own tasks only, and a Shenzhen link opens the Shenzhen ledger whatever office the server defaults to."""
    (tmp_path / "sz").mkdir()
    (tmp_path / "xm").mkdir()
    ledger(session, tmp_path / "sz", [task("1", ["市公安局"], deadline=date(2020, 6, 30))])
    police_link = make_token(session.exec(select(Unit).where(Unit.name == "市公安局")).one().slug, "2020-06")
    monkeypatch.setattr(settings, "office", "xiamen")
    with new_session() as xiamen:
        ledger(xiamen, tmp_path / "xm", [task("7", ["市公安局"]), task("8", ["市税务局"])])
    assert stored_codes() == ["7", "8"]
    monkeypatch.setattr(settings, "office", "shenzhen")
    assert stored_codes() == ["1"]

    monkeypatch.setattr(settings, "office", "xiamen")  # the web server's default office is another one
    page = TestClient(create_app()).get(f"/r/{police_link}")
    assert page.status_code == 200 and "任务1" in page.text and "任务7" not in page.text
    listed = CliRunner().invoke(app, ["--office", "shenzhen", "tasks", "history", "plan.txt", "7"])
    assert listed.exit_code == 1 and "7" in listed.output  # Xiamen's task 7 is not in Shenzhen's ledger
    assert CliRunner().invoke(app, ["--office", "xiamen", "tasks", "history", "plan.txt", "7"]).exit_code == 0
