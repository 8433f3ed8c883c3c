"""How good are lead-unit suggestions? Leave-one-document-out over the sample documents that name units.

    python -m bench.suggest_eval
"""

from __future__ import annotations

from collections import Counter

from reformflow.cli.main import sample_documents
from reformflow.core.offices import get_office
from reformflow.parsing import extract_file
from reformflow.supervision.units.directory import load_directory
from reformflow.supervision.units.suggestions import leave_one_document_out


def labelled_documents() -> dict[str, list[tuple[str, list[str]]]]:
    """Each document's tasks with their lead units resolved to directory names (groups fanned out)."""
    directory = load_directory(get_office("shenzhen").directory)
    documents = {}
    for path in sample_documents():
        tasks = []
        for task in extract_file(path).tasks:
            leads = sorted({u for m in task.lead_units for u in directory.resolve(m).units})
            if leads:
                tasks.append((task.text, leads))
        if tasks:
            documents[path.name[:3]] = tasks
    return documents


def baseline(documents: dict[str, list[tuple[str, list[str]]]], held_out: str) -> tuple[float, float]:
    """Always suggesting the three most frequent lead units of the other documents."""
    counts = Counter(u for name, tasks in documents.items() if name != held_out for _, leads in tasks for u in leads)
    top = [unit for unit, _ in counts.most_common(3)]
    tasks = documents[held_out]
    return (sum(top[0] in leads for _, leads in tasks) / len(tasks),
            sum(any(u in leads for u in top) for _, leads in tasks) / len(tasks))


def main() -> None:
    documents = labelled_documents()
    figures = leave_one_document_out(documents)
    print("| held-out document | tasks | top-1 | top-3 | baseline top-1 | baseline top-3 |\n|---|---|---|---|---|---|")
    for name, (count, top1, top3) in figures.items():
        base1, base3 = baseline(documents, name)
        print(f"| {name} | {count} | {top1:.1%} | {top3:.1%} | {base1:.1%} | {base3:.1%} |")
    shenzhen = {k: v for k, v in figures.items() if k in ("000", "002")}
    tasks = sum(c for c, _, _ in shenzhen.values())
    print(f"| 000 + 002 (same city, weighted) | {tasks} | "
          f"{sum(c * t1 for c, t1, _ in shenzhen.values()) / tasks:.1%} | "
          f"{sum(c * t3 for c, _, t3 in shenzhen.values()) / tasks:.1%} | | |")


if __name__ == "__main__":
    main()
