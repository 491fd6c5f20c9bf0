"""The durable day record, ``OUT/data/YYYY-MM-DD.json``: load, merge a fresh fetch, save atomically.

The record is the truth everything else is rebuilt from, so it is versioned (``schema_version``):
older versions are upgraded on load by :data:`UPGRADES`, fields a newer hfdaily wrote are kept
when this one saves, and a damaged file is an error that names it.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import typing
from collections.abc import Callable, Iterator
from pathlib import Path

from pydantic import BaseModel, ValidationError

from hfdaily.errors import RecordError
from hfdaily.fileio import atomic_write
from hfdaily.models import RECORD_VERSION, DayRecord, Paper, PaperEntry
from hfdaily.outputs import Outputs

_DAY_FILE = re.compile(r"^\d{4}-\d{2}-\d{2}\.json$")

log = logging.getLogger("hfdaily.archive.record")


def record_path(out: Path, date: dt.date) -> Path:
    return Outputs(out).record(date)


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
        content = path.read_bytes()
    except IsADirectoryError:
        raise RecordError(f"{path} is a folder, not a day record; move it away, then run again") from None
    except OSError as exc:
        raise RecordError(f"{path} cannot be read as a day record ({exc}); fix or move it away, then run again") from exc
    return parse_record(path, content)


def _upgrade_0(data: dict) -> dict:
    """0 → 1: records before ``schema_version``. Papers saved without ``fields`` get them now,
    so that readers use the stored fields and never classify again."""
    from hfdaily.fields import (
        classify,  # the classifier of the day the record is upgraded
    )

    for raw_entry in data.get("papers", []):
        if isinstance(raw_entry, dict) and "fields" not in raw_entry:
            try:
                raw_entry["fields"] = classify(PaperEntry.model_validate(raw_entry))
            except ValidationError:
                continue  # an invalid entry is dropped (and named) when the record is validated
    return data


# version → function turning a record of that version into one of the next version.
UPGRADES: dict[int, Callable[[dict], dict]] = {0: _upgrade_0}


def parse_record(path: Path, content: bytes) -> DayRecord:
    """Validate a record's bytes (read from ``path``, which every error names), upgrading old versions."""
    try:
        data = json.loads(content)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise RecordError(f"{path} is not valid JSON ({exc}); fix it or move it away, then run again") from exc
    if not isinstance(data, dict):
        raise RecordError(f"{path} is not a day record (a JSON object is expected); fix it or move it away")
    version = data.get("schema_version", 0)
    if not isinstance(version, int) or version < 0:
        raise RecordError(f"{path}: schema_version {version!r} is not a version number")
    while version < RECORD_VERSION:
        data = UPGRADES[version](data)
        version += 1
        data["schema_version"] = version
    record = _validate_dropping_bad_entries(path, data)
    if _DAY_FILE.match(path.name) and path.stem != record.date.isoformat():
        raise RecordError(f"{path} holds the day {record.date}, not {path.stem}; "
                          "a record must be named after its date: move or rename it, then run again")
    record._raw = data
    return record


# What the checks at the door (models.Line, the ASCII id) raise: a value an older hfdaily stored
# before the check existed (a blank title, a full-width id), not a damaged file.
_NEWER_CHECKS = {"value_error", "string_pattern_mismatch"}


def _validate_dropping_bad_entries(path: Path, data: dict) -> DayRecord:
    """A paper entry that no longer passes the checks at the door (stored before a check existed)
    is dropped with a warning instead of making the whole day unreadable: HF's list brings it back
    if still listed. Anything else invalid (a missing field, a wrong type) is damage: a
    RecordError naming the file."""
    try:
        return DayRecord.model_validate(data)
    except ValidationError as exc:
        in_entries = [e["loc"] for e in exc.errors()
                      if len(e["loc"]) >= 2 and e["loc"][0] == "papers" and isinstance(e["loc"][1], int)
                      and e["type"] in _NEWER_CHECKS]
        if len(in_entries) != len(exc.errors()):
            raise _invalid(path, exc) from exc
        bad = {loc[1] for loc in in_entries}
        ids = [str((data["papers"][i].get("paper") or {}).get("id", "?")) if isinstance(data["papers"][i], dict)
               else "?" for i in sorted(bad)]
        log.warning("%s: dropping %d invalid paper entr%s (%s); HF's list brings them back if still listed",
                    path, len(bad), "y" if len(bad) == 1 else "ies", ", ".join(ids))
        data["papers"] = [e for i, e in enumerate(data["papers"]) if i not in bad]
    try:
        return DayRecord.model_validate(data)
    except ValidationError as again:
        raise _invalid(path, again) from again


def _model_of(annotation: object) -> tuple[type[BaseModel] | None, bool]:
    """The model a field holds and whether it holds a list of them (``list[PaperEntry]``, ``Budget | None``)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation, False
    is_list = typing.get_origin(annotation) is list
    for arg in typing.get_args(annotation):
        model, inner_list = _model_of(arg)
        if model is not None:
            return model, is_list or inner_list
    return None, False


def _graft(model: type[BaseModel], raw: dict, data: dict) -> None:
    """Put back into ``data`` (a fresh dump) what ``raw`` (the file as read) holds that ``model``
    does not know: fields written by a newer hfdaily survive an older one's save."""
    for key, value in raw.items():
        if key not in model.model_fields:
            data.setdefault(key, value)
            continue
        if key not in data:
            continue
        inner, is_list = _model_of(model.model_fields[key].annotation)
        if inner is None:
            continue
        if not is_list and isinstance(value, dict) and isinstance(data[key], dict):
            _graft(inner, value, data[key])
        elif is_list and isinstance(value, list) and isinstance(data[key], list):
            if inner is PaperEntry:  # papers move when a fetch reorders them: match by id
                by_id = {(e.get("paper") or {}).get("id"): e for e in value if isinstance(e, dict)}
                pairs = [(by_id.get(d["paper"]["id"]), d) for d in data[key]]
            else:
                pairs = list(zip(value, data[key]))
            for old, new in pairs:
                if isinstance(old, dict) and isinstance(new, dict):
                    _graft(inner, old, new)


def save_record(out: Path, record: DayRecord) -> Path:
    """Write the record atomically, keeping whatever a newer hfdaily had added to it. It is
    validated first (entries are edited in place during a run, which pydantic does not check),
    so an invalid record is never written."""
    path = record_path(out, record.date)
    record.updated_at = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    data = record.model_dump(mode="json", exclude_none=True)
    try:
        DayRecord.model_validate(data)
    except ValidationError as exc:
        raise RecordError(f"refusing to write {path}: {exc.errors()[0]['loc']}: {exc.errors()[0]['msg']}") from exc
    if record._raw:
        _graft(DayRecord, record._raw, data)
        data["schema_version"] = max(record.schema_version, record._raw.get("schema_version", 0))
    atomic_write(path, json.dumps(data, ensure_ascii=False, indent=2) + "\n")
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


def record_paths(out: Path) -> list[Path]:
    """Every day record's file in ``OUT/data``, oldest first."""
    data = Outputs(out).data
    return sorted(p for p in data.glob("????-??-??.json") if _DAY_FILE.match(p.name)) if data.is_dir() else []


def iter_records(out: Path, unreadable: list[RecordError] | None = None) -> Iterator[DayRecord]:
    """Every day record, oldest first; each damaged one is appended to ``unreadable`` (so the
    caller reports it) or, without that list, raised naming it (never skipped in silence)."""
    for path in record_paths(out):
        try:
            if (record := load_record(path)) is not None:
                yield record
        except RecordError as exc:
            if unreadable is None:
                raise
            unreadable.append(exc)
