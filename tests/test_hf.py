"""Fetching and validating HF Daily Papers, on all 580 recorded days and on scripted faults."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from hfdaily.sources.hf import (
    PAGE_SIZE,
    HFClient,
    HFError,
    MalformedResponseError,
    parse_entries,
)
from hfdaily.testing.hf_server import FakeHF


def test_every_recorded_day_parses_or_fails_cleanly(fixtures_dir):
    days = sorted((fixtures_dir / "hf_daily_papers").glob("*.json"))
    assert len(days) == 580
    parsed, damaged, papers = 0, [], 0
    for path in days:
        raw = json.loads(path.read_text(encoding="utf-8"))
        try:
            result = parse_entries(raw, path.name)
        except MalformedResponseError as exc:
            assert path.name in str(exc)
            damaged.append((path.stem, str(exc)))
            continue
        parsed += 1
        papers += len(result)
        assert result, path.name
        assert all("\n" not in p.title and "\n" not in p.summary for p in result)
    # The README: 21 files of repr strings and 1 wrapped object — 22 damaged, named as such.
    assert len(damaged) == 22 and parsed == 558
    assert sum("strings, not JSON objects" in m for _, m in damaged) == 21
    assert [d for d, m in damaged if "wrapper around 'data'" in m] == ["2025-01-10"]
    assert papers > 9000


def test_hard_line_breaks_are_unwrapped(fixtures_dir):
    raw = json.loads((fixtures_dir / "hf_daily_papers" / "2026-01-20.json").read_text())
    wrapped = [e["paper"]["summary"] for e in raw if "\n" in e["paper"]["summary"]]
    papers = parse_entries(raw)
    assert len(papers) == 4
    for paper in papers:
        assert "  " not in paper.summary and "\n" not in paper.summary
    if wrapped:
        assert any(" ".join(wrapped[0].split())[:80] in p.summary for p in papers)
    from hfdaily.models import normalise_text
    assert normalise_text("LLMs)\n  More") == "LLMs) More"


def test_invalid_entries_are_skipped_with_a_reason(caplog):
    good = {"paper": {"id": "2601.00001", "title": "A", "summary": "B", "authors": [{"name": "X"}],
                      "upvotes": 3}, "publishedAt": "2026-01-01T00:00:00.000Z"}
    bad_id = {"paper": {**good["paper"], "id": "not-an-id"}, "publishedAt": good["publishedAt"]}
    no_title = {"paper": {k: v for k, v in good["paper"].items() if k != "title"}, "publishedAt": good["publishedAt"]}
    no_date = {"paper": {**good["paper"], "id": "2601.00002"}}
    papers = parse_entries([good, bad_id, no_title, no_date, 42])
    assert [p.id for p in papers] == ["2601.00001"]
    assert "not-an-id" in caplog.text and "entry is a int" in caplog.text


def _entries(n: int, start: int = 0) -> list[dict]:
    return [{"paper": {"id": f"2601.{i:05d}", "title": f"Paper {i}", "summary": "Text.", "authors": [],
                       "upvotes": 1000 - i}, "publishedAt": "2026-01-01T00:00:00.000Z"} for i in range(start, start + n)]


async def test_paging_until_a_short_page():
    fake = FakeHF(days={"2026-01-05": _entries(PAGE_SIZE * 2 + 3)})
    with fake.serve() as url:
        async with HFClient(url, backoff=0.01) as hf:
            papers = await hf.daily_papers(dt.date(2026, 1, 5))
    assert len(papers) == PAGE_SIZE * 2 + 3
    assert len(fake.requests) == 3
    assert [p.upvotes for p in papers] == sorted((p.upvotes for p in papers), reverse=True)


async def test_transient_faults_are_retried():
    fake = FakeHF(days={"2026-01-05": _entries(3)}, faults=["429", "500", "503"])
    with fake.serve() as url:
        async with HFClient(url, backoff=0.01) as hf:
            papers = await hf.daily_papers(dt.date(2026, 1, 5))
    assert len(papers) == 3 and len(fake.requests) == 4


async def test_persistent_failure_is_one_clear_error():
    fake = FakeHF(days={"2026-01-05": _entries(3)}, faults=["500"] * 10)
    with fake.serve() as url:
        async with HFClient(url, retries=2, backoff=0.01) as hf:
            with pytest.raises(HFError, match="HTTP 500"):
                await hf.daily_papers(dt.date(2026, 1, 5))


async def test_garbage_and_timeouts():
    fake = FakeHF(days={"2026-01-05": _entries(3)}, faults=["garbage"])
    with fake.serve() as url:
        async with HFClient(url, backoff=0.01) as hf:
            with pytest.raises(MalformedResponseError, match="did not return JSON"):
                await hf.daily_papers(dt.date(2026, 1, 5))
    fake = FakeHF(days={"2026-01-05": _entries(3)}, faults=["timeout"] * 5)
    with fake.serve() as url:
        async with HFClient(url, retries=2, timeout=0.5, backoff=0.01) as hf:
            with pytest.raises(HFError, match="timed out"):
                await hf.daily_papers(dt.date(2026, 1, 5))


async def test_damaged_day_from_server_names_the_problem(fixtures_dir):
    with FakeHF(fixtures_dir / "hf_daily_papers").serve() as url:
        async with HFClient(url, backoff=0.01) as hf:
            with pytest.raises(MalformedResponseError, match="Python repr"):
                await hf.daily_papers(dt.date(2024, 12, 11))
            assert await hf.daily_papers(dt.date(2026, 1, 17)) == []  # a Saturday
