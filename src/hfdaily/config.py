"""Settings from an optional ``hfdaily.toml`` and the environment (the environment wins).

Every base URL is configurable so that tests and offline demos can point hfdaily at local
servers; named presets fill the LLM base URL and model for the common providers.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

from pydantic import BaseModel, Field, ValidationError

from hfdaily.errors import ConfigError  # noqa: F401  (re-exported)

# name → (base URL, default model, the provider's own API-key variable)
PRESETS: dict[str, tuple[str, str, str]] = {
    "deepseek": ("https://api.deepseek.com/v1", "deepseek-chat", "DEEPSEEK_API_KEY"),
    "qwen": ("https://dashscope.aliyuncs.com/compatible-mode/v1", "qwen-plus", "DASHSCOPE_API_KEY"),
    "glm": ("https://open.bigmodel.cn/api/paas/v4", "glm-4-flash", "ZHIPUAI_API_KEY"),
    "moonshot": ("https://api.moonshot.cn/v1", "moonshot-v1-32k", "MOONSHOT_API_KEY"),
    "openai": ("https://api.openai.com/v1", "gpt-4o-mini", "OPENAI_API_KEY"),
    "ollama": ("http://127.0.0.1:11434/v1", "qwen2.5:7b", "OLLAMA_API_KEY"),
}

NO_LLM_HELP = """No LLM is configured. hfdaily talks to any OpenAI-compatible endpoint. Either:
  export DEEPSEEK_API_KEY=sk-...                      # DeepSeek, nothing else needed
  export HFDAILY_LLM_PROVIDER=qwen DASHSCOPE_API_KEY=...   # presets: {presets}
  export HFDAILY_LLM_BASE_URL=https://host/v1 HFDAILY_LLM_MODEL=name HFDAILY_LLM_API_KEY=...
or put the same keys in hfdaily.toml ([llm] base_url / model / api_key / provider),
or run with --no-llm for an untranslated newsletter.
To see a real day made offline with no key first: hfdaily demo   (or: bash run.sh --demo)"""


class Settings(BaseModel):
    llm_provider: str | None = None
    llm_base_url: str | None = None
    llm_api_key: str | None = None
    llm_model: str | None = None
    llm_concurrency: int = Field(8, ge=1, le=256)
    llm_timeout: float = Field(180.0, gt=0)
    llm_max_retries: int = Field(5, ge=0, le=20)
    llm_breaker: int = Field(5, ge=1, le=1000)  # LLM calls failing in a row (after retries) that stop the run

    hf_endpoint: str = "https://huggingface.co"
    hf_token: str | None = None
    hf_retries: int = Field(5, ge=0, le=20)

    arxiv_url: str = "https://arxiv.org"
    arxiv_concurrency: int = Field(2, ge=1, le=8)
    token_budget: int = Field(12000, ge=1000)
    analysis: bool = True

    trend_days: int = Field(30, ge=0, le=365)
    font: str | None = None
    tts_engine: str = "auto"
    tts_voice: str = "zh-CN-XiaoxiaoNeural"
    site_url: str = ""  # public URL of the output folder, for absolute links in the feed
    github_url: str = ""  # the project's page, shown under 订阅渠道 and in the feed; omitted when unset
    glossary: dict[str, str] = {}  # [glossary] agent = "智能体": added to (or overriding) the built-in terms

    @property
    def llm_configured(self) -> bool:
        return bool(self.llm_base_url and self.llm_model)

    def require_llm(self) -> None:
        if not self.llm_configured:
            raise ConfigError(NO_LLM_HELP.format(presets=", ".join(PRESETS)))


_TABLES = {"glossary"}  # settings that are tables themselves, not sections


def _flatten(table: dict, prefix: str = "") -> dict[str, object]:
    """``[llm] base_url = ...`` → ``llm_base_url``; top-level keys stay as they are."""
    flat: dict[str, object] = {}
    for key, value in table.items():
        name = f"{prefix}{key}".replace("-", "_")
        if isinstance(value, dict) and name not in _TABLES:
            flat.update(_flatten(value, f"{name}_"))
        else:
            flat[name] = value
    return flat


def load_settings(config_path: Path | None = None, env: dict[str, str] | None = None) -> Settings:
    env = dict(os.environ if env is None else env)
    values: dict[str, object] = {}

    path = config_path or Path(env.get("HFDAILY_CONFIG", "hfdaily.toml"))
    if config_path is not None and not path.exists():
        raise ConfigError(f"config file {path} does not exist")
    if path.exists():
        try:
            values.update(_flatten(tomllib.loads(path.read_text(encoding="utf-8"))))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{path} is not valid TOML: {exc}") from exc
        unknown = set(values) - set(Settings.model_fields)
        if unknown:
            raise ConfigError(f"{path}: unknown setting(s) {', '.join(sorted(unknown))}")

    for name in Settings.model_fields:
        if (value := env.get(f"HFDAILY_{name.upper()}")) not in (None, ""):
            values[name] = value
    for plain in ("HF_ENDPOINT", "HF_TOKEN"):
        if env.get(plain):
            values[plain.lower()] = env[plain]

    _apply_preset(values, env)
    try:
        return Settings.model_validate(values)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise ConfigError(f"invalid setting: {problems}") from exc


def _apply_preset(values: dict[str, object], env: dict[str, str]) -> None:
    provider = values.get("llm_provider")
    if provider is None and not values.get("llm_base_url"):
        # Users of the original bot set only DEEPSEEK_API_KEY; honour any provider key alone.
        provider = next((name for name, (_, _, var) in PRESETS.items() if env.get(var) and name != "ollama"), None)
    if provider is None:
        return
    if provider not in PRESETS:
        raise ConfigError(f"unknown LLM provider {provider!r}; choose one of {', '.join(PRESETS)}")
    base_url, model, key_var = PRESETS[str(provider)]
    values["llm_provider"] = provider
    values.setdefault("llm_base_url", base_url)
    values.setdefault("llm_model", model)
    if not values.get("llm_api_key") and env.get(key_var):
        values["llm_api_key"] = env[key_var]
