"""The site in a real browser (Debian chromium driven by playwright), served under a sub-path as
GitHub Pages serves a project site, and opened from file://."""

from __future__ import annotations

import shutil
import threading

import pytest
from sitebuild import SEED_DAY, demo_site

from hfdaily.archive.record import load_record, record_path

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
BASE = "/hfdaily/"

playwright_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright")
if not shutil.which(CHROMIUM):
    pytest.skip("Debian chromium not installed (apt-get install chromium; scripts/setup.sh test does it)",
                allow_module_level=True)


@pytest.fixture(scope="module")
def demo(tmp_path_factory, fixtures_dir, seeds_dir):
    out, _ = demo_site(tmp_path_factory.getbasetemp(), fixtures_dir, seeds_dir)
    return out


@pytest.fixture(scope="module")
def url(demo):
    from hfdaily.publish.serve import make_server

    server = make_server(demo / "site", 0, BASE)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}{BASE}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser(demo):  # the demo is built first: playwright's event loop would refuse asyncio.run (speech)
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    context.close()
    assert not errors, errors


def test_home_calendar_day_paper(page, url):
    page.goto(url + "index.html")
    assert page.locator("h1").first.inner_text().endswith("论文日报")
    page.locator(f'table.cal a[href="days/{SEED_DAY}.html"]').click()
    page.wait_for_url(f"**{BASE}days/{SEED_DAY}.html")
    assert page.locator("h1").inner_text() == f"{SEED_DAY} 论文日报"
    first = page.locator("article.paper h3 a").first
    title = first.inner_text()
    first.click()
    page.wait_for_url(f"**{BASE}papers/*.html")
    assert page.locator("h1").inner_text() == title


def test_audio_plays_the_mp3_with_its_subtitles(page, url):
    page.goto(url + f"days/{SEED_DAY}.html")
    audio = page.locator("audio")
    assert audio.get_attribute("src") == f"../audio/{SEED_DAY}.mp3"
    assert page.request.get(url + f"audio/{SEED_DAY}.mp3").headers["content-type"] == "audio/mpeg"
    # the browser loads and parses the <track>: cues exist
    cues = page.evaluate("""() => new Promise((resolve) => {
        const audio = document.querySelector('audio'); const track = audio.querySelector('track');
        audio.textTracks[0].mode = 'hidden';
        const done = () => resolve(audio.textTracks[0].cues ? audio.textTracks[0].cues.length : -1);
        if (track.readyState === 2) done(); else { track.addEventListener('load', done); track.addEventListener('error', () => resolve(-2)); }
    })""")
    assert cues > 0
    assert page.evaluate("document.querySelector('audio').duration || 0") >= 0


def test_copy_bibtex_on_a_day_page_matches_the_paper_page(browser, url, demo):
    from hfdaily.publish.citation import bibtex

    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.goto(url + f"days/{SEED_DAY}.html")
    record = load_record(record_path(demo, SEED_DAY))
    for entry in record.papers[:3]:
        page.locator(f'article[id="{entry.paper.id}"] button.copy-bib').click()
        assert page.evaluate("navigator.clipboard.readText()") == bibtex(entry.paper)
    context.close()


def _search(page, url, query):
    page.goto(url + "search.html")
    page.fill("#search-q", query)
    page.wait_for_function("document.getElementById('search-status').textContent.startsWith('找到')", timeout=15000)
    return [a.inner_text() for a in page.locator("#search-results a").all()], \
        [a.get_attribute("href") for a in page.locator("#search-results a").all()]


def test_search_chinese_english_author_and_arxiv_id(page, url, demo):
    titles, _ = _search(page, url, "智能体")
    assert "ABC-Bench：面向现实世界开发的智能体后端编码基准测试" in titles
    titles, _ = _search(page, url, "扩散模型")
    assert titles and any("diffusion" in t.lower() or "扩散" in t for t in titles[:5])
    record = load_record(record_path(demo, SEED_DAY))
    paper = next(e.paper for e in record.papers if e.paper.authors)
    titles, hrefs = _search(page, url, paper.authors[0])
    assert hrefs and any(h.endswith(f"{BASE}papers/{paper.id}.html") for h in hrefs)
    # a paper of the day added last: found in the recent bundle, linked under the sub-path
    titles, hrefs = _search(page, url, "Seedance")
    assert titles[0].startswith("Seedance 2.0") and hrefs[0] == url + "papers/2604.14148.html"
    titles, hrefs = _search(page, url, "2601.10387")
    assert hrefs[0].endswith(f"{BASE}papers/2601.10387.html")
    page.locator("#search-results a").first.click()  # result links work under the sub-path
    page.wait_for_url(f"**{BASE}papers/2601.10387.html")


def test_following_a_keyword_highlights_and_floats_after_reload(page, url):
    page.goto(url + f"days/{SEED_DAY}.html")
    keyword = "记忆捷径"
    assert keyword in "".join(page.locator("article.paper").all_inner_texts())
    assert keyword not in page.locator("article.paper").first.inner_text()
    page.click("#follow-open")
    page.select_option("#follow-kind", "keyword")
    page.fill("#follow-value", keyword)
    page.click("dialog form.add button[type=submit]")
    page.click("dialog .close")
    page.reload()
    first = page.locator("ol.papers > li article.paper").first
    assert "followed" in first.get_attribute("class")
    assert first.locator("mark").first.inner_text() == keyword
    assert "★ 关注" in first.inner_text()
    assert page.locator("article.paper.followed").count() == 1
    # an author too (the 4th paper): highlighted and floated as well
    author = page.locator("article.paper").nth(3).get_attribute("data-authors").split("|")[0]
    page.click("#follow-open")
    page.select_option("#follow-kind", "author")
    page.fill("#follow-value", author)
    page.press("#follow-value", "Enter")  # the keyboard works as well as the button
    page.keyboard.press("Escape")
    page.reload()
    top_two = page.locator("ol.papers > li article.paper")
    assert page.locator("article.paper.followed").count() == 2
    assert all("followed" in top_two.nth(i).get_attribute("class") for i in (0, 1))  # both first, in the day's order
    assert author in top_two.nth(0).get_attribute("data-authors")
    # unfollow: the order is the day's again
    page.click("#follow-open")
    page.locator("dialog ul button").first.click()
    page.locator("dialog ul button").first.click()
    page.click("dialog .close")
    page.reload()
    assert page.locator("article.paper.followed").count() == 0


def test_keyboard_skip_link_first(page, url):
    page.goto(url + f"days/{SEED_DAY}.html")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"


def test_phone_width_never_scrolls_sideways(browser, url):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    for path in ["index.html", f"days/{SEED_DAY}.html", "papers/2601.10387.html", "fields/agents.html",
                 "search.html?q=智能体"]:
        page.goto(url + path)
        if path.startswith("search"):
            page.wait_for_function("document.getElementById('search-status').textContent.startsWith('找到')")
        width = page.evaluate("Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)")
        assert width <= 390, f"{path} is {width}px wide"
    context.close()


def test_works_from_file_url(page, demo):
    page.goto((demo / "site" / "index.html").as_uri())
    page.locator(f'table.cal a[href="days/{SEED_DAY}.html"]').click()
    assert page.locator("h1").inner_text() == f"{SEED_DAY} 论文日报"
    # the stylesheet loaded (relative link): the header is laid out as flex
    assert page.evaluate("getComputedStyle(document.querySelector('header.top')).display") == "flex"
