"""`outbox://<unit-slug>`: a local outbox a person can open, one Markdown file per message.

This is the embedded default in place of email or chat. File names come from the content, so a message
sent twice (for example after a crash between sending and recording) lands on the same file. The folder travels
in the URL (`outbox://slug?dir=…`, added by `send()`), like the chat robots' `?base=`.
"""

from __future__ import annotations

import hashlib
import re
from datetime import datetime
from pathlib import Path
from urllib.parse import urlencode

from apprise.decorators import notify

_SAFE = re.compile(r"[^a-z0-9-]")


def outbox_path(folder: Path, recipient: str, title: str, body: str) -> Path:
    digest = hashlib.sha256(f"{title}\n{body}".encode()).hexdigest()[:16]
    return folder / _SAFE.sub("-", recipient.lower()) / f"{digest}.md"


def in_folder(url: str, folder: Path) -> str:
    """`outbox://slug` → `outbox://slug?dir=FOLDER`: where this installation keeps its outbox."""
    return f"{url}{'&' if '?' in url else '?'}{urlencode({'dir': str(folder)})}"


@notify(on="outbox", name="ReformFlow local outbox")
def write_to_outbox(body: str, title: str, notify_type: str, meta: dict, *args, **kwargs) -> bool:
    recipient = meta.get("host") or "unknown"
    folder = (meta.get("qsd") or {}).get("dir")
    if not folder:
        return False  # no folder given: nothing written, so the message stays in the outbox as failed
    path = outbox_path(Path(folder), recipient, title, body)
    path.parent.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().astimezone().isoformat(timespec="seconds")
    text = f"To: {recipient}\nDate: {stamp}\nSubject: {title}\n\n{body}"
    tmp = path.with_suffix(".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)  # atomic: a reader never sees half a message
    return True
