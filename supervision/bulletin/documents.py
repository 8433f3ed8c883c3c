"""The bulletin's Word notice (通报), laid out as an official document in the spirit of GB/T 9704-2012.

版头: the issuing office in red Song-style capitals, the 文号, a red rule; 主体: the title in a Song-style face
(小标宋 style), the addressees, the body in a FangSong-style face 3号, first-level headings 黑体 and
second-level 楷体, tables whose columns fit their content, charts at the width of the text block; then the
issuing office and the date written out (2020年6月23日), and the 版记 line. The fonts are the office's choice
(`NoticeStyle`); the defaults are free faces the project's set-up installs: Noto Serif CJK SC (Song style),
FandolFang (FangSong), Noto Sans CJK SC (Hei) and FandolKai (Kai).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt, RGBColor

from reformflow.supervision.bulletin.charts import areas_shown, top_units
from reformflow.supervision.bulletin.fonts import text_width
from reformflow.supervision.bulletin.notice_layout import (
    BODY_SIZE,
    TEXT_WIDTH,
    Column,
    body_spacing,
    rule,
    set_run,
    setup_page,
    single_spacing,
    table,
)

NOTICE_OVERDUE_ROWS = 200  # a notice leaders read: the longest overdue; the HTML and JSON list them all
NOTICE_LIST_ROWS = 50
RED = RGBColor(0xC0, 0x00, 0x00)
CHINESE_NUMERALS = "一二三四五六七八九十"


@dataclass(frozen=True)
class NoticeStyle:
    """What the office decides about its notice: who issues it, its 文号, to whom, and in which fonts."""

    issuer: str = "优化营商环境改革工作领导小组办公室"
    number: str | None = None  # 发文字号, e.g. 深营商办〔2020〕6号; none is printed when the office sets none
    addressees: str = "各责任单位"
    title_font: str = "Noto Serif CJK SC"  # 小标宋 style
    body_font: str = "FandolFang"  # 仿宋 style
    heading_font: str = "Noto Sans CJK SC"  # 黑体 style, first-level headings (一、)
    subheading_font: str = "FandolKai"  # 楷体 style, second-level headings (（一）)


# Characters XML 1.0 forbids (python-docx refuses them): Word's manual line break \x0b pasted into a report,
# a stray NUL. One of them must not stop the month's bulletin, so they become spaces in the notice.
_NOT_XML = str.maketrans({code: " " for code in [*range(0, 9), 11, 12, *range(14, 32)]})


def _text(value: object) -> str:
    return str(value).translate(_NOT_XML)


def chinese_date(iso: str | None) -> str:
    if not iso:
        return "—"
    day = date.fromisoformat(iso)
    return f"{day.year}年{day.month}月{day.day}日"


class _Notice:
    """The document being written, with the office's style: one method per kind of paragraph."""

    def __init__(self, style: NoticeStyle) -> None:
        self.style = style
        self.document = Document()
        setup_page(self.document, body_font=style.body_font, footer_font=style.title_font)
        self.figures = 0

    def line(self, text: str, font: str | None = None, size: float = BODY_SIZE, *, indent: float = 2,
             align=None, bold: bool = False, colour: RGBColor | None = None, keep_with_next: bool = False):
        paragraph = self.document.add_paragraph()
        body_spacing(paragraph, indent, size)
        set_run(paragraph.add_run(_text(text)), font or self.style.body_font, size, bold, colour)
        if align is not None:
            paragraph.alignment = align
        paragraph.paragraph_format.keep_with_next = keep_with_next
        return paragraph

    def heading(self, text: str) -> None:
        self.line(text, self.style.heading_font, keep_with_next=True)

    def subheading(self, text: str) -> None:
        self.line(text, self.style.subheading_font, keep_with_next=True)

    def table(self, columns: list[Column], rows: list[list[object]]) -> None:
        table(self.document, columns, [[_text(v) for v in row] for row in rows], self.style.body_font,
              self.style.heading_font)
        self.line("", size=8, indent=0)  # a little air before the next paragraph

    def figure(self, picture: Path, caption: str) -> None:
        paragraph = self.document.add_paragraph()
        single_spacing(paragraph)
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.paragraph_format.keep_with_next = True
        shape = paragraph.add_run().add_picture(str(picture), width=TEXT_WIDTH)
        for side in ("distT", "distB", "distL", "distR"):  # else LibreOffice puts 0.32 cm around it
            shape._inline.set(side, "0")
        self.figures += 1
        self.line(f"图{self.figures}　{caption}", size=14, indent=0, align=WD_ALIGN_PARAGRAPH.CENTER)


def write_docx(data: dict, charts: dict[str, Path], path: Path, style: NoticeStyle | None = None) -> Path:
    notice = _Notice(style or NoticeStyle())
    _letterhead(notice, data)
    _units(notice, data, charts["completion"])
    _areas(notice, data, charts["areas"])
    _overdue(notice, data)
    _decisions(notice, data)
    notice.heading("五、未报送单位")
    notice.line("、".join(data["units_not_reported"]) + "。" if data["units_not_reported"] else "无。")
    _closing(notice, data)
    notice.document.save(path)
    return path


def _letterhead(notice: _Notice, data: dict) -> None:
    """版头 (issuing office, 文号, red rule), then the title, the addressees and the opening paragraph."""
    style = notice.style
    # 发文机关标志: red, centred, as large as one line allows up to 30 pt.
    size = min(30.0, math.floor(TEXT_WIDTH.pt / max(text_width(style.issuer, 1, style.title_font), 1) * 0.97))
    notice.line(style.issuer, style.title_font, size, indent=0, align=WD_ALIGN_PARAGRAPH.CENTER, bold=True,
                colour=RED)
    notice.line("", indent=0)
    number = notice.line(style.number or "", indent=0, align=WD_ALIGN_PARAGRAPH.CENTER)
    rule(number, "C00000", size_eighths=12)
    notice.line("", indent=0)
    notice.line(f"关于{data['period_label']}优化营商环境改革任务落实情况的通报", style.title_font, 22, indent=0,
                align=WD_ALIGN_PARAGRAPH.CENTER, bold=True)
    notice.line("", indent=0)
    notice.line(f"{style.addressees}：", indent=0)
    notice.line(data["headline"] + "现将有关情况通报如下。")


def _units(notice: _Notice, data: dict, chart: Path) -> None:
    notice.heading("一、各单位完成情况")
    notice.line("各单位按办结率排序，办结率相同的红灯任务少者在前；牵头、配合任务均计入。")
    notice.table([Column("排名"), Column("单位", "name"), Column("牵头"), Column("配合"), Column("已办结"),
                  Column("申请销号"), Column("红灯"), Column("应报送"), Column("未报送"), Column("办结率")],
                 [[u["rank"], u["unit"], u["lead_tasks"], u["co_tasks"], u["completed"], u["claimed"], u["overdue"],
                   u["due_report"], u["not_reported"], f"{u['completion_rate']:.1%}"] for u in data["units"]])
    shown = len(top_units(data))
    notice.figure(chart, f"各单位办结率（任务最多的{shown}个单位）")


def _areas(notice: _Notice, data: dict, chart: Path) -> None:
    notice.heading("二、各领域情况")
    notice.table([Column("领域", "name"), Column("任务"), Column("已办结"), Column("申请销号"), Column("绿灯"),
                  Column("黄灯"), Column("红灯"), Column("持续推进"), Column("无时限未报送"), Column("待落实")],
                 [[a["area"], a["tasks"], a["completed"], a["claimed"], a["on_track"], a["at_risk"], a["overdue"],
                   a["standing"], a["no_deadline_unreported"], a["unassigned"]] for a in data["areas"]])
    shown, total = areas_shown(data), len(data["areas"])
    scope = f"任务最多的{shown}个领域" if shown < total else "全部领域"
    notice.figure(chart, f"各领域任务状态（{scope}）")


def _overdue(notice: _Notice, data: dict) -> None:
    notice.heading("三、逾期未办结任务")
    overdue = data["overdue"][:NOTICE_OVERDUE_ROWS]
    if not overdue:
        notice.line("无。")
        return
    cut = (f"以下为逾期最久的{len(overdue)}项，全部{len(data['overdue'])}项见通报网页版及数据文件。"
           if len(data["overdue"]) > len(overdue) else "")
    notice.line(f"共{len(data['overdue'])}项，按逾期工作日由多到少排列。{cut}")
    documents = list(dict.fromkeys(row["document"] for row in overdue))
    for number, document in enumerate(documents):
        if len(documents) > 1:
            notice.subheading(f"（{CHINESE_NUMERALS[number % 10]}）《{document}》")
        else:
            notice.line(f"均为《{document}》所列任务：")
        notice.table([Column("序号"), Column("任务", "text"), Column("牵头单位", "name"), Column("完成时限", "date"),
                      Column("逾期\n工作日")],
                     [[row["code"], row["title"], "、".join(row["lead_units"]) or "—", _deadline(row),
                       row["days_overdue"]] for row in overdue if row["document"] == document])


def _deadline(row: dict) -> str:
    deadline = chinese_date(row["deadline"])
    if row.get("original_deadline") and row["original_deadline"] != row["deadline"]:
        return f"{deadline}（原{chinese_date(row['original_deadline'])}）"
    return deadline


def _decisions(notice: _Notice, data: dict) -> None:
    notice.heading("四、本期办结、销号申请与延期申请")
    completed, claims, extensions = data["completed_this_period"], data["claims_pending"], data["extension_requests"]
    notice.line(f"本期经复核办结{len(completed)}项，申请销号待复核{len(claims)}项，申请延期{len(extensions)}项。")
    several = len({r["document"] for r in completed + claims + extensions}) > 1
    lists = [(label, reports) for label, reports in (("本期办结", completed), ("申请销号待复核", claims),
                                                     ("申请延期", extensions)) if reports]
    for number, (label, reports) in enumerate(lists):
        notice.subheading(f"（{CHINESE_NUMERALS[number]}）{label}")
        if label == "申请延期":
            notice.table([Column("任务", "text"), Column("单位", "name"), Column("申请延至", "date"),
                          Column("理由", "text")],
                         [[_task_label(r, several), r["unit"], chinese_date(r["requested_deadline"]), r["narrative"]]
                          for r in reports[:NOTICE_LIST_ROWS]])
        else:
            notice.table([Column("任务", "text"), Column("单位", "name"), Column("报送日期", "date")],
                         [[_task_label(r, several), r["unit"], chinese_date(r["submitted_at"])]
                          for r in reports[:NOTICE_LIST_ROWS]])


def _task_label(report: dict, several_documents: bool) -> str:
    where = f"《{report['document']}》" if several_documents else ""
    return f"{where}第{report['code']}项　{report['title']}"


def _closing(notice: _Notice, data: dict) -> None:
    """说明 (the definitions), the issuing office centred over the date, which sits four characters from the
    right; then the 版记 between two rules."""
    notice.line("说明：本通报所用口径如下。", keep_with_next=True)
    for number, item in enumerate(data["definitions"], start=1):
        last = number == len(data["definitions"])  # the signature never stands alone on a page (GB/T 9704)
        notice.line(f"{number}．{item['term']}：{item['definition']}", keep_with_next=last)
    notice.line("", indent=0, keep_with_next=True)
    dated = data["as_of_label"]
    date_chars, issuer_chars = len(dated), len(notice.style.issuer)
    signature = notice.line(notice.style.issuer, indent=0, align=WD_ALIGN_PARAGRAPH.RIGHT, keep_with_next=True)
    signature.paragraph_format.right_indent = Pt(BODY_SIZE * max(0, 4 + (date_chars - issuer_chars) / 2))
    when = notice.line(dated, indent=0, align=WD_ALIGN_PARAGRAPH.RIGHT, keep_with_next=True)
    when.paragraph_format.right_indent = Pt(BODY_SIZE * 4)
    notice.line("", indent=0, keep_with_next=True)
    imprint = notice.line(f"{notice.style.issuer}　　{dated}印发", size=14, indent=0, align=WD_ALIGN_PARAGRAPH.CENTER)
    rule(imprint, "000000", "top", 8)
    rule(imprint, "000000", "bottom", 8)
