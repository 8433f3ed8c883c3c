"""E-mail over a pooled SMTP connection, against a real SMTP server (aiosmtpd): one connection for a batch,
one result per message, a refusal that spoils nothing for the next message, a dropped connection reopened."""

import email
from email.header import decode_header, make_header
from email.utils import getaddresses

import pytest
from aiosmtpd.controller import Controller

from reformflow.notifications.channels.email import WIRE, build, read_url
from reformflow.notifications.message import OutgoingMessage
from reformflow.notifications.send import Courier
from tests.conftest import Mailbox, free_port

HTML = OutgoingMessage("【改革任务提醒】市公安局：1项任务",
                       "<p><b>市公安局</b>：</p><table><tr><th>序号</th><th>任务</th></tr>"
                       "<tr><td>1</td><td>升级平台</td></tr></table>"
                       '<p><a href="https://reform.example.gov.cn/r/TOKEN">点击这里报送进展</a></p>', "html")


class Server(Mailbox):
    """Keeps which connection each message came on, and refuses the addresses it is told to."""

    def __init__(self) -> None:
        super().__init__()
        self.peers: list[tuple[str, int]] = []
        self.refused_addresses: set[str] = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refused_addresses:
            return "550 5.1.1 No such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.peers.append(session.peer)
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def server():
    mailbox = Server()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield mailbox, controller
    finally:
        controller.stop()


def url(port: int, to: str, extra: str = "") -> str:
    return f"mailto://127.0.0.1:{port}/?from=office@example.gov.cn&to={to}{extra}"


def test_a_batch_uses_one_connection_and_each_message_arrives_once(server):
    mailbox, controller = server
    with Courier() as courier:
        results = [courier(url(controller.port, f"u{n}@example.gov.cn"), HTML) for n in range(5)]
    assert all(result.ok for result in results)
    assert sorted(r for _, rcpts, _ in mailbox.messages for r in rcpts) == [f"u{n}@example.gov.cn" for n in range(5)]
    assert len(set(mailbox.peers)) == 1  # one connection, reused


def test_the_message_reads_right_in_html_and_in_plain_text(server):
    mailbox, controller = server
    with Courier() as courier:
        assert courier(url(controller.port, "police@example.gov.cn",
                           "&cc=leader@example.gov.cn&bcc=archive@example.gov.cn"), HTML).ok
    (sender, recipients, content), = mailbox.messages
    parsed = email.message_from_bytes(content)
    assert sender == "office@example.gov.cn"
    assert sorted(recipients) == ["archive@example.gov.cn", "leader@example.gov.cn", "police@example.gov.cn"]
    assert str(make_header(decode_header(parsed["Subject"]))) == HTML.subject
    assert parsed["Cc"] == "leader@example.gov.cn" and "archive" not in content.decode()  # bcc: envelope only
    parts = {part.get_content_type(): part.get_payload(decode=True).decode() for part in parsed.walk()
             if not part.is_multipart()}
    assert "<table>" in parts["text/html"]
    text = parts["text/plain"]
    assert "1 升级平台" in text and "https://reform.example.gov.cn/r/TOKEN" in text  # the link survives in text


def test_an_attachment_goes_by_its_file_name_and_a_missing_one_fails_only_its_message(server, tmp_path):
    mailbox, controller = server
    notice = tmp_path / "bulletin-2020-06-v1.docx"
    notice.write_bytes(b"PK\x03\x04 word notice")
    with_notice = OutgoingMessage(HTML.subject, HTML.body, "html", (str(notice),))
    missing = OutgoingMessage(HTML.subject, HTML.body, "html", (str(tmp_path / "gone.docx"),))
    with Courier() as courier:
        lost = courier(url(controller.port, "a@example.gov.cn"), missing)
        assert courier(url(controller.port, "b@example.gov.cn"), with_notice).ok
    assert not lost.ok and "gone.docx" in lost.error
    (_, recipients, content), = mailbox.messages
    attachment, = (p for p in email.message_from_bytes(content).walk() if p.get_filename())
    assert recipients == ["b@example.gov.cn"] and attachment.get_filename() == "bulletin-2020-06-v1.docx"
    assert attachment.get_payload(decode=True) == b"PK\x03\x04 word notice"


def test_a_refused_recipient_fails_its_own_message_and_the_connection_serves_the_next(server):
    """RCPT refused for every address of one message: that message fails with the address and the server's
    answer; the transaction is reset, so the next message on the same connection goes out."""
    mailbox, controller = server
    mailbox.refused_addresses = {"gone@example.gov.cn"}
    with Courier() as courier:
        refused = courier(url(controller.port, "gone@example.gov.cn"), HTML)
        delivered = courier(url(controller.port, "police@example.gov.cn"), HTML)
        partly = courier(url(controller.port, "tax@example.gov.cn", "&cc=gone@example.gov.cn"), HTML)
    assert not refused.ok and "gone@example.gov.cn" in refused.error and "550" in refused.error
    assert delivered.ok and delivered.error is None
    assert partly.ok and "gone@example.gov.cn" in partly.error  # sent to the others; the office sees who not
    assert [rcpts for _, rcpts, _ in mailbox.messages] == [["police@example.gov.cn"], ["tax@example.gov.cn"]]


def test_a_refused_message_does_not_end_the_connection(server):
    mailbox, controller = server
    with Courier() as courier:
        mailbox.refuse = True
        assert not courier(url(controller.port, "a@example.gov.cn"), HTML).ok
        mailbox.refuse = False
        assert courier(url(controller.port, "b@example.gov.cn"), HTML).ok
    assert len(mailbox.messages) == 1


def test_a_connection_the_server_dropped_is_opened_again_and_the_message_sent_once():
    """The server restarts (or ends an idle connection) between two messages of a batch: the next message is
    sent on a new connection, once."""
    mailbox, port = Server(), free_port()
    first = Controller(mailbox, hostname="127.0.0.1", port=port)
    first.start()
    with Courier() as courier:
        assert courier(url(port, "a@example.gov.cn"), HTML).ok
        first.stop()
        again = Controller(mailbox, hostname="127.0.0.1", port=port)
        again.start()
        try:
            assert courier(url(port, "b@example.gov.cn"), HTML).ok
        finally:
            again.stop()
    assert [rcpts for _, rcpts, _ in mailbox.messages] == [["a@example.gov.cn"], ["b@example.gov.cn"]]
    assert len(set(mailbox.peers)) == 2


def test_the_smtp_password_never_shows_in_what_could_be_logged():
    from reformflow.notifications.channels.email import read_url

    server, _ = read_url("mailtos://reform:s3cret-pass@smtp.example.gov.cn?to=police@example.gov.cn")
    assert server.password == "s3cret-pass"
    assert "s3cret-pass" not in repr(server) and "s3cret-pass" not in str(server)


def test_a_server_that_is_down_fails_the_message_with_the_server_named():
    port = free_port()
    with Courier() as courier:
        delivery = courier(url(port, "a@example.gov.cn"), HTML)
    assert not delivery.ok and f"127.0.0.1:{port}" in delivery.error


def test_a_long_header_is_folded_and_reads_back_whole():
    """A header too long for one line (here six recipients) is folded to lines of at most 78 characters, as RFC
    5322 asks, while the short ones are written as they are; either way the recipients read back whole."""
    addresses = [f"department-{n}@example.gov.cn" for n in range(6)]
    server, addressing = read_url(f"mailto://127.0.0.1:25/?from=office@example.gov.cn&to={','.join(addresses)}")
    raw = build(HTML, addressing, server.host).as_bytes(policy=WIRE)
    head = raw.split(b"\r\n\r\n", 1)[0].decode()
    to = head[head.index("To: "):head.index("\r\nSubject: ")].split("\r\n")
    assert len(to) > 1 and all(len(line) <= 78 for line in to) and "\r\nMIME-Version: 1.0\r\n" in head
    assert [address for _, address in getaddresses([email.message_from_bytes(raw)["To"]])] == addresses
