"""What key figures cost: bytes they add to a day page, a newsletter and an e-mail, and the time to
choose one on each recorded arXiv page.

    python bench/figures.py [--fixtures ../shared/fixtures] [--repeat 5]

Makes the full-text day of the tests (tests/data/day_fulltext.json: 3 of its 5 papers have an HTML
full text) against the local stand-ins twice, with figures on and off, and compares what a reader
downloads. The stand-in's figures are simple drawings, so the picture sizes are also measured on a
paper-like chart (matplotlib: axes, lines, legend, text; 1,650 × 1,000 px like arXiv's x1.png at 2x).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

DAY = "2026-01-29"
SITE_URL = "https://example.org/hfdaily/"


def make_day(fixtures: Path, out: Path, figures: bool) -> None:
    from click.testing import CliRunner
    from standins import standins

    from hfdaily.cli import cli

    with standins(fixtures, out.parent, HFDAILY_FIGURES="1" if figures else "0",
                  HFDAILY_SITE_URL=SITE_URL) as (hf, _llm, env):
        hf.days[DAY] = json.loads((REPO / "tests" / "data" / "day_fulltext.json").read_text())
        result = CliRunner().invoke(cli, ["run", "--out", str(out), "-q", "--date", DAY, "--no-audio"], env=env)
        if result.exit_code:
            raise SystemExit(result.output)


def email_bytes(out: Path) -> int:
    from hfdaily.archive.record import load_record
    from hfdaily.deliver.channels import ChannelOptions
    from hfdaily.deliver.digest import build_digest, render

    record = load_record(out / "data" / f"{DAY}.json")
    digest = build_digest(record, ChannelOptions(poster=False), "email", site_url=SITE_URL, out=out)
    return len(render(digest, "email").encode())


def paper_like_chart() -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    fig, axes = plt.subplots(1, 2, figsize=(8.25, 5), dpi=200)
    x = np.linspace(0, 10, 200)
    for i, ax in enumerate(axes):
        for k in range(4):
            ax.plot(x, np.sin(x + k) * (k + 1) + i, label=f"method {k}")
        ax.set_xlabel("tokens (k)")
        ax.set_ylabel("accuracy (%)")
        ax.grid(alpha=.3)
        ax.legend()
    out = io.BytesIO()
    fig.savefig(out, format="png")
    plt.close(fig)
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--fixtures", type=Path, default=Path(os.environ.get("HFDAILY_FIXTURES", REPO.parent / "shared" / "fixtures")))
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    print(f"load average: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f} (a shared machine)")

    from hfdaily.make.figures import web_images
    from hfdaily.sources.figures import key_figure

    with tempfile.TemporaryDirectory() as tmp:
        sizes = {}
        for figures in (False, True):
            out = Path(tmp) / ("on" if figures else "off") / "out"
            out.parent.mkdir(parents=True)
            make_day(args.fixtures, out, figures)
            thumbs = sorted((out / "site" / "images" / "figures").glob("*_thumb.jpg")) if figures else []
            sizes[figures] = {
                "day page HTML": (out / "site" / "days" / f"{DAY}.html").stat().st_size,
                "newsletter HTML": (out / "newsletters" / f"{DAY}.html").stat().st_size,
                "e-mail HTML": email_bytes(out),
                "thumbnails": sum(p.stat().st_size for p in thumbs),
                "web pictures": sum(p.stat().st_size for p in (out / "images" / "figures").glob("*[0-9].jpg")) if figures else 0,
            }
        n = len(list((Path(tmp) / "on" / "out" / "images" / "figures").glob("*_thumb.jpg")))
        print(f"day {DAY}: {n} figures")
        for what in sizes[True]:
            added = sizes[True][what] - sizes[False][what]
            print(f"  {what:16} {sizes[False][what]:>8,} B without → {sizes[True][what]:>8,} B with figures "
                  f"(+{added:,} B, +{added / max(n, 1):,.0f} B a figure)")

    chart = paper_like_chart()
    web, thumb = web_images(chart)
    print(f"paper-like chart {len(chart):,} B PNG → web {len(web):,} B, thumbnail {len(thumb):,} B (JPEG)")

    for name in ("2410.00260", "2512.14946", "2601.19139"):
        html = (args.fixtures / "arxiv_html_modern" / f"{name}.html").read_bytes()
        runs = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            figure = key_figure(html, f"https://arxiv.org/html/{name}")
            runs.append(time.perf_counter() - started)
        print(f"choose on {name} ({len(html):,} B): median {statistics.median(runs) * 1000:.1f} ms of {args.repeat} "
              f"→ {figure.label}: {figure.why}")


if __name__ == "__main__":
    main()
