"""What a clerk with many tasks sees: the urgent ones first, one line each, the cut-off day, refused fields at the
top. The page is judged as of 2020-06-23, the demo's day."""

import dataclasses
import re
import secrets
from datetime import date

import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient
from itsdangerous import URLSafeTimedSerializer

from reformflow.intake.app import create_app
from reformflow.supervision.reports.links import SALT
from tests.factories import ledger, links, make_token, task, task_coded, unit_named

LONG_TITLE = "推进工程建设项目审批制度改革" * 4


def standing(code, lead):
    return dataclasses.replace(task(code, lead), deadline_kind="standing", deadline_text="长期坚持")


@pytest.fixture
def site(session, tmp_path):
    ledger(session, tmp_path, [
        task("1", ["市公安局"], deadline=date(2020, 12, 31), title="年底完成的任务"),
        task("2", ["市公安局"], deadline=date(2020, 5, 31), title="五月底到期的任务"),
        task("3", ["市税务局"], ["市公安局"], deadline=date(2020, 6, 30), title="六月底到期的任务"),
        task("4", ["市公安局"], title="文件未写时限的任务"),
        standing("5", ["市公安局"]),
        task("6", ["市公安局"], deadline=date(2021, 6, 30), title=LONG_TITLE),
    ])
    return TestClient(create_app(today=lambda: date(2020, 6, 23)))


def police_page(client, session, period="2020-06", **params):
    page = client.get(f"/r/{make_token(unit_named(session, '市公安局').slug, period)}", params=params)
    return page, BeautifulSoup(page.text, "html.parser")


def codes(section):
    summaries = section.select("details.task > summary")
    return [re.match(r"(\S+)\.", summary.select_one(".title").get_text())[1] for summary in summaries]


def test_tasks_are_grouped_by_urgency_each_on_one_closed_line(site, session):
    _, soup = police_page(site, session)
    groups = [(s["id"], s.h2.get_text(" ", strip=True), codes(s)) for s in soup.select("section")]
    assert groups == [("group-overdue", "已逾期 1 项", ["2"]), ("group-due_soon", "近期到期 1 项", ["3"]),
                      ("group-rest", "其他任务 4 项", ["1", "6", "4", "5"])]
    assert all(not d.has_attr("open") for d in soup.select("details.task"))  # collapsed until opened
    overdue = soup.select_one("#group-overdue details.task")
    assert "overdue" in overdue["class"]
    assert overdue.select_one(".light").get_text() == "逾期17个工作日"  # 1–23 June, weekdays
    assert soup.select_one("#group-due_soon .light").get_text() == "黄灯"  # 0% with the month nearly over
    # 24 June, then 端午 (25–27), then 28 (调休), 29, 30
    assert "完成时限 2020年6月30日 · 还有 4 个工作日" in soup.select_one("#group-due_soon .body").get_text()


def test_no_deadline_is_not_called_长期坚持_unless_the_document_says_so(site, session):
    _, soup = police_page(site, session)
    silent = soup.find("span", class_="title", string=re.compile("文件未写时限")).find_parent("details")
    said = soup.select_one(f"#task-{task_coded(session, '5').id}")
    assert silent.select_one(".light").get_text() == "无完成时限" and "长期坚持" not in silent.get_text()
    assert "文件未规定完成时限" in silent.get_text()
    assert said.select_one(".light").get_text() == "长期坚持"


def test_a_long_title_is_cut_with_an_ellipsis_and_kept_whole_on_hover(site, session):
    _, soup = police_page(site, session)
    title = soup.select_one(f"#task-{task_coded(session, '6').id} .title")
    assert title.get_text().endswith("…") and len(title.get_text()) < len(LONG_TITLE)
    assert title["title"] == f"6. {LONG_TITLE}"


def test_a_refused_submission_names_the_field_at_the_top_with_a_link_to_it(site, session):
    token, two = make_token(unit_named(session, "市公安局").slug, "2020-06"), task_coded(session, "2").id
    page = site.get(f"/r/{token}")
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text)[1]
    refused = site.post(f"/r/{token}/tasks/{two}", data={"csrf": csrf, "key": secrets.token_urlsafe(24),
                                                         "status": "in_progress", "progress": "150",
                                                         "narrative": "推进中。"})
    soup = BeautifulSoup(refused.text, "html.parser")
    summary = soup.select_one(".error-summary")
    assert refused.status_code == 400 and summary is not None
    assert summary.find_previous("section") is None  # above every task
    [line] = summary.select("a")
    assert line["href"] == f"#progress-{two}" and "进度" in line.get_text() and "0 到 100" in line.get_text()
    assert soup.select_one(f"#progress-{two}").find_parent("details", class_="task").has_attr("open")
    assert soup.select_one(f"#progress-{two}")["value"] == "150"  # what was typed is kept


def test_签收_opens_the_task_again_after_the_page_reloads(site, session):
    token, one = make_token(unit_named(session, "市公安局").slug, "2020-06"), task_coded(session, "1").id
    csrf = re.search(r'name="csrf" value="([^"]+)"', site.get(f"/r/{token}").text)[1]
    answer = site.post(f"/r/{token}/tasks/{one}/acknowledge", data={"csrf": csrf})
    soup = BeautifulSoup(answer.text, "html.parser")
    assert soup.select_one(f"#task-{one}").has_attr("open") and "贵单位已于" in soup.select_one(f"#task-{one}").text


def test_the_cutoff_falling_on_a_holiday_moves_to_the_next_working_day(site, session):
    _, june = police_page(site, session)  # 2020-06-25 is 端午节; Sunday the 28th is a 调休 working day
    assert june.select_one(".cutoff").get_text() == ("本期报送截止：2020年6月28日"
                                                     "（2020年6月25日为节假日，顺延至下一个工作日）")
    _, may = police_page(site, session, period="2020-05")  # 2020-05-25, a Monday
    assert may.select_one(".cutoff").get_text() == "本期报送截止：2020年5月25日"


@pytest.mark.parametrize("period", ["2020-13", "2020-00", "2020-6", "June"])
def test_a_link_for_a_month_that_does_not_exist_opens_no_page(site, session, period):
    # Signed with the office's own key: only the period is wrong.
    token = URLSafeTimedSerializer(links().secret, salt=SALT).dumps(
        {"o": "shenzhen", "u": unit_named(session, "市公安局").slug, "p": period})
    page = site.get(f"/r/{token}")
    assert page.status_code == 403 and f"报送期“{period}”不是有效的年月" in page.text
    with pytest.raises(ValueError, match="不是有效的年月"):
        links().token(unit_named(session, "市公安局").slug, period)


def test_a_mangled_saved_or_open_parameter_still_shows_the_page(site, session):
    page, soup = police_page(site, session, saved="abc", open="1;drop")
    assert page.status_code == 200 and not soup.select("details.task[open]")
    assert "（6 项待签收）" in soup.select_one("p.meta").get_text()
