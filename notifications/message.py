"""What rendering produces and sending consumes."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class OutgoingMessage:
    subject: str
    body: str  # Markdown: chat channels show it, email turns it into HTML, the outbox keeps it as is
