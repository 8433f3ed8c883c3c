"""Suggesting lead units for tasks whose document names none (seeds 001 and 003).

Character n-gram TF-IDF over the task text, then the nearest tasks of the ledger that do have lead units:
each neighbour votes for its leads with its cosine similarity. Character n-grams need no Chinese word
segmentation, and policy language repeats itself (不动产登记, 工程建设项目审批 …), so near neighbours are
informative. Suggestions are only shown; nothing is assigned until the office confirms one.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics.pairwise import linear_kernel

NEIGHBOURS = 5
TOP = 3


@dataclass(frozen=True)
class Suggestion:
    unit: str
    score: float  # share of the neighbours' similarity that votes for this unit, 0..1


class LeadSuggester:
    def __init__(self, texts: list[str], leads: list[list[str]]):
        if not texts:
            raise ValueError("no tasks with lead units to learn from")
        self.leads = leads
        self.vectorizer = TfidfVectorizer(analyzer="char", ngram_range=(1, 2), sublinear_tf=True, min_df=1)
        self.matrix = self.vectorizer.fit_transform(texts)

    def suggest(self, texts: list[str], top: int = TOP) -> list[list[Suggestion]]:
        similarities = linear_kernel(self.vectorizer.transform(texts), self.matrix)
        results = []
        for row in similarities:
            nearest = row.argsort()[::-1][:NEIGHBOURS]
            votes: dict[str, float] = defaultdict(float)
            for index in nearest:
                for unit in self.leads[index]:
                    votes[unit] += float(row[index])
            total = sum(votes.values()) or 1.0
            ranked = sorted(votes.items(), key=lambda item: (-item[1], item[0]))[:top]
            results.append([Suggestion(unit, round(vote / total, 3)) for unit, vote in ranked])
        return results


def leave_one_document_out(documents: dict[str, list[tuple[str, list[str]]]]) -> dict[str, tuple[int, float, float]]:
    """For each document: (tasks, top-1 accuracy, top-3 accuracy) when learning from the others only."""
    figures = {}
    for held_out, tasks in documents.items():
        training = [task for name, items in documents.items() if name != held_out for task in items]
        suggester = LeadSuggester([text for text, _ in training], [leads for _, leads in training])
        predictions = suggester.suggest([text for text, _ in tasks])
        top1 = sum(bool(p) and p[0].unit in leads for p, (_, leads) in zip(predictions, tasks, strict=True))
        top3 = sum(any(s.unit in leads for s in p) for p, (_, leads) in zip(predictions, tasks, strict=True))
        figures[held_out] = (len(tasks), top1 / len(tasks), top3 / len(tasks))
    return figures


@dataclass
class TaskSuggestions:
    source: str
    code: str
    title: str
    suggestions: list[Suggestion]


def suggest_for_ledger(*, session) -> list[TaskSuggestions]:
    """Top-3 lead units for every active task without assignments, learned from the tasks with leads."""
    from sqlmodel import select

    from reformflow.models import Assignment, Document, Task, Unit

    rows = session.exec(select(Task, Document).join(Document, Document.id == Task.document_id)
                        .where(Task.removed_at.is_(None)).order_by(Document.source, Task.id)).all()
    names = {u.id: u.name for u in session.exec(select(Unit))}
    leads: dict[int, list[str]] = defaultdict(list)
    assigned: set[int] = set()
    for a in session.exec(select(Assignment)):
        assigned.add(a.task_id)
        if a.role == "lead":
            leads[a.task_id].append(names[a.unit_id])
    learned = [(task.text, leads[task.id]) for task, _ in rows if leads[task.id]]
    open_tasks = [(task, document) for task, document in rows if task.id not in assigned]
    if not learned or not open_tasks:
        return []
    suggester = LeadSuggester([text for text, _ in learned], [units for _, units in learned])
    predictions = suggester.suggest([task.text for task, _ in open_tasks])
    return [TaskSuggestions(document.source, task.code, task.title, prediction)
            for (task, document), prediction in zip(open_tasks, predictions, strict=True)]
