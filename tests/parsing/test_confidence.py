"""Confidence and doubts: what the office reviews before anything is sent. Inputs are real passages."""

from reformflow.parsing import extract_text
from reformflow.parsing.confidence import REVIEW_BELOW
from reformflow.parsing.documents import extract_source
from reformflow.parsing.sources import SourceText

# 国发〔2018〕39号 (corpus a04): the rule is stated in the first bracket, so the second lead is not an assumption.
STATED = """一、支持企业稳定发展
（一）加大稳岗支持力度。对不裁员或少裁员的参保企业，可返还其上年度实际缴纳失业保险费的50%。\
（人力资源社会保障部、财政部负责。列第一位者为牵头单位，下同）
（二）发挥政府性融资担保机构作用支持小微企业。充分发挥国家融资担保基金作用，引导更多金融资源支持创业就业。\
（财政部、工业和信息化部、人民银行、银保监会负责）
"""
# 国办发〔2018〕121号 (corpus a05): no rule stated; and the seed 001 style item with no units at all.
DEFAULT = ("二、丰富赛事活动，完善赛事体系\n"
           "（五）支持引进国际重大赛事。引进一批品牌知名度高、市场前景广的国际顶级赛事。（体育总局、北京冬奥组委负责）\n")
NO_UNITS = "二、重点任务\n1.优化市场准入。全面实施市场准入负面清单制度。\n"


def test_a_stated_convention_is_recorded_and_raises_no_doubt():
    tasks = extract_text("plan.txt", STATED).tasks
    assert [t.convention for t in tasks] == ["文件说明：列第一位者为牵头单位"] * 2
    assert all(t.doubts == [] and t.confidence == 1.0 for t in tasks)


def test_the_default_rule_is_a_doubt():
    task = extract_text("plan.txt", DEFAULT).tasks[0]
    assert task.convention == "默认：列第一位者为牵头单位"
    assert task.doubts == ["牵头单位按默认规则推定"] and REVIEW_BELOW < task.confidence < 1


def test_a_task_without_units_goes_to_review():
    task = extract_text("plan.txt", NO_UNITS).tasks[0]
    assert "未识别到责任单位" in task.doubts and task.confidence < REVIEW_BELOW


def test_a_scanned_document_puts_every_task_under_review():
    document = extract_source("scan.png", SourceText(STATED.splitlines(), scanned=True))
    assert document.scanned and all(t.confidence < REVIEW_BELOW for t in document.tasks)
    assert all("扫描件文字识别，需人工核对" in t.doubts for t in document.tasks)
