"""The steps and the commands over many days, end to end against local servers and recorded days.

These pin the orchestration: what each step writes and does not touch, that a range of days
shares one client and charges each day its own spending, that the archive and the feed list every
day with its counts, and that the trend neither fetches at weekends nor while rendering.
"""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
import threading
import time
from pathlib import Path
from xml.etree import ElementTree

import pytest
from click.testing import CliRunner
from standins import standin_env, wait_for_requests

from hfdaily.archive.index import Index
from hfdaily.cli import cli
from hfdaily.models import DayRecord
from hfdaily.testing.fake_llm import FakeLLM
from hfdaily.testing.hf_server import FakeHF

WEEK = ["2026-01-19", "2026-01-20", "2026-01-21", "2026-01-22", "2026-01-23"]  # Monday to Friday


def hfdaily(env: dict, *args: str):
    result = CliRunner().invoke(cli, [*args], env=env)
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


def record(out: Path, day: str) -> DayRecord:
    return DayRecord.model_validate_json((out / "data" / f"{day}.json").read_text())


def fetched_dates(hf: FakeHF) -> list[str]:
    return [re.search(r"date=([\d-]+)", r).group(1) for r in hf.requests if "date=" in r]


def test_each_step_writes_only_its_part_and_again_nothing(servers, tmp_path):
    hf, llm, env = servers
    out = tmp_path / "out"
    common = ["--out", str(out), "-q", "--date", "2026-01-20"]

    fetched = hfdaily(env, "fetch", *common)
    assert fetched.exit_code == 0, fetched.output
    assert (out / "data" / "2026-01-20.json").exists() and not (out / "newsletters").exists()
    assert llm.requests == 0
    again = hfdaily(env, "fetch", *common)
    assert again.exit_code == 0 and "nothing to write" in again.output  # the same list: the record untouched
    # the trend's past days are fetched here, publishing days only (HF lists nothing at weekends)
    window = [d for d in fetched_dates(hf) if d != "2026-01-20"]
    assert len(window) == 10 and all(dt.date.fromisoformat(d).weekday() < 5 for d in window)

    enriched = hfdaily(env, "enrich", *common, "--no-analysis")
    assert enriched.exit_code == 0 and "2026-01-20.json" in enriched.output
    assert all(e.translation and e.fields for e in record(out, "2026-01-20").papers)
    paid = llm.requests
    again = hfdaily(env, "enrich", *common, "--no-analysis")
    assert again.exit_code == 0 and "nothing to write" in again.output and llm.requests == paid

    asked = len(hf.requests)
    rendered = hfdaily(env, "render", *common, "--no-audio")
    assert rendered.exit_code == 0, rendered.output
    assert len(hf.requests) == asked and llm.requests == paid  # rendering never touches the network
    assert (out / "newsletters" / "2026-01-20.md").exists() and (out / "images" / "2026-01-20_trend.png").exists()
    assert not (out / "index.html").exists()
    rerendered = hfdaily(env, "render", *common, "--no-audio", "--no-pictures")
    assert rerendered.exit_code == 0 and "nothing to write" in rerendered.output  # same record, same pages

    published = hfdaily(env, "publish", "--out", str(out), "-q")
    assert published.exit_code == 0 and "index.html" in published.output and "feed.xml" in published.output
    again = hfdaily(env, "publish", "--out", str(out), "-q")
    assert again.exit_code == 0 and "nothing to write" in again.output


def test_a_day_without_papers_creates_no_database(servers, tmp_path):
    hf, llm, env = servers
    out = tmp_path / "out"
    result = hfdaily(env, "run", "--out", str(out), "-q", "--date", "2026-01-17")  # a Saturday
    assert result.exit_code == 0 and "lists no papers" in result.output
    assert not (out / "hfdaily.db").exists() and not (out / "data").exists()
    assert hfdaily(env, "fetch", "--out", str(out), "-q", "--date", "2026-01-18").exit_code == 0
    assert not (out / "hfdaily.db").exists()


def test_a_typo_in_a_setting_stops_before_anything_is_fetched_or_spent(servers, tmp_path):
    hf, llm, env = servers
    result = hfdaily(env | {"HFDAILY_TTS_ENGINE": "espeek"}, "run", "--out", str(tmp_path / "out"), "-q",
                     "--date", "2026-01-20")
    assert result.exit_code == 2
    assert "HFDAILY_TTS_ENGINE" in result.output and "auto, edge or espeak" in result.output
    assert "Traceback" not in result.output
    assert hf.requests == [] and llm.requests == 0 and not (tmp_path / "out").exists()


def test_backfill_shares_one_client_charges_each_day_and_publishes_once(servers, tmp_path, monkeypatch):
    hf, llm, env = servers
    out = tmp_path / "out"
    import hfdaily.pipeline as pipeline

    in_flight, lock, real_answer = {"now": 0, "peak": 0}, threading.Lock(), llm.answer

    def answer(body, invent=False):  # how many calls the server is answering at once
        with lock:
            in_flight["now"] += 1
            in_flight["peak"] = max(in_flight["peak"], in_flight["now"])
        time.sleep(0.3)  # long enough that a loaded machine still gets its 8 requests in meanwhile
        with lock:
            in_flight["now"] -= 1
        return real_answer(body, invent)

    llm.answer = answer
    published = []
    real_publish_site = pipeline.publish_site
    monkeypatch.setattr(pipeline, "publish_site", lambda *a, **k: published.append(1) or real_publish_site(*a, **k))
    result = hfdaily(env | {"HFDAILY_LLM_CONCURRENCY": "8"}, "backfill", "--from", "2026-01-17", "--to", WEEK[-1],
                     "--out", str(out), "-q", "--no-analysis", "--no-pictures", "--no-audio")
    assert result.exit_code == 0, result.output
    assert published == [1]
    assert 6 <= in_flight["peak"] <= 8  # one client, one limit, for every paper of every day
    days = {d: record(out, d) for d in WEEK}
    assert not (out / "data" / "2026-01-17.json").exists()  # the weekend: nothing listed, nothing written
    papers = sum(len(r.papers) for r in days.values())
    assert f"{papers} papers" in result.output and f"{papers} LLM calls" in result.output
    # each day is charged what its own papers cost, though one client served them all
    db = sqlite3.connect(out / "hfdaily.db")
    assert db.execute("SELECT COUNT(*) FROM runs").fetchone()[0] == 1
    for day, rec in days.items():
        assert rec.usage.calls == len(rec.papers)
        ids = [e.paper.id for e in rec.papers]
        tokens = db.execute(f"SELECT SUM(prompt_tokens) FROM llm_calls WHERE paper_id IN ({','.join('?' * len(ids))})",
                            ids).fetchone()[0]
        assert rec.usage.prompt_tokens == tokens
    for day in WEEK:
        assert (out / "newsletters" / f"{day}.html").exists()

    # the archive lists every day with its count and its top fields, from the index
    page = (out / "index.html").read_text(encoding="utf-8")
    with Index.open(out) as index:
        for day in WEEK:
            row = index.day(dt.date.fromisoformat(day))
            line = next(line for line in page.splitlines() if f">{day}</a>" in line)
            assert f"{row.papers} 篇" in line and row.papers == len(days[day].papers)
            assert row.top_fields(3) and "、".join(row.top_fields(3)) in line
    # the feed has an entry per day, newest first, each saying its count
    feed = ElementTree.fromstring((out / "feed.xml").read_bytes())
    titles = [e.text for e in feed.iter("{http://www.w3.org/2005/Atom}title")][1:]
    assert titles == [f"Hugging Face {d} 论文日报（{len(days[d].papers)} 篇）" for d in reversed(WEEK)]

    # --since-last catches up from the newest day (its list may have grown) to the last one asked
    hf.requests.clear()
    caught_up = hfdaily(env, "backfill", "--since-last", "--to", "2026-01-27", "--out", str(out), "-q",
                        "--no-analysis", "--no-pictures", "--no-audio")
    assert caught_up.exit_code == 0, caught_up.output
    asked = fetched_dates(hf)
    assert [d for d in asked if d >= "2026-01-23"][:5] == ["2026-01-23", "2026-01-24", "2026-01-25", "2026-01-26",
                                                          "2026-01-27"]
    assert not any("2026-01-19" <= d <= "2026-01-22" for d in asked)
    assert "0 LLM calls" not in caught_up.output
    assert (out / "data" / "2026-01-26.json").exists()


def test_render_all_rerenders_the_archive_without_the_network(servers, tmp_path):
    hf, llm, env = servers
    out = tmp_path / "out"
    assert hfdaily(env, "backfill", "--from", WEEK[0], "--to", WEEK[2], "--out", str(out), "-q", "--no-llm",
                   "--no-audio", "--no-pictures").exit_code == 0
    for day in WEEK[:3]:
        (out / "newsletters" / f"{day}.md").write_text("stale template", encoding="utf-8")
    asked = len(hf.requests)
    result = hfdaily(env, "render", "--all", "--out", str(out), "-q", "--no-audio", "--no-pictures")
    assert result.exit_code == 0 and "rendered 3 day(s): 3 file(s) changed" in result.output
    assert len(hf.requests) == asked and llm.requests == 0
    for day in WEEK[:3]:
        assert (out / "newsletters" / f"{day}.md").read_text(encoding="utf-8").startswith("# <img")


def test_an_arxiv_outage_is_not_remembered_as_no_full_text(servers, tmp_path):
    hf, llm, env = servers
    out = tmp_path / "out"
    down = env | {"HFDAILY_ARXIV_URL": env["HF_ENDPOINT"]}  # answers 404 to every arXiv page
    hf.days["2026-01-20"] = hf.day("2026-01-20")[:1]
    result = hfdaily(down, "run", "--out", str(out), "-q", "--date", "2026-01-20", "--no-pictures", "--no-audio")
    assert result.exit_code == 0, result.output
    assert record(out, "2026-01-20").papers[0].read_source == "HF"
    db = sqlite3.connect(out / "hfdaily.db")
    assert db.execute("SELECT COUNT(*) FROM documents").fetchone()[0] == 0


def test_backfill_killed_with_sigkill_resumes_paying_nothing_twice(fixtures_dir, tmp_path):
    import os
    import signal
    import subprocess
    import sys

    llm = FakeLLM(latency=0.2)
    out = tmp_path / "out"
    with FakeHF(fixtures_dir / "hf_daily_papers").serve() as hf_url, llm.serve() as llm_url:
        env = os.environ | standin_env(tmp_path, hf_url, llm_url, HFDAILY_LLM_CONCURRENCY="8")
        args = [sys.executable, "-m", "hfdaily", "backfill", "--from", "2025-09-29", "--to", "2025-09-30",
                "--out", str(out), "-q", "--no-analysis", "--no-pictures", "--no-audio"]
        proc = subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        wait_for_requests(llm, 30)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        db = sqlite3.connect(out / "hfdaily.db")
        paid_before = {r[0] for r in db.execute("SELECT paper_id FROM llm_calls WHERE status = 'ok'")}
        assert 20 <= len(paid_before) < 80
        done = subprocess.run(args, env=env, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
    rows = db.execute("SELECT paper_id, COUNT(*) FROM llm_calls WHERE status = 'ok' GROUP BY paper_id").fetchall()
    assert len(rows) == 80 and all(n == 1 for _, n in rows)  # every paper paid exactly once over both runs
    days = [record(out, d) for d in ("2025-09-29", "2025-09-30")]
    assert all(e.translation for r in days for e in r.papers)
    assert (out / "index.html").exists()


@pytest.mark.parametrize("args, says", [
    (["--since-last"], "holds no day yet"),
    (["--since-last", "--from", "2026-01-19"], "either --from DATE"),
    ([], "either --from DATE"),
    (["--from", "2026-01-32"], "is not a date"),
])
def test_backfill_arguments_are_checked_before_anything_runs(tmp_path, args, says):
    env = {"HFDAILY_CONFIG": str(tmp_path / "absent.toml"), "HF_ENDPOINT": "http://127.0.0.1:9"}
    result = hfdaily(env, "backfill", "--out", str(tmp_path / "out"), "--no-llm", *args)
    assert result.exit_code == 2 and says in result.output and not (tmp_path / "out").exists()


def test_render_all_redraws_only_pictures_older_than_their_record(fixtures_dir, tmp_path):
    import os

    from hfdaily.make.artefacts import pictures_current
    from hfdaily.outputs import PICTURES, Outputs
    from hfdaily.testing.days import recorded_dates, write_archive

    outputs = Outputs(tmp_path)
    day = recorded_dates(fixtures_dir)[-1]
    write_archive(fixtures_dir, tmp_path, [day])
    assert not pictures_current(outputs, day)  # none drawn yet
    record_time = outputs.record(day).stat().st_mtime_ns
    for kind in PICTURES:
        outputs.image(day, kind).parent.mkdir(exist_ok=True)
        outputs.image(day, kind).write_bytes(b"png")
        os.utime(outputs.image(day, kind), ns=(record_time + 10**9, record_time + 10**9))
    assert pictures_current(outputs, day)
    os.utime(outputs.image(day, "trend"), ns=(record_time - 10**9, record_time - 10**9))
    assert not pictures_current(outputs, day)  # one older than the record: the day is drawn again


def test_days_rendered_at_once_draw_chinese_in_every_picture(servers, tmp_path):
    """A backfill renders days concurrently; matplotlib's font settings are process-wide, so two
    days drawn at once in threads used to restore each other's font and draw Chinese as boxes."""
    import warnings

    hf, llm, env = servers
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = hfdaily(env, "backfill", "--from", WEEK[0], "--to", WEEK[2], "--out", str(tmp_path / "out"), "-q",
                         "--no-llm", "--no-audio")
    assert result.exit_code == 0, result.output
    assert len(list((tmp_path / "out" / "images").glob("*_trend.png"))) == 3
    missing = [str(w.message) for w in caught if "missing from font" in str(w.message)]
    assert not missing, missing[:3]


def test_backfill_stops_at_a_refused_key_and_publishes_nothing_new(servers, tmp_path):
    hf, llm, env = servers
    out = tmp_path / "out"
    llm.faults.extend(["401"] * 200)
    result = hfdaily(env, "backfill", "--from", WEEK[0], "--to", WEEK[2], "--out", str(out), "-q",
                     "--no-analysis", "--no-pictures", "--no-audio")
    assert result.exit_code == 1, result.output
    assert "HTTP 401" in result.output and "HFDAILY_LLM_API_KEY" in result.output
    assert env["HFDAILY_LLM_BASE_URL"] in result.output and "Nothing new was published" in result.output
    assert llm.requests == 1  # the first refusal stops every other call of every day
    assert all((out / "data" / f"{day}.json").exists() for day in WEEK[:3])  # records kept for the next run
    assert not any((out / name).exists() for name in ("newsletters", "index.html", "feed.xml", "site"))


def test_backfill_publishes_failed_papers_as_pending_and_strict_exits_3(servers, tmp_path):
    hf, llm, env = servers
    out = tmp_path / "out"
    failing = hf.day(WEEK[1])[0]["paper"]["id"]
    llm.poison = failing  # its translation prompt names it: HTTP 500 every time
    env = env | {"HFDAILY_LLM_MAX_RETRIES": "0"}
    args = ["backfill", "--from", WEEK[0], "--to", WEEK[1], "--out", str(out), "-q", "--no-analysis",
            "--no-pictures", "--no-audio", "--strict"]
    result = hfdaily(env, *args)
    assert result.exit_code == 3, result.output
    assert "1 paper(s) failed" in result.output and "--strict: 1 paper(s) lack" in result.output
    assert failing in result.output
    md = (out / "newsletters" / f"{WEEK[1]}.md").read_text()
    assert md.count("（译文待补）") == 1 and "本期未翻译" not in md
    assert "待补" not in (out / "newsletters" / f"{WEEK[0]}.md").read_text()
    assert (out / "index.html").exists() and (out / "site" / "index.html").exists()  # the range is published
    llm.poison = None
    result = hfdaily(env, *args)
    assert result.exit_code == 0, result.output
    assert "待补" not in (out / "newsletters" / f"{WEEK[1]}.md").read_text()
