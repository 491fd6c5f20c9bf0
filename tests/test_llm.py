"""The LLM layer against the fake server: faults, re-asks, the cache, the call log."""

from __future__ import annotations

import datetime as dt

import pytest

from hfdaily.archive.store import Store
from hfdaily.enrich import translate
from hfdaily.enrich.llm import LLMClient, LLMError, extract_json
from hfdaily.models import Paper, Translation
from hfdaily.testing.fake_llm import FakeLLM

PAPER = Paper(id="2601.11077", title="ABC-Bench: Benchmarking Agentic Backend Coding in Real-World Development",
              summary="We curate 224 practical tasks spanning 8 languages and 19 frameworks. "
                      "State-of-the-art models struggle.", authors=["A"], published_at=dt.datetime(2026, 1, 16))


@pytest.fixture
def store(tmp_path):
    s = Store(tmp_path / "t.db")
    yield s
    s.close()


def client(url: str, store: Store, model: str = "fake", **kw) -> LLMClient:
    return LLMClient(base_url=url, model=model, api_key="k", store=store, backoff=0.01, **kw)


def calls(store: Store) -> list[tuple]:
    return [tuple(r) for r in store.db.execute("SELECT task, status, prompt_tokens, completion_tokens FROM llm_calls")]


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


# --- real papers, real Chinese: shapes, faults, failures --------------------------------------

@pytest.fixture(scope="module")
def real_day(fixtures_dir):
    from recorded import load_fixture_day
    return {e.paper.id: e.paper for e in load_fixture_day(fixtures_dir, "2026-01-20").papers}


@pytest.fixture(scope="module")
def real_translations(seeds_dir):
    from hfdaily.testing.fake_llm import real_answers
    return real_answers()[1]


async def test_a_real_translation_is_kept_logged_with_the_servers_token_counts_and_cached(store, real_day,
                                                                                       real_translations):
    """Seed 000's real answer for ABC-Bench: the client keeps it as sent, logs the usage the server
    reported (not a count of its own) and answers the same question again from the cache."""
    paper, real = real_day["2601.11077"], real_translations["2601.11077"]
    fake = FakeLLM()
    reported, reply = [], fake._reply
    fake._reply = lambda body, text: reported.append(reply(body, text)) or reported[-1]
    with fake.serve() as url:
        async with client(url, store) as llm:
            first = await translate.translate(llm, paper)
            again = await translate.translate(llm, paper)
    assert (first.title_zh, first.summary_zh) == (real["title_zh"], real["summary_zh"]) and first.problems == []
    assert first == again and fake.requests == 1
    (usage,) = [r["usage"] for r in reported]
    assert calls(store) == [("translate", "ok", usage["prompt_tokens"], usage["completion_tokens"])]


@pytest.mark.parametrize("shape", ["think", "newline", "quotes", "trailing_comma", "zh_keys", "wrapper", "fenced"])
@pytest.mark.parametrize("json_mode", [True, False])
async def test_every_real_answer_shape_keeps_its_translation(store, real_day, real_translations, shape, json_mode):
    """Seed 000's real translation of each paper, sent in the shapes real servers send: no re-ask, no loss."""
    fake = FakeLLM(faults=[shape] * 4, json_mode=json_mode)
    with fake.serve() as url:
        async with client(url, store) as llm:
            for paper_id, paper in real_day.items():
                result = await translate.translate(llm, paper)
                real = real_translations[paper_id]
                assert result.title_zh == real["title_zh"]
                quotes_fixed = real["summary_zh"].replace("“", '"').replace("”", '"')
                assert result.summary_zh.replace("\n", "") in (real["summary_zh"], quotes_fixed) or \
                    "重点" in result.summary_zh
                assert result.problems == []
    assert [c[1] for c in calls(store)] == ["ok"] * 4  # accepted as they are, no re-ask


def test_think_block_with_braces_before_the_answer():
    content = ('<think>\n格式是 {"title_zh": "..."}，还要注意 {K} 与 }{ 这样的符号。\n</think>\n\n'
               '{"title_zh": "多路思维", "summary_zh": "我们提出多路思维。"}')
    assert extract_json(content) == {"title_zh": "多路思维", "summary_zh": "我们提出多路思维。"}
    # A server that strips the opening tag but leaves the closing one.
    assert extract_json('想一想 {x}\n</think>{"a": 1}') == {"a": 1}


async def test_schema_failure_after_repair_is_reasked(store):
    fake = FakeLLM(faults=["garbage"])
    with fake.serve() as url:
        async with client(url, store) as llm:
            await translate.translate(llm, PAPER)
    first_error = store.db.execute("SELECT error FROM llm_calls ORDER BY id").fetchone()[0]
    assert "没有 JSON 对象" in first_error


async def test_lost_number_is_reasked_in_context_then_kept_and_flagged(store, real_day):
    paper = real_day["2601.11077"]  # ABC-Bench: "224 practical tasks spanning 8 languages and 19 frameworks"
    fake = FakeLLM(faults=["lose"])
    with fake.serve() as url:
        async with client(url, store) as llm:
            fixed = await translate.translate(llm, paper)
    assert fixed.problems == [] and [c[1] for c in calls(store)] == ["invalid", "ok"]
    reask = store.db.execute("SELECT error FROM llm_calls ORDER BY id").fetchone()[0]
    assert reask == "原文摘要 “practical tasks spanning 8 languages and 19” 中的 8 在译文中找不到"

    fake = FakeLLM(faults=["lose"] * 3)
    with fake.serve() as url:
        async with client(url, store, model="other") as llm:
            kept = await translate.translate(llm, paper)
    assert "若干" in kept.summary_zh and kept.problems and "中的 8 在译文中找不到" in kept.problems[0]


@pytest.mark.parametrize("fault", ["empty_choices", "no_choices", "html200"])
async def test_a_200_without_a_completion_is_retried(store, fault):
    fake = FakeLLM(faults=[fault, fault])
    with fake.serve() as url:
        async with client(url, store) as llm:
            result = await translate.translate(llm, PAPER)
    assert result.title_zh and fake.requests == 3


async def test_timeout_bounds_the_whole_call(store):
    import time
    fake = FakeLLM(faults=["drip"])
    started = time.monotonic()
    with fake.serve() as url:
        async with client(url, store, timeout=1.5) as llm:
            result = await translate.translate(llm, PAPER)
    assert result.title_zh and fake.requests == 2
    assert time.monotonic() - started < 6  # not one read timeout per byte


@pytest.mark.parametrize("fault", ["401", "403"])
async def test_refused_key_stops_at_once_and_is_redacted(store, fault):
    from hfdaily.enrich.llm import LLMUnavailableError
    fake = FakeLLM(faults=[fault] * 10)
    with fake.serve() as url:
        async with LLMClient(base_url=url, model="fake", api_key="sk-secret-1234567890abcdef", store=store,
                             backoff=0.01, key_variable="DEEPSEEK_API_KEY") as llm:
            with pytest.raises(LLMUnavailableError) as raised:
                await translate.translate(llm, PAPER)
            with pytest.raises(LLMUnavailableError):  # every later call fails fast, without a request
                await translate.translate(llm, PAPER.model_copy(update={"id": "2601.00009"}))
    assert fake.requests == 1
    message = str(raised.value)
    assert f"HTTP {fault}" in message and "DEEPSEEK_API_KEY" in message and url in message
    stored = " ".join(r[0] or "" for r in store.db.execute("SELECT error FROM llm_calls"))
    assert "sk-secret" not in message + stored and "1234567890abcdef" not in stored


async def test_unreachable_endpoint_stops_at_once(store):
    import socket

    from hfdaily.enrich.llm import LLMUnavailableError
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nothing listens here once closed
    async with client(f"http://user:hunter2pass@127.0.0.1:{port}/v1", store) as llm:
        with pytest.raises(LLMUnavailableError, match="HFDAILY_LLM_BASE_URL") as raised:
            await translate.translate(llm, PAPER)
    assert "hunter2pass" not in str(raised.value)


async def test_circuit_breaker_fails_the_rest_fast(store):
    import asyncio

    from hfdaily.enrich.llm import LLMUnavailableError
    fake = FakeLLM(faults=["500"] * 100)
    papers = [PAPER.model_copy(update={"id": f"2601.{i:05d}", "title": f"Paper {i}"}) for i in range(20)]
    with fake.serve() as url:
        async with client(url, store, retries=0, breaker=3, concurrency=1) as llm:
            results = await asyncio.gather(*(translate.translate(llm, p) for p in papers), return_exceptions=True)
    assert sum(isinstance(r, LLMUnavailableError) for r in results) == 18  # the third trips it
    assert fake.requests == 3  # three calls failed in a row, then no request at all
    assert "3 LLM calls in a row failed" in str(next(r for r in results if isinstance(r, LLMUnavailableError)))


def test_redact_keys_tokens_and_userinfo():
    from hfdaily.enrich.llm import redact
    text = ('{"error": "Incorrect API key provided: Bearer sk-abcdefghijklmnop1234"} '
            'https://me:pa55word@llm.example/v1 api_key=zzz token: hf_abcdefghijkl')
    clean = redact(text, ("zzz",))
    for secret in ("sk-abcdefghijklmnop1234", "pa55word", "zzz", "hf_abcdefghijkl"):
        assert secret not in clean
    assert "https://***@llm.example/v1" in clean


def test_an_untranslatable_title_is_fine_and_an_english_one_is_kept_flagged():
    name_only = PAPER.model_copy(update={"title": "Qwen3"})
    ok = Translation(title_zh="Qwen3", summary_zh="我们整理了224项任务，覆盖8种语言和19种框架。最先进的模型仍然表现不佳。")
    assert translate.problems(name_only, ok) == []
    english_title = ok.model_copy(update={"title_zh": PAPER.title})
    assert translate.problems(PAPER, english_title) == ["title_zh 不是中文"]
    assert translate.unusable(PAPER, english_title) == []  # kept after the re-asks, flagged


async def test_recorded_model_outputs_are_replayed_as_written(store, real_day, real_translations):
    """The fake can send back recorded real outputs for their papers (what a replay of real days uses)."""
    from hfdaily.testing.fake_llm import shaped
    raw = shaped(dict(real_translations["2601.10387"]), "think")
    fake = FakeLLM(replay={"2601.10387": {"translate": raw}})
    with fake.serve() as url:
        async with client(url, store) as llm:
            result = await translate.translate(llm, real_day["2601.10387"])
    assert result.summary_zh == real_translations["2601.10387"]["summary_zh"] and result.problems == []
    assert store.db.execute("SELECT response FROM llm_calls").fetchone()[0] == raw


@pytest.mark.parametrize("wrapped", [
    {"translation": {"标题": "多路思维", "摘要": "我们提出多路思维。"}},
    {"status": "ok", "data": {"result": {"title_zh": "多路思维", "summary_zh": "我们提出多路思维。"}}},
])
def test_wrappers_and_aliases(wrapped):
    import json

    from hfdaily.enrich.llm import parse_answer
    value = parse_answer(json.dumps(wrapped, ensure_ascii=False), Translation, translate.ALIASES)
    assert (value.title_zh, value.summary_zh) == ("多路思维", "我们提出多路思维。")
