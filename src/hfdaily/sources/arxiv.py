"""Read a paper from arXiv: full-text HTML, else the abstract page, else what HF gave us.

Polite by construction: a small concurrency limit of its own, a User-Agent naming the tool,
retries with exponential backoff and jitter on 429/5xx/timeouts that honour ``Retry-After``.
A single paper's network failure never raises: it is logged and the next source is tried.
No caching here; the pipeline keeps Documents in its store.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from types import TracebackType

import httpx

from hfdaily.errors import ArxivError  # noqa: F401  (re-exported)
from hfdaily.http import (
    REQUEST_FAILURES,
    USER_AGENT,
    check_retryable,
    describe,
    read_capped,
    retrying,
)
from hfdaily.models import Document, Figure, Paper
from hfdaily.sources.figures import key_figure
from hfdaily.sources.fulltext import FulltextError, NoHTMLError, parse_abs, parse_html

__all__ = ["USER_AGENT", "ArxivError", "ArxivReader"]

log = logging.getLogger("hfdaily.sources.arxiv")

# Real arXiv HTML pages weigh 0.1-5 MB; parsing costs ~16x a page's size in memory (a 50 MB page
# peaked at 825 MB). A larger page is not read: the abstract page is, as when there is no HTML.
MAX_PAGE_BYTES = 20 * 1024 * 1024
PAGE_DEADLINE = 120.0  # seconds for one page, whole (httpx's timeout is per read)


# What makes one source unusable, so that the next is tried (anything else is a bug: raise).
SOURCE_FAILURES = (*REQUEST_FAILURES, ArxivError, FulltextError)


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
        transport: httpx.AsyncBaseTransport | None = None,
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
        self._transport = transport  # None: the network
        self._last_url: dict[str, str] = {}

    async def __aenter__(self) -> ArxivReader:
        if self._client is not None:  # entered already (pages and figures share one reader)
            return self
        self._client = httpx.AsyncClient(
            headers={"User-Agent": USER_AGENT},
            timeout=self._timeout,
            follow_redirects=True,
            limits=httpx.Limits(max_connections=self._concurrency),
            transport=self._transport,
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
                doc = await asyncio.to_thread(parse_html, html, paper.id)
                return doc.model_copy(update={"figure": await asyncio.to_thread(self._figure, html, paper.id)})
            log.info("arXiv has no HTML for %s (404); reading the abstract page", paper.id)
        except NoHTMLError as error:
            log.info("%s; reading the abstract page", error)
        except SOURCE_FAILURES as error:
            log.warning("could not read the HTML of %s (%s); reading the abstract page", paper.id, describe(error))
        try:
            page = await self._get(f"/abs/{paper.id}")
            if page is not None:
                doc = await asyncio.to_thread(parse_abs, page)
                return doc.model_copy(update={"arxiv_id": doc.arxiv_id or paper.id})
            log.info("arXiv has no abstract page for %s (404); using the HF summary", paper.id)
        except SOURCE_FAILURES as error:
            log.warning("could not read the abstract page of %s (%s); using the HF summary", paper.id, describe(error))
        return Document(arxiv_id=paper.id, title=paper.title, abstract=paper.summary, source="HF")

    async def read_figure(self, paper_id: str) -> Figure | None:
        """Only the key figure of the paper's HTML full text (papers analysed before key figures
        existed): None when arXiv has no HTML page or the page no usable figure. A failure to read
        the page is raised (the caller tries again next run), unlike :meth:`read`'s fallbacks."""
        html = await self._get(f"/html/{paper_id}")
        if html is None:
            return None
        return await asyncio.to_thread(self._figure, html, paper_id)

    def _figure(self, html: bytes, paper_id: str) -> Figure | None:
        """The key figure of a page (a page we cannot read figures from still gives its text)."""
        try:
            return key_figure(html, self._last_url.pop(f"/html/{paper_id}", None) or f"{self.base_url}/html/{paper_id}")
        except ValueError as error:
            log.warning("could not choose a figure of %s: %s", paper_id, error)
            return None

    async def get_image(self, url: str, max_bytes: int) -> bytes:
        """An image of a page we read (a key figure): one try more than nothing, streamed, at most
        ``max_bytes``, under the same politeness limit as the pages."""
        if self._client is None:
            raise RuntimeError("use ArxivReader as `async with ArxivReader(...) as reader:`")
        async for attempt in retrying(2, initial=self._backoff, sleep=self._sleep):
            with attempt:
                async with self._limit:
                    response = check_retryable(await read_capped(self._client, "GET", url, limit=max_bytes))
                if response.status_code != 200:
                    raise ArxivError(f"HTTP {response.status_code} from {url}")
                kind = response.headers.get("content-type", "")
                if not kind.startswith("image/"):
                    raise ArxivError(f"{url} is not an image (Content-Type {kind!r})")
        return response.content

    async def _get(self, path: str) -> bytes | None:
        """Body of ``{base}{path}``; None on 404. Retries 429/5xx/timeouts/connection errors."""
        if self._client is None:
            raise RuntimeError("use ArxivReader as `async with ArxivReader(...) as reader:`")
        url = f"{self.base_url}{path}"
        async for attempt in retrying(self.retries + 1, initial=self._backoff, sleep=self._sleep):
            with attempt:
                async with self._limit:  # held per request, not while backing off
                    response = check_retryable(await read_capped(self._client, "GET", url, limit=MAX_PAGE_BYTES,
                                                                 total=PAGE_DEADLINE))
        self._last_url[path] = str(response.url)  # after redirects (/html/ID → /html/IDv2): what src is relative to
        if response.status_code == 404:
            return None
        if response.status_code != 200:
            raise ArxivError(f"HTTP {response.status_code} from {url}")
        return response.content
