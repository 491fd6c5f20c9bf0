"""The archive site and the feed over every day in ``OUT/data``: ``OUT/index.html``, ``OUT/feed.xml``."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from feedgen.feed import FeedGenerator

from .models import DayRecord
from .record import atomic_write
from .render import Extras, index_html

FEED_DAYS = 30


def _summary(record: DayRecord) -> str:
    titles = [e.translation.title_zh if e.translation else e.paper.title for e in record.papers[:5]]
    return "；".join(titles) + ("……" if len(record.papers) > 5 else "")


def build_feed(records: list[DayRecord], site_url: str, github_url: str) -> bytes:
    """An Atom feed with one entry a day, newest first; links absolute when ``site_url`` is set."""
    base = site_url.rstrip("/") + "/" if site_url else ""
    feed = FeedGenerator()
    feed.id(base + "feed.xml" if base else "urn:hfdaily:feed")
    feed.title("Hugging Face 论文日报")
    feed.subtitle("每日 Hugging Face 热门论文的中文简报与全文深度解读")
    feed.link(href=base or github_url, rel="alternate")
    feed.language("zh-CN")
    for record in records[-FEED_DAYS:]:
        day = record.date.isoformat()
        entry = feed.add_entry()
        entry.id(f"{base}newsletters/{day}.html" if base else f"urn:hfdaily:{day}")
        entry.title(f"Hugging Face {day} 论文日报（{len(record.papers)} 篇）")
        entry.link(href=f"{base}newsletters/{day}.html")
        entry.summary(_summary(record))
        stamp = record.updated_at or dt.datetime.combine(record.date, dt.time(), dt.timezone.utc)
        entry.updated(stamp)
        entry.published(dt.datetime.combine(record.date, dt.time(), dt.timezone.utc))
    return feed.atom_str(pretty=True)


def publish_site(out: Path, records: list[DayRecord], site_url: str, github_url: str) -> None:
    days = [
        {"date": r.date.isoformat(), "count": len(r.papers),
         "has_report": (out / "reports" / f"{r.date.isoformat()}.html").exists(),
         "top": (r.papers[0].translation.title_zh if r.papers and r.papers[0].translation
                 else (r.papers[0].paper.title if r.papers else ""))}
        for r in reversed(records) if (out / "newsletters" / f"{r.date.isoformat()}.html").exists()
    ]
    atomic_write(out / "index.html", index_html(days, Extras(github_url=github_url)))
    atomic_write(out / "feed.xml", build_feed(records, site_url, github_url))
