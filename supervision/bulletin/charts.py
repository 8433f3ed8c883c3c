"""The bulletin's charts (PNG, Chinese labels), drawn at the size they are shown so text keeps its point size.

Three sizes of the same two charts: the Word notice's (exactly the width of the GB/T 9704 text block, never
taller than it), the web page's (the same picture) and a phone's (390 px wide, each label above its bar, so a
unit's full name stays legible instead of being squeezed into a margin). matplotlib drops Chinese glyphs
without a CJK font: Debian's fonts-noto-cjk ("Noto Sans CJK SC") is required, and its absence is an error that
says so rather than a chart of empty boxes.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no display: render to files
import matplotlib.pyplot as plt
from matplotlib import font_manager
from PIL import Image

CJK_FONT = "Noto Sans CJK SC"
MM = 1 / 25.4  # inches
LIGHTS = (("completed", "已完成", "#1d4ed8"), ("on_track", "按计划", "#15803d"), ("at_risk", "滞后", "#d97706"),
          ("overdue", "逾期", "#b91c1c"))
TOP_UNITS = 20


class MissingFontError(RuntimeError):
    pass


@dataclass(frozen=True)
class ChartFrame:
    """Where a chart is shown: its width and the most height it may take, in inches, and its resolution."""

    width: float
    max_height: float
    dpi: int
    label_size: float = 9
    labels_above: bool = False  # each name on its own line above its bar (a narrow screen)


# The notice's text block is 156 mm × 225 mm (GB/T 9704). A chart takes at most 100 mm of it, so that it
# fits below a table's last rows instead of leaving most of a page empty.
NOTICE = ChartFrame(width=156 * MM, max_height=100 * MM, dpi=200)
# A phone: 390 CSS px minus the page's padding, drawn at 2× for its screen; labels 12 CSS px.
PHONE = ChartFrame(width=3.6, max_height=60, dpi=200, label_size=9, labels_above=True)


def cjk_font() -> str:
    names = {font.name for font in font_manager.fontManager.ttflist}
    if CJK_FONT not in names:  # installed after matplotlib cached its font list: add the files directly
        for path in Path("/usr/share/fonts").rglob("NotoSansCJK*"):
            font_manager.fontManager.addfont(str(path))
        names = {font.name for font in font_manager.fontManager.ttflist}
    if CJK_FONT not in names:
        raise MissingFontError(f"the font '{CJK_FONT}' is not installed, so Chinese text would not render: "
                               "apt-get install fonts-noto-cjk (make system-deps installs it)")
    return CJK_FONT


def _style(frame: ChartFrame) -> None:
    plt.rcParams["font.family"] = cjk_font()
    plt.rcParams["axes.unicode_minus"] = False
    plt.rcParams["font.size"] = frame.label_size


def top_units(data: dict, top: int = TOP_UNITS) -> list[dict]:
    """The units with the most tasks, lowest completion at the bottom of the list (drawn from the top)."""
    units = sorted(data["units"], key=lambda u: (-(u["lead_tasks"] + u["co_tasks"]), u["unit"]))[:top]
    return sorted(units, key=lambda u: (-u["completion_rate"], u["unit"]))


def _label_lines(text: str, per_line: int = 14) -> str:
    """A very long area name on two lines rather than cut: the reader must be able to tell areas apart."""
    return "\n".join(textwrap.wrap(text, per_line)[:3])


def completion_chart(data: dict, path: Path, frame: ChartFrame = NOTICE) -> Path:
    """Completion rate of the units with the most tasks."""
    _style(frame)
    units = top_units(data)
    if frame.labels_above:
        return _phone_bars(path, frame, [(u["unit"], [u["completion_rate"] * 100], f"{u['completion_rate']:.0%}")
                                         for u in units], [("完成率", "#1d4ed8")], limit=100)
    bar = max(0.15, min(0.26, (frame.max_height - 0.9) / max(len(units), 1)))  # 9 pt names need 0.15 in
    figure, axes = plt.subplots(figsize=(frame.width, bar * len(units) + 0.9), dpi=frame.dpi)
    names = [u["unit"] for u in reversed(units)]
    rates = [u["completion_rate"] * 100 for u in reversed(units)]
    axes.barh(names, rates, color="#1d4ed8", height=0.7)
    for index, rate in enumerate(rates):
        axes.text(rate + 1, index, f"{rate:.0f}%", va="center", fontsize=frame.label_size - 1)
    axes.set_xlim(0, 110)
    axes.set_ylim(-0.6, len(units) - 0.4)
    axes.set_xlabel("办结率（%）")
    _finish(figure, axes, path)
    return path


def area_chart(data: dict, path: Path, frame: ChartFrame = NOTICE) -> Path:
    """Tasks per area, stacked by traffic light. In the notice the areas with the most tasks, as many as fit."""
    _style(frame)
    areas = sorted(data["areas"], key=lambda a: (-a["tasks"], a["area"]))
    if frame.labels_above:
        return _phone_bars(path, frame, [(a["area"], [a[key] for key, _, _ in LIGHTS], f"{a['tasks']}项")
                                         for a in areas], [(label, colour) for _, label, colour in LIGHTS],
                           limit=max((a["tasks"] for a in areas), default=1))
    bar = _area_bar(len(areas), frame)
    areas = areas[:areas_shown(data, frame)]
    figure, axes = plt.subplots(figsize=(frame.width, bar * len(areas) + 1.0), dpi=frame.dpi)
    names = [_label_lines(a["area"]) for a in reversed(areas)]
    left = [0] * len(areas)
    for key, label, colour in LIGHTS:
        values = [area[key] for area in reversed(areas)]
        axes.barh(names, values, left=left, label=label, color=colour, height=0.7)
        left = [a + b for a, b in zip(left, values, strict=True)]
    axes.set_ylim(-0.6, len(areas) - 0.4)
    axes.set_xlabel("任务数（项）")
    axes.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=len(LIGHTS), frameon=False)
    _finish(figure, axes, path)
    return path


def areas_shown(data: dict, frame: ChartFrame = NOTICE) -> int:
    """How many areas the notice's chart shows (the caption says when it is not all of them)."""
    count = len(data["areas"])
    return min(count, int((frame.max_height - 1.0) / _area_bar(count, frame)))


def _area_bar(count: int, frame: ChartFrame) -> float:
    """Inches per area: roomy for a few, down to 0.2 in (two lines of 9 pt labels) for many."""
    return max(0.2, min(0.3, (frame.max_height - 1.0) / max(count, 1)))


def _phone_bars(path: Path, frame: ChartFrame, rows: list[tuple[str, list[float], str]],
                series: list[tuple[str, str]], limit: float) -> Path:
    """One row per item: its full name on a line of its own above a bar as wide as the screen."""
    row_height = 0.48  # inches: a name, its bar just below it, then a clear gap before the next name
    figure, axes = plt.subplots(figsize=(frame.width, row_height * len(rows) + 0.45), dpi=frame.dpi)
    for index, (name, values, figure_text) in enumerate(rows):
        y = -index * row_height
        left = 0.0
        for value, (_, colour) in zip(values, series, strict=True):
            axes.barh(y - 0.12, value, left=left, height=0.16, color=colour)
            left += value
        axes.text(0, y - 0.02, name, fontsize=frame.label_size, va="bottom")
        axes.text(limit * 1.01, y - 0.12, figure_text, fontsize=frame.label_size - 1, va="center", ha="left")
    axes.set_xlim(0, limit * 1.16)
    axes.set_ylim(-row_height * len(rows) + 0.2, 0.2)
    axes.axis("off")
    if len(series) > 1:
        axes.legend(handles=[plt.Rectangle((0, 0), 1, 1, color=c) for _, c in series],
                    labels=[label for label, _ in series], loc="lower center", bbox_to_anchor=(0.5, 1.0),
                    ncol=len(series), frameon=False, fontsize=frame.label_size - 1, handlelength=1)
    _finish(figure, axes, path)
    return path


def _finish(figure, axes, path: Path) -> None:
    axes.spines[["top", "right"]].set_visible(False)
    figure.tight_layout(pad=0.3)
    # The pixels savefig would put in a PNG, taken from the canvas instead of encoded and decoded again.
    figure.canvas.draw()
    pixels = Image.frombuffer("RGBA", figure.canvas.get_width_height(), figure.canvas.buffer_rgba()).convert("RGB")
    plt.close(figure)
    # A few flat colours and grey anti-aliasing: a 64-colour palette is a third of the size and looks the same,
    # which matters in an e-mailed page and a Word attachment.
    pixels.quantize(colors=64).save(path, optimize=True)
