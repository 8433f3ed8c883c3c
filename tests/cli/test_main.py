"""The command line as a user runs it: a separate process, stdout and stderr apart."""

import json
import subprocess
import sys

from reformflow.cli.main import sample_documents

KEYS = {"source", "code", "area", "title", "text", "lead_units", "co_units", "deadline", "deadline_text", "milestones",
        "confidence", "doubts", "convention"}


def run(*args, cwd):
    return subprocess.run([sys.executable, "-m", "reformflow", *args], capture_output=True, text=True, cwd=cwd,
                          timeout=120)


def test_extract_json_contract(tmp_path):
    seed = next(p for p in sample_documents() if p.name.startswith("002"))
    result = run("extract", str(seed), "--json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    tasks = json.loads(result.stdout)
    assert len(tasks) == 210 and set(tasks[0]) == KEYS
    assert tasks[6] == {**tasks[6], "source": seed.name, "code": "7", "lead_units": ["人民银行深圳中心支行"],
                        "co_units": [], "deadline": "2020-06-30", "deadline_text": "2020年6月底"}


def test_problems_go_to_stderr_never_into_the_json(tmp_path):
    seed = next(p for p in sample_documents() if p.name.startswith("001"))
    result = run("extract", str(seed), "--json", cwd=tmp_path)
    assert len(json.loads(result.stdout)) == 38
    assert "no responsible units named" in result.stderr


def test_a_bad_file_is_a_clear_error(tmp_path):
    bad = tmp_path / "slides.key"
    bad.write_bytes(b"PK\x03\x04")
    result = run("extract", str(bad), "--json", cwd=tmp_path)
    assert result.returncode == 1
    assert "slides.key: unsupported file type '.key'" in result.stderr and result.stdout == ""


def test_extract_writes_the_excel_ledger(tmp_path):
    from openpyxl import load_workbook

    seeds = [str(p) for p in sample_documents() if p.name[:3] in ("002", "004")]
    result = run("extract", *seeds, "--xlsx", str(tmp_path / "台账.xlsx"), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    workbook = load_workbook(tmp_path / "台账.xlsx")
    assert [sheet.max_row - 2 for sheet in workbook.worksheets] == [210, 32]
    assert workbook.worksheets[0]["A2"].value == "序号"


def test_a_bulletin_that_cannot_be_published_is_a_clear_error_not_a_traceback(monkeypatch):
    from typer.testing import CliRunner

    from reformflow.cli.main import app
    from reformflow.flows import bulletin

    def failing(office, period, as_of):
        raise ValueError("All strings must be XML compatible")

    monkeypatch.setattr(bulletin, "monthly_bulletin", failing)
    result = CliRunner().invoke(app, ["bulletin", "--period", "2020-06"])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert ("月度通报未生成：ValueError: All strings must be XML compatible（已发布的版本保持原样，已通知改革办）"
            in result.output)
