import pytest

from supervision.directory import DirectoryError, expand_secrets, load_directory
from tests.factories import directory_file, outbox_units


def test_aliases_groups_placeholders_and_scripts(tmp_path):
    directory = load_directory(directory_file(
        tmp_path / "d.yaml", outbox_units("市中级法院", "福田区政府", "南山区政府"),
        aliases={"市中级法院": ["市中级人民法院"]},
        groups={"各区政府（新区管委会）": ["福田区政府", "南山区政府"]}, placeholders=["各有关单位"]))
    assert directory.resolve("市中级人民法院").units == ["市中级法院"]
    assert directory.resolve("市中級法院").units == ["市中级法院"]  # traditional script
    assert directory.resolve("各区政府(新区管委会)").units == ["福田区政府", "南山区政府"]  # ASCII brackets
    assert "placeholder" in directory.resolve("各有关单位").problem
    assert directory.resolve("市外星局").problem == "not in the directory"


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


def test_secrets_come_from_the_environment_and_fail_loudly_when_missing(monkeypatch):
    monkeypatch.setenv("WECOM_KEY", "abc123")
    assert expand_secrets("wecombot://${WECOM_KEY}") == "wecombot://abc123"
    monkeypatch.delenv("WECOM_KEY")
    with pytest.raises(ValueError, match="WECOM_KEY"):
        expand_secrets("wecombot://${WECOM_KEY}")
