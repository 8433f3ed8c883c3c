import pytest

from reformflow.supervision.units.directory import MentionProblem, load_directory
from reformflow.supervision.units.resolution import Decision, Resolver, load_decisions
from tests.factories import directory_file, outbox_units

UNITS = ("市住房建设局", "市人力资源保障局", "市税务局", "市水务局", "市公安局")


@pytest.fixture
def resolver(tmp_path):
    directory = load_directory(directory_file(tmp_path / "d.yaml", outbox_units(*UNITS), placeholders=["各有关单位"]))
    return Resolver(directory, load_decisions(tmp_path / "decisions.yaml"))


@pytest.mark.parametrize(("mention", "units", "how"), [
    ("市住房和建设局", ["市住房建设局"], "fuzzy"),
    ("市人力资源和社会保障局", [], "unresolved"),  # 84 points: below the threshold, reviewed with a candidate
    ("市税务局", ["市税务局"], "exact"),
    ("市务局", [], "unresolved"),  # as close to 市税务局 as to 市水务局: not guessed
    ("市外星局", [], "unresolved"),
])
def test_fuzzy_matching_only_when_one_name_is_clearly_meant(resolver, mention, units, how):
    found = resolver.resolve(mention, source="a.txt", code="1")
    assert (found.units, found.how) == (units, how)
    if not units:
        assert found.candidates and found.problem is MentionProblem.NOT_IN_DIRECTORY


def test_decisions_are_remembered_most_specific_first(resolver, tmp_path):
    decisions = resolver.decisions
    decisions.add(Decision(mention="各有关单位", units=["市公安局"]))
    decisions.add(Decision(mention="各有关单位", source="a.txt", code="7", units=["市税务局", "市水务局"]))
    reloaded = Resolver(resolver.directory, load_decisions(tmp_path / "decisions.yaml"))
    assert reloaded.resolve("各有关单位", source="a.txt", code="1").units == ["市公安局"]
    assert reloaded.resolve("各有关单位", source="a.txt", code="7").units == ["市税务局", "市水务局"]
    decisions.add(Decision(mention="各有关单位", ignore=True))  # replaces the first decision
    ignored = Resolver(resolver.directory, load_decisions(tmp_path / "decisions.yaml"))
    assert ignored.resolve("各有关单位", source="b.txt", code="1").how == "ignored"


def test_a_decisions_file_with_a_control_character_is_refused_by_entry(tmp_path):
    from reformflow.supervision.units.directory import DirectoryError

    path = tmp_path / "decisions.yaml"
    path.write_text('decisions:\n  - {mention: "各相关单位\\0", units: [市发展改革委]}\n', encoding="utf-8")
    with pytest.raises(DirectoryError) as error:
        load_decisions(path)
    assert str(error.value) == (f"{path}: decisions[0].mention: control character U+0000 in '各相关单位'; remove it")
