"""Loaders for the recorded real data and the seeds, shared by the tests (never copied into the repo)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from hfdaily.make.fields import classify
from hfdaily.models import (
    Analysis,
    DayRecord,
    Paper,
    PaperEntry,
    Translation,
)
from hfdaily.testing.days import recorded_dates, recorded_day

# The recorded days are read by the package's own loader (hfdaily.testing.days), as benches do.
fixture_dates = recorded_dates


def _classified(record: DayRecord) -> DayRecord:
    """Fields stored on each paper, as the pipeline saves them (readers never classify again)."""
    for entry in record.papers:
        entry.fields = classify(entry)
    return record


def load_fixture_day(fixtures_dir: Path, day: dt.date | str) -> DayRecord:
    return _classified(recorded_day(fixtures_dir, dt.date.fromisoformat(str(day))))


def _seed(seeds_dir: Path, prefix: str) -> str:
    return next(seeds_dir.glob(f"{prefix}_*.txt")).read_text(encoding="utf-8")


def seed_day_zh(fixtures_dir: Path, seeds_dir: Path) -> DayRecord:
    """2026-01-20 with real Chinese: titles/abstracts from the seed newsletter (000), the four
    analyses from the seed report (003, in the analyse-v2 shape: see :func:`seed_analyses`), English from the fixture where it has the paper
    (the seed's other papers get their English title as a stand-in abstract)."""
    day = dt.date(2026, 1, 20)
    english = {e.paper.id: e.paper for e in load_fixture_day(fixtures_dir, day).papers}
    analyses = {paper_id: Analysis.model_validate({k: v for k, v in found.items() if k != "read_source"})
                for paper_id, found in seed_analyses(seeds_dir).items()}
    entries = []
    for block in re.split(r"\n### \d+\. ", _seed(seeds_dir, "000"))[1:]:
        paper_id = re.search(r"huggingface\.co/papers/(\d{4}\.\d{4,5})", block).group(1)
        title_en = re.search(r"\*\*原文标题：\*\*\s*(.+)", block).group(1).strip()
        summary_zh = re.search(r"\*\*摘要：\*\*\s*\n(.+)", block).group(1).strip()
        paper = english.get(paper_id) or Paper(
            id=paper_id, title=title_en, summary=title_en, authors=[], published_at=dt.datetime(2026, 1, 20)
        )
        entries.append(
            PaperEntry(
                paper=paper,
                translation=Translation(title_zh=block.splitlines()[0].strip(), summary_zh=summary_zh),
                analysis=analyses.get(paper_id),
            )
        )
    return _classified(DayRecord(date=day, papers=entries))



def translated_day(fixtures_dir: Path, seeds_dir: Path) -> DayRecord:
    """2026-01-20 as recorded (4 papers), with the seed newsletter's Chinese titles and abstracts."""
    chinese = {e.paper.id: e.translation for e in seed_day_zh(fixtures_dir, seeds_dir).papers}
    record = load_fixture_day(fixtures_dir, "2026-01-20")
    for entry in record.papers:
        entry.translation = chinese[entry.paper.id]
    return record


# --- Seed 003's real analyses, in the analysis answer's JSON shape ---------------------------

_SECTION = re.compile(r"^.*?(应用领域|一句话核心贡献|使用指南|主要创新点|实验效果)\**[:：]?\**\s*$|"
                      r"^.*?(应用领域|一句话核心贡献|使用指南|主要创新点|实验效果)\**[:：]\**", re.MULTILINE)
_ITEM = re.compile(r"^\s*(?:[*-]|\d+\.)\s+(.*\S)")
_LEAD = re.compile(r"^\*\*(.+?)\*\*[:：]\s*(.*)$")
_GUIDE_KEYS = {"输入": "input", "输出": "output", "处理流程": "process", "前置步骤": "process",
               "推理过程": "process", "运行环境": "environment", "模型与硬件": "environment",
               "开源情况": "open_source", "开源状态": "open_source", "资源": "open_source"}


def _sections(block: str) -> dict[str, str]:
    marks = [(m.start(), m.end(), m.group(1) or m.group(2)) for m in _SECTION.finditer(block)]
    out = {}
    for i, (_, end, name) in enumerate(marks):
        stop = marks[i + 1][0] if i + 1 < len(marks) else len(block)
        out[name] = block[end:stop].split("====")[0].strip()
    return out


def _strip_md(text: str) -> str:
    return re.sub(r"^[#\s*]+|[\s*]+$", "", text.strip())


def _guide(text: str) -> dict:
    guide: dict = {"input": "", "output": "", "process": [], "environment": "", "open_source": ""}
    current = None
    for line in text.splitlines():
        item = _ITEM.match(line)
        if not item:
            continue
        lead = _LEAD.match(item.group(1))
        if lead and lead.group(1) in _GUIDE_KEYS:
            current = _GUIDE_KEYS[lead.group(1)]
            value = lead.group(2).strip()
            if current == "process":
                if value:
                    guide["process"].append(f"**{lead.group(1)}**：{value}" if lead.group(1) != "处理流程" else value)
            elif value:
                guide[current] = (guide[current] + " " + value).strip()
        elif current == "process":
            guide["process"].append(item.group(1).strip())
        elif current:  # a numbered list under 输入 etc. keeps its numbers, as the model wrote them in its answer
            number = re.match(r"^\s*(\d+\.)\s", line)
            text = (number.group(1) + " " if number else "") + item.group(1).strip()
            guide[current] = (guide[current] + " " + text).strip()
    guide["environment"] = guide["environment"] or "文中未说明"
    guide["open_source"] = guide["open_source"] or "文中未提及开源"
    return guide


def seed_analyses(seeds_dir: Path) -> dict[str, dict]:
    """Seed 003's four real analyses as the JSON an analysis answer carries (id → object)."""
    found = {}
    for block in _seed(seeds_dir, "003").split("## 📄 ")[1:]:
        paper_id = re.search(r"huggingface\.co/papers/(\d{4}\.\d{4,5})", block).group(1)
        parts = _sections(block)
        innovations = []
        for line in parts["主要创新点"].splitlines():
            if (item := _ITEM.match(line)) and (lead := _LEAD.match(item.group(1))):
                innovations.append({"lead": lead.group(1).strip(), "detail": lead.group(2).strip()})
        results = [item.group(1).strip() for line in parts["实验效果"].splitlines() if (item := _ITEM.match(line))]
        found[paper_id] = {
            "field": _strip_md(parts["应用领域"]),
            "contribution": _strip_md(parts["一句话核心贡献"]),
            "guide": _guide(parts["使用指南"]),
            "innovations": innovations,
            "results": results or [_strip_md(parts["实验效果"])],
            "read_source": re.search(r"阅读来源\**:\s*(.+)", block).group(1).strip(),
        }
    return found
