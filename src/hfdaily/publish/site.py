"""The archive site and the feed over every day in ``OUT/data``: ``OUT/index.html``, ``OUT/feed.xml``."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from feedgen.feed import FeedGenerator

from hfdaily.archive.record import atomic_write, load_record, record_path
from hfdaily.make.render import Extras, index_html
from hfdaily.models import DayRecord

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
    if base or github_url:  # no placeholder: a feed without a home page simply has no alternate link
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


def _day_line(out: Path, day: str) -> dict:
    """What the archive shows for a day, from its small stats file (records can be large)."""
    line = {"date": day, "count": "?", "top": "", "has_report": (out / "reports" / f"{day}.html").exists()}
    stats = out / "stats" / f"{day}.json"
    if stats.exists():
        data = json.loads(stats.read_text(encoding="utf-8"))
        fields = sorted(data.get("fields", {}).items(), key=lambda kv: -kv[1])[:3]
        line.update(count=data.get("total", "?"), top="、".join(name for name, _ in fields))
    return line


def publish_site(out: Path, site_url: str, github_url: str) -> None:
    """Rewrite the archive page and the feed; reads only the newest records, so it stays fast."""
    days = sorted((p.stem for p in (out / "newsletters").glob("????-??-??.html")), reverse=True)
    atomic_write(out / "index.html", index_html([_day_line(out, day) for day in days], Extras(github_url=github_url)))
    recent = [load_record(record_path(out, dt.date.fromisoformat(day))) for day in sorted(days[:FEED_DAYS])]
    atomic_write(out / "feed.xml", build_feed([r for r in recent if r is not None], site_url, github_url))
