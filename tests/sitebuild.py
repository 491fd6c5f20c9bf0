"""A small real archive for the site tests: recorded fixture days, 2026-01-20 with the seeds' real
Chinese titles, abstracts and analyses, a poster and a short spoken broadcast for that day."""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path

from recorded import load_fixture_day, seed_day_zh

from hfdaily.archive.record import save_record
from hfdaily.make import charts, tts
from hfdaily.make.broadcast import build_script
from hfdaily.make.fields import classify
from hfdaily.make.fonts import find_cjk_font

SEED_DAY = dt.date(2026, 1, 20)
# Two years, two months, a paper listed on two days (2604.07429: 2026-04-10 and 2026-04-16).
DAYS = [dt.date(2025, 12, 31), dt.date(2026, 1, 16), dt.date(2026, 1, 19), SEED_DAY, dt.date(2026, 1, 21),
        dt.date(2026, 4, 10), dt.date(2026, 4, 16)]
SITE_URL = "https://example.github.io/hfdaily/"


def write_days(out: Path, fixtures_dir: Path, seeds_dir: Path, days: list[dt.date] = DAYS) -> None:
    """Day records as a run stores them: with each paper's fields."""
    for day in days:
        record = seed_day_zh(fixtures_dir, seeds_dir) if day == SEED_DAY else load_fixture_day(fixtures_dir, day)
        for entry in record.papers:
            entry.fields = classify(entry)
        save_record(out, record)


def write_seed_assets(out: Path) -> None:
    """The poster and (two paragraphs of) the broadcast of the seed day, made by hfdaily itself."""
    from hfdaily.archive.record import load_record, record_path

    record = load_record(record_path(out, SEED_DAY))
    (out / "images").mkdir(parents=True, exist_ok=True)
    charts.draw_poster(record, out / "images" / f"{SEED_DAY}_poster.png", find_cjk_font())
    asyncio.run(tts.synthesise(build_script(record)[:2], out / "audio" / f"{SEED_DAY}.mp3",
                               title="test", date=SEED_DAY, engine="espeak"))


# The seed day's week (2026-01-19 … 21 recorded, 22 and 23 not) and month, made as `hfdaily weekly/monthly` do.
EDITIONS = [("week", "2026-W04"), ("month", "2026-01")]


def write_editions(out: Path, today: dt.date = dt.date(2026, 2, 2)) -> None:
    from hfdaily.archive.index import Index
    from hfdaily.make.periods import Period
    from hfdaily.publish.editions import make_edition, write_edition

    with Index.open(out) as index:
        for kind, label in EDITIONS:
            write_edition(out, make_edition(index, Period.parse(kind, label), today), SITE_URL)


_BUILT: dict[str, tuple[Path, object]] = {}


def demo_site(root: Path, fixtures_dir: Path, seeds_dir: Path):
    """OUT with the demo days, built once per test session (the site tests share it, read-only)."""
    from hfdaily.publish.build import build_site

    if "demo" not in _BUILT:
        out = root / "demo-out"
        write_days(out, fixtures_dir, seeds_dir, DAYS[:-1])
        write_seed_assets(out)
        write_editions(out)
        build_site(out, site_url=SITE_URL)
        # the last day added afterwards, as a daily run does: its papers are in the recent search bundle
        write_days(out, fixtures_dir, seeds_dir, DAYS[-1:])
        _BUILT["demo"] = (out, build_site(out, site_url=SITE_URL))
    return _BUILT["demo"]
