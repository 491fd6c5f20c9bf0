"""The enrichment scheduler: every paper of every day of a run that lacks its translation or its
analysis, asked at once under the run's one LLM client (one concurrency limit).

Every answer is cached in the store the moment it arrives and records are saved every
``SAVE_EVERY`` seconds, so a run killed at any moment and started again pays nothing twice. Each
paper whose answers are all in is handed on at once (``on_paper``): its speech is synthesised
while the other papers are still being asked.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from hfdaily.archive.record import save_record
from hfdaily.models import DayRecord, PaperEntry, Usage

if TYPE_CHECKING:
    from hfdaily.archive.store import Store
    from hfdaily.config import Settings
    from hfdaily.enrich.llm import LLMClient
    from hfdaily.outputs import Outputs
    from hfdaily.sources.arxiv import ArxivReader

log = logging.getLogger("hfdaily.enrich.scheduler")


class RunSummary(Protocol):
    """What the scheduler tells the run (``workspace.RunSummary`` is one)."""
    failed: list[str]
    reused: int


class Workspace(Protocol):
    """What the scheduler needs of the run it serves (``workspace.Workspace`` is one; declared here
    so enrich/ does not import the floor above it)."""
    settings: Settings
    opts: object  # use_llm, analysis (workspace.RunOptions)
    outputs: Outputs
    store: Store

    def start_run(self, date: dt.date) -> None: ...

    async def llm(self, summary: RunSummary) -> tuple[LLMClient, ArxivReader]: ...

    def progress(self, papers: int): ...

SAVE_EVERY = 0.5  # seconds between saves of the records being enriched

OnPaper = Callable[[DayRecord, PaperEntry], None]


def needs_llm(ws: Workspace, record: DayRecord) -> bool:
    """Whether any paper of ``record`` still lacks an answer this run would ask for."""
    return ws.opts.use_llm and any(e.translation is None or (ws.opts.analysis and e.analysis is None)
                                   for e in record.papers)


async def enrich_papers(ws: Workspace, records: list[DayRecord], summary: RunSummary,
                        on_paper: OnPaper | None = None) -> set[Path]:
    """Ask the LLM for what each paper of ``records`` lacks, all at once under the run's one
    client; returns the records saved."""
    from hfdaily.enrich.llm import CHARGE_TO, LLMError, LLMUnavailableError

    settings, opts = ws.settings, ws.opts
    todo = [(record, e) for record in records for e in record.papers
            if e.translation is None or (opts.analysis and e.analysis is None)]
    summary.reused += sum(e.translation is not None for r in records for e in r.papers) + sum(
        opts.analysis and e.analysis is not None for r in records for e in r.papers)
    if not todo:
        return set()
    ws.start_run(records[0].date)
    llm, reader = await ws.llm(summary)
    written: set[Path] = set()
    unsaved: dict[dt.date, DayRecord] = {}
    stopped: list[LLMUnavailableError] = []

    def save_unsaved() -> None:
        while unsaved:
            record = unsaved.popitem()[1]
            record.usage = spending(record.usage, ws.store.spent_on(record.date))
            written.add(save_record(ws.outputs.root, record))

    async def keep_saving() -> None:
        # Records are saved every SAVE_EVERY seconds, not after every paper: saving a record costs
        # ~10 ms of CPU, which after each of 2,444 papers made a 100-day backfill 1.7x its floor
        # (and is quadratic on a huge day). A kill loses at most SAVE_EVERY seconds of record, never
        # an answer or its cost: the store has every answer and the call log every payment.
        while True:
            await asyncio.sleep(SAVE_EVERY)
            save_unsaved()

    async def one(record: DayRecord, entry: PaperEntry) -> None:
        CHARGE_TO.set(record.date)  # this task's calls are logged against this paper's day
        try:
            await _enrich_paper(entry, llm, reader, ws.store, settings, opts.analysis)
        except LLMUnavailableError as exc:  # the endpoint is unusable: every other call fails fast too
            stopped.append(exc)
        except LLMError as exc:
            summary.failed.append(entry.paper.id)
            log.warning("paper %s: %s", entry.paper.id, exc)
        else:
            if on_paper is not None:
                on_paper(record, entry)
        unsaved[record.date] = record

    saver = asyncio.create_task(keep_saving())
    bar = ws.progress(len(todo))
    papers = [asyncio.create_task(one(r, e)) for r, e in todo]
    try:
        for next_done in asyncio.as_completed(papers):
            await next_done
            bar.update()
    finally:  # also when interrupted (Ctrl-C, SIGTERM): what finished is in the record
        saver.cancel()
        for paper in papers:  # requests in flight are cancelled now, not left to hang until the loop closes
            paper.cancel()
        await asyncio.gather(*papers, return_exceptions=True)
        save_unsaved()
    if stopped:  # nothing is rendered or published; the records keep what finished
        raise stopped[0]
    return written


async def _enrich_paper(entry: PaperEntry, llm: LLMClient, reader: ArxivReader, store: Store,
                        settings: Settings, with_analysis: bool) -> None:
    from hfdaily.enrich import analyze, translate
    from hfdaily.enrich.budget import fit
    from hfdaily.enrich.llm import LLMError, LLMUnavailableError

    paper = entry.paper
    jobs = []
    if entry.translation is None:
        async def do_translation() -> None:
            entry.translation = await translate.translate(llm, paper, settings.llm.glossary)
            entry.translation_model = f"{llm.model}/{translate.PROMPT_VERSION}"
        jobs.append(do_translation())
    if with_analysis and entry.analysis is None:
        async def do_analysis() -> None:
            doc = store.document(paper.id)
            if doc is None:
                doc = await reader.read(paper)
                if doc.source != "HF":  # an arXiv outage must not be remembered as "no full text"
                    store.save_document(paper.id, doc)
                if doc.source == "HTML":  # its figure was chosen now: the one-time figure pass is not needed
                    from hfdaily.sources.figures import remember_figure_pass
                    remember_figure_pass(store.db, paper.id, doc.figure)
            text, budget = fit(doc, settings.analysis.token_budget)
            entry.analysis = await analyze.analyse(llm, paper, text, doc.source, budget, settings.llm.glossary,
                                                   doc.figure)
            entry.analysis_model = f"{llm.model}/{analyze.prompt_version(doc.figure)}"
            entry.read_source, entry.budget, entry.figure = doc.source, budget, doc.figure
        jobs.append(do_analysis())
    results = await asyncio.gather(*jobs, return_exceptions=True)
    errors = [r for r in results if isinstance(r, BaseException)]
    if errors:
        if not all(isinstance(e, LLMError) for e in errors):
            raise next(e for e in errors if not isinstance(e, LLMError))
        if unavailable := next((e for e in errors if isinstance(e, LLMUnavailableError)), None):
            raise unavailable
        raise LLMError("; ".join(map(str, errors)))


def spending(recorded: Usage, logged: Usage) -> Usage:
    """The day's spending: the call log counts every paid answer, even of killed or overlapping
    runs; the record's own count wins only where the log is younger (a store deleted and rebuilt)."""
    return Usage(calls=max(recorded.calls, logged.calls),
                 prompt_tokens=max(recorded.prompt_tokens, logged.prompt_tokens),
                 completion_tokens=max(recorded.completion_tokens, logged.completion_tokens),
                 reasoning_tokens=max(recorded.reasoning_tokens, logged.reasoning_tokens))


