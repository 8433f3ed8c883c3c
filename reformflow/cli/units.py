"""`reformflow units …`: the review list of unit mentions, the office's decisions, suggestions."""

from __future__ import annotations

from collections import defaultdict
from typing import Annotated

import typer

from reformflow.cli.output import fail
from reformflow.core.offices import get_office
from reformflow.core.settings import settings

app = typer.Typer(help="Responsible units: what needs the office's decision, and suggestions.", no_args_is_help=True)



def _load():
    from reformflow.supervision.units.directory import DirectoryError, load_directory
    from reformflow.supervision.units.resolution import load_decisions

    try:
        return load_directory(get_office().directory), load_decisions(get_office().decisions_path)
    except DirectoryError as exc:
        fail(str(exc))


@app.command()
def check():
    """List the unit mentions the office must decide on (placeholders, names not in the directory)."""
    from reformflow.core import db
    from reformflow.supervision.units.assignment import assign_tasks

    directory, decisions = _load()
    with db.transaction(settings.office) as session:
        summary = assign_tasks(directory, decisions, session=session)
        session.rollback()  # a check changes nothing
    by_mention: dict[tuple[str, str], list] = defaultdict(list)
    for item in summary.review:
        by_mention[(item.mention, item.reason)].append(item)
    typer.echo(f"需要办公室确认的单位名称：{len(by_mention)} 个，涉及 {len(summary.review)} 处。\n")
    for number, ((mention, reason), items) in enumerate(sorted(by_mention.items()), start=1):
        where = "、".join(f"{i.source[:3]}#{i.code}" for i in items[:8]) + ("…" if len(items) > 8 else "")
        typer.echo(f"{number}. {mention}  —— {reason}")
        typer.echo(f"   出现于 {len(items)} 项任务：{where}")
        if items[0].candidates:
            typer.echo("   最接近：" + "、".join(f"{n}（{s:.0f}分）" for n, s in items[0].candidates))
        typer.echo(f'   确认：reformflow units decide "{mention}" --units 单位1,单位2   （或 --ignore）\n')
    for note in summary.notes:
        typer.echo(f"已自动识别：{note}")
    if summary.tasks_without_units:
        counts = defaultdict(int)
        for source, _ in summary.tasks_without_units:
            counts[source[:3]] += 1
        listed = "，".join(f"{k}：{v} 项" for k, v in sorted(counts.items()))
        typer.echo(f"\n未写明责任单位的任务 {len(summary.tasks_without_units)} 项（{listed}）："
                   "运行 reformflow units suggest 查看建议的牵头单位。")


@app.command()
def decide(mention: str,
           units: Annotated[str | None, typer.Option(help="Directory unit names, comma-separated.")] = None,
           ignore: Annotated[bool, typer.Option(help="The mention needs no assignment.")] = False,
           source: Annotated[str | None, typer.Option(help="Only in this document (file name).")] = None,
           code: Annotated[str | None, typer.Option(help="Only in this task of --source.")] = None):
    """Record what a mention means; every later assignment uses it."""
    from reformflow.supervision.units.resolution import Decision

    directory, decisions = _load()
    names = [u.strip() for u in (units or "").replace("，", ",").split(",") if u.strip()]
    unknown = [n for n in names if n not in directory.units]
    if unknown:
        fail(f"not in the directory {directory.path}: {'、'.join(unknown)}")
    if not names and not ignore:
        fail("give --units or --ignore")
    if code and not source:
        fail("--code needs --source")
    decisions.add(Decision(mention=mention, units=names, ignore=ignore, source=source, code=code))
    typer.echo(f"recorded in {decisions.path}: '{mention}' → {'、'.join(names) or '(no assignment)'}")


@app.command()
def suggest():
    """Suggest lead units for tasks whose document names none (top 3, with a score). Assigns nothing."""
    from reformflow.core import db
    from reformflow.supervision.units.suggestions import suggest_for_ledger

    with db.transaction(settings.office) as session:
        results = suggest_for_ledger(session=session)
    if not results:
        typer.echo("no tasks without units, or no tasks with units to learn from")
    for item in results:
        ranked = "；".join(f"{s.unit} {s.score:.2f}" for s in item.suggestions)
        typer.echo(f"{item.source}#{item.code} {item.title}\n    建议牵头：{ranked}")
    if results:
        typer.echo("\n确认：reformflow units confirm SOURCE CODE 单位 [--role co]，然后 reformflow assign")


@app.command()
def confirm(source: str, code: str, units: str,
            role: Annotated[str, typer.Option(help="lead or co")] = "lead"):
    """Confirm units for a task that names none (for example a suggestion)."""
    from reformflow.supervision.units.resolution import Decision

    directory, decisions = _load()
    names = [u.strip() for u in units.replace("，", ",").split(",") if u.strip()]
    unknown = [n for n in names if n not in directory.units]
    if unknown:
        fail(f"not in the directory {directory.path}: {'、'.join(unknown)}")
    if role not in ("lead", "co"):
        fail("--role is lead or co")
    decisions.add(Decision(source=source, code=code, units=names, role=role))
    typer.echo(f"recorded in {decisions.path}: {source}#{code} → {'、'.join(names)} ({role})")
