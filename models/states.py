"""Every state, role, channel and kind the ledger stores, defined once. They are `StrEnum`s, so the database and
the JSON keep plain strings and a stored value compares equal to its member."""

from __future__ import annotations

from enum import StrEnum


class TaskStatus(StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    LAGGING = "lagging"
    EXTENSION_REQUESTED = "extension_requested"


class Review(StrEnum):
    """The office's decision on a completion claim (accept, return) or an extension request (approve, reject)."""

    ACCEPTED = "accepted"
    RETURNED = "returned"
    APPROVED = "approved"
    REJECTED = "rejected"


class Role(StrEnum):
    LEAD = "lead"  # 牵头单位
    CO = "co"  # 责任单位 / 配合单位


class Channel(StrEnum):
    EMAIL = "email"
    WECOM = "wecom"
    DINGTALK = "dingtalk"
    FEISHU = "feishu"
    OUTBOX = "outbox"  # the embedded local outbox: a folder of Markdown files


class MessageState(StrEnum):
    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    DEAD = "dead"
    IN_DOUBT = "in_doubt"  # the sender died mid-send: the office decides


class MessageKind(StrEnum):
    REMINDER = "reminder"
    ESCALATION = "escalation"
    CHASE = "chase"
    BULLETIN = "bulletin"
    REVIEW = "review"


class DeadlineKind(StrEnum):
    EXPLICIT = "explicit"  # the task states it
    INFERRED = "inferred"  # a yearless date, its year from the document
    STANDING = "standing"  # 长期坚持 / 持续推进: no deadline, reported every period
    INHERITED = "inherited"  # the document's single overall target


STATUS_LABELS = {TaskStatus.NOT_STARTED: "未启动", TaskStatus.IN_PROGRESS: "推进中", TaskStatus.COMPLETED: "已完成",
                 TaskStatus.LAGGING: "滞后", TaskStatus.EXTENSION_REQUESTED: "申请延期"}
REVIEW_LABELS = {Review.ACCEPTED: "已销号", Review.RETURNED: "退回", Review.APPROVED: "延期已批准",
                 Review.REJECTED: "延期未批准"}
ROLE_LABELS = {Role.LEAD: "牵头", Role.CO: "配合"}
