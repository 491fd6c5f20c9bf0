"""An async client for any OpenAI-compatible chat endpoint, with JSON output validated by pydantic.

- bounded concurrency (a semaphore), retries with backoff + jitter that honour ``Retry-After``;
- a cache in the store keyed by (task, model, prompt version, messages): the same input never
  costs a second call, and the answer is stored the moment it arrives;
- every call (including re-asks and failures) is logged with its tokens and latency;
- invalid output (not JSON, wrong shape, failed checks) is re-asked, a bounded number of times.
"""

from __future__ import annotations

import asyncio
import contextvars
import datetime as dt
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

import httpx
from pydantic import BaseModel, ValidationError

from hfdaily.archive.store import Store, cache_key
from hfdaily.errors import LLMError  # noqa: F401  (re-exported)
from hfdaily.http import (
    REQUEST_FAILURES,
    USER_AGENT,
    check_retryable,
    describe,
    retrying,
)

M = TypeVar("M", bound=BaseModel)

# Who pays: the pipeline sets the paper's day here; every call made in that context (and in the
# tasks it starts) is logged against that day, so one client shared by many days (a backfill)
# still charges the right day. A day's spending is then counted from the log (Store.spent_on).
CHARGE_TO: contextvars.ContextVar[dt.date | None] = contextvars.ContextVar("hfdaily_charge_to", default=None)
Checker = Callable[[M], list[str]]


@dataclass
class LLMStats:
    calls: int = 0
    cached: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    in_flight: int = 0
    peak_in_flight: int = 0
    failures: list[str] = field(default_factory=list)


_FENCE = re.compile(r"^```(?:json)?\s*|\s*```$", re.MULTILINE)


def extract_json(content: str) -> object:
    """Models wrap JSON in ``` fences or add a sentence around it; take the outermost object."""
    text = _FENCE.sub("", content.strip())
    start, end = text.find("{"), text.rfind("}")
    if start == -1 or end <= start:
        raise ValueError("no JSON object in the answer")
    return json.loads(text[start : end + 1])


class LLMClient:
    def __init__(self, *, base_url: str, model: str, api_key: str | None, store: Store,
                 concurrency: int = 8, timeout: float = 180.0, retries: int = 5, reasks: int = 2,
                 run_id: int | None = None, temperature: float = 0.2, backoff: float = 1.0):
        headers = {"User-Agent": USER_AGENT}
        if api_key:
            headers["Authorization"] = f"Bearer {api_key}"
        self.url = base_url.rstrip("/") + "/chat/completions"
        self.model = model
        self.store = store
        self.retries, self.backoff = retries, backoff
        self.reasks = reasks
        self.run_id = run_id
        self.temperature = temperature
        self.stats = LLMStats()
        self._json_mode = True
        self._slots = asyncio.Semaphore(concurrency)
        self._client = httpx.AsyncClient(headers=headers, timeout=httpx.Timeout(timeout, connect=15.0))

    async def __aenter__(self) -> LLMClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self._client.aclose()

    async def _post(self, messages: list[dict]) -> tuple[str, int | None, int | None, float]:
        """One completion: (content, prompt tokens, completion tokens, seconds on the wire)."""
        body = {"model": self.model, "messages": messages, "temperature": self.temperature}
        if self._json_mode:
            body["response_format"] = {"type": "json_object"}
        async for attempt in retrying(self.retries + 1, initial=self.backoff):
            with attempt:
                async with self._slots:
                    self.stats.in_flight += 1
                    self.stats.peak_in_flight = max(self.stats.peak_in_flight, self.stats.in_flight)
                    sent = time.monotonic()  # latency excludes the wait for a slot
                    try:
                        response = check_retryable(await self._client.post(self.url, json=body))
                    finally:
                        self.stats.in_flight -= 1
                        wire = time.monotonic() - sent
        if response.status_code == 400 and self._json_mode and "response_format" in response.text:
            # Some OpenAI-compatible servers reject JSON mode; the prompt asks for JSON anyway.
            self._json_mode = False
            return await self._post(messages)
        if response.status_code >= 400:
            raise LLMError(f"LLM endpoint answered HTTP {response.status_code}: {response.text[:300]}")
        try:
            data = response.json()
            content = data["choices"][0]["message"]["content"] or ""
        except (ValueError, KeyError, IndexError, TypeError) as exc:
            raise LLMError(f"LLM endpoint returned no chat completion: {response.text[:200]!r}") from exc
        usage = data.get("usage") or {}
        return content, usage.get("prompt_tokens"), usage.get("completion_tokens"), wire

    async def structured(self, *, task: str, prompt_version: str, messages: list[dict], schema: type[M],
                         check: Checker | None = None, paper_id: str | None = None,
                         keep_last_valid: bool = False) -> tuple[M, bool]:
        """Ask for JSON matching ``schema``; returns (value, came_from_cache).

        ``check`` finds problems in a well-formed answer, which are re-asked. With
        ``keep_last_valid`` a well-formed answer that still has problems after the last re-ask is
        returned (and cached) so the caller can flag what is wrong instead of losing the work.
        """
        key = cache_key(task, self.model, prompt_version, messages)
        if (cached := self.store.cached_response(key)) is not None:
            try:
                self.stats.cached += 1
                return schema.model_validate(extract_json(cached)), True
            except (ValueError, ValidationError):
                self.stats.cached -= 1  # a cache entry from an older schema: ask again

        conversation = list(messages)
        problems: list[str] = []
        last_valid: tuple[M, str] | None = None
        for _ in range(self.reasks + 1):
            started = time.monotonic()
            try:
                content, p_tok, c_tok, wire = await self._post(conversation)
            except (LLMError, *REQUEST_FAILURES) as exc:  # logged, then one clear error
                reason = exc.args[0] if isinstance(exc, LLMError) else describe(exc)
                self._log(task, paper_id, conversation, None, None, None, time.monotonic() - started, "error", reason)
                raise LLMError(f"{task} {paper_id or ''}: {reason}") from exc
            self.stats.calls += 1
            self.stats.prompt_tokens += p_tok or 0
            self.stats.completion_tokens += c_tok or 0
            try:
                value = schema.model_validate(extract_json(content))
                problems = check(value) if check else []
                last_valid = (value, content)
            except (ValueError, ValidationError) as exc:
                value, problems = None, [" ".join(str(exc).split())[:500]]
            if not problems:  # cached before it is logged: a call logged "ok" is never paid again
                self.store.cache_response(key, task, self.model, prompt_version, content)
            status = "invalid" if problems else "ok"
            self._log(task, paper_id, conversation, content, p_tok, c_tok, wire, status, "; ".join(problems) or None)
            if not problems:
                return value, False
            conversation = conversation + [
                {"role": "assistant", "content": content},
                {"role": "user", "content": "你的输出不合格，问题如下：\n- " + "\n- ".join(problems)
                 + "\n请修正这些问题，只输出符合要求的 JSON 对象。"},
            ]
        if keep_last_valid and last_valid is not None:
            self.store.cache_response(key, task, self.model, prompt_version, last_valid[1])
            return last_valid[0], False
        raise LLMError(f"{task} {paper_id or ''}: output still invalid after {self.reasks} re-asks: {'; '.join(problems)}")

    def _log(self, task, paper_id, prompt, response, p_tok, c_tok, seconds, status, error) -> None:
        self.store.log_call(
            run_id=self.run_id, task=task, paper_id=paper_id, model=self.model, prompt=prompt, response=response,
            prompt_tokens=p_tok, completion_tokens=c_tok, latency_ms=int(seconds * 1000),
            status=status, error=error, date=CHARGE_TO.get(),
        )
