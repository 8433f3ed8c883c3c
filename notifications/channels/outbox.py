"""`outbox://<unit-slug>`: a local outbox a person can open, one Markdown file per message.

This is the embedded default in place of email or chat. File names come from the content, so a message
sent twice (for example after a crash between sending and recording) lands on the same file.
"""

from __future__ import annotations

import hashlib
import re
from datetime import datetime
from pathlib import Path

from apprise.decorators import notify

from reformflow.config import settings

_SAFE = re.compile(r"[^a-z0-9-]")


def outbox_path(recipient: str, title: str, body: str) -> Path:
    digest = hashlib.sha256(f"{title}\n{body}".encode()).hexdigest()[:16]
    return settings.outbox_dir / _SAFE.sub("-", recipient.lower()) / f"{digest}.md"


@notify(on="outbox", name="ReformFlow local outbox")
def write_to_outbox(body: str, title: str, notify_type: str, meta: dict, *args, **kwargs) -> bool:
    recipient = meta.get("host") or "unknown"
    path = outbox_path(recipient, title, body)
    path.parent.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().astimezone().isoformat(timespec="seconds")
    text = f"To: {recipient}\nDate: {stamp}\nSubject: {title}\n\n{body}"
    tmp = path.with_suffix(".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)  # atomic: a reader never sees half a message
    return True
