"""Hostile documents (issue #17): each read by `reformflow extract`'s code in a process of its own, with its
time and peak memory. Every one must finish within 30 s and 500 MB, and be refused where it must be.

    python -m bench.hostile [--keep DIR]

The files are built in a temporary folder first (the zip bomb unpacks to 1.5 GB, so building it takes a few
seconds); the sample document 002 is the baseline a real task list costs.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench import hostile_files as build

MAX_SECONDS, MAX_MB = 30, 500
SAMPLE = Path(__file__).resolve().parents[1] / "reformflow" / "samples" / "documents" / "002_21bdac3652985b47.txt"

# name, how it is built, whether it must be refused
CASES = [
    ("baseline: sample document 002 (210 tasks)", lambda folder: SAMPLE, False),
    (".docx zip bomb: one text node, 1.5 MB → 1.5 GB", lambda f: build.text_node_bomb_docx(f / "bomb.docx",
                                                                                          1_500_000_000), True),
    (".docx of 4,000,000 paragraphs", lambda f: build.many_paragraphs_docx(f / "paragraphs.docx", 4_000_000), True),
    (".docx of 200,000 paragraphs (a 7 MB part)", lambda f: build.many_paragraphs_docx(f / "p200k.docx", 200_000),
     True),
    ("HTML nested 100,000 deep", lambda f: build.deep_html(f / "deep.html", 100_000), True),
    ("a path to /dev/zero", lambda f: build.device_link(f / "zero.txt"), True),
    ("a FIFO nobody writes to", lambda f: build.fifo(f / "pipe.txt"), True),
    (".xlsx of 1,000,000 rows", lambda f: build.many_rows_xlsx(f / "ledger.xlsx", 1_000_000), True),
    # The largest files the limits let through: what they cost is what the limits allow.
    ("largest accepted: .docx of 100,000 paragraphs", lambda f: build.many_paragraphs_docx(f / "p100k.docx",
                                                                                         100_000), False),
    ("largest accepted: .xlsx of 19,999 task rows", lambda f: build.many_rows_xlsx(f / "rows20k.xlsx", 19_999),
     False),
    ("largest accepted: HTML nested 250 deep", lambda f: build.deep_html(f / "deep250.html", 250), False),
]


def read_one(path: str) -> None:
    """In the child: read the file as `reformflow extract` does; print the outcome as one JSON line."""
    from reformflow.parsing import ExtractionError, extract_file

    started = time.perf_counter()
    try:
        document = extract_file(path)
        outcome = f"read: {len(document.tasks)} tasks"
    except ExtractionError as exc:
        outcome = f"refused: {exc}"
    seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux
    print(json.dumps({"outcome": outcome, "seconds": seconds, "peak_mb": peak_mb}, ensure_ascii=False))


def run_case(path: Path) -> dict:
    command = [sys.executable, "-m", "bench.hostile", "--one", str(path)]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=MAX_SECONDS * 4)
    except subprocess.TimeoutExpired:
        return {"outcome": f"killed after {MAX_SECONDS * 4} s", "seconds": float(MAX_SECONDS * 4), "peak_mb": 0.0}
    if done.returncode != 0:
        return {"outcome": f"crashed: {done.stderr.strip().splitlines()[-1]}", "seconds": 0.0, "peak_mb": 0.0}
    return json.loads(done.stdout.strip().splitlines()[-1])


def _size(size: int) -> str:
    return f"{size / 2**20:.1f} MB" if size >= 2**20 else f"{size / 1024:.0f} KB"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--one", help=argparse.SUPPRESS)
    parser.add_argument("--keep", type=Path, help="build the files in this folder and leave them there")
    args = parser.parse_args()
    if args.one:
        read_one(args.one)
        return 0
    folder = args.keep or Path(tempfile.mkdtemp(prefix="reformflow-hostile-"))
    folder.mkdir(parents=True, exist_ok=True)
    print("| file | on disk | time | peak memory | outcome |\n|---|---|---|---|---|")
    failures = 0
    for label, make, must_refuse in CASES:
        path = make(folder)
        size = _size(path.stat().st_size) if path.is_file() else "—"
        result = run_case(path)
        ok = (result["seconds"] < MAX_SECONDS and 0 < result["peak_mb"] < MAX_MB
              and result["outcome"].startswith("refused" if must_refuse else "read"))
        failures += not ok
        print(f"| {label} | {size} | {result['seconds']:.2f} s | {result['peak_mb']:.0f} MB | "
              f"{result['outcome']}{'' if ok else ' **FAILED**'} |", flush=True)
    if not args.keep:
        for path in folder.iterdir():
            path.unlink()
        folder.rmdir()
    print(f"\n{len(CASES) - failures} of {len(CASES)} within {MAX_SECONDS} s and {MAX_MB} MB, "
          "refused where they must be")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
