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
from hfdaily.config import PRESETS, Settings
from hfdaily.enrich import analyze, translate
from hfdaily.enrich.budget import fit
from hfdaily.enrich.llm import LLMClient, LLMError, LLMStats, LLMUnavailableError
from hfdaily.make import artefacts
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
    reused: int = 0  # translations and analyses already in the record (nothing asked)
    flagged: list[str] = field(default_factory=list)  # kept, with problems shown to the reader
    pending: list[str] = field(default_factory=list)  # still lacking a translation or an analysis (待补)

    def line(self) -> str:
        sources = ", ".join(f"{n} {source_label(s)}" for s, n in sorted(self.read_sources.items()))
        llm = self.llm
        text = (f"{self.date}: {self.papers} papers ({self.new} new), {llm.cached + self.reused} cached, "
                f"{llm.calls} LLM calls, {llm.prompt_tokens + llm.completion_tokens} tokens "
                f"({llm.prompt_tokens} in / {llm.completion_tokens} out), {self.seconds:.1f} s")
        text += f"; read {sources}" if sources else ""
        text += f", {len(self.flagged)} flagged (see ⚠️ in the newsletter)" if self.flagged else ""
        return text + (f", {len(self.failed)} failed (retried next run)" if self.failed else "")


async def run_day(settings: Settings, opts: RunOptions) -> RunSummary:
    started = time.monotonic()
    summary = RunSummary(date=opts.date)
    font = find_cjk_font(settings.font) if opts.pictures else None  # fail before spending anything
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
    return summary


async def _run(settings: Settings, opts: RunOptions, store: Store, run_id: int, font, summary: RunSummary) -> None:
    async with HFClient(settings.hf_endpoint, settings.hf_token, retries=settings.hf_retries) as hf:
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
        summary.flagged = [e.paper.id for e in record.papers
                           if (e.translation and e.translation.problems)
                           or (e.analysis and (e.analysis.ungrounded_numbers or e.analysis.problems))]
        summary.pending = [e.paper.id for e in record.papers
                           if e.translation is None or (opts.use_llm and opts.analysis and e.analysis is None)]
        for entry in record.papers:
            entry.fields = classify(entry)
            if entry.read_source:
                summary.read_sources[entry.read_source] = summary.read_sources.get(entry.read_source, 0) + 1
        save_record(opts.out, record)
        trend = await artefacts.trend_history(settings, store, hf, opts.out, record)

    summary.outputs += await artefacts.make_all(settings, opts, record, trend, font, summary)
    summary.outputs += render_day(settings, opts.out, record, untranslated=_untranslated_reason(opts, record, summary),
                                  llm_ran=opts.use_llm)
    publish_site(opts.out, settings.site_url, settings.github_url)


def _untranslated_reason(opts: RunOptions, record: DayRecord, summary: RunSummary) -> str:
    """Why the issue carries no translation at all ("" when any paper is translated): the real reason."""
    if any(e.translation for e in record.papers):
        return ""
    if not opts.use_llm:
        return "运行时未使用大模型（--no-llm）"
    return f"大模型调用失败（{len(summary.failed)} 篇论文），译文待补，下次运行将重试"


def key_variable(settings: Settings) -> str:
    """The variable a user fixes when the endpoint refuses the key."""
    if settings.llm_provider in PRESETS:
        return f"{PRESETS[settings.llm_provider][2]} (or HFDAILY_LLM_API_KEY)"
    return "HFDAILY_LLM_API_KEY"


async def _enrich(settings: Settings, opts: RunOptions, store: Store, run_id: int,
                  record: DayRecord, summary: RunSummary) -> None:
    """Translate (and analyse) every paper that still needs it, concurrently; save as each ends."""
    settings.require_llm()
    todo = [e for e in record.papers if e.translation is None or (opts.analysis and e.analysis is None)]
    summary.reused = sum(e.translation is not None for e in record.papers) + sum(
        opts.analysis and e.analysis is not None for e in record.papers)
    llm = LLMClient(base_url=settings.llm_base_url, model=settings.llm_model, api_key=settings.llm_api_key,
                    store=store, concurrency=settings.llm_concurrency, timeout=settings.llm_timeout,
                    retries=settings.llm_max_retries, run_id=run_id, key_variable=key_variable(settings),
                    breaker=settings.llm_breaker)
    reader = ArxivReader(base_url=settings.arxiv_url, concurrency=settings.arxiv_concurrency)
    summary.llm, spent_before = llm.stats, record.usage
    stopped: list[LLMUnavailableError] = []
    async with llm, reader:
        async def one(entry: PaperEntry) -> None:
            try:
                await _enrich_paper(entry, llm, reader, store, settings, opts.analysis)
            except LLMUnavailableError as exc:  # the endpoint is unusable: every other call fails fast too
                stopped.append(exc)
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
    if stopped:  # nothing new is rendered or published; the record keeps what finished
        raise stopped[0]


async def _enrich_paper(entry: PaperEntry, llm: LLMClient, reader: ArxivReader, store: Store,
                        settings: Settings, with_analysis: bool) -> None:
    paper = entry.paper
    jobs = []
    if entry.translation is None:
        async def do_translation() -> None:
            entry.translation = await translate.translate(llm, paper, settings.glossary)
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
            entry.analysis = await analyze.analyse(llm, paper, text, doc.source, budget, settings.glossary)
            entry.analysis_model = f"{llm.model}/{analyze.PROMPT_VERSION}"
            entry.read_source, entry.budget = doc.source, budget
        jobs.append(do_analysis())
    results = await asyncio.gather(*jobs, return_exceptions=True)
    errors = [r for r in results if isinstance(r, BaseException)]
    if errors:
        if not all(isinstance(e, LLMError) for e in errors):
            raise next(e for e in errors if not isinstance(e, LLMError))
        if unavailable := next((e for e in errors if isinstance(e, LLMUnavailableError)), None):
            raise unavailable
        raise LLMError("; ".join(map(str, errors)))


def _ignore_the_store(out: Path) -> None:
    """OUT/ is often committed by a scheduled job; the SQLite store is a cache, not the record."""
    ignore = out / ".gitignore"
    if not ignore.exists():
        atomic_write(ignore, "# the SQLite working store is a cache of data/; keep it out of git\nhfdaily.db*\n")


def render_day(settings: Settings, out: Path, record: DayRecord, untranslated: str = "",
               llm_ran: bool = True) -> list[Path]:
    """Write the newsletter (and the report, when any paper was analysed) as Markdown and HTML."""
    day = record.date.isoformat()
    extras = artefacts.extras_for(out, record, settings, untranslated, llm_ran)
    written = []
    for path, text in [
        (out / "newsletters" / f"{day}.md", newsletter_md(record, extras)),
        (out / "newsletters" / f"{day}.html", newsletter_html(record, extras)),
    ] + ([(out / "reports" / f"{day}.md", report_md(record)),
          (out / "reports" / f"{day}.html", report_html(record, extras))] if extras.has_report else []):
        atomic_write(path, text)
        written.append(path)
    return written + [ship_assets(out)]
