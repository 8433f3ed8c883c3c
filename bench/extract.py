"""Extraction throughput: the five sample documents, and 1,000 synthetic documents.

    python -m bench.extract [--synthetic 1000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from bench.synthetic import write_documents
from reformflow.cli.main import sample_documents
from reformflow.parsing import extract_file
from reformflow.parsing.sources import read_source


def baseline(paths: list[Path], repeat: int) -> list[float]:
    """Reading and decoding the files only: what any extraction costs at least."""
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        for path in paths:
            read_source(path)
        runs.append(time.perf_counter() - start)
    return runs


def timed(paths: list[Path], repeat: int) -> tuple[list[float], int]:
    runs, tasks = [], 0
    for _ in range(repeat):
        start = time.perf_counter()
        tasks = sum(len(extract_file(path).tasks) for path in paths)
        runs.append(time.perf_counter() - start)
    return runs, tasks


def report(label: str, runs: list[float], documents: int, tasks: int) -> None:
    best, median = min(runs), statistics.median(runs)
    print(f"| {label} | {documents} | {tasks} | {best:.3f} s | {median:.3f} s | {documents / median:.0f} docs/s | "
          f"{tasks / median:.0f} tasks/s |")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--synthetic", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    seeds = sample_documents()
    start = time.perf_counter()
    extract_file(seeds[0])  # start-up: loading OpenCC's dictionaries
    print(f"first document, including start-up: {time.perf_counter() - start:.3f} s\n")
    print("| input | documents | tasks | min | median | documents | tasks |\n|---|---|---|---|---|---|---|")
    runs, tasks = timed(seeds, args.repeat)
    report("the five sample documents", runs, len(seeds), tasks)
    report("baseline: reading and decoding them only", baseline(seeds, args.repeat), len(seeds), tasks)
    with tempfile.TemporaryDirectory() as folder:
        paths = write_documents(Path(folder), args.synthetic)
        runs, tasks = timed(paths, max(1, args.repeat // 2))
        report(f"{args.synthetic} synthetic documents", runs, len(paths), tasks)
        report("baseline: reading and decoding them only", baseline(paths, max(1, args.repeat // 2)), len(paths),
               tasks)


if __name__ == "__main__":
    main()
