"""One day, end to end: fetch → store → enrich → render → publish.

Every stage writes what it finished at once (LLM answers to the store, the day record after each
paper), so a run killed at any moment and started again re-pays nothing that had finished.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path

from tqdm import tqdm

from hfdaily.archive.lock import (
    check_writable,
    clean_leftovers,
    hold_output,
    ignore_temporaries,
)
from hfdaily.archive.record import (
    atomic_write,
    load_record,
    merge,
    record_path,
    save_record,
)
from hfdaily.archive.store import Store, unusable
from hfdaily.config import Settings
from hfdaily.enrich import analyze, translate
from hfdaily.enrich.budget import fit
from hfdaily.enrich.llm import LLMClient, LLMError, LLMStats
from hfdaily.make import artefacts
from hfdaily.make.fields import classify
from hfdaily.make.fonts import find_cjk_font
from hfdaily.make.render import (
    newsletter_html,
    newsletter_md,
    report_html,
    report_md,
    source_label,
)
from hfdaily.models import DayRecord, PaperEntry, Usage
from hfdaily.publish.site import publish_site
from hfdaily.sources.arxiv import ArxivReader
from hfdaily.sources.hf import HFClient

log = logging.getLogger("hfdaily.pipeline")

SAVE_EVERY_SECONDS = 1.0


@dataclass
class RunOptions:
    date: dt.date
    out: Path
    db: Path
    use_llm: bool = True
    analysis: bool = True
    pictures: bool = True
    audio: bool = True
    progress: bool = True


@dataclass
class RunSummary:
    date: dt.date
    papers: int = 0
    new: int = 0
    seconds: float = 0.0
    llm: LLMStats = field(default_factory=LLMStats)
    failed: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    outputs: list[Path] = field(default_factory=list)

    read_sources: dict[str, int] = field(default_factory=dict)

    def line(self) -> str:
        sources = ", ".join(f"{n} {source_label(s)}" for s, n in sorted(self.read_sources.items()))
        llm = self.llm
        text = (f"{self.date}: {self.papers} papers ({self.new} new), {llm.cached} cached, "
                f"{llm.calls} LLM calls, {llm.prompt_tokens + llm.completion_tokens} tokens "
                f"({llm.prompt_tokens} in / {llm.completion_tokens} out), {self.seconds:.1f} s")
        text += f"; read {sources}" if sources else ""
        return text + (f", {len(self.failed)} failed (retried next run)" if self.failed else "")


def outputs_of(out: Path, date: dt.date) -> list[Path]:
    """Every file a run of ``date`` may write, to check before anything is spent."""
    day = date.isoformat()
    return [record_path(out, date), out / "stats" / f"{day}.json", out / "index.html", out / "feed.xml",
            out / ".gitignore", *(out / folder / f"{day}.{ext}" for folder in ("newsletters", "reports")
                                  for ext in ("md", "html")),
            *(artefacts.image_path(out, date, kind) for kind in artefacts.PICTURES),
            *(artefacts.audio_path(out, date, suffix) for suffix in (".mp3", ".vtt", ".txt"))]


async def run_day(settings: Settings, opts: RunOptions) -> RunSummary:
    started = time.monotonic()
    summary = RunSummary(date=opts.date)
    font = find_cjk_font(settings.font) if opts.pictures else None  # fail before spending anything
    with hold_output(opts.out, settings.lock_wait):
        check_writable(opts.out, outputs_of(opts.out, opts.date))
        clean_leftovers(opts.out)
        store = Store(opts.db)
        try:
            store.abandon_running()
            run_id = store.start_run(opts.date)
            try:
                await _run(settings, opts, store, run_id, font, summary)
            except BaseException as exc:
                store.finish_run(run_id, "interrupted" if isinstance(exc, (KeyboardInterrupt, asyncio.CancelledError))
                                 else "failed", {"error": str(exc) or type(exc).__name__})
                raise
            summary.seconds = time.monotonic() - started
            store.finish_run(run_id, "ok", {"line": summary.line(), "failed": summary.failed})
        except sqlite3.DatabaseError as exc:  # the store went bad under us: say what to do
            raise unusable(opts.db, exc) from exc
        finally:
            store.close()
    return summary


async def _run(settings: Settings, opts: RunOptions, store: Store, run_id: int, font, summary: RunSummary) -> None:
    async with HFClient(settings.hf_endpoint, settings.hf_token, retries=settings.hf_retries,
                        max_papers=settings.max_papers, max_abstract_chars=settings.max_abstract_chars) as hf:
        papers = await hf.daily_papers(opts.date)
        if opts.date in hf.capped:
            summary.warnings.append(f"HF listed {hf.capped[opts.date]} papers for {opts.date}; kept the "
                                    f"{settings.max_papers} most upvoted (HFDAILY_MAX_PAPERS)")
        existing = load_record(record_path(opts.out, opts.date))
        if not papers and existing is None:
            return  # nothing listed (weekend, holiday, future): nothing written
        record, new = merge(existing, opts.date, papers)
        summary.papers, summary.new = len(record.papers), len(new)
        save_record(opts.out, record)
        ignore_temporaries(opts.out, atomic_write)

        if opts.use_llm:
            await _enrich(settings, opts, store, run_id, record, summary)
        record.usage = spending(record.usage, store.spent_on(record.date))
        for entry in record.papers:
            entry.fields = classify(entry)
            if entry.read_source:
                summary.read_sources[entry.read_source] = summary.read_sources.get(entry.read_source, 0) + 1
        save_record(opts.out, record)
        trend = await artefacts.trend_history(settings, store, hf, opts.out, record)

    summary.outputs += await artefacts.make_all(settings, opts, record, trend, font, summary)
    summary.outputs += render_day(settings, opts.out, record,
                                  untranslated=not any(e.translation for e in record.papers))
    summary.warnings += publish_site(opts.out, settings.site_url, settings.github_url)


async def _enrich(settings: Settings, opts: RunOptions, store: Store, run_id: int,
                  record: DayRecord, summary: RunSummary) -> None:
    """Translate (and analyse) every paper that still needs it, concurrently; save as each ends."""
    settings.require_llm()
    todo = [e for e in record.papers if e.translation is None or (opts.analysis and e.analysis is None)]
    llm = LLMClient(base_url=settings.llm_base_url, model=settings.llm_model, api_key=settings.llm_api_key,
                    store=store, concurrency=settings.llm_concurrency, timeout=settings.llm_timeout,
                    retries=settings.llm_max_retries, run_id=run_id)
    reader = ArxivReader(base_url=settings.arxiv_url, concurrency=settings.arxiv_concurrency)
    summary.llm = llm.stats
    async with llm, reader:
        async def one(entry: PaperEntry) -> None:
            try:
                await _enrich_paper(entry, llm, reader, store, settings, opts.analysis)
            except LLMError as exc:
                summary.failed.append(entry.paper.id)
                log.warning("paper %s: %s", entry.paper.id, exc)
            # The record is saved as papers finish, at most once a second: saving rewrites the whole
            # day (quadratic on a huge day), and a kill loses nothing, every answer being in the cache.
            if time.monotonic() - saved[0] >= SAVE_EVERY_SECONDS:
                record.usage = spending(record.usage, store.spent_on(record.date))
                save_record(opts.out, record)
                saved[0] = time.monotonic()

        saved = [time.monotonic()]
        bar = tqdm(total=len(todo), desc="LLM", unit="paper", disable=not opts.progress or None, leave=False)
        try:
            for next_done in asyncio.as_completed([one(e) for e in todo]):
                await next_done
                bar.update()
        finally:  # also when interrupted (Ctrl-C, SIGTERM): what finished is in the record
            bar.close()
            record.usage = spending(record.usage, store.spent_on(record.date))
            save_record(opts.out, record)


async def _enrich_paper(entry: PaperEntry, llm: LLMClient, reader: ArxivReader, store: Store,
                        settings: Settings, with_analysis: bool) -> None:
    paper = entry.paper
    jobs = []
    if entry.translation is None:
        async def do_translation() -> None:
            entry.translation = await translate.translate(llm, paper)
            entry.translation_model = f"{llm.model}/{translate.PROMPT_VERSION}"
        jobs.append(do_translation())
    if with_analysis and entry.analysis is None:
        async def do_analysis() -> None:
            doc = store.document(paper.id)
            if doc is None:
                doc = await reader.read(paper)
                if doc.source != "HF":  # an arXiv outage must not be remembered as "no full text"
                    store.save_document(paper.id, doc)
            text, budget = fit(doc, settings.token_budget)
            entry.analysis = await analyze.analyse(llm, paper, text)
            entry.analysis_model = f"{llm.model}/{analyze.PROMPT_VERSION}"
            entry.read_source, entry.budget = doc.source, budget
        jobs.append(do_analysis())
    results = await asyncio.gather(*jobs, return_exceptions=True)
    errors = [r for r in results if isinstance(r, BaseException)]
    if errors:
        if not all(isinstance(e, LLMError) for e in errors):
            raise next(e for e in errors if not isinstance(e, LLMError))
        raise LLMError("; ".join(map(str, errors)))


def spending(recorded: Usage, logged: Usage) -> Usage:
    """The day's spending: the call log counts every paid answer, even of killed or overlapping
    runs; the record's own count wins only where the log is younger (a store deleted and rebuilt)."""
    return Usage(calls=max(recorded.calls, logged.calls),
                 prompt_tokens=max(recorded.prompt_tokens, logged.prompt_tokens),
                 completion_tokens=max(recorded.completion_tokens, logged.completion_tokens))


def render_day(settings: Settings, out: Path, record: DayRecord, untranslated: bool) -> list[Path]:
    """Write the newsletter (and the report, when any paper was analysed) as Markdown and HTML."""
    day = record.date.isoformat()
    extras = artefacts.extras_for(out, record, settings, untranslated)
    written = []
    for path, text in [
        (out / "newsletters" / f"{day}.md", newsletter_md(record, extras)),
        (out / "newsletters" / f"{day}.html", newsletter_html(record, extras)),
    ] + ([(out / "reports" / f"{day}.md", report_md(record)),
          (out / "reports" / f"{day}.html", report_html(record, extras))] if extras.has_report else []):
        atomic_write(path, text)
        written.append(path)
    return written
