"""The archive page and the feed, from the archive index: ``OUT/index.html``, ``OUT/feed.xml``."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from feedgen.feed import FeedGenerator

from hfdaily.archive.index import DayRow, Index
from hfdaily.archive.record import atomic_write
from hfdaily.make.render import Extras, index_html

FEED_DAYS = 30
SUMMARY_TITLES = 5


def build_feed(index: Index, days: list[DayRow], site_url: str, github_url: str) -> bytes:
    """An Atom feed with one entry a day, newest first; links absolute when ``site_url`` is set."""
    base = site_url.rstrip("/") + "/" if site_url else ""
    feed = FeedGenerator()
    feed.id(base + "feed.xml" if base else "urn:hfdaily:feed")
    feed.title("Hugging Face 论文日报")
    feed.subtitle("每日 Hugging Face 热门论文的中文简报与全文深度解读")
    feed.link(href=base or github_url, rel="alternate")
    feed.language("zh-CN")
    for row in sorted(days, key=lambda r: r.date):  # feedgen lists the last added first
        day = row.date.isoformat()
        titles = [p.display_title for p in index.papers(date=row.date, limit=SUMMARY_TITLES)]
        entry = feed.add_entry()
        entry.id(f"{base}newsletters/{day}.html" if base else f"urn:hfdaily:{day}")
        entry.title(f"Hugging Face {day} 论文日报（{row.papers} 篇）")
        entry.link(href=f"{base}newsletters/{day}.html")
        entry.summary("；".join(titles) + ("……" if row.papers > SUMMARY_TITLES else ""))
        published = dt.datetime.combine(row.date, dt.time(), dt.timezone.utc)
        entry.updated(row.updated_at or published)
        entry.published(published)
    return feed.atom_str(pretty=True)


def _day_line(row: DayRow) -> dict:
    return {"date": row.date.isoformat(), "count": row.papers, "top": "、".join(row.top_fields(3)),
            "has_report": row.has_report}


def publish_site(out: Path, site_url: str, github_url: str, feed_days: int = FEED_DAYS) -> list[Path]:
    """Bring the index up to date, then rewrite the archive page and the feed from it."""
    with Index.open(out) as index:
        index.refresh()
        days = index.days()
        atomic_write(out / "index.html", index_html([_day_line(r) for r in days], Extras(github_url=github_url)))
        atomic_write(out / "feed.xml", build_feed(index, days[:feed_days], site_url, github_url))
    return [out / "index.html", out / "feed.xml"]
