"""Extraction quality on real documents from other issuers: per-document and total field accuracy.

    python -m bench.extract_quality [--corpus tests/corpus] [--show-misses]

Each corpus folder holds one real public document (`document.*`), where it came from (`source.md`) and its
hand-checked expected tasks (`expected.yaml`). Four checks per expected task: the task is found, its lead units,
its co-units and its deadline are right. Every extracted task that matches no expected task counts as one failed
check, so that splitting or inventing tasks costs accuracy too.

`source.md` says whether the document is held out (`- **Held out**: yes …`: only ever measured) or was used to tune
the extractor (`no`); held-out documents get their own total, the honest figure for documents nobody tuned for.
"""

from __future__ import annotations

import argparse
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import yaml

from reformflow.parsing import ExtractedTask, ExtractionError, extract_file

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "corpus"
FIELDS = ("found", "lead", "co", "deadline")
_HELD_OUT = re.compile(r"^- \*\*Held out\*\*: (yes|no)\b", re.MULTILINE)


@dataclass
class Score:
    name: str
    right: int = 0
    checks: int = 0
    misses: list[str] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        return self.right / self.checks if self.checks else 0.0

    def check(self, ok: bool, what: str) -> None:
        self.checks += 1
        self.right += ok
        if not ok:
            self.misses.append(what)


def normalise(name: str) -> str:
    return re.sub(r"\s+", "", name)


def held_out(folder: Path) -> bool:
    """What the folder's source.md says; a folder that does not say is an error, not a silent guess."""
    found = _HELD_OUT.search((folder / "source.md").read_text(encoding="utf-8"))
    if not found:
        raise ValueError(f"{folder.name}/source.md: no '- **Held out**: yes|no' line")
    return found.group(1) == "yes"


def expected_tasks(folder: Path) -> list[dict]:
    data = yaml.safe_load((folder / "expected.yaml").read_text(encoding="utf-8"))
    return data["tasks"]


def match(expected: dict, extracted: list[ExtractedTask], used: set[int]) -> ExtractedTask | None:
    """By code first; else by the start of the measure's text (`starts`), for numbering the reader may shift."""
    for index, task in enumerate(extracted):
        if index not in used and task.code == str(expected["code"]):
            used.add(index)
            return task
    starts = normalise(expected.get("starts", ""))
    for index, task in enumerate(extracted):
        if starts and index not in used and starts in normalise(task.text):
            used.add(index)
            return task
    return None


def score_document(folder: Path) -> Score:
    score = Score(folder.name)
    document = next(p for p in sorted(folder.iterdir()) if p.stem == "document")
    try:
        extracted = extract_file(document).tasks
    except ExtractionError as exc:
        extracted = []
        score.misses.append(f"unreadable: {exc}")
    used: set[int] = set()
    for item in expected_tasks(folder):
        code = item["code"]
        task = match(item, extracted, used)
        score.check(task is not None, f"{code}: not found")
        if task is None:
            score.checks += 3  # lead, co and deadline cannot be right either
            continue
        for key, got in (("lead", task.lead_units), ("co", task.co_units)):
            want = sorted(normalise(u) for u in item.get(key) or [])
            score.check(sorted(normalise(u) for u in got) == want, f"{code}: {key} {got} ≠ {want}")
        want = item.get("deadline")
        want = date.fromisoformat(str(want)) if want else None
        score.check(task.deadline == want, f"{code}: deadline {task.deadline} ≠ {want}")
    for index, task in enumerate(extracted):
        if index not in used:
            score.check(False, f"{task.code}: extracted but not a task ({task.title[:20]})")
    return score


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--show-misses", action="store_true")
    args = parser.parse_args()
    folders = sorted(p for p in args.corpus.iterdir() if (p / "expected.yaml").exists())
    scores = [score_document(folder) for folder in folders]
    print("| document | held out | expected tasks | checks | right | accuracy |\n|---|---|---|---|---|---|")
    for folder, score in zip(folders, scores, strict=True):
        print(f"| {score.name} | {'yes' if held_out(folder) else 'no'} | {len(expected_tasks(folder))} | "
              f"{score.checks} | {score.right} | {score.accuracy:.1%} |")
    _total("total", folders, scores)
    kept = [(f, s) for f, s in zip(folders, scores, strict=True) if held_out(f)]
    if kept:
        _total("held out only", *map(list, zip(*kept, strict=True)))
    if args.show_misses:
        for score in scores:
            for miss in score.misses:
                print(f"{score.name}: {miss}")


def _total(label: str, folders: list[Path], scores: list[Score]) -> None:
    right, checks = sum(s.right for s in scores), sum(s.checks for s in scores)
    print(f"| **{label}** | | {sum(len(expected_tasks(f)) for f in folders)} | {checks} | {right} | "
          f"**{right / checks if checks else 0:.1%}** |")


if __name__ == "__main__":
    main()
