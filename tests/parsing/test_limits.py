"""Hostile documents (issue #17) are refused quickly, by name and bound, without being unpacked; documents
within the bounds read as before. The sizes are scaled down with a `DocumentLimits` of the test's own; the
full-size cases run in `python -m bench.hostile`."""

import threading
import time

import pytest

from bench.hostile_files import (
    deep_html,
    device_link,
    fifo,
    many_paragraphs_docx,
    many_rows_xlsx,
    text_node_bomb_docx,
)
from reformflow.parsing import LIMITS, DocumentLimits, ExtractionError, extract_file


def refusal(path, limits=LIMITS) -> str:
    with pytest.raises(ExtractionError) as error:
        extract_file(path, limits)
    return str(error.value)


def test_a_link_to_dev_zero_is_refused_before_it_is_read(tmp_path):
    started = time.monotonic()
    message = refusal(device_link(tmp_path / "zero.txt"))
    assert message == "zero.txt: not a regular file but a device; only files can be read"
    assert time.monotonic() - started < 1


def test_a_fifo_is_refused_instead_of_blocking(tmp_path):
    path = fifo(tmp_path / "pipe.md")
    outcome: list[str] = []
    reader = threading.Thread(target=lambda: outcome.append(refusal(path)), daemon=True)
    reader.start()
    reader.join(timeout=10)
    if reader.is_alive():  # unblock the reader so the test run can end, then fail
        with open(path, "wb"):
            pass
        pytest.fail("reading a FIFO blocked")
    assert outcome == ["pipe.md: not a regular file but a FIFO (named pipe); only files can be read"]


def test_a_docx_whose_text_node_inflates_is_refused_by_its_declared_size(tmp_path):
    path = text_node_bomb_docx(tmp_path / "bomb.docx", 30 * 2**20)
    assert path.stat().st_size < 100_000  # 30 MB of text packs into a few dozen KB
    message = refusal(path, DocumentLimits(max_unzipped_bytes=20 * 2**20))
    assert message.startswith("bomb.docx: unpacks to 31 MB (packed")
    assert message.endswith("a .docx may unpack to at most 20 MB")
    assert "word/document.xml unpacks to 30 MB" in refusal(path, DocumentLimits(max_part_bytes=10 * 2**20))


def test_a_docx_with_too_many_paragraphs_is_refused_when_counted(tmp_path):
    path = many_paragraphs_docx(tmp_path / "paragraphs.docx", 1_001)
    assert refusal(path, DocumentLimits(max_paragraphs=1_000)) == (
        "paragraphs.docx: word/document.xml: more than 1,000 paragraphs; a task document has far fewer "
        "(split the file)")
    assert extract_file(path, DocumentLimits(max_paragraphs=1_001)).problems  # within the bound: read (no tasks)


def test_a_ledger_with_too_many_rows_is_refused_before_openpyxl_loads_it(tmp_path):
    path = many_rows_xlsx(tmp_path / "ledger.xlsx", 60)
    assert refusal(path, DocumentLimits(max_rows=50)) == (
        "ledger.xlsx: xl/worksheets/sheet1.xml: more than 50 rows; a task document has far fewer (split the file)")
    assert "more than 100 cells" in refusal(path, DocumentLimits(max_cells=100))
    document = extract_file(path, DocumentLimits(max_rows=61))
    assert len(document.tasks) == 60 and document.tasks[59].lead_units == ["市市场监管局"]


def test_merged_ranges_and_stray_far_cells_count_as_the_cells_they_span(tmp_path):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["序号", "改革措施", "牵头单位"])
    sheet.merge_cells("A2:Z2000")  # one merge covering 51,974 cells
    workbook.save(tmp_path / "merged.xlsx")
    assert refusal(tmp_path / "merged.xlsx", DocumentLimits(max_cells=10_000)).startswith(
        "merged.xlsx: xl/worksheets/sheet1.xml: more than 10,000 cells")

    workbook = Workbook()
    workbook.active.append(["序号", "改革措施", "牵头单位"])
    workbook.active["XFD1048576"] = "x"  # two cells, but iter_rows would walk 17 billion
    workbook.save(tmp_path / "far.xlsx")
    assert refusal(tmp_path / "far.xlsx") == (
        "far.xlsx: sheet Sheet spans 1,048,576 rows × 16,384 columns, more than the 300,000 cells a ledger may have "
        "(17,179,869,184)")


def test_html_nested_100000_deep_is_refused_in_linear_time(tmp_path):
    started = time.monotonic()
    message = refusal(deep_html(tmp_path / "deep.html", 100_000))
    assert message == "deep.html: elements nested more than 255 deep; a web page nests a few dozen"
    assert time.monotonic() - started < 5  # BeautifulSoup alone took minutes (quadratic in the depth)


def test_html_nested_within_the_bound_still_gives_its_table(tmp_path):
    started = time.monotonic()
    document = extract_file(deep_html(tmp_path / "deep.html", 200))
    assert [(t.code, t.lead_units) for t in document.tasks] == [("1", ["市市场监管局"])]
    assert time.monotonic() - started < 5


def test_html_with_too_many_elements_or_bytes_is_refused(tmp_path):
    path = tmp_path / "long.html"
    path.write_text("<p>一、总体要求</p>" * 2_000, encoding="utf-8")
    assert refusal(path, DocumentLimits(max_html_elements=1_000)).startswith(
        "long.html: more than 1,000 HTML elements")
    assert refusal(path, DocumentLimits(max_html_bytes=10_000)) == (
        "long.html: 50,000 bytes of HTML; a web page may have at most 10,000 bytes")


def test_a_file_over_the_size_limit_is_refused_unread(tmp_path):
    path = tmp_path / "big.txt"
    path.write_bytes(b"1. x\n" * 1_000)
    assert refusal(path, DocumentLimits(max_bytes=1_000)) == (
        "big.txt: 5,000 bytes is more than the 1,000 bytes a task document may have")
