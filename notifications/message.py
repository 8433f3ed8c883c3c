"""What rendering produces and sending consumes."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class OutgoingMessage:
    subject: str
    body: str
    format: str = "markdown"  # markdown (chat, the local outbox) | html (email)
    attachments: tuple[str, ...] = ()  # file paths with ASCII names (email only: chat robots drop them)
