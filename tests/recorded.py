"""Loaders for the recorded real data and the seeds, shared by the tests (never copied into the repo)."""

from __future__ import annotations

import ast
import datetime as dt
import json
import re
from pathlib import Path

from hfdaily.models import (
    Analysis,
    DayRecord,
    Innovation,
    Paper,
    PaperEntry,
    Translation,
    UsageGuide,
)
from hfdaily.make.fields import classify
from hfdaily.sources.hf import paper_from_entry


def _raw_entries(path: Path) -> list[dict]:
    """The three on-disk shapes of the fixtures: API list, list of Python reprs, wrapped object."""
    data = json.loads(path.read_text(encoding="utf-8"))
    if isinstance(data, dict):
        data = data["data"]
    return [ast.literal_eval(e) if isinstance(e, str) else e for e in data]


def fixture_dates(fixtures_dir: Path) -> list[dt.date]:
    return sorted(dt.date.fromisoformat(p.stem) for p in (fixtures_dir / "hf_daily_papers").glob("*.json"))


def _classified(record: DayRecord) -> DayRecord:
    """Fields stored on each paper, as the pipeline saves them (readers never classify again)."""
    for entry in record.papers:
        entry.fields = classify(entry)
    return record


def load_fixture_day(fixtures_dir: Path, day: dt.date | str) -> DayRecord:
    path = fixtures_dir / "hf_daily_papers" / f"{day}.json"
    return _classified(DayRecord(date=dt.date.fromisoformat(str(day)),
                                 papers=[PaperEntry(paper=paper_from_entry(e)) for e in _raw_entries(path)]))


def _seed(seeds_dir: Path, prefix: str) -> str:
    return next(seeds_dir.glob(f"{prefix}_*.txt")).read_text(encoding="utf-8")


def _labelled(block: str, label: str) -> str:
    """Text after "**label**：" on its line, or the next non-empty line (the seed uses both)."""
    match = re.search(rf"{label}\**[:：]?\**[ \t]*(.*)\n(?:\s*\n)*\s*(.*)", block)
    assert match, f"no {label} in seed block"
    return (match.group(1) or match.group(2)).strip(" *")


def seed_day_zh(fixtures_dir: Path, seeds_dir: Path) -> DayRecord:
    """2026-01-20 with real Chinese: titles/abstracts from the seed newsletter (000), 应用领域 and
    核心贡献 from the seed report (003), English from the fixture where it has the paper
    (the seed's other papers get their English title as a stand-in abstract)."""
    day = dt.date(2026, 1, 20)
    english = {e.paper.id: e.paper for e in load_fixture_day(fixtures_dir, day).papers}
    analyses = {}
    for block in _seed(seeds_dir, "003").split("## 📄 ")[1:]:
        paper_id = re.search(r"huggingface\.co/papers/(\d{4}\.\d{4,5})", block).group(1)
        analyses[paper_id] = Analysis(
            field=_labelled(block, "应用领域"),
            contribution=_labelled(block, "一句话核心贡献"),
            guide=UsageGuide(input="见报告", process="见报告", environment="见报告", open_source="见报告"),
            innovations=[Innovation(lead="见报告", detail="见报告")],
            results=["见报告"],
        )
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
