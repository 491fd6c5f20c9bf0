"""The day's artefacts beyond text: statistics, pictures, the audio broadcast, and links to them.

Files are named by date (``images/2026-01-20_wordcloud.png``) so an old newsletter keeps its own
pictures. Pictures (CPU) and speech (a subprocess or the network) are made at the same time.
Nothing here fetches: the trend is read from the index and from the lists ``fetch`` stored.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
import threading
from concurrent.futures import Executor
from pathlib import Path

from pydantic import ValidationError

from hfdaily.archive.index import Index
from hfdaily.archive.record import atomic_write, write_if_changed
from hfdaily.archive.store import Store
from hfdaily.config import Settings
from hfdaily.make import charts, figures, tts
from hfdaily.make.broadcast import build_script, script_to_text
from hfdaily.make.fields import classify, hot_fields
from hfdaily.make.render import Extras
from hfdaily.make.stats import TrendPoint, compute_stats, trend_point
from hfdaily.models import DayRecord, Paper, PaperEntry
from hfdaily.outputs import PICTURES, Outputs

log = logging.getLogger("hfdaily.make.artefacts")


def publishing_day(day: dt.date) -> bool:
    """HF publishes no daily list at weekends: neither fetched nor drawn."""
    return day.weekday() < 5


def trend_window(date: dt.date, days: int) -> list[dt.date]:
    """The publishing days before ``date`` that the trend shows, oldest first."""
    return [d for d in (date - dt.timedelta(days=back) for back in range(days, 0, -1)) if publishing_day(d)]


def trend_history(index: Index, store: Store | None, record: DayRecord, days: int) -> list[TrendPoint]:
    """Papers per day over the window: our own days from the index, other days from the lists
    ``fetch`` stored; a day with neither is left out (never fetched here)."""
    window = trend_window(record.date, days)
    if not window:
        return [trend_point(record)]
    own = {row.date: row for row in index.days(since=window[0], until=window[-1])}
    points = []
    for day in window:
        if (row := own.get(day)) is not None:
            points.append(TrendPoint(date=day, total=row.papers, fields=row.field_counts))
            continue
        entries = cached_entries(store, day) if store is not None else None
        if entries is None:
            continue
        for entry in entries:
            entry.fields = classify(entry)
        if entries:
            points.append(trend_point(DayRecord(date=day, papers=entries)))
    return points + [trend_point(record)]


def cached_entries(store: Store, day: dt.date) -> list[PaperEntry] | None:
    """A cached day list, or None when there is none or it no longer validates (then it is dropped)."""
    cached = store.day_list(day)
    if cached is None:
        return None
    try:
        return [PaperEntry(paper=Paper.model_validate(p)) for p in json.loads(cached)]
    except (ValueError, TypeError, ValidationError) as exc:
        log.warning("trend: the cached list of %s is invalid (%s); fetching it again", day, " ".join(str(exc).split())[:200])
        store.drop_day_list(day)
        return None


# matplotlib's rc_context changes process-wide settings: two days drawn at once in threads (a
# backfill renders days concurrently) would restore each other's fonts mid-drawing and draw
# Chinese as boxes. One day's pictures at a time per process; the process pool draws in parallel.
_DRAWING = threading.Lock()


def _pictures(outputs: Outputs, record: DayRecord, trend: list[TrendPoint], font) -> list[Path]:
    with _DRAWING:
        return _draw_pictures(outputs, record, trend, font)


def _draw_pictures(outputs: Outputs, record: DayRecord, trend: list[TrendPoint], font) -> list[Path]:
    outputs.image(record.date, "wordcloud").parent.mkdir(parents=True, exist_ok=True)
    made = [
        charts.draw_wordcloud(record, outputs.image(record.date, "wordcloud"), font),
        charts.draw_trend(trend, record.date, outputs.image(record.date, "trend"), font),
        charts.draw_poster(record, outputs.image(record.date, "poster"), font,
                           figures={e.paper.id: outputs.figure(e.paper.id, "web") for e in record.papers
                                    if e.figure is not None and figures.has_files(outputs, e.paper.id)}),
    ]
    return [Path(p) for p in made]


async def _audio(settings: Settings, outputs: Outputs, record: DayRecord) -> list[Path]:
    """Speak the day; skipped when the same script was already spoken (it is slow)."""
    script = build_script(record)
    transcript, mp3 = outputs.audio(record.date, ".txt"), outputs.audio(record.date)
    text = script_to_text(script)
    if mp3.exists() and transcript.exists() and transcript.read_text(encoding="utf-8") == text:
        return []
    result = await tts.synthesise(script, mp3, title=f"Hugging Face {record.date} 论文日报", date=record.date,
                                  engine=settings.tts.engine, voice=settings.tts.voice)
    atomic_write(transcript, text)
    return [p for p in (result.mp3_path, result.vtt_path, transcript) if p]


def pictures_current(outputs: Outputs, date: dt.date) -> bool:
    """Every picture of the day exists and is newer than its record (drawn from what it holds now)."""
    record = outputs.record(date).stat().st_mtime_ns
    paths = [outputs.image(date, kind) for kind in PICTURES]
    return all(p.exists() and p.stat().st_mtime_ns >= record for p in paths)


async def make_all(settings: Settings, outputs: Outputs, record: DayRecord, trend: list[TrendPoint], font,
                   *, pictures: bool, audio: bool, warnings: list[str], redraw: bool = True,
                   executor: Executor | None = None) -> list[Path]:
    """Statistics, pictures and audio of a day. ``redraw=False`` keeps pictures that are newer than
    the record (``render --all`` after a template change: pages change, pictures do not)."""
    stats = compute_stats(record, trend, settings.make.trend_days)
    stats_file = outputs.stats(record.date)
    stats_written = write_if_changed(stats_file, stats.model_dump_json(indent=2) + "\n")
    jobs = []
    if pictures and (redraw or not pictures_current(outputs, record.date)):
        # Drawing is CPU-bound Python: in a thread it overlaps the audio; in a process pool
        # (``render --all``) days are drawn on every core at once.
        jobs.append(asyncio.get_running_loop().run_in_executor(executor, _pictures, outputs, record, trend, font)
                    if executor is not None else asyncio.to_thread(_pictures, outputs, record, trend, font))
    if audio:
        jobs.append(_audio(settings, outputs, record))
    made = [stats_file] if stats_written else []
    for result in await asyncio.gather(*jobs, return_exceptions=True):
        if isinstance(result, tts.TTSUnavailableError):
            warnings.append(f"no audio: {result}")
        elif isinstance(result, BaseException):
            raise result
        else:
            made += result
    return made


def extras_for(outputs: Outputs, record: DayRecord, settings: Settings, untranslated: str = "",
               llm_ran: bool = True) -> Extras:
    """Links (relative to newsletters/ and reports/) to the artefacts that exist: no broken links;
    ``untranslated`` is why no paper is translated (the banner), ``llm_ran`` whether missing ones are 待补."""
    page = outputs.newsletter(record.date)
    images = {kind: outputs.href(outputs.image(record.date, kind), page)
              for kind in PICTURES if outputs.image(record.date, kind).exists()}
    mp3 = outputs.audio(record.date)
    return Extras(
        images=images,
        figures=figures.shown_for_day(outputs, record, page),
        audio=outputs.href(mp3, page) if mp3.exists() and mp3.stat().st_size else None,
        hot_fields=hot_fields(record.papers),
        untranslated=untranslated,
        llm_ran=llm_ran,
        has_report=any(e.analysis for e in record.papers),
        github_url=settings.site.github_url,
        feed_href=outputs.href(outputs.feed, page),
        report_md_href=outputs.href(outputs.report(record.date, "md"), outputs.newsletter(record.date, "md")),
        report_html_href=outputs.href(outputs.report(record.date, "html"), page),
        logo_href=outputs.href(outputs.logo, page),
    )
