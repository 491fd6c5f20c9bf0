"""What the site knows about the archive: days, papers, fields, organisations — from the index.

This is the one place the site reads the archive index (``hfdaily.archive.index``): pages, feeds
and search take a :class:`Catalog`. Full day records (for day and paper pages) are read from
``data/`` only for the days whose pages must be rendered.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from hfdaily.archive.index import Index, PaperRow
from hfdaily.archive.record import load_record, record_path
from hfdaily.errors import RecordError
from hfdaily.fields import FIELD_NAMES
from hfdaily.models import DayRecord

# Field names are Chinese; their pages need stable ASCII URLs (fields/llm.html).
FIELD_SLUGS = {
    "大语言模型": "llm", "多模态": "multimodal", "计算机视觉": "vision", "语音与音频": "speech-audio",
    "强化学习": "rl", "智能体": "agents", "生成模型与扩散": "generative-diffusion",
    "机器人与具身智能": "robotics-embodied", "安全与对齐": "safety-alignment", "推理": "reasoning",
    "高效训练与推理": "efficiency", "数据集与评测": "datasets-benchmarks", "医疗与科学": "science-medicine",
}
_NON_SLUG = re.compile(r"[^a-z0-9]+")


def _short_hash(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:8]


def field_slug(name: str) -> str:
    return FIELD_SLUGS.get(name) or _NON_SLUG.sub("-", name.lower()).strip("-") or f"field-{_short_hash(name)}"


def org_slug(name: str) -> str:
    """ASCII slug of an organisation's name; names with no ASCII letters get a stable hash."""
    slug = _NON_SLUG.sub("-", name.lower()).strip("-")[:60].strip("-")
    return slug if slug else f"org-{_short_hash(name)}"


@dataclass
class DayInfo:
    date: dt.date
    digest: str  # content hash of the record: what decides whether its pages are rebuilt
    cards: list[PaperRow]  # the day's papers in the day's order


@dataclass
class Catalog:
    """Every day of the archive, oldest first, with its papers; full records on demand."""

    out: Path
    days: list[DayInfo]
    _records: dict[dt.date, DayRecord] = field(default_factory=dict, repr=False)

    def record(self, date: dt.date) -> DayRecord:
        if date not in self._records:
            loaded = load_record(record_path(self.out, date))
            if loaded is None:
                raise RecordError(f"{record_path(self.out, date)} disappeared during the build")
            if len(self._records) > 64:  # a full build walks every day: keep memory bounded
                self._records.clear()
            self._records[date] = loaded
        return self._records[date]

    @cached_property
    def _positions(self) -> dict[dt.date, int]:
        return {d.date: i for i, d in enumerate(self.days)}

    def neighbours(self, date: dt.date) -> tuple[dt.date | None, dt.date | None]:
        i = self._positions[date]
        return (self.days[i - 1].date if i else None), (self.days[i + 1].date if i + 1 < len(self.days) else None)

    @cached_property
    def paper_dates(self) -> dict[str, list[dt.date]]:
        """arXiv id → the days it was listed, oldest first (a few papers are listed twice)."""
        dates: dict[str, list[dt.date]] = defaultdict(list)
        for day in self.days:
            for card in day.cards:
                dates[card.paper_id].append(day.date)
        return dict(dates)

    def latest_cards(self) -> list[PaperRow]:
        """Every paper once, as of the last day it was listed, newest day first."""
        seen, cards = set(), []
        for day in reversed(self.days):
            for card in day.cards:
                if card.paper_id not in seen:
                    seen.add(card.paper_id)
                    cards.append(card)
        return cards

    @cached_property
    def by_field(self) -> dict[str, list[PaperRow]]:
        groups: dict[str, list[PaperRow]] = defaultdict(list)
        for card in self.latest_cards():
            for name in card.fields:
                groups[name].append(card)
        order = {name: i for i, name in enumerate(FIELD_NAMES)}
        return dict(sorted(groups.items(), key=lambda kv: order.get(kv[0], len(order))))

    @cached_property
    def by_org(self) -> dict[str, list[PaperRow]]:
        groups: dict[str, list[PaperRow]] = defaultdict(list)
        for card in self.latest_cards():
            if card.organisation:
                groups[card.organisation].append(card)
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


def load_catalog(out: Path, index: Index | None = None, unreadable: list[RecordError] | None = None) -> Catalog:
    """Bring the archive index up to date with ``data/`` and read every day and paper from it
    (``index``: one already open, e.g. the run's; else OUT's own is opened).

    A damaged record is a :class:`RecordError` naming the file (the index never skips a day), or,
    with an ``unreadable`` list, appended to it and its day left out (for the caller to report).
    """
    if index is None:
        with Index.open(out) as own:
            return load_catalog(out, own, unreadable)
    index.refresh(unreadable=unreadable)
    digests = {row[0]: row[1] for row in index.db.execute("SELECT date, content_hash FROM days")}
    by_day: dict[dt.date, list[PaperRow]] = defaultdict(list)
    for row in index.papers():
        by_day[row.date].append(row)
    days = [DayInfo(date=date, digest=digests[date.isoformat()], cards=sorted(rows, key=lambda r: r.rank))
            for date, rows in sorted(by_day.items())]
    return Catalog(out=out, days=days)
