"""The HTML pages' headings use drawn icons, not emoji: where no emoji font is installed (this
machine has none) an emoji is an empty box. The Markdown keeps the seed layout's emoji."""

from __future__ import annotations

import re

from hfdaily.make.render import Extras, newsletter_html, newsletter_md, report_html
from hfdaily.models import DayRecord

EMOJI = re.compile("[\U0001F300-\U0001FAFF\u2B50]")


def _record() -> DayRecord:
    return DayRecord.model_validate({"date": "2026-01-20", "papers": [{"paper": {
        "id": "2601.00001", "title": "A", "summary": "B", "authors": ["C"], "published_at": "2026-01-20T00:00:00Z",
        "github_repo": "https://github.com/a/b", "github_stars": 3}}]})


def test_html_pages_draw_their_heading_icons_and_markdown_keeps_the_emoji():
    extras = Extras(images={"wordcloud": "w.png", "trend": "t.png", "poster": "p.png"}, audio="a.mp3")
    html = newsletter_html(_record(), extras) + report_html(_record(), extras)
    body = html.split("<body", 1)[1]
    headings = re.findall(r"<h[1-3][^>]*>(.*?)</h[1-3]>", body, re.S)
    assert not [h for h in headings if EMOJI.search(re.sub(r'alt="[^"]*"', "", h))], "an emoji in an HTML heading"
    assert not EMOJI.search(re.sub(r'alt="[^"]*"', "", body))  # the logo's alt text may say 🤗
    assert body.count('<svg class="icon"') >= 9
    assert "## 📊 今日论文统计" in newsletter_md(_record(), extras)
