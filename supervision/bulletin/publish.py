"""Publishing the monthly bulletin: a new version's files when its numbers change, and one message per reader.

A version is written only when the numbers differ from the latest version of the period; each reader (the
office and the supervising leaders) gets each version once per channel: by e-mail the bulletin itself with the
Word notice attached, by chat a summary that fits the robot, with a link.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import shutil
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import orjson
from sqlalchemy import event
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
    `pdf`, the Word notice is also printed to PDF beside it (LibreOffice: a few seconds).

    All or nothing: the files are written into a hidden staging folder next to the versions, the record is
    flushed (a concurrent run taking the same version fails here), and only then is the folder renamed into
    place, in one step. A failure before that removes the staging folder; a transaction rolled back after it
    removes the folder again. Either way the versions before stay as they were, and no half-written folder is
    ever seen as a version."""
    digest = content_digest(data)
    period = data["period"]
    latest = session.exec(select(Bulletin).where(Bulletin.period == period)
                          .order_by(Bulletin.version.desc())).first()
    markdown = render_text("bulletin.md.j2", b=data)
    if latest and latest.digest == digest:
        return PublishedBulletin(latest, data, markdown, new_version=False)
    version = latest.version + 1 if latest else 1
    folder = out_dir / period / f"v{version}"
    folder.parent.mkdir(parents=True, exist_ok=True)
    # Same parent, same filesystem: the rename into place is atomic.
    staging = Path(tempfile.mkdtemp(prefix=f".v{version}-writing-", dir=folder.parent))
    try:
        names = _write_files(data, staging, markdown, notice, pdf, f"bulletin-{period}-v{version}.docx")
        record = Bulletin(period=period, as_of=date.fromisoformat(data["as_of"]), version=version, digest=digest,
                          **{field: str(folder / name) for field, name in names.items()})
        session.add(record)
        session.flush()
        _replace_orphan(folder)
        staging.rename(folder)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    _remove_on_rollback(session, folder)
    return PublishedBulletin(record, data, markdown, new_version=True)


def _write_files(data: dict, folder: Path, markdown: str, notice: NoticeStyle | None, pdf: bool,
                 docx_name: str) -> dict[str, str]:
    """The version's files in `folder`; returns the record's path fields → file names. ASCII file names: mail
    clients mangle Chinese attachment names.

    The Word notice comes first, so that LibreOffice prints it (seconds for a province: its own process, on
    the other CPU) while the web page, the data and the phone charts are written; a thread only waits for it.
    Leaving the block waits for it too, also on an error, so the caller never removes the folder under it."""
    charts = {"completion": completion_chart(data, folder / "completion-by-unit.png"),
              "areas": area_chart(data, folder / "status-by-area.png")}
    write_docx(data, charts, folder / docx_name, notice)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="notice-pdf") as printer:
        printed = printer.submit(export_pdf, folder / docx_name) if pdf else None
        phone = {"completion": completion_chart(data, folder / "completion-by-unit-phone.png", PHONE),
                 "areas": area_chart(data, folder / "status-by-area-phone.png", PHONE)}
        embedded = {name: _data_uri(path) for name, path in charts.items()}
        embedded |= {f"{name}_phone": _data_uri(path) for name, path in phone.items()}
        (folder / "bulletin.json").write_bytes(data_file(data))
        html = render_text("bulletin.html.j2", b=data, charts=embedded)
        (folder / "bulletin.html").write_text(html, encoding="utf-8")
        (folder / "bulletin.md").write_text(markdown, encoding="utf-8")
        if printed is not None:
            printed.result()  # its error, if any, is the publication's
    return {"json_path": "bulletin.json", "html_path": "bulletin.html", "markdown_path": "bulletin.md",
            "docx_path": docx_name}


def data_file(data: dict) -> bytes:
    """bulletin.json: UTF-8, keys sorted, indented by two, a newline at the end. orjson writes what
    `json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True)` wrote, byte for byte, for everything a
    bulletin holds (strings and StrEnum members, integers, rates rounded to 4 places, None, lists, dicts; a
    float under 1e-4 would be 0.00005 rather than 5e-05, the same number), in a twentieth of the time: with an
    indent the standard library falls back to its pure-Python encoder (0.5 s for a province's 20,000 tasks)."""
    options = orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS | orjson.OPT_APPEND_NEWLINE
    return orjson.dumps(data, option=options)


def _replace_orphan(folder: Path) -> None:
    """A folder already under the new version's name has no record (the record was just flushed under that
    version): left by a run killed between the rename and its commit, or by a release that wrote in place.
    It is nobody's version; it makes way."""
    if folder.exists():
        aside = folder.with_name(f".{folder.name}-orphan-{os.getpid()}-{time.monotonic_ns()}")
        folder.rename(aside)
        shutil.rmtree(aside, ignore_errors=True)


def _remove_on_rollback(session: Session, folder: Path) -> None:
    """The folder is in place before the caller commits: if the transaction is rolled back instead, the folder
    goes too, so no version exists on disk that the ledger does not know."""
    root = session.get_transaction()
    outcome: list[str] = []  # "committed", then "ended": the listeners stay (a session is short-lived) but idle

    def after_commit(_session: Session) -> None:
        if not outcome and not session.in_nested_transaction():  # a savepoint released is not the commit
            outcome.append("committed")

    def after_transaction_end(_session: Session, transaction) -> None:
        if transaction is root and "ended" not in outcome:
            if not outcome:
                shutil.rmtree(folder, ignore_errors=True)
            outcome.append("ended")

    event.listen(session, "after_commit", after_commit)
    event.listen(session, "after_transaction_end", after_transaction_end)


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


def queue_publish_failure(period: str, as_of: date, error: str, *, session: Session) -> list[str]:
    """Tell the office that the period's bulletin could not be published, and why: once a day per kind of
    error and channel, so a scheduled run failing every hour does not flood it."""
    office = session.exec(select(Unit).where(Unit.is_office)).first()
    if office is None:
        return []
    kind = hashlib.sha256(error.split(":", 1)[0].encode()).hexdigest()[:12]
    queued = []
    for channel in unit_channels(session=session).get(office.id, []):
        queued += enqueue_rendered(f"bulletin-failed:{period}:{as_of.isoformat()}:{kind}:{channel}", office,
                                   MessageKind.BULLETIN, channel, "bulletin_failed", session=session,
                                   period=period, as_of=as_of, error=error)
    return queued


def bulletin_link(path: str, *, bulletin_dir: Path, public_base_url: str | None) -> str:
    """Where readers open the bulletin: under the office's public base URL when it publishes the bulletin folder
    on its intranet, else the file itself."""
    if public_base_url:
        relative = Path(path).resolve().relative_to(bulletin_dir.resolve())
        return f"{public_base_url.rstrip('/')}/{relative.as_posix()}"
    return Path(path).resolve().as_uri()
