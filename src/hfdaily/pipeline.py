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
import hashlib
import json
import logging
import os
import sqlite3
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

from hfdaily.archive.lock import check_writable, clean_leftovers, hold_output, ignore_temporaries
from hfdaily.archive.migrations import unusable
from hfdaily.archive.record import load_record, merge, save_record
from hfdaily.config import Settings
from hfdaily.enrich.scheduler import SAVE_EVERY, enrich_papers, spending  # noqa: F401  (re-exported)
from hfdaily.errors import HFError, RecordError
from hfdaily.fileio import atomic_write
from hfdaily.make import artefacts
from hfdaily.make.day import DaySpeech, render, render_pages, untranslated_note  # noqa: F401  (re-exported)
from hfdaily.models import DayRecord, PaperEntry
from hfdaily.outputs import Outputs
from hfdaily.http import describe
from hfdaily.sources.arxiv import SOURCE_FAILURES
from hfdaily.sources.figures import figure_pass_done, remember_figure_pass
from hfdaily.workspace import RunOptions, RunSummary, Workspace, key_variable  # noqa: F401  (re-exported)

log = logging.getLogger("hfdaily.pipeline")


def publish_front_door(*args, **kwargs) -> tuple[list[Path], list[Path]]:
    """``publish.front.publish_front_door``, imported when something is published (not by a no-op re-run)."""
    from hfdaily.publish.front import publish_front_door as write

    return write(*args, **kwargs)


def build_site(*args, **kwargs):
    """``publish.build.build_site``, imported when something is published."""
    from hfdaily.publish.build import build_site as build

    return build(*args, **kwargs)


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
        ws.trend_fetched.add(date)

    await asyncio.gather(*(one(day) for day in todo))
    if skipped:
        summary.warnings.append(f"trend: {len(skipped)} more past day(s) not asked after HF failed; "
                                f"asked again in {hours:g} h")


# --- enrich ---------------------------------------------------------------------------------------

async def enrich(ws: Workspace, dates: Iterable[dt.date], summary: RunSummary,
                 on_paper=None) -> list[Path]:
    """Translate (and analyse) every paper of every day that still needs it, all at once under one
    concurrency limit; then store each paper's fields. Saves a record as each of its papers ends;
    ``on_paper`` hears of each paper as soon as its answers are in."""
    from hfdaily.fields import classify

    records = [r for d in dates if (r := load_record(ws.outputs.record(d))) is not None]
    written: set[Path] = set()
    (ws.llm_days if ws.opts.use_llm else ws.no_llm_days).update(r.date for r in records)
    if ws.opts.use_llm:
        written |= await enrich_papers(ws, records, summary, on_paper)
    if ws.opts.pictures and ws.settings.arxiv.figures:
        written |= await _figure_pass(ws, records, summary)
        written |= await _figures(ws, records, summary)
    for record in records:
        tally(ws, record, summary)
        changed = False
        if ws.db_path.exists():  # the call log counts every paid answer, even of a killed run
            usage = spending(record.usage, ws.store.spent_on(record.date))
            changed, record.usage = usage != record.usage, usage
        for entry in record.papers:
            fields = classify(entry)
            changed |= fields != entry.fields
            entry.fields = fields
        if changed:
            written.add(save_record(ws.outputs.root, record))
    return sorted(written)


async def _figures(ws: Workspace, records: list[DayRecord], summary: RunSummary) -> set[Path]:
    """Each paper's key figure as web pictures under OUT/images/figures, downloaded once (the store
    keeps the original); one that fails is a warning and is tried again next run."""
    from hfdaily.make import figures
    from hfdaily.sources.figures import fetch_figure

    todo = [e for r in records for e in r.papers if e.figure is not None and not figures.has_files(ws.outputs, e.paper.id)]
    if not todo:
        return set()
    reader = await ws.arxiv.__aenter__()
    timeout = ws.settings.arxiv.figure_timeout

    async def one(entry) -> list[Path]:
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


async def _figure_pass(ws: Workspace, records: list[DayRecord], summary: RunSummary) -> set[Path]:
    """Papers analysed from their HTML full text before key figures existed have none: their page
    is read once more, for the figure only, through the one polite arXiv reader (no LLM call, so
    the figure keeps its English caption). Each outcome is remembered in the store: a page read is
    never read again for this, a failed read is tried again next run."""
    todo = [(r, e) for r in records for e in r.papers
            if e.figure is None and e.analysis is not None and e.read_source == "HTML"]
    todo = [(r, e) for r, e in todo if not figure_pass_done(ws.store.db, e.paper.id)]
    if not todo:
        return set()
    reader = await ws.arxiv.__aenter__()
    changed: dict[dt.date, DayRecord] = {}

    async def one(record: DayRecord, entry: PaperEntry) -> None:
        paper_id = entry.paper.id
        try:
            figure = await reader.read_figure(paper_id)
        except SOURCE_FAILURES as exc:  # never stops the day
            remember_figure_pass(ws.store.db, paper_id, None, describe(exc))
            summary.warnings.append(f"figure of {paper_id}: its page could not be read ({describe(exc)}); "
                                    "tried again next run")
            return
        remember_figure_pass(ws.store.db, paper_id, figure)
        if figure is not None:
            entry.figure = figure
            changed[record.date] = record
            if (doc := ws.store.document(paper_id)) is not None and doc.figure is None:
                ws.store.save_document(paper_id, doc.model_copy(update={"figure": figure}))

    await asyncio.gather(*(one(r, e) for r, e in todo))
    return {save_record(ws.outputs.root, record) for record in changed.values()}


def tally(ws: Workspace, record: DayRecord, summary: RunSummary) -> None:
    """The day's papers in the run's summary: kept with problems (⚠️), still pending (待补), read from where."""
    summary.flagged += [e.paper.id for e in record.papers
                        if (e.translation and e.translation.problems)
                        or (e.analysis and (e.analysis.ungrounded_numbers or e.analysis.problems))]
    summary.flagged_in |= {"newsletter" for e in record.papers if e.translation and e.translation.problems}
    summary.flagged_in |= {"report" for e in record.papers
                           if e.analysis and (e.analysis.ungrounded_numbers or e.analysis.problems)}
    summary.pending += [e.paper.id for e in record.papers if e.translation is None
                        or (ws.opts.use_llm and ws.opts.analysis and e.analysis is None)]
    for entry in record.papers:
        if entry.read_source:
            summary.read_sources[entry.read_source] = summary.read_sources.get(entry.read_source, 0) + 1


# --- publish --------------------------------------------------------------------------------------

def publish(ws: Workspace, summary: RunSummary | None = None, keep_going: bool = True) -> list[Path]:
    """The index brought up to date from data/, then the reader's site (OUT/site: only what changed
    is rebuilt), then OUT's front door (index.html into the site, feed.xml the site's feed).

    A damaged record of another day is left out and reported in ``summary`` (making a day never
    fails for another day's file); with ``keep_going=False`` (``hfdaily publish``, the whole
    archive) it is a RecordError naming the file, and nothing published is changed."""
    unreadable: list[RecordError] | None = [] if keep_going and summary is not None else None
    ws.index.refresh(unreadable=unreadable)
    if unreadable:
        summary.warnings += [f"left out of the site and the feed: {exc}" for exc in unreadable]
    site = build_site(ws.outputs.root, site_url=ws.settings.site.url, github_url=ws.settings.site.github_url,
                      feed_days=ws.settings.site.feed_days, index=ws.index)
    written, _ = publish_front_door(ws.outputs, ws.settings.site.url)  # after the site: it copies its feed
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
        check_writable(out, [outputs.front_page, outputs.feed, outputs.gitignore,
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
        # being enriched (all sharing the one LLM client and its limit) and rendered; pictures are
        # drawn in other processes, so drawing day N never holds up the asking for day N+1.
        if opts.pictures:
            ws.drawing_processes = min(len(dates), os.cpu_count() or 1)
        days: list[asyncio.Task] = []
        made: list[dt.date] = []
        try:
            for date in dates:
                if not await _fetched(ws, date, summary):
                    continue
                if ((key := _made_from(ws, date)) is not None and key == _read_made(ws, date).get("day")
                        and _outputs_present(ws, date)):
                    _tally_unchanged(ws, date, summary)  # made and published from just this: nothing to do
                    continue
                if opts.pictures:
                    ws.warm_drawing()  # a drawing process starts now: its imports overlap the LLM
                made.append(date)
                days.append(asyncio.create_task(_enrich_and_render(ws, date, summary)))
                await asyncio.sleep(0)  # let it queue its papers before the next fetch
            for written in await asyncio.gather(*days):
                summary.outputs += written
        except BaseException:
            for task in days:
                task.cancel()
            await asyncio.gather(*days, return_exceptions=True)
            raise
        if days or any(_read_made(ws, d).get("archive") != _archive_state(ws) for d in dates
                       if ws.outputs.record(d).exists()):
            summary.outputs += publish(ws, summary)
            for date in made if not summary.failed else ():
                _write_made(ws, date)
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
    """One day through the stream: its speech starts at once and grows paper by paper as the answers
    arrive; its aggregates (pictures, the audio's join, pages) are made once its papers are done."""
    record = load_record(ws.outputs.record(date))
    speech = (DaySpeech(ws.settings, record, ws.opts.analysis, ws.speaking) if record and DaySpeech.wanted(ws, record)
              else None)
    try:
        written = await enrich(ws, [date], summary, on_paper=speech.paper if speech else None)
        return written + await render(ws, date, summary, speech=speech.segments if speech else None)
    finally:
        if speech is not None:
            await speech.segments.close()


# --- what a re-run can skip ------------------------------------------------------------------------
#
# Once a day is made and the site published, ``OUT/stats/DATE.made.json`` keeps what they were
# made from: the record and the records of the trend's window (size and mtime), the run's options
# and settings, and the code (hfdaily's files). A re-run whose fetch changed nothing and that has
# nothing to ask the LLM finds the same key and skips the day's enrich, render and publish: it
# fetches, compares and exits. The stamp is written last (atomically), after the site is
# published, so a run killed at any moment before leaves no stamp and the next run makes the day.


def _code_state() -> list:
    package = Path(__file__).parent
    return sorted((str(p.relative_to(package)), p.stat().st_mtime_ns) for p in package.rglob("*")
                  if p.suffix in (".py", ".j2", ".css", ".js", ".txt", ".svg") and "__pycache__" not in p.parts)


def _archive_state(ws: Workspace) -> str:
    """Every record's name, size and mtime: any record saved or removed since (by any command)
    changes it. (Not the folder's mtime: the writability check touches the folder on every run.)"""
    with os.scandir(ws.outputs.data) as found:
        state = sorted((e.name, e.stat().st_size, e.stat().st_mtime_ns) for e in found if e.name.endswith(".json"))
    return hashlib.blake2b(json.dumps(state).encode(), digest_size=16).hexdigest()


def _made_from(ws: Workspace, date: dt.date, made: bool = False) -> str | None:
    """The key of what ``date``'s outputs are made from now (``made``: they were just made from
    it), or None when the day must be made."""
    from hfdaily.enrich.scheduler import needs_llm

    if date in ws.trend_fetched and not made:  # new past lists: the trend changes
        return None
    files = [ws.outputs.record(day) for day in [*artefacts.trend_window(date, ws.settings.make.trend_days), date]]
    state = [(p.name, p.stat().st_size, p.stat().st_mtime_ns) for p in files if p.exists()]
    record = load_record(ws.outputs.record(date)) if ws.opts.use_llm else None
    if record is not None and needs_llm(ws, record):  # papers to ask about (new, or failed last time)
        return None
    if ws.opts.pictures and ws.settings.arxiv.figures:  # a key figure not downloaded yet is tried again
        from hfdaily.make import figures

        record = record or load_record(ws.outputs.record(date))
        if record is not None and any(e.figure is not None and not figures.has_files(ws.outputs, e.paper.id)
                                      for e in record.papers):
            return None
    opts = ws.opts
    parts = [state, [opts.use_llm, opts.analysis, opts.pictures, opts.audio], ws.settings.model_dump_json(),
             _code_state()]
    return hashlib.blake2b(json.dumps(parts, default=str).encode(), digest_size=16).hexdigest()


def _outputs_present(ws: Workspace, date: dt.date) -> bool:
    """The day's outputs are all there (one deleted by hand is made again)."""
    outputs = ws.outputs
    wanted = [outputs.newsletter(date, "md"), outputs.newsletter(date, "html"), outputs.stats(date),
              outputs.site_page(f"days/{date}.html")]
    wanted += [outputs.image(date, kind) for kind in artefacts.PICTURES] if ws.opts.pictures else []
    wanted += [outputs.audio(date)] if ws.opts.audio else []
    return all(path.exists() for path in wanted)


def _read_made(ws: Workspace, date: dt.date) -> dict:
    try:
        return json.loads(ws.outputs.made(date).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _write_made(ws: Workspace, date: dt.date) -> None:
    key = _made_from(ws, date, made=True)
    if key is not None:
        atomic_write(ws.outputs.made(date), json.dumps({"day": key, "archive": _archive_state(ws)}) + "\n")


def _tally_unchanged(ws: Workspace, date: dt.date, summary: RunSummary) -> None:
    """A day skipped as unchanged still counts in the run's line (its papers, their answers reused)."""
    record = load_record(ws.outputs.record(date))
    if record is None:
        return
    summary.reused += sum(e.translation is not None for e in record.papers) + sum(
        ws.opts.analysis and e.analysis is not None for e in record.papers)
    tally(ws, record, summary)


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
