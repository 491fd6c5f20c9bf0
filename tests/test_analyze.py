"""The deep analysis: grounded numbers, re-asks, flags, on a real full-text page."""

from __future__ import annotations

import datetime as dt

import pytest

from hfdaily.archive.store import Store
from hfdaily.enrich import analyze
from hfdaily.enrich.budget import fit
from hfdaily.enrich.llm import LLMClient
from hfdaily.models import Paper
from hfdaily.sources.fulltext import parse_html
from hfdaily.testing.fake_llm import FakeLLM


@pytest.fixture
def paper_and_text(fixtures_dir):
    doc = parse_html((fixtures_dir / "arxiv_html_modern" / "2601.19139.html").read_bytes(), "2601.19139")
    paper = Paper(id="2601.19139", title=doc.title, summary=doc.abstract, authors=["A"],
                  published_at=dt.datetime(2026, 1, 27), github_repo="https://github.com/waybarrios/vllm-mlx")
    text, budget = fit(doc)
    return paper, text


async def run(paper, text, tmp_path, faults):
    store = Store(tmp_path / "a.db")
    fake = FakeLLM(faults=faults)
    with fake.serve() as url:
        async with LLMClient(base_url=url, model="fake", api_key=None, store=store) as llm:
            result = await analyze.analyse(llm, paper, text)
    statuses = [r[0] for r in store.db.execute("SELECT status FROM llm_calls ORDER BY id")]
    return result, statuses


async def test_grounded_analysis_passes_first_time(paper_and_text, tmp_path):
    paper, text = paper_and_text
    result, statuses = await run(paper, text, tmp_path, [])
    assert statuses == ["ok"] and result.ungrounded_numbers == []
    assert "github.com/waybarrios/vllm-mlx" in result.guide.open_source
    numbers = analyze.invented_numbers(result, analyze.grounding_source(paper, text))
    assert numbers == []


async def test_invented_number_is_reasked(paper_and_text, tmp_path):
    paper, text = paper_and_text
    result, statuses = await run(paper, text, tmp_path, ["invent"])
    assert statuses == ["invalid", "ok"] and result.ungrounded_numbers == []


async def test_number_still_invented_is_flagged_not_hidden(paper_and_text, tmp_path):
    paper, text = paper_and_text
    result, statuses = await run(paper, text, tmp_path, ["invent"] * 3)
    assert statuses == ["invalid"] * 3
    assert result.ungrounded_numbers == ["987654.321"]
    assert any("987654.321" in r for r in result.results)
