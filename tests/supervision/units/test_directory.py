from datetime import date

import pytest

from reformflow.supervision.units.directory import DirectoryError, MentionProblem, load_directory
from tests.factories import directory_file, outbox_units


def test_aliases_groups_placeholders_and_scripts(tmp_path):
    directory = load_directory(directory_file(
        tmp_path / "d.yaml", outbox_units("市中级法院", "福田区政府", "南山区政府"),
        aliases={"市中级法院": ["市中级人民法院"]},
        groups={"各区政府（新区管委会）": ["福田区政府", "南山区政府"]}, placeholders=["各有关单位"]))
    assert directory.resolve("市中级人民法院").units == ["市中级法院"]
    assert directory.resolve("市中級法院").units == ["市中级法院"]  # traditional script
    assert directory.resolve("各区政府(新区管委会)").units == ["福田区政府", "南山区政府"]  # ASCII brackets
    assert directory.resolve("各有关单位").problem is MentionProblem.PLACEHOLDER
    assert directory.resolve("市外星局").problem is MentionProblem.NOT_IN_DIRECTORY


@pytest.mark.parametrize(("text", "message"), [
    ("office: {name: 改革办}\nunits:\n  - {id: a, name: 市公安局, contacts: [{channel: pigeon, url: 'x://y'}]}",
     r"units\[0\] \(市公安局\)\.contacts\[0\]: Value error, unknown channel 'pigeon'"),
    ("office: {name: 改革办}\nunits:\n  - {id: a, name: 市公安局, colour: red}",
     r"units\[0\] \(市公安局\)\.colour: Extra inputs are not permitted"),
    ("office: {name: 改革办}\nunits:\n  - {id: a, name: 市公安局}\ngroups:\n  - {name: 各区, members: [福田区]}",
     "group '各区': members not in the directory: 福田区"),
    ("office: {name: 改革办}\nunits:\n  - {id: a, name: 市公安局}\n  - {id: b, name: 公安局, aliases: [市公安局]}",
     "the name '市公安局' already belongs to '市公安局'"),
    ("office: {name: 改革办\nunits: [", "line 2: not valid YAML"),
])
def test_bad_directory_files_name_the_entry(tmp_path, text, message):
    path = tmp_path / "directory.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DirectoryError, match=message) as error:
        load_directory(path)
    assert str(path) in str(error.value)


def test_renamed_agencies_resolve_by_the_document_date(tmp_path):
    """市建设局 was the housing bureau until 2019; since then the name belongs to the construction works office."""
    path = tmp_path / "d.yaml"
    path.write_text("""
office: {name: 改革办}
units:
  - id: housing
    name: 市住房建设局
    former_names: [{name: 市建设局, until: 2019-01-15}]
  - id: works
    name: 市建筑工务署
    aliases: [市建设局]
  - id: amr
    name: 市市场监管局
    former_names: [{name: 市市场和质量监管委, until: 2019-01-15}]
""", encoding="utf-8")
    directory = load_directory(path)
    assert directory.resolve("市建设局", date(2018, 5, 1)).units == ["市住房建设局"]
    assert directory.resolve("市建设局", date(2020, 5, 1)).units == ["市建筑工务署"]
    assert directory.resolve("市市场和质量监管委", date(2020, 5, 1)).units == ["市市场监管局"]  # successor
    assert directory.resolve("市市场和质量监管委").how == "former name"
