"""The ledger's tables and its migrations."""

from models.ledger import (
    Assignment,
    Bulletin,
    Contact,
    Document,
    DocumentRevision,
    Evidence,
    Lock,
    Message,
    ReminderLog,
    StatusReport,
    Task,
    Unit,
    utcnow,
)

STATUS_LABELS = {
    "not_started": "未启动",
    "in_progress": "推进中",
    "completed": "已完成",
    "lagging": "滞后",
    "extension_requested": "申请延期",
}

REVIEW_LABELS = {"accepted": "已销号", "returned": "退回", "approved": "延期已批准", "rejected": "延期未批准"}

__all__ = [
    "REVIEW_LABELS", "STATUS_LABELS", "Assignment", "Bulletin", "Contact", "Document", "DocumentRevision", "Evidence",
    "Lock", "Message", "ReminderLog", "StatusReport", "Task", "Unit", "utcnow",
]
