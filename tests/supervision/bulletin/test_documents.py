"""The Word notice as a reform office prints it: GB/T 9704 page, fonts, 文号, Chinese dates, page numbers, tables
and charts inside the text block — checked in the .docx and in the PDF LibreOffice makes of it."""

import re
from datetime import date

import docx
import pdfplumber
import pytest
from docx.oxml.ns import qn
from docx.shared import Mm

from reformflow.core.calendar import WorkingCalendar
from reformflow.core.settings import settings
from reformflow.supervision.bulletin.charts import area_chart, completion_chart
from reformflow.supervision.bulletin.compute import compute_bulletin
from reformflow.supervision.bulletin.documents import NoticeStyle, write_docx
from reformflow.supervision.bulletin.notice_layout import Column, fit_widths
from reformflow.supervision.bulletin.pdf import export_pdf
from tests.factories import ledger, new_session, task

MM = 72 / 25.4  # points
LONG_NAMES = ["人民银行深圳市中心支行", "深汕特别合作区管委会", "市规划和自然资源局", "市政务服务数据管理局",
              "市文化广电旅游体育局", "各区政府（新区管委会）"]
STYLE = NoticeStyle(issuer="深圳市优化营商环境改革工作领导小组办公室", number="深营商办〔2020〕6号")


@pytest.fixture(scope="module")
def notice(tmp_path_factory):
    """A month with 36 units, 30 areas (more than a page of bars would hold at full size) and overdue tasks."""
    folder = tmp_path_factory.mktemp("notice")
    with pytest.MonkeyPatch.context() as patch:  # one ledger for the module, its own data directory
        patch.setattr(settings, "data_dir", folder / "var")
        patch.setattr(settings, "database_url", None)
        data = _month(folder)
    charts = {"completion": completion_chart(data, folder / "c.png"), "areas": area_chart(data, folder / "a.png")}
    path = write_docx(data, charts, folder / "notice.docx", STYLE)
    with pdfplumber.open(export_pdf(path)) as pdf:
        yield data, docx.Document(path), pdf


def _month(folder) -> dict:
    units = LONG_NAMES + [f"市第{n}局" for n in range(1, 31)]
    tasks = [task(str(n), [units[n % len(units)]], [units[(n + 7) % len(units)]],
                  deadline=date(2020, 3 + n % 6, 28), area=f"深化第{n % 30 + 1}项重点领域营商环境改革")
             for n in range(1, 91)]
    with new_session() as session:
        ledger(session, folder, tasks)
        return compute_bulletin("2020-06", date(2020, 6, 23), session=session, calendar=WorkingCalendar())


def _text(document) -> str:
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def _east_asian(paragraph) -> set[str]:
    return {run._element.rPr.rFonts.get(qn("w:eastAsia")) for run in paragraph.runs if run.text.strip()}


def test_the_page_is_a4_with_the_standard_margins(notice):
    _, document, pdf = notice
    section = document.sections[0]
    sizes = (section.page_width, section.page_height, section.top_margin, section.bottom_margin,
             section.left_margin, section.right_margin)
    assert [round(size.mm, 1) for size in sizes] == [210, 297, 37, 35, 28, 26]  # stored in twips
    for page in pdf.pages:
        assert (round(page.width), round(page.height)) == (595, 842)  # A4 in points, every page
        body = [c for c in page.chars if c["bottom"] < (297 - 35) * MM + 2]
        assert min(c["x0"] for c in body) >= 28 * MM - 3  # tables may reach a cell border into the margin
        assert max(c["x1"] for c in body) <= (210 - 26) * MM + 3
        assert min(c["top"] for c in body) >= 37 * MM - 2


def test_fonts_song_title_fangsong_body_hei_headings(notice):
    data, document, pdf = notice
    paragraphs = {p.text: p for p in document.paragraphs}
    assert _east_asian(paragraphs["关于2020年6月优化营商环境改革任务落实情况的通报"]) == {"Noto Serif CJK SC"}
    body = paragraphs[data["headline"] + "现将有关情况通报如下。"]
    assert _east_asian(body) == {"FandolFang"} and body.runs[0].font.size.pt == 16  # 3号
    assert _east_asian(paragraphs["一、各单位完成情况"]) == {"Noto Sans CJK SC"}
    used = {c["fontname"].split("+")[-1] for page in pdf.pages for c in page.chars}
    assert any(name.startswith("FandolFang") for name in used)  # the FangSong face itself, not a substitute
    assert any(name.startswith("NotoSerifCJK") for name in used)  # the title's Song face

def test_number_issuer_and_dates_written_out(notice):
    _, document, pdf = notice
    text = _text(document)
    assert "深营商办〔2020〕6号" in text and text.count("深圳市优化营商环境改革工作领导小组办公室") >= 2
    assert "2020年6月23日" in text and "2020年3月28日" in text  # the date of the notice, a deadline
    assert not re.search(r"\d{4}-\d{2}-\d{2}", text)  # no ISO date anywhere, tables included
    first_page = pdf.pages[0].extract_text()
    assert "深营商办〔2020〕6号" in first_page.replace(" ", "")


def test_page_numbers_are_fields_outside_the_text_block(notice):
    _, document, pdf = notice
    section = document.sections[0]
    for footer in (section.footer, section.even_page_footer):
        xml = footer._element.xml
        assert "PAGE" in xml and 'w:fldCharType="begin"' in xml and "— " in footer.paragraphs[0].text
    assert len(pdf.pages) >= 3
    for number, page in enumerate(pdf.pages[:3], start=1):
        label = [c for c in page.chars if c["top"] > (297 - 35) * MM]
        assert "".join(c["text"] for c in label).replace(" ", "") == f"—{number}—"
        left, right = min(c["x0"] for c in label), max(c["x1"] for c in label)
        if number % 2:  # odd pages on the right, even pages on the left (GB/T 9704)
            assert right > 150 * MM
        else:
            assert left < 60 * MM


def test_charts_fit_the_text_block(notice):
    _, document, pdf = notice
    assert len(document.inline_shapes) == 2
    for shape in document.inline_shapes:
        assert shape.width <= Mm(156) and shape.height <= Mm(225)
    images = [image for page in pdf.pages for image in page.images]
    assert len(images) == 2
    for image in images:  # nothing cut: every picture wholly inside the text block of its page
        assert image["x0"] >= 28 * MM - 1 and image["x1"] <= (210 - 26) * MM + 1
        assert image["top"] >= 37 * MM - 1 and image["bottom"] <= (297 - 35) * MM + 1


def test_unit_names_stay_on_one_line(notice):
    """The unit column is as wide as the longest name: no name wraps (14 pages of three-line names before)."""
    _, _, pdf = notice
    for name in LONG_NAMES:
        pattern = r"\s*".join(map(re.escape, name))
        found = [m for page in pdf.pages for m in page.search(pattern, regex=True, return_chars=True)
                 if round(m["chars"][0]["size"], 1) == 10.5]  # in a table, not wrapped in the body's prose
        assert found, name
        assert all(match["bottom"] - match["top"] < 14 for match in found), name  # one 10.5 pt line


def test_column_widths_fit_the_content():
    columns = [Column("序号"), Column("任务", "text"), Column("牵头单位", "name"), Column("完成时限", "date")]
    rows = [["1", "压缩企业开办时间" * 6, "、".join(LONG_NAMES), "2020年12月31日"],
            ["2", "压缩银行开户时间", "市公安局", "2020年6月30日"]]
    widths = fit_widths(columns, rows, "FandolFang")
    assert sum(widths) == pytest.approx(156 * MM, abs=0.5)
    assert widths[3] >= 70  # a date never breaks: 2020年12月31日 at 10.5 pt
    assert widths[2] >= 11 * 10.5  # a unit name never breaks inside: 人民银行深圳市中心支行
    assert widths[0] < 30  # a number column takes what it needs, no more
    assert widths[1] > widths[0] * 3  # the task text gets the room


def test_an_office_names_its_own_fonts(tmp_path):
    data = {"period_label": "2020年6月", "headline": "截至2020年6月23日，台账共有改革任务0项。", "units": [],
            "areas": [], "overdue": [], "completed_this_period": [], "claims_pending": [], "extension_requests": [],
            "units_not_reported": [], "definitions": [], "as_of_label": "2020年6月23日"}
    charts = {"completion": completion_chart(data, tmp_path / "c.png"), "areas": area_chart(data, tmp_path / "a.png")}
    style = NoticeStyle(issuer="某市改革办", body_font="仿宋_GB2312", title_font="方正小标宋简体")
    document = docx.Document(write_docx(data, charts, tmp_path / "n.docx", style))
    paragraphs = {p.text: p for p in document.paragraphs}
    assert _east_asian(paragraphs["关于2020年6月优化营商环境改革任务落实情况的通报"]) == {"方正小标宋简体"}
    assert _east_asian(paragraphs[data["headline"] + "现将有关情况通报如下。"]) == {"仿宋_GB2312"}
