"""The archive index and the migrations of OUT/hfdaily.db, on recorded real days."""

from __future__ import annotations

import datetime as dt
import os
import re
import sqlite3

import pytest
from recorded import fixture_dates, seed_day_zh

from hfdaily.archive import migrations
from hfdaily.archive.index import Index
from hfdaily.archive.migrations import Migrations
from hfdaily.archive.record import record_path, save_record
from hfdaily.archive.store import Store
from hfdaily.errors import RecordError
from hfdaily.fields import classify
from hfdaily.models import Usage
from hfdaily.testing.days import write_archive

# The store exactly as hfdaily 0.1 created it: CREATE TABLE IF NOT EXISTS, no version recorded.
SCHEMA_0_1 = """
CREATE TABLE IF NOT EXISTS llm_cache (key TEXT PRIMARY KEY, task TEXT NOT NULL, model TEXT NOT NULL,
    prompt_version TEXT NOT NULL, response TEXT NOT NULL, created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS llm_calls (id INTEGER PRIMARY KEY, run_id INTEGER, task TEXT NOT NULL, paper_id TEXT,
    model TEXT NOT NULL, prompt TEXT NOT NULL, response TEXT, prompt_tokens INTEGER, completion_tokens INTEGER,
    latency_ms INTEGER, status TEXT NOT NULL, error TEXT, created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS runs (id INTEGER PRIMARY KEY, date TEXT NOT NULL, started_at TEXT NOT NULL,
    finished_at TEXT, status TEXT NOT NULL, summary TEXT);
CREATE TABLE IF NOT EXISTS documents (arxiv_id TEXT PRIMARY KEY, source TEXT NOT NULL, document TEXT NOT NULL,
    fetched_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS day_lists (date TEXT PRIMARY KEY, papers TEXT NOT NULL, fetched_at TEXT NOT NULL);
"""


def test_a_database_made_by_the_previous_version_is_migrated_and_keeps_its_data(tmp_path):
    path = tmp_path / "hfdaily.db"
    old = sqlite3.connect(path)
    old.executescript(SCHEMA_0_1)
    old.execute("INSERT INTO llm_cache VALUES ('k', 'translate', 'm', 'v1', '{\"a\": 1}', '2026-01-20')")
    old.execute("INSERT INTO day_lists VALUES ('2026-01-19', '[]', '2026-01-20')")
    old.commit()
    old.close()

    store = Store(path)
    assert store.cached_response("k") == '{"a": 1}'
    assert store.day_list(dt.date(2026, 1, 19)) == "[]"
    assert migrations.applied(store.db) == ["hfdaily:m001_store", "hfdaily:m002_index",
                                            "hfdaily:m003_day_list_failures", "hfdaily:m004_llm_calls_date",
                                            "hfdaily:m005_reasoning_tokens", "hfdaily:m006_papers_figure"]
    assert store.spent_on(dt.date(2026, 1, 19)).calls == 0  # the 0.1 log gained its date column
    store.close()
    with Index.open(tmp_path) as index:  # opening again applies nothing twice
        assert migrations.CORE.pending(index.db) == []
        assert index.days() == []


def test_another_modules_migrations_are_applied_once_and_recorded(tmp_path):
    deliver = Migrations("deliver")
    calls = []

    @deliver.migration
    def m001_deliveries(db):
        calls.append(1)
        db.execute("CREATE TABLE deliveries (date TEXT, channel TEXT, PRIMARY KEY (date, channel))")

    for _ in range(2):
        with Index.open(tmp_path, extra=[deliver]) as index:
            index.db.execute("INSERT OR IGNORE INTO deliveries VALUES ('2026-01-20', 'email')")
    assert calls == [1]
    with Index.open(tmp_path) as index:
        assert "deliver:m001_deliveries" in migrations.applied(index.db)
        assert index.db.execute("SELECT COUNT(*) FROM deliveries").fetchone()[0] == 1


def test_a_failing_migration_changes_nothing(tmp_path):
    broken = Migrations("broken")

    @broken.migration
    def m001_half(db):
        db.execute("CREATE TABLE half (x)")
        raise RuntimeError("boom")

    with Index.open(tmp_path) as index:
        with pytest.raises(RuntimeError):
            broken.apply(index.db)
        assert broken.pending(index.db) == [m001_half]
        assert index.db.execute("SELECT name FROM sqlite_master WHERE name = 'half'").fetchone() is None


def _archive(fixtures_dir, out, days):
    return write_archive(fixtures_dir, out, days)


def test_index_counts_fields_and_papers_of_real_days(fixtures_dir, tmp_path):
    days = fixture_dates(fixtures_dir)[-12:]
    records = _archive(fixtures_dir, tmp_path, days)
    with Index.open(tmp_path) as index:
        result = index.refresh()
        assert result.indexed == days and result.unchanged == 0
        rows = index.days()
        assert [r.date for r in rows] == days[::-1]  # newest first
        for row, record in zip(rows[::-1], records):
            assert row.papers == len(record.papers)
            counted: dict[str, int] = {}
            for entry in record.papers:
                for name in entry.fields:
                    counted[name] = counted.get(name, 0) + 1
            assert row.field_counts == counted and row.field_counts  # every stored field, none recomputed
            assert list(row.field_counts.values()) == sorted(row.field_counts.values(), reverse=True)
            assert not row.has_report

        newest = records[-1]
        listed = index.papers(date=newest.date)
        assert [p.paper_id for p in listed] == [e.paper.id for e in newest.papers]
        first = newest.papers[0].paper
        assert listed[0].authors == first.authors and listed[0].title == first.title
        author = first.authors[0]
        assert newest.date in {p.date for p in index.papers(author=author)}
        field = next(iter(index.day(newest.date).field_counts))
        assert all(field in p.fields for p in index.papers(field=field))
        assert len(index.papers(field=field, date=newest.date)) == index.day(newest.date).field_counts[field]
        orgs = [(e.paper.organization, e.paper.id) for r in records for e in r.papers if e.paper.organization]
        if orgs:
            assert orgs[0][1] in {p.paper_id for p in index.papers(organisation=orgs[0][0])}


def test_index_is_incremental_by_content(fixtures_dir, tmp_path):
    days = fixture_dates(fixtures_dir)[-5:]
    records = _archive(fixtures_dir, tmp_path, days)
    with Index.open(tmp_path) as index:
        index.refresh()
        assert index.refresh().indexed == []  # nothing changed: nothing read

        # touched but not changed: not re-indexed
        path = record_path(tmp_path, days[0])
        os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))
        again = index.refresh()
        assert again.indexed == [] and again.unchanged == 5

        # one record changed: only that day is re-indexed, and the change shows
        changed = records[2]
        changed.papers = changed.papers[:3]
        changed.usage = Usage(calls=6, prompt_tokens=9000, completion_tokens=2000)
        save_record(tmp_path, changed)
        result = index.refresh()
        assert result.indexed == [changed.date] and result.unchanged == 4
        assert index.day(changed.date).papers == 3
        assert len(index.papers(date=changed.date)) == 3
        assert tuple(index.db.execute("SELECT calls, prompt_tokens, completion_tokens, reasoning_tokens FROM spending"
                                      " WHERE date = ?", (changed.date.isoformat(),)).fetchone()) == (6, 9000, 2000, 0)

        # a record removed from data/ leaves the index
        record_path(tmp_path, days[1]).unlink()
        assert index.refresh().removed == [days[1]]
        assert index.day(days[1]) is None and index.papers(date=days[1]) == []

        # rebuild from scratch gives the same days
        assert index.rebuild().indexed == [d for d in days if d != days[1]]


def test_a_damaged_record_is_an_error_naming_the_file(fixtures_dir, tmp_path):
    days = fixture_dates(fixtures_dir)[-2:]
    _archive(fixtures_dir, tmp_path, days)
    bad = record_path(tmp_path, days[1])
    bad.write_text('{"date": "2026-08-20", "papers": [{"paper": {}}]}')
    with Index.open(tmp_path) as index:
        with pytest.raises(RecordError, match=str(bad)):
            index.refresh()
        assert index.dates() == [days[0]]  # the good day before it is indexed, the damaged one is not


def test_search_finds_chinese_and_english(fixtures_dir, seeds_dir, tmp_path):
    record = seed_day_zh(fixtures_dir, seeds_dir)
    for entry in record.papers:
        entry.fields = classify(entry)
    save_record(tmp_path, record)
    _archive(fixtures_dir, tmp_path, fixture_dates(fixtures_dir)[-3:])
    with Index.open(tmp_path) as index:
        index.refresh()
        for entry in record.papers:
            title_zh = entry.translation.title_zh
            # any piece of a Chinese title finds its paper: three characters (trigram) and two (LIKE)
            run = max(re.findall(r"[\u4e00-\u9fff]+", title_zh), key=len)
            for piece in (run[-4:], run[-2:]):
                found = [p.paper_id for p in index.search(piece, limit=1000)]
                assert entry.paper.id in found, (piece, title_zh)
                assert all(piece in (p.title_zh or "") + (p.summary_zh or "") + (p.contribution or "")
                           + (p.field_zh or "") for p in index.search(piece, limit=1000))
        analysed = next(e for e in record.papers if e.analysis)
        words = analysed.analysis.contribution[:6]
        assert analysed.paper.id in [p.paper_id for p in index.search(words)]

        english = record.papers[0].paper.title.split()
        hits = index.search(" ".join(w for w in english[:3] if len(w) > 2))
        assert record.papers[0].paper.id in [p.paper_id for p in hits]
        assert hits[0].display_title  # rows carry what a page shows
        assert index.search("完全不可能出现的词语组合") == []
        for odd in ('"', '"LLM" OR', "NEAR(", "100%", "a_b", "模%", "*"):  # never an SQL error
            assert isinstance(index.search(odd), list)
        # English goes by words: "RL" finds reinforcement learning papers, not every "world"
        rl = index.search("RL", limit=1000)
        assert rl and all(re.search(r"\bRL", p.title + " " + p.summary + " " + " ".join(p.keywords)) for p in rl)
        # a word is also a prefix: "agent" finds "agents"; every word must match
        agents = index.search("agent", limit=1000)
        assert any("agents" in p.summary.lower() and not re.search(r"\bagent\b", p.summary.lower()) for p in agents)
        both = index.search("agent benchmark", limit=1000)
        assert both and {p.paper_id for p in both} <= {p.paper_id for p in agents}
        assert index.day(record.date).has_report and index.day(record.date).translated == len(record.papers)


def test_index_command_rebuilds_and_names_a_damaged_record(fixtures_dir, tmp_path):
    from click.testing import CliRunner

    from hfdaily.cli import cli

    runner = CliRunner()
    missing = runner.invoke(cli, ["index", "--out", str(tmp_path / "none")])
    assert missing.exit_code == 2 and "does not exist" in missing.output
    days = fixture_dates(fixtures_dir)[-3:]
    _archive(fixtures_dir, tmp_path, days)
    built = runner.invoke(cli, ["index", "--out", str(tmp_path)])
    assert built.exit_code == 0 and "indexed 3 day(s)" in built.output and "3 day(s) in the archive" in built.output
    again = runner.invoke(cli, ["index", "--out", str(tmp_path), "--update"])
    assert again.exit_code == 0 and "indexed 0 day(s), 3 unchanged" in again.output
    record_path(tmp_path, days[2]).write_text("{", encoding="utf-8")
    damaged = runner.invoke(cli, ["index", "--out", str(tmp_path)])
    assert damaged.exit_code == 1 and str(record_path(tmp_path, days[2])) in damaged.output
    assert "Traceback" not in damaged.output


def test_a_day_indexed_meanwhile_by_another_process_is_replaced_not_duplicated(fixtures_dir, tmp_path):
    from hfdaily.archive.index import RefreshResult, _Batch

    day = fixture_dates(fixtures_dir)[-1]
    _archive(fixtures_dir, tmp_path, [day])
    with Index.open(tmp_path) as first, Index.open(tmp_path) as second:
        # `second` read the index before `first` indexed the day: it believes the day is new
        first.refresh()
        batch, result = _Batch(second.db), RefreshResult()
        second._refresh_one(record_path(tmp_path, day), None, batch, result)
        batch.commit()
        assert result.indexed == [day]
        assert len(second.papers(date=day)) == second.day(day).papers
        assert second.db.execute("SELECT COUNT(*) FROM search_en").fetchone()[0] == second.day(day).papers


def test_hfdaily_search_finds_papers_in_the_archive(fixtures_dir, seeds_dir, tmp_path):
    from click.testing import CliRunner

    from hfdaily.cli import cli

    record = seed_day_zh(fixtures_dir, seeds_dir)
    for entry in record.papers:
        entry.fields = classify(entry)
    save_record(tmp_path, record)
    _archive(fixtures_dir, tmp_path, fixture_dates(fixtures_dir)[-3:])

    def search(*args):
        return CliRunner().invoke(cli, ["search", *args, "--out", str(tmp_path)])

    assert search("多路思维").exit_code == 2  # no index yet: says how to make one
    assert CliRunner().invoke(cli, ["index", "--out", str(tmp_path)]).exit_code == 0
    found = search("多路思维")
    assert found.exit_code == 0, found.output
    assert "2026-01-20  2601.08808  多路思维：基于词元级分支与合并的推理方法" in found.output
    assert "https://huggingface.co/papers/2601.08808" in found.output
    assert found.output.rstrip().endswith("1 paper(s)")
    # English words are prefixes; filters narrow (the day, the field); the limit is said
    agents = search("agent", "-n", "3")
    assert agents.exit_code == 0 and agents.output.count("https://huggingface.co/papers/") == 3
    assert "the first 3" in agents.output
    that_day = search("agent", "--date", "2026-01-20", "-n", "100")
    assert {line.split()[0] for line in that_day.output.splitlines() if line[:1].isdigit() and "  " in line} == {"2026-01-20"}
    field = next(f for e in record.papers for f in e.fields)
    in_field = search("the", "--field", field, "-n", "100")
    ids = re.findall(r"  (\d{4}\.\d{5})  ", in_field.output)
    with Index.open(tmp_path) as index:
        assert ids and set(ids) <= {p.paper_id for p in index.papers(field=field)}
    nothing = search("完全不可能出现的词语组合")
    assert nothing.exit_code == 1 and "0 paper(s)" in nothing.output
