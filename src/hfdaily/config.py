"""Settings: typed, nested, validated in full before anything is fetched or spent.

Sources, strongest first: values passed in code, the environment, ``hfdaily.toml``. Every setting
has one environment name (``HFDAILY_LLM_MODEL``, ``HFDAILY_TOKEN_BUDGET``, ``HF_ENDPOINT`` …, the
names the README lists) and the same place in the TOML file (``[llm] model = "..."``; the flat
env-style key ``token_budget = 12000`` is accepted too). A bad value is a :class:`ConfigError`
naming the variable, the TOML key and the allowed values; the CLI exits 2 with it.

Named presets fill the LLM base URL and model for the common providers.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Annotated, Any, Literal, get_args

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    model_validator,
)
from pydantic_settings import BaseSettings, SettingsConfigDict

from hfdaily.enrich.budget import DEFAULT_TOKEN_BUDGET
from hfdaily.errors import ConfigError

Provider = Literal["deepseek", "qwen", "glm", "moonshot", "openai", "ollama"]
TTSEngine = Literal["auto", "edge", "espeak"]

# name → (base URL, default model, the provider's own API-key variable)
PRESETS: dict[str, tuple[str, str, str]] = {
    "deepseek": ("https://api.deepseek.com/v1", "deepseek-chat", "DEEPSEEK_API_KEY"),
    "qwen": ("https://dashscope.aliyuncs.com/compatible-mode/v1", "qwen-plus", "DASHSCOPE_API_KEY"),
    "glm": ("https://open.bigmodel.cn/api/paas/v4", "glm-4-flash", "ZHIPUAI_API_KEY"),
    "moonshot": ("https://api.moonshot.cn/v1", "moonshot-v1-32k", "MOONSHOT_API_KEY"),
    "openai": ("https://api.openai.com/v1", "gpt-4o-mini", "OPENAI_API_KEY"),
    "ollama": ("http://127.0.0.1:11434/v1", "qwen2.5:7b", "OLLAMA_API_KEY"),
}
assert set(PRESETS) == set(get_args(Provider))

NO_LLM_HELP = """No LLM is configured. hfdaily talks to any OpenAI-compatible endpoint. Either:
  export DEEPSEEK_API_KEY=sk-...                      # DeepSeek, nothing else needed
  export HFDAILY_LLM_PROVIDER=qwen DASHSCOPE_API_KEY=...   # presets: {presets}
  export HFDAILY_LLM_BASE_URL=https://host/v1 HFDAILY_LLM_MODEL=name HFDAILY_LLM_API_KEY=...
or put the same keys in hfdaily.toml ([llm] base_url / model / api_key / provider),
or run with --no-llm for an untranslated newsletter.
To see a real day made offline with no key first: hfdaily demo   (or: bash run.sh --demo)"""


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


def env(*names: str) -> dict:
    """The environment variables of a setting (the first found wins), when they are not
    ``HFDAILY_<SECTION>_<FIELD>``; ``env()`` with no name: a table set only in hfdaily.toml."""
    return {"json_schema_extra": {"env": list(names)}}


def _http_url(value: str) -> str:
    if not value.startswith(("http://", "https://")):
        raise ValueError("must be an http:// or https:// URL")
    return value.rstrip("/")


HttpURL = Annotated[str, AfterValidator(_http_url)]
HttpURLOrNone = Annotated[str, AfterValidator(lambda v: _http_url(v) if v else v)]  # "" = not set


def _existing_file(value: Path | None) -> Path | None:
    if value is not None and not value.expanduser().is_file():
        raise ValueError("no such file")
    return value.expanduser() if value is not None else None


class LLMSettings(Section):
    provider: Provider | None = None
    base_url: HttpURL | None = None
    api_key: str | None = None
    model: str | None = None
    concurrency: int = Field(8, ge=1, le=256)
    timeout: float = Field(180.0, gt=0)
    max_retries: int = Field(5, ge=0, le=20)
    breaker: int = Field(5, ge=1, le=1000)  # LLM calls failing in a row (after retries) that stop the run
    # The top-level [glossary] table (agent = "智能体"): added to (or overriding) the built-in terms
    # of the translation and analysis prompts, so part of their cache keys.
    glossary: dict[str, str] = Field({}, **env())


class HFSettings(Section):
    endpoint: HttpURL = Field("https://huggingface.co", **env("HF_ENDPOINT", "HFDAILY_HF_ENDPOINT"))
    token: str | None = Field(None, **env("HF_TOKEN", "HFDAILY_HF_TOKEN"))
    retries: int = Field(5, ge=0, le=20)
    # Bounds that only a broken or hostile list reaches (a real day has about 50 papers, arXiv
    # abstracts about 1,900 characters): they cap the time, memory and tokens of one day.
    max_papers: int = Field(300, ge=1, le=100_000, **env("HFDAILY_MAX_PAPERS", "HFDAILY_HF_MAX_PAPERS"))
    max_abstract_chars: int = Field(6000, ge=500, **env("HFDAILY_MAX_ABSTRACT_CHARS", "HFDAILY_HF_MAX_ABSTRACT_CHARS"))
    # Past days' lists (for the trend, an extra): a short timeout per request, and a day HF failed
    # to list is not asked again sooner than this.
    trend_timeout: float = Field(5.0, gt=0, **env("HFDAILY_TREND_TIMEOUT", "HFDAILY_HF_TREND_TIMEOUT"))
    trend_retry_hours: float = Field(6.0, ge=0, **env("HFDAILY_TREND_RETRY_HOURS", "HFDAILY_HF_TREND_RETRY_HOURS"))


class ArxivSettings(Section):
    url: HttpURL = "https://arxiv.org"
    concurrency: int = Field(2, ge=1, le=8)
    figures: bool = Field(True, **env("HFDAILY_FIGURES"))  # each paper's key figure from its HTML full text
    figure_timeout: float = Field(30.0, gt=0, **env("HFDAILY_FIGURE_TIMEOUT"))  # one figure, retries included


class AnalysisSettings(Section):
    enabled: bool = Field(True, **env("HFDAILY_ANALYSIS"))
    token_budget: int = Field(DEFAULT_TOKEN_BUDGET, ge=1000, **env("HFDAILY_TOKEN_BUDGET"))


class MakeSettings(Section):
    trend_days: int = Field(30, ge=0, le=365, **env("HFDAILY_TREND_DAYS"))  # the trend chart and the stats window
    font: Annotated[Path | None, AfterValidator(_existing_file)] = Field(None, **env("HFDAILY_FONT"))


class TTSSettings(Section):
    engine: TTSEngine = "auto"
    voice: str = "zh-CN-XiaoxiaoNeural"


class ArchiveSettings(Section):
    """The output folder itself."""

    # seconds a second writer of the same OUT waits for the first (0: exit 75 at once)
    lock_wait: float = Field(0.0, ge=0, **env("HFDAILY_LOCK_WAIT", "HFDAILY_ARCHIVE_LOCK_WAIT"))


class SiteSettings(Section):
    url: HttpURLOrNone = ""  # public URL of the output folder, for absolute links in the feed
    # The project's page, shown under 订阅渠道, in the footers and the feeds; omitted when unset
    # (no placeholder address).
    github_url: HttpURLOrNone = Field("", **env("HFDAILY_GITHUB_URL"))
    feed_days: int = Field(30, ge=1, le=3650, **env("HFDAILY_FEED_DAYS", "HFDAILY_SITE_FEED_DAYS"))


class NotifySettings(Section):
    """Where the day is pushed; hfdaily.deliver.channels parses and checks both. URLs carry tokens: never shown."""

    urls: SecretStr = Field(SecretStr(""), **env("HFDAILY_NOTIFY"))  # apprise URLs, "name=url", space/comma separated
    table: dict[str, Any] = Field({}, repr=False)  # the [notify] table: defaults and one sub-table per channel


class Settings(BaseSettings):
    """Everything configurable. ``Settings()`` reads nothing: use :func:`load_settings`."""

    model_config = SettingsConfigDict(extra="forbid", validate_assignment=True)

    llm: LLMSettings = LLMSettings()
    hf: HFSettings = HFSettings()
    arxiv: ArxivSettings = ArxivSettings()
    analysis: AnalysisSettings = AnalysisSettings()
    make: MakeSettings = MakeSettings()
    tts: TTSSettings = TTSSettings()
    archive: ArchiveSettings = ArchiveSettings()
    site: SiteSettings = SiteSettings()
    notify: NotifySettings = NotifySettings()

    @model_validator(mode="after")
    def _check_channels(self) -> "Settings":
        if self.notify.urls.get_secret_value() or self.notify.table:
            from hfdaily.deliver.channels import parse_channels

            parse_channels(self.notify.urls.get_secret_value(), self.notify.table)  # a ConfigError names the problem
        return self

    @classmethod
    def settings_customise_sources(cls, settings_cls, init_settings, env_settings, dotenv_settings,
                                   file_secret_settings):
        # The README's variable names follow no single delimiter rule (HFDAILY_TOKEN_BUDGET is
        # [analysis] token_budget, HF_ENDPOINT is [hf] endpoint), so load_settings() resolves the
        # environment and the file through one table of names and passes the values in.
        return (init_settings,)

    @property
    def llm_configured(self) -> bool:
        return bool(self.llm.base_url and self.llm.model)

    def require_llm(self) -> None:
        if not self.llm_configured:
            raise ConfigError(NO_LLM_HELP.format(presets=", ".join(PRESETS)))


# Top-level TOML tables that are one setting each (not a section of settings): table → (section, field).
# [notify] holds the channels (hfdaily.deliver.channels); [glossary] the prompt terms.
_TABLES = {"notify": ("notify", "table"), "glossary": ("llm", "glossary")}


def setting_names() -> dict[str, tuple[str, str]]:
    """Every setting's environment variables → (section, field), the preferred name first."""
    names = {}
    for section, info in Settings.model_fields.items():
        for name, field in info.annotation.model_fields.items():
            extra = field.json_schema_extra or {}
            for var in extra.get("env", [f"HFDAILY_{section}_{name}".upper()]):
                names[var] = (section, name)
    return names


def _describe(section: str, name: str) -> str:
    var = next((v for v, where in setting_names().items() if where == (section, name)), None)
    if var is None:  # a table set only in the file
        return next((f"[{key}]" for key, where in _TABLES.items() if where == (section, name)), f"[{section}] {name}")
    return f"{var} ([{section}] {name})"


def _from_env(env: dict[str, str]) -> dict[str, dict[str, Any]]:
    values: dict[str, dict[str, Any]] = {}
    for var, (section, name) in setting_names().items():
        if env.get(var) not in (None, "") and name not in values.get(section, {}):
            values.setdefault(section, {})[name] = env[var]
    return values


def _from_toml(path: Path) -> dict[str, dict[str, Any]]:
    try:
        table = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path} is not valid TOML: {exc}") from exc
    except OSError as exc:  # a folder named hfdaily.toml, an unreadable file
        raise ConfigError(f"cannot read the config file {path}: {exc.strerror or exc}") from exc
    sections = Settings.model_fields
    by_env = setting_names()
    values: dict[str, dict[str, Any]] = {}
    unknown = []
    for key, value in table.items():
        key = key.replace("-", "_")
        if key in _TABLES and isinstance(value, dict):  # [notify], [glossary]: tables of their own
            section, field = _TABLES[key]
            values.setdefault(section, {})[field] = value
            continue
        if key in sections and isinstance(value, dict):  # [llm] model = ...
            fields = sections[key].annotation.model_fields
            for name, inner in value.items():
                name = name.replace("-", "_")
                if name in fields:
                    values.setdefault(key, {})[name] = inner
                elif (where := by_env.get(f"HFDAILY_{key}_{name}".upper())) is not None:
                    values.setdefault(where[0], {})[where[1]] = inner  # [trend] days = 7 → make.trend_days
                else:
                    unknown.append(f"[{key}] {name}")
        elif isinstance(value, dict) and all(f"HFDAILY_{key}_{n}".upper() in by_env for n in value):
            for name, inner in value.items():  # [token] budget = ... (the env name split as a table)
                section, field = by_env[f"HFDAILY_{key}_{name}".upper()]
                values.setdefault(section, {})[field] = inner
        elif (where := by_env.get(f"HFDAILY_{key}".upper()) or by_env.get(key.upper())) is not None:
            values.setdefault(where[0], {})[where[1]] = value  # token_budget = 12000, hf_endpoint = ...
        else:
            unknown.append(key)
    if unknown:
        raise ConfigError(f"{path}: unknown setting(s) {', '.join(unknown)}; known: "
                          + ", ".join(f"[{s}] {n}" for s, n in setting_names().values()))
    return values


def _merge(*layers: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    merged: dict[str, dict[str, Any]] = {}
    for layer in reversed(layers):  # weakest first, stronger ones overwrite
        for section, fields in layer.items():
            merged.setdefault(section, {}).update(fields)
    return merged


def load_settings(config_path: Path | None = None, env: dict[str, str] | None = None,
                  **overrides: dict[str, Any]) -> Settings:
    """Read and validate every setting (``overrides`` are sections from code or the command line)."""
    env = dict(os.environ if env is None else env)
    path = config_path or Path(env.get("HFDAILY_CONFIG", "hfdaily.toml"))
    if config_path is not None and not path.exists():
        raise ConfigError(f"config file {path} does not exist")
    from_file = _from_toml(path) if path.exists() else {}
    values = _merge(overrides, _from_env(env), from_file)
    _apply_preset(values.setdefault("llm", {}), env)
    try:
        return Settings(**values)
    except ValidationError as exc:
        raise ConfigError(_explain(exc)) from exc


def _explain(exc: ValidationError) -> str:
    problems = []
    for error in exc.errors():
        loc = [str(part) for part in error["loc"]]
        if len(loc) >= 2 and loc[0] in Settings.model_fields:
            what = _describe(loc[0], loc[1])
        else:
            what = ".".join(loc)
        message = error["msg"].removeprefix("Value error, ")
        if error["type"] == "literal_error":
            message = "must be one of " + error["ctx"]["expected"].replace("'", "")
        problems.append(f"{what} = {error.get('input')!r}: {message}")
    return "invalid setting: " + "; ".join(problems)


def _apply_preset(llm: dict[str, Any], env: dict[str, str]) -> None:
    provider = llm.get("provider")
    if provider is None and not llm.get("base_url"):
        # Users of the original bot set only DEEPSEEK_API_KEY; honour any provider key alone.
        provider = next((name for name, (_, _, var) in PRESETS.items() if env.get(var) and name != "ollama"), None)
    if provider is None:
        return
    if provider not in PRESETS:
        raise ConfigError(f"unknown LLM provider {provider!r} (HFDAILY_LLM_PROVIDER, [llm] provider); "
                          f"choose one of {', '.join(PRESETS)}")
    base_url, model, key_var = PRESETS[str(provider)]
    llm["provider"] = provider
    llm.setdefault("base_url", base_url)
    llm.setdefault("model", model)
    if not llm.get("api_key") and env.get(key_var):
        llm["api_key"] = env[key_var]
