"""The presets against what each provider documents today (issue 14): DeepSeek through a stand-in
that answers as its API now does; the others through what their requests must say."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from hfdaily.archive.store import Store
from hfdaily.cli import cli
from hfdaily.config import PRESETS, load_settings
from hfdaily.enrich.llm import LLMClient
from hfdaily.enrich.providers import CHECKED, PROVIDERS, provider_for
from hfdaily.testing.arxiv_server import serve_arxiv
from hfdaily.testing.deepseek_llm import REASONING_MARK, DeepSeekStandIn
from hfdaily.testing.hf_server import FakeHF

DAY = "2026-01-20"  # the bundled real day: four papers, real answers


def deepseek_env(tmp_path: Path, hf_url: str, arxiv_url: str, ds_url: str, **more: str) -> dict[str, str]:
    """What a DeepSeek user sets (the key; the preset does the rest), pointed at the stand-ins."""
    return {"DEEPSEEK_API_KEY": "sk-test-0123456789", "HFDAILY_LLM_PROVIDER": "deepseek",
            "HFDAILY_LLM_BASE_URL": ds_url, "HF_ENDPOINT": hf_url, "HFDAILY_ARXIV_URL": arxiv_url,
            "HFDAILY_TREND_DAYS": "0", "HFDAILY_HF_RETRIES": "0", "HFDAILY_TTS_ENGINE": "espeak",
            "HFDAILY_CONFIG": str(tmp_path / "absent.toml"), "HFDAILY_LLM_MODEL": "", **more}


@pytest.fixture
def deepseek_world(fixtures_dir, tmp_path):
    def make(**standin):
        return DeepSeekStandIn(api_key="sk-test-0123456789", **standin)
    hf = FakeHF(fixtures_dir / "hf_daily_papers")
    with hf.serve() as hf_url, serve_arxiv(fixtures_dir) as arxiv_url:
        yield make, hf_url, arxiv_url


def _run(tmp_path, hf_url, arxiv_url, standin, *args, **more):
    with standin.serve() as ds_url:
        env = deepseek_env(tmp_path, hf_url, arxiv_url, ds_url, **more)
        env = {k: v for k, v in env.items() if v != ""}
        return CliRunner().invoke(cli, ["run", "--out", str(tmp_path / "out"), "-q", "--date", DAY,
                                        "--no-pictures", "--no-audio", *args], env=env)


def test_the_deepseek_preset_names_a_model_deepseek_serves_today():
    settings = load_settings(env={"DEEPSEEK_API_KEY": "sk-x", "HFDAILY_CONFIG": "/nonexistent/absent.toml"})
    assert settings.llm.provider == "deepseek" and settings.llm.model == "deepseek-flash"
    assert settings.llm.model not in ("deepseek-chat", "deepseek-reasoner")
    assert settings.llm.thinking is False  # the default: the analysis does not think


def test_a_deepseek_day_states_its_mode_and_no_reasoning_reaches_an_output(deepseek_world, tmp_path):
    make, hf_url, arxiv_url = deepseek_world
    standin = make()
    result = _run(tmp_path, hf_url, arxiv_url, standin)
    assert result.exit_code == 0, result.output
    assert standin.requests >= 8  # four translations, four analyses (and any re-ask)
    assert all(body["model"] == "deepseek-flash" for body in standin.bodies)
    assert all(body["thinking"] == {"type": "disabled"} for body in standin.bodies)
    out = tmp_path / "out"
    for path in out.rglob("*"):
        if path.is_file() and path.suffix in (".md", ".html", ".json", ".xml", ".txt"):
            assert REASONING_MARK not in path.read_text(encoding="utf-8", errors="replace"), path
    record = json.loads((out / "data" / f"{DAY}.json").read_text())
    assert all(e["translation"] and e["analysis"] for e in record["papers"])
    assert record["usage"]["reasoning_tokens"] == 0


def test_thinking_on_thinks_for_the_analysis_only_and_its_tokens_are_counted_apart(deepseek_world, tmp_path):
    make, hf_url, arxiv_url = deepseek_world
    standin = make()
    result = _run(tmp_path, hf_url, arxiv_url, standin, HFDAILY_LLM_THINKING="on")
    assert result.exit_code == 0, result.output
    modes = {(("innovations" in b["messages"][0]["content"]), b["thinking"]["type"]) for b in standin.bodies}
    assert modes == {(False, "disabled"), (True, "enabled")}  # translation never thinks
    out = tmp_path / "out"
    record = json.loads((out / "data" / f"{DAY}.json").read_text())
    assert record["usage"]["reasoning_tokens"] > 0
    assert record["usage"]["reasoning_tokens"] < record["usage"]["completion_tokens"]
    for path in (out / "reports").iterdir():
        assert REASONING_MARK not in path.read_text(encoding="utf-8")
    con = sqlite3.connect(out / "hfdaily.db")
    rows = con.execute("SELECT task, reasoning_tokens FROM llm_calls").fetchall()
    con.close()
    assert {task for task, tokens in rows if tokens} == {"analyse"}
    logs = CliRunner().invoke(cli, ["logs", "--out", str(out)])
    assert "reasoning=" in logs.output and "reasoning)" in logs.output


@pytest.mark.parametrize("model", ["deepseek-chat", "deepseek-reasoner"])
def test_a_retired_model_stops_the_run_at_the_first_request(deepseek_world, tmp_path, model):
    make, hf_url, arxiv_url = deepseek_world
    standin = make()
    result = _run(tmp_path, hf_url, arxiv_url, standin, HFDAILY_LLM_MODEL=model)
    assert result.exit_code == 1
    assert standin.requests == 1
    assert "Model Not Exist" in result.output and repr(model) in result.output
    assert "HFDAILY_LLM_MODEL" in result.output and "deepseek-flash" in result.output  # the endpoint's list
    assert "sk-test-0123456789" not in result.output
    out = tmp_path / "out"
    assert not (out / "newsletters").exists() and not (out / "site").exists()  # nothing published


def test_an_empty_balance_stops_the_run_at_the_first_request(deepseek_world, tmp_path):
    make, hf_url, arxiv_url = deepseek_world
    standin = make(balance=False)
    result = _run(tmp_path, hf_url, arxiv_url, standin)
    assert result.exit_code == 1 and standin.requests == 1
    assert "402" in result.output and "Insufficient Balance" in result.output and "DEEPSEEK_API_KEY" in result.output
    assert not (tmp_path / "out" / "newsletters").exists()


def test_a_request_rejected_every_time_stops_after_three(deepseek_world, tmp_path, monkeypatch):
    make, hf_url, arxiv_url = deepseek_world
    standin = make()
    # A gateway in front of DeepSeek that does not know the thinking field rejects every request.
    original = standin.chat
    monkeypatch.setattr(standin, "chat", lambda body, auth: (original(body, auth), (422, json.dumps(
        {"error": {"message": "Invalid Parameters: unknown field thinking"}}).encode()))[1])
    result = _run(tmp_path, hf_url, arxiv_url, standin)
    assert result.exit_code == 1 and standin.requests == 3
    assert "rejected the first 3 requests" in result.output and "HFDAILY_LLM_MODEL" in result.output
    assert not (tmp_path / "out" / "newsletters").exists()


def test_one_paper_rejected_after_others_succeeded_is_per_paper(tmp_path):
    """A 400 after the endpoint has answered is about that request (a prompt it refuses): 待补, not fatal."""
    standin = DeepSeekStandIn()
    original = standin.chat

    def refuse_one(body, auth):
        if "Bad Paper" in json.dumps(body, ensure_ascii=False):
            original(body, auth)
            return 400, b'{"error": {"message": "Content Exists Risk"}}'
        return original(body, auth)

    standin.chat = refuse_one
    from hfdaily.enrich.translate import translate
    from hfdaily.errors import LLMError
    from hfdaily.models import Paper

    def paper(i: int, title: str) -> Paper:
        return Paper(id=f"2601.0000{i}", title=title, summary="We study things. " * 10, authors=["A"],
                     published_at="2026-01-20T00:00:00Z", upvotes=1)

    async def go(url):
        store = Store(tmp_path / "s.db")
        async with LLMClient(base_url=url, model="deepseek-flash", api_key=None, store=store,
                             provider=PROVIDERS["deepseek"], backoff=0.01) as llm:
            good = await translate(llm, paper(1, "Good Paper"))
            for _ in range(4):
                with pytest.raises(LLMError) as err:
                    await translate(llm, paper(2, "Bad Paper"))
                assert "Content Exists Risk" in str(err.value)
            assert await translate(llm, paper(3, "Another Good Paper"))
        return good

    with standin.serve() as url:
        assert asyncio.run(go(url)).summary_zh


# --- every preset: the request says the mode as its provider documents ------------------------

EXPECTED = {
    "deepseek": ({"thinking": {"type": "disabled"}}, {"thinking": {"type": "enabled"}}),
    "qwen": ({"enable_thinking": False}, {"enable_thinking": True}),
    "glm": ({"thinking": {"type": "disabled"}}, {"thinking": {"type": "enabled"}}),
    "moonshot": ({"thinking": {"type": "disabled"}}, {"thinking": {"type": "enabled"}}),
    "openai": ({"reasoning_effort": "none"}, {"reasoning_effort": "medium"}),
    "ollama": ({"reasoning_effort": "none"}, {"reasoning_effort": "high"}),
}


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_every_preset_states_the_reasoning_mode_in_its_providers_form(name, tmp_path):
    provider = PROVIDERS[name]
    off, on = EXPECTED[name]
    llm = LLMClient(base_url=provider.base_url, model=provider.model, api_key=None, store=Store(tmp_path / "s.db"),
                    provider=provider)
    body_off, body_on = llm.body([{"role": "user", "content": "x"}]), llm.body([], thinking=True)
    assert {k: body_off[k] for k in off} == off and {k: body_on[k] for k in on} == on
    # kimi-* and OpenAI's reasoning models fix sampling themselves: no temperature is sent there
    assert ("temperature" in body_off) == (name not in ("moonshot", "openai"))
    assert provider.docs and all(url.startswith("https://") for url in provider.docs) and CHECKED == "2026-12-05"
    assert provider_for(None, provider.base_url) is provider  # a bare base URL is recognised too


def test_current_model_names_per_provider_docs():
    assert PRESETS["deepseek"][1] == "deepseek-flash"
    assert PRESETS["glm"][1] == "glm-4.7-flash"  # glm-4-flash / glm-4.5-flash are retired
    assert PRESETS["moonshot"][1] == "kimi-k2.6"
    assert PRESETS["openai"][1] == "gpt-5.4-mini"
    assert PRESETS["qwen"][1] == "qwen-plus"


def test_an_unknown_endpoint_gets_no_provider_field(tmp_path):
    llm = LLMClient(base_url="http://127.0.0.1:9/v1", model="m", api_key=None, store=Store(tmp_path / "s.db"),
                    provider=provider_for(None, "http://127.0.0.1:9/v1"))
    assert llm.body([]) == {"model": "m", "messages": [], "temperature": 0.2}
