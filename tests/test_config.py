import re
from pathlib import Path

import pytest

from hfdaily.config import ConfigError, load_settings, setting_names


def test_deepseek_key_alone_is_enough(tmp_path):
    s = load_settings(env={"DEEPSEEK_API_KEY": "sk-1", "HFDAILY_CONFIG": str(tmp_path / "none.toml")})
    assert s.llm_configured and s.llm.base_url.startswith("https://api.deepseek.com") and s.llm.api_key.get_secret_value() == "sk-1"


def test_environment_wins_over_toml(tmp_path):
    path = tmp_path / "hfdaily.toml"
    path.write_text('[llm]\nprovider = "qwen"\nmodel = "qwen-max"\nconcurrency = 3\n[hf]\nendpoint = "https://hf-mirror.com"\n')
    s = load_settings(path, env={"HFDAILY_LLM_CONCURRENCY": "5", "DASHSCOPE_API_KEY": "d"})
    assert (s.llm.model, s.llm.concurrency, s.hf.endpoint, s.llm.api_key.get_secret_value()) == (
        "qwen-max", 5, "https://hf-mirror.com", "d")
    assert "dashscope" in s.llm.base_url
    s = load_settings(path, env={"HF_ENDPOINT": "http://127.0.0.1:1"})
    assert s.hf.endpoint == "http://127.0.0.1:1"


def test_no_llm_says_how_to_configure(tmp_path):
    s = load_settings(env={"HFDAILY_CONFIG": str(tmp_path / "none.toml")})
    with pytest.raises(ConfigError, match="DEEPSEEK_API_KEY"):
        s.require_llm()


@pytest.mark.parametrize("toml, message", [
    ("[llm\n", "not valid TOML"),
    ("[llm]\nconcurrency = 0\n", r"HFDAILY_LLM_CONCURRENCY \(\[llm\] concurrency\) = 0"),
    ("[llm]\nprovider = 'nope'\n", "unknown LLM provider 'nope'.*deepseek, qwen"),
    ("colour = 'red'\n", "unknown setting.*colour"),
    ("[llm]\ncolour = 'red'\n", r"unknown setting.*\[llm\] colour"),
    ("[tts]\nengine = 'espeek'\n", r"HFDAILY_TTS_ENGINE \(\[tts\] engine\) = 'espeek': must be one of auto, edge or espeak"),
    ("[make]\nfont = '/no/such/font.ttc'\n", "HFDAILY_FONT.*no such file"),
    ("[hf]\nendpoint = 'hf-mirror.com'\n", "HF_ENDPOINT.*http"),
    ("[glossary]\nagent = 3\n", r"\[glossary\].*string"),
])
def test_bad_config_is_a_clear_error(tmp_path, toml, message):
    path = tmp_path / "hfdaily.toml"
    path.write_text(toml)
    with pytest.raises(ConfigError, match=message):
        load_settings(path, env={})


def test_missing_config_file_named(tmp_path):
    with pytest.raises(ConfigError, match="does not exist"):
        load_settings(Path(tmp_path / "x.toml"), env={})


def test_every_readme_variable_is_a_setting():
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"`((?:HFDAILY|HF)_[A-Z_]+)`", readme)) - {"HFDAILY_CONFIG"}
    assert documented and documented <= set(setting_names())


@pytest.mark.parametrize("var, value, where", [
    ("HFDAILY_LLM_MODEL", "m", ("llm", "model")),
    ("HFDAILY_TOKEN_BUDGET", "5000", ("analysis", "token_budget")),
    ("HFDAILY_ANALYSIS", "false", ("analysis", "enabled")),
    ("HFDAILY_TREND_DAYS", "7", ("make", "trend_days")),
    ("HFDAILY_TTS_ENGINE", "espeak", ("tts", "engine")),
    ("HFDAILY_LLM_BREAKER", "3", ("llm", "breaker")),
    ("HFDAILY_GITHUB_URL", "https://example.org/me", ("site", "github_url")),
    ("HFDAILY_SITE_URL", "https://example.org/daily", ("site", "url")),
    ("HF_ENDPOINT", "https://hf-mirror.com", ("hf", "endpoint")),
    ("HFDAILY_HF_ENDPOINT", "https://hf-mirror.com", ("hf", "endpoint")),
    # issue 11's bounds, under their flat names, in the nested sections
    ("HFDAILY_MAX_PAPERS", "12", ("hf", "max_papers")),
    ("HFDAILY_MAX_ABSTRACT_CHARS", "3000", ("hf", "max_abstract_chars")),
    ("HFDAILY_TREND_TIMEOUT", "0.5", ("hf", "trend_timeout")),
    ("HFDAILY_TREND_RETRY_HOURS", "2", ("hf", "trend_retry_hours")),
    ("HFDAILY_LOCK_WAIT", "3", ("archive", "lock_wait")),
])
def test_environment_names_keep_working(tmp_path, var, value, where):
    s = load_settings(env={var: value, "HFDAILY_CONFIG": str(tmp_path / "none.toml")})
    got = getattr(getattr(s, where[0]), where[1])
    assert str(got).lower() == value.lower() or (value == "false" and got is False) or got == int(value)


def test_flat_and_sectioned_toml_keys_land_in_the_same_setting(tmp_path):
    path = tmp_path / "hfdaily.toml"
    path.write_text('token_budget = 4000\ngithub_url = "https://example.org"\n[trend]\ndays = 9\n'
                    '[site]\nfeed_days = 12\n[tts]\nvoice = "zh-CN-YunxiNeural"\n')
    s = load_settings(path, env={})
    assert (s.analysis.token_budget, s.site.github_url, s.make.trend_days, s.site.feed_days, s.tts.voice) == (
        4000, "https://example.org", 9, 12, "zh-CN-YunxiNeural")


def test_every_problem_is_named_at_once(tmp_path):
    with pytest.raises(ConfigError) as raised:
        load_settings(env={"HFDAILY_TTS_ENGINE": "espeek", "HFDAILY_LLM_CONCURRENCY": "0",
                           "HFDAILY_CONFIG": str(tmp_path / "none.toml")})
    assert "HFDAILY_TTS_ENGINE" in str(raised.value) and "HFDAILY_LLM_CONCURRENCY" in str(raised.value)


def test_glossary_is_extended_in_the_toml(tmp_path):
    import datetime as dt

    from hfdaily.enrich import analyze, translate
    from hfdaily.models import Paper
    path = tmp_path / "hfdaily.toml"
    path.write_text('[glossary]\nagent = "代理"\n"world model" = "世界模型"\n', encoding="utf-8")
    s = load_settings(path, env={})
    assert s.llm.glossary == {"agent": "代理", "world model": "世界模型"}
    paper = Paper(id="2601.00001", title="T", summary="S", authors=[], published_at=dt.datetime(2026, 1, 1))
    system = translate.messages(paper, s.llm.glossary)[0]["content"]
    assert "agent → 代理" in system and "world model → 世界模型" in system and "agent → 智能体" not in system
    assert "token → 词元" in system  # the built-in terms stay
    assert "world model → 世界模型" in analyze.messages(paper, "text", "HTML", None, s.llm.glossary)[0]["content"]
    # The glossary is part of the prompt, so of the cache key: changing it asks again.
    assert translate.messages(paper, s.llm.glossary) != translate.messages(paper)


def test_rebuild_restores_translations_under_the_key_a_glossary_run_asks_with(tmp_path):
    import datetime as dt

    from hfdaily.enrich.rebuild import rebuild_cache
    from hfdaily.archive.store import Store, cache_key
    from hfdaily.enrich import translate
    from hfdaily.models import DayRecord, Paper, PaperEntry, Translation

    paper = Paper(id="2601.00001", title="T", summary="S", authors=[], published_at=dt.datetime(2026, 1, 1))
    entry = PaperEntry(paper=paper, translation=Translation(title_zh="标题", summary_zh="摘要"),
                       translation_model=f"m/{translate.PROMPT_VERSION}")
    glossary = {"agent": "代理"}
    store = Store(tmp_path / "hfdaily.db")
    try:
        assert rebuild_cache(store, [DayRecord(date=dt.date(2026, 1, 1), papers=[entry])], glossary) == 1
        asked_with = cache_key(translate.TASK, "m", translate.PROMPT_VERSION, translate.messages(paper, glossary))
        assert store.cached_response(asked_with) is not None
        without = cache_key(translate.TASK, "m", translate.PROMPT_VERSION, translate.messages(paper))
        assert store.cached_response(without) is None
    finally:
        store.close()


def test_every_secret_is_a_secret(tmp_path):
    """The LLM key, HF's token and the notify URLs never show in a repr, a log line or an error."""
    env = {"HFDAILY_LLM_API_KEY": "sk-topsecret1", "HF_TOKEN": "hf_topsecret2", "HFDAILY_LLM_MODEL": "m",
           "HFDAILY_LLM_BASE_URL": "https://llm.example/v1", "HFDAILY_NOTIFY": "json://host/topsecret3",
           "HFDAILY_CONFIG": str(tmp_path / "none.toml")}
    s = load_settings(env=env)
    shown = repr(s) + str(s) + s.model_dump_json()
    assert not re.search("topsecret", shown)
    assert (s.llm.api_key.get_secret_value(), s.hf.token.get_secret_value()) == ("sk-topsecret1", "hf_topsecret2")


def test_every_setting_also_has_its_regular_name_and_the_readme_spelling_wins(tmp_path):
    """pydantic-settings reads HFDAILY_<SECTION>_<FIELD> for every setting; the README's other
    spellings are AliasChoices of the same field and win over it, and the environment over the file."""
    path = tmp_path / "hfdaily.toml"
    path.write_text('[hf]\nendpoint = "https://from-the-file.example"\n[analysis]\ntoken_budget = 3000\n')
    s = load_settings(path, env={"HFDAILY_MAKE_TREND_DAYS": "9", "HFDAILY_ANALYSIS_TOKEN_BUDGET": "5000",
                                 "HFDAILY_HF_ENDPOINT": "https://regular.example", "HF_ENDPOINT": "https://readme.example"})
    assert (s.make.trend_days, s.analysis.token_budget, s.hf.endpoint) == (9, 5000, "https://readme.example")
    s = load_settings(path, env={"HFDAILY_TOKEN_BUDGET": "4000", "HFDAILY_ANALYSIS_TOKEN_BUDGET": "5000"})
    assert (s.analysis.token_budget, s.hf.endpoint) == (4000, "https://from-the-file.example")
    with pytest.raises(ConfigError, match=r"HFDAILY_TREND_DAYS \(\[make\] trend_days\) = 'many'"):
        load_settings(path, env={"HFDAILY_MAKE_TREND_DAYS": "many"})
