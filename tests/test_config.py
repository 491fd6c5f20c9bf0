from pathlib import Path

import pytest

from hfdaily.config import ConfigError, load_settings


def test_deepseek_key_alone_is_enough(tmp_path):
    s = load_settings(env={"DEEPSEEK_API_KEY": "sk-1", "HFDAILY_CONFIG": str(tmp_path / "none.toml")})
    assert s.llm_configured and s.llm_base_url.startswith("https://api.deepseek.com") and s.llm_api_key == "sk-1"


def test_environment_wins_over_toml(tmp_path):
    path = tmp_path / "hfdaily.toml"
    path.write_text('[llm]\nprovider = "qwen"\nmodel = "qwen-max"\nconcurrency = 3\n[hf]\nendpoint = "https://hf-mirror.com"\n')
    s = load_settings(path, env={"HFDAILY_LLM_CONCURRENCY": "5", "DASHSCOPE_API_KEY": "d"})
    assert (s.llm_model, s.llm_concurrency, s.hf_endpoint, s.llm_api_key) == ("qwen-max", 5, "https://hf-mirror.com", "d")
    assert "dashscope" in s.llm_base_url
    s = load_settings(path, env={"HF_ENDPOINT": "http://127.0.0.1:1"})
    assert s.hf_endpoint == "http://127.0.0.1:1"


def test_no_llm_says_how_to_configure(tmp_path):
    s = load_settings(env={"HFDAILY_CONFIG": str(tmp_path / "none.toml")})
    with pytest.raises(ConfigError, match="DEEPSEEK_API_KEY"):
        s.require_llm()


@pytest.mark.parametrize("toml, message", [
    ("[llm\n", "not valid TOML"),
    ("[llm]\nconcurrency = 0\n", "llm_concurrency"),
    ("[llm]\nprovider = 'nope'\n", "unknown LLM provider"),
    ("colour = 'red'\n", "unknown setting"),
])
def test_bad_config_is_a_clear_error(tmp_path, toml, message):
    path = tmp_path / "hfdaily.toml"
    path.write_text(toml)
    with pytest.raises(ConfigError, match=message):
        load_settings(path, env={})


def test_missing_config_file_named(tmp_path):
    with pytest.raises(ConfigError, match="does not exist"):
        load_settings(Path(tmp_path / "x.toml"), env={})


def test_glossary_is_extended_in_the_toml(tmp_path):
    from hfdaily.enrich import analyze, translate
    from hfdaily.models import Paper
    import datetime as dt
    path = tmp_path / "hfdaily.toml"
    path.write_text('[glossary]\nagent = "代理"\n"world model" = "世界模型"\n', encoding="utf-8")
    s = load_settings(path, env={})
    assert s.glossary == {"agent": "代理", "world model": "世界模型"}
    paper = Paper(id="2601.00001", title="T", summary="S", authors=[], published_at=dt.datetime(2026, 1, 1))
    system = translate.messages(paper, s.glossary)[0]["content"]
    assert "agent → 代理" in system and "world model → 世界模型" in system and "agent → 智能体" not in system
    assert "token → 词元" in system  # the built-in terms stay
    assert "world model → 世界模型" in analyze.messages(paper, "text", "HTML", None, s.glossary)[0]["content"]
    # The glossary is part of the prompt, so of the cache key: changing it asks again.
    assert translate.messages(paper, s.glossary) != translate.messages(paper)
