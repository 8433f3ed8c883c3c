"""monthly-bulletin on the real Prefect engine, delivered by email with the Word notice attached."""

import email
from datetime import date, datetime
from zoneinfo import ZoneInfo

import docx
import pdfplumber
import pytest

from reformflow.core.settings import settings
from reformflow.flows import common
from reformflow.flows.bulletin import monthly_bulletin
from reformflow.supervision.ledger import store_document
from reformflow.supervision.units.assignment import assign_tasks
from reformflow.supervision.units.directory import load_directory
from tests.factories import directory_file, document, new_session, no_decisions, task

pytestmark = pytest.mark.usefixtures("prefect_server")


def test_the_bulletin_is_emailed_once_with_its_word_notice(data_dir, tmp_path, smtp_server, monkeypatch):
    """With the office's 文号 and name from the settings; the notice and its PDF are both attached."""
    monkeypatch.setattr(settings, "notice_number", "深营商办〔{year}〕{month}号")
    monkeypatch.setattr(settings, "notice_issuer", "深圳市优化营商环境改革工作领导小组办公室")
    mailbox, port = smtp_server
    mail = f"mailto://127.0.0.1:{port}/?from=office@example.gov.cn&to=leaders@example.gov.cn"
    with new_session() as session:
        store_document(document([task("1", ["市公安局"], deadline=date(2020, 5, 31))]), session=session)
        directory = load_directory(directory_file(tmp_path / "d.yaml", {"市公安局": [("outbox", "outbox://police")]},
                                                  office_contacts=[("email", mail)]))
        assign_tasks(directory, no_decisions(), session=session)
        session.commit()
    monkeypatch.setattr(common, "office_now", lambda: datetime(2020, 7, 1, 9, 5, tzinfo=ZoneInfo("Asia/Shanghai")))

    result = monthly_bulletin(period="2020-06", as_of=date(2020, 6, 30))
    assert result["totals"]["overdue"] == 1 and result["version"] == 1
    (_, recipients, content), = mailbox.messages
    parsed = email.message_from_bytes(content)
    names = [part.get_filename() for part in parsed.walk() if part.get_filename()]
    assert recipients == ["leaders@example.gov.cn"]
    assert names == ["bulletin-2020-06-v1.docx", "bulletin-2020-06-v1.pdf"]  # ASCII names: safe in every client
    notice = "\n".join(p.text for p in docx.Document(result["docx"]).paragraphs)
    assert "深营商办〔2020〕6号" in notice and "深圳市优化营商环境改革工作领导小组办公室" in notice
    with pdfplumber.open(result["pdf"]) as pdf:
        assert "深营商办〔2020〕6号" in pdf.pages[0].extract_text().replace(" ", "")
    html = next(p for p in parsed.walk() if p.get_content_type() == "text/html").get_payload(decode=True)
    assert "优化营商环境改革任务月度通报" in html.decode("utf-8")

    again = monthly_bulletin(period="2020-06", as_of=date(2020, 6, 30))
    assert again["version"] == 1 and len(mailbox.messages) == 1  # same numbers: same version, no second email


def test_a_bulletin_that_cannot_be_written_fails_visibly_and_tells_the_office(data_dir, tmp_path, monkeypatch):
    from sqlmodel import select

    from reformflow.models import Bulletin, Message
    from reformflow.supervision.bulletin import publish

    with new_session() as session:
        store_document(document([task("1", ["市公安局"], deadline=date(2020, 5, 31))]), session=session)
        directory = load_directory(directory_file(tmp_path / "d.yaml", {"市公安局": [("outbox", "outbox://police")]}))
        assign_tasks(directory, no_decisions(), session=session)
        session.commit()
    monkeypatch.setattr(common, "office_now", lambda: datetime(2020, 7, 1, 9, 5, tzinfo=ZoneInfo("Asia/Shanghai")))

    def broken_docx(*args):
        raise ValueError("All strings must be XML compatible")

    monkeypatch.setattr(publish, "write_docx", broken_docx)
    with pytest.raises(ValueError, match="XML compatible"):
        monthly_bulletin(period="2020-06", as_of=date(2020, 6, 30))

    with new_session() as session:
        assert session.exec(select(Bulletin)).all() == []
        told = session.exec(select(Message).where(Message.subject.startswith("【月度通报未生成】"))).one()
    assert (told.state, told.channel) == ("sent", "outbox")
    assert "ValueError: All strings must be XML compatible" in told.body
    assert list((data_dir / "bulletins" / "2020-06").iterdir()) == []  # no half-written version folder
