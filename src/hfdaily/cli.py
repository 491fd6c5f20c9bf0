"""The command line: ``hfdaily run`` makes a day; ``hfdaily logs`` shows what the LLM was asked."""

from __future__ import annotations

import datetime as dt
import json
import logging
import sqlite3
import sys
from pathlib import Path

import click

from hfdaily import __version__
from hfdaily.arguments import DEFAULT_OUT, parse_day
from hfdaily.commands import force_option, reporting
from hfdaily.errors import HfdailyError
from hfdaily.outputs import Outputs


@click.group()
@click.version_option(__version__, prog_name="hfdaily")
def cli() -> None:
    """Hugging Face Daily Papers → a Chinese research briefing (论文日报)."""


@cli.command()
@click.option("--date", "date", callback=parse_day, help="Day to make, YYYY-MM-DD (default: today in Asia/Shanghai).")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=DEFAULT_OUT, show_default=True,
              help="Output folder (newsletters/, reports/, data/, images/, audio/, stats/, feed.xml).")
@click.option("--db", type=click.Path(dir_okay=False, path_type=Path), help="SQLite store (default: OUT/hfdaily.db).")
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path),
              help="TOML config file (default: ./hfdaily.toml if present).")
@click.option("--no-llm", is_flag=True, help="No translation or analysis: an untranslated newsletter.")
@click.option("--no-analysis", is_flag=True, help="Skip the full-text deep report (newsletter only).")
@click.option("--no-pictures", is_flag=True, help="Skip word cloud, trend chart and poster.")
@click.option("--no-audio", is_flag=True, help="Skip the audio broadcast.")
@click.option("--no-notify", is_flag=True, help="Do not send the day to the configured channels.")
@click.option("--strict", is_flag=True, help="Exit 3 when any paper still lacks its translation or analysis.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar.")
@click.option("-v", "--verbose", is_flag=True, help="Log what happens.")
@force_option
def run(date: dt.date, out: Path, db: Path | None, config_path: Path | None, no_llm: bool, no_analysis: bool,
        no_pictures: bool, no_audio: bool, no_notify: bool, strict: bool, quiet: bool, verbose: bool) -> None:
    """Fetch a day of papers, translate and analyse them, and write every output."""
    import asyncio  # these imported late: keeps `hfdaily --help` instant

    from hfdaily.commands import echo_outcome, exit_if_incomplete, workspace_options
    from hfdaily.pipeline import run_day

    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s",
                        force=True)
    if not verbose:  # the delivery report says what failed, once; not apprise's line per retry
        from hfdaily.deliver.notify import quiet_library_warnings
        quiet_library_warnings()
    with reporting(date, out):  # one line and an exit code for every error; SIGTERM like Ctrl-C
        settings, opts = workspace_options(out, db, config_path, date, no_llm=no_llm, no_analysis=no_analysis,
                                           no_pictures=no_pictures, no_audio=no_audio, quiet=quiet, verbose=verbose)
        opts.deliver = not no_notify
        summary = asyncio.run(run_day(settings, opts))
    if summary.papers == 0:
        click.echo(f"{date}: Hugging Face lists no papers for this day (weekend, holiday or not yet published); "
                   "no newsletter written.")
        return
    echo_outcome(summary)
    click.echo(f"newsletter: {Outputs(out).newsletter(date, 'md')}")
    if summary.delivery is not None:
        from hfdaily.deliver.commands import echo_delivery

        echo_delivery(summary.delivery)
    exit_if_incomplete(summary, strict)


@cli.command()
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=DEFAULT_OUT, show_default=True,
              help="Output folder whose store to read (OUT/hfdaily.db).")
@click.option("--db", type=click.Path(dir_okay=False, path_type=Path), help="SQLite store (default: OUT/hfdaily.db).")
@click.option("-n", "--count", default=20, show_default=True, help="How many calls, newest first.")
@click.option("--full", is_flag=True, help="Print prompts and responses too.")
def logs(out: Path, db: Path | None, count: int, full: bool) -> None:
    """Show the LLM calls logged in the store, with tokens and latency."""
    from hfdaily.archive.store import unusable

    db = db or Outputs(out).db
    if not db.is_file():
        click.echo(f"error: no store at {db}; run `hfdaily run --out {out}` first (or pass --db)", err=True)
        sys.exit(2)
    try:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        con.row_factory = sqlite3.Row
        rows = con.execute("SELECT * FROM llm_calls ORDER BY id DESC LIMIT ?", (count,)).fetchall()
        total = con.execute("SELECT COUNT(*), SUM(prompt_tokens), SUM(completion_tokens) FROM llm_calls").fetchone()
        columns = {r[1] for r in con.execute("PRAGMA table_info(llm_calls)")}
        reasoning = (con.execute("SELECT SUM(reasoning_tokens) FROM llm_calls").fetchone()[0] or 0
                     if "reasoning_tokens" in columns else 0)
    except sqlite3.DatabaseError as exc:
        click.echo(f"error: {unusable(db, exc)}", err=True)
        sys.exit(1)
    for row in rows:
        click.echo(f"#{row['id']} {row['created_at']} {row['task']} {row['paper_id'] or ''} {row['model']} "
                   f"{row['status']} in={row['prompt_tokens']} out={row['completion_tokens']}"
                   + (f" reasoning={row['reasoning_tokens']}" if "reasoning_tokens" in row.keys()
                      and row["reasoning_tokens"] else "")
                   + f" {row['latency_ms']} ms"
                   + (f" error={row['error']}" if row["error"] else ""))
        if full:
            for message in json.loads(row["prompt"]):
                click.echo(f"  [{message['role']}] {message['content']}")
            click.echo(f"  [response] {row['response']}\n")
    click.echo(f"{total[0]} calls in all, {total[1] or 0} prompt + {total[2] or 0} completion tokens"
               + (f" (of which {reasoning} reasoning)" if reasoning else ""))


@cli.command()
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=DEFAULT_OUT, show_default=True)
@click.option("--db", type=click.Path(dir_okay=False, path_type=Path), help="SQLite store (default: OUT/hfdaily.db).")
def rebuild(out: Path, db: Path | None) -> None:
    """Refill the store's LLM cache from OUT/data (after the database was lost)."""
    from hfdaily.enrich.rebuild import rebuild_cache
    from hfdaily.archive.record import RecordError, iter_records
    from hfdaily.config import load_settings

    if not (out / "data").is_dir():
        click.echo(f"error: {out / 'data'} does not exist; nothing to rebuild from", err=True)
        sys.exit(2)
    unreadable: list[RecordError] = []
    try:
        # The user's glossary is part of the translation prompt, so of the key a run asks with.
        glossary = load_settings().llm.glossary
        restored, path = rebuild_store(out, db or out / "hfdaily.db",
                                       lambda store: rebuild_cache(store, iter_records(out, unreadable), glossary))
    except HfdailyError as exc:  # a damaged record or a bad setting: named, never skipped
        click.echo(f"error: {exc}", err=True)
        sys.exit(exc.exit_code)
    for problem in unreadable:  # never skipped in silence: the user must see what was not restored
        click.echo(f"warning: not restored: {problem}", err=True)
    click.echo(f"restored {restored} translations into {path}"
               + (f"; {len(unreadable)} record(s) could not be read (see above)" if unreadable else ""))
    if unreadable:
        sys.exit(1)


def rebuild_store(out: Path, db: Path, fill) -> tuple[int, Path]:
    """Fill the store, holding OUT's lock; a store that cannot be opened is moved aside first
    (kept for inspection, never deleted) and a new one is made."""
    from hfdaily.archive.lock import hold_output
    from hfdaily.archive.store import Store
    from hfdaily.errors import StoreError

    with hold_output(out):
        try:
            store = Store(db)
        except StoreError:
            aside = db.with_name(f"{db.name}.unreadable-{dt.datetime.now():%Y%m%d-%H%M%S}")
            db.rename(aside)
            for suffix in ("-wal", "-shm"):  # they belong to the old file
                if (part := db.with_name(db.name + suffix)).exists():
                    part.rename(aside.with_name(aside.name + suffix))
            click.echo(f"the old store could not be read; moved it to {aside}", err=True)
            store = Store(db)
        try:
            return fill(store), db
        finally:
            store.close()


from hfdaily.archive.commands import index_command, search_command  # noqa: E402  (commands that live with their stage)
from hfdaily.commands import (  # noqa: E402
    backfill_command,
    enrich_command,
    fetch_command,
    monthly,
    publish_command,
    render_command,
    weekly,
)
from hfdaily.publish.commands import serve  # noqa: E402

cli.add_command(index_command)
cli.add_command(search_command)
cli.add_command(fetch_command)
cli.add_command(enrich_command)
cli.add_command(render_command)
cli.add_command(publish_command)
cli.add_command(backfill_command)
cli.add_command(serve)
cli.add_command(weekly)
cli.add_command(monthly)

from hfdaily.deliver.commands import init, notify  # noqa: E402  (delivery and scheduling)

cli.add_command(notify)
cli.add_command(init)

from hfdaily.demo import demo  # noqa: E402  (its own module; imports nothing heavy until run)


@click.command()
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Output folder the run writes (default: the run's default).")
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path),
              help="TOML config file (default: ./hfdaily.toml if present).")
@click.option("--send-test", is_flag=True, help="Send one test message to every notify channel.")
def doctor(out: Path | None, config_path: Path | None, send_test: bool) -> None:
    """Check everything a scheduled run needs, one line each; exit 0 only when a run would work."""
    from hfdaily.doctor import run_checks  # httpx and the settings: imported when the checks run, not for --help

    checks = run_checks(out or Path(DEFAULT_OUT), config_path, send_test)
    for check in checks:
        click.echo(check.line())
    broken = [c for c in checks if not c.ok and c.blocking]
    if broken:
        click.echo(f"{len(broken)} problem(s): a run would fail; fix the ✗ lines above.", err=True)
        raise SystemExit(1)
    click.echo("A run would work." + (" (✗ lines above are optional.)" if any(not c.ok for c in checks) else ""))


cli.add_command(demo)
cli.add_command(doctor)

from hfdaily.rank.commands import recommend, similar  # noqa: E402  (similar papers and a reader's order)

cli.add_command(similar)
cli.add_command(recommend)
