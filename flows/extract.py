"""extract: documents in, tasks stored in the ledger. A revised document updates its tasks in place."""

from __future__ import annotations

from pathlib import Path

from prefect import flow, get_run_logger, tags, task
from prefect.artifacts import create_table_artifact
from prefect.cache_policies import NO_CACHE

from reformflow.core import db
from reformflow.core.offices import get_office
from reformflow.parsing import ExtractedDocument, extract_file
from reformflow.parsing.edits import apply_sidecar_edits
from reformflow.supervision.ledger import ImportSummary, held_for_review, store_document


@task(name="parse-document", cache_policy=NO_CACHE)
def parse_document(path: str) -> ExtractedDocument:
    # The office's corrections made in the console before publishing (none for a document dropped in the inbox).
    return apply_sidecar_edits(extract_file(path), path)


@task(name="store-document", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=2)
def store(office: str, extracted: ExtractedDocument) -> ImportSummary:
    with db.transaction(office) as session:
        summary = store_document(extracted, session=session)
    return summary


@flow(name="extract", log_prints=False)
def extract_flow(paths: list[str], office: str | None = None) -> list[ImportSummary]:
    """Parse every document first; store them in the office's ledger only when all parsed, each in its own
    transaction."""
    logger = get_run_logger()
    office = get_office(office).slug
    documents = []
    for path in paths:
        with tags(f"document:{Path(path).name}"):  # the admin filters runs by document
            documents.append(parse_document(path))
    summaries = []
    for document in documents:
        for problem in document.problems:
            logger.warning("%s", problem)
        with tags(f"document:{document.source}"):
            summary = store(office, document)
        logger.info("%s", summary.describe())
        summaries.append(summary)
    create_table_artifact(
        key=f"{office}-extract-summary",
        table=[{"document": Path(s.source).name, "revision": s.revision, "added": len(s.added),
                "changed": len(s.changed), "removed": len(s.removed), "unchanged": s.unchanged,
                "problems": len(d.problems)} for s, d in zip(summaries, documents, strict=False)],
        description="Documents extracted into the ledger",
    )
    doubtful = [{"文件": d.source, "序号": t.code, "任务": t.title, "可信度": t.confidence,
                 "存疑之处": "；".join(t.doubts) or ("扫描件" if d.scanned else "")}
                for d in documents for t in d.tasks if held_for_review(t, d)]
    if doubtful:
        logger.warning("%d tasks wait for the office to confirm their reading: reformflow tasks review", len(doubtful))
        create_table_artifact(key=f"{office}-tasks-to-confirm", table=doubtful,
                              description="待确认：识别存疑的任务，核对原文后用 reformflow tasks confirm 确认")
    return summaries
