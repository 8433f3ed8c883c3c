"""The issue's table (#16), before and after, measured in the same run on this machine.

    python -m bench.before_after [--before e86f608] [--database-url URL] [--repeat 1]

The code before (by default the start of the round that met the goals) is installed from git into a temporary
folder and each benchmark runs once with it and once with the code of this checkout, one after the other, on
SQLite and on PostgreSQL, with the same ledger and the same baselines. The CPU time of the benchmark's process
is printed beside the wall clock (PostgreSQL's own work is in the wall clock only), and each goal is judged
against the wall clock.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BEFORE = "e86f608"  # the start of the round that met #16's goals (the set-based rewrite itself began after ba61fb6,
# whose figures the README keeps: its code predates the offices, which these benchmarks use)


def install_before(commit: str, folder: Path) -> Path:
    """`pip install --target` of that commit: its own `reformflow` package, found before this checkout's."""
    source = folder / "source"
    source.mkdir()
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", commit], check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(source)], input=archive, check=True)
    site = folder / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps",
                    "--target", str(site), str(source)], check=True)
    return site


# The editable install of this checkout answers `import reformflow` before anything on the path: the run of the
# code before drops its finder, so that `reformflow` comes from the installed folder.
BOOTSTRAP = """
import runpy, sys
sys.meta_path[:] = [f for f in sys.meta_path if "__editable__" not in getattr(f, "__module__", "")
                    and "__editable__" not in getattr(type(f), "__module__", "")]
import reformflow.supervision
assert sys.argv[1] in reformflow.supervision.__file__, reformflow.supervision.__file__
module, sys.argv = sys.argv[2], [sys.argv[0], *sys.argv[3:]]
runpy.run_module(module, run_name="__main__", alter_sys=True)
"""


def run(module: str, *args: str, site: Path | None) -> dict[str, list[float]]:
    environment = dict(os.environ)
    # The benchmarks (bench/) and their helpers come from this checkout; `reformflow` from `site` when given.
    environment["PYTHONPATH"] = os.pathsep.join([*([str(site)] if site else []), str(ROOT)])
    command = ([sys.executable, "-c", BOOTSTRAP, str(site), module] if site else [sys.executable, "-m", module])
    # Not from this checkout's folder: its `reformflow/` would be found first.
    done = subprocess.run([*command, *args, "--json"], capture_output=True, text=True,
                          cwd=site.parent if site else ROOT, env=environment)
    if done.returncode:
        raise SystemExit(f"{module} {' '.join(args)} ({'before' if site else 'now'}) failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def cell(value: list[float]) -> str:
    return f"{value[0]:.2f} s ({value[1]:.2f} s CPU)"


def verdict(now: list[float], goal: float) -> str:
    """Against the wall clock first; on a loaded machine the process's CPU time says whether the code could."""
    if now[0] <= goal:
        return f"≤ {goal:g} s: met"
    return f"≤ {goal:g} s: {'met in CPU time only' if now[1] <= goal else 'not met'}"


# (label, benchmark, key of its JSON, baseline's description, goal in seconds)
STEPS = (("reminder plan + queue", "bench.plan", "plan", "one SELECT of the assignments", 1.0),
         ("bulletin numbers with a year of reports", "bench.bulletin", "compute", "one GROUP BY of the reports", 0.5),
         ("bulletin files (JSON, HTML, MD, charts, Word)", "bench.bulletin", "publish", None, 2.0),
         ("assign 60,000 mentions, first run", "bench.assign", "first", "dict lookup", 1.0),
         ("assign 60,000 mentions, no-op re-run", "bench.assign", "again", "dict lookup", 0.5))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--before", default=BEFORE)
    parser.add_argument("--database-url", default="postgresql+psycopg://postgres@127.0.0.1/reformflow_bench")
    parser.add_argument("--repeat", default="1")
    args = parser.parse_args()
    rows, results = [], {}
    with tempfile.TemporaryDirectory() as folder:
        site = install_before(args.before, Path(folder))
        for backend, extra in (("SQLite", []), ("PostgreSQL", ["--database-url", args.database_url])):
            for label, module, key, baseline, goal in STEPS:
                measured = {}
                for name, where in (("before", site), ("now", None)):
                    measured_by = (module, backend, name)  # one run of a benchmark gives several rows
                    if measured_by not in results:
                        results[measured_by] = run(module, *extra, "--repeat", args.repeat, site=where)
                    measured[name] = results[measured_by]
                base = f"{cell(measured['now']['baseline'])} ({baseline})" if baseline else "—"
                rows.append(f"| {label}, {backend} | {cell(measured['before'][key])} | {cell(measured['now'][key])} "
                            f"| {base} | {verdict(measured['now'][key], goal)} |")
                print(rows[-1], file=sys.stderr, flush=True)
    print(f"Before: {args.before}; now: this checkout. Wall clock (CPU of the benchmark's process).\n")
    print("| step | before | now | baseline in the same run | goal |\n|---|---|---|---|---|")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
