"""What a run shares, however many days it makes: its options, its summary, and the
:class:`Workspace` (one store, one index, one HF client, one LLM client with one concurrency limit,
one font probe, one process pool for pictures).

Every part is opened on first use and imported then too: a re-run with nothing new opens the HF
client and the store, and never imports the LLM client, matplotlib or the speech engines.
"""

from __future__ import annotations

import datetime as dt
import logging
import multiprocessing
import sqlite3
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from hfdaily.config import PRESETS, Settings, reveal
from hfdaily.http import Transports
from hfdaily.outputs import Outputs

if TYPE_CHECKING:
    from tqdm import tqdm

    from hfdaily.archive.index import Index
    from hfdaily.archive.store import Store
    from hfdaily.enrich.llm import LLMClient, LLMStats
    from hfdaily.sources.arxiv import ArxivReader
    from hfdaily.sources.hf import HFClient

log = logging.getLogger("hfdaily.workspace")


def _llm_stats() -> LLMStats:
    from hfdaily.enrich.llm import LLMStats

    return LLMStats()


@dataclass
class RunOptions:
    date: dt.date
    out: Path
    db: Path | None = None  # default: OUT/hfdaily.db
    use_llm: bool = True
    analysis: bool = True
    pictures: bool = True
    audio: bool = True
    progress: bool = True
    deliver: bool = True  # `hfdaily run`: send the day to the configured channels once it is published
    transports: Transports = field(default_factory=Transports)  # HF, arXiv, LLM: the network unless given


@dataclass
class RunSummary:
    date: dt.date
    last: dt.date | None = None  # a backfill: the last day of the range
    days: int = 0  # days with papers
    papers: int = 0
    new: int = 0
    seconds: float = 0.0
    llm: LLMStats = field(default_factory=_llm_stats)
    failed: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    outputs: list[Path] = field(default_factory=list)
    read_sources: dict[str, int] = field(default_factory=dict)
    delivery: object = None  # hfdaily.deliver.notify.DeliveryReport, when channels are configured
    reused: int = 0  # translations and analyses already in the records (nothing asked)
    flagged: list[str] = field(default_factory=list)  # kept, with problems shown to the reader (⚠️ 核查提示)
    flagged_in: set[str] = field(default_factory=set)  # where the marks are: "newsletter" (translations), "report"
    pending: list[str] = field(default_factory=list)  # still lacking a translation or an analysis (待补)

    def line(self) -> str:
        from hfdaily.make.render import source_label

        sources = ", ".join(f"{n} {source_label(s)}" for s, n in sorted(self.read_sources.items()))
        llm = self.llm
        span = f"{self.date}..{self.last} ({self.days} days with papers)" if self.last else f"{self.date}"
        text = (f"{span}: {self.papers} papers ({self.new} new), {llm.cached + self.reused} cached, "
                f"{llm.calls} LLM calls, {llm.prompt_tokens + llm.completion_tokens} tokens "
                f"({llm.prompt_tokens} in / {llm.completion_tokens} out"
                + (f", of which {llm.reasoning_tokens} reasoning" if llm.reasoning_tokens else "")
                + f"), {self.seconds:.1f} s")
        text += f"; read {sources}" if sources else ""
        where = " and the ".join(sorted(self.flagged_in, reverse=True)) or "newsletter"
        text += f", {len(self.flagged)} flagged (see ⚠️ 核查提示 in the {where})" if self.flagged else ""
        return text + (f", {len(self.failed)} failed (retried next run)" if self.failed else "")


class Workspace:
    """What the steps share while making any number of days; each part is opened on first use, so
    a day HF lists nothing for creates no database."""

    def __init__(self, settings: Settings, opts: RunOptions):
        self.settings, self.opts = settings, opts
        self.outputs = Outputs(opts.out)
        self.db_path = opts.db or self.outputs.db
        self._store: Store | None = None
        self._index: Index | None = None
        self._hf: HFClient | None = None
        self._font = None
        self._llm: tuple[LLMClient, ArxivReader] | None = None
        self._arxiv: ArxivReader | None = None
        self.bar: tqdm | None = None  # one progress bar over every paper being enriched
        self.drawing_processes = 0  # > 0: pictures drawn in a pool of processes (a run, backfill, render --all)
        self.trend_fetched: set[dt.date] = set()  # days whose trend gained past lists in this run
        self._drawing: Executor | None = None
        self.run_id: int | None = None
        self._trend_hf: HFClient | None = None
        self.trend_failures: list[dt.date] = []  # past days HF failed to list in this run
        self.hf_failures_in_a_row = 0  # days of a range HF failed to list, one after another
        self.hf_skipped: list[dt.date] = []  # days of a range not asked once HF looked down
        # Days enriched in this run with and without the LLM: what the pages then say about papers
        # lacking a translation (待补, or why none is translated).
        self.llm_days: set[dt.date] = set()
        self.no_llm_days: set[dt.date] = set()

    @property
    def store(self) -> Store:
        if self._store is None:
            from hfdaily.archive.store import Store

            self._store = Store(self.db_path)
        return self._store

    @property
    def index(self) -> Index:
        if self._index is None:
            from hfdaily.archive.index import Index

            self._index = Index.open(self.outputs.root, self.db_path)
        return self._index

    @property
    def font(self):
        if self._font is None and self.opts.pictures:
            from hfdaily.make.fonts import find_cjk_font

            self._font = find_cjk_font(self.settings.make.font)
        return self._font

    async def hf(self) -> HFClient:
        if self._hf is None:
            from hfdaily.sources.hf import HFClient

            hf = self.settings.hf
            self._hf = HFClient(hf.endpoint, reveal(hf.token), retries=hf.retries, max_papers=hf.max_papers,
                                max_abstract_chars=hf.max_abstract_chars, transport=self.opts.transports.hf)
            await self._hf.__aenter__()
        return self._hf

    async def trend_hf(self) -> HFClient:
        """Past days' lists are an extra (the trend): a short timeout and one retry, not today's patience."""
        if self._trend_hf is None:
            from hfdaily.sources.hf import HFClient

            hf = self.settings.hf
            self._trend_hf = HFClient(hf.endpoint, reveal(hf.token), retries=1, timeout=hf.trend_timeout, backoff=0.5,
                                      max_papers=hf.max_papers, max_abstract_chars=hf.max_abstract_chars,
                                      transport=self.opts.transports.hf)
            await self._trend_hf.__aenter__()
        return self._trend_hf

    async def llm(self, summary: RunSummary) -> tuple[LLMClient, ArxivReader]:
        """One LLM client (one concurrency limit) and one arXiv reader for every day of the run."""
        if self._llm is None:
            from hfdaily.enrich.llm import LLMClient
            from hfdaily.providers import provider_for

            settings = self.settings
            settings.require_llm()
            llm = LLMClient(base_url=settings.llm.base_url, model=settings.llm.model, api_key=reveal(settings.llm.api_key),
                            store=self.store, concurrency=settings.llm.concurrency, timeout=settings.llm.timeout,
                            retries=settings.llm.max_retries, run_id=self.run_id,
                            key_variable=key_variable(settings), breaker=settings.llm.breaker,
                            provider=provider_for(settings.llm.provider, settings.llm.base_url),
                            thinking=settings.llm.thinking, transport=self.opts.transports.llm)
            self._llm = (llm, self.arxiv)  # set before any await: days starting at once share this one
            summary.llm = llm.stats
            await llm.__aenter__()
            await self.arxiv.__aenter__()
        return self._llm

    @property
    def arxiv(self) -> ArxivReader:
        """The one arXiv reader (one politeness limit) for pages and figures; entered by its first user."""
        if self._arxiv is None:
            from hfdaily.sources.arxiv import ArxivReader

            self._arxiv = ArxivReader(base_url=self.settings.arxiv.url, concurrency=self.settings.arxiv.concurrency,
                                      transport=self.opts.transports.arxiv)
        return self._arxiv

    def progress(self, papers: int) -> tqdm:
        """The run's one progress bar, grown by ``papers`` more to enrich."""
        if self.bar is None:
            from tqdm import tqdm

            self.bar = tqdm(total=0, desc="LLM", unit="paper", disable=not self.opts.progress or None, leave=False)
        self.bar.total += papers
        self.bar.refresh()
        return self.bar

    @property
    def drawing(self) -> Executor | None:
        """The process pool for pictures, started when the first picture is to be drawn."""
        if self._drawing is None and self.drawing_processes > 0:
            # spawned, not forked: a child must not inherit OUT's lock (nor the event loop's state)
            self._drawing = ProcessPoolExecutor(self.drawing_processes, mp_context=multiprocessing.get_context("spawn"))
        return self._drawing

    @property
    def speaking(self):
        """One limit on the espeak-ng processes of every day of the run (one per core)."""
        if getattr(self, "_speaking", None) is None:
            import asyncio
            import os

            self._speaking = asyncio.Semaphore(os.cpu_count() or 1)
        return self._speaking

    def warm_drawing(self) -> None:
        """Start the drawing processes now (matplotlib's import takes a second or two each), so
        they are ready by the time the LLM has answered."""
        if self.drawing is not None and not getattr(self, "_warmed", False):
            from hfdaily.make.artefacts import warm_up

            self._warmed = True
            for _ in range(self.drawing_processes):
                self.drawing.submit(warm_up)

    def start_run(self, date: dt.date) -> None:
        if self.run_id is None:
            self.store.abandon_running()  # we hold OUT's lock: a run still marked running was killed
            self.run_id = self.store.start_run(date)

    async def close(self, status: str = "ok", summary: dict | None = None) -> None:
        if self._drawing is not None:
            self._drawing.shutdown(cancel_futures=True)
        if self.bar is not None:
            self.bar.close()
        if self._llm is not None:
            await self._llm[0].__aexit__(None, None, None)
        if self._arxiv is not None:
            await self._arxiv.__aexit__(None, None, None)
        for hf in (self._hf, self._trend_hf):
            if hf is not None:
                await hf.__aexit__(None, None, None)
        if self._store is not None:
            try:
                if self.run_id is not None:
                    self._store.finish_run(self.run_id, status, summary or {})
            except sqlite3.DatabaseError as exc:  # a damaged store is reported by the caller
                log.warning("could not record the run's end in the store: %s", exc)
            finally:
                self._store.close()
        if self._index is not None:
            self._index.close()


def key_variable(settings: Settings) -> str:
    """The variable a user fixes when the endpoint refuses the key."""
    if settings.llm.provider in PRESETS:
        return f"{PRESETS[settings.llm.provider][2]} (or HFDAILY_LLM_API_KEY)"
    return "HFDAILY_LLM_API_KEY"


