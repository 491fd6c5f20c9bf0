"""A day's render step, from its record and the index: statistics, pictures, audio, pages.

Never fetches (except the edge voice, when the audio is asked for and its script changed). The
pipeline calls ``render`` once a day's papers are all enriched; a day's speech may already be
under way by then (``speech``: segments synthesised as each paper's answers arrived), so what is
left is the day's aggregates and its pages.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from hfdaily.archive.record import load_record
from hfdaily.fileio import write_if_changed
from hfdaily.errors import RecordError
from hfdaily.make import artefacts
from hfdaily.models import DayRecord
from hfdaily.outputs import Outputs

SPOKEN_AHEAD_MAX_PAPERS = 300  # a bigger day is spoken at the end, streamed to disk (memory stays flat)

if TYPE_CHECKING:
    import datetime as dt

    from hfdaily.config import Settings
    from concurrent.futures import Executor

    from hfdaily.archive.index import Index
    from hfdaily.archive.store import Store
    from hfdaily.make.tts import Segments


class RunSummary(Protocol):
    """What the render step tells the run (``workspace.RunSummary`` is one)."""
    warnings: list[str]


class Workspace(Protocol):
    """What the render step needs of the run (``workspace.Workspace`` is one; declared here so make/
    does not import the floor above it)."""
    settings: Settings
    opts: object  # analysis, audio, pictures, use_llm (workspace.RunOptions)
    outputs: Outputs
    db_path: Path
    store: Store
    index: Index
    font: object
    drawing: Executor | None
    llm_days: set[dt.date]
    no_llm_days: set[dt.date]


async def render(ws: Workspace, date: dt.date, summary: RunSummary | None = None, redraw: bool = True,
                 speech: Segments | None = None) -> list[Path]:
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
    restored = _restore_figures(ws, record, warnings) if opts.pictures and store is not None else []
    written = await artefacts.make_all(settings, ws.outputs, record, trend, ws.font,
                                       pictures=opts.pictures, audio=opts.audio, warnings=warnings, redraw=redraw, speech=speech,
                                       executor=ws.drawing if redraw or not artefacts.pictures_current(
                                           ws.outputs, date) else None)
    untranslated, llm_ran = untranslated_note(ws, record)
    return restored + written + render_pages(settings, ws.outputs, record, untranslated, llm_ran)


def _restore_figures(ws: Workspace, record: DayRecord, warnings: list[str]) -> list[Path]:
    """The web pictures of the day's key figures that are missing under OUT/images/figures, made
    again from the bytes the store kept when they were downloaded: rendering never downloads (a
    figure the store does not have is left to the next run or enrich)."""
    from hfdaily.make import figures
    from hfdaily.sources.figures import cached_figure

    written: list[Path] = []
    for entry in record.papers:
        if entry.figure is None or figures.has_files(ws.outputs, entry.paper.id):
            continue
        data = cached_figure(ws.store.db, entry.paper.id, entry.figure.url)
        if data is None:
            continue
        try:
            written += figures.write_figure(ws.outputs, entry.paper.id, data)
        except figures.FigureImageError as exc:
            warnings.append(f"figure of {entry.paper.id} not shown: {exc}")
    return written


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
    from hfdaily.make.render import newsletter_html, newsletter_md, report_html, report_md, ship_assets

    extras = artefacts.extras_for(outputs, record, settings, untranslated, llm_ran)
    pages = [(outputs.newsletter(record.date, "md"), newsletter_md(record, extras)),
             (outputs.newsletter(record.date, "html"), newsletter_html(record, extras))]
    if extras.has_report:
        pages += [(outputs.report(record.date, "md"), report_md(record, extras)),
                  (outputs.report(record.date, "html"), report_html(record, extras))]
    return [path for path, text in pages if write_if_changed(path, text)] + ship_assets(outputs)




def complete(entry, analysis: bool) -> bool:
    """Whether a paper has every answer the run asks for (its paragraph will not change)."""
    return entry.translation is not None and (entry.analysis is not None or not analysis)


class DaySpeech:
    """A day's broadcast spoken while the day is still being enriched: the greeting and closing at
    once, each paper's paragraph as soon as its answers are in (``paper``, the scheduler's
    ``on_paper``); ``render`` then only joins them."""

    def __init__(self, settings: Settings, record: DayRecord, analysis: bool, slots=None):
        from hfdaily.make import broadcast, tts

        self.segments = tts.Segments(settings.tts.engine, settings.tts.voice, slots=slots)
        self.analysis, self._paragraph = analysis, broadcast.paper_paragraph
        self.segments.speak(broadcast.greeting(record))
        self.segments.speak(broadcast.closing(record))
        for entry in record.papers:
            self.paper(record, entry)

    def paper(self, record: DayRecord, entry) -> None:
        if complete(entry, self.analysis):
            self.segments.speak(self._paragraph(record.papers.index(entry) + 1, entry))

    @classmethod
    def wanted(cls, ws: Workspace, record: DayRecord) -> bool:
        """Speak ahead only when the day will be spoken anew (papers still to enrich) and is not huge."""
        from hfdaily.enrich.scheduler import needs_llm

        return ws.opts.audio and len(record.papers) <= SPOKEN_AHEAD_MAX_PAPERS and needs_llm(ws, record)
