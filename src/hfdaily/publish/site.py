"""The archive page and the feed, from the archive index: ``OUT/index.html``, ``OUT/feed.xml``."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from feedgen.feed import FeedGenerator

from hfdaily.archive.index import DayRow, Index
from hfdaily.fileio import write_if_changed
from hfdaily.config import SiteSettings
from hfdaily.make.render import Extras, index_html, ship_assets
from hfdaily.outputs import Outputs

SUMMARY_TITLES = 5  # titles quoted in a feed entry's summary


def build_feed(index: Index, outputs: Outputs, days: list[DayRow], site: SiteSettings) -> bytes:
    """An Atom feed with one entry a day, newest first; links absolute when ``site.url`` is set."""
    feed = FeedGenerator()
    feed.id(outputs.url(outputs.feed, site.url) if site.url else "urn:hfdaily:feed")
    feed.title("Hugging Face 论文日报")
    feed.subtitle("每日 Hugging Face 热门论文的中文简报与全文深度解读")
    if site.url or site.github_url:  # no placeholder: a feed without a home page simply has no alternate link
        feed.link(href=site.url.rstrip("/") + "/" if site.url else site.github_url, rel="alternate")
    feed.language("zh-CN")
    if days:  # the feed changes when a day does, not at every publish (feedgen would say "now")
        feed.updated(max(r.updated_at or dt.datetime.combine(r.date, dt.time(), dt.timezone.utc) for r in days))
    for row in sorted(days, key=lambda r: r.date):  # feedgen lists the last added first
        day = row.date.isoformat()
        page = outputs.url(outputs.newsletter(row.date), site.url)
        titles = [p.display_title for p in index.papers(date=row.date, limit=SUMMARY_TITLES)]
        entry = feed.add_entry()
        entry.id(page if site.url else f"urn:hfdaily:{day}")
        entry.title(f"Hugging Face {day} 论文日报（{row.papers} 篇）")
        entry.link(href=page)
        entry.summary("；".join(titles) + ("……" if row.papers > SUMMARY_TITLES else ""))
        published = dt.datetime.combine(row.date, dt.time(), dt.timezone.utc)
        entry.updated(row.updated_at or published)
        entry.published(published)
    return feed.atom_str(pretty=True)


def _day_line(outputs: Outputs, row: DayRow) -> dict:
    return {"date": row.date.isoformat(), "count": row.papers, "top": "、".join(row.top_fields(3)),
            "has_report": row.has_report, "href": outputs.href(outputs.newsletter(row.date)),
            "report_href": outputs.href(outputs.report(row.date))}


def publish_site(index: Index, outputs: Outputs, site: SiteSettings) -> list[Path]:
    """Rewrite the archive page and the feed from the index (bring it up to date first)."""
    days = index.days()
    extras = Extras(github_url=site.github_url, logo_href=outputs.href(outputs.logo))
    pages = [(outputs.archive_page, index_html([_day_line(outputs, r) for r in days], extras)),
             (outputs.feed, build_feed(index, outputs, days[:site.feed_days], site))]
    return ship_assets(outputs) + [path for path, content in pages if write_if_changed(path, content)]
