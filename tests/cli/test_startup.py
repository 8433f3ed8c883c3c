"""Read-only commands start without what they do not use: no Prefect (nor its server), no Alembic once the
ledger is migrated, no Apprise or HTTP clients. Each runs in its own process, as a user starts it."""

import json
import os
import subprocess
import sys

import pytest

from tests.factories import demo_ledger

# Runs the command in-process, then prints which of the heavy packages it loaded.
PROBE = """
import json, sys
from typer.testing import CliRunner
from reformflow.cli.main import app
result = CliRunner().invoke(app, sys.argv[1:])
heavy = sorted({name.split(".")[0] for name in sys.modules} & {"prefect", "alembic", "apprise", "requests"})
print(json.dumps({"exit": result.exit_code, "output": result.output, "loaded": heavy}))
"""


@pytest.fixture
def demo(session, data_dir):
    demo_ledger(session)
    session.commit()
    return data_dir


@pytest.mark.parametrize("command", [["--help"], ["units", "check"], ["remind", "--as-of", "2020-06-29", "--dry-run"],
                                     ["reports", "review"]])
def test_read_only_commands_load_no_orchestrator_migrations_or_senders(demo, command):
    environment = {**os.environ, "REFORMFLOW_DATA_DIR": str(demo.parent)}  # the installation's, not the office's
    done = subprocess.run([sys.executable, "-c", PROBE, *command], capture_output=True, text=True, env=environment,
                          timeout=300, check=True)
    result = json.loads(done.stdout.splitlines()[-1])
    assert (result["exit"], result["loaded"]) == (0, []), result["output"]
    assert result["output"].strip()  # and it still answers
