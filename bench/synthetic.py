"""Synthetic task documents built from the patterns of the sample documents, for benchmarks at scale."""

from __future__ import annotations

import random
from pathlib import Path

UNITS = ("市市场监管局", "市公安局", "市税务局", "市住房建设局", "市规划和自然资源局", "市政务服务数据管理局",
         "市发展改革委", "市财政局", "市人力资源保障局", "深圳海关", "市交通运输局", "市水务局",
         "各区政府（新区管委会）")
VERBS = ("推行", "深化", "优化", "建立健全", "全面实施", "探索", "完善", "压缩", "扩大", "加快建设")
OBJECTS = ("企业开办一窗通办", "工程建设项目联合验收", "不动产登记一网通办", "跨境贸易单一窗口", "知识产权快速维权",
           "水电气报装线上联办", "破产府院联动机制", "纳税缴费全程网上办", "政府采购电子化", "信用修复机制")
AREAS = ("深化商事登记制度改革", "优化工程建设项目审批", "提升跨境贸易便利化水平", "加强知识产权保护", "优化政务服务")


def _measure(rng: random.Random) -> str:
    return f"{rng.choice(VERBS)}{rng.choice(OBJECTS)}，{rng.choice(VERBS)}{rng.choice(OBJECTS)}相关配套制度。"


def _units(rng: random.Random) -> list[str]:
    return rng.sample(UNITS, rng.randint(1, 4))


def prose_document(rng: random.Random, items: int) -> str:
    lines = [f"某市{rng.randint(2019, 2024)}年优化营商环境实施方案", "一、总体要求", "坚持问题导向。", "二、主要任务"]
    number = 0
    for section in range(1, 6):
        lines.append(f"（{'一二三四五'[section - 1]}）{AREAS[section - 1]}。")
        for _ in range(items // 5):
            number += 1
            measures = "".join(f"{_measure(rng)}（{'、'.join(_units(rng))}）" for _ in range(rng.randint(1, 3)))
            deadline = f"{rng.randint(1, 12)}月底前，" if rng.random() < 0.3 else ""
            lines.append(f"{number}.{rng.choice(OBJECTS)}。{deadline}{measures}")
    return "\n".join(lines) + "\n"


def table_document(rng: random.Random, rows: int) -> str:
    year = rng.randint(2019, 2024)
    lines = [f"## 某市{year}年优化营商环境改革重点任务清单", ""]
    header = "| 序号 | 所属领域 | 改革措施 | 牵头单位 | 责任单位 | 完成时限 |\n|----|----|----|----|----|----|"
    for number in range(1, rows + 1):
        if number % 20 == 1:
            lines += ["", header]
        area = rng.choice(AREAS) if number % 20 == 1 else ""
        lead, co = _units(rng), _units(rng)
        text = f"<b>{rng.choice(VERBS)}{rng.choice(OBJECTS)}。</b> {_measure(rng)}"
        lines.append(f"| {number} | {area} | {text} | {'、'.join(lead)} | {'、'.join(co)} | "
                     f"{year} 年 {rng.randint(1, 12)} 月底 |")
    return "\n".join(lines) + "\n"


def write_documents(folder: Path, count: int, seed: int = 2020) -> list[Path]:
    """Half prose (about 40 items), half tables (about 200 rows), like the samples."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for index in range(count):
        path = folder / f"synthetic-{index:05d}.txt"
        text = prose_document(rng, 40) if index % 2 else table_document(rng, 200)
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths
