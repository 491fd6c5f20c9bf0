"""The durable day record, ``OUT/data/YYYY-MM-DD.json``: load, merge a fresh fetch, save atomically."""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from pydantic import ValidationError

from hfdaily.errors import RecordError  # noqa: F401  (re-exported)
from hfdaily.models import DayRecord, Paper, PaperEntry

log = logging.getLogger("hfdaily.archive.record")


def _read_umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


# mkstemp makes 0600 files; published files get what the user's umask gives any new file.
# Read once at import: os.umask is process-wide and pictures are written from a thread.
FILE_MODE = 0o666 & ~_read_umask()


def atomic_write(path: Path, data: str | bytes) -> None:
    """Write via a temporary file in the same folder and rename: readers never see half a file.
    The temporary is named ``.NAME.*.tmp``; a run killed mid-write leaves only that, which the
    next run removes (``archive.lock.clean_leftovers``)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, FILE_MODE)
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


def _invalid(path: Path, exc: ValidationError) -> RecordError:
    first = exc.errors()[0]
    return RecordError(
        f"{path} is not a valid day record ({'.'.join(map(str, first['loc']))}: {first['msg']}); "
        "fix or move it away, then run again"
    )


def load_record(path: Path) -> DayRecord | None:
    """The record at ``path``, validated (and cleaned, by the models, as it enters).

    A paper entry that no longer validates (a record written before a check existed) is dropped
    with a warning instead of making the whole day unreadable: the next fetch brings it back if
    HF still lists it. Anything else wrong (not JSON, a bad date, a date other than the file's
    name) is a :class:`RecordError` naming the file.
    """
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_bytes())
    except IsADirectoryError:
        raise RecordError(f"{path} is a folder, not a day record; move it away, then run again") from None
    except (OSError, ValueError) as exc:
        raise RecordError(f"{path} cannot be read as a day record ({exc}); fix or move it away, then run again") from exc
    try:
        record = DayRecord.model_validate(data)
    except ValidationError as exc:
        in_entries = [e["loc"] for e in exc.errors()
                      if len(e["loc"]) >= 2 and e["loc"][0] == "papers" and isinstance(e["loc"][1], int)]
        if len(in_entries) != len(exc.errors()):
            raise _invalid(path, exc) from exc
        bad = {loc[1] for loc in in_entries}
        ids = [str((data["papers"][i].get("paper") or {}).get("id", "?")) if isinstance(data["papers"][i], dict)
               else "?" for i in sorted(bad)]
        log.warning("%s: dropping %d invalid paper entr%s (%s); HF's list brings them back if still listed",
                    path, len(bad), "y" if len(bad) == 1 else "ies", ", ".join(ids))
        data["papers"] = [e for i, e in enumerate(data["papers"]) if i not in bad]
        try:
            record = DayRecord.model_validate(data)
        except ValidationError as again:
            raise _invalid(path, again) from again
    if path.stem != record.date.isoformat():
        raise RecordError(f"{path} holds the day {record.date}, not {path.stem}; "
                          "a record must be named after its date: move or rename it, then run again")
    return record


def save_record(out: Path, record: DayRecord) -> Path:
    """Write the record atomically; it is validated first (entries are edited in place during a
    run, which pydantic does not check), so an invalid record is never written."""
    path = record_path(out, record.date)
    record.updated_at = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    text = record.model_dump_json(indent=2, exclude_none=True) + "\n"
    try:
        DayRecord.model_validate_json(text)
    except ValidationError as exc:
        raise RecordError(f"refusing to write {path}: {exc.errors()[0]['loc']}: {exc.errors()[0]['msg']}") from exc
    atomic_write(path, text)
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


def iter_records(out: Path, unreadable: list[RecordError] | None = None) -> Iterator[DayRecord]:
    """Every readable day record, oldest first; each unreadable one is appended to ``unreadable``
    (so the caller reports it) or, without that list, raised."""
    for path in sorted((out / "data").glob("????-??-??.json")):
        try:
            if (record := load_record(path)) is not None:
                yield record
        except RecordError as exc:
            if unreadable is None:
                raise
            unreadable.append(exc)
