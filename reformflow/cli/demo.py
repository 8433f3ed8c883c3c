"""`reformflow demo`: the sample offices on their own documents, in their own periods, messages to the local
outbox."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import typer

from reformflow.core.settings import SAMPLES

# The sample documents and the offices they belong to. Shenzhen runs a cycle in each document's own period:
# June 2020 on its 2020 key-task list (with the sample reports), then September 2022 on its 2022 plan, whose
# first reports are due that month. The other cities load theirs into ledgers of their own.
DEMO_CYCLES = [("shenzhen", "002_21bdac3652985b47.txt", "2020-06-23", "reports-2020-06.csv"),
               ("shenzhen", "000_b03c00c579b17cff.txt", "2022-09-23", None)]
DEMO_OFFICES = [("guangzhou-haizhu", "001_c110c19f1d91e6ad.txt"), ("xiamen", "003_12a697f4b0b63fff.txt"),
                ("chengdu-gaoxin", "004_a73908009c716ec1.txt")]


def demo():
    """The sample offices on their own documents, messages to the local outbox: the Shenzhen reform office's
    June 2020 cycle on its 2020 task list with the sample reports, and its September 2022 cycle on the 2022
    plan; the Guangzhou Haizhu, Xiamen and Chengdu Gaoxin offices each with its own ledger and directory."""
    from reformflow.core.offices import get_office
    from reformflow.flows.assign import assign_flow
    from reformflow.flows.cycle import supervision_cycle
    from reformflow.flows.extract import extract_flow

    for office, document, as_of, reports in DEMO_CYCLES:
        result = supervision_cycle([str(SAMPLES / "documents" / document)], date.fromisoformat(as_of),
                                   str(SAMPLES / reports) if reports else None, office=office)
        _print_cycle(get_office(office).name, result)
    for office, document in DEMO_OFFICES:
        (extracted,) = extract_flow([str(SAMPLES / "documents" / document)], office)
        assigned = assign_flow(office)
        tasks = len(extracted.added) + len(extracted.changed) + extracted.unchanged
        typer.echo(f"\n{get_office(office).name}: {extracted.source}: {tasks} tasks in its own ledger, "
                   f"{len(assigned.tasks_without_units)} waiting for the office to name their units.")
    outbox = get_office("shenzhen").outbox_dir.resolve()
    files = sorted(outbox.rglob("*.md")) if outbox.exists() else []
    typer.echo(f"\nOutbox of 深圳市: {outbox} ({len(files)} messages; one folder per unit)")


def _print_cycle(office_name: str, result: dict) -> None:
    bulletin = json.loads(Path(result["bulletin"]["json"]).read_text(encoding="utf-8"))
    typer.echo(f"\nReformFlow demo, {office_name} {bulletin['period_label']}: {result['tasks']} tasks of the document, "
               f"{result['units_to_review']} unit mentions to review.")
    typer.echo(f"月度通报：{bulletin['headline']}")
    for label, key in [("HTML", "html"), ("Markdown", "markdown"), ("JSON", "json"), ("Word", "docx"), ("PDF", "pdf")]:
        if result["bulletin"].get(key):
            typer.echo(f"  {label + ':':<9} {Path(result['bulletin'][key]).resolve()}")


