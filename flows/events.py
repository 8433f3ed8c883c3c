"""The Prefect events that start flows: the web app and the CLI emit them, the deployments' triggers answer."""

from __future__ import annotations

from prefect.events import emit_event

SUBMITTED = "reformflow.report.submitted"
DOCUMENT_RECEIVED = "reformflow.document.received"


def emit_submitted(report_id: int) -> None:
    emit_event(event=SUBMITTED, resource={"prefect.resource.id": f"reformflow.report.{report_id}"},
               payload={"report_id": report_id})


def emit_document_received(path: str) -> None:
    emit_event(event=DOCUMENT_RECEIVED, resource={"prefect.resource.id": f"reformflow.document.{path}"},
               payload={"path": path})
