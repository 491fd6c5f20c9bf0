"""Parse speed and memory over every recorded arXiv page, and what the token budget sends.

    python bench/parse.py [--fixtures ../shared/fixtures] [--repeat 5]
"""

from __future__ import annotations

import argparse
import resource
import time
import tracemalloc
from pathlib import Path

from benchkit import FIXTURES, load

from hfdaily.enrich.budget import DEFAULT_TOKEN_BUDGET, fit
from hfdaily.sources.fulltext import parse_abs, parse_html

REPO = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--fixtures", type=Path, default=FIXTURES)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--smoke", action="store_true", help="one pass over 5 pages: checks the bench works (CI)")
    args = parser.parse_args()
    html = sorted(p for p in args.fixtures.glob("arxiv_html*/*.html") if not p.name.startswith("no_html_"))
    abs_pages = sorted(args.fixtures.glob("arxiv_abs/*.html"))
    if args.smoke:
        html, abs_pages, args.repeat = html[:5], abs_pages[:5], 1
    if not html:
        parser.exit(2, f"error: no arXiv HTML pages under {args.fixtures}\n")
    pages = {p: p.read_bytes() for p in html + abs_pages}
    megabytes = sum(len(b) for b in pages.values()) / 1e6

    parse_html(pages[html[0]])  # warm-up
    timings = {}
    for kind, files, parse in (("parse_html", html, parse_html), ("parse_abs", abs_pages, parse_abs)):
        start = time.perf_counter()
        for _ in range(args.repeat):
            for file in files:
                parse(pages[file])
        timings[kind] = (len(files) * args.repeat, time.perf_counter() - start)
    for kind, (count, seconds) in timings.items():
        print(f"{kind:10s} {count:4d} pages in {seconds:6.3f} s  = {count / seconds:7.1f} pages/s "
              f"({seconds / count * 1000:5.1f} ms/page)")
    count = sum(c for c, _ in timings.values())
    seconds = sum(s for _, s in timings.values())
    print(f"{'all':10s} {count:4d} pages in {seconds:6.3f} s  = {count / seconds:7.1f} pages/s "
          f"({megabytes:.1f} MB of HTML per pass)   [{load()}]")

    tracemalloc.start()
    docs = {file: parse_html(pages[file], file.stem) for file in html}
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"peak traced memory parsing all {len(html)} pages once: {peak / 1e6:.1f} MB; "
          f"ru_maxrss {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")

    print(f"\ntokens, whole text vs sent under the default budget ({DEFAULT_TOKEN_BUDGET}):")
    print(f"{'page':40s} {'whole':>7s} {'sent':>7s} {'sections sent/dropped':>22s}  fit ms")
    for file, doc in docs.items():
        start = time.perf_counter()
        _, budget = fit(doc)
        ms = (time.perf_counter() - start) * 1000
        print(f"{file.parent.name + '/' + file.name:40s} {budget.full_tokens:7d} {budget.sent_tokens:7d} "
              f"{len(budget.sections_sent):>14d}/{len(budget.sections_dropped):<7d} {ms:6.1f}")


if __name__ == "__main__":
    main()
