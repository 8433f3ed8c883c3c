"""Areas (所属领域) as the documents name them, repaired for the bulletin: a lost character (`□`) or a heading cut
short is matched to the same area named in full elsewhere, and near-identical names from different documents
make one row."""

from __future__ import annotations

import re
from collections.abc import Iterable

from rapidfuzz import fuzz

UNCLASSIFIED = "（未分类）"
_NUMBERING = re.compile(r"^[（(]?[一二三四五六七八九十百\d]+[）)、.．]\s*")
SIMILAR = 90.0  # rapidfuzz ratio above which two area names are the same area written twice


def clean_area(name: str | None) -> str:
    name = _NUMBERING.sub("", (name or "").strip()).strip(" 。；;，,")
    return name or UNCLASSIFIED


def _same(short: str, long: str) -> bool:
    if "□" in short:
        pattern = re.escape(short).replace("□", ".")
        if re.search(pattern, long) and len(long) - len(short) <= 2:
            return True
    if len(short) >= 6 and short in long:  # a heading cut short
        return True
    return fuzz.ratio(short, long) >= SIMILAR


def canonical_areas(names: Iterable[str]) -> dict[str, str]:
    """Each name → the name its row is shown under: the fullest undamaged spelling of the same area."""
    names = set(names)  # a province's 20,000 tasks name a few dozen areas
    distinct = sorted({clean_area(n) for n in names}, key=lambda n: ("□" in n, -len(n), n))
    chosen: list[str] = []
    mapping: dict[str, str] = {}
    for name in distinct:
        target = next((c for c in chosen if _same(name, c)), None)
        if target is None:
            chosen.append(name)
            target = name
        mapping[name] = target
    return {raw: mapping[clean_area(raw)] for raw in names}
