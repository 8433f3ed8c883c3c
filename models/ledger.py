"""The work ledger (工作台账): documents, tasks, units, assignments, the outbox, reports, bulletins.

Unique constraints sit wherever a duplicate would be a bug: a task per (document, code), an assignment
per (task, unit), a message per idempotency key, a report per (task, unit, period, submitted_at) and per
(unit, web form key).
"""

from __future__ import annotations

import secrets
from datetime import UTC, date, datetime

from sqlalchemy import JSON, Column, Index, Text, UniqueConstraint, text
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    # SQLModel stores aware datetimes as UTC on every backend; display converts to the office's zone.
    return datetime.now(UTC)


class Document(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    source: str = Field(unique=True, index=True, description="file name, no directory")
    title: str
    year: int | None = None
    issued_on: date | None = None
    sha256: str
    revision: int = 1
    imported_at: datetime = Field(default_factory=utcnow)


class DocumentRevision(SQLModel, table=True):
    """What one import of a document changed: the record of 滚动研提 (the task list revised over time)."""

    __table_args__ = (UniqueConstraint("document_id", "revision"),)

    id: int | None = Field(default=None, primary_key=True)
    document_id: int = Field(foreign_key="document.id", index=True)
    revision: int
    added: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    changed: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    removed: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    renumbered: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    imported_at: datetime = Field(default_factory=utcnow)


class Task(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("document_id", "code"),)

    id: int | None = Field(default=None, primary_key=True)
    document_id: int = Field(foreign_key="document.id", index=True)
    code: str
    area: str | None = None
    title: str
    text: str = Field(sa_column=Column(Text, nullable=False))
    original_text: str = Field(sa_column=Column(Text, nullable=False))
    line: int | None = None
    deadline: date | None = Field(default=None, index=True)
    deadline_text: str | None = None
    deadline_kind: str | None = None  # explicit | inferred | standing | inherited
    # The units as the document names them; assignments resolve these against the directory.
    lead_mentions: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    co_mentions: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    # Where the task is in 交办 → 签收 → 办理 → 申请销号 → 办结 (TaskStage); only the office's decisions close it.
    stage: str = Field(default="unassigned", sa_column_kwargs={"server_default": "unassigned"}, index=True)
    # The lead unit's latest reported status and progress (TaskStatus): what the unit says, not the office.
    status: str = "not_started"
    progress: int = 0
    milestones: list[dict] = Field(default_factory=list, sa_column=Column(JSON, nullable=False, server_default="[]"))
    confidence: float = Field(default=1.0, sa_column_kwargs={"server_default": "1.0"})
    doubts: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False, server_default="[]"))
    # An extension the office approved; `deadline` keeps the original on record.
    extended_deadline: date | None = None
    closed_at: datetime | None = None  # 销号: the office accepted the completion

    @property
    def due(self) -> date | None:
        """The deadline in force: an approved extension, else the original."""
        return self.extended_deadline or self.deadline
    removed_at: datetime | None = None  # dropped from a revised document; kept with its reports
    updated_at: datetime = Field(default_factory=utcnow)


class Unit(SQLModel, table=True):
    """An agency from the directory. The reform office and the supervising leaders are units too, so that
    every message has a recipient with contacts."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, index=True)
    slug: str = Field(unique=True)
    is_office: bool = False
    is_leader: bool = False  # a supervising leader (分管领导), who receives escalations
    person_in_charge: str | None = None
    supervisor: str | None = None


class Contact(SQLModel, table=True):
    """How a unit is reached. `url` is an Apprise URL whose secrets are `${ENV}` references, never values."""

    __table_args__ = (UniqueConstraint("unit_id", "channel"),)

    id: int | None = Field(default=None, primary_key=True)
    unit_id: int = Field(foreign_key="unit.id", index=True)
    channel: str  # email | wecom | dingtalk | feishu | outbox
    url: str


class Assignment(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("task_id", "unit_id"),)

    id: int | None = Field(default=None, primary_key=True)
    task_id: int = Field(foreign_key="task.id")  # looked up through the unique (task_id, unit_id) index
    unit_id: int = Field(foreign_key="unit.id", index=True)
    role: str  # lead | co
    mention: str  # the name as the document wrote it
    notified_at: datetime | None = None  # 交办: the unit was sent its 交办通知
    acknowledged_at: datetime | None = None  # 签收: the unit acknowledged the task on its page


class ReminderLog(SQLModel, table=True):
    """Which reminder rung each (task, unit) has been told about, so a rung is announced once."""

    __table_args__ = (UniqueConstraint("task_id", "unit_id", "rung"),)

    id: int | None = Field(default=None, primary_key=True)
    task_id: int = Field(foreign_key="task.id", index=True)
    unit_id: int = Field(foreign_key="unit.id", index=True)
    rung: str  # before-15 | before-5 | due | overdue-0 | overdue-5 … | escalated
    message_key: str
    created_at: datetime = Field(default_factory=utcnow)


class Message(SQLModel, table=True):
    """The outbox. A message is planned once per idempotency key and sent at most once."""

    id: int | None = Field(default=None, primary_key=True)
    idempotency_key: str = Field(unique=True, index=True)
    unit_id: int = Field(foreign_key="unit.id", index=True)
    kind: str  # reminder | escalation | chase | bulletin
    channel: str
    subject: str
    body: str = Field(sa_column=Column(Text, nullable=False))
    body_format: str = "markdown"  # markdown | html | payload (a chat robot's JSON request)
    attachments: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False,
                                                                         server_default="[]"))
    # queued | sending | sent | failed | dead | in_doubt (the sender died mid-send: the office decides)
    state: str = Field(default="queued", index=True)
    attempts: int = 0
    next_attempt_at: datetime = Field(default_factory=utcnow, index=True)
    last_error: str | None = None
    created_at: datetime = Field(default_factory=utcnow)
    sent_at: datetime | None = None
    updated_at: datetime = Field(default_factory=utcnow)


class StatusReport(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("task_id", "unit_id", "period", "submitted_at"),
                      UniqueConstraint("unit_id", "submission_key"),
                      # The bulletin's 销号 of the month and extension requests (migration 0011): partial
                      # indexes, so that filing an ordinary report does not pay for them.
                      Index("ix_statusreport_reviewed_at", "reviewed_at", sqlite_where=text("reviewed_at IS NOT NULL"),
                            postgresql_where=text("reviewed_at IS NOT NULL")),
                      Index("ix_statusreport_extension_requests", "period",
                            sqlite_where=text("status = 'extension_requested'"),
                            postgresql_where=text("status = 'extension_requested'")))

    id: int | None = Field(default=None, primary_key=True)
    task_id: int = Field(foreign_key="task.id", index=True)
    unit_id: int = Field(foreign_key="unit.id", index=True)
    period: str = Field(index=True, description="YYYY-MM")
    status: str
    progress: int
    narrative: str = Field(default="", sa_column=Column(Text, nullable=False))  # 进展情况
    problems: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))  # 存在问题
    next_steps: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))  # 下步计划
    requested_deadline: date | None = None  # with 申请延期
    submitted_at: datetime
    source: str = Field(default="import", sa_column_kwargs={"server_default": "import"})  # web | import
    # The office's review of a completion claim or an extension request: accepted | returned | approved | rejected
    review: str | None = None
    review_comment: str | None = None
    reviewed_at: datetime | None = None
    # The web form's one-time key: a replayed or double-clicked form is stored once (imports have none).
    submission_key: str | None = None


class Evidence(SQLModel, table=True):
    """A file attached to a report, stored under its hash; served back only as a download."""

    id: int | None = Field(default=None, primary_key=True)
    # What links name: random, so that nobody can walk the files by counting.
    public_id: str = Field(default_factory=lambda: secrets.token_urlsafe(18), unique=True)
    report_id: int = Field(foreign_key="statusreport.id", index=True)
    file_name: str  # as uploaded, for display
    stored_as: str  # sha256 of the content
    content_type: str
    size: int


class Bulletin(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("period", "version"),)

    id: int | None = Field(default=None, primary_key=True)
    period: str = Field(index=True)
    as_of: date
    version: int
    digest: str  # sha256 of the numbers: the same data makes the same bulletin, not a new version
    json_path: str
    html_path: str
    markdown_path: str
    docx_path: str | None = None
    generated_at: datetime = Field(default_factory=utcnow)


class Lock(SQLModel, table=True):
    """A named lock row. Writing it first thing in a transaction makes concurrent runs of the same job wait
    for each other, on SQLite (the database write lock) and PostgreSQL (the row lock) alike."""

    name: str = Field(primary_key=True)
    taken_at: datetime = Field(default_factory=utcnow)


class TaskEvent(SQLModel, table=True):
    """The history of a task: every transition and decision, who made it and why (shown on the task's page)."""

    id: int | None = Field(default=None, primary_key=True)
    task_id: int = Field(foreign_key="task.id", index=True)
    unit_id: int | None = Field(default=None, foreign_key="unit.id")
    kind: str  # EventKind
    stage_before: str | None = None
    stage_after: str | None = None
    actor: str  # who: the office, a unit's name, or 系统 for the flows
    detail: str = Field(default="", sa_column=Column(Text, nullable=False))
    at: datetime = Field(default_factory=utcnow, index=True)


class Dispute(SQLModel, table=True):
    """异议: a unit says a task is not its duty, or proposes another lead; the office decides."""

    id: int | None = Field(default=None, primary_key=True)
    task_id: int = Field(foreign_key="task.id", index=True)
    unit_id: int = Field(foreign_key="unit.id", index=True)
    reason: str = Field(sa_column=Column(Text, nullable=False))
    proposed_lead_id: int | None = Field(default=None, foreign_key="unit.id")
    state: str = "pending"  # DisputeState
    comment: str | None = None  # the office's reasons
    raised_at: datetime = Field(default_factory=utcnow)
    decided_at: datetime | None = None
