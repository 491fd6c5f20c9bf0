"""Key figures and formulas in a real browser (Debian chromium via playwright), at a phone's 390 px
and a desktop's 1280 px, opened from file:// (no server, no script needed for either)."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from standins import standin_env

from hfdaily.cli import cli
from hfdaily.testing.arxiv_server import serve_arxiv
from hfdaily.testing.fake_llm import FakeLLM
from hfdaily.testing.hf_server import FakeHF

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
DATA = Path(__file__).parent / "data"
FIGURE_DAY = "2026-01-29"  # three papers with HTML full text (figures), two without
FORMULA_DAY = "2024-10-17"  # recorded HF day whose abstracts write \( O(n^3) \), \( L_{1,2}-norm \)
# kept for a person to look at (outside the checkout)
SCREENSHOTS = Path(os.environ.get("HFDAILY_SCREENSHOTS") or Path(tempfile.gettempdir()) / "hfdaily-screenshots")

playwright_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright")
if not shutil.which(CHROMIUM):
    pytest.skip("Debian chromium not installed (scripts/setup.sh test installs it)", allow_module_level=True)


@pytest.fixture(scope="module")
def site(tmp_path_factory, fixtures_dir) -> Path:
    """A figure day (translated and analysed by the fake LLM) and a formula day (--no-llm: the English
    abstracts with their LaTeX are what the cards show), built into one site."""
    tmp = tmp_path_factory.mktemp("figsite")
    hf, llm = FakeHF(fixtures_dir / "hf_daily_papers"), FakeLLM()
    hf.days[FIGURE_DAY] = json.loads((DATA / "day_fulltext.json").read_text())
    out = tmp / "out"
    with hf.serve() as hf_url, llm.serve() as llm_url, serve_arxiv(fixtures_dir) as arxiv_url:
        env = standin_env(tmp, hf_url, llm_url, HFDAILY_ARXIV_URL=arxiv_url, HFDAILY_LLM_API_KEY="test")
        for args in (["--date", FIGURE_DAY], ["--date", FORMULA_DAY, "--no-llm"]):
            result = CliRunner().invoke(cli, ["run", "--out", str(out), "-q", "--no-audio", *args], env=env)
            assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def browser(site):
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


def _open(browser, url: str, width: int):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto(url)
    page.wait_for_load_state("load")
    return context, page


def _loaded_figures(page) -> list[dict]:
    """Every key-figure <img>, scrolled into view (they are lazy), with its drawn size."""
    return page.evaluate("""async () => {
        const out = [];
        for (const img of document.querySelectorAll('.key-figure img')) {
            img.scrollIntoView();
            await new Promise(r => { if (img.complete && img.naturalWidth) r(); else { img.onload = r; img.onerror = r; setTimeout(r, 3000); } });
            const box = img.getBoundingClientRect();
            out.push({src: img.getAttribute('src'), natural: img.naturalWidth, width: box.width, height: box.height,
                      loading: img.loading});
        }
        return out;
    }""")


@pytest.mark.parametrize("width", [390, 1280])
def test_key_figures_render_on_day_and_paper_pages(browser, site, width):
    SCREENSHOTS.mkdir(exist_ok=True)
    day = (site / "site" / "days" / f"{FIGURE_DAY}.html").as_uri()
    context, page = _open(browser, day, width)
    try:
        figures = _loaded_figures(page)
        assert len(figures) == 3
        for f in figures:
            assert f["natural"] > 0, f"broken image {f['src']}"  # decoded: the file is there and a picture
            assert f["loading"] == "lazy" and f["src"].endswith("_thumb.jpg")
            assert 100 <= f["width"] <= min(width, 260)  # a thumbnail, never wider than the phone
        assert page.evaluate("document.documentElement.scrollWidth") <= width  # nothing overflows sideways
        page.screenshot(path=str(SCREENSHOTS / f"day-figures-{width}.png"), full_page=False)
        page.goto((site / "site" / "papers" / "2410.00260.html").as_uri())
        page.wait_for_load_state("load")
        (figure,) = _loaded_figures(page)
        assert figure["natural"] > 0 and figure["src"].endswith("2410.00260.jpg")
        assert figure["width"] <= width
        assert "Figure 1" in page.inner_text(".key-figure figcaption")
        page.screenshot(path=str(SCREENSHOTS / f"paper-figure-{width}.png"))
        page.goto((site / "site" / "papers" / "2601.17668.html").as_uri())  # no HTML full text: no figure
        assert page.locator(".key-figure").count() == 0 and page.locator("img").count() == page.evaluate(
            "[...document.images].filter(i => i.complete && i.naturalWidth > 0).length")
    finally:
        context.close()


@pytest.mark.parametrize("width", [390, 1280])
def test_formulas_render_as_mathml_not_raw_tex(browser, site, width):
    SCREENSHOTS.mkdir(exist_ok=True)
    context, page = _open(browser, (site / "site" / "days" / f"{FORMULA_DAY}.html").as_uri(), width)
    try:
        text = page.inner_text("main") if page.locator("main").count() else page.inner_text("body")
        assert "\\(" not in text and "\\)" not in text and "\\textbf" not in text
        maths = page.locator("math")
        assert maths.count() >= 3
        # chromium lays MathML out (a box with a size), and the formula's characters are there
        box = page.evaluate("""() => { const m = [...document.querySelectorAll('math')]
            .find(m => m.textContent.includes('O')); m.scrollIntoView(); const r = m.getBoundingClientRect();
            return {w: r.width, h: r.height, text: m.textContent}; }""")
        assert box["w"] > 5 and box["h"] > 5 and "n" in box["text"]
        page.locator("math").first.scroll_into_view_if_needed()
        page.screenshot(path=str(SCREENSHOTS / f"formulas-{width}.png"))
        newsletter = (site / "newsletters" / f"{FORMULA_DAY}.html").as_uri()
        page.goto(newsletter)
        assert "\\(" not in page.inner_text("body") and page.locator("math").count() >= 3
    finally:
        context.close()
