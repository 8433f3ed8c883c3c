"""The bundled sample documents, end to end, and layouts they do not show."""

from datetime import date

import pytest

from reformflow.cli.main import sample_documents
from reformflow.parsing import ExtractionError, extract_file, extract_text

SEEDS = {path.name[:3]: path for path in sample_documents()}


@pytest.fixture(scope="module")
def seeds():
    return {key: extract_file(path) for key, path in SEEDS.items()}


def by_code(document):
    return {task.code: task for task in document.tasks}


@pytest.mark.parametrize(("seed", "items"), [("000", 44), ("001", 38), ("002", 210), ("003", 28), ("004", 32)])
def test_every_numbered_item_of_every_seed_is_found(seeds, seed, items):
    codes = [task.code.split(".")[0] for task in seeds[seed].tasks]
    assert sorted(set(codes), key=int) == [str(n) for n in range(1, items + 1)]


def test_seed_000_splits_items_into_sub_measures_each_with_its_own_units(seeds):
    tasks = by_code(seeds["000"])
    assert [code for code in tasks if code.startswith("4.")] == ["4.1", "4.2", "4.3", "4.4", "4.5"]
    assert (tasks["4.2"].lead_units, tasks["4.2"].co_units) == (["市规划和自然资源局"], ["市住房建设局"])
    assert (tasks["22.1"].lead_units, tasks["22.1"].co_units) == (["市中级法院"], ["市发展改革委", "市财政局"])
    assert tasks["22.3"].lead_units == ["市人力资源保障局"]
    assert tasks["1"].area == "健全透明规范的市场主体准入退出机制"
    assert all(task.lead_units for task in tasks.values())


def test_seed_002_table_rows(seeds):
    tasks = by_code(seeds["002"])
    assert tasks["3"].lead_units == ["市市场监管局"]
    assert tasks["3"].co_units == ["市公安局", "市税务局", "市人力资源保障局", "市住房建设局"]
    assert tasks["8"].lead_units == ["各区政府（新区管委会）", "深汕特别合作区管委会", "前海管理局"]
    assert tasks["8"].deadline == date(2020, 1, 31)  # "2020年1月": by the end of January
    assert tasks["39"].lead_units == ["市政务服务数据管理局", "市水务集团", "市燃气集团", "深圳供电局"]
    assert tasks["176"].deadline == date(2020, 6, 30)  # "2020年6月底底"
    assert tasks["7"].title == "压缩银行开户时间"
    assert tasks["2"].area == "深化商事登记制度改革"  # carried forward from the row above
    assert tasks["17"].area == "深化工程建设项目审批制度改革"  # "<br>" inside the cell
    assert all(task.deadline for task in tasks.values())
    assert seeds["002"].problems == []


def test_seed_004_lead_is_before_the_comma(seeds):
    tasks = by_code(seeds["004"])
    assert tasks["1"].title == "企业开办8小时办好"
    assert tasks["1"].lead_units == ["市场监管局"]
    assert tasks["1"].co_units == ["网络理政办", "国际合作投服局", "社会事业局", "税务局", "公安分局"]
    assert tasks["32"].lead_units == ["党群工作部"]


@pytest.mark.parametrize("seed", ["001", "003"])
def test_documents_without_units_list_every_task_as_a_problem(seeds, seed):
    document = seeds[seed]
    unassigned = [p for p in document.problems if "no responsible units" in p.reason]
    assert len(unassigned) == len(document.tasks)
    assert all(p.file == SEEDS[seed].name and p.line for p in unassigned)


def test_text_is_simplified_and_original_is_kept(seeds):
    task = by_code(seeds["000"])["1"]
    assert "建立健全市场准入制度" in task.text
    assert "建立健全市場準入制度" in task.original_text
    assert "(" not in task.text.replace("（", "")


def test_damaged_headings_are_reported_with_their_line(seeds):
    reasons = [p for p in seeds["000"].problems if "mojibake" in p.reason]
    assert reasons and all(p.line for p in reasons)


def test_document_metadata(seeds):
    assert seeds["002"].title == "深圳市2020年优化营商环境改革重点任务清单"
    assert seeds["002"].issued_on == date(2020, 1, 20)
    assert seeds["003"].title == "厦门市再创营商环境新优势助力企业高质量发展行动方案"
    assert seeds["000"].year == 2022


LAYOUTS = """关于印发2021年重点任务的通知
一、重点任务
1.推进企业开办便利化。9月底前,实现开办企业一日办结。(牵头单位:市市场监管局;责任单位:市公安局、市税务局)
2.优化纳税服务。压缩纳税时间。(市税务局牵头,市财政局、市人力资源社会保障局配合)
3.深化工程审批改革。〔牵头单位:市住房城乡建设局;责任单位:各县(市、区)人民政府,6月底完成〕
4.健全信用体系。建立信用修复机制。(市发展改革委、市人民银行牵头,市市场监管局及市税务局按职责分工负责)
5.加强要素保障。2021年10月底前编制用地清单(不含6亩以下项目)。
牵头单位:市自然资源局
责任单位:市财政局
"""


def test_layouts_the_seeds_do_not_show():
    tasks = by_code(extract_text("layouts.txt", LAYOUTS))
    assert (tasks["1"].lead_units, tasks["1"].co_units) == (["市市场监管局"], ["市公安局", "市税务局"])
    assert (tasks["1"].deadline, tasks["1"].deadline_kind) == (date(2021, 9, 30), "inferred")
    assert (tasks["2"].lead_units, tasks["2"].co_units) == (["市税务局"], ["市财政局", "市人力资源社会保障局"])
    assert tasks["3"].co_units == ["各县（市、区）人民政府"]
    assert tasks["3"].deadline == date(2021, 6, 30)
    assert tasks["4"].lead_units == ["市发展改革委", "市人民银行"]
    assert tasks["4"].co_units == ["市市场监管局", "市税务局"]
    assert tasks["5"].deadline == date(2021, 10, 31)


@pytest.mark.parametrize(("name", "content", "message"), [
    ("empty.txt", b"", "empty"),
    ("blob.txt", b"\x00\x01\x02binary", "binary"),
    ("plan.pdf", b"%PDF-1.4", "not a readable .pdf file"),
    ("plan.key", b"PK\x03\x04", "unsupported file type '.key'"),
])
def test_bad_files_get_a_clear_error_naming_the_file(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ExtractionError, match=message) as error:
        extract_file(path)
    assert name in str(error.value)


def test_gbk_and_big5_files_are_read(tmp_path):
    for encoding in ("gb18030", "big5"):
        path = tmp_path / f"{encoding}.txt"
        path.write_bytes("一、重點任務\n1.優化服務。(市稅務局)\n".encode(encoding))
        assert extract_file(path).tasks[0].lead_units == ["市税务局"]


def test_units_given_one_field_per_line():
    tasks = by_code(extract_text("layouts.txt", LAYOUTS))
    assert (tasks["5"].lead_units, tasks["5"].co_units) == (["市自然资源局"], ["市财政局"])


@pytest.mark.parametrize(("goals", "deadline", "kind"), [
    ("二、工作目标\n到2021年底,营商环境明显改善。\n", date(2021, 12, 31), "inherited"),
    ("二、工作目标\n2021年底前取得突破,2025年底前全面建成。\n", None, None),
    ("", None, None),
])
def test_a_document_target_is_inherited_only_when_it_is_the_only_one(goals, deadline, kind):
    text = f"某区优化营商环境行动方案\n一、指导思想\n坚持改革。\n{goals}三、重点任务\n1.优化服务。(市税务局)\n"
    document = extract_text("plan.txt", text)
    assert (document.tasks[0].deadline, document.tasks[0].deadline_kind) == (deadline, kind)
    if goals.count("前") > 1:
        assert any("several targets" in p.reason for p in document.problems)


@pytest.mark.parametrize(("head", "year"), [
    ("关于印发2021年重点任务的通知\n", 2021),  # the title
    ("关于印发重点任务的通知\n2022年3月1日\n", 2022),  # the issue date
    ("关于印发重点任务的通知\n深府办〔2020〕5号\n", 2020),  # the document's own number
])
def test_the_year_of_a_yearless_deadline_comes_from_the_document(head, year):
    text = (f"{head}根据《国务院关于开展试点的意见》(国发〔2019〕24号)制定。\n"
            "一、重点任务\n1.优化服务。6月底前完成。(市税务局)\n")
    task = extract_text("plan.txt", text).tasks[0]
    assert (task.deadline, task.deadline_kind) == (date(year, 6, 30), "inferred")
