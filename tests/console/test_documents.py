"""文件: a document uploaded in the console waits for the office's review; its corrections are what the ledger
receives when it is published, through the same steps as the ingest-document flow."""

import re
from datetime import date

import pytest
from prefect.settings import PREFECT_API_URL, temporary_settings
from sqlmodel import select

from reformflow.flows.extract import parse_document
from reformflow.models import Assignment, AuditEntry, Document, Task
from reformflow.parsing.edits import DocumentEdits, TaskEdit, write_edits
from tests.console.conftest import csrf_of, log_in
from tests.factories import unit_named

PLAN = """关于印发深圳市2020年营商环境测试任务清单的通知

一、优化政务服务
1. 推行户籍业务全程网上办理，2020年6月底前完成。（市公安局、市税务局）
2. 实现电子证照跨部门互认，2020年9月底前完成。（市税务局）
3. 建设联合验收信息平台，2020年12月底前完成。（市住建局）
"""


def upload(client, name="plan2.txt", content: bytes | None = None):
    content = PLAN.encode() if content is None else content
    return client.post("/console/documents/upload", data={"csrf": csrf_of(client, "/console/documents")},
                       files={"document": (name, content, "text/plain")})


def test_a_document_is_reviewed_corrected_and_only_then_published(client, office, data_dir):
    log_in(client, "admin")
    page = upload(client)
    assert page.status_code == 200 and "识别任务 3 项" in page.text and "0.85" in page.text
    assert office.exec(select(Document).where(Document.source == "plan2.txt")).first() is None  # not yet
    token = re.search(r"/console/documents/staged/([0-9a-f]{32})", page.url.path).group(1)
    form = {"csrf": csrf_of(client), "title:2": "实现电子证照跨部门互认", "lead:2": "市公安局", "co:2": "市税务局",
            "deadline:2": "2020-10-31"}
    saved = client.post(f"/console/documents/staged/{token}/edit", data=form)
    assert "修改已保存（尚未发布）" in saved.text and 'value="2020-10-31"' in saved.text
    published = client.post(f"/console/documents/staged/{token}/publish", data={"csrf": csrf_of(client)})
    assert "已发布到台账" in published.text
    office.expire_all()
    document = office.exec(select(Document).where(Document.source == "plan2.txt")).one()
    task = office.exec(select(Task).where(Task.document_id == document.id, Task.code == "2")).one()
    assert task.deadline == date(2020, 10, 31)
    roles = {(a.unit_id, a.role) for a in office.exec(select(Assignment).where(Assignment.task_id == task.id))}
    assert roles == {(unit_named(office, "市公安局").id, "lead"), (unit_named(office, "市税务局").id, "co")}
    assert not (data_dir / "console-uploads" / token).exists()
    assert (data_dir / "inbox" / "plan2.txt").exists()  # where the ingest-document flow reads it
    actions = [e.action for e in office.exec(select(AuditEntry).order_by(AuditEntry.id))]
    assert actions[-3:] == ["上传文件", "修改识别结果", "发布文件"]


def test_a_wrong_deadline_is_named_and_nothing_is_saved(client, office, data_dir):
    log_in(client, "admin")
    token = re.search(r"staged/([0-9a-f]{32})", upload(client).url.path).group(1)
    response = client.post(f"/console/documents/staged/{token}/edit",
                           data={"csrf": csrf_of(client), "deadline:3": "下半年", "lead:1": "市税务局"})
    assert response.status_code == 400 and "第3项“完成时限”：“下半年”不是日期" in response.text
    assert not list((data_dir / "console-uploads" / token).glob("*.edits.json"))


def test_a_file_that_cannot_be_read_is_refused_and_not_kept(client, data_dir):
    log_in(client, "admin")
    response = upload(client, "empty.txt", b"")
    assert response.status_code == 400 and "无法从文件“empty.txt”中识别任务" in response.text
    assert not list((data_dir / "console-uploads").glob("*/*"))


def test_only_an_admin_uploads_or_publishes(client, office):
    log_in(client, "staff")
    response = upload(client)
    assert response.status_code == 403 and "没有这项权限" in response.text


def test_a_revised_document_shows_what_it_changes_before_it_is_applied(client, office):
    log_in(client, "admin")
    token = re.search(r"staged/([0-9a-f]{32})", upload(client).url.path).group(1)
    client.post(f"/console/documents/staged/{token}/publish", data={"csrf": csrf_of(client)})
    revised = PLAN.replace("3. 建设联合验收信息平台，2020年12月底前完成。（市住建局）\n", "")
    page = upload(client, content=revised.encode()).text
    assert "这是台账中已有文件的修订版" in page and "删除 1 项（3）" in page
    office.expire_all()
    assert office.exec(select(Task).where(Task.code == "3", Task.removed_at.is_(None))).all()  # not applied yet


def test_the_ingest_flows_parsing_step_applies_the_same_corrections(tmp_path):
    path = tmp_path / "plan2.txt"
    path.write_text(PLAN, encoding="utf-8")
    write_edits(path, DocumentEdits(tasks={"3": TaskEdit(title="建设联合验收平台", lead_units=["市税务局"], co_units=[],
                                                          deadline=None)}))
    task = parse_document.fn(str(path)).tasks[2]  # the extract flow's task, as the ingest-document flow runs it
    assert (task.title, task.lead_units, task.deadline, task.deadline_kind) == ("建设联合验收平台", ["市税务局"], None,
                                                                                None)


def staged_token(client) -> str:
    return re.search(r"staged/([0-9a-f]{32})", upload(client).url.path).group(1)


def test_the_office_splits_and_merges_tasks_before_publishing(client, office):
    log_in(client, "admin")
    token = staged_token(client)
    parts = "推行户籍业务网上办理。\r\n \r\n户籍业务全程网上办理，2020年6月底前完成。"  # a line of spaces is blank
    split = client.post(f"/console/documents/staged/{token}/split",
                        data={"csrf": csrf_of(client), "code": "1", "text": parts})
    assert "修改已保存（尚未发布）" in split.text and 'id="task-1.2"' in split.text
    merged = client.post(f"/console/documents/staged/{token}/merge", data={"csrf": csrf_of(client), "code": "3"})
    assert "识别任务 3 项" in merged.text and 'id="task-3"' not in merged.text  # 1.1, 1.2 and 2 (with 3)
    client.post(f"/console/documents/staged/{token}/publish", data={"csrf": csrf_of(client)})
    office.expire_all()
    document = office.exec(select(Document).where(Document.source == "plan2.txt")).one()
    tasks = office.exec(select(Task).where(Task.document_id == document.id).order_by(Task.code)).all()
    assert [(t.code, t.title, t.text) for t in tasks] == [
        ("1.1", "推行户籍业务全程网上办理，2020年6月底前完成（一）", "推行户籍业务网上办理。"),
        ("1.2", "推行户籍业务全程网上办理，2020年6月底前完成（二）", "户籍业务全程网上办理，2020年6月底前完成。"),
        ("2", "实现电子证照跨部门互认，2020年9月底前完成",
         "实现电子证照跨部门互认，2020年9月底前完成。（市税务局）\n建设联合验收信息平台，2020年12月底前完成。（市住建局）")]
    units = {t.code: {(a.unit_id, a.role) for a in office.exec(select(Assignment).where(Assignment.task_id == t.id))}
             for t in tasks}
    police, tax, housing = (unit_named(office, name).id for name in ("市公安局", "市税务局", "市住建局"))
    assert units == {"1.1": {(police, "lead"), (tax, "co")}, "1.2": {(police, "lead"), (tax, "co")},
                     "2": {(tax, "lead"), (housing, "lead")}}
    assert tasks[2].deadline == date(2020, 9, 30)  # the kept task's
    actions = [e.action for e in office.exec(select(AuditEntry).order_by(AuditEntry.id))]
    assert actions[-4:] == ["上传文件", "拆分任务", "合并任务", "发布文件"]


def test_a_split_part_is_corrected_merged_back_and_bad_changes_are_named(client, office, data_dir):
    log_in(client, "admin")
    token = staged_token(client)
    client.post(f"/console/documents/staged/{token}/split",
                data={"csrf": csrf_of(client), "code": "2", "text": "甲。\n\n乙。\n\n丙。"})
    corrected = client.post(f"/console/documents/staged/{token}/edit",
                            data={"csrf": csrf_of(client), "title:2.3": "丙项", "lead:2.3": "市公安局"})
    assert 'value="丙项"' in corrected.text
    page = client.post(f"/console/documents/staged/{token}/merge", data={"csrf": csrf_of(client), "code": "2.2"})
    assert 'id="task-2.3"' not in page.text and "甲。\n乙。" in page.text  # the parts that remain renumbered
    bad = {"1": ("merge", {"code": "1"}, "第1项是第一项，上面没有可并入的任务。"),
           "3": ("merge", {"code": "3"}, "第3项：拆分出的部分只能与同一项拆分出的相邻部分合并。"),
           "9": ("split", {"code": "9", "text": "甲\n\n乙"}, "第9项不存在，无法拆分。"),
           "2.1": ("split", {"code": "2.1", "text": "甲。乙。"}, "第2.1项至少要拆分为两部分（各部分之间空一行）。")}
    before = (data_dir / "console-uploads" / token / "plan2.txt.edits.json").read_text()
    for action, form, message in bad.values():
        response = client.post(f"/console/documents/staged/{token}/{action}", data={"csrf": csrf_of(client), **form})
        assert response.status_code == 400 and message in response.text
    assert (data_dir / "console-uploads" / token / "plan2.txt.edits.json").read_text() == before  # nothing saved


def test_only_an_admin_with_the_forms_csrf_splits_or_merges(client, office, data_dir):
    log_in(client, "admin")
    token = staged_token(client)
    for action, form in (("split", {"code": "1", "text": "甲\n\n乙"}), ("merge", {"code": "2"})):
        response = client.post(f"/console/documents/staged/{token}/{action}", data=form)
        assert response.status_code == 403 and "表单已失效" in response.text
    log_in(client, "staff")
    assert "拆分" not in client.get(f"/console/documents/staged/{token}").text.split("</thead>")[0]
    for action, form in (("split", {"code": "1", "text": "甲\n\n乙"}), ("merge", {"code": "2"})):
        response = client.post(f"/console/documents/staged/{token}/{action}", data={"csrf": csrf_of(client), **form})
        assert response.status_code == 403 and "没有这项权限" in response.text
    assert not list((data_dir / "console-uploads" / token).glob("*.edits.json"))


@pytest.fixture(autouse=True)
def without_a_prefect_server():
    """Publishing here runs the ingest steps in-process, as an installation without a Prefect server does; a test
    server that an earlier test of the session started must not be announced to instead."""
    with temporary_settings(restore_defaults={PREFECT_API_URL}):
        yield
