"""The reader's site over the whole recorded archive: build time, size, incremental update, search.

    python bench/site.py [--out /tmp/hfdaily-bench-site] [--days 580] [--no-browser]

1. Writes the recorded days (fields classified, as a run stores them; 2026-01-20 with the seeds'
   real Chinese) into OUT/data, then builds OUT/site from scratch: seconds, files, MB.
2. Adding one day: the newest day is taken away, the site brought up to date, the day put back
   and the site built again (that day, its neighbour, the listings, the feeds, the recent search
   bundle): seconds (goal ≤ 5 s).
3. Search index size, and search latency in chromium (served on 127.0.0.1): p50/p95 of
   ``pagefind.search`` + loading the shown results, over Chinese words, English words, authors
   and arXiv ids (goal p95 ≤ 100 ms), first query (cold) apart.
4. Weight of a day page without images, raw and gzipped: every recorded day, and a heavy day —
   the biggest list (50 papers) with a Chinese title, abstract and a full five-part analysis
   of the seed report's length on every paper (goal ≤ 150 KB).
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import re
import resource
import shutil
import statistics
import sys
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))
from benchkit import FIXTURES, load  # noqa: E402
SEEDS = FIXTURES.parent / "seeds"

from recorded import fixture_dates, load_fixture_day, seed_day_zh  # noqa: E402

from hfdaily.archive.record import save_record  # noqa: E402
from hfdaily.make.fields import classify  # noqa: E402
from hfdaily.models import Analysis, Innovation, UsageGuide  # noqa: E402
from hfdaily.publish import pages  # noqa: E402
from hfdaily.publish.build import build_site  # noqa: E402

SITE_URL = "https://example.github.io/hfdaily/"
SEED_DAY = dt.date(2026, 1, 20)


def write_archive(out: Path, days: list[dt.date]) -> None:
    for day in days:
        record = seed_day_zh(FIXTURES, SEEDS) if day == SEED_DAY else load_fixture_day(FIXTURES, day)
        for entry in record.papers:
            entry.fields = classify(entry)
        save_record(out, record)


def folder_size(path: Path) -> tuple[int, float]:
    files = [p for p in path.rglob("*") if p.is_file()]
    return len(files), sum(p.stat().st_size for p in files) / 1e6


def seed_analyses() -> list[Analysis]:
    """Five-part analyses as long as the seed report's (its bullets, section by section)."""
    text = next(SEEDS.glob("003_*.txt")).read_text(encoding="utf-8")
    analyses = []
    for block in text.split("## 📄 ")[1:]:
        parts = re.split(r"\n\s*\d\.\s+\*\*", block)
        bullets = [[re.sub(r"^\s*[*\d.]+\s*", "", line).strip() for line in part.splitlines()[1:]
                    if line.strip().startswith(("*", "1.", "2.", "3."))] for part in parts[1:]]
        firsts = [part.split("\n")[0].split("：", 1)[-1].strip("* ") or part.split("\n")[1].strip() for part in parts[1:]]
        if len(bullets) < 5:
            continue
        guide = bullets[2] + ["—"] * 4
        analyses.append(Analysis(
            field=firsts[0] or "—", contribution=firsts[1] or "—",
            guide=UsageGuide(input=guide[0], process=guide[1], environment=guide[2], open_source=guide[3]),
            innovations=[Innovation(lead=b.split("**")[1] if "**" in b else b[:12], detail=b) for b in bullets[3]] or
            [Innovation(lead="—", detail="—")],
            results=bullets[4] or ["—"]))
    return analyses


def heavy_day_weight() -> tuple[int, int, int]:
    day = dt.date(2025, 9, 30)  # 50 papers, the most of any recorded day
    record = load_fixture_day(FIXTURES, day)
    chinese = [e for e in seed_day_zh(FIXTURES, SEEDS).papers if e.translation]
    analyses = seed_analyses()
    for i, entry in enumerate(record.papers):
        entry.translation = chinese[i % len(chinese)].translation
        entry.analysis = analyses[i % len(analyses)]
        entry.fields = classify(entry)
    ctx = pages.SiteContext(site_url=SITE_URL, github_url="", feeds=True,
                            asset_version="bench", org_slugs={})
    html = pages.day_page(ctx, record, None, None, pages.DayAssets(images={})).encode("utf-8")
    return len(record.papers), len(html), len(gzip.compress(html))


QUERIES = ["智能体", "扩散模型", "多模态", "强化学习", "大语言模型", "视频生成", "推理", "机器人", "基准", "医学",
           "agent", "diffusion", "reinforcement learning", "video generation", "benchmark", "LLM", "3D", "robot",
           "reasoning", "tokenizer", "Yann LeCun", "Kaiming He", "Jiaya Jia", "Furu Wei", "Song Han",
           "2601.10387", "2509.25182", "2405.21060", "2606.11176", "2410.00260",
           "speculative decoding", "mixture of experts", "world model", "GUI agent", "text-to-image",
           "长上下文", "代码生成", "检索增强", "数据集", "图像编辑"]


def search_latency(site: Path) -> tuple[float, list[float]]:
    from playwright.sync_api import sync_playwright

    from hfdaily.publish.serve import make_server

    server = make_server(site, 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/search.html"
    args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync"]
    timings = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=args)
        page = browser.new_page()
        page.goto(url)
        page.wait_for_function("typeof window.hfdailySearch === 'function'")
        cold = page.evaluate("q => window.hfdailySearch(q).then(r => r.ms)", "模型")
        for query in QUERIES:
            timings.append(page.evaluate("q => window.hfdailySearch(q).then(r => r.ms)", query))
        browser.close()
    server.shutdown()
    return cold, timings


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path, default=Path("/tmp/hfdaily-bench-site"))
    parser.add_argument("--days", type=int, default=580)
    parser.add_argument("--no-browser", action="store_true")
    parser.add_argument("--reuse", action="store_true", help="keep OUT/data from an earlier run (the site is rebuilt)")
    parser.add_argument("--smoke", action="store_true", help="5 days up to the seed day: checks the bench works (CI)")
    args = parser.parse_args()
    days = fixture_dates(FIXTURES)[: args.days]
    if args.smoke:
        days = [d for d in fixture_dates(FIXTURES) if str(d) <= str(SEED_DAY)][-5:]
    out = args.out
    if args.reuse and len(list((out / "data").glob("*.json"))) == len(days):
        shutil.rmtree(out / "site", ignore_errors=True)
        (out / "hfdaily.db").unlink(missing_ok=True)
    else:
        shutil.rmtree(out, ignore_errors=True)
        started = time.perf_counter()
        write_archive(out, days)
        print(f"wrote {len(days)} day records in {time.perf_counter() - started:.1f} s")
    from hfdaily.archive.index import Index

    started = time.perf_counter()
    with Index.open(out) as index:
        index.refresh()
    print(f"archive index from scratch (issue 8's, part of a first publish): {time.perf_counter() - started:.1f} s")

    report = build_site(out, site_url=SITE_URL, full=True)
    files, mb = folder_size(out / "site")
    print(f"full site build, {report.days} days, {report.papers} papers: {report.seconds:.1f} s, {files} files, {mb:.0f} MB"
          f" ({report.rendered} day/paper pages, {report.listings} field/organisation pages; search: {report.search})")
    print(f"  peak memory: this process {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB, "
          f"largest child (Pagefind) {resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024:.0f} MB   [{load()}]")

    newest = out / "data" / f"{days[-1]}.json"
    kept = newest.read_bytes()
    newest.unlink()
    build_site(out, site_url=SITE_URL)
    newest.write_bytes(kept)
    added = build_site(out, site_url=SITE_URL)
    print(f"adding one day ({days[-1]}): {added.seconds:.2f} s ({added.rendered} day/paper pages, "
          f"{added.listings} field/organisation pages rendered, {added.written} files written; search: {added.search})")
    again = build_site(out, site_url=SITE_URL)
    print(f"nothing changed: {again.seconds:.2f} s ({again.rendered} rendered, {again.written} written)   [{load()}]")

    for name in ("pagefind", "pagefind-recent"):
        files, mb = folder_size(out / "site" / name)
        print(f"search bundle {name}/: {files} files, {mb:.1f} MB")

    sizes = sorted((p.stat().st_size, p.name) for p in (out / "site" / "days").glob("*.html"))
    biggest = out / "site" / "days" / sizes[-1][1]
    print(f"day pages (recorded days, no analyses): median {statistics.median(s for s, _ in sizes) / 1e3:.0f} KB, "
          f"largest {sizes[-1][0] / 1e3:.0f} KB ({sizes[-1][1]}, {len(gzip.compress(biggest.read_bytes())) / 1e3:.0f} KB gzipped)")
    seed = (out / "site" / "days" / f"{SEED_DAY}.html").read_bytes()
    print(f"day page {SEED_DAY} (11 papers, seed Chinese + 4 analyses): {len(seed) / 1e3:.0f} KB, "
          f"{len(gzip.compress(seed)) / 1e3:.0f} KB gzipped")
    n, raw, packed = heavy_day_weight()
    print(f"heavy day ({n} papers, all translated, full five-part analyses): {raw / 1e3:.0f} KB, {packed / 1e3:.0f} KB gzipped")
    static = sum(len(v) for v in pages.static_files().values())
    print(f"shared CSS + JS + logo (cached across pages): {static / 1e3:.1f} KB")

    if not args.no_browser:
        cold, timings = search_latency(out / "site")
        timings.sort()
        p95 = timings[max(0, round(0.95 * len(timings)) - 1)]
        print(f"search latency in chromium over {len(timings)} queries: first query (loads the index) {cold:.0f} ms; "
              f"p50 {statistics.median(timings):.0f} ms, p95 {p95:.0f} ms, max {timings[-1]:.0f} ms   [{load()}]")


if __name__ == "__main__":
    main()
