"""The ledger's numbers as of today, computed by the bulletin's own code so that a page and the 月度通报 agree."""

from __future__ import annotations

from sqlmodel import Session, select

from reformflow.console.web import today, zone
from reformflow.flows.office import working_calendar
from reformflow.models import Document, Task
from reformflow.supervision.bulletin.compute import compute_bulletin


def current_numbers(office: str, *, session: Session) -> dict:
    day = today()
    return compute_bulletin(day.strftime("%Y-%m"), day, session=session, calendar=working_calendar(office),
                            zone=zone())


def task_ids(*, session: Session) -> dict[tuple[str, str], int]:
    """(document file, task code) → task id: the bulletin names tasks the way the office reads them."""
    return {(source, code): task_id for task_id, source, code in
            session.exec(select(Task.id, Document.source, Task.code).join(Document, Document.id == Task.document_id))}
