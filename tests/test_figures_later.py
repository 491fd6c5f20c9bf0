"""Key figures beyond the day's own pages: the index knows which papers have one (list rows show its
thumbnail), `render` makes missing figure files again from the store without the network, and papers
analysed before key figures existed get theirs in a one-time pass. On the recorded full-text day."""

from __future__ import annotations

import re
import shutil
import sqlite3
import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from click.testing import CliRunner
from test_figures import DAY, _run, assert_no_broken_image, day_servers  # noqa: F401  (a fixture)

from hfdaily.archive.index import Index
from hfdaily.cli import cli
from hfdaily.models import DayRecord

WITH_FIGURE = {"2601.19139", "2512.14946", "2410.00260"}  # the day's papers with an HTML full text
GONE = "2401.02954"  # read from its abstract page; the stand-in has no HTML page for it


def _rows(page: str) -> dict[str, str]:
    """paper id → the HTML of its row, for the rows (index-based lists) of a page."""
    rows = {}
    for li in re.findall(r"<li><article.*?</article></li>", page, re.S):
        rows[re.search(r'papers/([\w.]+)\.html', li).group(1)] = li
    return rows


def _thumb(row: str) -> str | None:
    found = re.search(r'<img src="[./]*images/figures/([\w.]+)_thumb\.jpg"[^>]*loading="lazy"', row)
    return found.group(1) if found else None


def test_list_rows_from_the_index_show_lazy_thumbnails_of_papers_with_a_figure(day_servers, tmp_path):
    env, _ = day_servers
    out = tmp_path / "out"
    assert _run(env, out).exit_code == 0
    with Index.open(out) as index:
        labels = {r.paper_id: r.figure for r in index.papers()}
    assert {pid for pid, label in labels.items() if label} == WITH_FIGURE
    assert labels["2410.00260"] == "Figure 1" and labels["2401.02954"] is None
    site = out / "site"
    seen: set[str] = set()
    listings = [*site.glob("fields/*.html"), *site.glob("orgs/*.html")]
    assert listings
    for page_file in listings:
        for pid, row in _rows(page_file.read_text(encoding="utf-8")).items():
            assert (_thumb(row) == pid) == (pid in WITH_FIGURE), (page_file.name, pid)
            seen.add(pid)
    assert WITH_FIGURE <= seen  # every paper with a figure is in some listing, with its thumbnail
    home = _rows((site / "index.html").read_text(encoding="utf-8"))
    assert {pid for pid, row in home.items() if _thumb(row)} == WITH_FIGURE & set(home)
    assert WITH_FIGURE & set(home)
    assert_no_broken_image(out)


def test_an_index_made_before_figures_learns_them_at_the_next_open(day_servers, tmp_path):
    """The migration fills the new column from the records (the truth), without `hfdaily index`."""
    env, _ = day_servers
    out = tmp_path / "out"
    assert _run(env, out).exit_code == 0
    db = sqlite3.connect(out / "hfdaily.db")  # the index as the release before this one left it
    db.execute("ALTER TABLE papers DROP COLUMN figure")
    db.execute("DELETE FROM _migrations WHERE name = 'hfdaily:m006_papers_figure'")
    db.commit()
    db.close()
    with Index.open(out) as index:
        index.refresh()
        assert {r.paper_id for r in index.papers() if r.figure} == WITH_FIGURE


def test_render_makes_missing_figure_files_again_from_the_store_without_the_network(day_servers, tmp_path):
    env, answers = day_servers
    out = tmp_path / "out"
    assert _run(env, out).exit_code == 0
    made = {p.name: p.read_bytes() for p in (out / "images" / "figures").glob("*.jpg")}
    assert len(made) == 2 * len(WITH_FIGURE)
    asked: list[str] = []
    answers["*"] = lambda path: asked.append(path) or (500, "text/plain", b"rendering must not ask")
    for args in (["--date", DAY], ["--all"]):
        shutil.rmtree(out / "images" / "figures")
        result = CliRunner().invoke(cli, ["render", "--out", str(out), "-q", "--no-audio", *args], env=env)
        assert result.exit_code == 0, result.output
        assert {p.name: p.read_bytes() for p in (out / "images" / "figures").glob("*.jpg")} == made, args
    assert asked == []
    newsletter = (out / "newsletters" / f"{DAY}.html").read_text(encoding="utf-8")
    assert len(re.findall(r'<img[^>]+src="[^"]*/figures/', newsletter)) == len(WITH_FIGURE)
    assert_no_broken_image(out)


@contextmanager
def _refusing_arxiv():
    """arXiv refusing us (HTTP 403, as it answers a blocked client), counting the requests."""
    asked: list[str] = []

    class Refuse(BaseHTTPRequestHandler):
        def do_GET(self):
            asked.append(self.path)
            self.send_response(403)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Refuse)
    server.request_queue_size = 64
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", asked
    finally:
        server.shutdown()
        server.server_close()


def _enrich(env: dict, out: Path):
    result = CliRunner().invoke(cli, ["enrich", "--out", str(out), "--date", DAY], env=env)
    assert result.exit_code == 0, result.output
    return result


def test_papers_analysed_before_key_figures_get_theirs_once_without_an_llm_call(day_servers, tmp_path):
    env, _ = day_servers
    out = tmp_path / "out"
    assert _run(env, out).exit_code == 0
    _forget_figures(out)
    # and one paper read from an HTML page arXiv no longer serves (404): nothing found, remembered too
    record = _record(out)
    record.entry(GONE).read_source = "HTML"
    (out / "data" / f"{DAY}.json").write_text(record.model_dump_json(indent=2), encoding="utf-8")
    calls = _llm_calls(out)
    with _refusing_arxiv() as (refusing_url, asked):  # arXiv down: each failure is said and kept for the next run
        result = _enrich(env | {"HFDAILY_ARXIV_URL": refusing_url}, out)
        assert sorted(asked) == sorted(f"/html/{pid}" for pid in WITH_FIGURE | {GONE})  # only the HTML papers' pages
        assert all(f"figure of {pid}: its page could not be read" in result.output for pid in WITH_FIGURE)
        record = _record(out)
        assert not any(e.figure for e in record.papers)
    result = _enrich(env, out)  # arXiv back: the failed pages are read again
    record = _record(out)
    assert {e.paper.id for e in record.papers if e.figure} == WITH_FIGURE
    big = record.entry("2410.00260")
    assert big.figure.url.endswith("/html/2410.00260v2/latex/fig1_new.png")
    assert big.figure_caption == big.figure.caption and big.figure_caption.startswith("DoPAMine")  # English
    assert _llm_calls(out) == calls  # no analysis call was made (the fake's one failing translation is retried)
    assert sorted(p.name for p in (out / "images" / "figures").glob("*_thumb.jpg")) == sorted(
        f"{pid}_thumb.jpg" for pid in WITH_FIGURE)
    with _refusing_arxiv() as (refusing_url, asked):  # done once: never read again for this
        _enrich(env | {"HFDAILY_ARXIV_URL": refusing_url}, out)
        assert asked == []
    assert _run(env, out).exit_code == 0  # the pages show them
    day_page = (out / "site" / "days" / f"{DAY}.html").read_text(encoding="utf-8")
    assert len(re.findall(r"_thumb\.jpg", day_page)) == len(WITH_FIGURE)
    assert_no_broken_image(out)


def _record(out: Path) -> DayRecord:
    return DayRecord.model_validate_json((out / "data" / f"{DAY}.json").read_text(encoding="utf-8"))


def _llm_calls(out: Path) -> int:
    with sqlite3.connect(out / "hfdaily.db") as db:
        return db.execute("SELECT COUNT(*) FROM llm_calls WHERE task = 'analyse'").fetchone()[0]


def _forget_figures(out: Path) -> None:
    """The day as a release before key figures left it: analysed from the HTML, no figure anywhere."""
    path = out / "data" / f"{DAY}.json"
    record = DayRecord.model_validate_json(path.read_text(encoding="utf-8"))
    for entry in record.papers:
        entry.figure = None
        if entry.analysis is not None:  # analysed with the prompt that had no caption field
            entry.analysis.figure_caption = None
    path.write_text(record.model_dump_json(indent=2), encoding="utf-8")
    db = sqlite3.connect(out / "hfdaily.db")
    db.execute("DROP TABLE figures")
    db.execute("DROP TABLE figure_pass")
    db.execute("DELETE FROM _migrations WHERE name LIKE 'figures:%'")
    db.execute("UPDATE documents SET document = json_remove(document, '$.figure')")
    db.commit()
    db.close()
    shutil.rmtree(out / "images" / "figures")
