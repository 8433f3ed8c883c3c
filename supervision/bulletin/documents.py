"""The bulletin's charts (PNG, Chinese labels) and its Word version in the shape of an official notice.

Both come from the one computed result (`compute_bulletin`). matplotlib and Word drop Chinese glyphs without
a CJK font: Debian's fonts-noto-cjk ("Noto Sans CJK SC") is required, and its absence is an error that says
so rather than a chart of empty boxes.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no display: render to files
import matplotlib.pyplot as plt
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from matplotlib import font_manager

CJK_FONT = "Noto Sans CJK SC"
NOTICE_OVERDUE_ROWS = 200  # a notice leaders read: the longest overdue; the HTML and JSON list them all
NOTICE_LIST_ROWS = 50
LIGHTS = (("completed", "已完成", "#1d4ed8"), ("on_track", "按计划", "#15803d"), ("at_risk", "滞后", "#d97706"),
          ("overdue", "逾期", "#b91c1c"))


class MissingFontError(RuntimeError):
    pass


def cjk_font() -> str:
    names = {font.name for font in font_manager.fontManager.ttflist}
    if CJK_FONT not in names:  # installed after matplotlib cached its font list: add the files directly
        for path in Path("/usr/share/fonts").rglob("NotoSansCJK*"):
            font_manager.fontManager.addfont(str(path))
        names = {font.name for font in font_manager.fontManager.ttflist}
    if CJK_FONT not in names:
        raise MissingFontError(f"the font '{CJK_FONT}' is not installed, so Chinese text would not render: "
                               "apt-get install fonts-noto-cjk (make test installs it)")
    return CJK_FONT


def _style() -> None:
    plt.rcParams["font.family"] = cjk_font()
    plt.rcParams["axes.unicode_minus"] = False


def completion_chart(data: dict, path: Path, top: int = 20) -> Path:
    """Completion rate of the units with the most tasks."""
    _style()
    units = sorted(data["units"], key=lambda u: -(u["lead_tasks"] + u["co_tasks"]))[:top]
    units.sort(key=lambda u: u["completion_rate"])
    figure, axes = plt.subplots(figsize=(8, 0.32 * len(units) + 1.4), dpi=120)
    axes.barh([u["unit"] for u in units], [u["completion_rate"] * 100 for u in units], color="#1d4ed8")
    for index, unit in enumerate(units):
        axes.text(unit["completion_rate"] * 100 + 1, index, f"{unit['completion_rate']:.0%}", va="center", fontsize=8)
    axes.set_xlim(0, 110)
    axes.set_xlabel("完成率（%）")
    axes.set_title(f"各单位任务完成率（任务最多的{len(units)}个单位，{data['period']}）")
    figure.tight_layout()
    figure.savefig(path)
    plt.close(figure)
    return path


def area_chart(data: dict, path: Path) -> Path:
    """Tasks per area, stacked by traffic light."""
    _style()
    areas = data["areas"]
    figure, axes = plt.subplots(figsize=(8, 0.38 * len(areas) + 1.6), dpi=120)
    left = [0] * len(areas)
    for key, label, colour in LIGHTS:
        values = [area[key] for area in areas]
        axes.barh([a["area"][:18] for a in areas], values, left=left, label=label, color=colour)
        left = [a + b for a, b in zip(left, values, strict=True)]
    axes.set_xlabel("任务数")
    axes.set_title(f"各领域任务状态（{data['period']}）")
    axes.legend(loc="lower right", fontsize=8)
    figure.tight_layout()
    figure.savefig(path)
    plt.close(figure)
    return path


def _east_asian(run, size: float | None = None, bold: bool = False) -> None:
    """Word picks East Asian glyphs from `w:eastAsia`; without it Chinese falls back to a Latin font."""
    run.font.name = CJK_FONT
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), CJK_FONT)
    if size:
        run.font.size = Pt(size)
    run.bold = bold


# Characters XML 1.0 forbids (python-docx refuses them): Word's manual line break \x0b pasted into a report,
# a stray NUL. One of them must not stop the month's bulletin, so they become spaces in the notice.
_NOT_XML = str.maketrans({code: " " for code in [*range(0, 9), 11, 12, *range(14, 32)]})


def _text(value: object) -> str:
    return str(value).translate(_NOT_XML)


def _paragraph(document, text: str, size: float = 12, bold: bool = False, centre: bool = False):
    paragraph = document.add_paragraph()
    _east_asian(paragraph.add_run(_text(text)), size, bold)
    if centre:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    return paragraph


def _table(document, header: list[str], rows: list[list[object]], wide: int = 1) -> None:
    """A grid table; column `wide` (the unit or task name) gets the room the short number columns leave."""
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    table.autofit = False
    narrow = Cm(1.6)
    widths = [Cm(15.8) - narrow * (len(header) - 1) if i == wide else narrow for i in range(len(header))]
    for cell, text, width in zip(table.rows[0].cells, header, widths, strict=True):
        cell.width = width
        _east_asian(cell.paragraphs[0].add_run(_text(text)), 10, bold=True)
    for row in rows:
        for cell, value, width in zip(table.add_row().cells, row, widths, strict=True):
            cell.width = width
            _east_asian(cell.paragraphs[0].add_run(_text(value)), 10)


def write_docx(data: dict, charts: dict[str, Path], path: Path, office: str) -> Path:
    document = Document()
    section = document.sections[0]
    section.left_margin = section.right_margin = Cm(2.6)
    _paragraph(document, office, 14, bold=True, centre=True)
    _paragraph(document, f"优化营商环境改革任务月度通报（{data['period_label']}）", 20, bold=True, centre=True)
    _paragraph(document, f"（截至{data['as_of_label']}）", 12, centre=True)
    _paragraph(document, data["headline"] + "现将有关情况通报如下。")
    _paragraph(document, "一、各单位完成情况", 14, bold=True)
    _table(document, ["排名", "单位", "牵头", "配合", "已办结", "申请销号", "红灯", "应报送", "未报送", "办结率"],
           [[u["rank"], u["unit"], u["lead_tasks"], u["co_tasks"], u["completed"], u["claimed"], u["overdue"],
             u["due_report"], u["not_reported"], f"{u['completion_rate']:.1%}"] for u in data["units"]])
    document.add_picture(str(charts["completion"]), width=Cm(15))
    _paragraph(document, "二、各领域情况", 14, bold=True)
    _table(document, ["领域", "任务", "已办结", "申请销号", "绿灯", "黄灯", "红灯", "持续推进", "无时限未报送",
                      "待落实"],
           [[a["area"], a["tasks"], a["completed"], a["claimed"], a["on_track"], a["at_risk"], a["overdue"],
             a["standing"], a["no_deadline_unreported"], a["unassigned"]] for a in data["areas"]], wide=0)
    document.add_picture(str(charts["areas"]), width=Cm(15))
    _paragraph(document, "三、逾期未办结任务", 14, bold=True)
    overdue = data["overdue"][:NOTICE_OVERDUE_ROWS]
    _table(document, ["文件", "序号", "任务", "牵头单位", "完成时限", "逾期（工作日）"],
           [[o["document"], o["code"], o["title"], "、".join(o["lead_units"]), o["deadline"], o["days_overdue"]]
            for o in overdue] or [["—", "", "无", "", "", ""]], wide=2)
    if len(data["overdue"]) > len(overdue):
        _paragraph(document, f"（以上为逾期最久的{len(overdue)}项，全部{len(data['overdue'])}项"
                             "见通报网页版及数据文件。）", 10)
    _paragraph(document, "四、本期办结、销号申请与延期申请", 14, bold=True)
    completed, claims, extensions = data["completed_this_period"], data["claims_pending"], data["extension_requests"]
    _paragraph(document, f"本期经复核办结{len(completed)}项，申请销号待复核{len(claims)}项，"
                         f"申请延期{len(extensions)}项。")
    for report in completed[:NOTICE_LIST_ROWS]:
        _paragraph(document, f"办结：{report['document']} {report['code']} {report['title']}（{report['unit']}）")
    for report in claims[:NOTICE_LIST_ROWS]:
        _paragraph(document, f"申请销号：{report['document']} {report['code']} {report['title']}（{report['unit']}）")
    for report in extensions[:NOTICE_LIST_ROWS]:
        _paragraph(document, f"申请延期：{report['code']} {report['title']}（{report['unit']}）：{report['narrative']}")
    _paragraph(document, "五、未报送单位", 14, bold=True)
    _paragraph(document, "、".join(data["units_not_reported"]) or "无。")
    _paragraph(document, "说明（本通报所用口径）：", 10)
    for item in data["definitions"]:
        _paragraph(document, f"{item['term']}：{item['definition']}", 10)
    _paragraph(document, office, 12).alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _paragraph(document, data["as_of_label"], 12).alignment = WD_ALIGN_PARAGRAPH.RIGHT
    document.save(path)
    return path
