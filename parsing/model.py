"""What extraction produces: plain data, independent of the database."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date


class ExtractionError(ValueError):
    """A file that cannot be read as a task document; the message names the file and the reason."""


@dataclass
class Problem:
    file: str
    line: int | None
    reason: str
    where: str | None = None  # `sheet 台账 row 7`, `table 1 row 3`: set for files that are not plain text

    def __str__(self) -> str:
        if self.where:
            return f"{self.file} {self.where}: {self.reason}"
        return f"{self.file}:{self.line}: {self.reason}" if self.line else f"{self.file}: {self.reason}"


@dataclass(frozen=True)
class Milestone:
    """One dated phrase of a task (`年底前完成…`): reminded like a deadline; the task's deadline is the last one."""

    due: date
    text: str  # the phrase as the document writes it


@dataclass
class ExtractedTask:
    source: str
    code: str
    area: str | None
    title: str
    text: str
    original_text: str
    line: int
    lead_units: list[str] = field(default_factory=list)
    co_units: list[str] = field(default_factory=list)
    deadline: date | None = None
    deadline_text: str | None = None
    deadline_kind: str | None = None
    milestones: list[Milestone] = field(default_factory=list)
    # How sure the reader is of the structure, the units and the deadline (0–1), and why not, in Chinese, for
    # the office's review list: a task below the review threshold is shown to the office before anything is sent.
    confidence: float = 1.0
    doubts: list[str] = field(default_factory=list)
    convention: str | None = None  # how lead and co units were told apart, as the office reads it

    def contract(self) -> dict:
        """The `reformflow extract --json` object (see README)."""
        data = asdict(self)
        for key in ("original_text", "line", "deadline_kind"):
            data.pop(key)
        data["deadline"] = self.deadline.isoformat() if self.deadline else None
        data["milestones"] = [{"due": m.due.isoformat(), "text": m.text} for m in self.milestones]
        return data


@dataclass
class ExtractedDocument:
    source: str
    title: str
    year: int | None
    issued_on: date | None
    tasks: list[ExtractedTask] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    scanned: bool = False  # read by OCR from an image or a scanned PDF: every task needs the office's review
