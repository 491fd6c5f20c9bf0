"""Nothing breaks it, part two (issue 18): what a second red-team round broke, each on a fresh OUT
with crafted entries built from a real recorded day (2026-01-20, four papers) served by the local
HF stand-in, run through the CLI as a user would."""

from __future__ import annotations

import copy
import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner
from standins import standins

from hfdaily.cli import cli
from hfdaily.models import MAX_AUTHORS, MAX_COUNT, MAX_KEYWORDS, MAX_NAME_CHARS, MAX_TITLE_CHARS, DayRecord

DAY = "2026-01-20"
QUICK = ("--no-pictures", "--no-audio")


@pytest.fixture
def real_day(fixtures_dir) -> list[dict]:
    return json.loads((fixtures_dir / "hf_daily_papers" / f"{DAY}.json").read_text())


@pytest.fixture
def servers(fixtures_dir, tmp_path):
    with standins(fixtures_dir, tmp_path, HFDAILY_HF_RETRIES="0") as served:
        yield served


def run(env: dict, out: Path, *args: str, date: str = DAY, command: str = "run"):
    result = CliRunner().invoke(cli, [command, "--out", str(out), "-q", "--date", date, *args], env=env)
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    assert "Traceback" not in result.output
    return result


def record(out: Path, day: str = DAY) -> DayRecord:
    return DayRecord.model_validate_json((out / "data" / f"{day}.json").read_text())


# --- 1. every field bounded at the door -----------------------------------------------------------


def test_giant_fields_are_cut_at_the_door_and_the_pictures_are_drawn(servers, tmp_path, real_day):
    hf, llm, env = servers
    day = copy.deepcopy(real_day)
    paper = day[0]["paper"]
    paper["title"] = "Giant " + "T" * 1_000_000  # one 1 MB word: PIL's "too many characters in string"
    paper["authors"] = [{"name": "A" * 100_000}] * 2 + [{"name": f"Author {i}"} for i in range(2000)]
    paper["organization"] = {"fullname": "O" * 100_000}
    paper["ai_keywords"] = ["K" * 100_000] + [f"keyword {i}" for i in range(1000)]
    hf.days[DAY] = day
    out = tmp_path / "out"
    result = run(env, out, "--no-audio", "--no-llm")
    assert result.exit_code == 0, result.output
    assert "title of 1000006 characters was cut to 500" in result.output
    kept = record(out).entry(paper["id"]).paper
    assert len(kept.title) == MAX_TITLE_CHARS and kept.title.startswith("Giant T")
    assert len(kept.authors) == MAX_AUTHORS and max(map(len, kept.authors)) == MAX_NAME_CHARS
    assert len(kept.organization) == MAX_NAME_CHARS
    assert len(kept.ai_keywords) == MAX_KEYWORDS and max(map(len, kept.ai_keywords)) <= 100
    for picture in ("wordcloud", "poster"):
        assert (out / "images" / f"{DAY}_{picture}.png").stat().st_size > 10_000


# --- 2. every number from outside in a range ------------------------------------------------------


def test_a_huge_or_negative_count_is_held_in_range_and_published(servers, tmp_path, real_day):
    hf, llm, env = servers
    day = copy.deepcopy(real_day)
    day[0]["paper"]["upvotes"] = 10**30
    day[1]["numComments"] = -(10**25)
    day[2]["paper"]["githubStars"] = 10**40
    hf.days[DAY] = day
    out = tmp_path / "out"
    result = run(env, out, *QUICK, "--no-llm")
    assert result.exit_code == 0, result.output
    papers = {e.paper.id: e.paper for e in record(out).papers}
    assert papers[day[0]["paper"]["id"]].upvotes == MAX_COUNT
    assert papers[day[1]["paper"]["id"]].num_comments == 0
    assert papers[day[2]["paper"]["id"]].github_stars == MAX_COUNT
    con = sqlite3.connect(out / "hfdaily.db")
    assert con.execute("SELECT MAX(upvotes) FROM papers").fetchone()[0] == MAX_COUNT
    con.close()
    assert (out / "site" / "papers" / f"{day[0]['paper']['id']}.html").is_file()


# --- 9. the podcast's <description> is text, never live HTML -------------------------------------


def test_podcast_description_holds_text_not_html():
    import datetime as dt
    import xml.etree.ElementTree as ET
    from html.parser import HTMLParser

    from hfdaily.publish.podcast import Episode, podcast_feed

    hostile = 'Agents <script>alert(1)</script><img src=x onerror="alert(2)"> & more'
    rss = podcast_feed([Episode(dt.date(2026, 1, 20), "audio/2026-01-20.mp3", 1000, 60, hostile)],
                       "https://example.org/hfdaily/", "")
    description = ET.fromstring(rss).find("channel/item/description").text  # what a reader renders as HTML

    class Tags(HTMLParser):
        def __init__(self):
            super().__init__()
            self.tags, self.text = [], ""

        def handle_starttag(self, tag, attrs):
            self.tags.append(tag)

        def handle_data(self, data):
            self.text += data

    rendered = Tags()
    rendered.feed(description)
    rendered.close()
    assert rendered.tags == [] and rendered.text == hostile  # the reader shows the title as written


# --- 10. OUT must be a new, empty or hfdaily folder -----------------------------------------------


def test_out_is_refused_when_it_is_root_home_or_someone_elses_folder(servers, tmp_path):
    hf, llm, env = servers
    home = tmp_path / "home"
    (home / "Documents").mkdir(parents=True)
    env = env | {"HOME": str(home)}
    others = tmp_path / "project"
    (others / "src").mkdir(parents=True)
    (others / "README.md").write_text("someone else's project\n")
    ours = {"data", "site", "hfdaily.db", ".hfdaily", ".hfdaily.lock", ".gitignore", "newsletters", "index.html"}
    for out, says in ((Path("/"), "filesystem root"), (home, "home folder"), (others, "holds other files")):
        result = run(env, out, *QUICK, "--no-llm")
        assert result.exit_code == 2 and says in result.output and "--force" in result.output, result.output
    for folder in (Path("/"), home, others):  # nothing written (a library's ~/.cache is not ours)
        assert not ours & {x.name for x in folder.iterdir()}, folder
    assert hf.requests == []  # refused before anything was fetched
    # A step command refuses it the same way; --force is the deliberate way in.
    assert CliRunner().invoke(cli, ["fetch", "--out", str(others), "--date", DAY], env=env).exit_code == 2
    assert run(env, others, *QUICK, "--no-llm", "--force").exit_code == 0
    assert (others / "data" / f"{DAY}.json").is_file() and (others / ".hfdaily").is_file()
    assert run(env, others, *QUICK, "--no-llm").exit_code == 0  # now marked as hfdaily's: no --force needed


def test_an_out_made_by_an_earlier_version_keeps_working(servers, tmp_path):
    hf, llm, env = servers
    out = tmp_path / "out"
    assert run(env, out, *QUICK, "--no-llm").exit_code == 0
    (out / ".hfdaily").unlink()  # what an earlier version left: data/, the store, the site, no marker
    assert run(env, out, *QUICK, "--no-llm", date="2026-01-21").exit_code == 0
    assert (out / ".hfdaily").is_file()
    fresh_empty = tmp_path / "empty"
    fresh_empty.mkdir()
    assert run(env, fresh_empty, *QUICK, "--no-llm").exit_code == 0


# --- 6. configured secrets never stored from outside -----------------------------------------------

LLM_KEY = "sk-live-9f8e7d6c5b4a39f8e7d6"
CHANNEL_TOKEN = "chanTok3n0a1b2c3d4e5"


def test_a_secret_echoed_by_the_model_is_scrubbed_before_it_is_stored(fixtures_dir, tmp_path):
    from standins import standin_env

    from hfdaily.testing.arxiv_server import serve_arxiv
    from hfdaily.testing.fake_llm import FakeLLM
    from hfdaily.testing.hf_server import FakeHF

    class Echoing(FakeLLM):  # a model (or a proxy) that repeats what it was configured with
        def _reply(self, body: dict, text: str) -> dict:
            leak = f"（密钥 {LLM_KEY}，Bearer {LLM_KEY}，webhook {CHANNEL_TOKEN}）"
            for field in ('"title_zh": "', '"summary_zh": "', '"contribution": "', '"field": "'):
                text = text.replace(field, field + leak, 1)
            return super()._reply(body, text)

    hf, llm = FakeHF(fixtures_dir / "hf_daily_papers"), Echoing()
    with hf.serve() as hf_url, llm.serve() as llm_url, serve_arxiv(fixtures_dir) as arxiv_url:
        env = standin_env(tmp_path, hf_url, llm_url, HFDAILY_ARXIV_URL=arxiv_url, HFDAILY_LLM_API_KEY=LLM_KEY,
                          HFDAILY_SITE_URL="https://reader.example.org/hfdaily/",
                          HFDAILY_NOTIFY=f"team=json://127.0.0.1:9/hooks/{CHANNEL_TOKEN}")
        out = tmp_path / "out"
        result = run(env, out, *QUICK, "--no-notify")
    assert result.exit_code == 0, result.output
    assert llm.requests >= 8
    entry = record(out).papers[0]
    assert "密钥 ***" in entry.translation.title_zh and "webhook ***" in entry.analysis.contribution
    files = [p for p in out.rglob("*") if p.is_file()]
    assert len(files) > 20
    for path in files:  # the record, pages, feeds, stats, search index, the store's cache and call log
        data = path.read_bytes()
        for secret in (LLM_KEY, CHANNEL_TOKEN):
            assert secret.encode() not in data, f"{secret} in {path.relative_to(out)}"


# --- 3. a full disk fails the run, and the search index is never left half-written ------------------


@pytest.fixture
def small_disk(tmp_path):
    """A small file system (tmpfs, 12 MB: a day with its site fits, with room to spare once the ballast is gone), as the red team's full-disk OUT."""
    import os
    import subprocess

    mount = tmp_path / "small"
    mount.mkdir()
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=12m", "tmpfs", str(mount)],
                                           capture_output=True).returncode != 0:
        pytest.skip("needs root and a tmpfs mount to make a full disk")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], capture_output=True)


def _fill(disk: Path, leave_kib: int) -> Path:
    import os

    stat = os.statvfs(disk)
    ballast = disk / "ballast"
    ballast.write_bytes(b"x" * max(0, stat.f_bavail * stat.f_frsize - leave_kib * 1024))
    return ballast


def _search_files(out: Path) -> dict[str, int]:
    return {p.relative_to(out).as_posix(): p.stat().st_size
            for p in (out / "site").rglob("*") if p.is_file() and p.relative_to(out / "site").parts[0].startswith("pagefind")}


def test_a_full_disk_fails_the_run_keeps_the_last_search_index_and_publish_repairs(servers, small_disk):
    hf, llm, env = servers
    out = small_disk / "out"
    assert run(env, out, *QUICK, "--no-llm").exit_code == 0
    good = _search_files(out)
    assert good and min(good.values()) > 0
    ballast = _fill(small_disk, 1000)  # room for the day and its pages, not for Pagefind's bundle
    result = run(env, out, *QUICK, "--no-llm", date="2026-01-21")
    assert result.exit_code != 0 and "search index" in result.output and "not written whole" in result.output, result.output
    assert _search_files(out) == good  # the last good index, whole, still serves
    ballast.unlink()  # space freed: publish makes the index whole, with the new day
    published = CliRunner().invoke(cli, ["publish", "--out", str(out), "-q"], env=env)
    assert published.exit_code == 0, published.output
    after = _search_files(out)
    assert after and min(after.values()) > 0 and after != good


# --- 4. publish repairs what is damaged on disk ---------------------------------------------------------


def test_publish_rewrites_site_files_that_are_missing_empty_or_changed(servers, tmp_path):
    hf, llm, env = servers
    out = tmp_path / "out"
    assert run(env, out, *QUICK, "--no-llm").exit_code == 0
    site = out / "site"
    index_file = next((site / "pagefind" / "index").glob("*.pf_index"))
    paper = next((site / "papers").glob("*.html"))
    whole = {p: p.read_bytes() for p in (site / "pagefind" / "pagefind.js", index_file, paper, site / "index.html",
                                           site / "static" / "site.css" if (site / "static" / "site.css").exists()
                                           else next((site / "static").glob("*.css")))}
    damaged = list(whole)
    damaged[0].write_bytes(b"")  # truncated to nothing
    damaged[1].write_bytes(whole[damaged[1]][:10])  # truncated
    damaged[2].write_bytes(whole[damaged[2]].replace(b"<h1", b"<h2", 1))  # same size, other bytes
    damaged[3].unlink()  # missing
    damaged[4].write_bytes(b"x" * len(whole[damaged[4]]))  # same size, garbage
    published = CliRunner().invoke(cli, ["publish", "--out", str(out), "-q"], env=env)
    assert published.exit_code == 0, published.output
    for path, data in whole.items():
        assert path.read_bytes() == data, path.relative_to(site)
    again = CliRunner().invoke(cli, ["publish", "--out", str(out), "-q"], env=env)  # nothing damaged: nothing written
    assert again.exit_code == 0 and "index.html" not in again.output


# --- 7. SIGTERM / Ctrl-C while LLM calls hang --------------------------------------------------------


@pytest.mark.parametrize("signum, code", [(15, 143), (2, 130)])
def test_a_signal_cancels_hanging_llm_calls_at_once(fixtures_dir, tmp_path, signum, code):
    import os
    import signal
    import subprocess
    import sys
    import time

    from standins import standin_env, wait_for_requests

    from hfdaily.testing.fake_llm import FakeLLM
    from hfdaily.testing.hf_server import FakeHF

    class Hanging(FakeLLM):  # answers the first papers, then hangs on every call (a model that stalls)
        def answer(self, body: dict, fault: str | None = None) -> dict:
            if self.requests > 3:
                time.sleep(120)
            return super().answer(body, fault)

    llm, out = Hanging(), tmp_path / "out"
    with FakeHF(fixtures_dir / "hf_daily_papers").serve() as hf_url, llm.serve() as llm_url:
        env = os.environ | standin_env(tmp_path, hf_url, llm_url, HFDAILY_LLM_API_KEY="test",
                                       HFDAILY_LLM_CONCURRENCY="4")
        proc = subprocess.Popen([sys.executable, "-m", "hfdaily", "run", "--out", str(out), "-q", "--date", "2025-09-30",
                                 "--no-analysis", "--no-pictures", "--no-audio", "--no-notify"], env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        wait_for_requests(llm, 8)
        time.sleep(1.0)  # the calls now in flight hang
        proc.send_signal(signum)
        try:
            _, err = proc.communicate(timeout=20)  # the breaker would take minutes; a signal acts at once
        except subprocess.TimeoutExpired:
            proc.kill()
            pytest.fail("the run was still alive 20 s after the signal")
    assert proc.returncode == code, err
    assert "everything finished so far is kept" in err
    assert len([e for e in DayRecord.model_validate_json((out / "data" / "2025-09-30.json").read_text()).papers
                if e.translation]) >= 3  # what finished is saved


# --- bounds: what one response may cost -----------------------------------------------------------------


def test_an_hf_server_streaming_forever_is_cut_off_and_nothing_changes(fixtures_dir, tmp_path):
    from standins import standin_env

    from hfdaily.sources.hf import MAX_PAGE_BYTES
    from hfdaily.testing.hf_server import FakeHF

    hf = FakeHF(fixtures_dir / "hf_daily_papers", faults=["endless"] * 10)
    with hf.serve() as hf_url:
        env = standin_env(tmp_path, hf_url, "http://127.0.0.1:9/v1", HFDAILY_HF_RETRIES="1")
        out = tmp_path / "out"
        result = run(env, out, *QUICK, "--no-llm")
    assert result.exit_code == 1 and f"more than the {MAX_PAGE_BYTES:,} bytes hfdaily reads" in result.output
    assert len(hf.requests) == 1  # too large is not a reason to ask again
    assert not (out / "data").exists()


def test_a_model_streaming_forever_is_cut_off_and_the_breaker_stops_the_run(fixtures_dir, tmp_path):
    from standins import standin_env

    from hfdaily.enrich.llm import MAX_ANSWER_BYTES
    from hfdaily.testing.fake_llm import FakeLLM
    from hfdaily.testing.hf_server import FakeHF

    llm = FakeLLM(faults=["endless"] * 1000)
    with FakeHF(fixtures_dir / "hf_daily_papers").serve() as hf_url, llm.serve() as llm_url:
        env = standin_env(tmp_path, hf_url, llm_url, HFDAILY_LLM_API_KEY="test", HFDAILY_LLM_MAX_RETRIES="1",
                          HFDAILY_LLM_BREAKER="2", HFDAILY_LLM_CONCURRENCY="2")
        result = run(env, tmp_path / "out", *QUICK, "--no-analysis")
    assert result.exit_code == 1, result.output
    assert f"more than the {MAX_ANSWER_BYTES:,} bytes hfdaily reads" in result.output
    assert "looks down" in result.output and llm.requests <= 8


def test_an_arxiv_page_over_the_cap_is_not_read_and_the_abstract_page_is(fixtures_dir):
    """A real arXiv HTML page padded to 30 MB (sent chunked, no length given): read whole it would
    parse as the full text; over the cap, the abstract page is read instead."""
    import asyncio
    from http.server import BaseHTTPRequestHandler

    from hfdaily.models import Paper
    from hfdaily.sources import arxiv
    from hfdaily.testing.serving import serve

    paper_id = "2004.10162"
    html = (fixtures_dir / "arxiv_html" / "1707.08043.html").read_bytes()  # a real full-text page
    abs_page = (fixtures_dir / "arxiv_abs" / f"{paper_id}.html").read_bytes()
    head, tail = html.split(b"</body>", 1) if b"</body>" in html else (html, b"")

    class Arxiv(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            if self.path.startswith("/abs/"):
                self.send_header("Content-Length", str(len(abs_page)))
                self.end_headers()
                self.wfile.write(abs_page)
                return
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            padding = b"<!--" + b"x" * (1 << 20) + b"-->"
            try:
                for part in (head, *[padding] * 30, b"</body>" + tail):
                    self.wfile.write(f"{len(part):x}\r\n".encode() + part + b"\r\n")
                self.wfile.write(b"0\r\n\r\n")
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True

        def log_message(self, *args) -> None:
            pass

    paper = Paper(id=paper_id, title="T", summary="S", authors=["A"], published_at="2026-01-20T00:00:00Z")

    async def read(url: str):
        async with arxiv.ArxivReader(url, retries=0) as reader:
            return await reader.read(paper)

    with serve(Arxiv) as url:
        doc = asyncio.run(read(url))
    assert doc.source == "ArXiv Abs" and len(doc.abstract) > 200


def test_a_backfill_stops_asking_an_hf_that_keeps_failing(fixtures_dir, tmp_path):
    from standins import standin_env

    from hfdaily.pipeline import HF_DOWN_AFTER
    from hfdaily.testing.hf_server import FakeHF

    hf = FakeHF(fixtures_dir / "hf_daily_papers", faults=["500"] * 10_000)
    with hf.serve() as hf_url:
        env = standin_env(tmp_path, hf_url, "http://127.0.0.1:9/v1", HFDAILY_HF_RETRIES="0")
        result = CliRunner().invoke(cli, ["backfill", "--from", "2024-01-01", "--to", "2025-12-31", "--out",
                                          str(tmp_path / "out"), "-q", "--no-llm", *QUICK], env=env)
    assert "Traceback" not in result.output
    assert f"HF failed {HF_DOWN_AFTER} days in a row" in result.output, result.output
    assert len(hf.requests) == HF_DOWN_AFTER  # not 731 days × retries
