"""Channels, table-driven: each gets a message through send() and is checked on the receiving side."""

import email
from email.header import decode_header, make_header

import pytest

from reformflow.notifications.channels.outbox import outbox_path
from reformflow.notifications.message import OutgoingMessage
from reformflow.notifications.send import masked, send

MESSAGE = OutgoingMessage("【改革任务提醒】市公安局：2项任务",
                          "**市公安局**：\n\n| 序号 | 任务 |\n|---|---|\n| 1 | 升级平台 |\n")


def mail_url(port: int) -> str:
    return f"mailto://127.0.0.1:{port}/?from=office@example.gov.cn&to=police@example.gov.cn"


def test_email_reaches_a_real_smtp_server_with_a_chinese_subject(smtp_server):
    mailbox, port = smtp_server
    assert send(mail_url(port), MESSAGE).ok
    (sender, recipients, content), = mailbox.messages
    parsed = email.message_from_bytes(content)
    assert (sender, recipients) == ("office@example.gov.cn", ["police@example.gov.cn"])
    assert str(make_header(decode_header(parsed["Subject"]))) == MESSAGE.subject
    html = next(part for part in parsed.walk() if part.get_content_type() == "text/html")
    assert "<table>" in html.get_payload(decode=True).decode("utf-8")


def test_a_refusing_smtp_server_is_a_visible_failure(smtp_server):
    mailbox, port = smtp_server
    mailbox.refuse = True
    delivery = send(mail_url(port), MESSAGE)
    assert not delivery.ok and delivery.error


def test_the_local_outbox_writes_one_readable_file(data_dir):
    assert not send("outbox://sz-police", MESSAGE).ok  # no folder given: nothing is written anywhere
    assert send("outbox://sz-police", MESSAGE, outbox_dir=data_dir / "outbox").ok
    folder = outbox_path(data_dir / "outbox", "sz-police", "", "").parent
    path, = folder.iterdir()
    text = path.read_text(encoding="utf-8")
    assert text.startswith("To: sz-police\n") and f"Subject: {MESSAGE.subject}" in text
    assert MESSAGE.body.strip() in text
    send("outbox://sz-police", MESSAGE, outbox_dir=data_dir / "outbox")
    assert list(folder.iterdir()) == [path]  # the same message again lands on the same file


@pytest.mark.parametrize(("url", "problem"), [
    ("nonsense://x", "not a usable notification URL"),
    ("wecombot://${MISSING_WECOM_KEY}", "MISSING_WECOM_KEY"),
])
def test_unusable_contacts_fail_with_a_reason(url, problem):
    delivery = send(url, MESSAGE)
    assert not delivery.ok and problem in delivery.error


def test_secrets_are_masked_when_shown(monkeypatch):
    shown = masked("mailtos://reform:s3cret-pass@smtp.example.gov.cn?to=a@example.gov.cn")
    assert "s3cret-pass" not in shown and "smtp.example.gov.cn" in shown
    monkeypatch.setenv("SMTP_PASSWORD", "s3cret-pass")
    delivery = send("mailto://reform:${SMTP_PASSWORD}@127.0.0.1:1/?to=a@example.gov.cn", MESSAGE)
    assert not delivery.ok and "s3cret-pass" not in delivery.error
