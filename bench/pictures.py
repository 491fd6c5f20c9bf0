"""Time the day's pictures on the 50-paper day 2025-09-30 (recorded real data, no translation).

    python bench/pictures.py [--fixtures ../shared/fixtures] [--out /tmp/hfdaily-bench]

Prints seconds, pixel size and bytes for the word cloud, the trend (the stats window: this day
and the previous 29 recorded days) and the poster.
"""

from __future__ import annotations

import argparse
import datetime as dt
import time
from pathlib import Path

from PIL import Image

from benchkit import FIXTURES, load  # noqa: E402
from hfdaily.config import Settings
from hfdaily.make.charts import draw_poster, draw_trend, draw_wordcloud
from hfdaily.make.fonts import find_cjk_font
from hfdaily.make.stats import TrendPoint, recent_window, trend_point
from hfdaily.testing.days import recorded_day

DAY = dt.date(2025, 9, 30)
REPO = Path(__file__).resolve().parents[1]


def previous_points(fixtures: Path, day: dt.date, days: int = 30) -> list[TrendPoint]:
    files = sorted(p for p in (fixtures / "hf_daily_papers").glob("*.json") if p.stem < day.isoformat())
    return [trend_point(recorded_day(fixtures, dt.date.fromisoformat(p.stem))) for p in files[-days:]]


def timed(label: str, draw) -> None:
    start = time.perf_counter()
    path = draw()
    seconds = time.perf_counter() - start
    with Image.open(path) as image:
        width, height = image.size
    print(f"{label:10s} {seconds:6.2f} s  {width}x{height}  {path.stat().st_size:>9,d} bytes  {path}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fixtures", type=Path, default=FIXTURES)
    parser.add_argument("--out", type=Path, default=Path("/tmp/hfdaily-bench"))
    parser.add_argument("--smoke", action="store_true", help="the same (one day): checks the bench works (CI)")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)

    start = time.perf_counter()
    font = find_cjk_font()
    print(f"font       {time.perf_counter() - start:6.2f} s  {font.path} (face {font.index}, {font.family})")
    record = recorded_day(args.fixtures, DAY)
    window = recent_window(trend_point(record), previous_points(args.fixtures, DAY), Settings().make.trend_days)
    print(f"record     {len(record.papers)} papers on {DAY}, trend over {len(window)} days")

    timed("wordcloud", lambda: draw_wordcloud(record, args.out / f"{DAY}_wordcloud.png", font))
    timed("trend", lambda: draw_trend(window, DAY, args.out / f"{DAY}_trend.png", font))
    timed("poster", lambda: draw_poster(record, args.out / f"{DAY}_poster.png", font))
    print(f"[{load()}]")


if __name__ == "__main__":
    main()
