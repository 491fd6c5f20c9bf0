"""Benchmark a whole day as a user runs it: ``hfdaily run`` with pictures, audio and the site on.

    python bench/pipeline.py [--date 2025-09-30] [--latency 1.0] [--concurrency 8 32] [--repeat 3]
                             [--no-analysis] [--smoke]

Times, each in a fresh process (``python -m hfdaily``) against the recorded HF day, the recorded
arXiv pages and the fake LLM (each in its own process; LATENCY s added to every LLM answer; speech
by espeak-ng, the offline engine):

- the day made from nothing, at each CONCURRENCY, against the LLM floor: the day's LLM calls in
  rounds of CONCURRENCY, LATENCY s each (ceil(calls / concurrency) × latency: no build can beat it);
- a re-run of the finished day with nothing new (HF lists the same papers): the command's wall time;
- ``hfdaily --help``.

Each figure is the median of REPEAT runs, printed with the load average beside it.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchkit import env, load, median_line, need_fixtures, parser, server


def hfdaily(args: list[str], extra: dict[str, str]) -> tuple[float, subprocess.CompletedProcess]:
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "hfdaily", *args], env=env() | extra, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode:
        raise SystemExit(f"hfdaily {' '.join(args)} exited {done.returncode}:\n{done.stderr[-3000:]}")
    return seconds, done


def main() -> None:
    p = parser(__doc__)
    p.add_argument("--date", default="2025-09-30")
    p.add_argument("--latency", type=float, default=1.0, help="seconds the fake LLM waits per call")
    p.add_argument("--concurrency", type=int, nargs="+", default=[8, 32])
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--no-analysis", action="store_true", help="translation only (no full text, no report)")
    args = p.parse_args()
    need_fixtures(args.fixtures)
    if args.smoke:
        args.latency, args.repeat, args.concurrency = 0.0, 1, args.concurrency[:1]
    date = dt.date.fromisoformat(args.date)

    with server("hfdaily.testing.hf_server", "--fixtures", str(args.fixtures / "hf_daily_papers")) as hf_url, \
            server("hfdaily.testing.fake_llm", "--latency", str(args.latency)) as llm_url, \
            server("hfdaily.testing.arxiv_server", "--fixtures", str(args.fixtures)) as arxiv_url:
        base = {"HF_ENDPOINT": hf_url, "HFDAILY_LLM_BASE_URL": llm_url + "/v1", "HFDAILY_LLM_MODEL": "fake",
                "HFDAILY_LLM_API_KEY": "x", "HFDAILY_ARXIV_URL": arxiv_url, "HFDAILY_TTS_ENGINE": "espeak",
                "HFDAILY_ANALYSIS": "false" if args.no_analysis else "true",
                "HFDAILY_SITE_URL": "https://example.org/hfdaily/"}
        command = ["run", "--date", str(date), "-q", "--no-notify"]
        print(f"day {date}, analysis {'off' if args.no_analysis else 'on'}, pictures and audio (espeak-ng) on, "
              f"fake LLM latency {args.latency:.2f} s/call; {args.repeat} run(s) each")
        print(f"command: HFDAILY_LLM_CONCURRENCY=C python -m hfdaily {' '.join(command)} --out FRESH")
        reruns: list[float] = []
        for concurrency in args.concurrency:
            walls, floor = [], 0.0
            for _ in range(args.repeat):
                with tempfile.TemporaryDirectory() as tmp:
                    out = Path(tmp) / "out"
                    extra = base | {"HFDAILY_LLM_CONCURRENCY": str(concurrency)}
                    seconds, done = hfdaily([*command, "--out", str(out)], extra)
                    walls.append(seconds)
                    with sqlite3.connect(out / "hfdaily.db") as con:
                        calls = con.execute("SELECT count(*) FROM llm_calls WHERE status != 'error'").fetchone()[0]
                    floor = math.ceil(calls / concurrency) * args.latency
                    papers = len(json.loads((out / "data" / f"{date}.json").read_text())["papers"])
                    if concurrency == args.concurrency[0]:  # the finished day, run again: nothing new
                        reruns.append(hfdaily([*command, "--out", str(out)], extra)[0])
            ratio = f"{statistics.median(walls) / floor:.2f}x the floor" if floor else "no floor at latency 0"
            print(f"{papers} papers, {calls} LLM calls, concurrency {concurrency}: floor {floor:.1f} s, "
                  + median_line("wall", walls) + f", {ratio}")
        print(median_line("re-run of the finished day, nothing new", reruns))
        helps = [hfdaily(["--help"], {})[0] for _ in range(max(args.repeat, 3))]
        print(median_line("hfdaily --help", helps))
    print(f"[{load()}]")


if __name__ == "__main__":
    main()
