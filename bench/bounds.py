"""What a hostile source costs now: four bounds of issue 18, each measured in a separate process.

    python bench/bounds.py [--src DIR] [--fixtures DIR] [--runs 3] [--skip-backfill] [--smoke]

1. a 50 MB arXiv HTML page (a real page padded, sent chunked): peak memory of reading the paper
   (``ArxivReader.read``), which used to parse the whole page;
2. an HF server that streams one page forever: time until ``hfdaily fetch`` gives up, and its exit;
3. a model that streams its answer forever: time until one LLM call gives up (no retries);
4. a 2-year backfill (731 days) against an HF that answers 500 to everything, with the default
   retries: time until ``hfdaily backfill`` returns, and how many requests HF got.

``--src`` picks the source tree run (default: this checkout; ../main/src for the base). The machine
is shared: the load average is printed beside every figure, and medians of ``--runs`` runs are
quoted (the backfill runs once: it is the slow one by design).

``--smoke`` (CI: proves the bench still works, says nothing about time) runs each case once at a
small size through the same bounds: the arXiv page padded to 3 MB against a 1 MB cap (patched in
the child), the HF and model streams as above (each stops at its size cap within seconds), and a
5-day backfill with one retry per day (HFDAILY_HF_RETRIES=1) instead of 731 days with five: still
long enough for the range to stop asking HF after three failed days in a row.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def load() -> str:
    return "load average " + " ".join(f"{x:.1f}" for x in os.getloadavg())


def child(src: Path, code: str, env: dict | None = None, timeout: float = 900) -> tuple[float, str]:
    """Run ``code`` in a fresh interpreter on ``src``; (seconds, its last stdout line)."""
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True,
                          timeout=timeout, env=os.environ | {"PYTHONPATH": f"{src}:{REPO / 'tests'}"} | (env or {}))
    seconds = time.monotonic() - started
    if done.returncode != 0:
        return seconds, "FAILED: " + (done.stderr.strip().splitlines() or ["?"])[-1]
    return seconds, (done.stdout.strip().splitlines() or [""])[-1]


ARXIV = """
import asyncio, resource, sys
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from hfdaily.models import Paper
from hfdaily.sources.arxiv import ArxivReader
from hfdaily.testing.serving import serve
fixtures = Path({fixtures!r})
html = (fixtures / "arxiv_html" / "1707.08043.html").read_bytes()
abs_page = (fixtures / "arxiv_abs" / "2004.10162.html").read_bytes()
head, tail = html.split(b"</body>", 1)
class Arxiv(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def do_GET(self):
        self.send_response(200); self.send_header("Content-Type", "text/html")
        if self.path.startswith("/abs/"):
            self.send_header("Content-Length", str(len(abs_page))); self.end_headers(); self.wfile.write(abs_page); return
        self.send_header("Transfer-Encoding", "chunked"); self.end_headers()
        pad = b"<p>" + b"lorem ipsum " * 87381 + b"</p>"  # ~1 MB of prose, {pads} times
        try:
            for part in (head, *[pad] * {pads}, b"</body>" + tail):
                self.wfile.write(f"{{len(part):x}}\\r\\n".encode() + part + b"\\r\\n")
            self.wfile.write(b"0\\r\\n\\r\\n")
        except OSError:
            pass
    def log_message(self, *a): pass
import hfdaily.sources.arxiv as arxiv_module
if {cap_bytes!r}:  # --smoke: a smaller cap, so the small page still runs into it
    arxiv_module.MAX_PAGE_BYTES = {cap_bytes!r}
async def main(url):
    async with ArxivReader(url, retries=0) as reader:
        return await reader.read(Paper(id="2004.10162", title="T", summary="S", authors=["A"],
                                       published_at="2026-01-20T00:00:00Z"))
with serve(Arxiv) as url:
    doc = asyncio.run(main(url))
print(f"{{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f}} MB peak, read {{doc.source}}")
"""

HF_FOREVER = """
import os, subprocess, sys
from pathlib import Path
from hfdaily.testing.hf_server import FakeHF
hf = FakeHF(None, faults=["endless"] * 100)
with hf.serve() as url:
    env = os.environ | {{"HF_ENDPOINT": url, "HFDAILY_TREND_DAYS": "0", "HFDAILY_CONFIG": "/nonexistent.toml"}}
    done = subprocess.run([sys.executable, "-m", "hfdaily", "fetch", "--out", {out!r}, "-q", "--date", "2026-01-20"],
                          env=env, capture_output=True, text=True)
print(f"exit {{done.returncode}}, {{len(hf.requests)}} request(s): {{done.stderr.strip().splitlines()[0][:110]}}")
"""

MODEL_FOREVER = """
import asyncio, resource
from pathlib import Path
from hfdaily.archive.store import Store
from hfdaily.enrich.llm import LLMClient
from hfdaily.errors import LLMError
from hfdaily.models import Translation
from hfdaily.testing.fake_llm import FakeLLM
llm = FakeLLM(faults=["endless"] * 100)
async def main(url):
    async with LLMClient(base_url=url, model="fake", api_key="k", store=Store(Path({db!r})), retries=0) as client:
        try:
            await client.structured(task="translate", prompt_version="v", schema=Translation,
                                    messages=[{{"role": "user", "content": "hi"}}])
        except LLMError as exc:
            return str(exc)
with llm.serve() as url:
    reason = asyncio.run(main(url))
print(f"{{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f}} MB peak: {{reason[:100]}}")
"""

BACKFILL = """
import os, subprocess, sys
from hfdaily.testing.hf_server import FakeHF
hf = FakeHF(None, faults=["500"] * 100_000)
with hf.serve() as url:
    env = os.environ | {{"HF_ENDPOINT": url, "HFDAILY_TREND_DAYS": "0", "HFDAILY_CONFIG": "/nonexistent.toml"}}
    done = subprocess.run([sys.executable, "-m", "hfdaily", "backfill", "--from", {first!r}, "--to", "2025-12-31",
                           "--out", {out!r}, "-q", "--no-llm", "--no-pictures", "--no-audio"],
                          env=env, capture_output=True, text=True)
print(f"exit {{done.returncode}}, {{len(hf.requests)}} requests to HF")
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--src", type=Path, default=REPO / "src")
    parser.add_argument("--fixtures", type=Path, default=Path(os.environ.get("HFDAILY_FIXTURES",
                                                                              REPO.parent / "shared" / "fixtures")))
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--skip-backfill", action="store_true")
    parser.add_argument("--smoke", action="store_true", help="small sizes, one run: checks the bench works (CI)")
    args = parser.parse_args()
    if args.smoke:
        args.runs = 1
    src = args.src.resolve()
    print(f"source: {src}  (shared machine: {load()})")
    with tempfile.TemporaryDirectory() as tmp:
        pads, cap = (3, 1024 * 1024) if args.smoke else (50, 0)
        backfill = ("5-day backfill", "2025-12-27") if args.smoke else ("2-year backfill", "2024-01-01")
        backfill_env = {"HFDAILY_HF_RETRIES": "1"} if args.smoke else {}
        cases = [(f"{pads} MB arXiv page", ARXIV.format(fixtures=str(args.fixtures), pads=pads, cap_bytes=cap), args.runs, {}),
                 ("HF streaming forever", HF_FOREVER.format(out=f"{tmp}/out"), args.runs, {}),
                 ("model streaming forever", MODEL_FOREVER.format(db=f"{tmp}/llm.db"), args.runs, {})]
        if not args.skip_backfill:
            cases.append((f"{backfill[0]}, HF answers 500", BACKFILL.format(out=f"{tmp}/backfill", first=backfill[1]), 1,
                          backfill_env))
        for name, code, runs, extra_env in cases:
            times, last = [], ""
            for _ in range(runs):
                seconds, last = child(src, code, extra_env)
                times.append(seconds)
                if last.startswith("FAILED") and args.smoke:
                    sys.exit(f"{name}: {last}")
            print(f"{name:34s} median {statistics.median(times):6.1f} s of {runs} run(s)  {last}  ({load()})")


if __name__ == "__main__":
    main()
