"""The LLM providers hfdaily has presets for: endpoint, default model, key variable, and how each
one's API is told whether to think.

Every request states its reasoning mode in the form the provider documents, because the
defaults moved under us: DeepSeek's V4 models think unless told not to (several times the output
tokens, and a ``reasoning_content`` beside the answer), and so do Kimi K2.6 and GLM-4.7. The
translation never thinks; the analysis thinks when ``[llm] thinking`` (HFDAILY_LLM_THINKING) says so.

Each entry names the page it was checked against and the date. No provider can be called from
where this was written, so these are what the documentation said then; ``hfdaily doctor`` asks
the real endpoint (one request, max_tokens 1) before a scheduled run relies on them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

CHECKED = "2026-12-05"


def _thinking_object(on: bool) -> dict:
    return {"thinking": {"type": "enabled" if on else "disabled"}}


def _enable_thinking(on: bool) -> dict:
    return {"enable_thinking": on}


def _reasoning_effort(off: str, on: str) -> Callable[[bool], dict]:
    return lambda thinking: {"reasoning_effort": on if thinking else off}


@dataclass(frozen=True)
class Provider:
    name: str
    base_url: str
    model: str
    key_variable: str
    reasoning: Callable[[bool], dict]  # thinking on/off → the request fields that say so
    docs: tuple[str, ...]  # the pages the preset was checked against (on CHECKED)
    temperature: bool = True  # False: the API fixes sampling itself (or rejects it with thinking)
    hosts: tuple[str, ...] = ()  # a base URL on one of these hosts is this provider even without a preset


PROVIDERS: dict[str, Provider] = {p.name: p for p in (
    # deepseek-chat / deepseek-reasoner were retired on 2026-07-24 (HTTP 400 "Model Not Exist");
    # the pricing page says to use deepseek-flash (deepseek-v4-flash still answers, served by
    # V4.1-Flash). Thinking is on by default; {"thinking": {"type": "disabled"}} turns it off.
    # Thinking mode ignores temperature (accepted, without effect).
    Provider("deepseek", "https://api.deepseek.com", "deepseek-flash", "DEEPSEEK_API_KEY", _thinking_object,
             ("https://api-docs.deepseek.com/zh-cn/quick_start/pricing",
              "https://api-docs.deepseek.com/guides/thinking_mode",
              "https://api-docs.deepseek.com/quick_start/error_codes"),
             hosts=("api.deepseek.com",)),
    # qwen-plus is hybrid (thinking off by default); enable_thinking, a top-level field of the
    # OpenAI-compatible body, switches it.
    Provider("qwen", "https://dashscope.aliyuncs.com/compatible-mode/v1", "qwen-plus", "DASHSCOPE_API_KEY",
             _enable_thinking, ("https://help.aliyun.com/zh/model-studio/deep-thinking",),
             hosts=("dashscope.aliyuncs.com", "dashscope-intl.aliyuncs.com")),
    # glm-4-flash is gone from the model pages; GLM-4.5-Flash was retired on 2026-01-30 and routed
    # to GLM-4.7-Flash, the free model now. thinking.type enabled/disabled (on by default).
    Provider("glm", "https://open.bigmodel.cn/api/paas/v4", "glm-4.7-flash", "ZHIPUAI_API_KEY", _thinking_object,
             ("https://docs.bigmodel.cn/cn/guide/models/free/glm-4.7-flash",
              "https://docs.bigmodel.cn/cn/guide/models/free/glm-4.5-flash"),
             hosts=("open.bigmodel.cn",)),
    # kimi-k2.6 thinks by default and is turned off with {"thinking": {"type": "disabled"}};
    # sampling parameters of kimi-* models are fixed by the platform, so none is sent.
    # (moonshot-v1-32k is still listed, but is the previous generation.)
    Provider("moonshot", "https://api.moonshot.cn/v1", "kimi-k2.6", "MOONSHOT_API_KEY", _thinking_object,
             ("https://platform.moonshot.cn/docs/guide/use-kimi-k2-thinking-model",
              "https://platform.moonshot.cn/docs/api/chat"),
             temperature=False, hosts=("api.moonshot.cn", "api.moonshot.ai")),
    # gpt-4o-mini is a generation behind; gpt-5.4-mini accepts reasoning_effort "none" (no
    # reasoning). Reasoning models reject a non-default temperature, so none is sent.
    Provider("openai", "https://api.openai.com/v1", "gpt-5.4-mini", "OPENAI_API_KEY",
             _reasoning_effort("none", "medium"),
             ("https://platform.openai.com/docs/models/gpt-5.4-mini",
              "https://platform.openai.com/docs/api-reference/chat/create#chat-create-reasoning_effort"),
             temperature=False, hosts=("api.openai.com",)),
    # Ollama's /v1/chat/completions reads reasoning_effort ("none" turns a thinking model's
    # thinking off); qwen2.5:7b does not think, so "none" is what it does anyway.
    Provider("ollama", "http://127.0.0.1:11434/v1", "qwen2.5:7b", "OLLAMA_API_KEY",
             _reasoning_effort("none", "high"), ("https://docs.ollama.com/api/openai-compatibility",),
             hosts=("127.0.0.1:11434", "localhost:11434")),
)}


def provider_for(name: str | None, base_url: str | None) -> Provider | None:
    """The provider a configuration talks to: its preset, else the one whose host the base URL names
    (HFDAILY_LLM_BASE_URL=https://api.deepseek.com with no preset is still DeepSeek)."""
    if name in PROVIDERS:
        return PROVIDERS[name]
    if base_url:
        netloc = urlsplit(base_url).netloc.rpartition("@")[2].lower()
        host = netloc.split(":")[0]
        for provider in PROVIDERS.values():
            if netloc in provider.hosts or host in provider.hosts:
                return provider
    return None
