"""Key figures: which one is chosen on the recorded arXiv pages and why, how its address is resolved,
how it is downloaded (once, politely, never blocking the day) and shown (never a broken image)."""

from __future__ import annotations

import io
import json
import re
import sqlite3
import threading
import time
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from click.testing import CliRunner
from PIL import Image
from standins import standin_env

from hfdaily.cli import cli
from hfdaily.make.figures import FigureImageError, web_images
from hfdaily.models import DayRecord, Figure
from hfdaily.sources.arxiv import ArxivReader
from hfdaily.sources.figures import candidates, fetch_figure, key_figure
from hfdaily.testing.arxiv_server import drawn_figure, serve_arxiv
from hfdaily.testing.fake_llm import FakeLLM
from hfdaily.testing.hf_server import FakeHF

DATA = Path(__file__).parent / "data"
DAY = "2026-01-29"  # tests/data/day_fulltext.json: 3 papers with HTML, 1 abstract only, 1 with nothing


def page(fixtures_dir: Path, name: str) -> bytes:
    return (fixtures_dir / "arxiv_html_modern" / f"{name}.html").read_bytes()


# --- the choice, on the recorded pages ------------------------------------------------------------

@pytest.mark.parametrize("name, page_url, url, why", [
    # Figure 1 is the method's overview ("DoPAMine components for automated … mining"); no <base>:
    # src "2410.00260v2/latex/fig1_new.png" is relative to the page (arXiv redirects /html/ID to /html/IDv2).
    ("2410.00260", "https://arxiv.org/html/2410.00260v2", "https://arxiv.org/html/2410.00260v2/latex/fig1_new.png",
     "overview: the caption of Figure 1 says “components”"),
    # Figure 1 is the teaser (the trade-off EvicPress reaches); the workflow is Figure 6, too far in.
    ("2512.14946", "https://arxiv.org/html/2512.14946", "https://arxiv.org/html/2512.14946v1/x1.png",
     "first figure of the body (Figure 1)"),
    # "Framework capability comparison" is a chart, not an overview: chosen as Figure 1; the
    # base64 mascot of the site footer is never a candidate.
    ("2601.19139", "https://arxiv.org/html/2601.19139", "https://arxiv.org/html/2601.19139v2/x1.png",
     "first figure of the body (Figure 1)"),
])
def test_the_figure_a_reader_wants_is_chosen(fixtures_dir, name, page_url, url, why):
    figure = key_figure(page(fixtures_dir, name), page_url)
    assert figure is not None
    assert (figure.url, figure.why, figure.label) == (url, why, "Figure 1")
    assert figure.caption and not figure.caption.startswith("Figure")


def test_logos_icons_svg_and_appendix_figures_are_never_candidates(fixtures_dir):
    found = candidates(page(fixtures_dir, "2410.00260"), "https://arxiv.org/html/2410.00260v2")
    urls = [c.figure.url for c in found]
    # Figure 2 and 5 are SVG drawings (prompts), Figure 4 is in the appendix; funders' logos and the
    # announcement glyph are site chrome.
    assert urls == ["https://arxiv.org/html/2410.00260v2/latex/fig1_new.png",
                    "https://arxiv.org/html/2410.00260v2/latex/UMAP.png"]
    assert [c.figure.label for c in found] == ["Figure 1", "Figure 3"]


def test_a_page_without_html_full_text_has_no_figure(fixtures_dir):
    assert key_figure(page(fixtures_dir, "no_html_2601.17668"), "https://arxiv.org/html/2601.17668") is None


def _figure_page(body: str, base: str = "") -> str:
    head = f'<base href="{base}">' if base else ""
    return f"<html><head>{head}</head><body><div class='ltx_document'>{body}</div></body></html>"


def _fig(src: str, caption: str = "Figure 1: Overview of the method.", width: int = 600, height: int = 300,
         fig_id: str = "S1.F1") -> str:
    return (f'<figure class="ltx_figure" id="{fig_id}"><img class="ltx_graphics" src="{src}" width="{width}" '
            f'height="{height}"><figcaption class="ltx_caption">{caption}</figcaption></figure>')


@pytest.mark.parametrize("base, src, expected", [
    ("", "x1.png", "https://arxiv.org/html/x1.png"),  # relative to the page's own URL
    ("/html/2601.00001v3/", "x1.png", "https://arxiv.org/html/2601.00001v3/x1.png"),  # root-relative <base>
    ("https://arxiv.org/html/2601.00001v3/", "figs/a.jpg", "https://arxiv.org/html/2601.00001v3/figs/a.jpg"),
    ("", "/html/2601.00001v3/x2.png", "https://arxiv.org/html/2601.00001v3/x2.png"),
    ("", "https://evil.example/track.png", None),  # another host: refused
    ("https://evil.example/", "x1.png", None),  # a <base> pointing elsewhere: refused
    ("", "javascript:alert(1)", None),
    ("", "data:image/png;base64,AAAA", None),
    ("", "logo.svg", None),
])
def test_relative_sources_are_resolved_against_the_page_and_its_base(base, src, expected):
    figure = key_figure(_figure_page(_fig(src), base), "https://arxiv.org/html/2601.00001")
    assert (figure.url if figure else None) == expected


def test_tiny_images_equations_and_uncaptioned_images_are_skipped():
    body = (_fig("icon.png", width=32, height=32)
            + '<table class="ltx_equation"><tr><td>' + _fig("eq.png", fig_id="S1.E1") + "</td></tr></table>"
            + '<img class="ltx_graphics" src="loose.png" width="800" height="400">'
            + _fig("x2.png", caption="Figure 2: Results on the benchmark.", fig_id="S2.F2"))
    figure = key_figure(_figure_page(body), "https://arxiv.org/html/2601.00001v1/")
    assert figure.url == "https://arxiv.org/html/2601.00001v1/x2.png"
    assert figure.label == "Figure 2" and figure.why == "first figure of the body (Figure 2)"


def test_an_overview_further_in_wins_over_a_teaser_chart_but_not_past_the_third_figure():
    teaser = _fig("x1.png", caption="Figure 1: Accuracy versus cost.", fig_id="S1.F1")
    overview = _fig("x2.png", caption="Figure 2: Overview of our pipeline.", fig_id="S2.F2")
    assert key_figure(_figure_page(teaser + overview), "https://arxiv.org/html/1/").url.endswith("/x2.png")
    late = "".join(_fig(f"x{i}.png", caption=f"Figure {i}: Ablation {i}.", fig_id=f"S{i}.F{i}") for i in range(1, 4))
    late += _fig("x4.png", caption="Figure 4: Overview of the pipeline.", fig_id="S4.F4")
    assert key_figure(_figure_page(late), "https://arxiv.org/html/1/").url.endswith("/x1.png")


# --- pictures ---------------------------------------------------------------------------------------

def _png(width: int, height: int, mode: str = "RGBA") -> bytes:
    out = io.BytesIO()
    Image.new(mode, (width, height), (200, 30, 30, 0) if mode == "RGBA" else "white").save(out, "PNG")
    return out.getvalue()


def test_web_picture_is_at_most_1200_wide_and_the_thumbnail_smaller():
    web, thumb = web_images(_png(2400, 1000))
    with Image.open(io.BytesIO(web)) as a, Image.open(io.BytesIO(thumb)) as b:
        assert (a.format, a.size, b.size) == ("JPEG", (1200, 500), (480, 200))
        assert a.getpixel((5, 5)) == (255, 255, 255)  # transparency flattened onto white, not black


@pytest.mark.parametrize("data", [b"<html>not a picture</html>", b"", _png(40, 40)])
def test_what_is_not_a_figure_is_refused(data):
    with pytest.raises(FigureImageError):
        web_images(data)


# --- downloading: once, politely, never blocking --------------------------------------------------

async def test_figures_are_downloaded_with_our_user_agent_and_only_once(fixtures_dir, tmp_path):
    seen: list[str] = []

    def figures(path):
        seen.append(path)
        return None  # the drawn picture

    db = sqlite3.connect(tmp_path / "store.db")
    with serve_arxiv(fixtures_dir, figures=figures) as url:
        async with ArxivReader(base_url=url) as reader:
            from hfdaily.models import Paper
            paper = Paper(id="2410.00260", title="t", summary="s", authors=[], published_at="2024-10-01T00:00:00Z")
            doc = await reader.read(paper)
            assert doc.figure.url == f"{url}/html/2410.00260v2/latex/fig1_new.png"
            first = await fetch_figure(db, reader, paper.id, doc.figure, timeout=10)
            again = await fetch_figure(db, reader, paper.id, doc.figure, timeout=10)
    assert first == again and Image.open(io.BytesIO(first)).format == "PNG"
    assert seen == ["/html/2410.00260v2/latex/fig1_new.png"]  # the second came from the store


async def test_a_figure_server_that_hangs_costs_the_timeout_not_the_day(fixtures_dir, tmp_path):
    release = threading.Event()

    def hang(path):
        release.wait(30)
        return None

    db = sqlite3.connect(tmp_path / "store.db")
    figure = Figure(url="", label="Figure 1", caption="c")
    with serve_arxiv(fixtures_dir, figures=hang) as url:
        async with ArxivReader(base_url=url, timeout=30) as reader:
            started = time.monotonic()
            got = await fetch_figure(db, reader, "2512.14946", figure.model_copy(update={"url": f"{url}/html/2512.14946v1/x1.png"}),
                                     timeout=0.5)
            took = time.monotonic() - started
        release.set()
    assert got is None and took < 10
    row = db.execute("SELECT data, error, tries FROM figures").fetchone()
    assert row == (None, "timed out", 1)  # remembered, asked again next run


# --- end to end: a day with figures, one missing, one broken, one hanging ------------------------------

def _run(env: dict, out: Path, *args: str):
    result = CliRunner().invoke(cli, ["run", "--out", str(out), "-q", "--date", DAY, "--no-audio", *args], env=env)
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


def _img_sources(html_file: Path) -> list[str]:
    return re.findall(r'<img[^>]+src="([^"]+)"', html_file.read_text(encoding="utf-8"))


def assert_no_broken_image(out: Path) -> int:
    """Every <img src> and Markdown picture of every page under ``out`` is a file that exists."""
    checked = 0
    for page_file in [*out.rglob("*.html"), *out.rglob("*.md")]:
        text = page_file.read_text(encoding="utf-8")
        sources = re.findall(r'<img[^>]+src="([^"]+)"', text) + re.findall(r"!\[[^\]]*\]\(([^)\s]+)\)", text)
        for src in sources:
            if src.startswith(("data:", "http:", "https:", "cid:")):
                continue
            target = (page_file.parent / src.split("#")[0]).resolve()
            assert target.is_file(), f"{page_file.relative_to(out)} shows a missing picture: {src}"
            checked += 1
    return checked


@pytest.fixture
def day_servers(fixtures_dir, tmp_path):
    """HF serving the full-text day, the fake LLM, and arXiv whose figure answers a test may change."""
    answers: dict[str, object] = {}

    def figures(path):
        answer = answers.get(path.rsplit("/", 1)[-1]) or answers.get("*")
        return answer(path) if callable(answer) else answer

    hf, llm = FakeHF(fixtures_dir / "hf_daily_papers"), FakeLLM()
    hf.days[DAY] = json.loads((DATA / "day_fulltext.json").read_text())
    with hf.serve() as hf_url, llm.serve() as llm_url, serve_arxiv(fixtures_dir, figures=figures) as arxiv_url:
        env = standin_env(tmp_path, hf_url, llm_url, HFDAILY_ARXIV_URL=arxiv_url, HFDAILY_LLM_API_KEY="test",
                          HFDAILY_TTS_ENGINE="espeak", HFDAILY_FIGURE_TIMEOUT="2")
        yield env, answers


def test_a_day_shows_each_key_figure_everywhere_and_never_a_broken_image(day_servers, tmp_path):
    env, _ = day_servers
    out = tmp_path / "out"
    assert _run(env, out).exit_code == 0
    record = DayRecord.model_validate_json((out / "data" / f"{DAY}.json").read_text())
    with_figure = {e.paper.id for e in record.papers if e.figure}
    assert with_figure == {"2601.19139", "2512.14946", "2410.00260"}  # not the abstract-only or HF-only papers
    big = record.entry("2410.00260")
    assert big.figure.url.endswith("/html/2410.00260v2/latex/fig1_new.png")
    assert big.analysis.figure_caption and big.analysis_model.endswith("/analyse-v3")  # caption from the same call
    assert record.entry("2401.02954").analysis_model.endswith("/analyse-v2")  # no figure: the v2 prompt
    for paper_id in with_figure:
        with Image.open(out / "images" / "figures" / f"{paper_id}.jpg") as web:
            assert web.width <= 1200
        assert (out / "images" / "figures" / f"{paper_id}_thumb.jpg").is_file()
    day_page = (out / "site" / "days" / f"{DAY}.html").read_text()
    thumbs = re.findall(r'<img src="\.\./images/figures/([\d.]+)_thumb\.jpg"[^>]*loading="lazy"', day_page)
    assert sorted(thumbs) == sorted(with_figure)
    paper_page = (out / "site" / "papers" / "2410.00260.html").read_text()
    assert '<img src="../images/figures/2410.00260.jpg"' in paper_page and big.analysis.figure_caption in paper_page
    # the paper's share card is its figure (the day's poster before); the abstract-only paper keeps the poster
    assert '<meta property="og:image" content="../images/figures/2410.00260.jpg">' in paper_page
    assert "images/figures" not in (out / "site" / "papers" / "2401.02954.html").read_text()
    assert "images/figures/" not in (out / "site" / "papers" / "2601.17668.html").read_text()
    newsletter_md = (out / "newsletters" / f"{DAY}.md").read_text()
    assert "[![Figure 1](../images/figures/2410.00260_thumb.jpg)](../images/figures/2410.00260.jpg)" in newsletter_md
    for page_file in (out / "newsletters" / f"{DAY}.html", out / "reports" / f"{DAY}.html"):
        assert len([s for s in _img_sources(page_file) if "/figures/" in s]) == 3
    assert assert_no_broken_image(out) >= 3 * 6


def test_a_missing_or_broken_figure_shows_nothing_and_is_tried_again_next_run(day_servers, tmp_path):
    env, answers = day_servers
    answers["x1.png"] = (404, "text/html", b"<h1>Not Found</h1>")  # 2512.14946 and 2601.19139
    answers["fig1_new.png"] = (200, "image/png", b"\x89PNG\r\n\x1a\n garbage")  # 2410.00260: not a picture
    out = tmp_path / "out"
    result = _run(env, out)
    assert result.exit_code == 0, result.output
    assert not list((out / "images" / "figures").glob("*.jpg")) if (out / "images" / "figures").exists() else True
    assert "figure of 2512.14946 not downloaded" in result.output
    assert "figure of 2410.00260 not shown" in result.output
    assert "/figures/" not in (out / "site" / "days" / f"{DAY}.html").read_text()
    assert_no_broken_image(out)
    answers.clear()  # arXiv serves them again: the next run fetches what failed
    db = sqlite3.connect(out / "hfdaily.db")
    db.execute("DELETE FROM figures WHERE data IS NOT NULL")  # (the garbage was stored: drop it as a user would)
    db.commit()
    assert _run(env, out).exit_code == 0
    assert sorted(p.name for p in (out / "images" / "figures").glob("*_thumb.jpg")) == [
        "2410.00260_thumb.jpg", "2512.14946_thumb.jpg", "2601.19139_thumb.jpg"]
    assert len(re.findall(r"_thumb\.jpg", (out / "site" / "days" / f"{DAY}.html").read_text())) == 3
    assert_no_broken_image(out)


def test_a_hanging_figure_server_never_blocks_the_day(day_servers, tmp_path):
    env, answers = day_servers
    release = threading.Event()
    answers["*"] = lambda path: release.wait(60) and None
    out = tmp_path / "out"
    started = time.monotonic()
    try:
        result = _run(env, out)
    finally:
        release.set()
    took = time.monotonic() - started
    assert result.exit_code == 0, result.output
    assert took < 45, took  # three figures of 2 s each at most, not the server's 60 s
    assert (out / "site" / "days" / f"{DAY}.html").is_file()
    assert "/figures/" not in (out / "newsletters" / f"{DAY}.html").read_text()
    assert_no_broken_image(out)


def test_the_stand_in_serves_real_pictures_for_the_recorded_figure_paths(fixtures_dir):
    import httpx

    with serve_arxiv(fixtures_dir) as url:
        for path in ("/html/2512.14946v1/x1.png", "/html/2410.00260v2/latex/fig1_new.png"):
            response = httpx.get(url + path)
            assert response.status_code == 200 and response.headers["content-type"] == "image/png"
            assert Image.open(io.BytesIO(response.content)).size == (900, 520)
        assert httpx.get(url + "/html/9999.99999v1/x1.png").status_code == 404  # no such page, no figure
    assert drawn_figure("/x.png")[:8] == b"\x89PNG\r\n\x1a\n"
    assert urlsplit(urljoin(url + "/html/2410.00260", "2410.00260v2/latex/fig1_new.png")).path == \
        "/html/2410.00260v2/latex/fig1_new.png"


def test_the_poster_shows_the_lead_papers_figure(tmp_path):
    from hfdaily.make.charts import draw_poster
    from hfdaily.make.fonts import find_cjk_font

    record = DayRecord.model_validate({"date": DAY, "papers": [
        {"paper": {"id": f"2601.0000{i}", "title": f"Paper {i}", "summary": "s", "authors": ["A"], "upvotes": 10 - i,
                   "published_at": "2026-01-29T00:00:00Z"},
         "figure": {"url": "https://arxiv.org/html/x.png", "label": "Figure 1"}} for i in range(1, 4)]})
    picture = tmp_path / "fig.jpg"
    Image.open(io.BytesIO(drawn_figure("/fig", (1200, 600)))).save(picture)
    font = find_cjk_font()
    plain = Image.open(draw_poster(record, tmp_path / "plain.png", font))
    with_figure = Image.open(draw_poster(record, tmp_path / "fig.png", font, figures={"2601.00001": picture}))
    assert with_figure.width == plain.width and with_figure.height > plain.height + 300
    assert Image.open(draw_poster(record, tmp_path / "other.png", font, figures={"2601.00002": picture})).height \
        == plain.height  # only the most upvoted paper's figure is drawn
    colours = with_figure.crop((0, 330, with_figure.width, 330 + 700)).getcolors(1 << 20)
    assert any(c[1] == (78, 121, 167) for c in colours)  # the figure's blue box is on the poster
