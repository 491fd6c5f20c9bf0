"""Kill ``hfdaily run`` with SIGKILL at ten random moments and count the debris it leaves.

    python bench/kill_debris.py [--src DIR] [--kills 10] [--seed 11]

Serves the recorded 50-paper day 2025-09-30 and the fake LLM on 127.0.0.1. As on a real day, HF's
list grows between runs: a first complete run makes the day with 20 papers, then each of the
re-runs sees one paper more (so it translates it, redraws every picture and speaks the
audio again) and is killed with SIGKILL at a random moment of a re-run's duration (timed first in
a scratch folder). Debris, counted after the kills and again after one more complete run:

- temporaries: ``*.tmp`` / ``*.part`` files (a scheduled ``git add`` would publish them);
- broken outputs: empty or undecodable PNG/MP3, day records that are not valid JSON;
- runs still marked ``running`` in the store.

``--src`` runs another source tree (the base: ../main/src) for a before/after comparison.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from PIL import Image  # noqa: E402

from benchkit import load  # noqa: E402
from hfdaily.testing.fake_llm import FakeLLM  # noqa: E402
from hfdaily.testing.hf_server import FakeHF  # noqa: E402

FIXTURES = Path(os.environ.get("HFDAILY_FIXTURES", REPO.parent / "shared" / "fixtures"))
DAY = "2025-09-30"
FIRST = 20  # papers in the first complete run; each re-run sees one more (up to 50)


def debris(out: Path) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {"temporaries": [], "broken outputs": []}
    for path in out.rglob("*"):
        if not path.is_file():
            continue
        name = path.relative_to(out).as_posix()
        if path.name.endswith((".tmp", ".part")):
            found["temporaries"].append(name)
        elif path.suffix == ".png":
            try:
                with Image.open(path) as image:
                    image.load()
            except Exception:
                found["broken outputs"].append(name)
        elif path.suffix == ".mp3" and path.stat().st_size == 0:
            found["broken outputs"].append(name)
        elif path.suffix == ".json" and path.parent.name in ("data", "stats"):
            try:
                json.loads(path.read_text(encoding="utf-8"))
            except ValueError:
                found["broken outputs"].append(name)
    found["runs left 'running'"] = []
    if (out / "hfdaily.db").exists():
        con = sqlite3.connect(out / "hfdaily.db")
        found["runs left 'running'"] = [f"run {r[0]}" for r in con.execute("SELECT id FROM runs WHERE status = 'running'")]
        con.close()
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--src", type=Path, default=REPO / "src")
    parser.add_argument("--kills", type=int, default=10)
    parser.add_argument("--smoke", action="store_true", help="one kill: checks the bench works (CI)")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--fixtures", type=Path, default=FIXTURES)
    args = parser.parse_args()
    if args.smoke:
        args.kills = 1
    rng = random.Random(args.seed)

    hf = FakeHF(args.fixtures / "hf_daily_papers")
    with hf.serve() as hf_url, FakeLLM(latency=0.05).serve() as llm_url, \
            tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "PYTHONPATH": str(args.src.resolve()), "HF_ENDPOINT": hf_url,
               "HFDAILY_LLM_BASE_URL": llm_url, "HFDAILY_LLM_MODEL": "fake", "HFDAILY_LLM_API_KEY": "x",
               "HFDAILY_TTS_ENGINE": "espeak", "HFDAILY_TREND_DAYS": "0", "HFDAILY_CONFIG": str(Path(tmp) / "none.toml")}

        def command(out: Path) -> list[str]:
            return [sys.executable, "-m", "hfdaily", "run", "--date", DAY, "--out", str(out), "-q", "--no-analysis"]

        everything = hf.day(DAY)

        def serve_papers(count: int) -> None:
            hf.days[DAY] = everything[:count]

        timing = Path(tmp) / "timing"
        serve_papers(FIRST)
        subprocess.run(command(timing), env=env, capture_output=True, check=True)
        serve_papers(FIRST + 1)
        started = time.perf_counter()
        subprocess.run(command(timing), env=env, capture_output=True, check=True)
        full = time.perf_counter() - started

        out = Path(tmp) / "out"
        serve_papers(FIRST)
        subprocess.run(command(out), env=env, capture_output=True, check=True)
        # Kill until ``--kills`` runs were really killed: a run that finishes before its moment
        # tells how long a re-run takes now (the machine is shared), and later moments use that.
        moments, estimate, number = [], full, 0
        while len(moments) < args.kills and number < 4 * args.kills:
            number += 1
            serve_papers(min(FIRST + number, len(everything)))
            moment = round(rng.uniform(0.3, estimate), 2)
            started = time.perf_counter()
            proc = subprocess.Popen(command(out), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            try:
                proc.wait(timeout=moment)
                estimate = min(estimate, time.perf_counter() - started)
            except subprocess.TimeoutExpired:
                proc.send_signal(signal.SIGKILL)
                proc.wait()
                moments.append(moment)
        hits = len(moments)
        after_kills = debris(out)
        final = subprocess.run(command(out), env=env, capture_output=True, text=True)
        after_rerun = debris(out)

    print(f"source {args.src}: a re-run of {DAY} takes {full:.1f} s (timed first); {hits} runs killed, at "
          f"{moments} s after their start ({number - hits} more runs finished before their moment)")
    for label, found in (("after the kills", after_kills), ("after one more run", after_rerun)):
        total = sum(len(v) for v in found.values())
        detail = "; ".join(f"{k} {len(v)}" + (f" ({', '.join(v[:4])}{'…' if len(v) > 4 else ''})" if v else "")
                           for k, v in found.items())
        print(f"debris {label}: {total}   [{detail}]")
    print(f"last run exit {final.returncode}   [{load()}]")


if __name__ == "__main__":
    main()
