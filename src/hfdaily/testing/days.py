"""Recorded HF days as day records, for tests and benchmarks."""

from __future__ import annotations

import ast
import datetime as dt
import json
from pathlib import Path

from hfdaily.models import DayRecord, PaperEntry
from hfdaily.sources.hf import parse_entries


def recorded_entries(fixtures_dir: Path, day: dt.date | str) -> list[dict]:
    """HF's entries for ``day`` as the API sent them (``hf_daily_papers/DAY.json``)."""
    data = json.loads(recorded_path(fixtures_dir, day).read_text(encoding="utf-8"))
    # 22 recorded days were saved as Python repr() strings, one in a wrapper object (see the
    # fixtures' README): read them as what HF sent, so every recorded day can stand in an archive.
    if isinstance(data, dict):
        data = data["data"]
    return [ast.literal_eval(e) if isinstance(e, str) else e for e in data]


def recorded_path(fixtures_dir: Path, day: dt.date | str) -> Path:
    return Path(fixtures_dir) / "hf_daily_papers" / f"{day}.json"


def recorded_day(fixtures_dir: Path, day: dt.date) -> DayRecord:
    """The papers HF listed on ``day``, nothing done yet."""
    papers = parse_entries(recorded_entries(fixtures_dir, day), recorded_path(fixtures_dir, day).name)
    return DayRecord(date=day, papers=[PaperEntry(paper=p) for p in papers])


def recorded_dates(fixtures_dir: Path) -> list[dt.date]:
    return sorted(dt.date.fromisoformat(p.stem) for p in (Path(fixtures_dir) / "hf_daily_papers").glob("*.json"))


def write_archive(fixtures_dir: Path, out: Path, days: list[dt.date]) -> list[DayRecord]:
    """Day records for ``days`` as ``hfdaily run --no-llm`` would leave them (fields classified),
    written to ``out/data``: an archive of any size without a server or an LLM."""
    from hfdaily.archive.record import save_record
    from hfdaily.fields import classify

    records = []
    for day in days:
        record = recorded_day(fixtures_dir, day)
        for entry in record.papers:
            entry.fields = classify(entry)
        save_record(out, record)
        records.append(record)
    return records
