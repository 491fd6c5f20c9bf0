"""The steps, for one day or many: fetch → enrich → render → publish.

Each step is idempotent and returns the files it wrote:

- ``fetch``: HF's list for the day, merged into ``data/DATE.json``; the lists of past days the
  trend needs, into the store. The only step that reads HF.
- ``enrich``: translation and analysis of every paper that lacks them (the LLM), then each
  paper's fields. Every answer is cached the moment it arrives and records are saved every
  ``SAVE_EVERY`` seconds, so a run killed at any moment and started again pays nothing twice.
- ``render``: statistics, pictures, audio and pages from the record and the index. Never fetches.
- ``publish``: the index brought up to date, then the archive page and the feed from it.

A :class:`Workspace` is what the steps share: one store, one index, one HF client, one LLM client
(one concurrency limit), one font probe, however many days are made. ``backfill`` makes a range of
days with it: every day fetched, every paper of every day enriched at once under one progress bar,
every day rendered, and the site published once.

Every writing command holds ``OUT``'s lock (:func:`writing`): one writer per output folder, so
leftovers of a killed run can be removed and runs still marked ``running`` were killed.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import multiprocessing
import sqlite3
import time
from collections.abc import Iterable, Iterator
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from tqdm import tqdm

from hfdaily.archive.index import Index
from hfdaily.archive.lock import (
    check_writable,
    clean_leftovers,
    hold_output,
    ignore_temporaries,
)
from hfdaily.archive.record import (
    load_record,
    merge,
    save_record,
    write_if_changed,
)
from hfdaily.archive.store import Store, unusable
from hfdaily.config import PRESETS, Settings
from hfdaily.enrich import analyze, translate
from hfdaily.enrich.budget import fit
from hfdaily.enrich.llm import (
    CHARGE_TO,
    LLMClient,
    LLMError,
    LLMStats,
    LLMUnavailableError,
)
from hfdaily.errors import RecordError
from hfdaily.make import artefacts, figures
from hfdaily.make.fields import classify
from hfdaily.make.fonts import find_cjk_font
from hfdaily.make.render import (
    newsletter_html,
    newsletter_md,
    report_html,
    report_md,
    ship_assets,
    source_label,
)
from hfdaily.models import DayRecord, PaperEntry, Usage
from hfdaily.outputs import Outputs
from hfdaily.publish.build import build_site
from hfdaily.publish.site import publish_site
from hfdaily.sources.arxiv import ArxivReader
from hfdaily.sources.figures import fetch_figure
from hfdaily.sources.hf import HFClient, HFError

log = logging.getLogger("hfdaily.pipeline")

SAVE_EVERY = 0.5  # seconds between saves of the records being enriched


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


@dataclass
class RunSummary:
    date: dt.date
    last: dt.date | None = None  # a backfill: the last day of the range
    days: int = 0  # days with papers
    papers: int = 0
    new: int = 0
    seconds: float = 0.0
    llm: LLMStats = field(default_factory=LLMStats)
    failed: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    outputs: list[Path] = field(default_factory=list)
    read_sources: dict[str, int] = field(default_factory=dict)
    delivery: object = None  # hfdaily.deliver.notify.DeliveryReport, when channels are configured
    reused: int = 0  # translations and analyses already in the records (nothing asked)
    flagged: list[str] = field(default_factory=list)  # kept, with problems shown to the reader (⚠️ 核查提示)
    pending: list[str] = field(default_factory=list)  # still lacking a translation or an analysis (待补)

    def line(self) -> str:
        sources = ", ".join(f"{n} {source_label(s)}" for s, n in sorted(self.read_sources.items()))
        llm = self.llm
        span = f"{self.date}..{self.last} ({self.days} days with papers)" if self.last else f"{self.date}"
        text = (f"{span}: {self.papers} papers ({self.new} new), {llm.cached + self.reused} cached, "
                f"{llm.calls} LLM calls, {llm.prompt_tokens + llm.completion_tokens} tokens "
                f"({llm.prompt_tokens} in / {llm.completion_tokens} out), {self.seconds:.1f} s")
        text += f"; read {sources}" if sources else ""
        text += f", {len(self.flagged)} flagged (see ⚠️ in the newsletter)" if self.flagged else ""
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
        self.drawing_processes = 0  # > 1: pictures drawn in a pool of processes (render --all)
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
            self._store = Store(self.db_path)
        return self._store

    @property
    def index(self) -> Index:
        if self._index is None:
            self._index = Index.open(self.outputs.root, self.db_path)
        return self._index

    @property
    def font(self):
        if self._font is None and self.opts.pictures:
            self._font = find_cjk_font(self.settings.make.font)
        return self._font

    async def hf(self) -> HFClient:
        if self._hf is None:
            hf = self.settings.hf
            self._hf = HFClient(hf.endpoint, hf.token, retries=hf.retries, max_papers=hf.max_papers,
                                max_abstract_chars=hf.max_abstract_chars)
            await self._hf.__aenter__()
        return self._hf

    async def trend_hf(self) -> HFClient:
        """Past days' lists are an extra (the trend): a short timeout and one retry, not today's patience."""
        if self._trend_hf is None:
            hf = self.settings.hf
            self._trend_hf = HFClient(hf.endpoint, hf.token, retries=1, timeout=hf.trend_timeout, backoff=0.5,
                                      max_papers=hf.max_papers, max_abstract_chars=hf.max_abstract_chars)
            await self._trend_hf.__aenter__()
        return self._trend_hf

    async def llm(self, summary: RunSummary) -> tuple[LLMClient, ArxivReader]:
        """One LLM client (one concurrency limit) and one arXiv reader for every day of the run."""
        if self._llm is None:
            settings = self.settings
            settings.require_llm()
            llm = LLMClient(base_url=settings.llm.base_url, model=settings.llm.model, api_key=settings.llm.api_key,
                            store=self.store, concurrency=settings.llm.concurrency, timeout=settings.llm.timeout,
                            retries=settings.llm.max_retries, run_id=self.run_id,
                            key_variable=key_variable(settings), breaker=settings.llm.breaker)
            self._llm = (llm, self.arxiv)  # set before any await: days starting at once share this one
            summary.llm = llm.stats
            await llm.__aenter__()
            await self.arxiv.__aenter__()
        return self._llm

    @property
    def arxiv(self) -> ArxivReader:
        """The one arXiv reader (one politeness limit) for pages and figures; entered by its first user."""
        if self._arxiv is None:
            self._arxiv = ArxivReader(base_url=self.settings.arxiv.url, concurrency=self.settings.arxiv.concurrency)
        return self._arxiv

    def progress(self, papers: int) -> tqdm:
        """The run's one progress bar, grown by ``papers`` more to enrich."""
        if self.bar is None:
            self.bar = tqdm(total=0, desc="LLM", unit="paper", disable=not self.opts.progress or None, leave=False)
        self.bar.total += papers
        self.bar.refresh()
        return self.bar

    @property
    def drawing(self) -> Executor | None:
        """The process pool for pictures, started when the first picture is to be drawn."""
        if self._drawing is None and self.drawing_processes > 1:
            self._drawing = ProcessPoolExecutor(self.drawing_processes, mp_context=multiprocessing.get_context("spawn"))
        return self._drawing

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


# --- fetch ----------------------------------------------------------------------------------------

async def fetch(ws: Workspace, date: dt.date, summary: RunSummary) -> list[Path]:
    """HF's list for ``date`` merged into its record, and the past lists its trend needs."""
    hf = await ws.hf()
    papers = await hf.daily_papers(date)
    if date in hf.capped:
        summary.warnings.append(f"HF listed {hf.capped[date]} papers for {date}; kept the "
                                f"{ws.settings.hf.max_papers} most upvoted (HFDAILY_MAX_PAPERS)")
    path = ws.outputs.record(date)
    existing = load_record(path)
    if not papers and existing is None:
        return []  # nothing listed (weekend, holiday, future): nothing written
    record, new = merge(existing, date, papers)
    summary.papers += len(record.papers)
    summary.new += len(new)
    summary.days += 1
    unchanged = existing is not None and (record.model_dump(exclude={"updated_at"})
                                          == existing.model_dump(exclude={"updated_at"}))
    written = [] if unchanged else [save_record(ws.outputs.root, record)]
    written += ignore_temporaries(ws.outputs.root)
    ws.start_run(date)
    await _fetch_trend_lists(ws, date, summary)
    return written


TREND_FETCHES = 4  # past days' lists fetched at once
TREND_GIVE_UP = 1  # once a past day failed in a run (after its retry), the days not yet asked are not asked


async def _fetch_trend_lists(ws: Workspace, date: dt.date, summary: RunSummary) -> None:
    """Lists of the trend's past days that we have no record of, fetched once into the store.

    The trend is an extra: past days are fetched a few at a time with a short timeout and one
    retry; once one failed the rest are not asked (HF is failing past days); a day HF failed to
    list is not asked again for ``[hf] trend_retry_hours``; a stored list that no longer validates
    is dropped and fetched again."""
    store, hours = ws.store, ws.settings.hf.trend_retry_hours
    todo = [day for day in artefacts.trend_window(date, ws.settings.make.trend_days)
            if not ws.outputs.record(day).exists() and artefacts.cached_entries(store, day) is None
            and not store.day_list_failed_recently(day, hours)]
    if not todo:
        return
    hf, slots = await ws.trend_hf(), asyncio.Semaphore(TREND_FETCHES)
    skipped: list[dt.date] = []

    async def one(day: dt.date) -> None:
        async with slots:
            if len(ws.trend_failures) >= TREND_GIVE_UP:  # HF is failing past days: do not queue more
                skipped.append(day)
                store.day_list_failed(day, f"not asked: HF failed {len(ws.trend_failures)} past day(s) in the same run")
                return
            try:
                papers = await hf.daily_papers(day)
            except HFError as exc:
                ws.trend_failures.append(day)
                summary.warnings.append(f"trend: no list for {day}: {exc}")
                store.day_list_failed(day, str(exc))
                return
        store.save_day_list(day, "[" + ",".join(p.model_dump_json() for p in papers) + "]")

    await asyncio.gather(*(one(day) for day in todo))
    if skipped:
        summary.warnings.append(f"trend: {len(skipped)} more past day(s) not asked after HF failed; "
                                f"asked again in {hours:g} h")


# --- enrich ---------------------------------------------------------------------------------------

async def enrich(ws: Workspace, dates: Iterable[dt.date], summary: RunSummary) -> list[Path]:
    """Translate (and analyse) every paper of every day that still needs it, all at once under one
    concurrency limit; then store each paper's fields. Saves a record as each of its papers ends."""
    records = [r for d in dates if (r := load_record(ws.outputs.record(d))) is not None]
    written: set[Path] = set()
    (ws.llm_days if ws.opts.use_llm else ws.no_llm_days).update(r.date for r in records)
    if ws.opts.use_llm:
        written |= await _enrich_with_llm(ws, records, summary)
    if ws.opts.pictures and ws.settings.arxiv.figures:
        written |= await _figures(ws, records, summary)
    for record in records:
        summary.flagged += [e.paper.id for e in record.papers
                            if (e.translation and e.translation.problems)
                            or (e.analysis and (e.analysis.ungrounded_numbers or e.analysis.problems))]
        summary.pending += [e.paper.id for e in record.papers if e.translation is None
                            or (ws.opts.use_llm and ws.opts.analysis and e.analysis is None)]
        changed = False
        if ws.db_path.exists():  # the call log counts every paid answer, even of a killed run
            usage = spending(record.usage, ws.store.spent_on(record.date))
            changed, record.usage = usage != record.usage, usage
        for entry in record.papers:
            fields = classify(entry)
            changed |= fields != entry.fields
            entry.fields = fields
            if entry.read_source:
                summary.read_sources[entry.read_source] = summary.read_sources.get(entry.read_source, 0) + 1
        if changed:
            written.add(save_record(ws.outputs.root, record))
    return sorted(written)


async def _enrich_with_llm(ws: Workspace, records: list[DayRecord], summary: RunSummary) -> set[Path]:
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


async def _figures(ws: Workspace, records: list[DayRecord], summary: RunSummary) -> set[Path]:
    """Each paper's key figure as web pictures under OUT/images/figures, downloaded once (the store
    keeps the original); one that fails is a warning and is tried again next run."""
    todo = [e for r in records for e in r.papers if e.figure is not None and not figures.has_files(ws.outputs, e.paper.id)]
    if not todo:
        return set()
    reader = await ws.arxiv.__aenter__()
    timeout = ws.settings.arxiv.figure_timeout

    async def one(entry: PaperEntry) -> list[Path]:
        data = await fetch_figure(ws.store.db, reader, entry.paper.id, entry.figure, timeout)
        if data is None:
            summary.warnings.append(f"figure of {entry.paper.id} not downloaded; tried again next run")
            return []
        try:
            return await asyncio.to_thread(figures.write_figure, ws.outputs, entry.paper.id, data)
        except figures.FigureImageError as exc:
            summary.warnings.append(f"figure of {entry.paper.id} not shown: {exc}")
            return []

    return {path for made in await asyncio.gather(*(one(e) for e in todo)) for path in made}


def key_variable(settings: Settings) -> str:
    """The variable a user fixes when the endpoint refuses the key."""
    if settings.llm.provider in PRESETS:
        return f"{PRESETS[settings.llm.provider][2]} (or HFDAILY_LLM_API_KEY)"
    return "HFDAILY_LLM_API_KEY"


async def _enrich_paper(entry: PaperEntry, llm: LLMClient, reader: ArxivReader, store: Store,
                        settings: Settings, with_analysis: bool) -> None:
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


# --- render ---------------------------------------------------------------------------------------

async def render(ws: Workspace, date: dt.date, summary: RunSummary | None = None, redraw: bool = True) -> list[Path]:
    """Statistics, pictures, audio and pages of ``date`` from its record and the index; no network
    (except the edge voice, when the audio is asked for and its script changed). ``redraw=False``
    keeps pictures newer than the record."""
    record = load_record(ws.outputs.record(date))
    if record is None:
        return []
    settings, opts = ws.settings, ws.opts
    window = artefacts.trend_window(date, settings.make.trend_days)
    unreadable: list[RecordError] = []
    ws.index.refresh(window, unreadable)  # the trend's own days, as their records are now
    if summary is not None:  # a damaged record of another day is left out of the trend, and said
        summary.warnings += [f"left out of the trend: {exc}" for exc in unreadable]
    store = ws.store if ws.db_path.exists() else None
    trend = artefacts.trend_history(ws.index, store, record, settings.make.trend_days)
    warnings = summary.warnings if summary is not None else []
    written = await artefacts.make_all(settings, ws.outputs, record, trend, ws.font,
                                       pictures=opts.pictures, audio=opts.audio, warnings=warnings, redraw=redraw,
                                       executor=ws.drawing if redraw or not artefacts.pictures_current(
                                           ws.outputs, date) else None)
    untranslated, llm_ran = untranslated_note(ws, record)
    return written + render_pages(settings, ws.outputs, record, untranslated, llm_ran)


def spending(recorded: Usage, logged: Usage) -> Usage:
    """The day's spending: the call log counts every paid answer, even of killed or overlapping
    runs; the record's own count wins only where the log is younger (a store deleted and rebuilt)."""
    return Usage(calls=max(recorded.calls, logged.calls),
                 prompt_tokens=max(recorded.prompt_tokens, logged.prompt_tokens),
                 completion_tokens=max(recorded.completion_tokens, logged.completion_tokens))


def untranslated_note(ws: Workspace, record: DayRecord) -> tuple[str, bool]:
    """What the pages say about papers without a translation: why none is translated (the banner;
    "" when some are), and whether the missing ones are 待补 (the LLM was asked and is asked again
    next run) rather than never asked (--no-llm). A day rendered on its own (``hfdaily render``)
    is judged by what is kept: the LLM worked on it when the record holds its answers or spending,
    or the store logged calls (failed ones too) about its papers."""
    if record.date in ws.no_llm_days:
        llm_ran = False
    elif record.date in ws.llm_days:
        llm_ran = True
    else:
        llm_ran = (record.usage.calls > 0 or any(e.translation or e.analysis for e in record.papers)
                   or (ws.db_path.exists() and ws.store.asked_about([e.paper.id for e in record.papers])))
    missing = sum(e.translation is None for e in record.papers)
    if missing < len(record.papers) or not record.papers:
        return "", llm_ran
    if llm_ran:
        return f"大模型调用失败（{missing} 篇论文），译文待补，下次运行将重试", llm_ran
    return "运行时未使用大模型（--no-llm）", llm_ran


def render_pages(settings: Settings, outputs: Outputs, record: DayRecord, untranslated: str = "",
                 llm_ran: bool = True) -> list[Path]:
    """Write the newsletter (and the report, when any paper was analysed) as Markdown and HTML, and
    the logo they show."""
    extras = artefacts.extras_for(outputs, record, settings, untranslated, llm_ran)
    pages = [(outputs.newsletter(record.date, "md"), newsletter_md(record, extras)),
             (outputs.newsletter(record.date, "html"), newsletter_html(record, extras))]
    if extras.has_report:
        pages += [(outputs.report(record.date, "md"), report_md(record, extras)),
                  (outputs.report(record.date, "html"), report_html(record, extras))]
    return [path for path, text in pages if write_if_changed(path, text)] + ship_assets(outputs)


# --- publish --------------------------------------------------------------------------------------

def publish(ws: Workspace, summary: RunSummary | None = None, keep_going: bool = True) -> list[Path]:
    """The index brought up to date from data/, then the archive page and the feed from it, and
    the reader's site (OUT/site: only what changed is rebuilt).

    A damaged record of another day is left out and reported in ``summary`` (making a day never
    fails for another day's file); with ``keep_going=False`` (``hfdaily publish``, the whole
    archive) it is a RecordError naming the file, and nothing published is changed."""
    unreadable: list[RecordError] | None = [] if keep_going and summary is not None else None
    ws.index.refresh(unreadable=unreadable)
    if unreadable:
        summary.warnings += [f"left out of the archive and the feed: {exc}" for exc in unreadable]
    written = publish_site(ws.index, ws.outputs, ws.settings.site)
    site = build_site(ws.outputs.root, site_url=ws.settings.site.url, github_url=ws.settings.site.github_url,
                      index=ws.index)
    if summary is not None:
        summary.warnings += site.warnings
    # The site stands for its thousands of files by its home page, named only when something changed.
    return written + ([site.site / "index.html"] if site.written or site.removed else [])


# --- whole runs -------------------------------------------------------------------------------------

async def run_day(settings: Settings, opts: RunOptions) -> RunSummary:
    """``hfdaily run``: every step for one day, then delivery (a backfill of past days sends nothing)."""
    from hfdaily.deliver.notify import deliver_after_run, warm_up

    if opts.deliver:
        warm_up(settings)
    with writing(settings, opts.out, [opts.date]):  # one lock for the steps and the delivery
        summary = await run_days(settings, opts, [opts.date])
        if opts.deliver:  # after publishing; it reports problems, it never raises
            summary.delivery = await deliver_after_run(settings, opts.out, opts.db or Outputs(opts.out).db,
                                                       opts.date, summary.papers, summary.failed)
    return summary


@contextlib.contextmanager
def writing(settings: Settings, out: Path, dates: Iterable[dt.date] = ()) -> Iterator[None]:
    """Hold ``OUT``'s lock for a writing command (a second one waits ``[archive] lock_wait`` seconds,
    then exits 75), after checking that the outputs of ``dates`` can be written (before anything
    is fetched or paid for); remove what a killed run left half-written. Re-entrant."""
    from hfdaily.archive.lock import holds

    if holds(out):
        yield
        return
    with hold_output(out, settings.archive.lock_wait):
        outputs = Outputs(out)
        check_writable(out, [outputs.archive_page, outputs.feed, outputs.gitignore,
                             *(path for date in dates for path in outputs.day_files(date))])
        clean_leftovers(out)
        yield


async def run_days(settings: Settings, opts: RunOptions, dates: list[dt.date]) -> RunSummary:
    """Every step for each of ``dates``, sharing one workspace; the site is published once."""
    started = time.monotonic()
    summary = RunSummary(date=dates[0], last=dates[-1] if len(dates) > 1 else None)
    with writing(settings, opts.out, dates):
        return await _run_days(settings, opts, dates, summary, started)


async def _run_days(settings: Settings, opts: RunOptions, dates: list[dt.date], summary: RunSummary,
                    started: float) -> RunSummary:
    ws = Workspace(settings, opts)
    status, error = "failed", None
    try:
        if opts.pictures:
            ws.font
        if ws.db_path.exists():
            ws.store  # a damaged store is reported now, before anything is fetched or paid for
        # Days flow through on their own: while the next day is fetched, the days before it are
        # being enriched (all sharing the one LLM client and its limit) and rendered.
        days: list[asyncio.Task] = []
        try:
            for date in dates:
                if await _fetched(ws, date, summary):
                    days.append(asyncio.create_task(_enrich_and_render(ws, date, summary)))
                    await asyncio.sleep(0)  # let it queue its papers before the next fetch
            for made in await asyncio.gather(*days):
                summary.outputs += made
        except BaseException:
            for task in days:
                task.cancel()
            await asyncio.gather(*days, return_exceptions=True)
            raise
        if days:
            summary.outputs += publish(ws, summary)
        status = "ok"
    except sqlite3.DatabaseError as exc:  # the store went bad under us: say what to do
        error = str(exc)
        raise unusable(ws.db_path, exc) from exc
    except (KeyboardInterrupt, asyncio.CancelledError) as exc:
        status, error = "interrupted", str(exc) or type(exc).__name__
        raise
    except BaseException as exc:
        error = str(exc) or type(exc).__name__
        raise
    finally:
        summary.seconds = time.monotonic() - started
        await ws.close(status, {"line": summary.line(), "failed": summary.failed} if error is None
                       else {"error": error})
    return summary


async def _enrich_and_render(ws: Workspace, date: dt.date, summary: RunSummary) -> list[Path]:
    written = await enrich(ws, [date], summary)
    return written + await render(ws, date, summary)


HF_DOWN_AFTER = 3  # days in a row HF fails (after its retries) before a range stops asking it


async def _fetched(ws: Workspace, date: dt.date, summary: RunSummary) -> bool:
    """Fetch one day; in a range, a day HF cannot give is a warning (the others go on), and after
    HF_DOWN_AFTER days in a row the rest of the range is not asked (a 2-year backfill against an HF
    answering 500 took hours of retries for nothing)."""
    if ws.hf_failures_in_a_row >= HF_DOWN_AFTER:
        ws.hf_skipped.append(date)
        return ws.outputs.record(date).exists()
    try:
        summary.outputs += await fetch(ws, date, summary)
        ws.hf_failures_in_a_row = 0
    except HFError as exc:
        if summary.last is None:
            raise
        ws.hf_failures_in_a_row += 1
        summary.warnings.append(f"{date}: not fetched, run again for it: {exc}")
        if ws.hf_failures_in_a_row == HF_DOWN_AFTER:
            summary.warnings.append(f"HF failed {HF_DOWN_AFTER} days in a row: the days after {date} are not asked "
                                    "in this run; run the backfill again when HF answers")
    return ws.outputs.record(date).exists()
