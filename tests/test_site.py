"""The reader's site built from real recorded days: pages, links, feeds, incremental rebuilds."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil

import feedparser
import pytest
from click.testing import CliRunner
from selectolax.lexbor import LexborHTMLParser as HTMLParser
from sitebuild import DAYS, SEED_DAY, SITE_URL, demo_site, write_days

from hfdaily.archive.record import load_record, record_path
from hfdaily.cli import cli
from hfdaily.make.formulas import to_plain
from hfdaily.make.render import bold
from hfdaily.publish.build import MANIFEST, build_site
from hfdaily.publish.catalog import field_slug
from hfdaily.text import plain


@pytest.fixture(scope="module")
def demo(tmp_path_factory, fixtures_dir, seeds_dir):
    out, report = demo_site(tmp_path_factory.getbasetemp(), fixtures_dir, seeds_dir)
    return out, report


def html(path):
    return HTMLParser(path.read_text(encoding="utf-8"))


def test_every_day_and_paper_has_its_page(demo):
    out, report = demo
    site = out / "site"
    assert report.days == len(DAYS) and not report.warnings
    for day in DAYS:
        record = load_record(record_path(out, day))
        page = html(site / "days" / f"{day}.html")
        ids = [a.attributes["id"] for a in page.css("article.paper")]
        # every paper of the day, most upvoted first
        assert sorted(ids) == sorted(e.paper.id for e in record.papers)
        upvotes = {e.paper.id: e.paper.upvotes for e in record.papers}
        assert [upvotes[i] for i in ids] == sorted(upvotes.values(), reverse=True)
        for entry in record.papers:
            assert (site / "papers" / f"{entry.paper.id}.html").exists()


def test_day_page_holds_newsletter_and_report(demo):
    out, _ = demo
    record = load_record(record_path(out, SEED_DAY))
    page = html(out / "site" / "days" / f"{SEED_DAY}.html")
    text = page.body.text()
    for entry in record.papers:
        card = page.css_first(f'article[id="{entry.paper.id}"]')
        assert entry.translation.title_zh in card.css_first("h3").text()
        assert card.css_first("h3 a").attributes["href"] == f"../papers/{entry.paper.id}.html"
        assert entry.translation.summary_zh in card.text()
        assert card.css_first("button.copy-bib") is not None  # builds the BibTeX from the card (tested in the browser)
        if entry.analysis:
            assert plain(entry.analysis.contribution) in card.css_first(".contrib").text()
            # analyse-v2: the analysis's **bold** is <strong>, and 处理流程 is a list of steps
            assert "**" not in card.css_first(".analysis").text()
            steps = entry.analysis.guide.process
            if len(steps) > 1:
                # formulas are MathML: the page shows the characters ("$K$" → "K")
                assert [li.text() for li in card.css(".analysis ol.steps li")] == [to_plain(plain(step)) for step in steps]
            labels = [dt_.text() for dt_ in card.css(".analysis dt")]
            assert labels == ["应用领域", "一句话核心贡献", "使用指南", "主要创新点", "实验效果"]
        if entry.paper.github_repo:
            code = [a for a in card.css(".links a") if a.attributes["href"] == entry.paper.github_repo]
            assert code and (not entry.paper.github_stars or str(entry.paper.github_stars) in code[0].text())
    assert sum(1 for e in record.papers if e.analysis) == len(page.css("details.analysis")) > 0
    # the broadcast with its subtitles, served from the site's own folder
    audio = page.css_first("audio")
    assert audio.attributes["src"] == f"../audio/{SEED_DAY}.mp3"
    assert page.css_first("audio track").attributes["src"] == f"../audio/{SEED_DAY}.vtt"
    assert (out / "site" / "audio" / f"{SEED_DAY}.vtt").read_text(encoding="utf-8").startswith("WEBVTT")
    # previous/next day, and the share card shows the poster
    assert page.css_first('a[rel="prev"]').attributes["href"] == "2026-01-19.html"
    assert page.css_first('a[rel="next"]').attributes["href"] == "2026-01-21.html"
    assert page.css_first('meta[property="og:image"]').attributes["content"] == f"{SITE_URL}images/{SEED_DAY}_poster.png"
    assert (out / "site" / "images" / f"{SEED_DAY}_poster.png").stat().st_size > 10_000
    assert "本期未翻译" not in text


def test_paper_page_shows_its_bibtex(demo):
    out, _ = demo
    page = html(out / "site" / "papers" / "2601.10387.html")
    assert page.css_first("pre.bibtex").text() == (
        "@misc{lu2026assistant,\n  title={The Assistant Axis: Situating and Stabilizing the Default Persona of Language Models},\n"
        "  author={Christina Lu and Jack Gallagher and Jonathan Michala and Kyle Fish and Jack Lindsey},\n  year={2026},\n"
        "  eprint={2601.10387},\n  archivePrefix={arXiv},\n  url={https://arxiv.org/abs/2601.10387}\n}")


def test_paper_listed_on_two_days_names_both(demo):
    out, _ = demo
    page = html(out / "site" / "papers" / "2604.07429.html")
    days = [a.attributes["href"] for a in page.css('a[href^="../days/"]')]
    assert days == ["../days/2026-04-10.html", "../days/2026-04-16.html"]


def test_field_and_org_pages_list_their_papers(demo):
    out, _ = demo
    site = out / "site"
    record = load_record(record_path(out, SEED_DAY))
    for entry in record.papers:
        for name in entry.fields or []:
            assert entry.paper.id in (site / "fields" / f"{field_slug(name)}.html").read_text(encoding="utf-8")
    agents = html(site / "fields" / "agents.html")
    titles = [a.text() for a in agents.css("article.paper h3 a")]
    assert "ABC-Bench：面向现实世界开发的智能体后端编码基准测试" in titles
    org_links = html(site / "index.html").css('a[href^="orgs/"]')
    assert org_links
    first = org_links[0]
    name = first.text().rsplit(" · ", 1)[0]
    org_page = html(site / first.attributes["href"])
    assert org_page.css("article.paper") and all(a.attributes["data-org"] == name for a in org_page.css("article.paper"))


def test_home_has_latest_day_calendar_and_stats(demo):
    out, _ = demo
    page = html(out / "site" / "index.html")
    assert page.css_first("h1").text() == f"{DAYS[-1]} 论文日报"
    links = {a.attributes["href"] for a in page.css("table.cal a")}
    # every day, and the week and month that have an edition (sitebuild.EDITIONS)
    assert links == {f"days/{d}.html" for d in DAYS} | {"weekly/2026-W04.html", "monthly/2026-01.html"}
    captions = [c.text() for c in page.css("table.cal caption")]
    assert captions[0].startswith("2026 年 4 月") and captions[-1].startswith("2025 年 12 月")


def test_links_are_relative_and_resolve(demo):
    """Relative links only: the site works from file:// and under a GitHub Pages sub-path."""
    out, _ = demo
    site = out / "site"
    pages = [site / "index.html", site / "search.html", *sorted((site / "days").glob("*.html")),
             *sorted((site / "papers").glob("*.html"))[:40], *sorted((site / "fields").glob("*.html")),
             *sorted((site / "orgs").glob("*.html"))[:20], *sorted((site / "weekly").glob("*.html")),
             *sorted((site / "monthly").glob("*.html"))]
    for path in pages:
        for node in html(path).css("a[href], img[src], audio[src], track[src], link[href], script[src]"):
            url = node.attributes.get("href") or node.attributes.get("src")
            if re.match(r"https?://|#", url):
                continue
            assert not url.startswith("/"), f"{path.name}: {url}"
            target = (path.parent / url.split("#")[0].split("?")[0]).resolve()
            assert target.exists(), f"{path.relative_to(site)} links to missing {url}"


def test_pages_are_accessible_by_structure(demo):
    """Landmarks, one h1, a skip link, alt text, lang: what screen readers and keyboards need."""
    out, _ = demo
    site = out / "site"
    for path in [site / "index.html", site / "search.html", site / "days" / f"{SEED_DAY}.html",
                 site / "papers" / "2601.10387.html", site / "fields" / "agents.html"]:
        page = html(path)
        assert page.css_first("html").attributes["lang"] == "zh-CN"
        assert len(page.css("h1")) == 1, path.name
        assert page.css_first("a.skip").attributes["href"] == "#main" and page.css_first("main#main")
        assert all(img.attributes.get("alt") is not None for img in page.css("img")), path.name
        assert all(b.attributes.get("type") == "button" or b.attributes.get("type") == "submit" for b in page.css("button"))
    calendar = html(site / "index.html").css_first("table.cal")
    assert calendar.css_first("caption") and calendar.css_first('th[scope="col"]')


def test_no_hotlinked_assets(demo):
    out, _ = demo
    for path in [out / "site" / "index.html", out / "site" / "days" / f"{SEED_DAY}.html"]:
        for node in html(path).css("img[src], script[src], link[rel=stylesheet], link[rel=icon], audio[src]"):
            assert not re.match(r"https?://", node.attributes.get("src") or node.attributes.get("href"))


def test_feeds_parse_cleanly_with_full_content(demo):
    out, _ = demo
    site = out / "site"
    feed = feedparser.parse((site / "feed.xml").read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    assert [e.link for e in feed.entries][:2] == [f"{SITE_URL}days/{DAYS[-1]}.html", f"{SITE_URL}days/{DAYS[-2]}.html"]
    seed = next(e for e in feed.entries if e.link.endswith(f"{SEED_DAY}.html"))
    content = seed.content[0].value
    record = load_record(record_path(out, SEED_DAY))
    analysed = next(e for e in record.papers if e.analysis)
    for needle in (analysed.translation.title_zh, analysed.translation.summary_zh[:40],
                   str(bold(analysed.analysis.contribution))[:40],  # its **bold** as <strong>
                   f"{SITE_URL}papers/{analysed.paper.id}.html", analysed.paper.arxiv_url):
        assert needle in content
    field_feeds = sorted((site / "feeds").glob("*.xml"))
    assert {p.stem for p in field_feeds} >= {"agents", "llm"}
    for path in field_feeds:
        parsed = feedparser.parse(path.read_bytes())
        assert not parsed.bozo, (path.name, parsed.get("bozo_exception"))
        assert parsed.entries and all(e.link.startswith(f"{SITE_URL}papers/") for e in parsed.entries)
    podcast = feedparser.parse((site / "podcast.xml").read_bytes())
    assert not podcast.bozo, podcast.get("bozo_exception")
    (episode,) = podcast.entries
    enclosure = episode.enclosures[0]
    assert enclosure.href == f"{SITE_URL}audio/{SEED_DAY}.mp3" and enclosure.type == "audio/mpeg"
    assert int(enclosure.length) == (site / "audio" / f"{SEED_DAY}.mp3").stat().st_size
    assert int(episode.itunes_duration) > 10
    assert podcast.feed.image.href == f"{SITE_URL}static/cover.png"
    raw = (site / "podcast.xml").read_text(encoding="utf-8")  # the tags Apple Podcasts requires
    for tag in ("<itunes:explicit>no</itunes:explicit>", '<itunes:category text="Science"', "<itunes:author>hfdaily<",
                f'<itunes:image href="{SITE_URL}static/cover.png"', "<language>zh-CN</language>"):
        assert tag in raw
    assert (site / "static" / "cover.png").exists()


def test_without_site_url_feeds_are_not_written_and_it_says_why(tmp_path, fixtures_dir, seeds_dir):
    write_days(tmp_path, fixtures_dir, seeds_dir, DAYS[:2])
    result = CliRunner().invoke(cli, ["publish", "--out", str(tmp_path)], env={"HFDAILY_SITE_URL": ""})
    assert result.exit_code == 0, result.output
    assert "HFDAILY_SITE_URL" in result.output and "feeds not written" in result.output
    assert not (tmp_path / "site" / "feed.xml").exists() and (tmp_path / "site" / "index.html").exists()


def test_publish_without_data_is_a_clear_error(tmp_path):
    result = CliRunner().invoke(cli, ["publish", "--out", str(tmp_path / "nothing")])
    assert result.exit_code == 2 and "run `hfdaily run` first" in result.output


def test_damaged_record_is_a_clear_error_naming_it(tmp_path, fixtures_dir, seeds_dir):
    write_days(tmp_path, fixtures_dir, seeds_dir, DAYS[:2])
    assert CliRunner().invoke(cli, ["publish", "--out", str(tmp_path)]).exit_code == 0
    before = (tmp_path / "site" / "index.html").read_bytes()
    (tmp_path / "data" / "2026-01-19.json").write_text('{"date": "2026-01-19", "papers": [{"paper": 1}]}')
    result = CliRunner().invoke(cli, ["publish", "--out", str(tmp_path)])
    assert result.exit_code == 1 and "2026-01-19.json" in result.output and "Traceback" not in result.output
    assert (tmp_path / "site" / "index.html").read_bytes() == before  # the published site is left as it was


def _mtimes(site):
    return {p.relative_to(site).as_posix(): p.stat().st_mtime_ns for p in site.rglob("*.html")}


def test_adding_a_day_rebuilds_only_that_day_its_neighbours_and_listings(tmp_path, fixtures_dir, seeds_dir):
    first = [dt.date(2026, 4, 10), dt.date(2026, 4, 13), dt.date(2026, 4, 14)]
    write_days(tmp_path, fixtures_dir, seeds_dir, first)
    full = build_site(tmp_path, site_url=SITE_URL)
    assert full.search.startswith("all")
    site = tmp_path / "site"
    before = _mtimes(site)

    again = build_site(tmp_path, site_url=SITE_URL)
    assert again.rendered == again.listings == again.written == 0 and again.search == "unchanged"

    new_day = dt.date(2026, 4, 16)  # lists 2604.07429 again (first listed 2026-04-10)
    write_days(tmp_path, fixtures_dir, seeds_dir, [new_day])
    added = build_site(tmp_path, site_url=SITE_URL)
    new_papers = load_record(record_path(tmp_path, new_day)).papers
    # the new day, its neighbour (2026-04-14 gains a "next" link), one page per new paper, and the
    # pages of the older papers whose 相关论文 the new papers entered
    assert added.relinked >= {e.paper.id for e in new_papers}
    assert added.rendered == 2 + len(added.relinked)
    # only the field and organisation pages that gained a paper (each fits one page here)
    touched = {("field", f) for e in new_papers for f in e.fields} | {("org", e.paper.organization)
                                                                    for e in new_papers if e.paper.organization}
    assert added.listings == len(touched)
    after = _mtimes(site)
    changed = {p for p in before if after[p] != before[p]}
    assert {"days/2026-04-14.html", "papers/2604.07429.html", "index.html"} <= changed
    assert "days/2026-04-10.html" not in changed and "days/2026-04-13.html" not in changed
    untouched_papers = [p for p in before if p.startswith("papers/") and p != "papers/2604.07429.html"
                        and p[len("papers/"):-len(".html")] not in added.relinked]
    assert all(after[p] == before[p] for p in untouched_papers)  # (a small archive: most lists change)
    assert added.search.startswith("recent") and f"({len(new_papers) - 1} papers" in added.search
    manifest = json.loads((site / MANIFEST).read_text(encoding="utf-8"))
    assert manifest["search"]["cutoff"] == "2026-04-14"

    # an old day changes (a late translation): its pages and the whole index are rebuilt
    old = load_record(record_path(tmp_path, first[0]))
    old.papers[0].paper.upvotes += 1
    from hfdaily.archive.record import save_record
    save_record(tmp_path, old)
    changed_old = build_site(tmp_path, site_url=SITE_URL)
    assert changed_old.search.startswith("all") and changed_old.rendered >= 2

    # a day removed from the archive: its page goes too
    (tmp_path / "data" / f"{new_day}.json").unlink()
    removed = build_site(tmp_path, site_url=SITE_URL)
    assert not (site / "days" / f"{new_day}.html").exists() and removed.removed >= 1


def test_template_change_rebuilds_every_page(tmp_path, fixtures_dir, seeds_dir, monkeypatch):
    write_days(tmp_path, fixtures_dir, seeds_dir, DAYS[:2])
    build_site(tmp_path, with_search=False)
    from hfdaily.publish import pages

    monkeypatch.setattr(pages, "template_version", lambda: "another-version")
    report = build_site(tmp_path, with_search=False)
    papers = sum(len(load_record(record_path(tmp_path, d)).papers) for d in DAYS[:2])
    assert report.rendered == 2 + papers


def test_site_folder_deploys_alone(demo, tmp_path):
    """Copying OUT/site elsewhere keeps every picture and sound (hard links or copies, not links out)."""
    out, _ = demo
    copy = tmp_path / "deployed"
    shutil.copytree(out / "site", copy)
    assert (copy / "audio" / f"{SEED_DAY}.mp3").stat().st_size > 1000
    assert not any(p.is_symlink() for p in copy.rglob("*"))


def test_empty_archive_builds_a_home_that_says_what_to_do(tmp_path):
    (tmp_path / "data").mkdir()
    report = build_site(tmp_path, with_search=False)
    assert report.days == 0
    assert "hfdaily run" in (tmp_path / "site" / "index.html").read_text(encoding="utf-8")


def test_serve_needs_a_built_site(tmp_path):
    result = CliRunner().invoke(cli, ["serve", "--out", str(tmp_path)])
    assert result.exit_code == 2 and "hfdaily publish" in result.output


def test_serve_answers_under_a_sub_path_only(demo):
    import threading
    import urllib.error
    import urllib.request

    from hfdaily.publish.serve import make_server

    out, _ = demo
    server = make_server(out / "site", 0, "/hfdaily/")
    threading.Thread(target=server.serve_forever, daemon=True).start()
    root = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        with urllib.request.urlopen(f"{root}/hfdaily/audio/{SEED_DAY}.vtt") as answer:
            assert answer.headers["Content-Type"].startswith("text/vtt")
        with pytest.raises(urllib.error.HTTPError) as missing:
            urllib.request.urlopen(f"{root}/index.html")
        assert missing.value.code == 404
    finally:
        server.shutdown()
        server.server_close()
