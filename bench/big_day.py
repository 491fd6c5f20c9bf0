"""Peak memory and time of a 2,000-paper day: a page of HF's API that ignores ``limit``.

    python bench/big_day.py [--src DIR] [--papers 2000] [--no-audio] [--no-pictures]

Serves one day made of 2,000 real recorded entries (from the fixture days, deduplicated) from a
server that answers every page with the whole list, as a broken or hostile mirror would; runs
``hfdaily run --no-analysis`` against the fake LLM in a fresh folder as a separate process, with
the source tree given by ``--src`` (default: this checkout; pass ../main/src for the base), and
prints its wall time, its peak resident memory (largest process: hfdaily or an espeak-ng child)
and the sizes of what it wrote.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))


from benchkit import load  # noqa: E402

from hfdaily.testing.days import recorded_entries  # noqa: E402
from hfdaily.testing.fake_llm import FakeLLM  # noqa: E402
from hfdaily.testing.serving import serve  # noqa: E402

FIXTURES = Path(os.environ.get("HFDAILY_FIXTURES", REPO.parent / "shared" / "fixtures"))
DAY = "2026-01-21"


def many_entries(fixtures: Path, count: int) -> list[dict]:
    entries: dict[str, dict] = {}
    for path in sorted((fixtures / "hf_daily_papers").glob("*.json"), reverse=True):
        try:
            raw = recorded_entries(fixtures, path.stem)
        except Exception:  # damaged recordings are part of the fixtures; skip them here
            continue
        for entry in raw:
            if isinstance(entry, dict) and isinstance(entry.get("paper"), dict) and "id" in entry["paper"]:
                entries.setdefault(entry["paper"]["id"], entry)
            if len(entries) >= count:
                return list(entries.values())
    return list(entries.values())


@contextmanager
def ignoring_limit(entries: list[dict]):
    payload = json.dumps(entries, ensure_ascii=False).encode()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:  # noqa: N802
            body = payload if f"date={DAY}" in self.path else b"[]"
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    with serve(Handler) as url:
        yield url


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--src", type=Path, default=REPO / "src", help="source tree to run (the base: ../main/src)")
    parser.add_argument("--papers", type=int, default=2000)
    parser.add_argument("--fixtures", type=Path, default=FIXTURES)
    parser.add_argument("--no-audio", action="store_true")
    parser.add_argument("--no-pictures", action="store_true")
    parser.add_argument("--keep", type=Path, help="write into this folder instead of a temporary one")
    parser.add_argument("--env", action="append", default=[], help="extra NAME=VALUE for the run")
    parser.add_argument("--smoke", action="store_true", help="30 papers: checks the bench works (CI)")
    args = parser.parse_args()
    if args.smoke:
        args.papers = 30

    entries = many_entries(args.fixtures, args.papers)
    with FakeLLM().serve() as llm_url, ignoring_limit(entries) as hf_url, tempfile.TemporaryDirectory() as tmp:
        out = args.keep or Path(tmp) / "out"
        env = {**os.environ, "PYTHONPATH": str(args.src.resolve()), "HF_ENDPOINT": hf_url,
               "HFDAILY_LLM_BASE_URL": llm_url, "HFDAILY_LLM_MODEL": "fake", "HFDAILY_LLM_API_KEY": "x",
               "HFDAILY_TTS_ENGINE": "espeak", "HFDAILY_TREND_DAYS": "0", "HFDAILY_CONFIG": str(Path(tmp) / "none.toml"),
               **dict(item.split("=", 1) for item in args.env)}
        command = ["/usr/bin/time", "-v", sys.executable, "-m", "hfdaily", "run", "--date", DAY, "--out", str(out),
                   "-q", "--no-analysis"]
        command += ["--no-audio"] * args.no_audio + ["--no-pictures"] * args.no_pictures
        started = time.perf_counter()
        result = subprocess.run(command, env=env, capture_output=True, text=True)
        wall = time.perf_counter() - started
        peak_kb = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", result.stderr).group(1))
        sizes = {p.relative_to(out).as_posix(): p.stat().st_size for p in out.rglob("*") if p.is_file()}
        record = json.loads((out / "data" / f"{DAY}.json").read_text()) if (out / "data" / f"{DAY}.json").exists() else {}

    print(f"source {args.src}: a page of {len(entries)} papers that ignores `limit`")
    print(f"exit {result.returncode}   wall {wall:.1f} s   peak memory {peak_kb / 1024:.0f} MB "
          f"(largest process)   papers kept {len(record.get('papers', []))}   [{load()}]")
    if result.returncode:
        raise SystemExit(result.stderr[-2000:])
    print("stdout: " + " | ".join(result.stdout.strip().splitlines()[-2:]))
    tail = [line for line in result.stderr.splitlines() if not line.startswith("\t")][-3:]
    if tail:
        print("stderr: " + " | ".join(tail))
    for name in ("audio/" + DAY + ".mp3", "newsletters/" + DAY + ".md", "data/" + DAY + ".json"):
        if name in sizes:
            print(f"  {name}: {sizes[name] / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
