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


class TaskStage(StrEnum):
    """Where a task is in the supervision lifecycle. Only the office closes a task."""

    DRAFT = "draft"  # 待确认：the reader was unsure (low confidence, a scan); nothing is sent until the office confirms
    UNASSIGNED = "unassigned"  # 待落实：no responsible unit yet; listed for the office, never on track
    ASSIGNED = "assigned"  # 已交办：the units were notified
    ACKNOWLEDGED = "acknowledged"  # 已签收：the lead unit acknowledged it
    IN_PROGRESS = "in_progress"  # 办理中：reports are coming in (and after a returned claim)
    CLAIMED = "claimed"  # 申请销号：the lead unit claims completion; the office reviews
    CLOSED = "closed"  # 已办结：the office accepted the completion (销号)


class EventKind(StrEnum):
    CONFIRMED = "confirmed"
    ASSIGNED = "assigned"
    UNASSIGNED = "unassigned"
    ACKNOWLEDGED = "acknowledged"
    REPORTED = "reported"
    CLAIMED = "claimed"
    ACCEPTED = "accepted"
    RETURNED = "returned"
    EXTENSION_REQUESTED = "extension_requested"
    EXTENSION_APPROVED = "extension_approved"
    EXTENSION_REJECTED = "extension_rejected"
    DISPUTED = "disputed"
    DISPUTE_ACCEPTED = "dispute_accepted"
    DISPUTE_REJECTED = "dispute_rejected"


class DisputeState(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


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
    ASSIGNMENT = "assignment"  # 交办通知
    ACKNOWLEDGEMENT_CHASE = "ack_chase"  # 签收催办
    DISPUTE = "dispute"  # an 异议 for the office to decide


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
STAGE_LABELS = {TaskStage.DRAFT: "待确认",
                TaskStage.UNASSIGNED: "待落实责任单位", TaskStage.ASSIGNED: "已交办", TaskStage.ACKNOWLEDGED: "已签收",
                TaskStage.IN_PROGRESS: "办理中", TaskStage.CLAIMED: "申请销号", TaskStage.CLOSED: "已办结"}
EVENT_LABELS = {EventKind.CONFIRMED: "改革办确认任务",
                EventKind.ASSIGNED: "交办", EventKind.UNASSIGNED: "撤销交办", EventKind.ACKNOWLEDGED: "签收",
                EventKind.REPORTED: "报送进展", EventKind.CLAIMED: "申请销号", EventKind.ACCEPTED: "销号（办结）",
                EventKind.RETURNED: "退回", EventKind.EXTENSION_REQUESTED: "申请延期",
                EventKind.EXTENSION_APPROVED: "批准延期", EventKind.EXTENSION_REJECTED: "不予延期",
                EventKind.DISPUTED: "提出异议", EventKind.DISPUTE_ACCEPTED: "异议成立",
                EventKind.DISPUTE_REJECTED: "异议不成立"}
DISPUTE_LABELS = {DisputeState.PENDING: "待改革办决定", DisputeState.ACCEPTED: "异议成立",
                  DisputeState.REJECTED: "异议不成立"}
