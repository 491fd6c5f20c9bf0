"""What every benchmark shares: the load average printed beside each figure, medians of repeated
runs, stand-in servers in their own processes (so their CPU is not counted as hfdaily's), and
``--smoke``: the same code at a size that runs in seconds (CI runs every bench that way; a smoke
run proves the bench still works and says nothing about time)."""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SRC = REPO / "src"
FIXTURES = Path(os.environ.get("HFDAILY_FIXTURES", REPO.parent / "shared" / "fixtures"))


def load() -> str:
    """The 1/5/15-minute load average: a figure means little without it on a shared machine."""
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} cores"


def median_line(label: str, seconds: list[float], unit: str = "s") -> str:
    scale = 1000 if unit == "ms" else 1
    runs = ", ".join(f"{s * scale:.{0 if unit == 'ms' else 2}f}" for s in seconds)
    return (f"{label}: median {statistics.median(seconds) * scale:.{0 if unit == 'ms' else 2}f} {unit} "
            f"(runs: {runs}) [{load()}]")


def parser(doc: str) -> argparse.ArgumentParser:
    """An argument parser with ``--smoke`` and ``--fixtures``, which every bench takes."""
    p = argparse.ArgumentParser(description=doc.splitlines()[0])
    p.add_argument("--smoke", action="store_true", help="tiny sizes, one run: checks the bench works (CI)")
    p.add_argument("--fixtures", type=Path, default=FIXTURES)
    return p


def need_fixtures(fixtures: Path) -> None:
    if not (fixtures / "hf_daily_papers").is_dir():
        sys.exit(f"recorded data not found at {fixtures}; pass --fixtures")


def env() -> dict[str, str]:
    """The environment for an ``hfdaily`` child: this checkout's source (or $PYTHONPATH's), no config file."""
    path = os.environ.get("PYTHONPATH") or str(SRC)
    return os.environ | {"PYTHONPATH": path, "HFDAILY_CONFIG": "/nonexistent/hfdaily.toml"}


@contextmanager
def server(module: str, *args: str) -> Iterator[str]:
    """A stand-in server (``python -m MODULE --port P ARGS``) in its own process; yields its URL."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", module, "--port", str(port), *args], env=env(),
                            stdout=subprocess.PIPE, text=True)
    try:
        proc.stdout.readline()  # its first line: listening
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait()
