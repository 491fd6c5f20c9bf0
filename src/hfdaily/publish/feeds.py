"""Atom feeds with full content: one for everything (an entry a day), one per field (an entry a paper).

Feed readers need absolute links, so feeds are written only when the site's public URL is known
(``HFDAILY_SITE_URL``); :data:`NEEDS_SITE_URL` is what the build says otherwise.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from html import escape

from feedgen.feed import FeedGenerator

from hfdaily.make.formulas import to_plain
from hfdaily.make.periods import Edition
from hfdaily.make.render import bold, safe_url
from hfdaily.models import DayRecord, PaperEntry
from hfdaily.publish.catalog import field_slug

FIELD_FEED_PAPERS = 50  # papers in each feeds/<field>.xml
NEEDS_SITE_URL = ("feeds not written: feed readers need absolute links, so set HFDAILY_SITE_URL to the public "
                  "address of the site (e.g. https://you.github.io/hfdaily/) and publish again")
TITLE = "Hugging Face 论文日报"


def _base(site_url: str) -> str:
    return site_url.rstrip("/") + "/"


def _midnight(date: dt.date) -> dt.datetime:
    return dt.datetime.combine(date, dt.time(), dt.timezone.utc)


def paper_html(entry: PaperEntry, base: str) -> str:
    """One paper as feed content: Chinese title, original title, abstract, core contribution, links."""
    p = entry.paper
    title = entry.translation.title_zh if entry.translation else p.title
    # Formulas as MathML (bold(): escaped, **key numbers** as <strong>, LaTeX as MathML): readers
    # that drop MathML keep its text, the characters the formula shows, never raw TeX.
    parts = [f'<h3><a href="{base}papers/{p.id}.html">{bold(title)}</a></h3>']
    if entry.translation:
        parts.append(f"<p><em>{bold(p.title)}</em></p>")
    meta = ", ".join(p.authors[:8]) + (f" 等 {len(p.authors)} 人" if len(p.authors) > 8 else "")
    if p.organization:
        meta += f" · {p.organization}"
    parts.append(f"<p>{escape(meta)} · {p.upvotes} 赞</p>")
    if entry.analysis:
        # bold(): escaped, with the analysis's **key numbers** as <strong>
        parts.append(f"<p><strong>核心贡献：</strong>{bold(entry.analysis.contribution)}</p>")
        parts.append(f"<p><strong>应用领域：</strong>{bold(entry.analysis.field)}</p>")
    summary = entry.translation.summary_zh if entry.translation else p.summary
    parts.append(f"<p><strong>摘要：</strong>{bold(summary)}</p>")
    links = [f'<a href="{p.hf_url}">Hugging Face</a>', f'<a href="{p.arxiv_url}">arXiv</a>']
    if p.github_repo and safe_url(p.github_repo) != "#":
        links.append(f'<a href="{escape(p.github_repo)}">代码' + (f" ⭐ {p.github_stars}" if p.github_stars else "") + "</a>")
    if p.project_page and safe_url(p.project_page) != "#":
        links.append(f'<a href="{escape(p.project_page)}">项目主页</a>')
    parts.append("<p>" + " · ".join(links) + "</p>")
    return "\n".join(parts)


def _feed(site_url: str, path: str, title: str, subtitle: str, updated: dt.datetime) -> FeedGenerator:
    base = _base(site_url)
    feed = FeedGenerator()
    feed.id(base + path)
    feed.title(title)
    feed.subtitle(subtitle)
    feed.link(href=base, rel="alternate")
    feed.link(href=base + path, rel="self")
    feed.language("zh-CN")
    feed.icon(base + "static/logo.svg")
    feed.updated(updated)
    return feed


def day_feed(records: list[DayRecord], site_url: str, editions: Sequence[Edition] = ()) -> bytes:
    """feed.xml: the given days (the build passes the last ``HFDAILY_FEED_DAYS``), newest first, each
    entry the whole day's newsletter; and an entry for each weekly and monthly edition of that span
    (see :func:`edition_entry`)."""
    base = _base(site_url)
    records = sorted(records, key=lambda r: r.date)
    updated = max((r.updated_at or _midnight(r.date) for r in records), default=_midnight(dt.date(2024, 1, 1)))
    feed = _feed(site_url, "feed.xml", TITLE, "每日 Hugging Face 热门论文的中文简报与全文深度解读", updated)
    first = records[0].date if records else dt.date.min
    made = [(e.end + dt.timedelta(days=1), e) for e in editions if e.end >= first]  # an edition is made the day after
    for record in records:  # feedgen lists entries newest-added first: editions go in between by date
        for _, edition in sorted((m for m in made if m[0] <= record.date), key=lambda m: (m[0], m[1].kind)):
            edition_entry(feed, edition, base)
        made = [m for m in made if m[0] > record.date]
        day = record.date.isoformat()
        papers = sorted(record.papers, key=lambda e: -e.paper.upvotes)
        entry = feed.add_entry()
        entry.id(f"{base}days/{day}.html")
        entry.title(f"{day} 论文日报（{len(papers)} 篇）")
        entry.link(href=f"{base}days/{day}.html", rel="alternate")
        entry.published(_midnight(record.date))
        entry.updated(record.updated_at or _midnight(record.date))
        entry.summary("；".join(to_plain(e.translation.title_zh if e.translation else e.paper.title) for e in papers[:5]))
        entry.content("\n<hr>\n".join(paper_html(e, base) for e in papers), type="html")
    for _, edition in sorted(made, key=lambda m: (m[0], m[1].kind)):
        edition_entry(feed, edition, base)
    return feed.atom_str(pretty=True)


def edition_entry(feed: FeedGenerator, edition: Edition, base: str) -> None:
    """A weekly or monthly edition as one entry: its most upvoted papers, fields and keywords.
    Dated the day after the period (when it is made), so a reader sees it after the days it sums up."""
    url = f"{base}{edition.path}"
    entry = feed.add_entry()
    entry.id(url)
    entry.title(edition.title)
    entry.link(href=url, rel="alternate")
    made = _midnight(edition.end + dt.timedelta(days=1))
    entry.published(made)
    entry.updated(made)
    entry.summary(f"{edition.span_text}：" + "；".join(p.display_title for p in edition.top[:5]))
    items = "".join(f'<li><a href="{base}papers/{p.id}.html">{escape(p.display_title)}</a> · {p.upvotes} 赞'
                    + (f"<br>{bold(p.contribution)}" if p.contribution else "") + "</li>" for p in edition.top)
    parts = [f"<p>{escape(edition.span_text)}（上期 {edition.previous_total} 篇）</p>"]
    if edition.gap_note:
        parts.append(f"<p>⚠️ {escape(edition.gap_note)}</p>")
    parts.append(f"<h3>最受关注的论文</h3><ol>{items}</ol>")
    if edition.fields:
        parts.append("<p><strong>热门领域：</strong>" + escape("、".join(f"{f.name} {f.papers} 篇" for f in edition.fields)) + "</p>")
    if edition.keywords:
        parts.append("<p><strong>上升关键词：</strong>" + escape("、".join(k.word for k in edition.keywords)) + "</p>")
    entry.content("\n".join(parts), type="html")


def field_feed(field: str, entries: list[tuple[dt.date, PaperEntry]], site_url: str) -> bytes:
    """feeds/<field>.xml: the field's newest papers, one entry each."""
    base = _base(site_url)
    entries = sorted(entries, key=lambda de: (de[0], de[1].paper.upvotes))[-FIELD_FEED_PAPERS:]
    updated = _midnight(entries[-1][0]) if entries else _midnight(dt.date(2024, 1, 1))
    feed = _feed(site_url, f"feeds/{field_slug(field)}.xml", f"{TITLE} · {field}", f"{field}方向的 Hugging Face 热门论文", updated)
    for date, e in entries:
        p = e.paper
        entry = feed.add_entry()
        entry.id(f"{base}papers/{p.id}.html")
        entry.title(to_plain(e.translation.title_zh if e.translation else p.title))  # Atom titles are plain text
        entry.link(href=f"{base}papers/{p.id}.html", rel="alternate")
        for author in p.authors[:10]:
            entry.author(name=author)
        for name in e.fields:
            entry.category(term=name)
        entry.published(_midnight(date))
        entry.updated(_midnight(date))
        entry.content(paper_html(e, base), type="html")
    return feed.atom_str(pretty=True)
