"""What the province-scale benchmarks share: their size arguments and how they print a timing row."""

from __future__ import annotations

import argparse
import statistics


def province_arguments(repeat: int = 3) -> argparse.ArgumentParser:
    """--tasks, --units, --repeat: a province-sized ledger by default (20,000 tasks, 500 units)."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--tasks", type=int, default=20_000)
    parser.add_argument("--units", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=repeat)
    return parser


def timing_row(label: str, runs: list[float], digits: int = 2) -> str:
    return f"| {label} | {min(runs):.{digits}f} s | {statistics.median(runs):.{digits}f} s |"
