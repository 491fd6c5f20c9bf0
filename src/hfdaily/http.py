"""One retry policy for every service we call (HF, arXiv, the LLM): tenacity + httpx.

Retries on timeouts, connection errors, 429 and 5xx, with exponential backoff and jitter,
and waits exactly as long as a ``Retry-After`` header asks (capped) when a server sends one.
"""

from __future__ import annotations

import asyncio
import email.utils
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import httpx
from tenacity import (
    AsyncRetrying,
    retry_if_exception,
    stop_after_attempt,
    wait_exponential,
    wait_random,
)
from tenacity.wait import wait_base

from hfdaily import __version__

USER_AGENT = f"hfdaily/{__version__} (python-httpx)"
RETRY_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})
MAX_RETRY_AFTER = 120.0


@dataclass(frozen=True)
class Transports:
    """Where each service's requests go instead of the network: httpx transports (``MockTransport``
    in tests and ``hfdaily demo``), given to each client as ``transport=``. None: the network."""

    hf: httpx.AsyncBaseTransport | None = None
    arxiv: httpx.AsyncBaseTransport | None = None
    llm: httpx.AsyncBaseTransport | None = None


class RetryableStatus(Exception):
    """A response whose status says "try again later"."""

    def __init__(self, response: httpx.Response):
        super().__init__(f"HTTP {response.status_code} from {response.request.url}")
        self.response = response


def check_retryable(response: httpx.Response) -> httpx.Response:
    if response.status_code in RETRY_STATUSES:
        raise RetryableStatus(response)
    return response


def retry_after_seconds(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after")
    if not value:
        return None
    try:
        return min(max(float(value), 0.0), MAX_RETRY_AFTER)
    except ValueError:
        when = email.utils.parsedate_to_datetime(value) if value else None
        return None if when is None else min(max(when.timestamp() - time.time(), 0.0), MAX_RETRY_AFTER)


class TransientAnswer(Exception):
    """An HTTP 200 that carries no usable answer (empty ``choices``, a gateway's HTML page): retried like a 5xx."""


class TooLarge(Exception):
    """A response larger than we ever read from that service (a server streaming forever, a 50 MB page)."""


# What a request can fail with that is the server's or the network's doing (not a bug of ours).
REQUEST_FAILURES = (RetryableStatus, httpx.HTTPError, TooLarge)


async def read_capped(client: httpx.AsyncClient, method: str, url: str, *, limit: int,
                      total: float | None = None, **kwargs) -> httpx.Response:
    """One request whose body is read up to ``limit`` bytes (decoded, so a gzip bomb counts what it
    expands to) and whose whole exchange takes at most ``total`` seconds: httpx's own timeout is
    per read, so a server sending a byte a second, or bytes forever, is never cut off by it.
    Raises :class:`TooLarge`, or ``httpx.ReadTimeout`` (retried like any timeout)."""
    try:
        async with asyncio.timeout(total):
            async with client.stream(method, url, **kwargs) as response:
                declared = response.headers.get("content-length", "")
                if declared.isdigit() and int(declared) > limit:
                    raise TooLarge(f"{url} sent {int(declared):,} bytes, more than the {limit:,} hfdaily reads")
                chunks, size = [], 0
                async for chunk in response.aiter_bytes():
                    size += len(chunk)
                    if size > limit:
                        raise TooLarge(f"{url} sent more than the {limit:,} bytes hfdaily reads")
                    chunks.append(chunk)
    except TimeoutError:
        raise httpx.ReadTimeout(f"no complete answer from {url} within {total:g} s") from None
    headers = [(k, v) for k, v in response.headers.multi_items() if k.lower() not in ("content-encoding", "content-length",
                                                                                       "transfer-encoding")]
    return httpx.Response(response.status_code, headers=headers, content=b"".join(chunks), request=response.request)


def is_transient(exc: BaseException) -> bool:
    return isinstance(exc, (RetryableStatus, TransientAnswer, httpx.TransportError))


class _wait_retry_after_or(wait_base):
    def __init__(self, fallback: wait_base):
        self.fallback = fallback

    def __call__(self, retry_state) -> float:
        exc = retry_state.outcome.exception() if retry_state.outcome else None
        if isinstance(exc, RetryableStatus) and (seconds := retry_after_seconds(exc.response)) is not None:
            return seconds
        return self.fallback(retry_state)


def retrying(attempts: int, initial: float = 1.0, maximum: float = 60.0,
             sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> AsyncRetrying:
    """``async for attempt in retrying(5): with attempt: ...`` — re-raises the last error.

    ``sleep`` is injectable so tests can see the waits without waiting.
    """
    return AsyncRetrying(
        sleep=sleep,
        stop=stop_after_attempt(max(attempts, 1)),
        wait=_wait_retry_after_or(wait_exponential(multiplier=initial, max=maximum) + wait_random(0, initial)),
        retry=retry_if_exception(is_transient),
        reraise=True,
    )


def describe(exc: BaseException) -> str:
    """A one-line reason for a failed request, for users rather than developers."""
    if isinstance(exc, RetryableStatus):
        return str(exc)
    if isinstance(exc, TooLarge):
        return str(exc)
    if isinstance(exc, httpx.TimeoutException):
        return f"timed out ({type(exc).__name__})"
    if isinstance(exc, httpx.HTTPStatusError):
        return f"HTTP {exc.response.status_code} from {exc.request.url}"
    if isinstance(exc, httpx.TransportError):
        return f"cannot reach the server: {exc}"
    return f"{type(exc).__name__}: {exc}"
