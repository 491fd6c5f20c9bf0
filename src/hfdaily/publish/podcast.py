"""The daily broadcast as a podcast: RSS 2.0 with enclosures, durations and the iTunes tags
podcast apps require (feedgen's podcast extension), plus the square cover art they ask for."""

from __future__ import annotations

import datetime as dt
import html
import io
from dataclasses import dataclass

from feedgen.feed import FeedGenerator
from PIL import Image, ImageDraw

from hfdaily.publish.feeds import TITLE, _base

COVER = "static/cover.png"  # 1400×1400: Apple Podcasts' minimum


@dataclass
class Episode:
    date: dt.date
    mp3: str  # path inside the site: audio/D.mp3
    size: int  # bytes, for the enclosure
    seconds: int
    summary: str  # what is in it (the top titles)


def cover_png(size: int = 1400) -> bytes:
    """Square cover art drawn here (no brand asset is fetched): the hugging face of the logo."""
    image = Image.new("RGB", (size, size), "#0d1117")
    draw = ImageDraw.Draw(image)
    s = size / 64
    draw.ellipse([8 * s, 5 * s, 56 * s, 53 * s], fill="#FFD21E")
    for x in (20, 36):
        draw.arc([x * s, 20 * s, (x + 8) * s, 28 * s], 200, 340, fill="#3A3B45", width=int(3 * s))
    draw.chord([21 * s, 27 * s, 43 * s, 45 * s], 0, 180, fill="#3A3B45")
    for cx, angle in ((14, -25), (50, 25)):
        hand = Image.new("RGBA", (int(16 * s), int(12 * s)), (0, 0, 0, 0))
        ImageDraw.Draw(hand).ellipse([0, 0, 16 * s, 12 * s], fill="#FF9D0B")
        hand = hand.rotate(-angle, expand=True)
        image.paste(hand, (int(cx * s - hand.width / 2), int(44 * s - hand.height / 2)), hand)
    buffer = io.BytesIO()
    image.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def podcast_feed(episodes: list[Episode], site_url: str, github_url: str) -> bytes:
    base = _base(site_url)
    feed = FeedGenerator()
    feed.load_extension("podcast")
    feed.title(f"{TITLE} · 语音播报")
    feed.link(href=base, rel="alternate")
    feed.description("每天几分钟，用中文听完当天 Hugging Face 热门论文。")
    feed.language("zh-CN")
    feed.image(url=base + COVER, title=f"{TITLE} · 语音播报", link=base)
    feed.podcast.itunes_author("hfdaily")
    feed.podcast.itunes_category("Science")
    feed.podcast.itunes_explicit("no")
    feed.podcast.itunes_image(base + COVER)
    feed.podcast.itunes_summary("Hugging Face Daily Papers 中文语音播报：每篇论文的标题与核心贡献。")
    feed.podcast.itunes_type("episodic")
    # No <itunes:owner>: it needs a real e-mail address, which hfdaily does not know (Apple asks
    # for it only when the show is submitted to its directory).
    feed.generator("hfdaily", uri=github_url or None)  # no placeholder project address when unset
    # Built-date from the content, not the clock: an unchanged podcast keeps the same bytes.
    newest = max((e.date for e in episodes), default=dt.date(2024, 1, 1))
    feed.lastBuildDate(dt.datetime.combine(newest, dt.time(8, 0), dt.timezone(dt.timedelta(hours=8))))
    for episode in sorted(episodes, key=lambda e: e.date):
        day = episode.date.isoformat()
        entry = feed.add_entry()
        entry.guid(f"{base}{episode.mp3}", permalink=True)
        entry.title(f"{day} 论文日报")
        entry.link(href=f"{base}days/{day}.html")
        # RSS's <description> is HTML: the titles are text, so they are escaped as HTML here and
        # then as XML by feedgen (escaped once, a reader that does not sanitise ran <script>).
        entry.description(html.escape(episode.summary, quote=False))
        entry.enclosure(f"{base}{episode.mp3}", str(episode.size), "audio/mpeg")
        entry.published(dt.datetime.combine(episode.date, dt.time(8, 0), dt.timezone(dt.timedelta(hours=8))))
        entry.podcast.itunes_duration(episode.seconds)
        entry.podcast.itunes_explicit("no")
    return feed.rss_str(pretty=True)
