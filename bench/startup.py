"""CLI start-up: `reformflow --help` and the read-only commands, before the rewrite and now, on the demo ledger.

    python -m bench.startup [--before ba61fb6] [--repeat 3]

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


def build_demo(data_dir: Path) -> None:
    environment = {**os.environ, "REFORMFLOW_DATA_DIR": str(data_dir), "PYTHONPATH": str(ROOT)}
    script = ("from tests.factories import demo_ledger, new_session\n"
              "with new_session() as s:\n    demo_ledger(s)\n    s.commit()\n")
    subprocess.run([sys.executable, "-c", script], check=True, env=environment, cwd=ROOT, capture_output=True)


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
        site, data_dir = install_before(args.before, Path(folder)), Path(folder) / "var"
        build_demo(data_dir)
        print(f"Start-up on the demo ledger, median of {args.repeat} (before: {args.before}; now: this checkout)\n")
        print("| command | before | imported | now | imported |\n|---|---|---|---|---|")
        for command in COMMANDS:
            cells = []
            for where in (site, None):
                runs = [start(command, data_dir, where) for _ in range(args.repeat)]
                cells += [f"{statistics.median(r[0] for r in runs):.2f} s", runs[0][1]]
            print(f"| `reformflow {' '.join(command)}` | {' | '.join(cells)} |", flush=True)


if __name__ == "__main__":
    main()
