"""The durable day record, ``OUT/data/YYYY-MM-DD.json``: load, merge a fresh fetch, save atomically."""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from pydantic import ValidationError

from hfdaily.errors import RecordError  # noqa: F401  (re-exported)
from hfdaily.models import DayRecord, Paper, PaperEntry


def atomic_write(path: Path, data: str | bytes) -> None:
    """Write via a temporary file in the same folder and rename: readers never see half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data.encode("utf-8") if isinstance(data, str) else data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def record_path(out: Path, date: dt.date) -> Path:
    return out / "data" / f"{date.isoformat()}.json"


def load_record(path: Path) -> DayRecord | None:
    """The record at ``path``, None when there is none; a damaged one raises RecordError naming it."""
    if not path.exists():
        return None
    return parse_record(path, path.read_bytes())


def parse_record(path: Path, content: bytes) -> DayRecord:
    """Validate a record's bytes (read from ``path``, which the error names)."""
    try:
        return DayRecord.model_validate_json(content)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise RecordError(
            f"{path} is not a valid day record ({'.'.join(map(str, first['loc']))}: {first['msg']}); "
            "fix or move it away, then run again"
        ) from exc


def save_record(out: Path, record: DayRecord) -> Path:
    path = record_path(out, record.date)
    record.updated_at = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    atomic_write(path, record.model_dump_json(indent=2, exclude_none=True) + "\n")
    return path


def merge(record: DayRecord | None, date: dt.date, papers: list[Paper]) -> tuple[DayRecord, list[str]]:
    """Fold a fresh fetch into what we know: new papers are added, known ones keep their work.

    Metadata (upvotes, stars, keywords) is refreshed from the fetch; papers no longer listed are
    kept at the end, because nothing already done is thrown away.
    """
    record = record or DayRecord(date=date)
    known = {e.paper.id: e for e in record.papers}
    fresh_ids = {p.id for p in papers}
    entries, new = [], []
    for paper in papers:
        if (entry := known.get(paper.id)) is not None:
            entries.append(entry.model_copy(update={"paper": paper}))
        else:
            entries.append(PaperEntry(paper=paper))
            new.append(paper.id)
    entries += [e for e in record.papers if e.paper.id not in fresh_ids]
    return record.model_copy(update={"papers": entries}), new


def iter_records(out: Path) -> Iterator[DayRecord]:
    """Every readable day record, oldest first (unreadable ones are skipped by the caller's choice)."""
    for path in sorted((out / "data").glob("????-??-??.json")):
        try:
            if (record := load_record(path)) is not None:
                yield record
        except RecordError:
            continue
