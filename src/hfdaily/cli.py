"""The command line: ``hfdaily run`` makes a day; ``hfdaily logs`` shows what the LLM was asked."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
import sqlite3
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

import click

from hfdaily import __version__
from hfdaily.config import load_settings
from hfdaily.errors import HfdailyError, HFError, IncompleteError, LLMUnavailableError

DEFAULT_OUT = Path("hfdaily-out")


def _parse_date(ctx: click.Context, param: click.Parameter, value: str | None) -> dt.date:
    if value is None:  # HF's day turns over for Chinese readers in Beijing time
        return dt.datetime.now(ZoneInfo("Asia/Shanghai")).date()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date; use YYYY-MM-DD, e.g. 2026-01-20") from None


@click.group()
@click.version_option(__version__, prog_name="hfdaily")
def cli() -> None:
    """Hugging Face Daily Papers → a Chinese research briefing (论文日报)."""


@cli.command()
@click.option("--date", "date", callback=_parse_date, help="Day to make, YYYY-MM-DD (default: today in Asia/Shanghai).")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=DEFAULT_OUT, show_default=True,
              help="Output folder (newsletters/, reports/, data/, images/, audio/, stats/, feed.xml).")
@click.option("--db", type=click.Path(dir_okay=False, path_type=Path), help="SQLite store (default: OUT/hfdaily.db).")
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path),
              help="TOML config file (default: ./hfdaily.toml if present).")
@click.option("--no-llm", is_flag=True, help="No translation or analysis: an untranslated newsletter.")
@click.option("--no-analysis", is_flag=True, help="Skip the full-text deep report (newsletter only).")
@click.option("--no-pictures", is_flag=True, help="Skip word cloud, trend chart and poster.")
@click.option("--no-audio", is_flag=True, help="Skip the audio broadcast.")
@click.option("--strict", is_flag=True, help="Exit 3 when any paper still lacks its translation or analysis.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar.")
@click.option("-v", "--verbose", is_flag=True, help="Log what happens.")
def run(date: dt.date, out: Path, db: Path | None, config_path: Path | None, no_llm: bool, no_analysis: bool,
        no_pictures: bool, no_audio: bool, strict: bool, quiet: bool, verbose: bool) -> None:
    """Fetch a day of papers, translate and analyse them, and write every output."""
    from hfdaily.pipeline import (  # imported late: keeps `hfdaily --help` instant
        RunOptions,
        run_day,
    )

    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        settings = load_settings(config_path)
        if no_analysis:
            settings.analysis = False
        if not no_llm:
            settings.require_llm()
        opts = RunOptions(date=date, out=out, db=db or out / "hfdaily.db", use_llm=not no_llm,
                          analysis=settings.analysis, pictures=not no_pictures, audio=not no_audio,
                          progress=not quiet)
        summary = asyncio.run(run_day(settings, opts))
    except HFError as exc:
        click.echo(f"error: {exc}\nNothing was changed for {date}.", err=True)
        sys.exit(exc.exit_code)
    except LLMUnavailableError as exc:
        click.echo(f"error: {exc}\nNothing new was published for {date}; the papers finished so far are kept "
                   f"in {out / 'data'} and the next run continues from them.", err=True)
        sys.exit(exc.exit_code)
    except HfdailyError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        click.echo("interrupted; everything finished so far is kept, run again to continue", err=True)
        sys.exit(130)
    if summary.papers == 0:
        click.echo(f"{date}: Hugging Face lists no papers for this day (weekend, holiday or not yet published); "
                   "no newsletter written.")
        return
    for warning in summary.warnings:
        click.echo(f"warning: {warning}", err=True)
    if summary.failed:
        click.echo(f"warning: {len(summary.failed)} paper(s) failed, published as 待补 and retried next run: "
                   + ", ".join(summary.failed), err=True)
    if summary.flagged:
        click.echo(f"warning: {len(summary.flagged)} paper(s) kept with problems shown to the reader (⚠️ 核查提示): "
                   + ", ".join(summary.flagged), err=True)
    click.echo(summary.line())
    click.echo(f"newsletter: {out / 'newsletters' / f'{date}.md'}")
    if strict and summary.pending:
        error = IncompleteError(f"--strict: {len(summary.pending)} paper(s) lack their translation or analysis: "
                                + ", ".join(summary.pending))
        click.echo(f"error: {error}", err=True)
        sys.exit(error.exit_code)


@cli.command()
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=DEFAULT_OUT, show_default=True,
              help="Output folder whose store to read (OUT/hfdaily.db).")
@click.option("--db", type=click.Path(dir_okay=False, path_type=Path), help="SQLite store (default: OUT/hfdaily.db).")
@click.option("-n", "--count", default=20, show_default=True, help="How many calls, newest first.")
@click.option("--full", is_flag=True, help="Print prompts and responses too.")
def logs(out: Path, db: Path | None, count: int, full: bool) -> None:
    """Show the LLM calls logged in the store, with tokens and latency."""
    db = db or out / "hfdaily.db"
    if not db.is_file():
        click.echo(f"error: no store at {db}; run `hfdaily run --out {out}` first (or pass --db)", err=True)
        sys.exit(2)
    con = sqlite3.connect(db)
    con.row_factory = sqlite3.Row
    rows = con.execute("SELECT * FROM llm_calls ORDER BY id DESC LIMIT ?", (count,)).fetchall()
    for row in rows:
        click.echo(f"#{row['id']} {row['created_at']} {row['task']} {row['paper_id'] or ''} {row['model']} "
                   f"{row['status']} in={row['prompt_tokens']} out={row['completion_tokens']} {row['latency_ms']} ms"
                   + (f" error={row['error']}" if row["error"] else ""))
        if full:
            for message in json.loads(row["prompt"]):
                click.echo(f"  [{message['role']}] {message['content']}")
            click.echo(f"  [response] {row['response']}\n")
    total = con.execute("SELECT COUNT(*), SUM(prompt_tokens), SUM(completion_tokens) FROM llm_calls").fetchone()
    click.echo(f"{total[0]} calls in all, {total[1] or 0} prompt + {total[2] or 0} completion tokens")


@cli.command()
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=DEFAULT_OUT, show_default=True)
@click.option("--db", type=click.Path(dir_okay=False, path_type=Path), help="SQLite store (default: OUT/hfdaily.db).")
def rebuild(out: Path, db: Path | None) -> None:
    """Refill the store's LLM cache from OUT/data (after the database was lost)."""
    from hfdaily.archive.rebuild import rebuild_cache
    from hfdaily.archive.record import iter_records
    from hfdaily.archive.store import Store

    if not (out / "data").is_dir():
        click.echo(f"error: {out / 'data'} does not exist; nothing to rebuild from", err=True)
        sys.exit(2)
    store = Store(db or out / "hfdaily.db")
    restored = rebuild_cache(store, iter_records(out))
    store.close()
    click.echo(f"restored {restored} translations into {db or out / 'hfdaily.db'}")


from hfdaily.demo import demo  # noqa: E402  (its own module; imports nothing heavy until run)

cli.add_command(demo)
