"""Every benchmark still runs: each at its smoke size (seconds), so none rots unseen.

Nothing here asserts a duration (a timed test flakes on a loaded machine): a bench passes when it
exits 0 and prints the load average beside its figures, as every bench must.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
BENCHES = sorted(p.name for p in (REPO / "bench").iterdir() if p.suffix in (".py", ".sh") and p.name != "benchkit.py")


def test_every_bench_is_listed_here():
    assert set(BENCHES) >= {"pipeline.py", "archive.py", "big_day.py", "deliver.py", "site.py", "failures.sh"}


@pytest.mark.parametrize("bench", BENCHES)
def test_bench_runs_at_smoke_size(bench, fixtures_dir, tmp_path):
    env = os.environ | {"HFDAILY_FIXTURES": str(fixtures_dir), "PYTHONPATH": str(REPO / "src")}
    if bench.endswith(".sh"):
        command = ["bash", str(REPO / "bench" / bench), "--smoke"]
    else:
        command = [sys.executable, str(REPO / "bench" / bench), "--smoke"]
        if bench == "site.py":
            command += ["--out", str(tmp_path / "site")]
        if bench in ("audio.py", "pictures.py"):
            command += ["--out", str(tmp_path / "out")]
    done = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, f"{bench} exited {done.returncode}:\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}"
    assert "load average" in done.stdout, f"{bench} prints no load average beside its figures:\n{done.stdout[-2000:]}"
