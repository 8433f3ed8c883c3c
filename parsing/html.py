"""Web pages: the task table wherever the page put it, and the prose around it, as the lines the parsers read.

Government sites wrap the article in layout tables (a table whose cells hold the page's regions, often with the
task table nested inside), and Word-exported tables carry paragraphs and spans in every cell. A table that holds
other tables is layout: its cells become text. A table that holds none is data: its rows become markdown rows,
with merged cells (rowspan, colspan) repeated on every row and column they cover.
"""

from __future__ import annotations

from bs4 import BeautifulSoup, CData, NavigableString, PageElement, Tag

from reformflow.parsing.sources import SourceText, markdown_row

_BLOCKS = ["p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "td", "th", "table"]


def _cell_text(cell: Tag) -> str:
    for bold in cell.find_all(["b", "strong"]):
        bold.replace_with(f"<b>{bold.get_text()}</b>")
    for br in cell.find_all("br"):
        br.replace_with("<br>")
    # Word puts each line of a cell in its own paragraph: keep the break (the parsers drop or split on it).
    paragraphs = [p.get_text().strip() for p in cell.find_all("p")]
    text = "<br>".join(p for p in paragraphs if p) if paragraphs else cell.get_text()
    return " ".join(text.split())


def _span(cell: Tag, name: str) -> int:
    try:
        return max(1, int(str(cell.get(name, 1)).strip() or 1))
    except ValueError:
        return 1


def table_rows(table: Tag) -> list[list[str]]:
    """Rows with rowspan and colspan expanded, so a merged 所属领域 cell appears on every row it spans."""
    rows: list[list[str]] = []
    pending: dict[int, tuple[str, int]] = {}  # column → (text, rows still to fill)
    for tr in table.find_all("tr"):
        row: list[str] = []
        queue = tr.find_all(["td", "th"], recursive=False)
        while queue or len(row) in pending:
            if len(row) in pending:  # a cell merged down from a row above
                text, left = pending.pop(len(row))
                if left > 1:
                    pending[len(row)] = (text, left - 1)
                row.append(text)
                continue
            cell = queue.pop(0)
            text = _cell_text(cell)
            for _ in range(_span(cell, "colspan")):
                if _span(cell, "rowspan") > 1:
                    pending[len(row)] = (text, _span(cell, "rowspan") - 1)
                row.append(text)
        rows.append(row)
    return rows


def read_html(text: str) -> SourceText:
    soup = BeautifulSoup(text, "html.parser")
    for tag in soup(["script", "style", "head"]):
        tag.decompose()
    tables = soup.find_all("table")
    layout = [table for table in tables if table.find("table") is not None]
    for table in tables:
        if table in layout:
            continue
        rows = [row for row in table_rows(table) if any(cell for cell in row)]
        if len(rows) >= 2 and max(len(row) for row in rows) >= 2:
            table.replace_with(NavigableString("\n" + "\n".join(markdown_row(row) for row in rows) + "\n"))
    for br in soup.find_all("br"):
        br.replace_with(NavigableString("\n"))
    return SourceText([line.strip() for line in _text_with_breaks(soup).splitlines()])


def _text_with_breaks(root: Tag) -> str:
    """The page's text with a line break after every block, in one walk of the tree. (Appending a break to each
    block instead costs the block's depth per append in BeautifulSoup: quadratic on a deeply nested page.)"""
    parts: list[str] = []
    stack: list[PageElement | str] = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, str) and not isinstance(node, NavigableString):
            parts.append(node)  # the break pushed when its block was entered
        elif isinstance(node, Tag):
            if node.name in _BLOCKS:
                stack.append("\n")
            stack.extend(reversed(node.contents))
        elif type(node) in (NavigableString, CData):  # text, not comments or doctypes (as get_text)
            parts.append(str(node))
    return "".join(parts)
