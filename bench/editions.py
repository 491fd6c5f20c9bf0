"""Weekly editions over the whole recorded archive: what `hfdaily weekly` costs on 580 days.

    python bench/editions.py [--out /tmp/hfdaily-bench-editions] [--weeks 7] [--fixtures DIR] [--smoke]

1. Writes every recorded day (fields classified, as a run stores them) into OUT/data and builds the
   site once with its search index (not timed: that is the daily publish's cost).
2. For ``--weeks`` different weeks spread over the archive, times `hfdaily weekly --week W --no-notify`
   in process, as the command does it (index refreshed for the two weeks, the edition computed and
   written, the site brought up to date: the new page, the home page's calendar, the feed), and
   apart from it the edition alone (index query + summary). Prints each run, the median and the
   load average (the machine is shared: say so beside the figure).
3. Runs the last week again: what a re-run costs (nothing written).

``--smoke`` (CI: proves the bench works, says nothing about time): the first 10 recorded days in a
fresh temporary OUT, one week, the same steps.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from click.testing import CliRunner

REPO = Path(__file__).resolve().parents[1]
FIXTURES = Path(os.environ.get("HFDAILY_FIXTURES", REPO.parent / "shared" / "fixtures"))
SITE_URL = "https://example.github.io/hfdaily"  # without the trailing slash, as the settings keep it


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("/tmp/hfdaily-bench-editions"))
    parser.add_argument("--weeks", type=int, default=7)
    parser.add_argument("--fixtures", type=Path, default=FIXTURES)
    parser.add_argument("--smoke", action="store_true", help="10 days, one week: checks the bench works (CI)")
    args = parser.parse_args()
    if args.smoke:
        with tempfile.TemporaryDirectory() as tmp:
            args.out, args.weeks = Path(tmp) / "out", 1
            bench(args, days=10)
    else:
        bench(args, days=None)


def bench(args: argparse.Namespace, days: int | None) -> None:
    from hfdaily.archive.index import Index
    from hfdaily.cli import cli
    from hfdaily.make.periods import Period
    from hfdaily.publish.build import build_site
    from hfdaily.publish.editions import make_edition
    from hfdaily.testing.days import recorded_dates, write_archive

    if not (args.fixtures / "hf_daily_papers").is_dir():
        sys.exit(f"recorded days not found at {args.fixtures} (set HFDAILY_FIXTURES or --fixtures)")
    out = args.out
    dates = recorded_dates(args.fixtures)[:days]
    if not (out / "site" / "index.html").exists() or len(list((out / "data").glob("*.json"))) != len(dates):
        started = time.perf_counter()
        write_archive(args.fixtures, out, dates)
        report = build_site(out, site_url=SITE_URL)  # as the command's settings spell it: no page is re-keyed
        print(f"archive: {len(dates)} days written and the site built in {time.perf_counter() - started:.0f} s "
              f"({report.papers} papers; not part of the figures below)")
    today = dates[-1] + dt.timedelta(days=7)
    first, last = Period.containing("week", dates[1]), Period.containing("week", dates[-1])
    span = (last.start - first.start).days // 7
    weeks = [Period.containing("week", first.start + dt.timedelta(weeks=round(i * span / max(1, args.weeks - 1))))
             for i in range(args.weeks)]
    env = {"HFDAILY_SITE_URL": SITE_URL, "HFDAILY_NOTIFY": ""}
    for made in (out / "weekly").glob("*.json"):  # each timed run makes a new edition, as Monday's does
        made.unlink()
    commands, alone, cpus = [], [], []
    for week in weeks:
        with Index.open(out) as index:
            started = time.perf_counter()
            edition = make_edition(index, week, today)
            alone.append(time.perf_counter() - started)
        started, cpu = time.perf_counter(), time.process_time()
        result = CliRunner().invoke(cli, ["weekly", "--week", week.label, "--out", str(out), "--no-notify"], env=env)
        commands.append(time.perf_counter() - started)
        cpus.append(time.process_time() - cpu)
        if result.exit_code != 0:
            sys.exit(result.output)
        print(f"  {week.label}: {edition.total:3d} papers, {len(edition.days)} days — hfdaily weekly {commands[-1]:.2f} s "
              f"({cpus[-1]:.2f} s CPU), "
              f"edition alone {alone[-1] * 1000:.0f} ms")
    started = time.perf_counter()
    again = CliRunner().invoke(cli, ["weekly", "--week", weeks[-1].label, "--out", str(out), "--no-notify"], env=env)
    rerun = time.perf_counter() - started
    load = os.getloadavg()
    print(f"hfdaily weekly over {len(dates)} days: median {statistics.median(commands):.2f} s "
          f"(min {min(commands):.2f}, max {max(commands):.2f}, {len(commands)} weeks; CPU median "
          f"{statistics.median(cpus):.2f} s); the edition alone: median "
          f"{statistics.median(alone) * 1000:.0f} ms; a re-run: {rerun:.2f} s "
          f"({'nothing written' if 'edition unchanged' in again.output else 'WROTE FILES'})")
    print(f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} on {os.cpu_count()} cores (shared machine)")


if __name__ == "__main__":
    main()
