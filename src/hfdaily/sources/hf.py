"""Fetch one day of Hugging Face Daily Papers and turn the API's entries into ``Paper`` models."""

from __future__ import annotations

import datetime as dt
import logging
import time
from typing import Any

import httpx
from pydantic import ValidationError

from hfdaily.errors import HFError  # noqa: F401  (re-exported)
from hfdaily.http import (
    REQUEST_FAILURES,
    USER_AGENT,
    check_retryable,
    describe,
    read_capped,
    retrying,
)
from hfdaily.models import Paper
from hfdaily.redaction import register

log = logging.getLogger("hfdaily.sources.hf")

PAGE_SIZE = 50
# Real days list about 50 papers and arXiv abstracts stop near 1,920 characters; these bounds are
# far above both and only stop a broken or hostile list from costing hours, gigabytes and tokens.
MAX_PAPERS = 300
MAX_ABSTRACT_CHARS = 6000
# A page of 50 entries is ~150 KB; a server streaming forever is cut off at this size or time.
MAX_PAGE_BYTES = 10 * 1024 * 1024
PAGE_DEADLINE = 60.0  # seconds for one page, whole (httpx's timeout is per read)


def cap_abstract(paper: Paper, limit: int) -> Paper:
    """An abstract longer than ``limit`` is cut at a word and marked, before anything reads it."""
    if len(paper.summary) <= limit:
        return paper
    cut = paper.summary[:limit].rsplit(" ", 1)[0] or paper.summary[:limit]
    return paper.model_copy(update={"summary": cut + " …"})


class MalformedResponseError(HFError):
    pass


def paper_from_entry(entry: dict[str, Any]) -> Paper:
    """One API entry → Paper. Raises ValidationError/KeyError/TypeError on a broken entry."""
    paper = entry["paper"]
    org = paper.get("organization") or entry.get("organization") or {}
    return Paper(
        id=paper["id"],
        title=paper.get("title") or entry.get("title") or "",
        summary=paper.get("summary") or entry.get("summary") or "",
        authors=[a["name"] for a in paper["authors"] if not a.get("hidden")],
        published_at=entry.get("publishedAt") or paper["publishedAt"],
        upvotes=paper.get("upvotes") or 0,
        num_comments=entry.get("numComments") or 0,
        ai_summary=paper.get("ai_summary"),
        ai_keywords=paper.get("ai_keywords") or [],
        github_repo=paper.get("githubRepo") or None,
        github_stars=paper.get("githubStars"),
        project_page=paper.get("projectPage") or None,
        organization=(org.get("fullname") or org.get("name")) if isinstance(org, dict) else None,
    )


def parse_entries(raw: Any, source: str = "response", max_abstract_chars: int = MAX_ABSTRACT_CHARS) -> list[Paper]:
    """Validate a page of API entries; skip (and log) broken entries, reject a broken shape."""
    if isinstance(raw, dict):
        keys = ", ".join(sorted(raw)[:6])
        raise MalformedResponseError(
            f"{source}: expected a JSON list of paper entries, got an object with keys {keys}"
            + (" (a wrapper around 'data', not the API's shape)" if "data" in raw else "")
        )
    if not isinstance(raw, list):
        raise MalformedResponseError(f"{source}: expected a JSON list of paper entries, got {type(raw).__name__}")
    if raw and all(isinstance(item, str) for item in raw):
        raise MalformedResponseError(
            f"{source}: the entries are strings, not JSON objects (they look like Python repr() "
            f"of dicts: {raw[0][:60]!r}…); this is a damaged copy, not the API's shape"
        )
    papers: list[Paper] = []
    for index, entry in enumerate(raw):
        try:
            if not isinstance(entry, dict):
                raise TypeError(f"entry is a {type(entry).__name__}, not an object")
            papers.append(cap_abstract(paper_from_entry(entry), max_abstract_chars))
        except (KeyError, TypeError, ValidationError) as exc:
            ident = entry.get("paper", {}).get("id", "?") if isinstance(entry, dict) and isinstance(entry.get("paper"), dict) else "?"
            reason = f"missing field {exc}" if isinstance(exc, KeyError) else " ".join(str(exc).split())[:200]
            log.warning("%s: skipping entry %d (id %r): %s", source, index, ident, reason)
    return papers


def order_papers(papers: list[Paper]) -> list[Paper]:
    """Dedupe by id (pages can overlap while the list grows) and order by upvotes, as HF does."""
    unique = {p.id: p for p in papers}
    return sorted(unique.values(), key=lambda p: -p.upvotes)


class HFClient:
    """``async with HFClient(endpoint) as hf: papers = await hf.daily_papers(date)``."""

    def __init__(self, endpoint: str, token: str | None = None, retries: int = 5, timeout: float = 30.0,
                 backoff: float = 1.0, max_papers: int = MAX_PAPERS, max_abstract_chars: int = MAX_ABSTRACT_CHARS,
                 transport: httpx.AsyncBaseTransport | None = None):
        headers = {"User-Agent": USER_AGENT}
        if token:
            headers["Authorization"] = f"Bearer {token}"
            register([token])  # scrubbed from HF's text at the door (models.clean_line)
        self.endpoint = endpoint.rstrip("/")
        self.retries, self.backoff = retries, backoff
        self.max_papers, self.max_abstract_chars = max_papers, max_abstract_chars
        self.capped: dict[dt.date, int] = {}  # day → how many papers HF listed when more than max_papers
        self.client = httpx.AsyncClient(headers=headers, timeout=timeout, follow_redirects=True, transport=transport)

    async def __aenter__(self) -> HFClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.client.aclose()

    async def _page(self, date: dt.date, page: int) -> Any:
        url = f"{self.endpoint}/api/daily_papers"
        params = {"date": date.isoformat(), "limit": PAGE_SIZE, "p": page}
        attempts, started = 0, time.monotonic()
        try:
            async for attempt in retrying(self.retries + 1, initial=self.backoff):
                with attempt:
                    attempts += 1
                    response = check_retryable(await read_capped(self.client, "GET", url, params=params,
                                                                 limit=MAX_PAGE_BYTES, total=PAGE_DEADLINE))
        except REQUEST_FAILURES as exc:  # every network failure becomes one clear message
            tried = f"tried {attempts} times over {time.monotonic() - started:.0f} s" if attempts > 1 else "tried once"
            hint = ""
            if isinstance(exc, httpx.TransportError):  # no network, or HF blocked: say what else works
                hint = ("\nNo network to Hugging Face? Set HF_ENDPOINT to a mirror (e.g. HF_ENDPOINT=https://hf-mirror.com), "
                        "or see a bundled real day made offline: hfdaily demo (bash run.sh --demo). "
                        "`hfdaily doctor` checks every service a run needs.")
            raise HFError(f"could not fetch {url}?date={date} (page {page}; {tried}): {describe(exc)}{hint}") from exc
        if response.status_code == 404:
            return []
        if response.status_code >= 400:
            raise HFError(f"{url}?date={date} answered HTTP {response.status_code}: {response.text[:200]}")
        try:
            return response.json()
        except ValueError as exc:
            raise MalformedResponseError(
                f"{url}?date={date} (page {page}) did not return JSON: {response.text[:80]!r}"
            ) from exc

    async def daily_papers(self, date: dt.date) -> list[Paper]:
        papers: dict[str, Paper] = {}
        for page in range(100):  # a hard stop in case a server ignores paging
            raw = await self._page(date, page)
            fresh = {p.id: p for p in parse_entries(raw, f"daily papers {date} page {page}", self.max_abstract_chars)
                     if p.id not in papers}
            papers.update(fresh)
            # A short page ends the list; a page with nothing new means the server ignores `p`.
            if len(raw) < PAGE_SIZE or not fresh or len(papers) > self.max_papers:
                break
        ordered = order_papers(list(papers.values()))
        if len(ordered) > self.max_papers:
            self.capped[date] = len(ordered)
            log.warning("daily papers %s: %d papers listed, keeping the %d most upvoted (HFDAILY_MAX_PAPERS)",
                        date, len(ordered), self.max_papers)
        return ordered[: self.max_papers]
