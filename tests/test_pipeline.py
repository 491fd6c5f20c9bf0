"""`hfdaily run` end to end against local servers serving recorded real data and the fake LLM."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from standins import standin_env, wait_for_requests

from hfdaily.cli import cli
from hfdaily.models import DayRecord
from hfdaily.testing.fake_llm import FakeLLM
from hfdaily.testing.hf_server import FakeHF

DATA = Path(__file__).parent / "data"


def run(env: dict, out: Path, *args: str):
    result = CliRunner().invoke(cli, ["run", "--out", str(out), "-q", *args], env=env)
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


def record(out: Path, day: str) -> DayRecord:
    return DayRecord.model_validate_json((out / "data" / f"{day}.json").read_text())


def skeleton(markdown: str) -> list[str]:
    """The seed's structure: each structural line reduced to its marker."""
    marks = []
    for line in markdown.splitlines():
        for pattern in (r"^# <img (?=.*论文日报$)", r"^## \S+ \S+", r"^- 总论文数：", r"^- 热门领域：", r"^### \d+\. ",
                        r"^\*\*原文标题：\*\* ", r"^\*\*摘要：\*\*$", r"^\*\*论文链接：\*\* \[HuggingFace\]\(https://huggingface.co/papers/\d{4}\.\d{5}\) \| \[arXiv\]\(https://arxiv.org/abs/\d{4}\.\d{5}\)",
                        r"^---$", r"^!\[", r"^- \[收听"):
            if m := re.match(pattern, line):
                marks.append(re.sub(r"\d+", "N", m.group()))
    return marks


def test_full_day_matches_the_seed_layout(servers, tmp_path, seeds_dir):
    hf, llm, env = servers
    out = tmp_path / "out"
    result = run(env | {"HFDAILY_SITE_URL": "https://example.github.io/hfdaily/"}, out, "--date", "2026-01-20")
    assert result.exit_code == 0, result.output
    assert "4 papers (4 new)" in result.output

    md = (out / "newsletters" / "2026-01-20.md").read_text()
    seed = next(seeds_dir.glob("000_*.txt")).read_text()
    ours, theirs = skeleton(md), skeleton(seed)
    # Seed 000's sections, in order: header, stats, details, per paper the same five lines, pictures, audio.
    assert ours[:6] == theirs[:6]
    per_paper = theirs[theirs.index("### N. "):theirs.index("---") + 1]
    assert ours[ours.index("### N. "):ours.index("---") + 1] == per_paper
    assert ours.count("### N. ") == 4 and ours.count("---") == 4
    assert [m for m in ours if m.startswith("## ")] == [
        "## 📊 今日论文统计", "## 📝 论文详情", "## 🔍 关键词云图", "## 📈 近期论文趋势", "## 🖼️ 今日海报",
        "## 🎙️ 语音播报", "## 📱 订阅渠道"]
    for link in re.findall(r"\]\((\.\./[^)#]+)", md):  # every relative link resolves
        assert (out / "newsletters" / link).resolve().exists(), link

    day = record(out, "2026-01-20")
    assert all(e.translation and e.analysis and e.read_source for e in day.papers)
    # The fake answers with the seeds' real Chinese. Seed 003 read 2601.10387 in full; here only its
    # abstract can be read, so its full-text numbers are re-asked twice, then kept and flagged.
    assert day.usage.calls == 8 + 2 and day.usage.prompt_tokens > 0
    real = {e.paper.id: e for e in day.papers}
    assert real["2601.11077"].translation.title_zh == "ABC-Bench：面向现实世界开发的智能体后端编码基准测试"
    assert set(real["2601.10387"].analysis.ungrounded_numbers) == {"275", "56", "71", "25", "60%"}
    assert not any(e.translation.problems for e in day.papers)
    assert "多路思维：基于词元级分支与合并的推理方法" in md and "1 flagged" in result.output
    report = (out / "reports" / "2026-01-20.md").read_text()
    assert report.count("## 📄 ") == 4 and "**阅读来源**" in report
    assert (out / "newsletters" / "2026-01-20.html").read_text().count("<article") == 4
    assert (out / "stats" / "2026-01-20.json").exists() and (out / "feed.xml").exists()
    assert "hfdaily.db" in (out / ".gitignore").read_text()
    # One front door: OUT/index.html opens the site, OUT/feed.xml is the site's full feed.
    assert 'url=site/index.html' in (out / "index.html").read_text()
    feed = (out / "feed.xml").read_text()
    assert feed == (out / "site" / "feed.xml").read_text()
    assert feed.count("<entry>") == 1 and "2026-01-20 论文日报（4 篇）" in feed
    assert "https://example.github.io/hfdaily/days/2026-01-20.html" in feed and "多路思维" in feed
    assert "[订阅源](https://example.github.io/hfdaily/feed.xml)" in md
    # Nothing hotlinked, no placeholder project link (HFDAILY_GITHUB_URL is unset).
    assert (out / "newsletters" / "../assets/hf-logo.svg").resolve().read_text().startswith("<svg")
    html = (out / "newsletters" / "2026-01-20.html").read_text()
    site = [(out / "site" / page).read_text() for page in ("index.html", "days/2026-01-20.html",
                                                           "papers/2601.08808.html")]
    for text in (md, html, feed, (out / "index.html").read_text(), *site):
        assert "hfdaily/hfdaily" not in text and "brand-assets" not in text
    assert "- GitHub:" not in md


def test_full_text_paths_html_abs_and_hf(servers, tmp_path):
    hf, llm, env = servers
    hf.days["2026-01-29"] = json.loads((DATA / "day_fulltext.json").read_text())
    out = tmp_path / "out"
    assert run(env, out, "--date", "2026-01-29", "--no-pictures", "--no-audio").exit_code == 0
    sources = {e.paper.id: e.read_source for e in record(out, "2026-01-29").papers}
    assert sources == {"2601.19139": "HTML", "2512.14946": "HTML", "2410.00260": "HTML",
                       "2401.02954": "ArXiv Abs", "2601.17668": "HF"}
    day = record(out, "2026-01-29")
    big = next(e for e in day.papers if e.paper.id == "2410.00260")
    assert big.budget.sent_tokens <= big.budget.limit < big.budget.full_tokens
    assert "github.com/waybarrios/vllm-mlx" in day.papers[0].analysis.guide.open_source


def test_no_llm_flag_and_no_llm_configured(servers, tmp_path):
    hf, llm, env = servers
    bare = {k: v for k, v in env.items() if not k.startswith("HFDAILY_LLM")} | {"DEEPSEEK_API_KEY": ""}
    result = run(bare, tmp_path / "a", "--date", "2026-01-20")
    assert result.exit_code == 2 and "No LLM is configured" in result.output
    assert not (tmp_path / "a").exists()
    result = run(bare, tmp_path / "b", "--date", "2026-01-20", "--no-llm", "--no-audio", "--no-pictures")
    assert result.exit_code == 0
    md = (tmp_path / "b" / "newsletters" / "2026-01-20.md").read_text()
    assert "本期未翻译" in md and "**AI 摘要（Hugging Face）：**" in md and llm.requests == 0


def test_grows_during_the_day_translates_only_new_papers(servers, tmp_path, fixtures_dir):
    hf, llm, env = servers
    out = tmp_path / "out"
    assert run(env, out, "--date", "2026-01-20", "--no-pictures", "--no-audio").exit_code == 0
    assert llm.requests == 8 + 2  # one real analysis re-asked twice (see above)
    # Later that day HF lists more papers (real entries borrowed from the next day).
    morning = json.loads((fixtures_dir / "hf_daily_papers" / "2026-01-20.json").read_text())
    later = json.loads((fixtures_dir / "hf_daily_papers" / "2026-01-21.json").read_text())[:7]
    hf.days["2026-01-20"] = morning + later
    result = run(env, out, "--date", "2026-01-20", "--no-pictures", "--no-audio")
    assert result.exit_code == 0 and "11 papers (7 new)" in result.output
    assert llm.requests == 10 + 14
    assert (out / "newsletters" / "2026-01-20.md").read_text().count("\n### ") == 11


def test_paper_that_keeps_failing_does_not_fail_the_others(servers, tmp_path):
    hf, llm, env = servers
    out = tmp_path / "out"
    day = json.loads((Path(hf.fixtures) / "2026-01-20.json").read_text())
    llm.poison = day[1]["paper"]["title"].split(":")[0]
    env = env | {"HFDAILY_LLM_MAX_RETRIES": "1"}
    result = run(env, out, "--date", "2026-01-20", "--no-pictures", "--no-audio", "--no-analysis")
    assert result.exit_code == 0
    assert "1 paper(s) failed" in result.output and day[1]["paper"]["id"] in result.output
    entries = {e.paper.id: e for e in record(out, "2026-01-20").papers}
    assert sum(e.translation is not None for e in entries.values()) == 3
    assert "译文待补，下次运行将重试" in (out / "newsletters" / "2026-01-20.md").read_text()
    llm.poison, before = None, llm.requests
    assert run(env, out, "--date", "2026-01-20", "--no-pictures", "--no-audio", "--no-analysis").exit_code == 0
    assert llm.requests == before + 1
    assert all(e.translation for e in record(out, "2026-01-20").papers)


def test_llm_faults_are_absorbed(servers, tmp_path):
    hf, llm, env = servers
    llm.faults.extend(["429", "500", "garbage", "timeout"])
    env = env | {"HFDAILY_LLM_TIMEOUT": "1"}
    result = run(env, tmp_path / "out", "--date", "2026-01-20", "--no-pictures", "--no-audio", "--no-analysis")
    assert result.exit_code == 0 and "failed" not in result.output
    assert all(e.translation for e in record(tmp_path / "out", "2026-01-20").papers)


@pytest.mark.parametrize("date, code, message", [
    ("2026-13-45", 2, "is not a date"),
    ("yesterday", 2, "use YYYY-MM-DD"),
    ("2026-01-17", 0, "lists no papers"),   # a Saturday
    ("2031-01-06", 0, "lists no papers"),   # the future
    ("2024-12-11", 1, "strings, not JSON objects"),  # a damaged recorded day
])
def test_dates_and_damaged_days(servers, tmp_path, date, code, message):
    hf, llm, env = servers
    result = run(env, tmp_path / "out", "--date", date, "--no-pictures", "--no-audio")
    assert result.exit_code == code and message in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "out" / "newsletters").exists()


def test_hf_outage_leaves_earlier_outputs_untouched(servers, tmp_path):
    hf, llm, env = servers
    out = tmp_path / "out"
    assert run(env, out, "--date", "2026-01-20", "--no-pictures", "--no-audio").exit_code == 0
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file() and p.suffix != ".db" and "-wal" not in p.name}
    hf.faults.extend(["500"] * 20)
    result = run(env | {"HFDAILY_HF_RETRIES": "1"}, out, "--date", "2026-01-20")
    assert result.exit_code == 1 and "HTTP 500" in result.output and "Nothing was changed" in result.output
    assert before == {p: p.read_bytes() for p in before}


def test_losing_the_database_costs_nothing(servers, tmp_path):
    hf, llm, env = servers
    out = tmp_path / "out"
    assert run(env, out, "--date", "2026-01-20", "--no-pictures", "--no-audio").exit_code == 0
    calls = llm.requests
    for path in out.glob("hfdaily.db*"):
        path.unlink()
    result = run(env, out, "--date", "2026-01-20", "--no-pictures", "--no-audio")
    assert result.exit_code == 0 and llm.requests == calls and "0 LLM calls" in result.output


def test_kill_9_and_resume_repays_nothing_finished(fixtures_dir, tmp_path):
    """A real process, killed with SIGKILL in the middle of the LLM stage of a 50-paper day."""
    llm = FakeLLM(latency=0.25)
    out = tmp_path / "out"
    with FakeHF(fixtures_dir / "hf_daily_papers").serve() as hf_url, llm.serve() as llm_url:
        env = os.environ | standin_env(tmp_path, hf_url, llm_url, HFDAILY_LLM_CONCURRENCY="4")
        args = [sys.executable, "-m", "hfdaily", "run", "--date", "2025-09-30", "--out", str(out), "-q",
                "--no-analysis", "--no-pictures", "--no-audio"]
        proc = subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        wait_for_requests(llm, 20)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        assert proc.returncode == -signal.SIGKILL

        paid_before = _papers_paid(out, run=1)
        assert 10 <= len(paid_before) < 50
        done = subprocess.run(args, env=env, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
    # Only what had not finished is paid again; together the two runs did every paper once.
    paid_after = _papers_paid(out, run=2)
    assert not paid_before & paid_after
    assert len(paid_before | paid_after) == 50
    day = record(out, "2025-09-30")
    assert len(day.papers) == 50 and all(e.translation for e in day.papers)


def _papers_paid(out: Path, run: int) -> set[str]:
    import sqlite3
    con = sqlite3.connect(out / "hfdaily.db")
    rows = con.execute("SELECT paper_id FROM llm_calls WHERE run_id = ? AND status = 'ok'", (run,)).fetchall()
    con.close()
    return {r[0] for r in rows}


def test_logs_lists_every_call_with_tokens(servers, tmp_path):
    hf, llm, env = servers
    out = tmp_path / "out"
    assert run(env, out, "--date", "2026-01-20", "--no-pictures", "--no-audio", "--no-analysis").exit_code == 0
    result = CliRunner().invoke(cli, ["logs", "--db", str(out / "hfdaily.db"), "--full"])
    assert result.exit_code == 0
    assert result.output.count(" translate ") == 4 and "in=" in result.output and "[system]" in result.output
    assert "4 calls in all" in result.output


def test_rebuild_refills_the_cache_from_data(servers, tmp_path, fixtures_dir):
    hf, llm, env = servers
    out = tmp_path / "out"
    assert run(env, out, "--date", "2026-01-20", "--no-pictures", "--no-audio", "--no-analysis").exit_code == 0
    for path in out.glob("hfdaily.db*"):
        path.unlink()
    result = CliRunner().invoke(cli, ["rebuild", "--out", str(out)])
    assert result.exit_code == 0 and "restored 4 translations" in result.output
    # The same paper listed again on another day is not translated again.
    again = json.loads((fixtures_dir / "hf_daily_papers" / "2026-01-20.json").read_text())[:1]
    other = json.loads((fixtures_dir / "hf_daily_papers" / "2026-01-22.json").read_text())[:2]
    hf.days["2026-01-26"] = again + other
    before = llm.requests
    assert run(env, out, "--date", "2026-01-26", "--no-pictures", "--no-audio", "--no-analysis").exit_code == 0
    assert llm.requests - before == 2
    assert CliRunner().invoke(cli, ["rebuild", "--out", str(tmp_path / "nowhere")]).exit_code == 2


def test_refused_key_stops_the_run_and_publishes_nothing_new(servers, tmp_path):
    hf, llm, env = servers
    out = tmp_path / "out"
    llm.faults.extend(["401"] * 50)
    env = env | {"HFDAILY_LLM_API_KEY": "sk-live-abcdefghijklmnopqrstuv"}
    started = time.monotonic()
    result = run(env, out, "--date", "2026-01-20")
    assert result.exit_code == 1 and time.monotonic() - started < 20
    assert "HTTP 401" in result.output and "HFDAILY_LLM_API_KEY" in result.output
    assert env["HFDAILY_LLM_BASE_URL"] in result.output and "Nothing new was published" in result.output
    assert "sk-live" not in result.output and "Traceback" not in result.output
    assert llm.requests == 1  # the first refusal stops every other call
    assert (out / "data" / "2026-01-20.json").exists()  # the record is kept for the next run
    assert not (out / "newsletters").exists() and not (out / "feed.xml").exists() and not (out / "site").exists()
    import sqlite3
    errors = [r[0] for r in sqlite3.connect(out / "hfdaily.db").execute("SELECT error FROM llm_calls")]
    assert errors and not any("sk-live" in e for e in errors)


def test_failed_papers_are_published_as_pending_and_strict_exits_3(servers, tmp_path):
    hf, llm, env = servers
    out = tmp_path / "out"
    day = json.loads((Path(hf.fixtures) / "2026-01-20.json").read_text())
    llm.poison = "标题："  # every translation prompt fails (4 calls in a row: below the breaker)
    env = env | {"HFDAILY_LLM_MAX_RETRIES": "0"}
    result = run(env, out, "--date", "2026-01-20", "--no-pictures", "--no-audio", "--no-analysis", "--strict")
    assert result.exit_code == 3, result.output
    assert "4 paper(s) failed" in result.output and "--strict: 4 paper(s) lack" in result.output
    md = (out / "newsletters" / "2026-01-20.md").read_text()
    assert "本期未翻译：大模型调用失败（4 篇论文）" in md and "--no-llm" not in md
    assert md.count("（译文待补）") == 4 and day[0]["paper"]["id"] in result.output
    # Rendered again on its own, the day still tells the real reason (the record shows the LLM was asked).
    again = CliRunner().invoke(cli, ["render", "--out", str(out), "-q", "--date", "2026-01-20", "--no-pictures",
                                     "--no-audio"], env=env)
    assert again.exit_code == 0, again.output
    assert (out / "newsletters" / "2026-01-20.md").read_text() == md
    llm.poison = None
    result = run(env, out, "--date", "2026-01-20", "--no-pictures", "--no-audio", "--no-analysis", "--strict")
    assert result.exit_code == 0 and "待补" not in (out / "newsletters" / "2026-01-20.md").read_text()


def test_rerun_reports_reused_work_as_cached(servers, tmp_path):
    hf, llm, env = servers
    out = tmp_path / "out"
    assert run(env, out, "--date", "2026-01-20", "--no-pictures", "--no-audio").exit_code == 0
    result = run(env, out, "--date", "2026-01-20", "--no-pictures", "--no-audio")
    assert "8 cached, 0 LLM calls" in result.output


def test_logs_reads_the_store_of_an_output_folder(servers, tmp_path):
    hf, llm, env = servers
    out = tmp_path / "out"
    assert run(env, out, "--date", "2026-01-20", "--no-pictures", "--no-audio", "--no-analysis").exit_code == 0
    result = CliRunner().invoke(cli, ["logs", "--out", str(out)])
    assert result.exit_code == 0 and "4 calls in all" in result.output
    result = CliRunner().invoke(cli, ["logs", "--out", str(tmp_path / "nowhere")])
    assert result.exit_code == 2 and "no store at" in result.output
