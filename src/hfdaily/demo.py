"""``hfdaily demo``: a real day, offline, with no key — to see what hfdaily makes before configuring it.

Runs the whole pipeline on the bundled sample (Hugging Face's list for 2026-01-20, four papers),
with the stand-ins answering through httpx transports, no server and no socket: HF gives the
recorded list, arXiv has no pages (papers are read from their abstracts), and the fake LLM answers
with the real Chinese written for these papers (a professional translation and a full-text analysis). Speech uses espeak-ng, offline.
Every step of ``hfdaily run`` runs, publishing included (the reader's site in ``OUT/site``, which
``OUT/index.html`` opens); nothing is delivered.
"""

from __future__ import annotations

import datetime as dt
import logging
import sys
from pathlib import Path

import click

from hfdaily.errors import HfdailyError

DAY = dt.date(2026, 1, 20)


@click.command()
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("hfdaily-demo"),
              show_default=True, help="Output folder for the demo day.")
@click.option("--no-audio", is_flag=True, help="Skip the audio broadcast.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar.")
def demo(out: Path, no_audio: bool, quiet: bool) -> None:
    """Make the bundled real sample day (2026-01-20) offline, end to end, with no key."""
    import asyncio

    from hfdaily.commands import echo_outcome
    from hfdaily.config import load_settings
    from hfdaily.http import Transports
    from hfdaily.outputs import Outputs
    from hfdaily.pipeline import RunOptions, run_day
    from hfdaily.publish.feeds import NEEDS_SITE_URL
    from hfdaily.testing.arxiv_server import arxiv_transport
    from hfdaily.testing.fake_llm import SAMPLE, FakeLLM
    from hfdaily.testing.hf_server import FakeHF

    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    # The addresses name the stand-ins; nothing is sent to them: the transports answer in process.
    env = {"HF_ENDPOINT": "http://hf.demo.invalid", "HFDAILY_ARXIV_URL": "http://arxiv.demo.invalid",
           "HFDAILY_LLM_BASE_URL": "http://llm.demo.invalid/v1", "HFDAILY_LLM_MODEL": "demo (recorded real answers)",
           "HFDAILY_TTS_ENGINE": "espeak", "HFDAILY_TREND_DAYS": "7", "HFDAILY_CONFIG": str(out / "no-config.toml")}
    transports = Transports(hf=FakeHF(SAMPLE).transport(), arxiv=arxiv_transport({}), llm=FakeLLM().transport())
    try:
        settings = load_settings(env=env)
        opts = RunOptions(date=DAY, out=out, db=Outputs(out).db, pictures=True, audio=not no_audio,
                          progress=not quiet, deliver=False, transports=transports)
        summary = asyncio.run(run_day(settings, opts))
    except HfdailyError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(exc.exit_code)
    # A local demo has no public address: the site works without its feeds, no need to warn.
    summary.warnings = [w for w in summary.warnings if w != NEEDS_SITE_URL]
    echo_outcome(summary)
    outputs = Outputs(out.resolve())
    click.echo(f"""
The demo day is in {outputs.root}/ — open these:
  {outputs.newsletter(DAY, 'md')}     论文日报 (also .html)
  {outputs.report(DAY, 'md')}         deep report (also .html)
  {outputs.site_page('index.html')}  the reader's site (search works with: hfdaily serve --out {out})
  {outputs.image(DAY, 'poster').parent}/                         word cloud, trend chart, poster
  {outputs.audio(DAY).parent}/                          broadcast (.mp3), subtitles, transcript
The Chinese is real (recorded answers for these four papers); papers were read from their abstracts.
For a real day: DEEPSEEK_API_KEY=sk-... hfdaily run   (see README.md)""")
