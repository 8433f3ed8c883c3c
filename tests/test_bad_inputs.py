"""The catalogue of bad inputs and the exact message each gets (the README lists the same table). Every one
leaves what is stored untouched."""

from pathlib import Path

import pytest
from sqlmodel import select

from reformflow.models import StatusReport, Task
from reformflow.parsing import ExtractionError, extract_file
from reformflow.supervision.reports.collect import ReportImportError, import_reports
from reformflow.supervision.units.directory import DirectoryError, MentionProblem, load_directory
from tests.factories import ledger, task

FILES = [
    ("empty.txt", b"", "empty.txt: the file is empty"),
    ("binary.txt", b"\x00\x01\x02\x03binary", "binary.txt: binary content, not a text document"),
    ("latin.txt", bytes(range(128, 256)) * 4, "latin.txt: not UTF-8, GB18030 or Big5 text"),
    ("slides.key", b"PK\x03\x04", "slides.key: unsupported file type '.key'"),
    ("broken.pdf", b"%PDF-1.4", "broken.pdf: not a readable .pdf file"),
    ("broken.xlsx", b"PK\x03\x04 truncated", "broken.xlsx: not a readable .xlsx file"),
]


@pytest.mark.parametrize(("name", "content", "message"), FILES)
def test_unreadable_documents(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ExtractionError) as error:
        extract_file(path)
    assert str(error.value).startswith(message)


PROBLEMS = [
    ("| 编号 | 内容 |\n|---|---|\n| 1 | 优化服务 |\n",
     "no-columns.md: no tasks found: neither a task table nor numbered items"),
    ("| 序号 | 改革措施 | 牵头单位 | 完成时限 |\n|---|---|---|---|\n| 1 | 优化服务。 | 市税务局 | 下半年 |\n",
     "no-columns.md:3: task 1: deadline '下半年' is not a date"),
    ("| 序号 | 改革措施 | 牵头单位 | 完成时限 |\n|---|---|---|---|\n| 1 | 优化服务。 |\n",
     "no-columns.md:3: row has 2 cells, the header has 4; skipped"),
]


@pytest.mark.parametrize(("text", "problem"), PROBLEMS)
def test_documents_with_problems_list_them_with_file_and_line(tmp_path, text, problem):
    path = tmp_path / "no-columns.md"
    path.write_text(text, encoding="utf-8")
    assert problem in [str(p) for p in extract_file(path).problems]


DIRECTORIES = [
    ("office: {name: 改革办}\nunit:\n  - {id: a, name: 市公安局}\n", "units: Field required"),
    ("office: {name: 改革办}\nunits:\n  - {id: A B, name: 市公安局}\n", "units[0] (市公安局).id: String should match"),
    ("office: {name: 改革办}\nunits:\n  - {id: a, name: 市公安局, contacts: [{channel: email, url: police}]}\n",
     "units[0] (市公安局).contacts[0]: Value error, 'police' is not an Apprise URL"),
    ('office: {name: 改革办}\nunits:\n  - {id: a, name: "市公安局\\0", aliases: ["公安\\v局"]}\n',
     "units[0] (市公安局).name: control character U+0000 in '市公安局'; remove it; "
     "units[0] (市公安局).aliases[0]: control character U+000B in '公安 局'; remove it"),
]


@pytest.mark.parametrize(("text", "message"), DIRECTORIES)
def test_directory_files_with_a_typo(tmp_path, text, message):
    path = tmp_path / "directory.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DirectoryError) as error:
        load_directory(path)
    assert message in str(error.value)


REPORTS = [
    ("plan.txt,1,市公安局,推进中,abc,进行中,2020-06-20",
     "reports.csv 第2行，“进度”列：“abc”不是整数"),
    ("plan.txt,1,市外星局,推进中,50,进行中,2020-06-20",
     "reports.csv 第2行，“单位”列：“市外星局”不是通讯录中的一个单位"),
    ("plan.txt,1,市公安局,推进中,50,进行中,下周", "reports.csv 第2行，“报送日期”列：“下周”不是日期"),
]


@pytest.mark.parametrize(("row", "message"), REPORTS)
def test_malformed_reports_change_nothing(session, tmp_path, row, message):
    directory = ledger(session, tmp_path, [task("1", ["市公安局"])])
    before = [(t.status, t.progress) for t in session.exec(select(Task))]
    path = tmp_path / "reports.csv"
    path.write_text("source,code,unit,status,progress,note,reported_at\n" + row + "\n", encoding="utf-8")
    with pytest.raises(ReportImportError) as error:
        import_reports(path, directory, session=session, timezone="Asia/Shanghai")
    assert message in str(error.value)
    assert session.exec(select(StatusReport)).all() == []
    assert [(t.status, t.progress) for t in session.exec(select(Task))] == before


def test_an_unknown_unit_goes_to_review_with_candidates(session, tmp_path):
    from reformflow.supervision.ledger import store_document
    from reformflow.supervision.units.assignment import assign_tasks
    from tests.factories import directory_file, document, no_decisions, outbox_units

    store_document(document([task("1", ["市公安分局"])]), session=session)
    directory = load_directory(directory_file(Path(tmp_path) / "d.yaml", outbox_units("市公安局")))
    (item,) = assign_tasks(directory, no_decisions(), session=session).review
    assert (item.mention, item.reason, item.candidates[0][0]) == (
        "市公安分局", MentionProblem.NOT_IN_DIRECTORY, "市公安局")
