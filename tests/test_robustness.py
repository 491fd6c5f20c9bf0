"""Nothing a bad input, a crash or a second process does can break the archive (issue 11).

Each test runs the CLI as a new user would, on a fresh OUT, with crafted entries built from a
real recorded day (2026-01-20, four papers) served by the local HF stand-in.
"""

from __future__ import annotations

import copy
import json
import os
import re
import signal
import sqlite3
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from markdown_it import MarkdownIt
from standins import standin_env, standins, wait_for_requests

from hfdaily.cli import cli
from hfdaily.models import DayRecord
from hfdaily.pipeline import TREND_FETCHES
from hfdaily.testing.arxiv_server import serve_arxiv
from hfdaily.testing.fake_llm import FakeLLM
from hfdaily.testing.hf_server import FakeHF

DAY = "2026-01-20"
QUICK = ("--no-pictures", "--no-audio")


@pytest.fixture
def real_day(fixtures_dir) -> list[dict]:
    return json.loads((fixtures_dir / "hf_daily_papers" / f"{DAY}.json").read_text())


@pytest.fixture
def servers(fixtures_dir, tmp_path):
    with standins(fixtures_dir, tmp_path, HFDAILY_HF_RETRIES="0") as served:
        yield served


def run(env: dict, out: Path, *args: str, date: str = DAY):
    result = CliRunner().invoke(cli, ["run", "--out", str(out), "-q", "--date", date, *args], env=env)
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    assert "Traceback" not in result.output
    return result


def record(out: Path, day: str = DAY) -> DayRecord:
    return DayRecord.model_validate_json((out / "data" / f"{day}.json").read_text())


def debris(out: Path) -> list[str]:
    """Half-written files: temporaries, empty pictures or sounds."""
    found = [p for p in out.rglob("*") if p.is_file() and (p.name.endswith((".tmp", ".part"))
                                                           or (p.suffix in (".png", ".mp3") and p.stat().st_size == 0))]
    return sorted(p.relative_to(out).as_posix() for p in found)


# --- 1. clean text at the door ---------------------------------------------------------------


def test_control_characters_in_a_title_never_reach_the_archive_or_the_feed(servers, tmp_path, real_day):
    hf, llm, env = servers
    day = copy.deepcopy(real_day)
    day[0]["paper"]["title"] = "Multiplex\x00 Thinking\x0b: Reasoning\x1b[31m via\x07 Token-wise"
    day[1]["paper"]["summary"] = day[1]["paper"]["summary"] + "\x00\x08 end"
    hf.days[DAY] = day
    out = tmp_path / "out"
    assert run(env, out, *QUICK, "--no-llm").exit_code == 0
    assert record(out).papers[0].paper.title == "Multiplex Thinking: Reasoning[31m via Token-wise"
    for path in out.rglob("*"):
        if path.is_file() and path.suffix in (".md", ".html", ".xml", ".json"):
            assert not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", path.read_text()), path
    # The folder stays healthy: another day publishes and the feed has both.
    assert run(env, out, *QUICK, "--no-llm", date="2026-01-21").exit_code == 0
    assert (out / "feed.xml").read_text().count("<entry>") == 2


def test_blank_title_or_abstract_is_an_invalid_entry_with_its_reason(servers, tmp_path, real_day):
    hf, llm, env = servers
    day = copy.deepcopy(real_day)
    day[0]["paper"]["title"], day[2]["paper"]["summary"] = "   \t ", "\u00a0\n  "
    hf.days[DAY] = day
    out = tmp_path / "out"
    result = run(env, out, *QUICK)
    assert result.exit_code == 0 and "2 papers (2 new)" in result.output
    assert "skipping entry 0 (id '2601.08808')" in result.output and "empty once spaces" in result.output
    paid = {row[0] for row in sqlite3.connect(out / "hfdaily.db").execute("SELECT DISTINCT paper_id FROM llm_calls")}
    assert paid == {p["paper"]["id"] for i, p in enumerate(day) if i not in (0, 2)}  # only the two good papers were paid for
    hf.days[DAY] = real_day  # HF fixes its list: the next run picks the two papers up
    assert "4 papers (2 new)" in run(env, out, *QUICK).output


def test_ids_must_be_ascii_arxiv_ids(servers, tmp_path, real_day):
    hf, llm, env = servers
    day = copy.deepcopy(real_day)
    day[0]["paper"]["id"] = "２６０１.０８８０８"  # full-width digits
    day[1]["paper"]["id"] = "٢٦٠١.٠٩٦٦٧"  # Arabic-Indic digits
    hf.days[DAY] = day
    out = tmp_path / "out"
    result = run(env, out, *QUICK, "--no-llm")
    assert result.exit_code == 0 and "2 papers" in result.output
    assert {e.paper.id for e in record(out).papers} == {real_day[2]["paper"]["id"], real_day[3]["paper"]["id"]}
    assert "２６０１" not in (out / "newsletters" / f"{DAY}.md").read_text()


def test_an_old_record_or_cached_list_never_fails_a_later_run(servers, tmp_path, real_day):
    """Files written before the checks existed: a blank title stored as "" in a record and in the
    cached day list of the trend."""
    hf, llm, env = servers
    out = tmp_path / "out"
    assert run(env, out, *QUICK, "--no-llm").exit_code == 0
    stored = json.loads((out / "data" / f"{DAY}.json").read_text())
    stored["papers"][1]["paper"]["title"] = ""
    (out / "data" / f"{DAY}.json").write_text(json.dumps(stored))
    store = sqlite3.connect(out / "hfdaily.db")
    past = "2026-01-19"
    bad_list = [dict(e["paper"], title="") for e in stored["papers"]]
    store.execute("INSERT INTO day_lists VALUES (?, ?, ?)", (past, json.dumps(bad_list), "2026-01-19T00:00:00+00:00"))
    store.commit()
    store.close()

    result = run(env | {"HFDAILY_TREND_DAYS": "2"}, out, "--no-audio", "--no-llm")
    assert result.exit_code == 0, result.output
    assert "dropping 1 invalid paper entry" in result.output
    assert "the cached list of 2026-01-19 is invalid" in result.output
    assert len(record(out).papers) == 4  # the dropped entry came back from HF's list
    assert any(f"date={past}" in r for r in hf.requests)  # the bad list was fetched again


def test_a_record_whose_date_differs_from_its_name_is_not_published(servers, tmp_path):
    hf, llm, env = servers
    out = tmp_path / "out"
    assert run(env, out, *QUICK, "--no-llm").exit_code == 0
    phantom = out / "data" / "2026-01-22.json"
    phantom.write_text((out / "data" / f"{DAY}.json").read_text())  # inside: 2026-01-20
    (out / "newsletters" / "2026-01-22.html").write_text("<p>copied</p>")
    (out / "stats" / "2026-01-22.json").write_text("{not json")
    result = run(env, out, *QUICK, "--no-llm", date="2026-01-21")
    assert result.exit_code == 0, result.output
    assert "holds the day 2026-01-20, not 2026-01-22" in result.output
    # The archive page and the feed are written from the index (issue 8), which never reads stats/:
    # the damaged stats file cannot stop publishing, and the phantom day is left out of both.
    feed = (out / "feed.xml").read_text()
    assert feed.count("<entry>") == 2 and "2026-01-22 论文日报" not in feed
    assert "2026-01-22" not in (out / "index.html").read_text()


# --- 2. one writer per OUT; spending from the call log -----------------------------------------


def _cli(out: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "hfdaily", "run", "--out", str(out), "-q", *args]


def test_a_second_run_on_the_same_folder_waits_or_exits_75(fixtures_dir, tmp_path):
    """Two real processes on the same OUT and date: the day is paid for once."""
    llm = FakeLLM(latency=0.2)
    out = tmp_path / "out"
    with FakeHF(fixtures_dir / "hf_daily_papers").serve() as hf_url, llm.serve() as llm_url:
        env = os.environ | standin_env(tmp_path, hf_url, llm_url, HFDAILY_LLM_CONCURRENCY="8")
        args = _cli(out, "--date", "2025-09-30", "--no-analysis", *QUICK)
        first = subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        wait_for_requests(llm, 5)
        second = subprocess.run(args, env=env, capture_output=True, text=True, timeout=60)
        assert second.returncode == 75, second.stderr
        assert f"is being written by hfdaily pid {first.pid}" in second.stderr and "HFDAILY_LOCK_WAIT" in second.stderr
        third = subprocess.run(args, env=env | {"HFDAILY_LOCK_WAIT": "120"}, capture_output=True, text=True, timeout=150)
        assert first.wait(timeout=120) == 0, first.stderr.read()
        assert third.returncode == 0, third.stderr
    assert "0 LLM calls" in third.stdout  # it waited, then found everything done
    assert llm.requests == 50 and record(out, "2025-09-30").usage.calls == 50
    assert (out / ".hfdaily.lock").read_text() == ""  # nobody holds it now


HOLDER = """
import sys, time
from pathlib import Path
from hfdaily.archive.lock import hold_output
with hold_output(Path(sys.argv[1])):
    print("held", flush=True)
    time.sleep(60)
"""


def test_every_writing_command_holds_the_lock(servers, tmp_path):
    """Not only `run`: each step, a backfill, the index, rebuild and notify are writers too."""
    hf, llm, env = servers
    out = tmp_path / "out"
    assert run(env, out, *QUICK, "--no-llm").exit_code == 0
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(out)], stdout=subprocess.PIPE, text=True,
                              env=os.environ | {"PYTHONPATH": os.pathsep.join(sys.path)})
    try:
        assert holder.stdout.readline().strip() == "held"
        asked, paid = len(hf.requests), llm.requests
        for args in (["fetch", "--date", DAY], ["enrich", "--date", DAY], ["render", "--date", DAY, *QUICK],
                     ["publish"], ["backfill", "--from", DAY, "--to", DAY, *QUICK], ["index"], ["rebuild"],
                     ["notify", "--date", DAY]):
            result = CliRunner().invoke(cli, [*args, "--out", str(out)], env=env)
            assert result.exit_code == 75, (args, result.output)
            assert f"is being written by hfdaily pid {holder.pid}" in result.output, args
        assert len(hf.requests) == asked and llm.requests == paid  # nothing fetched or paid while waiting
    finally:
        holder.kill()
        holder.wait()


def test_spending_is_exact_after_kill_9(fixtures_dir, tmp_path):
    """Killed mid-analysis: calls answered for papers not yet saved are still counted."""
    llm = FakeLLM(latency=0.2)
    out = tmp_path / "out"
    with FakeHF(fixtures_dir / "hf_daily_papers").serve() as hf_url, llm.serve() as llm_url, \
            serve_arxiv(fixtures_dir) as arxiv_url:
        env = os.environ | standin_env(tmp_path, hf_url, llm_url, HFDAILY_ARXIV_URL=arxiv_url, HFDAILY_LLM_CONCURRENCY="6")
        args = _cli(out, "--date", "2026-01-22", *QUICK)
        proc = subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        wait_for_requests(llm, 9)
        proc.kill()
        proc.wait()
        done = subprocess.run(args, env=env, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
    con = sqlite3.connect(out / "hfdaily.db")
    paid = con.execute("SELECT COUNT(*) FROM llm_calls WHERE status IN ('ok', 'invalid')").fetchone()[0]
    statuses = [row[0] for row in con.execute("SELECT status FROM runs ORDER BY id")]
    con.close()
    assert record(out, "2026-01-22").usage.calls == paid
    assert 0 <= llm.requests - paid <= 6  # only answers in flight at the kill were never received
    assert statuses == ["killed", "ok"]  # the killed run is not left marked running


# --- 3. atomic outputs, leftovers cleaned, kept out of git ------------------------------------


def test_leftovers_of_a_killed_run_are_removed_and_ignored_by_git(servers, tmp_path):
    hf, llm, env = servers
    out = tmp_path / "out"
    assert run(env, out, "--no-llm").exit_code == 0
    (out / "images" / f"{DAY}_wordcloud.png").write_bytes(b"")  # written in place by an older version
    (out / "audio" / f".{DAY}.mp3.123.abcd.part").write_bytes(b"\xff" * 1000)
    (out / "data" / f".{DAY}.json.x1y2.tmp").write_text("{")
    (out / ".index.html.zz.tmp").write_text("<")
    (out / "site" / "days" / f".{DAY}.html.tmp").write_text("<")  # the reader's site, at any depth
    subprocess.run(["git", "init", "-q", str(out)], check=True)
    status = subprocess.run(["git", "-C", str(out), "status", "--porcelain", "-uall"], capture_output=True, text=True)
    assert ".part" not in status.stdout and ".tmp" not in status.stdout and "hfdaily.db" not in status.stdout
    assert ".hfdaily.lock" not in status.stdout

    result = run(env, out, "--no-llm", "--no-audio")
    assert result.exit_code == 0 and "removed 5 file(s) a killed run left half-written" in result.output
    assert debris(out) == []
    assert (out / "images" / f"{DAY}_wordcloud.png").stat().st_size > 10_000  # drawn again
    # An older .gitignore is completed, keeping what the user wrote.
    (out / ".gitignore").write_text("my-notes/\nhfdaily.db*\n")
    assert run(env, out, *QUICK, "--no-llm").exit_code == 0
    lines = (out / ".gitignore").read_text().splitlines()
    assert lines[0] == "my-notes/" and {".*.tmp", ".*.part", ".hfdaily.lock"} <= set(lines)


def test_a_picture_interrupted_while_written_leaves_the_old_one_whole(fixtures_dir, tmp_path, monkeypatch):
    from PIL import Image
    from recorded import load_fixture_day

    from hfdaily.make import charts
    from hfdaily.make.fonts import find_cjk_font

    day = load_fixture_day(fixtures_dir, DAY)
    target = tmp_path / f"{DAY}_poster.png"
    charts.draw_poster(day, target, find_cjk_font())
    before = target.read_bytes()
    real_save = Image.Image.save

    def killed_half_way(image, fp, *args, **kwargs):
        real_save(image, fp, *args, **kwargs)
        fp.truncate(100) if hasattr(fp, "truncate") else Path(fp).write_bytes(b"\x89PNG")  # half a picture …
        raise KeyboardInterrupt  # … and the run is stopped

    monkeypatch.setattr(Image.Image, "save", killed_half_way)
    with pytest.raises(KeyboardInterrupt):
        charts.draw_poster(day, target, find_cjk_font())
    assert target.read_bytes() == before and sorted(p.name for p in tmp_path.iterdir()) == [target.name]


def test_outputs_follow_the_umask(servers, tmp_path):
    hf, llm, env = servers
    out = tmp_path / "out"
    assert run(env, out, "--no-llm", "--no-audio").exit_code == 0
    for path in [out / "data" / f"{DAY}.json", out / "newsletters" / f"{DAY}.md", out / "feed.xml",
                 out / "images" / f"{DAY}_poster.png"]:
        assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~_umask(), path


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


# --- 4. Markdown as safe as HTML ---------------------------------------------------------------


LOGO = '<img src="../assets/hf-logo.svg" width="30"/>'
HOSTILE_TITLE = 'Multiplex <script>alert(1)</script> <img src=x onerror=alert(2)> [代码](javascript:alert(3))'


def test_markdown_outputs_are_sanitised(servers, tmp_path, real_day):
    hf, llm, env = servers
    day = copy.deepcopy(real_day)
    day[0]["paper"]["title"] = HOSTILE_TITLE
    day[0]["paper"]["githubRepo"] = "javascript:alert(4)"
    day[0]["paper"]["projectPage"] = "data:text/html;base64,PHNjcmlwdD4="
    day[1]["paper"]["githubRepo"] = "https://github.com/a/b) [x](javascript:alert(5)"
    day[1]["paper"]["organization"] = {"name": "evil", "fullname": "Evil Lab\n\n## 注入的标题\n\n<script>alert(6)</script>"}
    hf.days[DAY] = day
    out = tmp_path / "out"
    assert run(env, out, *QUICK).exit_code == 0
    # What an LLM might write: HTML, a javascript link, a line that starts a heading.
    stored = json.loads((out / "data" / f"{DAY}.json").read_text())
    stored["papers"][2]["translation"]["summary_zh"] = "# 大标题\n<iframe src=//x></iframe> [点我](javascript:alert(7)) 第二行"
    stored["papers"][2]["analysis"]["contribution"] = "**贡献**<script>alert(8)</script>\n## 注入"
    stored["papers"][2]["analysis"]["results"] = ["1. 结果 ![x](data:image/png;base64,AA==)"]
    (out / "data" / f"{DAY}.json").write_text(json.dumps(stored, ensure_ascii=False))
    assert run(env, out, *QUICK).exit_code == 0

    for name in (f"newsletters/{DAY}.md", f"reports/{DAY}.md"):
        html = MarkdownIt("commonmark").render((out / name).read_text())  # HTML passes through, as in many viewers
        html = html.replace(LOGO, "")  # the seed's own header logo
        assert not re.search(r"<(script|img|iframe)\b", html), name
        hrefs = re.findall(r'(?:href|src)="([^"]*)"', html)
        assert all(h.startswith(("https://", "../", "#")) for h in hrefs), hrefs
        assert "注入" not in "".join(re.findall(r"<h\d>(.*?)</h\d>", html)), name
        assert "大标题" not in "".join(re.findall(r"<h\d>(.*?)</h\d>", html))
    newsletter = MarkdownIt("commonmark").render((out / "newsletters" / f"{DAY}.md").read_text())
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in newsletter  # shown as text, not dropped
    assert "Evil Lab ## 注入的标题" in newsletter
    assert newsletter.count("<h3>") == 4  # one heading per paper, none injected
    assert newsletter.count(">代码</a>") == 1 and newsletter.count(">项目主页</a>") == 2  # bad links left out
    report = MarkdownIt("commonmark").render((out / "reports" / f"{DAY}.md").read_text())
    assert "<strong>贡献</strong>" in report  # the LLM's emphasis still works


# --- 5. bounded work ------------------------------------------------------------------------------


def test_a_page_ignoring_limit_and_a_huge_abstract_are_capped(servers, tmp_path, fixtures_dir, real_day):
    hf, llm, env = servers
    many = json.loads((fixtures_dir / "hf_daily_papers" / "2025-09-30.json").read_text())
    many[0]["paper"]["summary"] = "We report 42 results. " + "word " * 200_000  # 1 MB
    hf.days[DAY] = many  # FakeHF pages it; the cap must hold either way
    out = tmp_path / "out"
    result = run(env | {"HFDAILY_MAX_PAPERS": "12", "HFDAILY_MAX_ABSTRACT_CHARS": "3000"}, out, *QUICK,
                 "--no-analysis")
    assert result.exit_code == 0 and "12 papers (12 new)" in result.output
    assert "HF listed 50 papers for 2026-01-20; kept the 12 most upvoted" in result.output
    con = sqlite3.connect(out / "hfdaily.db")
    longest = con.execute("SELECT MAX(LENGTH(prompt)) FROM llm_calls").fetchone()[0]
    con.close()
    assert longest < 6000
    assert all(len(e.paper.summary) <= 3002 for e in record(out).papers)


class SlowPastHF(FakeHF):
    """HF that answers today at once but hangs on every past day (the outage the issue measured)."""

    def day(self, date: str) -> object:
        if date != DAY:
            time.sleep(5)
        return super().day(date)


def test_trend_failures_are_fast_concurrent_and_remembered(fixtures_dir, tmp_path):
    hf, llm = SlowPastHF(fixtures_dir / "hf_daily_papers"), FakeLLM()
    with hf.serve() as hf_url, llm.serve() as llm_url:
        env = {"HF_ENDPOINT": hf_url, "HFDAILY_LLM_BASE_URL": llm_url, "HFDAILY_LLM_MODEL": "fake",
               "HFDAILY_TREND_DAYS": "14", "HFDAILY_TREND_TIMEOUT": "0.5", "HFDAILY_HF_RETRIES": "5",
               "HFDAILY_CONFIG": str(tmp_path / "absent.toml")}
        out = tmp_path / "out"
        started = time.monotonic()
        result = run(env, out, *QUICK, "--no-llm")  # the trend is computed for the stats too
        first = time.monotonic() - started
        assert result.exit_code == 0
        assert len(json.loads((out / "stats" / f"{DAY}.json").read_text())["window"]) == 1  # only today
        asked = {re.search(r"date=([\d-]+)", r).group(1) for r in hf.requests if DAY not in r}
        assert 1 <= len(asked) <= TREND_FETCHES  # of ten weekdays: after a failure the rest are not asked
        # One wave of 0.5 s timeouts and one retry: seconds. It was 10 days × 6 tries × 30 s one after
        # another (30 min); the bound is wide so a loaded machine cannot fail it (speed: bench/trend_outage.py).
        assert first < 60
        hf.requests.clear()
        assert run(env, out, *QUICK, "--no-llm").exit_code == 0
        assert [r for r in hf.requests if DAY not in r] == []  # failures remembered


# --- 6. clear messages and exit codes -----------------------------------------------------------


def test_corrupt_store_says_to_rebuild(servers, tmp_path):
    hf, llm, env = servers
    out = tmp_path / "out"
    assert run(env, out, *QUICK).exit_code == 0
    for path in out.glob("hfdaily.db-*"):
        path.unlink()
    (out / "hfdaily.db").write_bytes(b"SQLite format 3\x00" + os.urandom(8192))
    before = llm.requests
    result = run(env, out, *QUICK)
    assert result.exit_code == 1 and "hfdaily rebuild" in result.output and "cannot be used" in result.output
    assert llm.requests == before
    logs = CliRunner().invoke(cli, ["logs", "--db", str(out / "hfdaily.db")])
    assert logs.exit_code == 1 and "hfdaily rebuild" in logs.output and "Traceback" not in logs.output
    rebuilt = CliRunner().invoke(cli, ["rebuild", "--out", str(out)])
    assert rebuilt.exit_code == 0 and "restored 4 translations" in rebuilt.output
    assert len(list(out.glob("hfdaily.db.unreadable-*"))) == 1  # kept aside, not deleted
    assert run(env, out, *QUICK).exit_code == 0 and llm.requests == before  # nothing paid twice


@pytest.mark.parametrize("make_it, message", [
    (lambda out: (out.parent / "afile").write_text("x"), "is a file where a folder should be"),
    (lambda out: (out / "data" / f"{DAY}.json").mkdir(parents=True), "is a folder where hfdaily writes a file"),
    (lambda out: (out / "newsletters" / f"{DAY}.md").mkdir(parents=True), "is a folder where hfdaily writes a file"),
    (lambda out: (out.mkdir(), (out / "newsletters").write_text("x")), "is a file where a folder should be"),
])
def test_unwritable_outputs_are_found_before_spending(servers, tmp_path, make_it, message):
    hf, llm, env = servers
    out = tmp_path / "out"
    make_it(out)
    target = tmp_path / "afile" / "sub" if (tmp_path / "afile").exists() else out
    result = run(env, target, *QUICK)
    assert result.exit_code == 2 and message in result.output, result.output
    assert llm.requests == 0 and not [r for r in hf.requests]


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders; run as a user to test this")
def test_read_only_outputs_are_found_before_spending(servers, tmp_path):
    hf, llm, env = servers
    out = tmp_path / "out"
    (out / "newsletters").mkdir(parents=True)
    (out / "newsletters").chmod(0o555)
    result = run(env, out, *QUICK)
    assert result.exit_code == 2 and "not writable" in result.output and llm.requests == 0


def test_a_folder_where_the_config_file_should_be(servers, tmp_path):
    hf, llm, env = servers
    (tmp_path / "hfdaily.toml").mkdir()
    result = run(env | {"HFDAILY_CONFIG": str(tmp_path / "hfdaily.toml")}, tmp_path / "out", *QUICK)
    assert result.exit_code == 2 and "cannot read the config file" in result.output


def _translated(out: Path, day: str) -> int:
    try:
        return len([e for e in record(out, day).papers if e.translation])
    except (OSError, ValueError):
        return 0  # not written yet


def test_sigterm_is_handled_like_ctrl_c(fixtures_dir, tmp_path):
    llm = FakeLLM(latency=0.5)
    out = tmp_path / "out"
    with FakeHF(fixtures_dir / "hf_daily_papers").serve() as hf_url, llm.serve() as llm_url:
        env = os.environ | standin_env(tmp_path, hf_url, llm_url)
        proc = subprocess.Popen(_cli(out, "--date", "2025-09-30", "--no-analysis", *QUICK), env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        # Order, not timing: the signal comes once five translations are in the record (a loaded
        # machine may take long to get there), while the 45 others still need seconds of answers.
        deadline = time.monotonic() + 120
        while _translated(out, "2025-09-30") < 5 and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.05)
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=30)
    assert proc.returncode == 143 and "terminated; everything finished so far is kept" in err
    con = sqlite3.connect(out / "hfdaily.db")
    assert [row[0] for row in con.execute("SELECT status FROM runs")] == ["interrupted"]
    con.close()
    assert (out / ".hfdaily.lock").read_text() == "" and debris(out) == []
    assert len([e for e in record(out, "2025-09-30").papers if e.translation]) >= 5  # finished work kept


def test_rebuild_reports_every_unreadable_record(servers, tmp_path):
    hf, llm, env = servers
    out = tmp_path / "out"
    assert run(env, out, *QUICK, "--no-analysis").exit_code == 0
    (out / "data" / "2026-01-21.json").write_text('{"date": "2026-01-21", "papers": [')
    result = CliRunner().invoke(cli, ["rebuild", "--out", str(out)])
    assert result.exit_code == 1
    assert "not restored:" in result.output and "2026-01-21.json" in result.output
    assert "restored 4 translations" in result.output and "1 record(s) could not be read" in result.output
