"""The day's artefacts beyond text: statistics, pictures, the audio broadcast, and links to them.

Files are named by date (``images/2026-01-20_wordcloud.png``) so an old newsletter keeps its own
pictures. Pictures (CPU) and speech (a subprocess or the network) are made at the same time.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
from pathlib import Path

from pydantic import ValidationError

from hfdaily.archive.record import RecordError, atomic_write, load_record, record_path
from hfdaily.archive.store import Store
from hfdaily.config import Settings
from hfdaily.make import charts, tts
from hfdaily.make.broadcast import build_script, script_to_text
from hfdaily.make.fields import classify, hot_fields
from hfdaily.make.render import Extras
from hfdaily.make.stats import TrendPoint, compute_stats, trend_point
from hfdaily.models import DayRecord, Paper, PaperEntry
from hfdaily.sources.hf import HFClient, HFError

log = logging.getLogger("hfdaily.make.artefacts")

PICTURES = ("wordcloud", "trend", "poster")


def image_path(out: Path, date: dt.date, kind: str) -> Path:
    return out / "images" / f"{date.isoformat()}_{kind}.png"


def audio_path(out: Path, date: dt.date, suffix: str = ".mp3") -> Path:
    return out / "audio" / f"{date.isoformat()}{suffix}"


TREND_FETCHES = 4  # past days' lists fetched at once
TREND_GIVE_UP = 1  # once a past day failed in a run (after its retry), the days not yet asked are not asked


async def trend_history(settings: Settings, store: Store, hf: HFClient, out: Path,
                        record: DayRecord) -> list[TrendPoint]:
    """Papers per day over the recent window: our own records first, then HF's lists (cached).

    The trend is an extra: past days are fetched concurrently with a short timeout and one retry
    (not today's full patience); once one of them failed the rest are not asked; a day HF
    failed to list is not asked again for ``trend_retry_hours``; a cached list that no longer
    validates is dropped and fetched again.
    """
    days = [record.date - dt.timedelta(days=back) for back in range(settings.trend_days, 0, -1)]
    days = [d for d in days if d.weekday() < 5]  # HF publishes no daily list at weekends
    quick = HFClient(settings.hf_endpoint, settings.hf_token, retries=1, timeout=settings.trend_timeout,
                     backoff=0.5, max_papers=settings.max_papers, max_abstract_chars=settings.max_abstract_chars)
    slots = asyncio.Semaphore(TREND_FETCHES)
    failed: list[dt.date] = []

    async def point(day: dt.date) -> TrendPoint | None:
        try:
            if (own := load_record(record_path(out, day))) is not None:
                return trend_point(own)
        except RecordError as exc:
            log.warning("trend: %s", exc)
        entries = _cached_entries(store, day)
        if entries is None:
            if store.day_list_failed_recently(day, settings.trend_retry_hours):
                return None
            try:
                async with slots:
                    if len(failed) >= TREND_GIVE_UP:  # HF is failing past days: do not queue more
                        raise HFError(f"not asked: HF already failed {len(failed)} past days this run")
                    papers = await quick.daily_papers(day)
            except HFError as exc:
                failed.append(day)
                log.warning("trend: skipping %s: %s", day, exc)
                store.day_list_failed(day, str(exc))
                return None
            store.save_day_list(day, json.dumps([p.model_dump(mode="json") for p in papers], ensure_ascii=False))
            entries = [PaperEntry(paper=p) for p in papers]
        for entry in entries:
            entry.fields = classify(entry)
        return trend_point(DayRecord(date=day, papers=entries)) if entries else None

    async with quick:
        points = await asyncio.gather(*(point(day) for day in days))
    return [p for p in points if p is not None] + [trend_point(record)]


def _cached_entries(store: Store, day: dt.date) -> list[PaperEntry] | None:
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


def _pictures(out: Path, record: DayRecord, trend: list[TrendPoint], font) -> list[Path]:
    (out / "images").mkdir(parents=True, exist_ok=True)
    made = [
        charts.draw_wordcloud(record, image_path(out, record.date, "wordcloud"), font),
        charts.draw_trend(trend, record.date, image_path(out, record.date, "trend"), font),
        charts.draw_poster(record, image_path(out, record.date, "poster"), font),
    ]
    return [Path(p) for p in made]


async def _audio(settings: Settings, out: Path, record: DayRecord) -> list[Path]:
    """Speak the day; skipped when the same script was already spoken (it is slow)."""
    script = build_script(record)
    transcript, mp3 = audio_path(out, record.date, ".txt"), audio_path(out, record.date)
    text = script_to_text(script)
    if mp3.exists() and transcript.exists() and transcript.read_text(encoding="utf-8") == text:
        return [mp3, transcript]
    result = await tts.synthesise(script, mp3, title=f"Hugging Face {record.date} 论文日报", date=record.date,
                                  engine=settings.tts_engine, voice=settings.tts_voice)
    atomic_write(transcript, text)
    return [p for p in (result.mp3_path, result.vtt_path, transcript) if p]


async def make_all(settings: Settings, opts, record: DayRecord, trend: list[TrendPoint], font, summary) -> list[Path]:
    stats = compute_stats(record, trend)
    stats_file = opts.out / "stats" / f"{record.date.isoformat()}.json"
    atomic_write(stats_file, stats.model_dump_json(indent=2) + "\n")
    jobs = []
    if opts.pictures:
        jobs.append(asyncio.to_thread(_pictures, opts.out, record, trend, font))
    if opts.audio:
        jobs.append(_audio(settings, opts.out, record))
    made = [stats_file]
    for result in await asyncio.gather(*jobs, return_exceptions=True):
        if isinstance(result, tts.TTSUnavailableError):
            summary.warnings.append(f"no audio: {result}")
        elif isinstance(result, BaseException):
            raise result
        else:
            made += result
    return made


def extras_for(out: Path, record: DayRecord, settings: Settings, untranslated: bool) -> Extras:
    """Links (relative to newsletters/ and reports/) to the artefacts that exist: no broken links."""
    images = {kind: f"../images/{image_path(out, record.date, kind).name}"
              for kind in PICTURES if image_path(out, record.date, kind).exists()}
    mp3 = audio_path(out, record.date)
    return Extras(
        images=images,
        audio=f"../audio/{mp3.name}" if mp3.exists() and mp3.stat().st_size else None,
        hot_fields=hot_fields(record.papers),
        untranslated=untranslated,
        has_report=any(e.analysis for e in record.papers),
        github_url=settings.github_url,
    )
