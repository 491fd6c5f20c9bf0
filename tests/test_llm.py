"""The LLM layer against the fake server: faults, re-asks, the cache, the call log."""

from __future__ import annotations

import datetime as dt

import pytest

from hfdaily.archive.store import Store
from hfdaily.enrich import translate
from hfdaily.enrich.llm import LLMClient, LLMError, extract_json
from hfdaily.models import Paper, Translation
from hfdaily.testing.fake_llm import FakeLLM
from hfdaily.enrich import numbers

PAPER = Paper(id="2601.11077", title="ABC-Bench: Benchmarking Agentic Backend Coding in Real-World Development",
              summary="We curate 224 practical tasks spanning 8 languages and 19 frameworks. "
                      "State-of-the-art models struggle.", authors=["A"], published_at=dt.datetime(2026, 1, 16))


@pytest.fixture
def store(tmp_path):
    s = Store(tmp_path / "t.db")
    yield s
    s.close()


def client(url: str, store: Store, **kw) -> LLMClient:
    return LLMClient(base_url=url, model="fake", api_key="k", store=store, backoff=0.01, **kw)


def calls(store: Store) -> list[tuple]:
    return [tuple(r) for r in store.db.execute("SELECT task, status, prompt_tokens, completion_tokens FROM llm_calls")]


async def test_translation_is_valid_logged_and_cached(store):
    fake = FakeLLM()
    with fake.serve() as url:
        async with client(url, store) as llm:
            first = await translate.translate(llm, PAPER)
            again = await translate.translate(llm, PAPER)
    assert first == again and fake.requests == 1
    assert not translate.problems(PAPER, first)
    assert {224, 8, 19} <= numbers.statement(first.summary_zh).values
    logged = calls(store)
    assert len(logged) == 1 and logged[0][0] == "translate" and logged[0][1] == "ok" and logged[0][2] > 0


@pytest.mark.parametrize("fault", ["429", "500", "timeout"])
async def test_transient_faults_are_retried(store, fault):
    fake = FakeLLM(faults=[fault])
    with fake.serve() as url:
        async with client(url, store, timeout=1.0) as llm:
            result = await translate.translate(llm, PAPER)
    assert result.title_zh and fake.requests == 2


async def test_garbage_is_reasked_and_logged_as_invalid(store):
    fake = FakeLLM(faults=["garbage"])
    with fake.serve() as url:
        async with client(url, store) as llm:
            await translate.translate(llm, PAPER)
    assert [c[1] for c in calls(store)] == ["invalid", "ok"]


async def test_give_up_after_bounded_reasks(store):
    fake = FakeLLM(faults=["garbage"] * 5)
    with fake.serve() as url:
        async with client(url, store, reasks=2) as llm:
            with pytest.raises(LLMError, match="still invalid after 2 re-asks"):
                await translate.translate(llm, PAPER)
    assert fake.requests == 3


async def test_persistent_server_error_is_one_clear_error(store):
    fake = FakeLLM(faults=["500"] * 10)
    with fake.serve() as url:
        async with client(url, store, retries=2) as llm:
            with pytest.raises(LLMError, match="HTTP 500"):
                await translate.translate(llm, PAPER)
    assert calls(store)[-1][1] == "error"


def test_translation_checks_catch_bad_output():
    ok = Translation(title_zh="ABC-Bench：智能体后端编码基准", summary_zh="我们整理了224项任务，覆盖8种语言和19种框架。最先进的模型仍然表现不佳。")
    assert translate.problems(PAPER, ok) == []
    english = Translation(title_zh="ABC-Bench", summary_zh=PAPER.summary)
    found = translate.problems(PAPER, english)
    assert any("title_zh" in p for p in found) and any("中文比例" in p for p in found)
    dropped = Translation(title_zh="基准", summary_zh="我们整理了许多任务，覆盖多种语言和框架，最先进的模型仍然表现不佳。")
    found = translate.problems(PAPER, dropped)
    assert any("224" in p for p in found) and any("19 frameworks" in p for p in found)


def test_extract_json_tolerates_fences_and_prose():
    assert extract_json('```json\n{"a": 1}\n```') == {"a": 1}
    assert extract_json('Here you go: {"a": {"b": 2}} hope it helps') == {"a": {"b": 2}}
    with pytest.raises(ValueError):
        extract_json("no json here")


async def test_concurrency_is_bounded(store):
    papers = [PAPER.model_copy(update={"id": f"2601.{i:05d}", "title": f"Paper {i}"}) for i in range(12)]
    fake = FakeLLM(latency=0.2)
    with fake.serve() as url:
        async with client(url, store, concurrency=4) as llm:
            import asyncio
            await asyncio.gather(*(translate.translate(llm, p) for p in papers))
    assert llm.stats.peak_in_flight == 4 and llm.stats.calls == 12


async def test_server_without_json_mode_still_works(store):
    fake = FakeLLM(json_mode=False)
    with fake.serve() as url:
        async with client(url, store) as llm:
            first = await translate.translate(llm, PAPER)
            second = await translate.translate(llm, PAPER.model_copy(update={"id": "2601.00002", "title": "Other"}))
    assert first.title_zh and second.title_zh
    assert fake.requests == 3  # one 400, then JSON mode stays off
