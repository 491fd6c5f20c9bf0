"""ArxivReader against a local arXiv stand-in serving the recorded pages."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import threading
import time
from functools import partial
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from hfdaily.models import Paper
from hfdaily.sources.arxiv import USER_AGENT, ArxivReader
from hfdaily.testing.arxiv_server import index_pages, serve_arxiv
from hfdaily.testing.serving import serve as serve_handler


def paper(arxiv_id: str) -> Paper:
    return Paper(id=arxiv_id, title="HF title", summary="HF summary.", authors=[],
                 published_at=dt.datetime(2026, 1, 20, tzinfo=dt.timezone.utc))


@pytest.fixture(scope="module")
def arxiv(fixtures_dir: Path):
    with serve_arxiv(fixtures_dir) as url:
        yield url


def test_server_index(fixtures_dir: Path) -> None:
    pages = index_pages(fixtures_dir)
    assert pages["/html/astro-ph/9710163"][0] == 200
    assert pages["/html/2601.17668"][0] == 404  # arXiv's "No HTML for" page
    assert "/abs/2401.02954" in pages


async def test_html_path(arxiv: str) -> None:
    async with ArxivReader(base_url=arxiv) as reader:
        doc = await reader.read(paper("2512.14946"))
    assert (doc.source, doc.arxiv_id) == ("HTML", "2512.14946")
    assert doc.title.startswith("EvicPress") and len(doc.sections) == 21


async def test_404_falls_back_to_abs(arxiv: str) -> None:
    async with ArxivReader(base_url=arxiv) as reader:
        doc = await reader.read(paper("2401.02954"))
    assert (doc.source, doc.arxiv_id) == ("ArXiv Abs", "2401.02954")
    assert doc.title == "DeepSeek LLM: Scaling Open-Source Language Models with Longtermism"


async def test_no_html_and_no_abs_falls_back_to_hf(arxiv: str, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="hfdaily.sources.arxiv"):
        async with ArxivReader(base_url=arxiv) as reader:
            doc = await reader.read(paper("2601.17668"))
    assert (doc.source, doc.title, doc.abstract, doc.sections) == ("HF", "HF title", "HF summary.", [])
    assert "no abstract page for 2601.17668" in caplog.text


class _Recorder(BaseHTTPRequestHandler):
    """Scripted answers: ``script[path]`` is a list of (status, headers, body), one per request."""

    def __init__(self, *args, script: dict, seen: list, **kwargs) -> None:
        self.script, self.seen = script, seen
        super().__init__(*args, **kwargs)

    def do_GET(self) -> None:  # noqa: N802
        self.seen.append((self.path, self.headers.get("User-Agent")))
        answers = self.script.get(self.path) or [(404, {}, b"not found")]
        status, headers, body = answers.pop(0) if len(answers) > 1 else answers[0]
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


async def test_no_html_page_served_200_falls_back_to_abs(fixtures_dir: Path) -> None:
    no_html = (fixtures_dir / "arxiv_html_modern/no_html_2601.17668.html").read_bytes()
    abs_page = (fixtures_dir / "arxiv_abs/2106.09608.html").read_bytes()
    script = {"/html/2106.09608": [(200, {}, no_html)], "/abs/2106.09608": [(200, {}, abs_page)]}
    with serve_handler(partial(_Recorder, script=script, seen=[])) as url:
        async with ArxivReader(base_url=url) as reader:
            doc = await reader.read(paper("2106.09608"))
    assert doc.source == "ArXiv Abs"


async def test_429_with_retry_after_then_success(fixtures_dir: Path) -> None:
    page = (fixtures_dir / "arxiv_html_modern/2601.19139.html").read_bytes()
    script = {
        "/html/2601.19139": [(301, {"Location": "/html/2601.19139v2"}, b"")],
        "/html/2601.19139v2": [(429, {"Retry-After": "7"}, b"slow down"), (200, {}, page)],
    }
    seen: list = []
    waits: list[float] = []

    async def record(seconds: float) -> None:
        waits.append(seconds)

    with serve_handler(partial(_Recorder, script=script, seen=seen)) as url:
        async with ArxivReader(base_url=url, sleep=record) as reader:
            doc = await reader.read(paper("2601.19139"))
    assert doc.source == "HTML" and doc.title.startswith("Native LLM")
    assert waits == [7.0]  # Retry-After honoured
    assert [path for path, _ in seen] == ["/html/2601.19139", "/html/2601.19139v2",
                                          "/html/2601.19139", "/html/2601.19139v2"]
    assert all(agent == USER_AGENT and agent.startswith("hfdaily/") for _, agent in seen)


async def test_persistent_5xx_backs_off_then_falls_back(fixtures_dir: Path, caplog: pytest.LogCaptureFixture) -> None:
    abs_page = (fixtures_dir / "arxiv_abs/2004.10162.html").read_bytes()
    script = {"/html/2004.10162": [(503, {}, b"down")], "/abs/2004.10162": [(200, {}, abs_page)]}
    seen: list = []
    waits: list[float] = []

    async def record(seconds: float) -> None:
        waits.append(seconds)

    with serve_handler(partial(_Recorder, script=script, seen=seen)) as url:
        async with ArxivReader(base_url=url, retries=3, backoff=1.0, sleep=record) as reader:
            doc = await reader.read(paper("2004.10162"))
    assert doc.source == "ArXiv Abs"
    assert [path for path, _ in seen].count("/html/2004.10162") == 4  # 1 try + 3 retries
    assert len(waits) == 3 and waits[0] < waits[2], "exponential backoff"
    assert "HTTP 503" in caplog.text


async def test_network_failure_never_raises() -> None:
    async with ArxivReader(base_url="http://127.0.0.1:9", retries=1, sleep=_no_sleep) as reader:
        doc = await reader.read(paper("2512.14946"))
    assert doc.source == "HF"


async def _no_sleep(seconds: float) -> None:
    pass


class _Slow(BaseHTTPRequestHandler):
    """Counts requests in flight; each takes a moment so overlaps are visible."""

    lock = threading.Lock()
    in_flight = 0
    most = 0

    def do_GET(self) -> None:  # noqa: N802
        cls = type(self)
        with cls.lock:
            cls.in_flight += 1
            cls.most = max(cls.most, cls.in_flight)
        time.sleep(0.15)
        with cls.lock:
            cls.in_flight -= 1
        self.send_response(404)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


async def test_concurrency_limit_respected() -> None:
    with serve_handler(_Slow) as url:
        async with ArxivReader(base_url=url, concurrency=2) as reader:
            ids = [f"2601.{n:05d}" for n in range(6)]
            docs = await asyncio.gather(*(reader.read(paper(i)) for i in ids))
    assert [d.source for d in docs] == ["HF"] * 6
    assert _Slow.most == 2


async def test_reader_needs_async_with() -> None:
    with pytest.raises(RuntimeError, match="async with"):
        await ArxivReader()._get("/html/2512.14946")
