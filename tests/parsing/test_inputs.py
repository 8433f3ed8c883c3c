"""PDF, legacy Word and scanned pages, as offices receive them: made here, then read by `reformflow extract`
and stored by `reformflow ingest` (each a separate process, as a user runs it).

The inputs are made the way they are made in an office: a Word document saved as PDF and as .doc by
LibreOffice, and a printed task list scanned at 300 dpi (rendered with Pillow and the Noto CJK font). Their
measures are real ones, from the Shenzhen 2020 task list (the table) and the Shenzhen 2022 innovation pilot
plan (the prose items); the deadline sentences of the prose items are added. Needs `make system-deps`
(LibreOffice, Tesseract with its Chinese data, the Noto CJK font).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import zlib
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from docx.shared import Pt

from reformflow.parsing import ExtractionError, extract_file
from reformflow.parsing.readers.layout import Table
from reformflow.parsing.readers.pdf import _join_split_rows

TABLE_TITLE = "深圳市2020年优化营商环境改革重点任务清单"
HEADER = ["序号", "所属领域", "改革措施", "牵头单位", "责任单位", "完成时限"]
ROWS = [  # (area, bold title, measure, lead, co, deadline): rows 7, 16 and 18 of the Shenzhen 2020 list
    ("一、深化商事登记制度改革", "压缩银行开户时间。",
     "在取消企业银行账户许可的基础上，指导全市商业银行开户时间压缩至1天。", "人民银行深圳中心支行", "", "2020年6月底"),
    ("", "建设“企业注销一窗通”平台。", "简化注销材料，压缩公告时限。打通数据接口，将清税证明实时传送到商事登记"
     "系统，实现跨部门的业务协同和数据共享。", "市市场监管局", "市公安局、市商务局、市人力资源保障局、深圳海关",
     "2020年6月底"),
    ("二、深化工程建设项目审批制度改革", "取消市政管线临时迁改设计方案核查。", "涉及市政管线临时迁改工程建设项目，"
     "可免于办理市政管线迁改设计方案核查。", "市规划和自然资源局",
     "市住房建设局、市水务局、市交通运输局、市通信管理局、市燃气集团、市地铁集团、深圳供电局", "2020年3月底"),
]
PROSE_TITLE = "深圳市2022年营商环境创新试点重点任务清单"
PROSE = [
    "1.提高开办企业便利化水平。迭代优化“开办企业一窗通”平台功能，全面实行开办企业“一网通办、一窗领取、一日办结、"
    "分时办理”。2022年6月底前完成。（牵头单位：市市场监管局；责任单位：市政务服务数据管理局、市税务局）",
    "2.修订《深圳经济特区不动产登记条例》，优化破产企业房屋处置程序。2022年12月底前完成。（牵头单位：市规划和"
    "自然资源局；责任单位：市住房建设局）",
    "3.完善司法重整的府院联动机制，推进破产事务“一网通办”。2022年9月底前完成。（牵头单位：市中级法院；责任单位："
    "市破产事务管理署）",
]
SCAN_TITLE = "深圳市2022年营商环境创新试点重点任务清单（第二批）"
SCAN = [
    "1.推进客货运输电子证照跨区域互认与核验。2022年6月底前完成。（牵头单位：市交通运输局）",
    "2.率先探索律师事务所名称核准改革试点，缩短核名业务办理时限。2022年9月底前完成。（牵头单位：市司法局）",
    "3.建立健全企业破产重整信用修复机制，打造破产资产投融资综合服务平台。2022年12月底前完成。（牵头单位：市中级"
    "法院；责任单位：市市场监管局）",
]
# code → (lead units, co units, deadline), per input file
TABLE_TASKS = {
    "1": (["人民银行深圳中心支行"], [], "2020-06-30"),
    "2": (["市市场监管局"], ["市公安局", "市商务局", "市人力资源保障局", "深圳海关"], "2020-06-30"),
    "3": (["市规划和自然资源局"], ["市住房建设局", "市水务局", "市交通运输局", "市通信管理局", "市燃气集团",
                              "市地铁集团", "深圳供电局"], "2020-03-31"),
}
PROSE_TASKS = {
    "1": (["市市场监管局"], ["市政务服务数据管理局", "市税务局"], "2022-06-30"),
    "2": (["市规划和自然资源局"], ["市住房建设局"], "2022-12-31"),
    "3": (["市中级法院"], ["市破产事务管理署"], "2022-09-30"),
}
SCAN_TASKS = {
    "1": (["市交通运输局"], [], "2022-06-30"),
    "2": (["市司法局"], [], "2022-09-30"),
    "3": (["市中级法院"], ["市市场监管局"], "2022-12-31"),
}
EXPECTED = {"plan.pdf": TABLE_TASKS, "plan.doc": PROSE_TASKS, "plan.wps": PROSE_TASKS, "scan.png": SCAN_TASKS}


def _east_asian(document, font: str) -> None:
    style = document.styles["Normal"]
    style.font.name, style.font.size = font, Pt(12)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), font)


def _table_docx(path: Path) -> None:
    document = docx.Document()
    _east_asian(document, "Noto Serif CJK SC")
    document.add_paragraph(TABLE_TITLE).alignment = 1
    intro = document.add_paragraph("为深入落实中共中央、国务院《关于支持深圳建设中国特色社会主义先行示范区的意见》和"
                                   "《优化营商环境条例》精神，以“先行示范”的标准持续推进深化改革，特制定本任务清单。")
    intro.paragraph_format.first_line_indent = Pt(24)
    table = document.add_table(rows=1 + len(ROWS), cols=len(HEADER))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, HEADER, strict=True):
        cell.text = text
    for number, (row, (area, title, measure, lead, co, deadline)) in enumerate(zip(table.rows[1:], ROWS,
                                                                                      strict=True), start=1):
        for cell, text in zip(row.cells, [str(number), area, "", lead, co, deadline], strict=True):
            cell.text = text
        paragraph = row.cells[2].paragraphs[0]
        paragraph.add_run(title).bold = True
        paragraph.add_run(measure)
    table.cell(1, 1).merge(table.cell(2, 1))  # 所属领域 merged over the first two tasks
    document.add_paragraph("各区、各有关单位要按照任务分工抓好落实。")
    document.save(path)


def _prose_docx(path: Path) -> None:
    document = docx.Document()
    _east_asian(document, "Noto Serif CJK SC")
    document.add_paragraph(PROSE_TITLE).alignment = 1
    document.add_paragraph("一、重点任务")
    for item in PROSE:
        document.add_paragraph(item).paragraph_format.first_line_indent = Pt(24)
    document.save(path)


def _soffice(target: str, source: Path, out: Path) -> subprocess.Popen:
    profile = (out / f"profile-{target}").as_uri()
    return subprocess.Popen(["soffice", f"-env:UserInstallation={profile}", "--headless", "--convert-to", target,
                             "--outdir", str(out), str(source)], stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _cjk_font(size: int):
    from PIL import ImageFont

    found = subprocess.run(["fc-list", ":family=Noto Sans CJK SC:style=Regular", "file"], capture_output=True,
                           text=True).stdout.split(":")[0].strip()
    assert found, "the Noto CJK font is missing: run `make system-deps` (Debian fonts-noto-cjk)"
    for index in range(10):  # a .ttc holds the SC, TC, JP, KR and HK faces
        font = ImageFont.truetype(found, size, index=index)
        if font.getname()[0] == "Noto Sans CJK SC":
            return font
    raise AssertionError(f"no Noto Sans CJK SC face in {found}")


def _wrap(text: str, font, width: float, indent: str = "") -> list[str]:
    """Lines as a word processor breaks Chinese: between any two characters but inside a number, and no line
    starts with a closing mark."""
    lines, line = [], indent
    for piece in re.findall(r"[0-9A-Za-z]+|.", text):
        if font.getlength(line + piece) > width and piece not in "，。；：、）》”":
            lines.append(line)
            line = ""
        line += piece
    return [*lines, line]


def _scan(path: Path) -> None:
    """A printed A4 page scanned at 300 dpi: 14 pt text, 2.5 cm margins, items indented two characters."""
    from PIL import Image, ImageDraw

    dpi, font = 300, _cjk_font(58)  # 14 pt at 300 dpi
    page = Image.new("L", (2480, 3508), 255)
    draw = ImageDraw.Draw(page)
    left, width, y, step = 295, 2480 - 2 * 295, 360, 100
    draw.text((1240 - font.getlength(SCAN_TITLE) / 2, y), SCAN_TITLE, font=font, fill=0)
    y += 2 * step
    for item in SCAN:
        for line in _wrap(item, font, width, indent="　　"):
            draw.text((left, y), line, font=font, fill=0)
            y += step
    draw.text((1240 - font.getlength("— 1 —") / 2, 3250), "— 1 —", font=font, fill=0)
    page.save(path, dpi=(dpi, dpi))


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> Path:
    assert shutil.which("soffice") and shutil.which("tesseract"), \
        "LibreOffice and Tesseract are needed: run `make system-deps`"
    folder = tmp_path_factory.mktemp("inputs")
    _table_docx(folder / "plan-table.docx")
    _prose_docx(folder / "plan.docx")
    conversions = [_soffice("pdf", folder / "plan-table.docx", folder), _soffice("doc", folder / "plan.docx", folder)]
    _scan(folder / "scan.png")
    for process in conversions:
        _, error = process.communicate(timeout=120)
        assert process.returncode == 0, error
    (folder / "plan-table.pdf").rename(folder / "plan.pdf")
    shutil.copy(folder / "plan.doc", folder / "plan.wps")  # WPS saves Word's binary format under .wps
    return folder


def _cli(*args: str, cwd: Path, env: dict | None = None) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "reformflow", *args], cwd=cwd, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


@pytest.fixture(scope="module")
def runs(inputs, tmp_path_factory):
    """`reformflow ingest` (with its own data directory and Prefect home) and `reformflow extract --json`,
    run side by side: ingest spends most of its time starting a temporary Prefect server."""
    home = tmp_path_factory.mktemp("ingest")
    env = {key: value for key, value in os.environ.items() if not key.startswith("PREFECT_API")}
    env.update(REFORMFLOW_DATA_DIR=str(home / "var"), PREFECT_HOME=str(home / "prefect"),
               PREFECT_SERVER_ANALYTICS_ENABLED="false", DO_NOT_TRACK="1")
    ingest = _cli("ingest", "plan.pdf", "plan.doc", "scan.png", cwd=inputs, env=env)
    extract = _cli("extract", *EXPECTED, "--json", cwd=inputs)
    extracted = extract.communicate(timeout=180)
    ingested = ingest.communicate(timeout=180)
    assert extract.returncode == 0, extracted[1]
    assert ingest.returncode == 0, ingested[1]
    with sqlite3.connect(home / "var" / "shenzhen" / "reformflow.db") as db:  # the default office's ledger
        rows = db.execute("SELECT document.source, task.code, task.lead_mentions, task.co_mentions, task.deadline "
                          "FROM task JOIN document ON task.document_id = document.id").fetchall()
    stored: dict[str, dict] = {}
    for source, code, lead, co, deadline in rows:
        stored.setdefault(source, {})[code] = (json.loads(lead), json.loads(co), deadline)
    tasks: dict[str, dict] = {}
    for task in json.loads(extracted[0]):
        tasks.setdefault(task["source"], {})[task["code"]] = (task["lead_units"], task["co_units"], task["deadline"])
    return {"extract": tasks, "stderr": extracted[1], "ingest": stored}


@pytest.mark.parametrize("name", EXPECTED)
def test_extract_reads_tasks_units_and_deadlines(runs, name):
    assert runs["extract"][name] == EXPECTED[name]


@pytest.mark.parametrize("name", ["plan.pdf", "plan.doc", "scan.png"])
def test_ingest_stores_them(runs, name):
    assert runs["ingest"][name] == EXPECTED[name]


def test_a_scan_is_flagged_for_review(runs):
    assert "warning: scan.png: read by OCR from an image: check every task against the original" in runs["stderr"]


def test_the_pdf_keeps_titles_areas_and_reading_order(inputs):
    document = extract_file(inputs / "plan.pdf")
    assert document.title == TABLE_TITLE and document.year == 2020 and not document.scanned
    assert [(t.area, t.title) for t in document.tasks] == [
        ("深化商事登记制度改革", "压缩银行开户时间"), ("深化商事登记制度改革", "建设“企业注销一窗通”平台"),
        ("深化工程建设项目审批制度改革", "取消市政管线临时迁改设计方案核查")]
    assert document.problems == []


def test_a_scanned_pdf_is_read_by_ocr_and_marked_scanned(inputs, tmp_path):
    from PIL import Image

    with Image.open(inputs / "scan.png") as page:
        page.save(tmp_path / "scan.pdf", resolution=300)  # a scanner's PDF: one image a page, no text
    document = extract_file(tmp_path / "scan.pdf")
    assert document.scanned
    assert {t.code: (t.lead_units, t.co_units, t.deadline.isoformat()) for t in document.tasks} == SCAN_TASKS


def _blank_pdf(path: Path) -> None:
    import pypdfium2

    pdf = pypdfium2.PdfDocument.new()
    pdf.new_page(595, 842)
    pdf.save(path)


def _deflate_bomb(path: Path) -> None:
    """One page whose 0.4 MB content stream inflates to 300 MB."""
    packer = zlib.compressobj(9)
    content = b"".join(packer.compress(b"0 0 m " * 100_000) for _ in range(500)) + packer.flush()
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
               b"<< /Length %d /Filter /FlateDecode >>\nstream\n%b\nendstream" % (len(content), content)]
    data, offsets = b"%PDF-1.4\n", []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(data))
        data += b"%d 0 obj\n%b\nendobj\n" % (number, body)
    table = b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    trailer = b"trailer\n<< /Size 5 /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % len(data)
    path.write_bytes(data + b"xref\n0 5\n0000000000 65535 f \n" + table + trailer)


def _white_scan(path: Path) -> None:
    from PIL import Image

    Image.new("L", (1240, 1754), 255).save(path, resolution=150)


def _white_image(path: Path) -> None:
    from PIL import Image

    Image.new("RGB", (1240, 1754), "white").save(path)


@pytest.mark.parametrize(("name", "make", "message"), [
    ("blank.pdf", _blank_pdf, "blank.pdf: no text found: the PDF has no text layer and its 1 page(s) are blank"),
    ("white.pdf", _white_scan, "white.pdf: no text found: OCR read nothing from its 1 scanned page(s)"),
    ("white.png", _white_image, "white.png: no text found: OCR read nothing from the image"),
    ("broken.pdf", b"%PDF-1.4\n1 0 obj <<>> endobj", "broken.pdf: not a readable .pdf file (PdfminerException: "),
    ("bomb.pdf", _deflate_bomb, "bomb.pdf: page 1 holds more than 20 MB of drawing instructions"),
    ("broken.png", b"\x89PNG\r\n\x1a\n\x00\x00", "broken.png: not a readable .png file"),
    ("broken.jpg", b"\xff\xd8\xff\xe0 not a jpeg", "broken.jpg: not a readable .jpg file"),
    ("notes.doc", b"plain words, no Word document", "notes.doc: not a Word or WPS document"),
    ("plan.ofd", b"PK\x03\x04", "plan.ofd: OFD files cannot be read here: open it in an OFD reader (数科OFD, 福昕OFD "
                                "or WPS) and export it to PDF"),
])
def test_unreadable_documents_get_an_error_naming_them(tmp_path, name, make, message):
    path = tmp_path / name
    if isinstance(make, bytes):
        path.write_bytes(make)
    else:
        make(path)
    with pytest.raises(ExtractionError) as error:
        extract_file(path)
    assert str(error.value).startswith(message)


@pytest.mark.parametrize(("name", "message"), [
    ("plan.doc", "plan.doc: .doc files are converted by LibreOffice, which is not installed: install the Debian "
                 "package libreoffice-writer-nogui (make system-deps)"),
    ("scan.png", "scan.png: an image is read by OCR, and Tesseract is not installed: install the Debian packages "
                 "tesseract-ocr and tesseract-ocr-chi-sim (make system-deps)"),
])
def test_a_missing_converter_is_named_with_what_to_install(inputs, tmp_path, monkeypatch, name, message):
    monkeypatch.setenv("PATH", str(tmp_path))  # neither soffice nor tesseract on the PATH
    with pytest.raises(ExtractionError, match="^" + message.replace("(", r"\(").replace(")", r"\)") + "$"):
        extract_file(inputs / name)


def test_an_oversized_image_is_refused_before_it_is_decoded(tmp_path):
    from PIL import Image

    Image.new("1", (9000, 9000), 1).save(tmp_path / "huge.png")  # 81 MP, a few KB on disk
    with pytest.raises(ExtractionError, match=r"huge.png: 9000×9000 pixels is more than the 40 million"):
        extract_file(tmp_path / "huge.png")


def _table(page: int, *rows: list[str]) -> Table:
    return Table([list(row) for row in rows], page)


HEAD = ["序号", "改革措施", "牵头单位"]


@pytest.mark.parametrize(("tables", "rows"), [
    # a row split by a page break: the part on the next page has no 序号
    ([_table(1, HEAD, ["1", "<b>压缩银行</b>", "人民银行深圳"]),
      _table(2, ["", "<b>开户时间。</b>压缩至1天。", "中心支行"])],
     [[HEAD, ["1", "<b>压缩银行开户时间。</b>压缩至1天。", "人民银行深圳中心支行"]]]),
    # the same after a repeated header row, followed by the next task
    ([_table(1, HEAD, ["1", "简化注销材料，", "市市场监管局"]), _table(2, HEAD, ["", "压缩公告时限。", ""],
                                                                 ["2", "取消施工图审查。", "市住房建设局"])],
     [[HEAD, ["1", "简化注销材料，压缩公告时限。", "市市场监管局"]],
      [HEAD, ["2", "取消施工图审查。", "市住房建设局"]]]),
    # a row over three pages
    ([_table(1, HEAD, ["1", "甲", "市税务局"]), _table(2, ["", "乙", ""]), _table(3, ["", "丙", ""])],
     [[HEAD, ["1", "甲乙丙", "市税务局"]]]),
    # a new row at the top of the page is no continuation, nor is a table two pages on
    ([_table(1, HEAD, ["1", "甲", "市税务局"]), _table(2, ["2", "乙", "市财政局"]), _table(4, ["", "丙", ""])],
     [[HEAD, ["1", "甲", "市税务局"]], [["2", "乙", "市财政局"]], [["", "丙", ""]]]),
])
def test_a_table_row_split_by_a_page_break_is_one_row(tables, rows):
    assert [table.rows for table in _join_split_rows(tables)] == rows

