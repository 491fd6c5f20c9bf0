"""Weekly and monthly editions (周报 / 月报): a period's papers summed up against the period before.

Pure: the archive index's rows for a period (and the one before it) in, an :class:`Edition` out.
``hfdaily weekly`` / ``hfdaily monthly`` store it as ``OUT/weekly/2026-W03.json`` /
``OUT/monthly/2026-01.json`` (derived: made again from the index at any time); the site, the feed
and the channels that ask for it render that file.

    period = Period.parse("week", "2026-W03")        # or Period.last_complete("month", today)
    edition = build_edition(period, rows, previous_rows, today=today)
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel

from hfdaily.archive.index import PaperRow
from hfdaily.errors import ConfigError
from hfdaily.make.fields import FIELD_NAMES
from hfdaily.make.keywords import is_specific
from hfdaily.make.stats import chinese_terms, stop_words

Kind = Literal["week", "month"]
KINDS: dict[Kind, str] = {"week": "周报", "month": "月报"}
FOLDERS: dict[Kind, str] = {"week": "weekly", "month": "monthly"}  # OUT/weekly/, site/weekly/
TOP_PAPERS: dict[Kind, int] = {"week": 10, "month": 20}
MIN_KEYWORD_PAPERS: dict[Kind, int] = {"week": 2, "month": 3}  # a word of one paper is that paper's, not a trend
_WEEK = re.compile(r"^(\d{4})-W(\d{1,2})$")
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")


@dataclass(frozen=True)
class Period:
    """A calendar week (ISO, Monday to Sunday) or month."""

    kind: Kind
    start: dt.date
    end: dt.date  # inclusive

    @property
    def label(self) -> str:
        if self.kind == "week":
            year, week, _ = self.start.isocalendar()
            return f"{year}-W{week:02d}"
        return f"{self.start.year}-{self.start.month:02d}"

    @property
    def title(self) -> str:
        if self.kind == "week":
            year, week, _ = self.start.isocalendar()
            return f"{year} 年第 {week} 周"
        return f"{self.start.year} 年 {self.start.month} 月"

    @property
    def span(self) -> str:
        return f"{self.start.isoformat()} – {self.end.isoformat()}"

    @classmethod
    def containing(cls, kind: Kind, day: dt.date) -> Period:
        if kind == "week":
            start = day - dt.timedelta(days=day.weekday())
            return cls(kind, start, start + dt.timedelta(days=6))
        start = day.replace(day=1)
        following = (start + dt.timedelta(days=32)).replace(day=1)
        return cls(kind, start, following - dt.timedelta(days=1))

    @classmethod
    def last_complete(cls, kind: Kind, today: dt.date) -> Period:
        """The period before the one ``today`` is in (on Monday: last week; on the 1st: last month)."""
        return cls.containing(kind, today).previous()

    @classmethod
    def parse(cls, kind: Kind, text: str) -> Period:
        """``2026-W03`` (ISO week) or ``2026-01``; a clear error otherwise."""
        text = text.strip()
        try:
            if kind == "week":
                if not (m := _WEEK.match(text)):
                    raise ValueError
                return cls.containing("week", dt.date.fromisocalendar(int(m.group(1)), int(m.group(2)), 1))
            if not (m := _MONTH.match(text)):
                raise ValueError
            return cls.containing("month", dt.date(int(m.group(1)), int(m.group(2)), 1))
        except ValueError:
            example = "2026-W03 (ISO week, Monday to Sunday)" if kind == "week" else "2026-01"
            raise ConfigError(f"--{kind} {text!r} is not a {kind}: use YYYY-{'Www' if kind == 'week' else 'MM'}, "
                              f"e.g. {example}") from None

    def previous(self) -> Period:
        return Period.containing(self.kind, self.start - dt.timedelta(days=1))

    def next(self) -> Period:
        return Period.containing(self.kind, self.end + dt.timedelta(days=1))

    def days(self) -> list[dt.date]:
        return [self.start + dt.timedelta(days=i) for i in range((self.end - self.start).days + 1)]


# --- the edition ----------------------------------------------------------------------------------


class EditionPaper(BaseModel):
    id: str
    date: dt.date  # the last day of the period it was listed on
    title: str
    title_zh: str | None = None
    contribution: str | None = None
    upvotes: int
    organisation: str | None = None
    authors: list[str] = []
    fields: list[str] = []
    github_repo: str | None = None
    project_page: str | None = None
    figure: str | None = None  # the paper's key figure, where the archive has one

    @property
    def display_title(self) -> str:
        return self.title_zh or self.title


class DayCount(BaseModel):
    date: dt.date
    papers: int


class FieldShare(BaseModel):
    name: str
    papers: int
    share: float  # percent of the period's papers
    previous_share: float | None  # None when there was no previous period in the archive

    @property
    def change(self) -> float | None:
        return None if self.previous_share is None else round(self.share - self.previous_share, 1)


class RisingKeyword(BaseModel):
    word: str
    papers: int
    previous_papers: int


class OrgCount(BaseModel):
    name: str
    papers: int
    upvotes: int


class Edition(BaseModel):
    """One weekly or monthly edition: what its page, feed entry and messages show."""

    kind: Kind
    label: str
    title: str
    start: dt.date
    end: dt.date
    total: int  # distinct papers in the period
    days: list[DayCount]  # days with a record, oldest first
    missing: list[dt.date]  # weekdays of the period (up to ``as_of``) without a record
    ongoing: bool  # the period had not ended when the edition was made
    as_of: dt.date
    previous_label: str
    previous_total: int
    top: list[EditionPaper]
    fields: list[FieldShare]
    keywords: list[RisingKeyword]
    organisations: list[OrgCount]

    @property
    def name(self) -> str:
        return f"Hugging Face 论文{KINDS[self.kind]} {self.label}"

    @property
    def folder(self) -> str:
        return FOLDERS[self.kind]

    @property
    def path(self) -> str:
        """The page inside the site: ``weekly/2026-W03.html``."""
        return f"{self.folder}/{self.label}.html"

    @property
    def span(self) -> str:
        return f"{self.start.isoformat()} – {self.end.isoformat()}"

    @property
    def span_text(self) -> str:
        return f"{self.start.isoformat()} – {self.end.isoformat()} 的 {self.total} 篇论文"

    @property
    def gap_note(self) -> str:
        """What the reader is told about days the archive lacks ("" when none)."""
        notes = []
        if self.missing:
            days = "、".join(f"{d.month}月{d.day}日" for d in self.missing)
            notes.append(f"本期缺少 {len(self.missing)} 个工作日的记录（{days}）：这些天可能是节假日，或尚未抓取，"
                         "统计只含已有的日子")
        if self.ongoing:
            notes.append(f"本期尚未结束，统计截至 {self.as_of.isoformat()}")
        return "；".join(notes) + ("。" if notes else "")


def _distinct(rows: Iterable[PaperRow]) -> list[PaperRow]:
    """Each paper once, as of the last day of the period it was listed (its upvotes are the latest)."""
    latest: dict[str, PaperRow] = {}
    for row in sorted(rows, key=lambda r: (r.date, r.rank)):
        latest[row.paper_id] = row
    return list(latest.values())


def paper_terms(row: PaperRow) -> set[str]:
    """The words a paper is about, for rising keywords: the specific Chinese terms of its title and
    contribution when translated (the briefing is Chinese), else HF's keywords without stop words."""
    if row.title_zh:
        text = " ".join(filter(None, [row.title_zh, row.contribution or ""]))
        return {t for t in chinese_terms(text) if is_specific(t)}
    stops = stop_words()
    return {k.strip().lower() for k in row.keywords if k.strip() and k.strip().lower() not in stops}


def rising_keywords(rows: list[PaperRow], previous: list[PaperRow], kind: Kind, top: int = 12) -> list[RisingKeyword]:
    """Words used by more papers than the previous period's rate predicts, most surplus first.

    A word counts once per paper. Its expected count is the previous period's count scaled by the
    change in papers (a period with twice the papers doubles every word); words of the previous
    period's size are not "rising", so steady generic words drop out on their own."""
    now = Counter(t for row in rows for t in paper_terms(row))
    before = Counter(t for row in previous for t in paper_terms(row))
    scale = len(rows) / len(previous) if previous else 1.0
    found = []
    for word, n in now.items():
        if n < MIN_KEYWORD_PAPERS[kind]:
            continue
        expected = before[word] * scale
        if n >= 1.5 * expected + 1:
            found.append((n - expected, n, word))
    found.sort(key=lambda f: (-f[0], -f[1], f[2]))
    return [RisingKeyword(word=w, papers=n, previous_papers=before[w]) for _, n, w in found[:top]]


def field_shares(rows: list[PaperRow], previous: list[PaperRow], top: int = 8) -> list[FieldShare]:
    now = Counter(name for row in rows for name in set(row.fields))
    before = Counter(name for row in previous for name in set(row.fields))
    order = {name: i for i, name in enumerate(FIELD_NAMES)}
    ranked = sorted(now, key=lambda n: (-now[n], order.get(n, len(order))))[:top]
    return [FieldShare(name=n, papers=now[n], share=round(100 * now[n] / len(rows), 1),
                       previous_share=round(100 * before[n] / len(previous), 1) if previous else None)
            for n in ranked]


def organisations(rows: list[PaperRow], top: int = 10) -> list[OrgCount]:
    papers, upvotes = Counter(), Counter()
    for row in rows:
        if row.organisation:
            papers[row.organisation] += 1
            upvotes[row.organisation] += row.upvotes
    ranked = sorted(papers, key=lambda o: (-papers[o], -upvotes[o], o.lower()))[:top]
    return [OrgCount(name=o, papers=papers[o], upvotes=upvotes[o]) for o in ranked]


def build_edition(period: Period, rows: list[PaperRow], previous: list[PaperRow], *, today: dt.date,
                  recorded: Iterable[dt.date] = ()) -> Edition:
    """The edition of ``period`` from its rows and the previous period's (any order, a paper may repeat).

    ``recorded``: days the archive has a record for (a day with a record and no papers is not missing).
    """
    as_of = min(period.end, today)
    per_day = Counter(r.date for r in rows if period.start <= r.date <= period.end)
    days_with_record = sorted(set(per_day) | {d for d in recorded if period.start <= d <= period.end})
    missing = [d for d in period.days() if d <= as_of and d.weekday() < 5 and d not in days_with_record]
    papers = _distinct(r for r in rows if period.start <= r.date <= period.end)
    before = _distinct(previous)
    ranked = sorted(papers, key=lambda r: (-r.upvotes, r.date, r.rank))[: TOP_PAPERS[period.kind]]
    return Edition(
        kind=period.kind, label=period.label, title=f"{period.title}论文{KINDS[period.kind]}",
        start=period.start, end=period.end, total=len(papers),
        days=[DayCount(date=d, papers=per_day.get(d, 0)) for d in days_with_record],
        missing=missing, ongoing=today < period.end, as_of=as_of,
        previous_label=period.previous().label, previous_total=len(before),
        top=[EditionPaper(id=r.paper_id, date=r.date, title=r.title, title_zh=r.title_zh,
                          contribution=r.contribution, upvotes=r.upvotes, organisation=r.organisation,
                          authors=r.authors[:6], fields=r.fields, github_repo=r.github_repo,
                          project_page=r.project_page, figure=getattr(r, "figure", None)) for r in ranked],
        fields=field_shares(papers, before), keywords=rising_keywords(papers, before, period.kind),
        organisations=organisations(papers),
    )
