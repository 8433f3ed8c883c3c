"""The Prefect events that start flows: the web app and the CLI emit them, the deployments' triggers answer."""

from __future__ import annotations

from prefect.events import emit_event

SUBMITTED = "reformflow.report.submitted"
DOCUMENT_RECEIVED = "reformflow.document.received"


def emit_submitted(office: str, report_id: int) -> None:
    emit_event(event=SUBMITTED, resource={"prefect.resource.id": f"reformflow.{office}.report.{report_id}"},
               payload={"office": office, "report_id": report_id})


def emit_document_received(office: str, path: str) -> None:
    emit_event(event=DOCUMENT_RECEIVED, resource={"prefect.resource.id": f"reformflow.{office}.document.{path}"},
               payload={"office": office, "path": path})
