"""为你推荐 in a real browser (Debian chromium via playwright) on a site built from real recorded days
(--no-llm): 👍 three papers and reload, import a .bib, a negative keyword folds, export → import."""

from __future__ import annotations

import datetime as dt
import shutil
import threading

import pytest

from hfdaily.publish.build import build_site
from hfdaily.testing.days import recorded_dates, write_archive

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
DAY = dt.date(2025, 10, 10)
AGENT_PAPERS = ["2510.08558", "2510.08529", "2510.08002"]  # liked: three agent papers of the day

playwright_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright")
if not shutil.which(CHROMIUM):
    pytest.skip("Debian chromium not installed", allow_module_level=True)


@pytest.fixture(scope="module")
def url(tmp_path_factory, fixtures_dir):
    from hfdaily.publish.serve import make_server

    out = tmp_path_factory.mktemp("rank-site")
    write_archive(fixtures_dir, out, [d for d in recorded_dates(fixtures_dir) if d <= DAY][-20:])
    build_site(out, with_search=False)
    server = make_server(out / "site", 0, "/")
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser(url):
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    context.close()
    assert not errors, errors


def order(page) -> list[str]:
    return page.eval_on_selector_all("ol.papers > li article.paper", "els => els.map(e => e.id)")


def like_three(page, url):
    page.goto(f"{url}days/{DAY}.html")
    for pid in AGENT_PAPERS:
        page.click(f"[id='{pid}'] .vote-liked")
        page.wait_for_function(f"(JSON.parse(localStorage.getItem('hfdaily-profile')||'{{}}').liked||{{}})['{pid}']")


def test_three_likes_reorder_the_day_after_a_reload_with_a_why(page, url):
    page.goto(f"{url}days/{DAY}.html")
    before = order(page)
    like_three(page, url)
    page.reload()
    page.wait_for_function("document.querySelector('.rank-why') && document.querySelector('.rank-why').textContent")
    after = order(page)
    assert after != before
    assert set(after[:3]) == set(AGENT_PAPERS)
    fourth = page.text_content(f"[id='{after[3]}'] .rank-why")
    assert fourth.startswith("推荐分") and "接近你赞过的：" in fourth
    assert after[3] in ("2510.08276", "2510.08191", "2510.08240", "2510.07307", "2510.08002")  # an agent paper


def test_a_negative_keyword_folds_a_paper(page, url):
    like_three(page, url)
    page.click(".rank-open")
    page.fill(".rank-negative", "safety")
    page.click(".rank-save")
    page.wait_for_function("document.querySelector(\"[id='2510.08240']\").closest('li').classList.contains('rank-folded')")
    assert "含屏蔽词：safety" in page.text_content("[id='2510.08240'] .rank-why")
    assert order(page)[-1] in {"2510.08240"} or page.eval_on_selector_all(
        "ol.papers > li", "els => els.slice(-3).some(li => li.classList.contains('rank-folded'))")


def test_a_bib_seeds_the_profile(page, url, tmp_path):
    bib = tmp_path / "zotero.bib"
    bib.write_text("@article{a, title={Learning on the Job: An Experience-Driven Self-Evolving Agent},\n"
                   " abstract={LLM agents for long-horizon tasks that learn from experience, web and tool use.}}\n"
                   "@misc{b, title = {Training Deep Search Agents with Reinforcement Learning}}\n")
    page.goto(f"{url}days/{DAY}.html")
    page.click(".rank-open")
    page.set_input_files(".rank-import", str(bib))
    page.wait_for_function("document.querySelector('.rank-status').textContent.includes('2')")
    page.click(".rank-close")
    page.wait_for_function("document.querySelector('.rank-why').textContent.length > 0")
    top = order(page)[:5]
    assert sum(pid in ("2510.08558", "2510.08529", "2510.08002", "2510.08276", "2510.08191", "2510.08240", "2510.07307")
               for pid in top) >= 3, top


def test_the_profile_survives_export_and_import(browser, url, tmp_path):
    first = browser.new_context()
    page = first.new_page()
    like_three(page, url)
    page.click(".rank-open")
    with page.expect_download() as download:
        page.click(".rank-export")
    path = tmp_path / "profile.json"
    download.value.save_as(path)
    liked_order = order(page)
    first.close()
    second = browser.new_context()
    page = second.new_page()
    page.goto(f"{url}days/{DAY}.html")
    page.click(".rank-open")
    page.set_input_files(".rank-import", str(path))
    page.wait_for_function("document.querySelector('.rank-status').textContent.includes('已导入画像')")
    page.wait_for_function("document.querySelector('.rank-why').textContent.length > 0")
    assert order(page) == liked_order
    second.close()
