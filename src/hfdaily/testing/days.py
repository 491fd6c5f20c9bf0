"""Recorded HF days as day records, for tests and benchmarks."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from hfdaily.models import DayRecord, PaperEntry
from hfdaily.sources.hf import parse_entries


def recorded_day(fixtures_dir: Path, day: dt.date) -> DayRecord:
    """The papers HF listed on ``day`` (from ``hf_daily_papers/DAY.json``), nothing done yet."""
    path = Path(fixtures_dir) / "hf_daily_papers" / f"{day.isoformat()}.json"
    papers = parse_entries(json.loads(path.read_text(encoding="utf-8")), path.name)
    return DayRecord(date=day, papers=[PaperEntry(paper=p) for p in papers])
