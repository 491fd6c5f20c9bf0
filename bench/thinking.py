"""Tokens and time of one day's four papers with the analysis thinking off and on (issue 14).

    .venv/bin/python bench/thinking.py [--repeats 3] [--tokens-per-second 60] [--reasoning-ratio 4] [--smoke]

Runs ``hfdaily run`` as a user does (defaults on: pictures, audio with espeak-ng, site) on the
bundled day (2026-01-20, four papers) against the DeepSeek stand-in, once per mode and repeat, in
a fresh OUT each time, and prints the median wall time and the tokens the record charged.

The stand-in's time is simulated from the tokens it sends back (``--tokens-per-second``), and how
much it thinks is a parameter (``--reasoning-ratio``: reasoning tokens per answer token), so the
numbers show the request pattern and the token arithmetic of the two modes, not DeepSeek's speed.

``--smoke`` (CI: proves the bench works, says nothing about time): one run per mode of the day's
most upvoted paper only (HFDAILY_MAX_PAPERS=1), the stand-in answering at 100,000 tokens/s.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from functools import partial
from pathlib import Path

from hfdaily.testing.arxiv_server import _FixtureHandler
from hfdaily.testing.deepseek_llm import DeepSeekStandIn
from hfdaily.testing.fake_llm import SAMPLE
from hfdaily.testing.hf_server import FakeHF
from hfdaily.testing.serving import serve

DAY = "2026-01-20"


def one_run(thinking: bool, tokens_per_second: float, ratio: float, max_papers: int | None = None) -> dict:
    standin = DeepSeekStandIn(api_key="sk-bench-000000", tokens_per_second=tokens_per_second, reasoning_ratio=ratio)
    with ExitStack() as stack, tempfile.TemporaryDirectory() as tmp:
        hf_url = stack.enter_context(FakeHF(SAMPLE).serve())
        arxiv_url = stack.enter_context(serve(partial(_FixtureHandler, pages={})))
        ds_url = stack.enter_context(standin.serve())
        out = Path(tmp) / "out"
        env = os.environ | {"DEEPSEEK_API_KEY": "sk-bench-000000", "HFDAILY_LLM_PROVIDER": "deepseek",
                            "HFDAILY_LLM_BASE_URL": ds_url, "HF_ENDPOINT": hf_url, "HFDAILY_ARXIV_URL": arxiv_url,
                            "HFDAILY_TTS_ENGINE": "espeak", "HFDAILY_TREND_DAYS": "0",
                            "HFDAILY_LLM_THINKING": "on" if thinking else "off",
                            "HFDAILY_CONFIG": str(Path(tmp) / "absent.toml")}
        if max_papers:
            env["HFDAILY_MAX_PAPERS"] = str(max_papers)
        started = time.monotonic()
        done = subprocess.run([sys.executable, "-m", "hfdaily", "run", "--date", DAY, "--out", str(out), "-q"],
                              env=env, capture_output=True, text=True)
        seconds = time.monotonic() - started
        if done.returncode != 0:
            raise SystemExit(f"run failed ({done.returncode}): {done.stderr[-2000:]}")
        usage = json.loads((out / "data" / f"{DAY}.json").read_text())["usage"]
        return {"seconds": seconds, "requests": standin.requests, **usage}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--tokens-per-second", type=float, default=60.0)
    parser.add_argument("--reasoning-ratio", type=float, default=4.0)
    parser.add_argument("--smoke", action="store_true", help="one paper, one run: checks the bench works (CI)")
    args = parser.parse_args()
    max_papers = None
    if args.smoke:
        args.repeats, args.tokens_per_second, max_papers = 1, 100_000.0, 1
    print(f"load average before: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f} "
          f"(machine shared with other developers)")
    print(f"stand-in: {args.tokens_per_second:g} tokens/s simulated, {args.reasoning_ratio:g} reasoning tokens "
          "per answer token when thinking")
    for thinking in (False, True):
        runs = [one_run(thinking, args.tokens_per_second, args.reasoning_ratio, max_papers) for _ in range(args.repeats)]
        med = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
        each = ", ".join(f"{r['seconds']:.1f}" for r in runs)
        print(f"analysis thinking {'on ' if thinking else 'off'}: median of {args.repeats}: {med['seconds']:.1f} s "
              f"wall (runs: {each}), {med['requests']:.0f} requests, "
              f"{med['prompt_tokens']:.0f} prompt + {med['completion_tokens']:.0f} completion tokens "
              f"(of which {med['reasoning_tokens']:.0f} reasoning)")
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
