import re
from pathlib import Path

import pytest

from hfdaily.config import ConfigError, load_settings, setting_names


def test_deepseek_key_alone_is_enough(tmp_path):
    s = load_settings(env={"DEEPSEEK_API_KEY": "sk-1", "HFDAILY_CONFIG": str(tmp_path / "none.toml")})
    assert s.llm_configured and s.llm.base_url.startswith("https://api.deepseek.com") and s.llm.api_key == "sk-1"


def test_environment_wins_over_toml(tmp_path):
    path = tmp_path / "hfdaily.toml"
    path.write_text('[llm]\nprovider = "qwen"\nmodel = "qwen-max"\nconcurrency = 3\n[hf]\nendpoint = "https://hf-mirror.com"\n')
    s = load_settings(path, env={"HFDAILY_LLM_CONCURRENCY": "5", "DASHSCOPE_API_KEY": "d"})
    assert (s.llm.model, s.llm.concurrency, s.hf.endpoint, s.llm.api_key) == ("qwen-max", 5, "https://hf-mirror.com", "d")
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
