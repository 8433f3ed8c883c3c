"""CLI start-up: `reformflow --help` and the read-only commands, before the rewrite and now, on the demo ledger.

    python -m bench.startup [--before e86f608] [--repeat 3]

Each command runs as a user starts it, in a process of its own; the table gives its wall-clock time (median)
and which of the heavy packages it imported (Prefect, Alembic, Apprise) — none is needed to read the ledger.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.before_after import BEFORE, BOOTSTRAP, ROOT, install_before

COMMANDS = (["--help"], ["units", "check"], ["remind", "--as-of", "2020-06-29", "--dry-run"], ["reports", "review"])
HEAVY = ("prefect", "alembic", "apprise")
# Prints the heavy packages a command imported, after it ran (on stderr, apart from its own output).
PROBE = """
import atexit, sys
heavy = set(sys.argv[3].split(","))
atexit.register(lambda: print("LOADED", *sorted({m.split(".")[0] for m in sys.modules} & heavy), file=sys.stderr))
"""


NOW = """
import runpy, sys
module, sys.argv = sys.argv[2], [sys.argv[0], *sys.argv[3:]]
runpy.run_module(module, run_name="__main__", alter_sys=True)
"""


def build_demo(data_dir: Path, site: Path | None) -> None:
    """The demo ledger, built by the code that will read it: a ledger migrated by newer code is refused by
    older code (an unknown migration)."""
    environment = {**os.environ, "REFORMFLOW_DATA_DIR": str(data_dir),
                   "PYTHONPATH": os.pathsep.join([*([str(site)] if site else []), str(ROOT)])}
    drop_editable = BOOTSTRAP.split("import reformflow.supervision")[0] if site else ""
    script = (drop_editable + "from tests.factories import demo_ledger, new_session\n"
              "with new_session() as s:\n    demo_ledger(s)\n    s.commit()\n")
    subprocess.run([sys.executable, "-c", script], check=True, env=environment, cwd=site.parent if site else ROOT,
                   capture_output=True)


def start(command: list[str], data_dir: Path, site: Path | None) -> tuple[float, str]:
    environment = {**os.environ, "REFORMFLOW_DATA_DIR": str(data_dir),
                   "PYTHONPATH": os.pathsep.join([*([str(site)] if site else []), str(ROOT)])}
    # The heavy names ride along as an argument the bootstrap drops before the command sees its own.
    bootstrap = BOOTSTRAP if site else NOW
    code = PROBE + bootstrap.replace("sys.argv[3:]", "sys.argv[4:]")
    begin = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", code, str(site or ROOT), "reformflow", ",".join(HEAVY), *command],
                          env=environment, cwd=data_dir, capture_output=True, text=True)
    elapsed = time.perf_counter() - begin
    if done.returncode:
        raise SystemExit(f"reformflow {' '.join(command)} failed:\n{done.stderr}")
    loaded = next(line for line in done.stderr.splitlines() if line.startswith("LOADED")).split()[1:]
    return elapsed, "、".join(loaded) or "none"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--before", default=BEFORE)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        site = install_before(args.before, Path(folder))
        data_dirs = {site: Path(folder) / "var-before", None: Path(folder) / "var"}
        for where, data_dir in data_dirs.items():
            build_demo(data_dir, where)
        print(f"Start-up on the demo ledger, median of {args.repeat} (before: {args.before}; now: this checkout)\n")
        print("| command | before | imported | now | imported |\n|---|---|---|---|---|")
        for command in COMMANDS:
            cells = []
            for where in (site, None):
                runs = [start(command, data_dirs[where], where) for _ in range(args.repeat)]
                cells += [f"{statistics.median(r[0] for r in runs):.2f} s", runs[0][1]]
            print(f"| `reformflow {' '.join(command)}` | {' | '.join(cells)} |", flush=True)


if __name__ == "__main__":
    main()
