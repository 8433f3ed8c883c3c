"""The `reformflow` command: run the supervision cycle, one stage, or look at the ledger and outbox."""

from __future__ import annotations

import json
import os
import sys
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from reformflow.cli.demo import demo
from reformflow.cli.disputes import app as disputes_app
from reformflow.cli.output import fail
from reformflow.cli.reports import app as reports_app
from reformflow.cli.tasks import app as tasks_app
from reformflow.cli.units import app as units_app
from reformflow.cli.users import app as users_app
from reformflow.core.settings import SAMPLES, settings

# Before Prefect is imported: no telemetry (there is no internet, and it locks SQLite at start-up), a slow
# machine gets time to start the ephemeral server, and its state lives with ours unless told otherwise.
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
os.environ.setdefault("PREFECT_HOME", str((settings.data_dir / "prefect").resolve()))
Path(os.environ["PREFECT_HOME"]).mkdir(parents=True, exist_ok=True)

app = typer.Typer(help="ReformFlow: supervise reform task lists, from policy documents to the monthly bulletin.",
                  no_args_is_help=True, add_completion=False)
outbox_app = typer.Typer(help="The outbox: every message ReformFlow sends, and the ones that failed.",
                         no_args_is_help=True)
app.add_typer(reports_app, name="reports")
app.add_typer(units_app, name="units")
app.add_typer(disputes_app, name="disputes")
app.add_typer(tasks_app, name="tasks")
app.add_typer(users_app, name="users")
app.add_typer(outbox_app, name="outbox")
app.command()(demo)



@app.callback()
def choose_office(office: Annotated[str | None, typer.Option(
        "--office", help="The office to act for (its slug in the offices file; default REFORMFLOW_OFFICE).")] = None):
    """Every command acts for one office: its ledger, directory, outbox and bulletins."""
    from reformflow.core.offices import OfficeError, get_office

    try:
        settings.office = get_office(office).slug
    except OfficeError as exc:
        fail(str(exc))


AsOf = Annotated[str | None, typer.Option(help="The date to act as of, YYYY-MM-DD (default: today).")]


def _date(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"'{value}' is not a date (YYYY-MM-DD)") from None



def sample_documents() -> list[Path]:
    return sorted((SAMPLES / "documents").glob("*.txt"))


@app.command()
def extract(files: Annotated[list[Path], typer.Argument(
        help="Documents: .txt, .md, .docx, .doc, .wps, .html, .xlsx, .pdf, or a scan (.png, .jpg, .tif).")],
            as_json: Annotated[bool, typer.Option("--json", help="Print the tasks as a JSON array.")] = False,
            xlsx: Annotated[Path | None, typer.Option(help="Also write the ledger as an Excel 工作台账.")] = None):
    """Extract the tasks of documents and print them. Stores nothing; problems go to stderr."""
    from reformflow.parsing import ExtractionError, extract_file
    from reformflow.parsing.workbook import write_ledger

    documents = []
    for path in files:
        try:
            documents.append(extract_file(path))
        except ExtractionError as exc:
            fail(str(exc))
    for document in documents:
        for problem in document.problems:
            typer.echo(f"warning: {problem}", err=True)
        if not as_json:
            typer.echo(f"{document.source}: {document.title} — {len(document.tasks)} tasks, "
                       f"{len(document.problems)} problems")
    if xlsx:
        typer.echo(f"ledger written to {write_ledger(documents, xlsx)}", err=as_json)
    if as_json:
        json.dump([task.contract() for d in documents for task in d.tasks], sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")


@app.command()
def ingest(files: Annotated[list[Path], typer.Argument(help="Documents to store in the ledger.")],
           event: Annotated[bool, typer.Option("--event", help="Put them in the inbox and announce them to the "
                                               "Prefect server, whose trigger runs extraction there.")] = False):
    """Store documents in the ledger (a revised document updates its tasks) and assign their units."""
    from reformflow.flows.assign import assign_flow
    from reformflow.flows.extract import extract_flow

    if event:
        import shutil

        from reformflow.core.offices import get_office
        from reformflow.flows.events import emit_document_received

        inbox = get_office().inbox_dir.resolve()
        inbox.mkdir(parents=True, exist_ok=True)
        for file in files:
            target = inbox / file.name
            shutil.copy(file, target)
            emit_document_received(settings.office, str(target))
            typer.echo(f"{target}: announced (reformflow.document.received)")
        return

    for summary in extract_flow([str(f) for f in files], settings.office):
        typer.echo(summary.describe())
    typer.echo(assign_flow(settings.office).describe())


@app.command()
def assign(directory: Annotated[Path | None, typer.Option(help="Directory YAML (default: configured).")] = None):
    """Resolve every task's units against the agency directory and update the assignments."""
    from reformflow.flows.assign import assign_flow

    summary = assign_flow(settings.office, str(directory) if directory else None)
    typer.echo(summary.describe())
    for item in summary.review:
        typer.echo(f"review: {item.source} task {item.code}: '{item.mention}': {item.reason}")


@app.command()
def remind(as_of: AsOf = None,
           dry_run: Annotated[bool, typer.Option("--dry-run", help="Plan only: queue and send nothing.")] = False,
           as_json: Annotated[bool, typer.Option("--json", help="Print the plan as JSON.")] = False):
    """Send today's deadline reminders (one digest per unit and channel) and escalations."""
    from reformflow.flows.office import office_today
    from reformflow.flows.plans import plan_as_json

    day = _date(as_of) or office_today()
    if dry_run or as_json:
        plan = plan_as_json(settings.office, day)
        if as_json:
            typer.echo(json.dumps(plan, ensure_ascii=False, indent=2))
        else:
            for digest in plan:
                typer.echo(f"{digest['unit']} via {digest['channel']}: {len(digest['tasks'])} tasks ({digest['rung']})")
        if dry_run:
            return
    from reformflow.flows.remind import reminder_sweep  # Prefect: only when the sweep runs

    typer.echo(json.dumps(reminder_sweep(settings.office, day), ensure_ascii=False))


@app.command()
def collect(as_of: AsOf = None,
            reports: Annotated[Path | None, typer.Option(help="A filled report CSV to import first.")] = None):
    """Import filed reports and chase the units that have not reported this period."""
    from reformflow.flows.collect import collect_reports

    typer.echo(json.dumps(collect_reports(settings.office, _date(as_of),
                                                    str(reports) if reports else None), ensure_ascii=False))


@app.command()
def web(host: Annotated[str, typer.Option()] = "127.0.0.1", port: Annotated[int, typer.Option()] = 8000):
    """Serve the report intake page for agencies (their personal links point here) and the office console
    (/console/, behind a login: `reformflow users add` creates the accounts)."""
    import uvicorn

    from reformflow.console.app import install_console
    from reformflow.intake.app import create_app
    from reformflow.intake.events import after_submit_handler

    uvicorn.run(install_console(create_app(after_submit=after_submit_handler())), host=host, port=port)


@app.command()
def deploy(pool: Annotated[str, typer.Option(help="The work pool whose workers run the flows.")] = "reformflow"):
    """Register every deployment (schedules, event triggers) with the Prefect server at PREFECT_API_URL, to run
    on a work pool's workers (`prefect worker start --pool reformflow`)."""
    from reformflow.deployments.schedules import build_deployments

    for deployment in build_deployments():
        deployment.apply(work_pool_name=pool)
        typer.echo(f"{deployment.flow_name}/{deployment.name} → pool {pool}")


@app.command("task-worker")
def task_worker(limit: Annotated[int, typer.Option(help="Batches delivered at once.")] = 4):
    """Deliver outbox batches queued by the flows (with REFORMFLOW_TASK_QUEUE=true); start as many as needed."""
    from prefect.task_worker import serve as serve_tasks

    from reformflow.flows.common import deliver_batch

    serve_tasks(deliver_batch, limit=limit)


@app.command()
def bulletin(period: Annotated[str | None, typer.Option(help="YYYY-MM (default: the as-of month).")] = None,
             as_of: AsOf = None):
    """Compute and publish the monthly bulletin (月度通报)."""
    from reformflow.flows.bulletin import monthly_bulletin

    try:
        result = monthly_bulletin(settings.office, period, _date(as_of))
    except Exception as exc:  # the flow has told the office; the command says it too, without a traceback
        fail(f"月度通报未生成：{type(exc).__name__}: {exc}（已发布的版本保持原样，已通知改革办）")
    typer.echo(json.dumps(result, ensure_ascii=False, indent=2))


@app.command()
def cycle(documents: Annotated[list[Path], typer.Argument(help="Documents of the ledger.")],
          as_of: AsOf = None,
          reports: Annotated[Path | None, typer.Option(help="A filled report CSV.")] = None):
    """Run the whole supervision cycle once: extract, assign, remind, collect, bulletin."""
    from reformflow.flows.cycle import supervision_cycle

    result = supervision_cycle([str(d) for d in documents], _date(as_of), str(reports) if reports else None,
                               office=settings.office)
    typer.echo(json.dumps(result, ensure_ascii=False, indent=2))


@app.command()
def serve(port: Annotated[int, typer.Option(help="Port of the local Prefect server and UI.")] = 4200):
    """Start a local Prefect server (UI at http://127.0.0.1:4200) unless PREFECT_API_URL names one, register
    the deployments (schedules, event triggers) and run their flows from this process."""
    from reformflow.deployments.serve import serve_deployments

    serve_deployments(port)


@outbox_app.command("list")
def outbox_list(state: Annotated[str | None,
                                 typer.Option(help="queued, sending, sent, failed, dead or in_doubt.")] = None):
    """List messages with their state, attempts and last error."""
    from sqlmodel import select

    from reformflow.core import db
    from reformflow.models import Message, Unit

    with db.transaction(settings.office) as session:
        query = select(Message, Unit).join(Unit, Unit.id == Message.unit_id).order_by(Message.id)
        if state:
            query = query.where(Message.state == state)
        for message, unit in session.exec(query):
            error = f" — {message.last_error}" if message.last_error else ""
            typer.echo(f"{message.id:>5} {message.state:<7} {message.attempts} {unit.name} [{message.channel}] "
                       f"{message.subject}{error}")


@outbox_app.command("requeue")
def outbox_requeue(ids: Annotated[list[int] | None, typer.Argument(
        help="Message ids, dead or in doubt (default: every message in --state).")] = None,
                   state: Annotated[str, typer.Option(help="Without ids: dead or in_doubt.")] = "dead"):
    """Send dead or in-doubt messages again (after fixing a contact, or checking with the unit)."""
    from reformflow.core import db
    from reformflow.notifications.outbox import requeue

    if state not in ("dead", "in_doubt"):
        fail("--state is dead or in_doubt")
    with db.transaction(settings.office) as session:
        count = requeue(session=session, state=state, ids=ids)
    if ids and count < len(set(ids)):
        fail(f"{count} of {len(set(ids))} messages queued again; the others are not dead or in doubt "
             "(reformflow outbox list)")
    typer.echo(f"{count} messages queued again" if ids else f"{count} {state} messages queued again")


@app.command()
def migrate(every: Annotated[bool, typer.Option("--all-offices", help="Every office of the offices file.")] = False):
    """Bring the office's ledger schema up to date (Alembic migrations), once, before the workers start; with
    `--all-offices`, every office's."""
    from reformflow.core import db
    from reformflow.core.offices import all_offices

    for office in (list(all_offices()) if every else [settings.office]):
        typer.echo(f"{office}: ledger schema at revision {db.migrate_database(office)}")


def main() -> None:
    app()
