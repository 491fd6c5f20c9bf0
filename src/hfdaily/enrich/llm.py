"""An async client for any OpenAI-compatible chat endpoint, with JSON output validated by pydantic.

- bounded concurrency (a semaphore), retries with backoff + jitter that honour ``Retry-After``;
  an HTTP 200 that carries no completion (empty ``choices``, an HTML page from a gateway) is
  retried like a 5xx, and the timeout bounds each whole attempt, not each read;
- the run stops at once when the endpoint refuses the key (401/403), cannot be reached, does not
  know the model (400/404 "Model Not Exist", ``model_not_found``), wants paying (402), or rejects
  the first requests it is sent (three 4xx in a row before any answer): until one answer has
  arrived, requests go one at a time, so a run that can never work costs at most three; a circuit
  breaker fails every further call fast after N calls in a row failed on transport;
- every request states the reasoning mode in the provider's documented form (``thinking``,
  ``enable_thinking``, ``reasoning_effort``); a ``reasoning_content`` beside the answer is never
  read into an output, and reasoning tokens are counted apart;
- a cache in the store keyed by (task, model, prompt version, messages): the same input never
  costs a second call, and the answer is stored the moment it arrives;
- every call (including re-asks and failures) is logged with its tokens and latency; error text
  is redacted (keys, tokens, URL userinfo) before it is printed or stored;
- answers are read tolerantly (reasoning blocks, fences, broken JSON repaired, key aliases, a
  wrapper object); only an answer that still fails the schema or the checks is re-asked.
"""

from __future__ import annotations

import asyncio
import contextvars
import datetime as dt
import json
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TypeVar
from urllib.parse import urlsplit, urlunsplit

import httpx
import json_repair
from pydantic import BaseModel, ValidationError

from hfdaily.archive.store import Store, cache_key
from hfdaily.models import MAX_COUNT, Usage
from hfdaily.providers import Provider
from hfdaily.errors import LLMError, LLMUnavailableError
from hfdaily.http import (
    REQUEST_FAILURES,
    RETRY_STATUSES,
    USER_AGENT,
    TooLarge,
    TransientAnswer,
    check_retryable,
    describe,
    read_capped,
    retrying,
)
from hfdaily.redaction import register, scrub

__all__ = ["LLMClient", "LLMError", "LLMStats", "LLMUnavailableError", "extract_json", "parse_answer", "redact"]

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
    reasoning_tokens: int = 0  # part of completion_tokens: what the model thought before answering
    in_flight: int = 0
    peak_in_flight: int = 0
    failures: list[str] = field(default_factory=list)


# --- Reading an answer ---------------------------------------------------------------------

_REASONING = re.compile(r"<(think|thinking|reasoning)>.*?</\1>", re.DOTALL | re.IGNORECASE)
_REASONING_TAIL = re.compile(r"^.*</(?:think|thinking|reasoning)>", re.DOTALL | re.IGNORECASE)
_FENCE = re.compile(r"```(?:json|JSON)?\s*(.*?)```", re.DOTALL)


def _candidates(content: str) -> list[str]:
    """Where the answer object may be, most likely first: after any reasoning, inside a fence."""
    text = _REASONING.sub("", content)
    text = _REASONING_TAIL.sub("", text)  # a server that dropped the opening <think>
    found = [m.group(1) for m in _FENCE.finditer(text)]
    start = text.find("{")
    if start != -1:
        found.append(text[start:text.rfind("}") + 1] if text.rfind("}") > start else text[start:])
    return found


def extract_json(content: str) -> dict:
    """The answer object of a model's reply, repaired if need be (raw line breaks, unescaped quotes,
    trailing commas, a missing brace); a reply with several objects gives the last whole one."""
    for candidate in _candidates(content):
        try:
            value = json.loads(candidate)
        except ValueError:
            value = json_repair.loads(candidate)
        if isinstance(value, list):  # "{...} {...}" repaired into a list: the last object is the answer
            value = next((v for v in reversed(value) if isinstance(v, dict)), None)
        if isinstance(value, dict) and value:
            return value
    raise ValueError("回答中没有 JSON 对象")


def _apply_aliases(value: object, aliases: Mapping[str, str]) -> object:
    """Chinese or alternative keys → ours, at every depth, only where ours is not already there."""
    if isinstance(value, list):
        return [_apply_aliases(v, aliases) for v in value]
    if not isinstance(value, dict):
        return value
    out: dict = {}
    for key, item in value.items():
        out.setdefault(key, _apply_aliases(item, aliases))
    for key in list(out):
        target = aliases.get(key.strip().strip("*：:").strip())
        if target and target not in out:
            out[target] = out.pop(key)
    return out


def _unwrap(value: dict, schema: type[BaseModel]) -> dict:
    """``{"translation": {...}}`` / ``{"result": {...}, "status": "ok"}``: the one object holding ours."""
    fields = set(schema.model_fields)
    while not (fields & set(value)):
        inner = [v for v in value.values() if isinstance(v, dict)]
        holding = [v for v in inner if fields & set(v)] or (inner if len(inner) == 1 else [])
        if len(holding) != 1:
            break
        value = holding[0]
    return value


def parse_answer(content: str, schema: type[M], aliases: Mapping[str, str] | None = None) -> M:
    """Read a reply into ``schema``; ValueError with a short Chinese reason for the re-ask."""
    value = _unwrap(_apply_aliases(extract_json(content), aliases or {}), schema)
    try:
        return schema.model_validate(value)
    except ValidationError as exc:
        reasons = "; ".join(f"{'.'.join(map(str, e['loc'])) or '对象'}: {e['msg']}" for e in exc.errors()[:6])
        raise ValueError(f"JSON 不符合要求的结构（{reasons}）") from None


# --- Secrets never leave the client ----------------------------------------------------------

_SECRET_PATTERNS: list[tuple[re.Pattern, str]] = [
    (re.compile(r"(?i)\b(bearer|basic)\s+[^\s\"',;]+"), r"\1 ***"),
    (re.compile(r"(?i)\b(api[_-]?key|access[_-]?token|token|secret|password|x-api-key)([\"']?\s*[:=]\s*[\"']?)"
                r"[^\s\"',;&}]+"), r"\1\2***"),
    (re.compile(r"\b(?:sk|pk|rk|gsk|xai)-[A-Za-z0-9_\-]{8,}"), "***"),
    (re.compile(r"\bhf_[A-Za-z0-9]{8,}"), "***"),
    (re.compile(r"(?<=://)[^/\s@]+@"), "***@"),
]


def redact(text: str, secrets: tuple[str, ...] = ()) -> str:
    """``text`` with API keys, bearer tokens and URL userinfo replaced by ``***``."""
    for secret in secrets:
        if secret and len(secret) >= 4:
            text = text.replace(secret, "***")
    for pattern, replacement in _SECRET_PATTERNS:
        text = pattern.sub(replacement, text)
    return text


def _split_userinfo(base_url: str) -> tuple[str, tuple[str, ...]]:
    """``https://user:key@host/v1`` → (``https://host/v1``, secrets); the userinfo becomes basic auth."""
    parts = urlsplit(base_url)
    if parts.username is None and parts.password is None:
        return base_url, ()
    host = parts.hostname or ""
    if parts.port:
        host += f":{parts.port}"
    return urlunsplit(parts._replace(netloc=host)), tuple(s for s in (parts.username, parts.password) if s)


# --- The client --------------------------------------------------------------------------

_AUTH_REFUSED = frozenset({401, 403})
# How endpoints say the model name is wrong: DeepSeek 400 "Model Not Exist", OpenAI 404
# "model_not_found" / "The model `x` does not exist", Ollama 404 "model 'x' not found", vLLM 404.
_UNKNOWN_MODEL = re.compile(r"model[ _]not[ _]exist|model_not_found|does not exist|model\W+[^\s]*\W*not found"
                            r"|unknown model|no such model|invalid model", re.IGNORECASE)
_REJECTED_BEFORE_STOP = 3  # 4xx answers in a row, before any answer came, that stop the run
# A chat completion is ~10 KB; a server sending more than this is broken or hostile (read within the timeout).
MAX_ANSWER_BYTES = 4 * 1024 * 1024
_UNREACHABLE = (httpx.ConnectError, httpx.ConnectTimeout, httpx.UnsupportedProtocol)


class LLMClient:
    def __init__(self, *, base_url: str, model: str, api_key: str | None, store: Store,
                 concurrency: int = 8, timeout: float = 180.0, retries: int = 5, reasks: int = 2,
                 run_id: int | None = None, temperature: float = 0.2, backoff: float = 1.0,
                 key_variable: str = "HFDAILY_LLM_API_KEY", breaker: int = 5,
                 provider: Provider | None = None, thinking: bool = False,
                 transport: httpx.AsyncBaseTransport | None = None):
        base_url, userinfo = _split_userinfo(base_url)
        self._secrets = tuple(s for s in (api_key, *userinfo) if s)
        register(self._secrets)  # scrubbed from every answer before it is stored, masked in every log line
        headers = {"User-Agent": USER_AGENT}
        if api_key:
            headers["Authorization"] = f"Bearer {api_key}"
        auth = httpx.BasicAuth(*userinfo) if len(userinfo) == 2 else None
        self.url = base_url.rstrip("/") + "/chat/completions"
        self.models_url = base_url.rstrip("/") + "/models"
        self.provider = provider
        self.thinking = thinking  # for the tasks that may think (the analysis); translation never does
        self.model = model
        self.store = store
        self.retries, self.backoff = retries, backoff
        self.reasks = reasks
        self.run_id = run_id
        self.temperature = temperature
        self.timeout = timeout
        self.key_variable = key_variable
        self.breaker = breaker
        self.stats = LLMStats()
        self._json_mode = True
        self._failures_in_a_row = 0
        self._rejected_in_a_row = 0
        self._stopped: LLMUnavailableError | None = None
        # Until the endpoint has answered once, attempts go one at a time: a refused key, an unknown
        # model or a dead endpoint costs one request (a rejected request three), not one per slot.
        self._proven = False
        self._probe = asyncio.Lock()
        self._slots = asyncio.Semaphore(concurrency)
        self._client = httpx.AsyncClient(headers=headers, auth=auth, timeout=httpx.Timeout(timeout, connect=15.0),
                                         transport=transport)

    async def __aenter__(self) -> LLMClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self._client.aclose()

    def redact(self, text: str) -> str:
        return redact(text, self._secrets)

    def _stop(self, reason: str) -> LLMUnavailableError:
        if self._stopped is None:
            self._stopped = LLMUnavailableError(self.redact(reason))
        return self._stopped

    async def _attempt(self, body: dict) -> tuple[httpx.Response, float]:
        if self._proven:
            return await self._one_attempt(body)
        async with self._probe:
            if not self._proven:
                response, wire = await self._one_attempt(body)
                if response.status_code < 400:
                    self._proven = True
                return response, wire
        return await self._one_attempt(body)  # proven while this one waited: no longer one at a time

    async def available_models(self) -> list[str]:
        """The endpoint's models (``GET /models``), or [] when it does not say within a few seconds."""
        try:
            response = await self._client.get(self.models_url, timeout=5.0)
            data = response.json().get("data") if response.status_code == 200 else None
            return sorted(str(m["id"]) for m in data if isinstance(m, dict) and "id" in m) if isinstance(data, list) else []
        except (httpx.HTTPError, ValueError, AttributeError, TypeError):
            return []

    async def _fatal(self, what: str, response: httpx.Response) -> LLMUnavailableError:
        """Stop the run for an answer no retry will change, saying what to fix."""
        if self._stopped is not None:
            return self._stopped
        said = " ".join(response.text[:300].split())
        message = (f"the LLM endpoint {self.url} {what} (HTTP {response.status_code}: {said}); "
                   f"model {self.model!r}")
        if what.startswith("does not know"):
            models = await self.available_models()
            message += ": set HFDAILY_LLM_MODEL ([llm] model) to a model it serves"
            if models:
                message += " — it lists: " + ", ".join(models[:40]) + (" …" if len(models) > 40 else "")
        elif what.startswith("wants paying"):
            message += f": top up the account of {self.key_variable}, or choose another provider"
        else:
            message += (": check HFDAILY_LLM_MODEL, HFDAILY_LLM_BASE_URL and HFDAILY_LLM_THINKING "
                        "(`hfdaily doctor` shows what is sent)")
        return self._stop(message)

    async def _check_fatal(self, response: httpx.Response) -> None:
        status = response.status_code
        if status in _AUTH_REFUSED:
            raise self._stop(f"the LLM endpoint {self.url} refused the request (HTTP {status}): "
                             f"check {self.key_variable} (the API key) and HFDAILY_LLM_MODEL")
        if status == 402:
            raise await self._fatal("wants paying: insufficient balance", response)
        if status in (400, 404, 422) and _UNKNOWN_MODEL.search(response.text[:2000]):
            raise await self._fatal("does not know the model", response)
        if 400 <= status < 500 and status not in RETRY_STATUSES and "response_format" not in response.text:
            self._rejected_in_a_row += 1
            if not self._proven and self._rejected_in_a_row >= _REJECTED_BEFORE_STOP:
                raise await self._fatal(f"rejected the first {self._rejected_in_a_row} requests", response)
        elif status < 400:
            self._rejected_in_a_row = 0

    async def _one_attempt(self, body: dict) -> tuple[httpx.Response, float]:
        """One HTTP attempt, bounded as a whole by the timeout (a server dripping bytes is cut off)."""
        async with self._slots:
            if self._stopped is not None:
                raise self._stopped
            self.stats.in_flight += 1
            self.stats.peak_in_flight = max(self.stats.peak_in_flight, self.stats.in_flight)
            sent = time.monotonic()  # latency excludes the wait for a slot
            try:
                async with asyncio.timeout(self.timeout):
                    response = await read_capped(self._client, "POST", self.url, limit=MAX_ANSWER_BYTES, json=body)
            except TimeoutError:
                raise httpx.ReadTimeout(f"no complete answer within {self.timeout:g} s") from None
            except TooLarge as exc:  # a model streaming forever: retried like a 5xx, then the breaker
                raise TransientAnswer(str(exc)) from None
            except _UNREACHABLE as exc:
                raise self._stop(f"cannot reach the LLM endpoint {self.url} ({describe(exc)}); "
                                 "check HFDAILY_LLM_BASE_URL (or the provider preset) and the network") from exc
            finally:
                self.stats.in_flight -= 1
            wire = time.monotonic() - sent
        await self._check_fatal(response)
        check_retryable(response)
        if response.status_code < 400:
            _completion(response)  # raises TransientAnswer for a 200 that carries no completion
        return response, wire

    def body(self, messages: list[dict], thinking: bool = False, **extra: object) -> dict:
        """The request: the model, the messages, the reasoning mode in the provider's own words."""
        body: dict = {"model": self.model, "messages": messages}
        if self.provider is None or self.provider.temperature:
            body["temperature"] = self.temperature
        if self.provider is not None:
            body.update(self.provider.reasoning(thinking))
        body.update(extra)
        return body

    async def _post(self, messages: list[dict], thinking: bool = False) -> tuple[str, Usage, float]:
        """One completion: (content, its usage, seconds on the wire). A ``reasoning_content`` beside
        the content is not read: only the answer goes on."""
        body = self.body(messages, thinking)
        if self._json_mode:
            body["response_format"] = {"type": "json_object"}
        try:
            async for attempt in retrying(self.retries + 1, initial=self.backoff):
                with attempt:
                    response, wire = await self._attempt(body)
        except (TransientAnswer, *REQUEST_FAILURES) as exc:
            self._failures_in_a_row += 1
            if self._failures_in_a_row >= self.breaker:
                self._stop(f"{self._failures_in_a_row} LLM calls in a row failed after retries "
                           f"(last: {self._describe(exc)}); the endpoint {self.url} looks down")
            raise
        self._failures_in_a_row = 0
        if response.status_code == 400 and self._json_mode and "response_format" in response.text:
            # Some OpenAI-compatible servers reject JSON mode; the prompt asks for JSON anyway.
            self._json_mode = False
            return await self._post(messages, thinking)
        if response.status_code >= 400:
            raise LLMError(self.redact(f"LLM endpoint answered HTTP {response.status_code}: {response.text[:300]}"))
        content, data = _completion(response)
        content = scrub(content)  # a model echoing its API key must not put it in the cache, the log, the record
        return content, usage_of(data), wire

    def _describe(self, exc: BaseException) -> str:
        return self.redact(str(exc) if isinstance(exc, (LLMError, TransientAnswer)) else describe(exc))

    async def structured(self, *, task: str, prompt_version: str, messages: list[dict], schema: type[M],
                         check: Checker | None = None, paper_id: str | None = None,
                         keep_last_valid: bool | Callable[[M], bool] = False,
                         aliases: Mapping[str, str] | None = None, thinking: bool = False) -> tuple[M, bool]:
        """Ask for JSON matching ``schema``; returns (value, came_from_cache).

        ``check`` finds problems in a well-formed answer, which are re-asked. With
        ``keep_last_valid`` (or when it says yes to the answer) a well-formed answer that still has
        problems after the last re-ask is returned (and cached) so the caller can flag what is
        wrong instead of losing the work. ``thinking``: ask the model to think first (when the
        client's ``thinking`` setting allows it); the request says which either way.
        """
        thinking = thinking and self.thinking
        if self._stopped is not None:
            raise self._stopped
        key = cache_key(task, self.model, prompt_version, messages)
        if (cached := self.store.cached_response(key)) is not None:
            try:
                value = parse_answer(cached, schema, aliases)
                self.stats.cached += 1
                return value, True
            except ValueError:
                pass  # a cache entry from an older schema: ask again

        conversation = list(messages)
        problems: list[str] = []
        last_valid: tuple[M, str] | None = None
        for _ in range(self.reasks + 1):
            started = time.monotonic()
            try:
                content, usage, wire = await self._post(conversation, thinking)
            except (LLMError, TransientAnswer, *REQUEST_FAILURES) as exc:  # logged, then one clear error
                reason = self._describe(exc)
                self._log(task, paper_id, conversation, None, None, time.monotonic() - started, "error", reason)
                if isinstance(exc, LLMUnavailableError) or self._stopped is not None:
                    raise self._stopped or exc from None
                raise LLMError(f"{task} {paper_id or ''}: {reason}") from None
            self.stats.calls += 1
            self.stats.prompt_tokens += usage.prompt_tokens or 0
            self.stats.completion_tokens += usage.completion_tokens or 0
            self.stats.reasoning_tokens += usage.reasoning_tokens or 0
            try:
                value = parse_answer(content, schema, aliases)
                problems = check(value) if check else []
                last_valid = (value, content)
            except ValueError as exc:
                value, problems = None, [str(exc)[:500]]
            if not problems:  # cached before it is logged: a call logged "ok" is never paid again
                self.store.cache_response(key, task, self.model, prompt_version, content)
            status = "invalid" if problems else "ok"
            self._log(task, paper_id, conversation, content, usage, wire, status, "; ".join(problems) or None)
            if not problems:
                return value, False
            conversation = conversation + [
                {"role": "assistant", "content": content},
                {"role": "user", "content": "你的输出不合格，问题如下：\n- " + "\n- ".join(problems)
                 + "\n请逐条修正这些问题，其余内容保持不变，只输出符合要求的 JSON 对象。"},
            ]
        keep = keep_last_valid(last_valid[0]) if callable(keep_last_valid) and last_valid else keep_last_valid
        if keep and last_valid is not None:
            self.store.cache_response(key, task, self.model, prompt_version, last_valid[1])
            return last_valid[0], False
        raise LLMError(f"{task} {paper_id or ''}: output still invalid after {self.reasks} re-asks: {'; '.join(problems)}")

    def _log(self, task, paper_id, prompt, response, usage: Usage | None, seconds, status, error) -> None:
        self.store.log_call(
            run_id=self.run_id, task=task, paper_id=paper_id, model=self.model, prompt=prompt, response=response,
            prompt_tokens=usage.prompt_tokens if usage else None,
            completion_tokens=usage.completion_tokens if usage else None,
            reasoning_tokens=usage.reasoning_tokens if usage else None, latency_ms=int(seconds * 1000),
            status=status, error=self.redact(error) if error else None, date=CHARGE_TO.get(),
        )


def usage_of(data: dict) -> Usage:
    """Tokens of one answer; reasoning tokens (part of the completion tokens, as OpenAI, DeepSeek and
    DashScope count them) apart."""
    usage = data.get("usage") if isinstance(data.get("usage"), dict) else {}
    details = usage.get("completion_tokens_details") if isinstance(usage.get("completion_tokens_details"), dict) else {}
    reasoning = details.get("reasoning_tokens", usage.get("reasoning_tokens"))

    def count(value: object) -> int:
        # 10**30 or -5 would break the call log and the spending totals (SQLite holds 64-bit integers)
        return value if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_COUNT else 0

    return Usage(calls=1, prompt_tokens=count(usage.get("prompt_tokens")),
                 completion_tokens=count(usage.get("completion_tokens")), reasoning_tokens=count(reasoning))


def _completion(response: httpx.Response) -> tuple[str, dict]:
    """(content, body) of a chat completion; TransientAnswer when a 200 carries none."""
    try:
        data = response.json()
        content = data["choices"][0]["message"]["content"]
    except (ValueError, KeyError, IndexError, TypeError):
        kind = response.headers.get("content-type", "?").split(";")[0]
        raise TransientAnswer(f"HTTP {response.status_code} without a chat completion ({kind}): "
                              f"{' '.join(response.text[:120].split())!r}") from None
    if not isinstance(content, str) or not content.strip():
        raise TransientAnswer(f"HTTP {response.status_code} with an empty completion")
    return content, data
