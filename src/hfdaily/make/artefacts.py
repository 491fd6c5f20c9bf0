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


async def trend_history(settings: Settings, store: Store, hf: HFClient, out: Path,
                        record: DayRecord) -> list[TrendPoint]:
    """Papers per day over the recent window: our own records first, then HF's lists (cached)."""
    points = []
    for back in range(settings.trend_days, 0, -1):
        day = record.date - dt.timedelta(days=back)
        if day.weekday() >= 5:  # HF publishes no daily list at weekends
            continue
        try:
            if (own := load_record(record_path(out, day))) is not None:
                points.append(trend_point(own))
                continue
        except RecordError:
            pass
        cached = store.day_list(day)
        if cached is None:
            try:
                papers = await hf.daily_papers(day)
            except HFError as exc:
                log.warning("trend: skipping %s: %s", day, exc)
                continue
            cached = json.dumps([p.model_dump(mode="json") for p in papers], ensure_ascii=False)
            store.save_day_list(day, cached)
        entries = [PaperEntry(paper=Paper.model_validate(p)) for p in json.loads(cached)]
        for entry in entries:
            entry.fields = classify(entry)
        if entries:
            points.append(trend_point(DayRecord(date=day, papers=entries)))
    return points + [trend_point(record)]


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


def extras_for(out: Path, record: DayRecord, settings: Settings, untranslated: str, llm_ran: bool = True) -> Extras:
    """Links (relative to newsletters/ and reports/) to the artefacts that exist: no broken links."""
    images = {kind: f"../images/{image_path(out, record.date, kind).name}"
              for kind in PICTURES if image_path(out, record.date, kind).exists()}
    mp3 = audio_path(out, record.date)
    return Extras(
        images=images,
        audio=f"../audio/{mp3.name}" if mp3.exists() and mp3.stat().st_size else None,
        hot_fields=hot_fields(record.papers),
        untranslated=untranslated,
        llm_ran=llm_ran,
        has_report=any(e.analysis for e in record.papers),
        github_url=settings.github_url,
    )
