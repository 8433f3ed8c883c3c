"""The bulletin's numbers against a small ledger computed by hand (as of 2020-06-23, period 2020-06)."""

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlmodel import select

from reformflow.models import StatusReport, Task, Unit
from reformflow.supervision.bulletin.compute import compute_bulletin
from reformflow.supervision.bulletin.publish import publish_bulletin
from reformflow.supervision.reports.collect import refresh_task_status
from tests.factories import ledger, task

AS_OF = date(2020, 6, 23)


@pytest.fixture
def bulletin(session, tmp_path):
    ledger(session, tmp_path, [
        task("1", ["A局"], ["B局"], deadline=date(2020, 3, 31)),   # completed this month
        task("2", ["A局"], deadline=date(2020, 5, 31)),            # overdue 23 days, nobody reported
        task("3", ["B局"], ["A局"], deadline=date(2020, 12, 31)),  # 10% with 48% of the time gone: yellow
        task("4", ["B局"], deadline=date(2020, 12, 31)),           # 80%: green
        task("5", ["C局"]),                                        # standing, not reported: green
        task("6", ["A局"], deadline=date(2020, 9, 30)),            # extension requested at 30%: yellow
    ])
    units = {u.name: u.id for u in session.exec(select(Unit))}
    tasks = {t.code: t for t in session.exec(select(Task))}
    for code, unit, status, progress, note in [
        ("1", "A局", "completed", 100, "已办结"), ("3", "B局", "in_progress", 10, "启动"),
        ("4", "B局", "in_progress", 80, "顺利"), ("6", "A局", "extension_requested", 30, "<script>alert(1)</script>"),
    ]:
        session.add(StatusReport(task_id=tasks[code].id, unit_id=units[unit], period="2020-06", status=status,
                                 progress=progress, narrative=note,
                                 submitted_at=datetime(2020, 6, 20, tzinfo=UTC)))
    session.flush()
    for item in tasks.values():
        refresh_task_status(item, session=session)
    session.commit()
    return compute_bulletin("2020-06", AS_OF, session=session)


def test_totals(bulletin):
    assert bulletin["totals"] == {"tasks": 6, "completed": 1, "on_track": 2, "at_risk": 2, "overdue": 1,
                                  "not_reported": 2}


def test_units_count_lead_and_co_tasks_and_are_ranked(bulletin):
    rows = {u["unit"]: u for u in bulletin["units"]}
    pick = ("lead_tasks", "co_tasks", "completed", "overdue", "not_reported", "completion_rate", "rank")
    assert {name: tuple(row[k] for k in pick) for name, row in rows.items()} == {
        "B局": (2, 1, 1, 0, 0, 0.3333, 1),
        "A局": (3, 1, 1, 1, 2, 0.25, 2),
        "C局": (1, 0, 0, 0, 1, 0.0, 3),
    }
    assert bulletin["units_not_reported"] == ["A局", "C局"]


def test_overdue_list_and_extension_requests(bulletin):
    assert bulletin["overdue"] == [{"source": "plan.txt", "code": "2", "title": "任务2", "deadline": "2020-05-31",
                                    "days_overdue": 23, "lead_units": ["A局"]}]
    assert [(r["code"], r["unit"]) for r in bulletin["extension_requests"]] == [("6", "A局")]
    assert [(r["code"], r["unit"]) for r in bulletin["completed_this_period"]] == [("1", "A局")]
    lights = {t["code"]: t["light"] for t in bulletin["tasks"]}
    assert lights == {"1": "completed", "2": "overdue", "3": "at_risk", "4": "on_track", "5": "on_track",
                      "6": "at_risk"}


def test_published_files_escape_agency_text_and_keep_versions(bulletin, session, data_dir):
    first = publish_bulletin(bulletin, data_dir / "bulletins", session=session)
    html = Path(first.record.html_path).read_text(encoding="utf-8")
    assert "<script>alert" not in html and "&lt;script&gt;" in html
    assert "\\<script\\>" in first.markdown
    assert json.loads(Path(first.record.json_path).read_text(encoding="utf-8"))["totals"]["tasks"] == 6
    same = publish_bulletin(bulletin, data_dir / "bulletins", session=session)
    assert (same.new_version, same.record.version) == (False, 1)
    changed = publish_bulletin({**bulletin, "as_of": "2020-06-24"}, data_dir / "bulletins", session=session)
    assert (changed.new_version, changed.record.version) == (True, 2)
    assert Path(first.record.html_path).read_text(encoding="utf-8") == html  # the earlier version stays


def test_charts_and_the_word_notice_carry_chinese_text(bulletin, session, data_dir):
    import docx
    from docx.oxml.ns import qn

    published = publish_bulletin(bulletin, data_dir / "bulletins", session=session, office="某市改革办")
    folder = Path(published.record.html_path).parent
    assert (folder / "completion-by-unit.png").stat().st_size > 5000
    assert published.record.docx_path.endswith("bulletin-2020-06-v1.docx")  # ASCII: safe as an attachment
    notice = docx.Document(published.record.docx_path)
    text = "\n".join(p.text for p in notice.paragraphs)
    assert "优化营商环境改革任务月度通报（2020-06）" in text and "某市改革办" in text
    assert notice.tables[0].rows[1].cells[1].text == "B局"
    fonts = {r._element.rPr.rFonts.get(qn("w:eastAsia")) for p in notice.paragraphs for r in p.runs if r.text}
    assert fonts == {"Noto Sans CJK SC"}
    assert len(notice.inline_shapes) == 2
    html = Path(published.record.html_path).read_text(encoding="utf-8")
    assert html.count('src="data:image/png;base64,') == 2


def test_a_missing_chinese_font_is_an_error_not_empty_boxes(monkeypatch):
    from reformflow.supervision.bulletin import documents as bulletin_docs

    monkeypatch.setattr(bulletin_docs, "CJK_FONT", "Nonexistent CJK")
    with pytest.raises(bulletin_docs.MissingFontError, match="apt-get install fonts-noto-cjk"):
        bulletin_docs.cjk_font()
