"""What rendering produces and sending consumes."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class OutgoingMessage:
    subject: str
    body: str
    # markdown: the local outbox (and chat messages queued before per-platform rendering) | html: email |
    # payload: the JSON request a chat robot's platform receives, rendered for it and split to its limits
    format: str = "markdown"
    attachments: tuple[str, ...] = ()  # file paths with ASCII names (email only: chat robots drop them)
