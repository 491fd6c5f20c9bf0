"""Benchmark the archive: backfill, `hfdaily index` and `render --all` over the recorded days, and adding a day.

    python bench/archive.py [backfill|index|add|all] [--days 20] [--latency 1.0] [--concurrency 32] [--repeat 3]
                            [--no-pictures] [--no-audio] [--smoke]

- backfill: ``hfdaily backfill --no-analysis`` over DAYS consecutive recorded days, pictures and
  audio (espeak-ng) on, against the HF server and the fake LLM (LATENCY s per call), each in its own
  process; wall time of the command against the floor, LLM calls / CONCURRENCY × LATENCY; then the
  same command again with everything done.
- index: an archive of every recorded day (580, built from the fixtures as ``run --no-llm`` leaves
  them: fields classified, no LLM), then ``hfdaily index`` from scratch and ``hfdaily render --all``
  (pages only, and pages + pictures on a sample of days), each in its own process: seconds and
  peak memory (max RSS).
- add: archives of 10, 100 and 579 days; adding one more day = ``publish`` once its record is
  written, timed step by step: the index refresh, ``OUT/index.html`` + ``OUT/feed.xml``, the site
  (pages, listings, feeds, the recent search bundle); then ``publish`` with nothing changed.

Every figure is the median of REPEAT runs with the load average beside it.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchkit import SRC, env, load, median_line, need_fixtures, server
from benchkit import parser as benchkit_parser

from hfdaily.config import Settings
from hfdaily.pipeline import RunOptions, Workspace, publish
from hfdaily.publish.build import build_site
from hfdaily.publish.site import publish_site
from hfdaily.testing.days import recorded_dates, write_archive


def bench_backfill(fixtures: Path, days: int, latency: float, concurrency: int, repeat: int,
                   pictures: bool, audio: bool) -> None:
    dates = recorded_dates(fixtures)
    first, last = dates[-days], dates[-1]
    command = ["backfill", "--from", str(first), "--to", str(last), "--no-analysis", "-q"]
    command += ["--no-pictures"] * (not pictures) + ["--no-audio"] * (not audio)
    with server("hfdaily.testing.hf_server", "--fixtures", str(fixtures / "hf_daily_papers")) as hf_url, \
            server("hfdaily.testing.fake_llm", "--latency", str(latency)) as llm_url:
        extra = {"HF_ENDPOINT": hf_url, "HFDAILY_LLM_BASE_URL": llm_url + "/v1", "HFDAILY_LLM_MODEL": "fake",
                 "HFDAILY_LLM_API_KEY": "x", "HFDAILY_LLM_CONCURRENCY": str(concurrency),
                 "HFDAILY_TTS_ENGINE": "espeak", "HFDAILY_SITE_URL": "https://example.org/hfdaily/"}
        walls, agains = [], []
        for _ in range(repeat):
            with tempfile.TemporaryDirectory() as tmp:
                out = Path(tmp) / "out"
                walls.append(_run(command + ["--out", str(out)], extra))
                with sqlite3.connect(out / "hfdaily.db") as con:
                    calls = con.execute("SELECT count(*) FROM llm_calls WHERE status != 'error'").fetchone()[0]
                papers = sum(len(json.loads(p.read_text())["papers"]) for p in (out / "data").glob("*.json"))
                made = len(list((out / "data").glob("*.json")))
                agains.append(_run(command + ["--out", str(out)], extra))
        floor = calls / concurrency * latency
        print(f"backfill {first}..{last} ({days} recorded days; {made} with papers, {papers} papers), translation only, "
              f"pictures {'on' if pictures else 'off'}, audio {'on (espeak-ng)' if audio else 'off'}, {calls} LLM calls "
              f"at {latency:.1f} s, concurrency {concurrency}; fake LLM and HF in their own processes")
        print(f"  command: python -m hfdaily {' '.join(command)} --out FRESH")
        ratio = f"{statistics.median(walls) / floor:.2f}x the floor" if floor else "no floor at latency 0"
        print(f"  floor {floor:.1f} s; " + median_line("wall", walls) + f", {ratio}")
        print("  " + median_line("again, everything done", agains))


def _run(args: list[str], extra: dict[str, str]) -> float:
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "hfdaily", *args], env=env() | extra, capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"hfdaily {' '.join(args)} exited {done.returncode}:\n{done.stderr[-3000:]}")
    return time.perf_counter() - started


def _timed(args: list[str]) -> tuple[float, float, str]:
    """(seconds, peak MB, output) of ``python -m hfdaily ARGS`` in its own process."""
    env = os.environ | {"PYTHONPATH": str(SRC), "HFDAILY_CONFIG": "/nonexistent.toml"}
    env.pop("HFDAILY_CONFIG")
    result = subprocess.run(["/usr/bin/time", "-f", "@@ %e %M", sys.executable, "-m", "hfdaily", *args],
                            env=env | {"HFDAILY_CONFIG": str(Path(tempfile.gettempdir()) / "absent.toml")},
                            capture_output=True, text=True)
    if result.returncode:
        raise SystemExit(f"hfdaily {' '.join(args)} failed:\n{result.stderr[-2000:]}")
    seconds, kb = re.search(r"@@ ([\d.]+) (\d+)", result.stderr).groups()
    return float(seconds), int(kb) / 1024, result.stdout.strip().splitlines()[-1] if result.stdout.strip() else ""


def bench_index(fixtures: Path, sample: int, days: int | None) -> None:
    dates = recorded_dates(fixtures)[-days:] if days else recorded_dates(fixtures)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        started = time.perf_counter()
        records = write_archive(fixtures, out, dates)
        papers = sum(len(r.papers) for r in records)
        print(f"archive of {len(records)} recorded days, {papers} papers, built in "
              f"{time.perf_counter() - started:.1f} s (not measured below)")
        size = sum(p.stat().st_size for p in (out / "data").iterdir())
        seconds, peak, line = _timed(["index", "--out", str(out)])
        db = out / "hfdaily.db"
        print(f"hfdaily index (from scratch):   {seconds:6.1f} s, peak {peak:5.0f} MB   [{line}]; "
              f"records {size / 1e6:.0f} MB, database {db.stat().st_size / 1e6:.0f} MB")
        seconds, peak, line = _timed(["index", "--out", str(out), "--update"])
        print(f"hfdaily index --update (same):  {seconds:6.1f} s, peak {peak:5.0f} MB   [{line}]")
        seconds, peak, line = _timed(["render", "--all", "--out", str(out), "-q", "--no-audio", "--no-pictures"])
        print(f"hfdaily render --all (pages):   {seconds:6.1f} s, peak {peak:5.0f} MB   [{line}]")
        seconds, peak, line = _timed(["publish", "--out", str(out), "-q"])
        print(f"hfdaily publish (580 days):     {seconds:6.1f} s, peak {peak:5.0f} MB")

        # pictures on a sample: the per-day cost, times the archive
        few = Path(tmp) / "sample"
        (few / "data").mkdir(parents=True)
        for day in dates[-sample:]:
            shutil.copy(out / "data" / f"{day}.json", few / "data")
        seconds, peak, line = _timed(["render", "--all", "--out", str(few), "-q", "--no-audio"])
        print(f"hfdaily render --all (pages + pictures) on {sample} days: {seconds:6.1f} s, peak {peak:5.0f} MB "
              f"-> {seconds / sample:.2f} s/day, ~{seconds / sample * len(dates) / 60:.0f} min for {len(dates)} days")
        seconds, peak, line = _timed(["render", "--all", "--out", str(few), "-q", "--no-audio"])
        print(f"  again, pictures newer than their records kept: {seconds:6.1f} s, peak {peak:5.0f} MB")


def bench_add(fixtures: Path, sizes: list[int], repeat: int) -> None:
    """Adding a day = ``publish`` once the day's record is written: the index refresh, the old
    archive page and feed, then the site (its pages, listings, feeds and the recent search bundle),
    each timed on its own; then ``publish`` again with nothing changed."""
    dates = recorded_dates(fixtures)
    for size in sizes:
        steps: dict[str, list[float]] = {"index refresh": [], "index.html + feed.xml": [], "site build": [],
                                         "adding a day (all of publish)": [], "publish, nothing changed": []}
        for _ in range(repeat):
            with tempfile.TemporaryDirectory() as tmp:
                out = Path(tmp)
                write_archive(fixtures, out, dates[-size - 1:-1])
                settings = Settings(site={"url": "https://example.org/hfdaily/"})
                opts = RunOptions(date=dates[-1], out=out, use_llm=False, pictures=False, audio=False, progress=False)
                ws = Workspace(settings, opts)
                publish(ws)  # the archive as it stands, indexed and published
                write_archive(fixtures, out, dates[-1:])  # the new day's record, as fetch + enrich leave it
                started = time.perf_counter()
                ws.index.refresh()
                indexed = time.perf_counter()
                publish_site(ws.index, ws.outputs, settings.site)
                paged = time.perf_counter()
                build_site(out, site_url=settings.site.url, github_url=settings.site.github_url, index=ws.index)
                built = time.perf_counter()
                steps["index refresh"].append(indexed - started)
                steps["index.html + feed.xml"].append(paged - indexed)
                steps["site build"].append(built - paged)
                steps["adding a day (all of publish)"].append(built - started)
                started = time.perf_counter()
                publish(ws)
                steps["publish, nothing changed"].append(time.perf_counter() - started)
                asyncio.run(ws.close())
        print(f"add one day to a {size}-day archive (pipeline.publish in this process; {repeat} run(s)):")
        for name, seconds in steps.items():
            print("  " + median_line(name, seconds, "ms"))


def main() -> None:
    parser = benchkit_parser(__doc__)
    parser.add_argument("what", nargs="?", default="all", choices=["backfill", "index", "add", "all"])
    parser.add_argument("--days", type=int, default=20)
    parser.add_argument("--latency", type=float, default=1.0)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--sample", type=int, default=10, help="days rendered with pictures")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-pictures", action="store_true", help="backfill without pictures")
    parser.add_argument("--no-audio", action="store_true", help="backfill without audio")
    args = parser.parse_args()
    need_fixtures(args.fixtures)
    sizes = [10, 100, len(recorded_dates(args.fixtures)) - 1]
    if args.smoke:
        args.days, args.latency, args.repeat, args.sample, sizes = 2, 0.0, 1, 1, [3]
    if args.what in ("add", "all"):
        bench_add(args.fixtures, sizes, args.repeat)
    if args.what in ("index", "all"):
        bench_index(args.fixtures, args.sample, 8 if args.smoke else None)
    if args.what in ("backfill", "all"):
        bench_backfill(args.fixtures, args.days, args.latency, args.concurrency, args.repeat,
                       not args.no_pictures, not args.no_audio)
    print(f"[{load()}]")


if __name__ == "__main__":
    main()
