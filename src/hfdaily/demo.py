"""``hfdaily demo``: a real day, offline, with no key — to see what hfdaily makes before configuring it.

Runs the whole pipeline on the bundled sample (Hugging Face's list for 2026-01-20, four papers),
with the local stand-ins started in this process: HF serves the recorded list and the lists of the
five weekdays before it (so the trend has a week), the fake LLM answers with the real Chinese
written for these papers (seed 000's translations, seed 003's analyses). Speech uses espeak-ng,
offline. Every step of ``hfdaily run`` runs, publishing included (archive page, feeds and podcast
under a placeholder address it names, the reader's site in ``OUT/site``); nothing is delivered.

Where each text came from is said, not implied. Two of the recorded analyses were made from the
arXiv abstract page (seed 003: 阅读来源 ArXiv Abs): the demo makes them again from the same
abstract. The other two were made from the papers' full texts (arXiv HTML), which are not bundled:
the demo keeps them as a run keeps a day's finished work, with their real 阅读来源, rather than
check their numbers against an abstract that never held them (a false ⚠️ no real run would show).
"""

from __future__ import annotations

import datetime as dt
import logging
import sys
from contextlib import ExitStack
from functools import partial
from pathlib import Path

import click

from hfdaily.errors import HfdailyError

DAY = dt.date(2026, 1, 20)
# The demo's feeds and podcast need an absolute address; a reserved name (RFC 2606), said as such.
PLACEHOLDER_SITE = "https://hfdaily-demo.example/"


def _past_days() -> dict[str, list]:
    """HF's lists of the five weekdays before the sample day (cut to what the trend reads)."""
    import gzip
    import json

    from hfdaily.testing.fake_llm import SAMPLE

    with gzip.open(SAMPLE / "past_days.json.gz", "rt", encoding="utf-8") as handle:
        return json.load(handle)["days"]


def _keep_full_text_analyses(out: Path) -> dict[str, str]:
    """Write the recorded analyses made from full texts into the day's record, as finished work
    (only when the demo has no record of the day yet); returns paper id → what it was read from."""
    import json

    from hfdaily.archive.record import load_record, save_record
    from hfdaily.models import Analysis, DayRecord, PaperEntry
    from hfdaily.outputs import Outputs
    from hfdaily.sources.hf import paper_from_entry
    from hfdaily.testing.fake_llm import SAMPLE

    answers = json.loads((SAMPLE / "answers.json").read_text(encoding="utf-8"))
    read_from: dict[str, str] = answers["read_from"]
    if load_record(Outputs(out).record(DAY)) is None:
        entries = json.loads((SAMPLE / f"{DAY}.json").read_text(encoding="utf-8"))
        kept = [PaperEntry(paper=paper_from_entry(e), analysis=Analysis(**answers["analyses"][e["paper"]["id"]]),
                           analysis_model="recorded (seed 003)", read_source="HTML")
                for e in entries if read_from.get(e["paper"]["id"]) == "HTML"]
        save_record(out, DayRecord(date=DAY, papers=kept))
    return read_from


def _hfdaily() -> str:
    """How the user starts hfdaily from here: ``hfdaily`` when that is on PATH, else the path of the
    one running (``.venv/bin/hfdaily`` after ``bash run.sh --demo``)."""
    import os
    import shutil

    me = Path(sys.argv[0])
    if me.name != "hfdaily":
        me = Path(sys.executable).with_name("hfdaily")
    on_path = shutil.which("hfdaily")
    if on_path and me.exists() and Path(on_path).resolve() == me.resolve():
        return "hfdaily"
    try:
        return os.path.relpath(me) if not os.path.relpath(me).startswith("../..") else str(me)
    except ValueError:
        return str(me)


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
    from hfdaily.outputs import Outputs
    from hfdaily.pipeline import RunOptions, run_day
    from hfdaily.testing.arxiv_server import _FixtureHandler
    from hfdaily.testing.fake_llm import SAMPLE, FakeLLM
    from hfdaily.testing.hf_server import FakeHF
    from hfdaily.testing.serving import serve

    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    with ExitStack() as stack:
        hf_url = stack.enter_context(FakeHF(SAMPLE, days=_past_days()).serve())
        arxiv_url = stack.enter_context(serve(partial(_FixtureHandler, pages={})))
        llm_url = stack.enter_context(FakeLLM().serve())
        env = {"HF_ENDPOINT": hf_url, "HFDAILY_ARXIV_URL": arxiv_url, "HFDAILY_LLM_BASE_URL": llm_url,
               "HFDAILY_LLM_MODEL": "demo (recorded real answers)", "HFDAILY_TTS_ENGINE": "espeak",
               "HFDAILY_TREND_DAYS": "7", "HFDAILY_SITE_URL": PLACEHOLDER_SITE,
               "HFDAILY_CONFIG": str(out / "no-config.toml")}
        try:
            settings = load_settings(env=env)
            opts = RunOptions(date=DAY, out=out, db=Outputs(out).db, pictures=True, audio=not no_audio,
                              progress=not quiet, deliver=False)
            from hfdaily.archive.lock import hold_output

            with hold_output(out):  # the record is seeded under the same lock the run takes
                read_from = _keep_full_text_analyses(out)
            summary = asyncio.run(run_day(settings, opts))
        except HfdailyError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(exc.exit_code)
    echo_outcome(summary)
    outputs = Outputs(out.resolve())
    abstract = ", ".join(sorted(i for i, s in read_from.items() if s != "HTML"))
    full = ", ".join(sorted(i for i, s in read_from.items() if s == "HTML"))
    click.echo(f"""
The demo day is in {outputs.root}/ — open these:
  {outputs.newsletter(DAY, 'md')}     论文日报 (also .html)
  {outputs.report(DAY, 'md')}         deep report (also .html)
  {outputs.root / 'site' / 'index.html'}  the reader's site (search works with: {_hfdaily()} serve --out {out})
  {outputs.archive_page}                     archive page
  {outputs.root / 'images'}/                         word cloud, trend chart (this day and the 5 before), poster
  {outputs.root / 'audio'}/                          broadcast (.mp3), subtitles, transcript
  {outputs.root / 'site' / 'feed.xml'}, podcast.xml  feeds, written for the placeholder address {PLACEHOLDER_SITE}
                                       (set HFDAILY_SITE_URL to where you publish OUT)
Where the texts came from: HF's recorded list of 2026-01-20; the Chinese is real (recorded answers
for these four papers). The analyses of {abstract} were made from the arXiv abstract, and are made
again here from the same abstract; those of {full} were made from the papers' full texts (arXiv
HTML), which the demo does not bundle: they are kept as recorded (阅读来源 HTML), not re-checked.
For a real day: DEEPSEEK_API_KEY=sk-... {_hfdaily()} run   (see README.md)""")
