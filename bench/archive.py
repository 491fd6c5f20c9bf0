"""Benchmark the archive: backfill, `hfdaily index` and `render --all` over the recorded days, and adding a day.

    python bench/archive.py [backfill|index|add|all] [--days 100] [--latency 1.0] [--concurrency 32]

- backfill: ``hfdaily backfill`` over DAYS consecutive recorded days (translation only, no pictures
  or audio) against the local HF server and the fake LLM with LATENCY s per call; wall time
  against the floor, LLM calls / CONCURRENCY × LATENCY.
- index: an archive of every recorded day (580, built from the fixtures as ``run --no-llm`` leaves
  them: fields classified, no LLM), then ``hfdaily index`` from scratch and ``hfdaily render --all``
  (pages only, and pages + pictures on a sample of days), each in its own process: seconds and
  peak memory (max RSS).
- add: archives of 10, 100 and 580 days; the time to add one more day (index refresh + archive
  page + feed, i.e. ``hfdaily publish`` after the day's record is written).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from hfdaily.config import Settings
from hfdaily.pipeline import RunOptions, Workspace, publish, run_days
from hfdaily.testing.days import recorded_dates, write_archive

FIXTURES = Path(__file__).resolve().parents[1].parent / "shared" / "fixtures"
SRC = Path(__file__).resolve().parents[1] / "src"


@contextmanager
def _server(module: str, *args: str):
    """A stand-in server in its own process, so that its CPU is not counted as hfdaily's."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", module, "--port", str(port), *args],
                            env=os.environ | {"PYTHONPATH": str(SRC)}, stdout=subprocess.PIPE, text=True)
    try:
        proc.stdout.readline()  # its "... at http://..." line: listening
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait()


def bench_backfill(fixtures: Path, days: int, latency: float, concurrency: int) -> None:
    dates = recorded_dates(fixtures)
    first, last = dates[-days], dates[-1]
    with tempfile.TemporaryDirectory() as tmp, \
            _server("hfdaily.testing.hf_server", "--fixtures", str(fixtures / "hf_daily_papers")) as hf_url, \
            _server("hfdaily.testing.fake_llm", "--latency", str(latency)) as llm_url:
        out = Path(tmp)
        settings = Settings(llm={"base_url": llm_url + "/v1", "model": "fake", "api_key": "x",
                                 "concurrency": concurrency},
                            hf={"endpoint": hf_url}, make={"trend_days": 0}, analysis={"enabled": False})
        opts = RunOptions(date=first, out=out, analysis=False, pictures=False, audio=False, progress=False)
        calendar = [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]
        started = time.perf_counter()
        summary = asyncio.run(run_days(settings, opts, calendar))
        wall = time.perf_counter() - started
        floor = summary.llm.calls / concurrency * latency
        print(f"backfill {first}..{last}: {summary.days} days with papers, {summary.papers} papers, "
              f"{summary.llm.calls} LLM calls at {latency:.1f} s, concurrency {concurrency} "
              f"(peak in flight {summary.llm.peak_in_flight}); fake LLM and HF in their own processes")
        print(f"  wall {wall:.1f} s   floor {floor:.1f} s   ratio {wall / floor:.2f}x   failed {len(summary.failed)}")
        started = time.perf_counter()
        again = asyncio.run(run_days(settings, opts, calendar))
        print(f"  again (everything done): {time.perf_counter() - started:.1f} s, {again.llm.calls} LLM calls")


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


def bench_index(fixtures: Path, sample: int) -> None:
    dates = recorded_dates(fixtures)
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


def bench_add(fixtures: Path) -> None:
    dates = recorded_dates(fixtures)
    for size in (10, 100, len(dates) - 1):
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp)
            write_archive(fixtures, out, dates[-size - 1:-1])
            settings = Settings()
            opts = RunOptions(date=dates[-1], out=out, use_llm=False, pictures=False, audio=False, progress=False)
            ws = Workspace(settings, opts)
            publish(ws)  # the archive as it stands, indexed and published
            write_archive(fixtures, out, dates[-1:])  # the new day's record, as fetch + enrich leave it
            started = time.perf_counter()
            written = publish(ws)
            seconds = time.perf_counter() - started
            asyncio.run(ws.close())
            print(f"add one day to a {size:3d}-day archive (index refresh + index.html + feed.xml): "
                  f"{seconds * 1000:6.0f} ms, wrote {', '.join(p.name for p in written)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", nargs="?", default="all", choices=["backfill", "index", "add", "all"])
    parser.add_argument("--days", type=int, default=100)
    parser.add_argument("--latency", type=float, default=1.0)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--sample", type=int, default=10, help="days rendered with pictures")
    parser.add_argument("--fixtures", type=Path, default=FIXTURES)
    args = parser.parse_args()
    if not (args.fixtures / "hf_daily_papers").is_dir():
        sys.exit(f"recorded data not found at {args.fixtures}; pass --fixtures")
    if args.what in ("add", "all"):
        bench_add(args.fixtures)
    if args.what in ("index", "all"):
        bench_index(args.fixtures, args.sample)
    if args.what in ("backfill", "all"):
        bench_backfill(args.fixtures, args.days, args.latency, args.concurrency)


if __name__ == "__main__":
    main()
