"""What the province-scale benchmarks share: their size arguments and how they print a timing row."""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass


def province_arguments(repeat: int = 3) -> argparse.ArgumentParser:
    """--tasks, --units, --repeat: a province-sized ledger by default (20,000 tasks, 500 units)."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--tasks", type=int, default=20_000)
    parser.add_argument("--units", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=repeat)
    return parser


def timing_row(label: str, runs: list[float], digits: int = 2) -> str:
    return f"| {label} | {min(runs):.{digits}f} s | {statistics.median(runs):.{digits}f} s |"


@dataclass(frozen=True)
class Timing:
    """Wall-clock time, and the CPU time of this process over the same span: on a machine shared by many
    workers the wall clock includes waiting for a CPU, the process time does not (a database server's work in
    another process, PostgreSQL's, is in the wall clock only)."""

    wall: float
    cpu: float


@contextmanager
def stopwatch(into: list[Timing]) -> Iterator[None]:
    wall, cpu = time.perf_counter(), time.process_time()
    yield
    into.append(Timing(time.perf_counter() - wall, time.process_time() - cpu))


TIMED_HEADER = "| step | min | median | CPU, median |\n|---|---|---|---|"


def timed_row(label: str, runs: list[Timing], digits: int = 2) -> str:
    walls = [run.wall for run in runs]
    return (f"| {label} | {min(walls):.{digits}f} s | {statistics.median(walls):.{digits}f} s | "
            f"{statistics.median(run.cpu for run in runs):.{digits}f} s |")
