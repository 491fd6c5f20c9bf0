"""In chromium: the weekly edition and its calendar link, citation tags as Zotero reads them, the listing
filters, and what a new reader meets at 390 px and 1280 px (papers first, the player's length, search)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sitebuild import SEED_DAY
from test_site_browser import BASE, browser, demo, page, url  # noqa: F401  (shared fixtures)

from hfdaily.archive.record import load_record, record_path
from hfdaily.make.periods import Edition

# What Zotero's "Embedded Metadata" translator does with a page: every <meta> whose name starts with
# "citation_" (Highwire), collected by name in document order; authors from each citation_author.
ZOTERO_READS = """() => {
  const tags = {};
  for (const m of document.getElementsByTagName('meta')) {
    const name = (m.getAttribute('name') || m.getAttribute('property') || '');
    if (!/^citation_/i.test(name)) continue;
    (tags[name.toLowerCase()] = tags[name.toLowerCase()] || []).push(m.getAttribute('content'));
  }
  return tags;
}"""


def phone(browser):  # noqa: F811
    return browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)


def test_weekly_edition_from_the_calendar(page, url, demo):  # noqa: F811
    page.goto(url + "index.html")
    link = page.locator('table.cal td.wk a[href="weekly/2026-W04.html"]')
    assert link.get_attribute("aria-label") == "2026-W04 周报"
    link.click()
    page.wait_for_url(f"**{BASE}weekly/2026-W04.html")
    edition = Edition.model_validate_json((demo / "weekly" / "2026-W04.json").read_text(encoding="utf-8"))
    assert page.locator("h1").inner_text() == "2026 年第 4 周论文周报"
    # 2026-01-22 and -23 are not in the demo archive: the page says so
    assert "1月22日、1月23日" in page.locator(".notice").inner_text()
    titles = page.locator("ol.edition-top h3 a").all_inner_texts()
    assert titles == [p.display_title for p in edition.top]
    assert "多路思维：基于词元级分支与合并的推理方法" in titles  # the seed day's real translation
    # the per-day chart: a bar per recorded day, heights in proportion
    bars = page.locator("ol.bars .bar")
    heights = [bars.nth(i).bounding_box()["height"] for i in range(bars.count())]
    counts = [d.papers for d in edition.days]
    assert len(heights) == len(counts) == 3
    assert heights.index(max(heights)) == counts.index(max(counts))
    page.locator("ol.edition-top h3 a").first.click()
    page.wait_for_url(f"**{BASE}papers/{edition.top[0].id}.html")
    page.goto(url + "index.html")
    page.locator('table.cal caption a[href="monthly/2026-01.html"]').click()
    assert page.locator("h1").inner_text() == "2026 年 1 月论文月报"


@pytest.mark.parametrize("width", [390, 1280])
def test_edition_page_fits_the_screen(browser, url, width):  # noqa: F811
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto(url + "weekly/2026-W04.html")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert page.locator("table.shares tbody tr").count() >= 3
    context.close()


def test_citation_tags_as_zotero_reads_them(page, url, demo):  # noqa: F811
    entry = next(e for e in load_record(record_path(demo, SEED_DAY)).papers if e.paper.id == "2601.10387")
    page.goto(url + "papers/2601.10387.html")
    tags = page.evaluate(ZOTERO_READS)
    assert tags["citation_title"] == [entry.paper.title]
    assert tags["citation_author"] == entry.paper.authors  # one tag per author, in order
    assert tags["citation_arxiv_id"] == ["2601.10387"]
    assert tags["citation_pdf_url"] == ["https://arxiv.org/pdf/2601.10387"]
    assert tags["citation_date"] == tags["citation_publication_date"] == [entry.paper.published_at.strftime("%Y/%m/%d")]
    assert tags["citation_doi"] == ["10.48550/arXiv.2601.10387"]
    # and the downloads are the generator's files, served under the sub-path
    with page.expect_download() as ris:
        page.locator('a[download][href$=".ris"]').click()
    assert ris.value.suggested_filename == "2601.10387.ris"
    assert open(ris.value.path(), encoding="utf-8", newline="").read().startswith("TY  - GEN\r\nTI  - The Assistant Axis")


def test_listing_filters(page, url, demo):  # noqa: F811
    page.goto(url + f"days/{SEED_DAY}.html")
    record = load_record(record_path(demo, SEED_DAY))
    with_code = {e.paper.id for e in record.papers if e.paper.github_repo}
    with_page = {e.paper.id for e in record.papers if e.paper.project_page}
    assert 0 < len(with_code) < len(record.papers)
    visible = lambda: {a.get_attribute("id") for a in page.locator("ol.papers article.paper").all() if a.is_visible()}  # noqa: E731
    assert len(visible()) == len(record.papers)
    page.check('input[data-filter="code"]')
    assert visible() == with_code
    assert page.locator("[data-filter-count]").first.inner_text() == f"显示 {len(with_code)} / {len(record.papers)} 篇"
    page.check('input[data-filter="project"]')
    assert visible() == with_code & with_page
    page.uncheck('input[data-filter="code"]')
    page.uncheck('input[data-filter="project"]')
    assert len(visible()) == len(record.papers)
    # 有图 is offered only where some paper has a key figure (none in the demo archive yet)
    has_figure = {e.paper.id for e in record.papers if getattr(e, "figure", None)}
    assert page.locator('input[data-filter="figure"]').is_visible() == bool(has_figure)
    if has_figure:
        page.check('input[data-filter="figure"]')
        assert visible() == has_figure


def test_phone_home_page_leads_with_papers(browser, url):  # noqa: F811
    context = phone(browser)
    page = context.new_page()
    page.goto(url + "index.html")
    first_paper = page.locator(".lead ul.rows article.paper").first.bounding_box()
    assert first_paper["y"] < 844  # on the first screen
    for selector in (".side .chips", ".side audio", ".side .poster"):
        if page.locator(selector).count():
            assert page.locator(selector).first.bounding_box()["y"] > first_paper["y"]
    text = page.locator("main").inner_text()
    assert "已翻译" not in text and "深度解读" not in page.locator(".sub").first.inner_text()
    context.close()


def test_player_shows_the_length_before_play(page, url, demo):  # noqa: F811
    from mutagen.mp3 import MP3

    seconds = int(MP3(demo / "audio" / f"{SEED_DAY}.mp3").info.length)
    page.goto(url + f"days/{SEED_DAY}.html")
    assert page.locator(".player .length").inner_text() == f"{seconds // 60}:{seconds % 60:02d}"
    assert page.locator(".player audio").get_attribute("preload") == "metadata"
    page.wait_for_function("document.querySelector('.player audio').readyState >= 1", timeout=15000)
    assert page.evaluate("document.querySelector('.player audio').paused")
    assert abs(page.evaluate("document.querySelector('.player audio').duration") - seconds) < 1.5


def test_analysis_reads_as_sections_with_links_and_lists(page, url, demo):  # noqa: F811
    page.goto(url + "papers/2601.10387.html")
    body = page.evaluate("parseFloat(getComputedStyle(document.querySelector('.analysis dd')).fontSize)")
    heading = page.evaluate("parseFloat(getComputedStyle(document.querySelector('.analysis dt')).fontSize)")
    assert heading > body
    link = page.locator('.analysis a[href="https://github.com/safety-research/assistant-axis"]')
    assert link.count() == 1
    assert "文中未说明" not in page.locator(".analysis").inner_text()
    # CoDance's 输入 (three numbered items in the seed) is a list of three
    page.goto(url + "papers/2601.11096.html")
    items = page.locator(".guide > li").filter(has_text="输入").locator("ol.steps > li")
    assert items.count() == 3 and items.first.inner_text().startswith("一张参考图像")


def _search(page, url, query):  # noqa: F811
    page.goto(url + "search.html?q=" + query)
    page.wait_for_function("/^(找到|没有)/.test(document.getElementById('search-status').textContent)", timeout=20000)
    return page.locator("#search-results h2").all_inner_texts()


def test_search_finds_only_what_is_there(page, url):  # noqa: F811
    assert _search(page, url, "量子计算") == []  # 量子 is in no paper: not "计算" alone
    assert page.locator("#search-status").inner_text() == "没有找到匹配的论文。"
    assert page.locator("#search-more").is_hidden()
    titles = _search(page, url, "助手轴")
    assert titles == ["助手轴：定位与稳定语言模型的默认角色"]
    assert page.locator("#search-more").is_hidden()  # one result: no 显示更多
    snippet = page.locator("#search-results li p:not(.muted)").first.inner_text()
    assert "Christina Lu, Jack Gallagher" in snippet  # names apart, not "Christina Lu Jack Gallagher"
    many = _search(page, url, "智能体")
    assert len(many) == 10 and page.locator("#search-more").is_visible()
    page.locator("#search-more").click()
    page.wait_for_function("document.querySelectorAll('#search-results h2').length > 10", timeout=20000)
