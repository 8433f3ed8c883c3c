"""Publishing the monthly bulletin: a new version's files when its numbers change, and one message per reader.

A version is written only when the numbers differ from the latest version of the period; each reader (the
office and the supervising leaders) gets each version once per channel: by e-mail the bulletin itself with the
Word notice attached, by chat a summary that fits the robot, with a link.
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlmodel import Session, select

from reformflow.models import Bulletin, Channel, MessageKind, Unit
from reformflow.notifications.message import OutgoingMessage
from reformflow.notifications.outbox import enqueue, enqueue_rendered, unit_channels
from reformflow.notifications.render import render_message, render_text
from reformflow.supervision.bulletin.charts import PHONE, area_chart, completion_chart
from reformflow.supervision.bulletin.documents import NoticeStyle, write_docx
from reformflow.supervision.bulletin.pdf import export_pdf


@dataclass
class PublishedBulletin:
    record: Bulletin
    data: dict
    markdown: str
    new_version: bool


def publish_bulletin(data: dict, out_dir: Path, *, session: Session, notice: NoticeStyle | None = None,
                     pdf: bool = False) -> PublishedBulletin:
    """Write the files of a new version, unless the latest version already has exactly these numbers. With
    `pdf`, the Word notice is also printed to PDF beside it (LibreOffice: a few seconds)."""
    payload = json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True)
    digest = content_digest(data)
    period = data["period"]
    latest = session.exec(select(Bulletin).where(Bulletin.period == period)
                          .order_by(Bulletin.version.desc())).first()
    markdown = render_text("bulletin.md.j2", b=data)
    if latest and latest.digest == digest:
        return PublishedBulletin(latest, data, markdown, new_version=False)
    version = latest.version + 1 if latest else 1
    folder = out_dir / period / f"v{version}"
    folder.mkdir(parents=True, exist_ok=True)
    # ASCII file names: mail clients mangle Chinese attachment names.
    paths = {"json": folder / "bulletin.json", "html": folder / "bulletin.html", "md": folder / "bulletin.md",
             "docx": folder / f"bulletin-{period}-v{version}.docx"}
    charts = {"completion": completion_chart(data, folder / "completion-by-unit.png"),
              "areas": area_chart(data, folder / "status-by-area.png")}
    phone = {"completion": completion_chart(data, folder / "completion-by-unit-phone.png", PHONE),
             "areas": area_chart(data, folder / "status-by-area-phone.png", PHONE)}
    embedded = {name: _data_uri(path) for name, path in charts.items()}
    embedded |= {f"{name}_phone": _data_uri(path) for name, path in phone.items()}
    paths["json"].write_text(payload + "\n", encoding="utf-8")
    paths["html"].write_text(render_text("bulletin.html.j2", b=data, charts=embedded), encoding="utf-8")
    paths["md"].write_text(markdown, encoding="utf-8")
    write_docx(data, charts, paths["docx"], notice)
    if pdf:
        export_pdf(paths["docx"])
    record = Bulletin(period=period, as_of=date.fromisoformat(data["as_of"]), version=version, digest=digest,
                      json_path=str(paths["json"]), html_path=str(paths["html"]), markdown_path=str(paths["md"]),
                      docx_path=str(paths["docx"]))
    session.add(record)
    return PublishedBulletin(record, data, markdown, new_version=True)


def _data_uri(path: Path) -> str:
    return "data:image/png;base64," + base64.b64encode(path.read_bytes()).decode()


def notice_pdf(record: Bulletin) -> Path | None:
    """The notice's PDF, printed beside the .docx under the same name, when it was made."""
    if not record.docx_path:
        return None
    path = Path(record.docx_path).with_suffix(".pdf")
    return path if path.exists() else None


# The day a bulletin was computed on is not its content: the same numbers computed another day are the same version
# (an overdue task a day older is still the same overdue task).
DATED = ("as_of", "as_of_label", "headline")


def content_digest(data: dict) -> str:
    content = {key: value for key, value in data.items() if key not in DATED}
    content["overdue"] = [{k: v for k, v in row.items() if k != "days_overdue"} for row in data["overdue"]]
    return hashlib.sha256(json.dumps(content, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


def queue_bulletin(published: PublishedBulletin, link: str, *, session: Session) -> list[str]:
    """Queue the version for the office and the leaders; returns the keys queued now (none on a re-run)."""
    record = published.record
    queued = []
    recipients = session.exec(select(Unit).where(Unit.is_office | Unit.is_leader)).all()
    channels = unit_channels(session=session)
    for unit in recipients:
        for channel in channels.get(unit.id, []):
            key = f"bulletin:{unit.slug}:{record.period}:{record.digest[:16]}:{channel}"
            queued += _queue_one(key, unit, channel, published, link, session=session)
    return queued


def _queue_one(key: str, unit: Unit, channel: str, published: PublishedBulletin, link: str, *,
               session: Session) -> list[str]:
    if channel == Channel.EMAIL:
        html = Path(published.record.html_path).read_text(encoding="utf-8")
        subject = render_message("bulletin_summary.md.j2", b=published.data, link=link).subject
        printable = notice_pdf(published.record)
        attachments = tuple(str(p) for p in (published.record.docx_path, printable) if p)
        message = OutgoingMessage(subject, html, "html", attachments)
        return [key] if enqueue(key, unit, MessageKind.BULLETIN, channel, message, session=session) else []
    return enqueue_rendered(key, unit, MessageKind.BULLETIN, channel, "bulletin_summary", session=session,
                            b=published.data, link=link)


def bulletin_link(path: str, *, bulletin_dir: Path, public_base_url: str | None) -> str:
    """Where readers open the bulletin: under the office's public base URL when it publishes the bulletin folder
    on its intranet, else the file itself."""
    if public_base_url:
        relative = Path(path).resolve().relative_to(bulletin_dir.resolve())
        return f"{public_base_url.rstrip('/')}/{relative.as_posix()}"
    return Path(path).resolve().as_uri()
