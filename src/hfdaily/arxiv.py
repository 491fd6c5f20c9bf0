"""Read a paper from arXiv: full-text HTML, else the abstract page, else what HF gave us.

Polite by construction: a small concurrency limit of its own, a User-Agent naming the tool,
retries with exponential backoff and jitter on 429/5xx/timeouts that honour ``Retry-After``.
A single paper's network failure never raises: it is logged and the next source is tried.
No caching here; the pipeline keeps Documents in its store.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import email.utils
import logging
from collections.abc import Awaitable, Callable
from importlib.metadata import PackageNotFoundError, version
from types import TracebackType

import httpx
from tenacity import AsyncRetrying, RetryCallState, retry_if_exception_type, stop_after_attempt, wait_exponential_jitter

from hfdaily.fulltext import FulltextError, NoHTMLError, parse_abs, parse_html
from hfdaily.models import Document, Paper

log = logging.getLogger("hfdaily.arxiv")

try:
    _VERSION = version("hfdaily")
except PackageNotFoundError:  # running from a bare checkout
    _VERSION = "0"
USER_AGENT = f"hfdaily/{_VERSION} (+https://github.com/hfdaily/hfdaily)"
MAX_RETRY_AFTER = 120.0  # seconds; a longer Retry-After means "come back another day"


class ArxivError(Exception):
    """arXiv answered, but not with a page we can use."""


class _Retryable(ArxivError):
    """429 or 5xx: worth asking again, after ``retry_after`` seconds if arXiv said so."""

    def __init__(self, url: str, status: int, retry_after: float | None) -> None:
        super().__init__(f"HTTP {status} from {url}")
        self.retry_after = retry_after


def _retry_after(value: str | None) -> float | None:
    """``Retry-After`` as seconds: either a number or an HTTP date."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - dt.datetime.now(dt.timezone.utc)).total_seconds())


class ArxivReader:
    """``async with ArxivReader() as reader: doc = await reader.read(paper)``."""

    def __init__(
        self,
        base_url: str = "https://arxiv.org",
        concurrency: int = 2,
        timeout: float = 30.0,
        retries: int = 4,
        *,
        backoff: float = 1.0,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        if concurrency < 1:
            raise ValueError(f"concurrency must be at least 1, got {concurrency}")
        self.base_url = base_url.rstrip("/")
        self.retries = retries
        self._timeout = timeout
        self._backoff = backoff
        self._sleep = sleep  # injectable so tests can see the waits without waiting
        self._limit = asyncio.Semaphore(concurrency)
        self._concurrency = concurrency
        self._client: httpx.AsyncClient | None = None

    async def __aenter__(self) -> ArxivReader:
        self._client = httpx.AsyncClient(
            headers={"User-Agent": USER_AGENT},
            timeout=self._timeout,
            follow_redirects=True,
            limits=httpx.Limits(max_connections=self._concurrency),
        )
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    async def read(self, paper: Paper) -> Document:
        """Full text if arXiv has HTML, else its abstract page, else the HF title and summary."""
        try:
            html = await self._get(f"/html/{paper.id}")
            if html is not None:
                return await asyncio.to_thread(parse_html, html, paper.id)
            log.info("arXiv has no HTML for %s (404); reading the abstract page", paper.id)
        except NoHTMLError as error:
            log.info("%s; reading the abstract page", error)
        except (httpx.HTTPError, ArxivError, FulltextError) as error:
            log.warning("could not read the HTML of %s (%s); reading the abstract page", paper.id, error)
        try:
            page = await self._get(f"/abs/{paper.id}")
            if page is not None:
                doc = await asyncio.to_thread(parse_abs, page)
                return doc.model_copy(update={"arxiv_id": doc.arxiv_id or paper.id})
            log.warning("arXiv has no abstract page for %s (404); using the HF summary", paper.id)
        except (httpx.HTTPError, ArxivError, FulltextError) as error:
            log.warning("could not read the abstract page of %s (%s); using the HF summary", paper.id, error)
        return Document(arxiv_id=paper.id, title=paper.title, abstract=paper.summary, source="HF")

    async def _get(self, path: str) -> bytes | None:
        """Body of ``{base}{path}``; None on 404. Retries 429/5xx/timeouts/connection errors."""
        if self._client is None:
            raise RuntimeError("use ArxivReader as `async with ArxivReader(...) as reader:`")
        url = f"{self.base_url}{path}"
        retrying = AsyncRetrying(
            stop=stop_after_attempt(self.retries + 1),
            wait=self._wait,
            retry=retry_if_exception_type((_Retryable, httpx.TimeoutException, httpx.TransportError)),
            sleep=self._sleep,
            reraise=True,
        )
        async for attempt in retrying:
            with attempt:
                async with self._limit:  # held per request, not while backing off
                    response = await self._client.get(url)
                if response.status_code == 404:
                    return None
                if response.status_code == 429 or response.status_code >= 500:
                    raise _Retryable(url, response.status_code, _retry_after(response.headers.get("Retry-After")))
                if response.status_code != 200:
                    raise ArxivError(f"HTTP {response.status_code} from {url}")
                return response.content
        raise AssertionError("unreachable: tenacity re-raises the last error")

    def _wait(self, state: RetryCallState) -> float:
        error = state.outcome.exception() if state.outcome else None
        if isinstance(error, _Retryable) and error.retry_after is not None:
            return min(error.retry_after, MAX_RETRY_AFTER)
        return wait_exponential_jitter(initial=self._backoff, max=60.0, jitter=self._backoff)(state)
