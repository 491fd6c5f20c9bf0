"""What the site knows about the archive: days, papers, fields, organisations.

This is the one place the site reads the archive. Today it reads the day records
(``OUT/data/D.json``) and keeps a small card per paper in the build manifest, so that a build
after adding one day loads one record, not all of them. When the archive index exists, only
this module changes: the pages, feeds and search take a :class:`Catalog`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from functools import cached_property
from pathlib import Path

from hfdaily.archive.record import load_record, record_path
from hfdaily.errors import RecordError
from hfdaily.make.fields import FIELDS, classify
from hfdaily.models import DayRecord, PaperEntry

# Bump when PaperCard changes shape: cached cards are then rebuilt from the records.
CARD_VERSION = 1

# Field names are Chinese; their pages need stable ASCII URLs (fields/llm.html).
FIELD_SLUGS = {
    "大语言模型": "llm", "多模态": "multimodal", "计算机视觉": "vision", "语音与音频": "speech-audio",
    "强化学习": "rl", "智能体": "agents", "生成模型与扩散": "generative-diffusion",
    "机器人与具身智能": "robotics-embodied", "安全与对齐": "safety-alignment", "推理": "reasoning",
    "高效训练与推理": "efficiency", "数据集与评测": "datasets-benchmarks", "医疗与科学": "science-medicine",
}
FIELD_ORDER = [f.name for f in FIELDS]
_NON_SLUG = re.compile(r"[^a-z0-9]+")


def _short_hash(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:8]


def field_slug(name: str) -> str:
    return FIELD_SLUGS.get(name) or _NON_SLUG.sub("-", name.lower()).strip("-") or f"field-{_short_hash(name)}"


def org_slug(name: str) -> str:
    """ASCII slug of an organisation's name; names with no ASCII letters get a stable hash."""
    slug = _NON_SLUG.sub("-", name.lower()).strip("-")[:60].strip("-")
    return slug if slug else f"org-{_short_hash(name)}"


@dataclass(frozen=True)
class PaperCard:
    """One paper on one day, as listings show it (field/organisation pages, home, follow)."""

    id: str
    date: str
    title: str
    title_zh: str | None
    authors: tuple[str, ...]
    org: str | None
    fields: tuple[str, ...]
    upvotes: int
    contribution: str | None

    @property
    def display_title(self) -> str:
        return self.title_zh or self.title

    @classmethod
    def from_entry(cls, entry: PaperEntry, date: dt.date) -> PaperCard:
        return cls(
            id=entry.paper.id, date=date.isoformat(), title=entry.paper.title,
            title_zh=entry.translation.title_zh if entry.translation else None,
            authors=tuple(entry.paper.authors), org=entry.paper.organization,
            fields=tuple(entry_fields(entry)), upvotes=entry.paper.upvotes,
            contribution=entry.analysis.contribution if entry.analysis else None,
        )

    @classmethod
    def from_json(cls, data: dict) -> PaperCard:
        return cls(**{**data, "authors": tuple(data["authors"]), "fields": tuple(data["fields"])})


def entry_fields(entry: PaperEntry) -> list[str]:
    """Stored fields; records written before fields were stored are classified on the fly."""
    return list(entry.fields) if entry.fields else classify(entry)


@dataclass
class DayInfo:
    date: dt.date
    digest: str  # content hash of the record file: what decides whether its pages are rebuilt
    cards: list[PaperCard]


@dataclass
class Catalog:
    """Every day of the archive, oldest first, with its paper cards; full records on demand."""

    out: Path
    days: list[DayInfo]
    changed: set[dt.date] = field(default_factory=set)  # days whose record changed since the last build
    warnings: list[str] = field(default_factory=list)
    _records: dict[dt.date, DayRecord] = field(default_factory=dict, repr=False)

    @cached_property
    def by_date(self) -> dict[dt.date, DayInfo]:
        return {d.date: d for d in self.days}

    def record(self, date: dt.date) -> DayRecord:
        if date not in self._records:
            loaded = load_record(record_path(self.out, date))
            if loaded is None:
                raise RecordError(f"{record_path(self.out, date)} disappeared during the build")
            if len(self._records) > 64:  # a full build walks every day: keep memory bounded
                self._records.clear()
            self._records[date] = loaded
        return self._records[date]

    def neighbours(self, date: dt.date) -> tuple[dt.date | None, dt.date | None]:
        dates = [d.date for d in self.days]
        i = dates.index(date)
        return (dates[i - 1] if i else None), (dates[i + 1] if i + 1 < len(dates) else None)

    @cached_property
    def paper_dates(self) -> dict[str, list[dt.date]]:
        """arXiv id → the days it was listed, oldest first (a few papers are listed twice)."""
        dates: dict[str, list[dt.date]] = defaultdict(list)
        for day in self.days:
            for card in day.cards:
                dates[card.id].append(day.date)
        return dict(dates)

    def latest_cards(self) -> list[PaperCard]:
        """Every paper once, as of the last day it was listed, newest day first."""
        seen, cards = set(), []
        for day in reversed(self.days):
            for card in day.cards:
                if card.id not in seen:
                    seen.add(card.id)
                    cards.append(card)
        return cards

    @cached_property
    def by_field(self) -> dict[str, list[PaperCard]]:
        groups: dict[str, list[PaperCard]] = defaultdict(list)
        for card in self.latest_cards():
            for name in card.fields:
                groups[name].append(card)
        order = {name: i for i, name in enumerate(FIELD_ORDER)}
        return dict(sorted(groups.items(), key=lambda kv: order.get(kv[0], len(order))))

    @cached_property
    def by_org(self) -> dict[str, list[PaperCard]]:
        groups: dict[str, list[PaperCard]] = defaultdict(list)
        for card in self.latest_cards():
            if card.org:
                groups[card.org].append(card)
        return dict(sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0].lower())))

    @cached_property
    def org_slugs(self) -> dict[str, str]:
        """Organisation → slug, unique: a later name whose slug is taken gets a hash suffix."""
        slugs, taken = {}, set()
        for name in sorted(self.by_org):
            slug = org_slug(name)
            if slug in taken:
                slug = f"{slug}-{_short_hash(name)}"
            taken.add(slug)
            slugs[name] = slug
        return slugs


def _digest(path: Path) -> str:
    return hashlib.blake2b(path.read_bytes(), digest_size=16).hexdigest()


def load_catalog(out: Path, cache: dict | None = None) -> tuple[Catalog, dict]:
    """Read the archive, reusing cached cards of records whose file did not change.

    ``cache`` is what the previous call returned (stored in the build manifest); a record is
    re-read only when its size or mtime changed and then its content hash too.
    A damaged record is reported as a warning naming the file, and its day left out.
    """
    cache = cache if cache and cache.get("version") == CARD_VERSION else {"version": CARD_VERSION, "days": {}}
    old_days: dict = cache["days"]
    new_days: dict = {}
    catalog = Catalog(out=out, days=[])
    for path in sorted((out / "data").glob("????-??-??.json")):
        try:
            date = dt.date.fromisoformat(path.stem)
        except ValueError:
            continue
        stat = path.stat()
        signature = [stat.st_size, stat.st_mtime_ns]
        cached = old_days.get(path.stem)
        if cached and cached["stat"] == signature:
            digest, cards = cached["digest"], [PaperCard.from_json(c) for c in cached["cards"]]
        else:
            digest = _digest(path)
            if cached and cached["digest"] == digest:
                cards = [PaperCard.from_json(c) for c in cached["cards"]]
            else:
                try:
                    record = load_record(path)
                except RecordError as exc:
                    catalog.warnings.append(f"{exc} (its day is left out of the site)")
                    continue
                if record is None:
                    continue
                catalog._records[date] = record
                catalog.changed.add(date)
                cards = [PaperCard.from_entry(e, date) for e in record.papers]
        if not cards:
            continue
        new_days[path.stem] = {"stat": signature, "digest": digest, "cards": [asdict(c) for c in cards]}
        catalog.days.append(DayInfo(date=date, digest=digest, cards=cards))
    return catalog, {"version": CARD_VERSION, "days": new_days}
