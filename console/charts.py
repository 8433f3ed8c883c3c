"""Chart geometry for the pages' inline SVG: stacked bars (one per unit or area) and a month-by-month trend.

Only numbers are computed here; the templates draw them, so the charts scale with the page, need no JavaScript
and no image files, and their labels are real text a screen reader can read.
"""

from __future__ import annotations

from dataclasses import dataclass

from reformflow.supervision.status import LIGHT_LABELS, Light

# The bar segments, in order, with their colours (the same as the lights shown in the ledger).
SEGMENTS = ((Light.CLOSED, "#2563eb"), (Light.CLAIMED, "#7c3aed"), (Light.ON_TRACK, "#16a34a"),
            (Light.STANDING, "#0d9488"), (Light.AT_RISK, "#d97706"), (Light.OVERDUE, "#dc2626"))
OTHER_COLOUR = "#cbd2d9"


@dataclass
class Segment:
    label: str
    value: int
    x: float
    width: float
    colour: str


@dataclass
class Bar:
    label: str
    total: int
    segments: list[Segment]
    completion_rate: float


def stacked_bars(rows: list[dict], name_key: str, limit: int | None = None) -> list[Bar]:
    """One bar per row (a unit or an area of the bulletin's numbers), scaled to the largest total."""
    rows = rows[:limit] if limit else rows
    widest = max((row["tasks"] for row in rows), default=0) or 1
    bars = []
    for row in rows:
        x, segments = 0.0, []
        for light, colour in SEGMENTS:
            width = 100 * row[light] / widest
            if row[light]:
                segments.append(Segment(LIGHT_LABELS[light], row[light], x, width, colour))
            x += width
        rest = row["tasks"] - sum(row[light] for light, _ in SEGMENTS)
        if rest:
            segments.append(Segment("其他（待落实、无时限未报送、待确认）", rest, x, 100 * rest / widest, OTHER_COLOUR))
        bars.append(Bar(row[name_key], row["tasks"], segments, row[Light.CLOSED] / row["tasks"] if row["tasks"] else 0))
    return bars


LEGEND = [(LIGHT_LABELS[light], colour) for light, colour in SEGMENTS] + [("其他", OTHER_COLOUR)]


@dataclass
class TrendPoint:
    period: str
    label: str
    closed: int
    overdue: int
    tasks: int
    published: bool  # False for the month in progress, computed now rather than read from a published bulletin


def trend_geometry(points: list[TrendPoint], height: int = 120, step: int = 64) -> dict:
    """Two bars per month (已办结, 红灯) on a shared scale, in SVG user units."""
    top = max((max(p.closed, p.overdue) for p in points), default=0) or 1
    columns = []
    for index, point in enumerate(points):
        x = 20 + index * step
        columns.append({"point": point, "x": x,
                        "closed_h": height * point.closed / top, "overdue_h": height * point.overdue / top})
    return {"columns": columns, "width": 40 + step * max(len(points), 1), "height": height}
