"""The deployments of the supervision cycle: the event-driven ones, shared by every office (the event names the
office), and the scheduled ones, one set per office, in the office's time zone.

`reformflow serve` registers them with the Prefect server and runs them from this process. Cron strings
without a time zone run in UTC, so every schedule names the office's zone explicitly.
"""

from __future__ import annotations

from prefect import Flow
from prefect.deployments.runner import RunnerDeployment
from prefect.events import DeploymentEventTrigger
from prefect.schedules import Cron

from reformflow.core.offices import Office, all_offices
from reformflow.core.settings import settings
from reformflow.flows.bulletin import monthly_bulletin
from reformflow.flows.collect import collect_reports
from reformflow.flows.events import DOCUMENT_RECEIVED, SUBMITTED
from reformflow.flows.ingest import ingest_document, ingest_report_flow
from reformflow.flows.remind import reminder_sweep


def as_deployment(flow: Flow, **options) -> RunnerDeployment:
    """A deployment whose entrypoint is the flow's module (`reformflow.flows.remind:reminder_sweep`), not a file path:
    any worker where ReformFlow is installed can load it, whatever its working directory."""
    deployment = flow.to_deployment(**options)
    deployment.entrypoint = f"{flow.fn.__module__}:{flow.fn.__name__}"
    return deployment


def build_deployments(timezone: str | None = None) -> list[RunnerDeployment]:
    zone = timezone or settings.timezone
    deployments = [
        as_deployment(ingest_document,
            name="on-document-received", tags=["reformflow", "documents"],
            triggers=[DeploymentEventTrigger(expect={DOCUMENT_RECEIVED},
                                             parameters={"path": "{{ event.payload.path }}",
                                                         "office": "{{ event.payload.office }}"})],
            description="Runs for every document put into an office's inbox (`reformflow ingest FILE --event`, "
                        "event reformflow.document.received): extracts its tasks into that office's ledger and "
                        "assigns units."),
        as_deployment(ingest_report_flow,
            name="on-report-submitted", tags=["reformflow", "reports"],
            triggers=[DeploymentEventTrigger(expect={SUBMITTED},
                                             parameters={"report_id": "{{ event.payload.report_id }}",
                                                         "office": "{{ event.payload.office }}"})],
            description="Runs for every report an agency files on the intake page (event "
                        "reformflow.report.submitted): updates the task and tells the office about completion "
                        "claims and extension requests."),
    ]
    for office in all_offices().values():
        deployments += office_deployments(office, zone)
    return deployments


def office_deployments(office: Office, zone: str) -> list[RunnerDeployment]:
    """One office's scheduled runs, named after it (`shenzhen-daily-reminders`) and tagged with it."""
    tags, parameters = ["reformflow", f"office:{office.slug}"], {"office": office.slug}
    return [
        as_deployment(reminder_sweep,
            name=f"{office.slug}-daily-reminders", schedule=Cron(settings.reminder_cron, timezone=zone),
            tags=[*tags, "remind"], parameters=parameters,
            description=f"{office.name}: deadline reminders to agencies (one digest per unit and channel) and "
                        "escalation of long-overdue tasks to the reform office. Safe to re-run: nothing is sent "
                        "twice."),
        as_deployment(collect_reports,
            name=f"{office.slug}-report-chasing", schedule=Cron(settings.chase_cron, timezone=zone),
            tags=[*tags, "reports"], parameters=parameters,
            description=f"{office.name}: chases units that have not filed this month's status report, in the days "
                        "before the cut-off day (REFORMFLOW_REPORT_CUTOFF_DAY)."),
        as_deployment(monthly_bulletin,
            name=f"{office.slug}-monthly-bulletin", schedule=Cron(settings.bulletin_cron, timezone=zone),
            tags=[*tags, "bulletin"], parameters=parameters,
            description=f"{office.name}: the monthly bulletin (月度通报): numbers, overdue list, units that did "
                        "not report; HTML/Markdown/JSON/Word files and a summary to the office. Re-running keeps "
                        "earlier versions."),
    ]
