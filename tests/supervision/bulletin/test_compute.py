"""The bulletin's numbers against a small ledger computed by hand (as of 2020-06-23, period 2020-06)."""

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from reformflow.core.calendar import WorkingCalendar
from reformflow.models import Review
from reformflow.supervision.bulletin.compute import compute_bulletin
from reformflow.supervision.bulletin.documents import NoticeStyle
from reformflow.supervision.bulletin.publish import publish_bulletin
from reformflow.supervision.reports.submissions import review
from reformflow.supervision.status import DEFINITIONS, LIGHT_LABELS, UNITS_NOT_REPORTED
from tests.factories import file_report, ledger, task

AS_OF = date(2020, 6, 23)  # a Tuesday; the document was issued on 2020-01-01
JUNE_10 = datetime(2020, 6, 10, 9, tzinfo=UTC)


@pytest.fixture
def bulletin(session, tmp_path):
    """A ledger whose every number was worked out by hand (see the comments and the tables in the tests)."""
    ledger(session, tmp_path, [
        task("1", ["A局"], ["B局"], deadline=date(2020, 3, 31), area="优化政务服务"),   # claimed, accepted 06-10
        task("2", ["A局"], deadline=date(2020, 5, 29), area="优化政务服务"),            # nobody reported: overdue
        task("3", ["B局"], ["A局"], deadline=date(2020, 12, 31), area="优化政务服务"),  # 10% at 47.7% of time
        task("4", ["B局"], deadline=date(2020, 12, 31), area="优化政务服务"),           # 80%: on track
        task("5", ["C局"], area="优化政务服务"),                                          # no deadline, no report
        task("6", ["A局"], deadline=date(2020, 6, 30), area="优化政务服务"),            # extended to 09-30, 30%
        task("7", [], area="□化政务服务"),                                                # nobody named
        task("8", ["C局"], ["B局"], deadline=date(2020, 8, 31), area="□化政务服务"),   # claim pending
        task("9", ["A局"], ["C局"], deadline=date(2020, 6, 30), area="□化政务服务"),   # claim returned
        task("10", ["D局"], area="持续提升企业开办便利度"),                               # no deadline, reported
        task("11", ["E局"], deadline=date(2020, 12, 31), area="提升企业开办便利度"),     # E never reports
    ])
    accepted = file_report(session, "1", "A局", "completed", 100, day=date(2020, 6, 5))
    review(accepted.id, Review.ACCEPTED, None, session=session)
    accepted.reviewed_at = JUNE_10
    file_report(session, "3", "B局", "in_progress", 10, day=date(2020, 6, 20))
    file_report(session, "4", "B局", "in_progress", 80, day=date(2020, 6, 20))
    extension = file_report(session, "6", "A局", "extension_requested", 30, day=date(2020, 6, 15),
                            requested=date(2020, 9, 30), narrative="<script>alert(1)</script>", problems="数据未打通")
    review(extension.id, Review.APPROVED, None, session=session)
    file_report(session, "8", "C局", "completed", 100, day=date(2020, 6, 18))
    file_report(session, "8", "B局", "in_progress", 60, day=date(2020, 6, 19))
    returned = file_report(session, "9", "A局", "completed", 100, day=date(2020, 6, 12))
    review(returned.id, Review.RETURNED, "缺少验收材料", session=session)
    file_report(session, "9", "C局", "completed", 100, day=date(2020, 6, 20))  # the co-unit's part
    file_report(session, "10", "D局", "in_progress", 50, day=date(2020, 6, 19))
    session.commit()
    return compute_bulletin("2020-06", AS_OF, session=session, calendar=WorkingCalendar())


def test_totals_and_lights(bulletin):
    assert bulletin["totals"] == {"tasks": 11, "completed": 1, "claimed": 1, "overdue": 1, "at_risk": 3,
                                  "on_track": 2, "standing": 1, "no_deadline_unreported": 1, "unassigned": 1,
                                  "draft": 0, "not_reported": 3}  # tasks 2, 5 and 11
    lights = {t["code"]: t["light"] for t in bulletin["tasks"]}
    assert lights == {"1": "completed", "2": "overdue", "3": "at_risk", "4": "on_track",
                      "5": "no_deadline_unreported", "6": "at_risk", "7": "unassigned", "8": "claimed",
                      "9": "on_track", "10": "standing", "11": "at_risk"}


def test_units_count_lead_and_co_tasks_and_only_silent_units_are_未报送(bulletin):
    pick = ("lead_tasks", "co_tasks", "completed", "claimed", "overdue", "due_report", "not_reported",
            "completion_rate", "rank")
    rows = {u["unit"]: tuple(u[k] for k in pick) for u in bulletin["units"]}
    assert rows == {
        "B局": (2, 2, 1, 1, 0, 3, 0, 0.25, 1),   # tasks 1 (co), 3, 4, 8 (co)
        "A局": (4, 1, 1, 0, 1, 4, 2, 0.2, 2),    # tasks 1, 2, 3 (co), 6, 9; did not report on 2 and 3
        "C局": (2, 1, 0, 1, 0, 3, 1, 0.0, 3),    # tasks 5, 8, 9 (co); silent on 5 but reported on 8 and 9
        "D局": (1, 0, 0, 0, 0, 1, 0, 0.0, 4),
        "E局": (1, 0, 0, 0, 0, 1, 1, 0.0, 5),
    }
    assert bulletin["units_not_reported"] == ["E局"]  # A局 and C局 reported this month, on other tasks


def test_overdue_in_working_days_with_the_documents_title(bulletin):
    # 2020-05-29 (Fri) to 2020-06-23 (Tue): 17 working days (June 1–23 holds no holiday; 端午 is June 25–27).
    assert bulletin["overdue"] == [{"document": "测试改革任务清单", "source": "plan.txt", "code": "2", "title": "任务2",
                                    "lead_units": ["A局"], "deadline": "2020-05-29",
                                    "original_deadline": "2020-05-29", "days_overdue": 17}]


def test_decisions_of_the_month_each_task_once(bulletin):
    assert [(r["code"], r["unit"]) for r in bulletin["completed_this_period"]] == [("1", "A局")]
    assert [(r["code"], r["unit"]) for r in bulletin["claims_pending"]] == [("8", "C局")]
    assert [(r["code"], r["requested_deadline"], r["review"]) for r in bulletin["extension_requests"]] == [
        ("6", "2020-09-30", "approved")]
    six = next(t for t in bulletin["tasks"] if t["code"] == "6")
    assert (six["deadline"], six["extended_deadline"]) == ("2020-06-30", "2020-09-30")  # the original stays


def test_areas_as_the_document_names_them_repaired(bulletin):
    assert [(a["area"], a["tasks"]) for a in bulletin["areas"]] == [("优化政务服务", 9), ("持续提升企业开办便利度", 2)]


def test_headline_and_definitions_are_printed_as_defined(bulletin, session, data_dir):
    assert bulletin["headline"] == (
        "截至2020年6月23日，台账共有改革任务11项：已办结1项，申请销号待复核1项，红灯（逾期）1项，黄灯（滞后）3项，"
        "绿灯（按期推进）2项，持续推进1项，无时限未报送1项，待落实责任单位1项；本期应报送而未报送的任务3项，未报送单位1个。")
    published = publish_bulletin(bulletin, data_dir / "bulletins", session=session)
    html = Path(published.record.html_path).read_text(encoding="utf-8")
    for light, text in DEFINITIONS.items():
        assert LIGHT_LABELS[light] in html and text in html and text in published.markdown
    assert UNITS_NOT_REPORTED.split("：", 1)[1] in html


def test_published_files_escape_agency_text_and_keep_versions(bulletin, session, data_dir):
    first = publish_bulletin(bulletin, data_dir / "bulletins", session=session)
    html = Path(first.record.html_path).read_text(encoding="utf-8")
    assert "<script>alert" not in html and "&lt;script&gt;" in html
    assert "\\<script\\>" in first.markdown
    assert json.loads(Path(first.record.json_path).read_text(encoding="utf-8"))["totals"]["tasks"] == 11
    same = publish_bulletin(bulletin, data_dir / "bulletins", session=session)
    assert (same.new_version, same.record.version) == (False, 1)
    another_day = publish_bulletin({**bulletin, "as_of": "2020-06-24"}, data_dir / "bulletins", session=session)
    assert (another_day.new_version, another_day.record.version) == (False, 1)  # the date alone is no new version
    changed = publish_bulletin({**bulletin, "totals": {**bulletin["totals"], "overdue": 2}}, data_dir / "bulletins",
                               session=session)
    assert (changed.new_version, changed.record.version) == (True, 2)
    assert Path(first.record.html_path).read_text(encoding="utf-8") == html  # the earlier version stays


def test_charts_and_the_word_notice_carry_chinese_text(bulletin, session, data_dir):
    import docx
    from docx.oxml.ns import qn

    published = publish_bulletin(bulletin, data_dir / "bulletins", session=session,
                                 notice=NoticeStyle(issuer="某市改革办"))
    folder = Path(published.record.html_path).parent
    assert (folder / "completion-by-unit.png").stat().st_size > 2000
    assert (folder / "completion-by-unit-phone.png").stat().st_size > 2000
    assert published.record.docx_path.endswith("bulletin-2020-06-v1.docx")  # ASCII: safe as an attachment
    notice = docx.Document(published.record.docx_path)
    text = "\n".join(p.text for p in notice.paragraphs)
    assert "关于2020年6月优化营商环境改革任务落实情况的通报" in text and "某市改革办" in text
    assert notice.tables[0].rows[1].cells[1].text == "B局"
    assert bulletin["headline"] in text and "逾期天数一律按工作日计" in text
    fonts = {r._element.rPr.rFonts.get(qn("w:eastAsia")) for p in notice.paragraphs for r in p.runs if r.text}
    assert fonts == {"Noto Serif CJK SC", "FandolFang", "Noto Sans CJK SC", "FandolKai"}  # title, body, headings
    assert len(notice.inline_shapes) == 2
    html = Path(published.record.html_path).read_text(encoding="utf-8")
    assert html.count("data:image/png;base64,") == 4  # each chart for a wide screen and for a phone


def test_a_missing_chinese_font_is_an_error_not_empty_boxes(monkeypatch):
    from reformflow.supervision.bulletin import charts

    monkeypatch.setattr(charts, "CJK_FONT", "Nonexistent CJK")
    with pytest.raises(charts.MissingFontError, match="apt-get install fonts-noto-cjk"):
        charts.cjk_font()


def test_the_same_ledger_another_day_is_the_same_version(bulletin, session, data_dir):
    """Re-run the next day (an overdue task one day older) or after the month (computed as of its last day)."""
    first = publish_bulletin(bulletin, data_dir / "bulletins", session=session)
    for day in (date(2020, 6, 24), date(2020, 7, 3), date(2020, 7, 20)):
        again = compute_bulletin("2020-06", day, session=session, calendar=WorkingCalendar())
        assert publish_bulletin(again, data_dir / "bulletins", session=session).record.version == first.record.version
    assert compute_bulletin("2020-06", date(2020, 7, 3), session=session, calendar=WorkingCalendar())["as_of"] == \
        "2020-06-30"


def test_a_claim_from_an_earlier_month_is_still_listed_as_pending(bulletin, session):
    july = compute_bulletin("2020-07", date(2020, 7, 15), session=session, calendar=WorkingCalendar())
    assert [(r["code"], r["unit"]) for r in july["claims_pending"]] == [("8", "C局")]
    assert july["completed_this_period"] == []  # accepted in June, not July


def test_a_control_character_in_a_report_does_not_stop_the_bulletin(session, tmp_path, data_dir):
    """Word's manual line break (\\x0b) pasted into a report, and a NUL: the notice is still written."""
    import docx

    ledger(session, tmp_path, [task("1", ["A局"], deadline=date(2020, 6, 30))])
    file_report(session, "1", "A局", "extension_requested", 30, requested=date(2020, 9, 30),
                narrative="第一行\x0b第二行\x00", problems="数据未打通")
    session.commit()
    data = compute_bulletin("2020-06", AS_OF, session=session, calendar=WorkingCalendar())
    published = publish_bulletin(data, data_dir / "bulletins", session=session)
    notice = docx.Document(published.record.docx_path)
    cells = [cell.text for table in notice.tables for row in table.rows for cell in row.cells]
    assert any("第一行 第二行" in cell for cell in cells)  # the reason, in the table of requests
