"""Report files as they arrive in practice (issue #17): text pasted from Word with its control characters, a
file far too long, something that is not a file at all. Each is imported clean or refused whole, by name."""

import os
from datetime import date

import pytest
from sqlmodel import select

from bench.hostile_files import many_rows_xlsx
from reformflow.models import StatusReport
from reformflow.parsing import DocumentLimits
from reformflow.supervision.reports import files
from reformflow.supervision.reports.collect import ReportImportError, import_reports
from tests.factories import ledger, task

HEADER = "source,code,unit,status,progress,note,reported_at\n"


@pytest.fixture
def directory(session, tmp_path):
    return ledger(session, tmp_path, [task("1", ["市公安局"], deadline=date(2020, 6, 30))])


def load(session, path, directory):
    return import_reports(path, directory, session=session, timezone="Asia/Shanghai")


def test_control_characters_are_normalised_and_nothing_stored_carries_them(session, tmp_path, directory):
    path = tmp_path / "reports.csv"
    path.write_text(HEADER + "plan.txt,1,市公\x00安局\x0b,推进中\x1b,50,一期上线\x0b二期测试中\x00,2020-06-20\n",
                    encoding="utf-8")
    assert load(session, path, directory).imported == 1
    report = session.exec(select(StatusReport)).one()
    assert (report.status, report.narrative) == ("in_progress", "一期上线\n二期测试中")


def test_a_file_with_more_rows_than_a_report_has_is_refused_whole(session, tmp_path, directory, monkeypatch):
    monkeypatch.setattr(files, "MAX_ROWS", 3)
    path = tmp_path / "reports.csv"
    path.write_text(HEADER + "plan.txt,1,市公安局,推进中,50,进行中,2020-06-20\n" * 4, encoding="utf-8")
    with pytest.raises(ReportImportError) as error:
        load(session, path, directory)
    assert error.value.errors == ["reports.csv 超过3行：请拆分后分批导入"]
    assert session.exec(select(StatusReport)).all() == []


def test_a_fifo_is_refused_instead_of_blocking_the_import(session, tmp_path, directory):
    path = tmp_path / "reports.csv"
    os.mkfifo(path)
    with pytest.raises(ReportImportError) as error:
        load(session, path, directory)
    assert error.value.errors == ["reports.csv：不是普通文件（设备、管道或目录），无法导入"]


def test_an_excel_file_that_unpacks_too_far_is_refused_before_it_is_read(session, tmp_path, directory, monkeypatch):
    monkeypatch.setattr(files, "LIMITS", DocumentLimits(max_unzipped_bytes=2**20))
    path = many_rows_xlsx(tmp_path / "reports.xlsx", 20_000)
    with pytest.raises(ReportImportError) as error:
        load(session, path, directory)
    assert error.value.errors[0].startswith("reports.xlsx：文件过大或已损坏，未导入（reports.xlsx: unpacks to")


def test_a_field_longer_than_csv_allows_is_named_by_its_row(session, tmp_path, directory):
    path = tmp_path / "reports.csv"
    path.write_text(HEADER + "plan.txt,1,市公安局,推进中,50," + "长" * 200_000 + ",2020-06-20\n", encoding="utf-8")
    with pytest.raises(ReportImportError) as error:
        load(session, path, directory)
    assert error.value.errors[0].startswith("reports.csv 第2行：无法读取：field larger than field limit")
