"""One day, end to end: fetch → store → enrich → render → publish.

Every stage writes what it finished at once (LLM answers to the store, the day record after each
paper), so a run killed at any moment and started again re-pays nothing that had finished.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path

from tqdm import tqdm

from hfdaily.archive.record import (
    atomic_write,
    load_record,
    merge,
    record_path,
    save_record,
)
from hfdaily.archive.store import Store
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
    deliver: bool = True  # send the day to the configured channels once it is published


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
    delivery: object = None  # hfdaily.deliver.notify.DeliveryReport, when channels are configured

    def line(self) -> str:
        sources = ", ".join(f"{n} {source_label(s)}" for s, n in sorted(self.read_sources.items()))
        llm = self.llm
        text = (f"{self.date}: {self.papers} papers ({self.new} new), {llm.cached} cached, "
                f"{llm.calls} LLM calls, {llm.prompt_tokens + llm.completion_tokens} tokens "
                f"({llm.prompt_tokens} in / {llm.completion_tokens} out), {self.seconds:.1f} s")
        text += f"; read {sources}" if sources else ""
        return text + (f", {len(self.failed)} failed (retried next run)" if self.failed else "")


async def run_day(settings: Settings, opts: RunOptions) -> RunSummary:
    started = time.monotonic()
    summary = RunSummary(date=opts.date)
    font = find_cjk_font(settings.make.font) if opts.pictures else None  # fail before spending anything
    store = Store(opts.db)
    run_id = store.start_run(opts.date)
    try:
        await _run(settings, opts, store, run_id, font, summary)
    except BaseException as exc:
        store.finish_run(run_id, "failed", {"error": str(exc)})
        raise
    else:
        summary.seconds = time.monotonic() - started
        store.finish_run(run_id, "ok", {"line": summary.line(), "failed": summary.failed})
    finally:
        store.close()
    if opts.deliver:  # after publishing, outside the run's try: it reports problems, it never raises
        from hfdaily.deliver.notify import deliver_after_run

        summary.delivery = await deliver_after_run(settings, opts.out, opts.db, opts.date, summary.papers,
                                                   summary.failed)
    return summary


async def _run(settings: Settings, opts: RunOptions, store: Store, run_id: int, font, summary: RunSummary) -> None:
    async with HFClient(settings.hf.endpoint, settings.hf.token, retries=settings.hf.retries) as hf:
        papers = await hf.daily_papers(opts.date)
        existing = load_record(record_path(opts.out, opts.date))
        if not papers and existing is None:
            return  # nothing listed (weekend, holiday, future): nothing written
        record, new = merge(existing, opts.date, papers)
        summary.papers, summary.new = len(record.papers), len(new)
        save_record(opts.out, record)
        _ignore_the_store(opts.out)

        if opts.use_llm:
            await _enrich(settings, opts, store, run_id, record, summary)
        for entry in record.papers:
            entry.fields = classify(entry)
            if entry.read_source:
                summary.read_sources[entry.read_source] = summary.read_sources.get(entry.read_source, 0) + 1
        save_record(opts.out, record)
        trend = await artefacts.trend_history(settings, store, hf, opts.out, record)

    summary.outputs += await artefacts.make_all(settings, opts, record, trend, font, summary)
    summary.outputs += render_day(settings, opts.out, record,
                                  untranslated=not any(e.translation for e in record.papers))
    publish_site(opts.out, settings.site.url, settings.site.github_url)


async def _enrich(settings: Settings, opts: RunOptions, store: Store, run_id: int,
                  record: DayRecord, summary: RunSummary) -> None:
    """Translate (and analyse) every paper that still needs it, concurrently; save as each ends."""
    settings.require_llm()
    todo = [e for e in record.papers if e.translation is None or (opts.analysis and e.analysis is None)]
    llm = LLMClient(base_url=settings.llm.base_url, model=settings.llm.model, api_key=settings.llm.api_key,
                    store=store, concurrency=settings.llm.concurrency, timeout=settings.llm.timeout,
                    retries=settings.llm.max_retries, run_id=run_id)
    reader = ArxivReader(base_url=settings.arxiv.url, concurrency=settings.arxiv.concurrency)
    summary.llm, spent_before = llm.stats, record.usage
    async with llm, reader:
        async def one(entry: PaperEntry) -> None:
            try:
                await _enrich_paper(entry, llm, reader, store, settings, opts.analysis)
            except LLMError as exc:
                summary.failed.append(entry.paper.id)
                log.warning("paper %s: %s", entry.paper.id, exc)
            # Spending is saved with each paper, so a killed run's record still counts it.
            record.usage = Usage(calls=spent_before.calls + llm.stats.calls,
                                 prompt_tokens=spent_before.prompt_tokens + llm.stats.prompt_tokens,
                                 completion_tokens=spent_before.completion_tokens + llm.stats.completion_tokens)
            save_record(opts.out, record)

        bar = tqdm(total=len(todo), desc="LLM", unit="paper", disable=not opts.progress or None, leave=False)
        for next_done in asyncio.as_completed([one(e) for e in todo]):
            await next_done
            bar.update()
        bar.close()


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
            text, budget = fit(doc, settings.analysis.token_budget)
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


def _ignore_the_store(out: Path) -> None:
    """OUT/ is often committed by a scheduled job; the SQLite store is a cache, not the record."""
    ignore = out / ".gitignore"
    if not ignore.exists():
        atomic_write(ignore, "# the SQLite working store is a cache of data/; keep it out of git\nhfdaily.db*\n")


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
