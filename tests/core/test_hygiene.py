"""Control characters and NUL (issue #17): every entrance normalises them, so nothing stored can break
PostgreSQL, the Word notice or the Excel ledger later."""

import os
import subprocess
import sys

import psycopg
import pytest
from openpyxl import load_workbook
from sqlmodel import select

from reformflow.core.hygiene import safe_line, safe_text, unsafe_characters
from reformflow.core.settings import settings
from reformflow.parsing import extract_file

PG = "postgres@127.0.0.1:5432"


def test_line_breaks_of_every_kind_become_newlines_and_controls_go():
    assert safe_text("第一行\x0b第二行\r\n第三行\u2028第四行\x0c") == "第一行\n第二行\n第三行\n第四行\n"
    assert safe_text("市公\x00安局\x1b[31m\x07\ud800\ufffe\x85") == "市公安局[31m\n"
    assert safe_text("\t制表符保留") == "\t制表符保留"
    assert safe_line("市公安局\x0b治安支队") == "市公安局 治安支队"
    assert unsafe_characters("a\x00b\x0bc\x00") == ["U+0000", "U+000B"]


def nul_document(tmp_path):
    """A text document whose NUL bytes sit after the first 4 KiB, where the binary check does not look."""
    preface = "关于优化营商环境的实施方案\n" + "为深入贯彻落实优化营商环境条例，制定本方案。\n" * 120
    assert len(preface.encode()) > 4096
    body = "1．压缩企业开办\x00时间至一个工作日。（市市场监管局）\x0b2．推行工程建设项目联合验收。（市住房建设局）\n"
    path = tmp_path / "plan.txt"
    path.write_bytes((preface + body).encode("utf-8"))
    return path


def test_a_document_with_nul_after_its_first_4_kib_reads_clean_and_says_so(tmp_path):
    document = extract_file(nul_document(tmp_path))
    assert [t.text for t in document.tasks] == ["压缩企业开办时间至一个工作日。（市市场监管局）",
                                                "推行工程建设项目联合验收。（市住房建设局）"]
    assert not any(unsafe_characters(t.original_text) for t in document.tasks)
    assert "plan.txt: control characters removed (line breaks kept): U+0000" in [str(p) for p in document.problems]


def test_a_document_name_with_control_characters_is_stored_without_them(tmp_path):
    path = tmp_path / "plan\x1b[31m.txt"
    path.write_text("1．压缩企业开办时间。（市市场监管局）\n", encoding="utf-8")
    document = extract_file(path)
    assert document.source == document.tasks[0].source == "plan[31m.txt"


def test_extract_xlsx_of_such_a_document_writes_the_ledger(tmp_path):
    out = tmp_path / "ledger.xlsx"
    result = subprocess.run([sys.executable, "-m", "reformflow", "extract", str(nul_document(tmp_path)), "--xlsx",
                             str(out)], capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    rows = list(load_workbook(out).active.iter_rows(min_row=3, values_only=True))
    assert [row[4] for row in rows] == ["市市场监管局", "市住房建设局"]
    assert "NUL" not in result.stderr and "U+0000" in result.stderr  # the office is told what was removed


def test_the_excel_writer_drops_what_excel_refuses(tmp_path):
    from openpyxl import Workbook

    from reformflow.parsing.workbook import append_text_row

    sheet = Workbook().active
    append_text_row(sheet, ["推进中\x00\x0b下月完成", "=1+1", 5])
    assert [cell.value for cell in sheet[1]] == ["推进中\n下月完成", "=1+1", 5]
    assert sheet["B1"].data_type == "s"


def test_a_document_name_with_control_characters_still_gives_a_ledger(tmp_path):
    from reformflow.parsing.workbook import write_ledger
    from tests.factories import document, task

    path = write_ledger([document([task("1", ["市公安局"])], source="计划\x1b[2J\x0b.txt")], tmp_path / "l.xlsx")
    assert load_workbook(path).sheetnames == ["计划_2J "]


@pytest.fixture
def postgres_ledger(monkeypatch):
    """A PostgreSQL ledger of this test's own (created, then dropped), as production runs it."""
    from reformflow.core.settings import settings

    name = f"hostile_{os.getpid()}"
    with psycopg.connect(f"postgresql://{PG}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    monkeypatch.setattr(settings, "database_url", f"postgresql+psycopg://{PG}/{name}")
    yield
    from reformflow.core.db import get_engine

    get_engine(settings.office).dispose()
    with psycopg.connect(f"postgresql://{PG}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_document_with_nul_imports_on_postgresql(tmp_path, postgres_ledger):
    from reformflow.core import db
    from reformflow.models import Task
    from reformflow.supervision.ledger import store_document

    with db.transaction(settings.office) as session:
        summary = store_document(extract_file(nul_document(tmp_path)), session=session)
    with db.transaction(settings.office) as session:
        texts = [t.original_text for t in session.exec(select(Task).order_by(Task.code))]
    assert summary.added == ["1", "2"]
    assert texts == ["压缩企业开办时间至一个工作日。（市市场监管局）", "推行工程建设项目联合验收。（市住房建设局）"]
