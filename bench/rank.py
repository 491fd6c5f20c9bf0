"""Similar papers and recommendations at archive scale: the times users wait for, and the site's growth.

    python bench/rank.py [--days 580] [--repeat 3] [--smoke]

Makes a --no-llm archive of the recorded days (580 days ≈ 9,900 papers), then prints:
  - the first publish's vectors and neighbour lists (the model fitted once);
  - adding one day to the archive of all the others (vectors + neighbour lists), median of --repeat;
  - `hfdaily recommend` and `hfdaily similar` on the whole archive (the commands, in a subprocess);
  - what the site's vectors weigh per 1,000 papers (vectors/D.js) and each paper's 相关论文 list.

``--smoke`` (CI: proves the bench works, says nothing about time): 5 days (~80 papers; the model
needs at least 50), one repeat.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FIXTURES = Path(os.environ.get("HFDAILY_FIXTURES", REPO.parent / "shared" / "fixtures"))

from hfdaily.archive.index import Index
from hfdaily.rank.site import day_vectors_js
from hfdaily.rank.vectors import RANK, UpdateReport, Vectors
from hfdaily.testing.days import recorded_dates, write_archive


def load() -> str:
    return f"load average {os.getloadavg()[0]:.1f}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--days", type=int, default=580)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--smoke", action="store_true", help="5 days, one repeat: checks the bench works (CI)")
    args = parser.parse_args()
    if args.smoke:
        args.days, args.repeat = 5, 1
    days = recorded_dates(FIXTURES)[: args.days]
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out"
        write_archive(FIXTURES, out, days)
        with Index.open(out, extra=[RANK]) as index:
            index.refresh()
            started = time.perf_counter()
            report = UpdateReport()
            vectors = Vectors.update(out, index, report=report)
            print(f"first publish: {len(vectors.ids)} papers, {report.line()} ({time.perf_counter() - started:.1f} s, {load()})")
        # adding the last day to the archive of all the others, from the same state each time
        base = Path(tmp) / "base"
        (out / "data" / f"{days[-1]}.json").rename(Path(tmp) / "last.json")
        with Index.open(out, extra=[RANK]) as index:
            index.refresh()
            Vectors.update(out, index)
        shutil.copytree(out, base)
        timings = []
        for _ in range(args.repeat):
            shutil.rmtree(out)
            shutil.copytree(base, out)
            shutil.copy(Path(tmp) / "last.json", out / "data" / f"{days[-1]}.json")
            with Index.open(out, extra=[RANK]) as index:
                index.refresh()
                started = time.perf_counter()
                report = UpdateReport()
                vectors = Vectors.update(out, index, report=report)
                timings.append(time.perf_counter() - started)
        print(f"adding {days[-1]} to {len(days) - 1} days: median {statistics.median(timings):.2f} s "
              f"({report.line()}; {load()})")
        ids = vectors.ids
        js = sum(len(day_vectors_js(vectors, "x", ids[i:i + 17])) for i in range(0, len(ids), 17))
        print(f"site vectors: {js / len(ids) * 1000 / 1024:.0f} KiB per 1,000 papers (vectors/D.js, int8 base64); "
              f"{(out / 'rank' / 'model.npz').stat().st_size / 1e6:.1f} MB model in OUT/rank (not shipped)")
        for name, argv in (("recommend", ["recommend", "--like", ",".join(ids[:5]), "--keywords", "智能体",
                                          "--from", str(days[0]), "--to", str(days[-1]), "--json"]),
                           ("similar", ["similar", ids[min(100, len(ids) - 1)], "--json"])):
            runs = []
            for _ in range(args.repeat):
                started = time.perf_counter()
                subprocess.run([sys.executable, "-m", "hfdaily", *argv, "--out", str(out)], check=True,
                               stdout=subprocess.DEVNULL)
                runs.append(time.perf_counter() - started)
            print(f"hfdaily {name} over {len(ids)} papers: median {statistics.median(runs):.2f} s ({load()})")


if __name__ == "__main__":
    main()
