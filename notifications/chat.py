"""What a chat robot message says, before any platform's syntax: `ChatContent`, read from `templates/chat/`.

A chat template is not rendered as one text. It names the parts each platform arranges in its own way (a table
for WeCom, a list for DingTalk and Feishu, a button or a link to the unit's page), as top-level `{% set %}`
values and macros that Jinja2 exports from a template module:

    title    the subject (the robot shows it as a heading, a card header or the conversation preview)
    intro    the opening text: plain sentences, `**bold**` and `- ` list lines, the subset every platform renders
    columns  table headers separated by `|`, for the platforms with tables
    items    the rows: one per task (or per task and its units)
    group(t) the heading a row is listed under (its document), cells(t) the table cells separated by `|`,
             line(t) the same row as one list line
    outro    the closing text; button the label of the link to the unit's page; tone the card colour

Agency-written text goes through the `chat` filter, which turns the characters Markdown reacts to into their
full-width forms: they read the same in Chinese text and no platform takes them for syntax.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from jinja2 import Environment

_CHAT_SPECIAL = str.maketrans({"\\": "＼", "`": "｀", "*": "＊", "_": "＿", "[": "［", "]": "］", "<": "＜",
                               ">": "＞", "#": "＃", "|": "｜", "~": "～", "\r": " ", "\n": " "})


def chat_text(value: object) -> str:
    """Agency-written text as it may stand in any chat robot's Markdown: no links, tables, headings or line
    breaks of its own."""
    return str(value).translate(_CHAT_SPECIAL).strip()


def shorten(value: object, length: int) -> str:
    """Cut a text to `length` characters with an ellipsis: a chat row is one line on a phone, the full text is
    on the unit's page."""
    text = str(value)
    return text if len(text) <= length else text[:length - 1].rstrip() + "…"


def units_with(lines, labels: dict) -> str:
    """`A、B（分管市领导）；C`: the units of task lines, each run of units under one label (their supervisor)
    named once, so that a task late at twelve districts stays one short row."""
    by_label: dict[str, list[str]] = {}
    for line in lines:
        by_label.setdefault(labels.get(line.unit_id) or "", []).append(chat_text(line.unit_name))
    return "；".join("、".join(names) + (f"（{chat_text(label)}）" if label else "")
                    for label, names in by_label.items())


@dataclass(frozen=True)
class ChatRow:
    group: str  # the heading it is listed under: the document's title
    cells: tuple[str, ...]  # for tables
    line: str  # for lists


@dataclass(frozen=True)
class ChatContent:
    title: str
    intro: str
    rows: tuple[ChatRow, ...] = ()
    columns: tuple[str, ...] = ()
    outro: str = ""
    link: str | None = None  # the unit's own page (or the bulletin): a button where the platform has them
    button: str = "查看详情"
    tone: str = "blue"  # red: overdue or escalated; orange: due soon or waiting; blue: information


def web_link(link: object) -> str | None:
    """Only http(s) links become buttons: a robot refuses a card whose button opens `file://…` (the bulletin
    before the office publishes its folder on the intranet)."""
    text = str(link or "")
    return text if text.startswith(("http://", "https://")) else None


def chat_content(env: Environment, name: str, **context: object) -> ChatContent:
    """Read `templates/chat/<name>.j2` with the message's context into a ChatContent."""
    module = env.get_template(f"chat/{name}.j2").make_module(vars=context)
    exported = vars(module)
    rows = tuple(ChatRow(str(module.group(item)).strip(), _cells(module.cells(item)), str(module.line(item)).strip())
                 for item in exported.get("items", ()))
    if rows and not exported.get("columns"):
        raise ValueError(f"templates/chat/{name}.j2 lists items but sets no columns for the platforms with tables")
    link = context.get("link")
    outro = str(exported.get("outro", "")).strip()
    if link and not web_link(link):
        outro = f"{outro}\n\n链接：{link}".strip()  # not a button, but still there to copy
    return ChatContent(title=str(module.title).strip(), intro=str(exported.get("intro", "")).strip(), rows=rows,
                       columns=_cells(exported.get("columns", "")), outro=outro, link=web_link(link),
                       button=str(exported.get("button", "查看详情")), tone=str(exported.get("tone", "blue")))


def _cells(text: object) -> tuple[str, ...]:
    return tuple(cell.strip() for cell in str(text).split("|")) if str(text).strip() else ()


@dataclass(frozen=True)
class Part:
    """One message's share of the rows; `hidden` rows are left to the unit's page ("查看全部")."""
    rows: tuple[ChatRow, ...]
    number: int
    total: int
    hidden: int = 0
    first: bool = True
    last: bool = True

    def groups(self) -> list[tuple[str, list[ChatRow]]]:
        """The rows under their headings, in order; a heading whose rows continue from the previous part is
        repeated."""
        grouped: dict[str, list[ChatRow]] = {}
        for row in self.rows:
            grouped.setdefault(row.group, []).append(row)
        return list(grouped.items())


# With a link to the unit's page, a digest is one message: its most urgent rows, at most this many (a phone screen
# or two), and "查看全部" for the rest. Without one (the office's escalation) every row is sent, in as many messages
# as the platform's limit needs.
LINKED_ROWS = 20


@dataclass
class Splitter:
    """Splits a content's rows into messages between rows, each message as large as `fits` allows."""
    build: Callable[[ChatContent, Part], dict]
    fits: Callable[[dict], bool]

    def payloads(self, content: ChatContent) -> list[dict]:
        rows, start = content.rows, 0
        bounds: list[tuple[int, int]] = []
        while start < len(rows) or not bounds:
            end = self._grow(content, start, len(bounds) + 1)
            bounds.append((start, end))
            if content.link:
                break
            start = end
        total = len(bounds)
        return [self.build(content, Part(rows[a:b], n, total, len(rows) - b, first=n == 1, last=n == total))
                for n, (a, b) in enumerate(bounds, start=1)]

    def _grow(self, content: ChatContent, start: int, number: int) -> int:
        """The end of the longest run of rows from `start` that fits one message (the numbering reserved)."""
        rows, end = content.rows, start
        stop = min(len(rows), start + LINKED_ROWS) if content.link else len(rows)
        while end < stop:
            hidden = len(rows) - end - 1 if content.link else 0
            last = content.link is not None or end + 1 == len(rows)
            trial = Part(rows[start:end + 1], number, 99, hidden, first=number == 1, last=last)
            if not self.fits(self.build(content, trial)):
                break
            end += 1
        if end == start and not self.fits(self.build(content, Part((), number, 99, len(rows) - start,
                                                                   first=number == 1, last=True))):
            raise ValueError(f"the chat message '{content.title}' does not fit the robot's limit even without rows")
        if end == start and start < len(rows) and not content.link:
            raise ValueError(f"a row of '{content.title}' does not fit the robot's limit on its own")
        return end
