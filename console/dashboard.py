"""首页: the leader's view. Completion by unit and by area, the overdue (red) tasks, the month-by-month trend.

The numbers are the bulletin's, computed as of today with the same definitions (`supervision.bulletin.compute`);
the trend reads the bulletins already published, one point per month (its latest version), and adds the month in
progress computed now.
"""

from __future__ import annotations

import json
from pathlib import Path

from fastapi import APIRouter, Request
from sqlmodel import Session, select

from reformflow.console.charts import LEGEND, TrendPoint, stacked_bars, trend_geometry
from reformflow.console.numbers import current_numbers, task_ids
from reformflow.console.web import console_request, page
from reformflow.models import Bulletin
from reformflow.supervision.status import LIGHT_LABELS, Light

router = APIRouter()
TREND_MONTHS = 12


@router.get("/")
def dashboard(request: Request):
    with console_request(request) as (session, viewer):
        data = current_numbers(viewer.office, session=session)
        ids = task_ids(session=session)
        trend = _trend(data, session=session)
    overdue = [{**row, "id": ids.get((row["source"], row["code"]))} for row in data["overdue"][:20]]
    totals = [(LIGHT_LABELS[light], data["totals"][light], light) for light in Light if data["totals"][light]]
    return page(request, "dashboard.html.j2", viewer, data=data, totals=totals, overdue=overdue,
                units=stacked_bars(data["units"], "unit", limit=20), areas=stacked_bars(data["areas"], "area"),
                legend=LEGEND, trend=trend_geometry(trend), trend_points=trend)


def _trend(data: dict, *, session: Session) -> list[TrendPoint]:
    latest: dict[str, Bulletin] = {}
    for record in session.exec(select(Bulletin).order_by(Bulletin.period, Bulletin.version)):
        latest[record.period] = record  # the last version of each month wins
    points = []
    for period in sorted(latest)[-TREND_MONTHS:]:
        if period == data["period"]:
            continue  # the month in progress is shown as computed now
        path = Path(latest[period].json_path)
        if path.exists():
            totals = json.loads(path.read_text(encoding="utf-8"))["totals"]
            points.append(_point(period, totals, published=True))
    points.append(_point(data["period"], data["totals"], published=False))
    return points


def _point(period: str, totals: dict, *, published: bool) -> TrendPoint:
    return TrendPoint(period, f"{int(period[:4])}年{int(period[5:])}月", totals[Light.CLOSED], totals[Light.OVERDUE],
                      totals["tasks"], published)
