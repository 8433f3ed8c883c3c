from sqlmodel import select

from reformflow.models import Assignment, Unit
from reformflow.supervision.ledger import store_document
from reformflow.supervision.units.assignment import assign_tasks
from reformflow.supervision.units.resolution import Decision, load_decisions
from reformflow.supervision.units.suggestions import LeadSuggester, suggest_for_ledger
from tests.factories import document, ledger, task

LEARNED = [
    ("推进不动产登记一网通办，压缩不动产登记时间", ["市规划和自然资源局"]),
    ("不动产抵押登记全程网办，实现不动产登记信息共享", ["市规划和自然资源局"]),
    ("压缩企业开办时间，推行营业执照电子化", ["市市场监管局"]),
    ("企业注销一网通办，简化企业注销登记", ["市市场监管局"]),
    ("推行纳税缴费网上办理，压缩纳税时间", ["市税务局"]),
]


def test_suggestions_rank_the_unit_of_similar_tasks_first():
    suggester = LeadSuggester([t for t, _ in LEARNED], [u for _, u in LEARNED])
    (first,), = [suggester.suggest(["深化不动产登记改革，推进登记全程网上办理"])[0][:1]]
    assert first.unit == "市规划和自然资源局" and 0 < first.score <= 1
    ranked = suggester.suggest(["优化企业开办服务，营业执照当日办结"])[0]
    assert ranked[0].unit == "市市场监管局" and len(ranked) == 3


def test_suggestions_are_never_assigned_until_confirmed(session, tmp_path):
    tasks = []
    for index, (text, units) in enumerate(LEARNED, start=1):
        item = task(str(index), units)
        item.text = text
        tasks.append(item)
    ledger(session, tmp_path, tasks)
    unassigned = task("1", [])
    unassigned.text = "深化不动产登记改革，推进登记全程网上办理"
    store_document(document([unassigned], source="no-units.txt"), session=session)
    session.commit()
    suggestions = suggest_for_ledger(session=session)
    assert [(s.source, s.code, s.suggestions[0].unit) for s in suggestions] == [
        ("no-units.txt", "1", "市规划和自然资源局")]
    assert len(session.exec(select(Assignment)).all()) == 5  # nothing assigned yet

    from reformflow.supervision.units.directory import load_directory

    decisions = load_decisions(tmp_path / "decisions.yaml")
    decisions.add(Decision(source="no-units.txt", code="1", units=["市规划和自然资源局"], role="lead"))
    assign_tasks(load_directory(tmp_path / "directory.yaml"), decisions, session=session)
    names = {u.id: u.name for u in session.exec(select(Unit))}
    confirmed = [a for a in session.exec(select(Assignment)) if a.mention == "（办公室确认）"]
    assert [(names[a.unit_id], a.role) for a in confirmed] == [("市规划和自然资源局", "lead")]
