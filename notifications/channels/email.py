"""E-mail without Apprise's per-message cost: one SMTP connection per server, reused for a whole batch.

Apprise opens a new connection, builds a TLS context and converts the HTML to text with a slow parser for every
message (~40 ms each). Here the contact URL is still read by Apprise's own e-mail plugin (`mailto://`,
`mailtos://`, the providers it knows), so the directory keeps its URLs; the MIME message is built once with the
standard library's `email`, its text part by `html_text` (lxml), and sent over a connection the batch keeps
open. Each message is its own SMTP transaction, so its outcome belongs to it alone: a refusal is reset and the
connection goes on serving the next message.
"""

from __future__ import annotations

import mimetypes
import smtplib
import ssl
import uuid
from dataclasses import dataclass, field
from email import encoders
from email.charset import BASE64, Charset
from email.header import Header
from email.message import Message
from email.mime.base import MIMEBase
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.policy import Compat32
from email.utils import formataddr, formatdate, make_msgid
from functools import lru_cache
from pathlib import Path

import html_text
import lxml.html
import markdown
from apprise.plugins.email import NotifyEmail

from reformflow.notifications.message import OutgoingMessage

SCHEMES = ("mailto", "mailtos")


class _Wire(Compat32):
    """compat32 with CRLF line ends (SMTP wants them; smtplib does not fix the line ends of bytes), writing a
    header that needs no folding — ASCII, one line, short — as it is: compat32 would run each one through
    `Header.encode`, a third of the time of writing a message, to the same result."""

    def _fold(self, name: str, value: object, sanitize: bool) -> str:
        if (isinstance(value, str) and value.isascii() and "\n" not in value and "\r" not in value
                and len(name) + 2 + len(value) <= (self.max_line_length or 78)):
            return f"{name}: {value}{self.linesep}"
        return super()._fold(name, value, sanitize)


WIRE = _Wire(linesep="\r\n")
# UTF-8 in base64, headers and bodies: Apprise's e-mail plugin, once imported, makes the standard library's
# utf-8 quoted-printable for everyone, which writes a Chinese character as nine bytes (base64: four).
UTF8 = Charset("utf-8")
UTF8.header_encoding = UTF8.body_encoding = BASE64
TIMEOUT = 30  # seconds for any one exchange with the server; a hung server fails the message, not the batch


class EmailError(Exception):
    """A message the server did not take, or an address it could not be sent to; the text names which."""


@dataclass(frozen=True)
class Server:
    host: str
    port: int
    mode: str  # "" (plain), "starttls" or "ssl"
    user: str
    password: str = field(repr=False)  # never in a repr that could reach a log or a traceback
    verify: bool = True

    def __str__(self) -> str:  # never the password
        return f"{self.host}:{self.port}"


@dataclass(frozen=True)
class Addressing:
    sender: tuple[str, str]  # (display name, address)
    to: tuple[tuple[str, str], ...]
    cc: tuple[str, ...]
    bcc: tuple[str, ...]
    reply_to: tuple[str, ...]
    headers: tuple[tuple[str, str], ...]

    @property
    def recipients(self) -> list[str]:
        return list(dict.fromkeys([address for _, address in self.to] + list(self.cc) + list(self.bcc)))


def is_email(url: str) -> bool:
    return url.split("://", 1)[0].lower() in SCHEMES


def read_url(url: str) -> tuple[Server, Addressing]:
    """The server and the addresses of an e-mail contact URL, read by Apprise's e-mail plugin: its own parser
    and constructor, as `Apprise.instantiate` calls them for mailto:// URLs, without the plugin lookup and the
    masked copy of the URL it makes for its debug log (three quarters of the time, paid for every unit)."""
    try:
        results = NotifyEmail.parse_url(url.replace("/#", "/%23"))  # the escape instantiate applies first
        plugin = NotifyEmail(**results) if results else None
    except Exception:  # what instantiate(suppress_exceptions=True) turns into None: the URL is not usable
        plugin = None
    if plugin is None or not plugin.targets:
        raise EmailError("不是可用的邮件地址（mailto:// 或 mailtos://，需含收件人）")
    sender_name = plugin.from_addr[0] if plugin.from_addr[0] not in (False, None, plugin.app_id) else ""
    names = plugin.names or {}
    server = Server(plugin.smtp_host, int(plugin.port), plugin.secure_mode if plugin.secure else "",
                    plugin.user or "", plugin.password or "", bool(plugin.verify_certificate))
    addressing = Addressing(
        sender=(sender_name, plugin.from_addr[1]),
        to=tuple((name or names.get(address, ""), address) for name, address in plugin.targets),
        cc=tuple(sorted(plugin.cc - plugin.bcc)), bcc=tuple(sorted(plugin.bcc)),
        reply_to=tuple(sorted(plugin.reply_to)), headers=tuple(plugin.headers.items()))
    return server, addressing


def html_to_text(html: str) -> str:
    """The plain-text part: the page's text with its layout (rows on lines), links written out so that a
    unit reading plain text still has its reporting link."""
    tree = lxml.html.fromstring(html)
    for link in tree.iter("a"):
        href = link.get("href")
        if href and href != link.text_content().strip():
            link.tail = f"（{href}）{link.tail or ''}"
    return html_text.extract_text(tree) + "\n"


def build(message: OutgoingMessage, addressing: Addressing, host: str) -> Message:
    """The MIME message, built once: text and HTML alternatives, then the attachments by path. The classic
    `email.mime` classes, not `EmailMessage`: its header folding took half the time of a send on Chinese
    subjects, where `Header` encodes them at once."""
    if message.format == "html":
        html, text = message.body, html_to_text(message.body)
    else:  # Markdown written for chat, sent by e-mail: its tables become HTML tables
        html, text = markdown.markdown(message.body, extensions=["tables"]), message.body
    mime: Message = MIMEMultipart("alternative", _boundary(), [MIMEText(text, "plain", UTF8),
                                                                 MIMEText(html, "html", UTF8)])
    if message.attachments:
        mime = MIMEMultipart("mixed", _boundary(), [mime, *(_attachment(Path(a)) for a in message.attachments)])
    mime["From"] = formataddr(addressing.sender, charset=UTF8)
    mime["To"] = ", ".join(formataddr(pair, charset=UTF8) for pair in addressing.to)
    if addressing.cc:
        mime["Cc"] = ", ".join(addressing.cc)
    if addressing.reply_to:
        mime["Reply-To"] = ", ".join(addressing.reply_to)
    mime["Subject"] = Header(message.subject, UTF8)
    mime["Date"] = formatdate(localtime=True)
    mime["Message-ID"] = make_msgid(domain=host or None)
    for name, value in addressing.headers:
        mime[name] = Header(value, UTF8)
    return mime


def _boundary() -> str:
    """Every part is base64, whose lines never begin with "--": a random boundary cannot occur in them, so the
    generator need not search the message for it (a regular expression compiled per message)."""
    return f"=_{uuid.uuid4().hex}"


def _attachment(path: Path) -> MIMEBase:
    try:
        content = path.read_bytes()
    except OSError as exc:
        raise EmailError(f"附件无法读取：{path.name}（{exc.strerror}）") from exc
    maintype, _, subtype = (mimetypes.guess_type(path.name)[0] or "application/octet-stream").partition("/")
    part = MIMEBase(maintype, subtype)
    part.set_payload(content)
    encoders.encode_base64(part)
    part.add_header("Content-Disposition", "attachment", filename=path.name)
    return part


@lru_cache(maxsize=2)
def _tls_context(verify: bool) -> ssl.SSLContext:
    """One TLS context per process (building one reads the CA store: the cost Apprise paid per message)."""
    context = ssl.create_default_context()
    if not verify:
        context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
    return context


class SmtpPool:
    """Open SMTP connections by server, for one batch in one thread. `close()` (or the `with` block) ends them."""

    def __init__(self) -> None:
        self._open: dict[Server, smtplib.SMTP] = {}

    def __enter__(self) -> SmtpPool:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        for server in list(self._open):
            self._drop(server, polite=True)

    def send(self, server: Server, addressing: Addressing, mime: Message) -> list[str]:
        """Send one message as one SMTP transaction. Returns the addresses the server refused while taking
        the message for the others; raises EmailError when nobody got it."""
        recipients = addressing.recipients
        data = mime.as_bytes(policy=WIRE)
        reused = server in self._open
        try:
            smtp = self._connection(server)
            code, answer = smtp.mail(addressing.sender[1])
            if reused and code == 421:  # the server ended a connection it had kept idle: nothing was sent
                self._drop(server)
                smtp = self._connection(server)
                code, answer = smtp.mail(addressing.sender[1])
            return self._transaction(smtp, server, code, answer, recipients, data)
        except smtplib.SMTPServerDisconnected as exc:
            self._drop(server)
            if reused and not getattr(exc, "after_mail", False):
                # The kept connection was closed while idle, before this message began: send it on a new one.
                return self.send(server, addressing, mime)
            raise EmailError(f"邮件服务器 {server} 断开了连接（{exc}）") from exc
        except (OSError, smtplib.SMTPException) as exc:
            self._drop(server)
            raise EmailError(f"邮件服务器 {server} 出错：{type(exc).__name__}: {exc}") from exc

    def _transaction(self, smtp: smtplib.SMTP, server: Server, code: int, answer: bytes, recipients: list[str],
                     data: bytes) -> list[str]:
        try:
            if code != 250:
                raise _refusal(smtp, server, f"拒绝发件人（{code} {answer.decode(errors='replace')}）")
            refused = []
            for address in recipients:
                code, answer = smtp.rcpt(address)
                if code not in (250, 251):
                    refused.append(f"{address}（{code} {answer.decode(errors='replace')}）")
            if len(refused) == len(recipients):
                raise _refusal(smtp, server, f"拒收全部收件人：{'；'.join(refused)}")
            code, answer = smtp.data(data)
            if code != 250:
                raise _refusal(smtp, server, f"拒收邮件（{code} {answer.decode(errors='replace')}）")
            return refused
        except smtplib.SMTPServerDisconnected as exc:
            exc.after_mail = True  # the transaction had begun: whether it arrived is not known, so no resend here
            raise

    def _connection(self, server: Server) -> smtplib.SMTP:
        if server not in self._open:
            if server.mode == "ssl":
                smtp = smtplib.SMTP_SSL(server.host, server.port, timeout=TIMEOUT,
                                        context=_tls_context(server.verify))
            else:
                smtp = smtplib.SMTP(server.host, server.port, timeout=TIMEOUT)
            try:
                if server.mode == "starttls":
                    smtp.starttls(context=_tls_context(server.verify))
                if server.user and server.password:
                    smtp.login(server.user, server.password)
                smtp.ehlo_or_helo_if_needed()
            except BaseException:
                smtp.close()
                raise
            self._open[server] = smtp
        return self._open[server]

    def _drop(self, server: Server, *, polite: bool = False) -> None:
        smtp = self._open.pop(server, None)
        if smtp is None:
            return
        try:
            if polite:
                smtp.quit()
        except (OSError, smtplib.SMTPException):
            pass
        finally:
            smtp.close()


def _refusal(smtp: smtplib.SMTP, server: Server, what: str) -> EmailError:
    """The server refused this message: end its transaction (RSET) so the connection serves the next one."""
    smtp.rset()
    return EmailError(f"邮件服务器 {server} {what}")
