"""Benchmark the LLM stage of a whole day: the 50-paper day 2025-09-30 against the fake LLM.

    python bench/pipeline.py [--latency 1.0] [--concurrency 8] [--analysis] [--date 2025-09-30]

Serves the recorded HF response and arXiv pages on 127.0.0.1, injects a fixed latency into
every LLM answer, runs `run_day` (no pictures, no audio) in a fresh folder, and prints wall
time, calls, peak concurrency and tokens; then the same day under the original bot's approach
(one call after another plus a 3 s pause each), computed from the latencies actually measured.
A second run of the same day shows what the cache saves.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

from hfdaily.config import Settings
from hfdaily.pipeline import RunOptions, run_day
from hfdaily.testing.arxiv_server import serve_arxiv
from hfdaily.testing.fake_llm import FakeLLM
from hfdaily.testing.hf_server import FakeHF

FIXTURES = Path(__file__).resolve().parents[1].parent / "shared" / "fixtures"
ORIGINAL_PAUSE = 3.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--date", default="2025-09-30")
    parser.add_argument("--latency", type=float, default=1.0, help="seconds the fake LLM waits per call")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--analysis", action="store_true", help="also read full texts and analyse")
    parser.add_argument("--fixtures", type=Path, default=FIXTURES)
    args = parser.parse_args()
    if not (args.fixtures / "hf_daily_papers").is_dir():
        sys.exit(f"recorded data not found at {args.fixtures}; pass --fixtures")

    date = dt.date.fromisoformat(args.date)
    fake_llm = FakeLLM(latency=args.latency)
    with tempfile.TemporaryDirectory() as tmp, fake_llm.serve() as llm_url, \
            FakeHF(args.fixtures / "hf_daily_papers").serve() as hf_url, serve_arxiv(args.fixtures) as arxiv_url:
        out = Path(tmp)
        settings = Settings(llm={"base_url": llm_url, "model": "fake", "api_key": "x",
                                 "concurrency": args.concurrency}, hf={"endpoint": hf_url}, arxiv={"url": arxiv_url},
                            make={"trend_days": 0}, analysis={"enabled": args.analysis})
        opts = RunOptions(date=date, out=out, db=out / "hfdaily.db", analysis=args.analysis,
                          pictures=False, audio=False, progress=False)
        started = time.perf_counter()
        first = asyncio.run(run_day(settings, opts))
        wall = time.perf_counter() - started
        con = sqlite3.connect(out / "hfdaily.db")
        latencies = [row[0] / 1000 for row in con.execute("SELECT latency_ms FROM llm_calls WHERE status != 'error'")]
        started = time.perf_counter()
        second = asyncio.run(run_day(settings, opts))
        rerun = time.perf_counter() - started

    serial = sum(latencies) + ORIGINAL_PAUSE * first.papers
    print(f"day {date}: {first.papers} papers, analysis {'on' if args.analysis else 'off'}, "
          f"fake LLM latency {args.latency:.2f} s/call, concurrency limit {args.concurrency}")
    print(f"hfdaily        wall {wall:7.2f} s   LLM calls {first.llm.calls}   peak concurrency {first.llm.peak_in_flight}   "
          f"tokens {first.llm.prompt_tokens} in / {first.llm.completion_tokens} out   failed {len(first.failed)}")
    print(f"original bot   wall {serial:7.2f} s   (same {len(latencies)} calls one after another "
          f"+ {ORIGINAL_PAUSE:.0f} s pause per paper)   speed-up ×{serial / wall:.1f}")
    print(f"second run     wall {rerun:7.2f} s   LLM calls {second.llm.calls} (everything cached)")


if __name__ == "__main__":
    main()
