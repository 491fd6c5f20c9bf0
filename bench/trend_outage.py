"""Time of a run when HF fails only for past days (the trend chart's lists), twice in a row.

    python bench/trend_outage.py [--src DIR] [--trend-days 7] [--fault 500|hang]

HF answers today's list (the recorded 2026-01-20) at once and fails every past day: HTTP 500
(``--fault 500``) or no answer for 60 s (``--fault hang``). Runs ``hfdaily run --no-llm
--no-pictures --no-audio`` twice in one folder as separate processes, with the source tree given by
``--src`` (the base: ../main/src), default settings otherwise, and prints each run's wall time and
how many requests for past days HF received.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from benchkit import load  # noqa: E402
from hfdaily.testing.hf_server import FakeHF  # noqa: E402

FIXTURES = Path(os.environ.get("HFDAILY_FIXTURES", REPO.parent / "shared" / "fixtures"))
DAY = "2026-01-20"


class PastDaysFail(FakeHF):
    fault = "500"

    def next_fault(self, path: str) -> str | None:
        super().next_fault(path)
        if f"date={DAY}" in path:
            return None
        if self.fault == "hang":
            time.sleep(60)
            return None
        return "500"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--src", type=Path, default=REPO / "src")
    parser.add_argument("--trend-days", type=int, default=7)
    parser.add_argument("--fault", choices=["500", "hang"], default="500")
    parser.add_argument("--fixtures", type=Path, default=FIXTURES)
    parser.add_argument("--smoke", action="store_true", help="a 2-day window: checks the bench works (CI)")
    args = parser.parse_args()
    if args.smoke:
        args.trend_days = 2
    hf = PastDaysFail(args.fixtures / "hf_daily_papers")
    hf.fault = args.fault
    with hf.serve() as hf_url, tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "PYTHONPATH": str(args.src.resolve()), "HF_ENDPOINT": hf_url,
               "HFDAILY_TREND_DAYS": str(args.trend_days), "HFDAILY_CONFIG": str(Path(tmp) / "none.toml")}
        command = [sys.executable, "-m", "hfdaily", "run", "--date", DAY, "--out", str(Path(tmp) / "out"), "-q",
                   "--no-llm", "--no-pictures", "--no-audio"]
        print(f"source {args.src}: HF fails past days with {args.fault}; trend window {args.trend_days} days")
        for attempt in ("first run", "second run"):
            hf.requests.clear()
            started = time.perf_counter()
            result = subprocess.run(command, env=env, capture_output=True, text=True)
            wall = time.perf_counter() - started
            past = [r for r in hf.requests if f"date={DAY}" not in r]
            print(f"{attempt}: exit {result.returncode}   wall {wall:.1f} s   requests for past days {len(past)}   "
                  f"[{load()}]")
            if result.returncode:
                raise SystemExit(result.stderr[-2000:])


if __name__ == "__main__":
    main()
