"""The step commands: ``hfdaily fetch | enrich | render | publish`` for a day, ``render --all``, and
``backfill`` for a range of days (``--from D1 --to D2`` or ``--since-last``).

Each prints the files it wrote; running one again with nothing new to do writes nothing new
(render and publish rewrite their pages from the same data).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import signal
import sqlite3
import sys
from collections.abc import Callable, Coroutine
from contextlib import contextmanager
from pathlib import Path

import click

from hfdaily.arguments import DEFAULT_OUT, parse_date, today
from hfdaily.errors import HfdailyError, HFError, IncompleteError, LLMUnavailableError
from hfdaily.outputs import Outputs


def _accept_any_folder(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    if value:
        from hfdaily.archive import lock

        lock.accept_any_folder = True


force_option = click.option(
    "--force", is_flag=True, expose_value=False, callback=_accept_any_folder,
    help="Write into OUT even when it is /, the home folder or a folder holding other files.")


def _options(*, llm: bool = False, make: bool = False, date: bool = True) -> Callable:
    """The options a step takes, in one place so every command spells them the same."""
    def decorate(fn: Callable) -> Callable:
        opts = [
            click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=DEFAULT_OUT,
                         show_default=True, help="Output folder."),
            click.option("--db", type=click.Path(dir_okay=False, path_type=Path),
                         help="SQLite store and index (default: OUT/hfdaily.db)."),
            click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path),
                         help="TOML config file (default: ./hfdaily.toml if present)."),
            click.option("-q", "--quiet", is_flag=True, help="No progress bar."),
            click.option("-v", "--verbose", is_flag=True, help="Log what happens."),
            force_option,
        ]
        if date:
            opts.append(click.option("--date", "date", callback=parse_date,
                                     help="Day, YYYY-MM-DD (default: today in Asia/Shanghai)."))
        if llm:
            opts += [click.option("--no-llm", is_flag=True, help="No translation or analysis."),
                     click.option("--no-analysis", is_flag=True, help="Translate only, no full-text report.")]
        if make:
            opts += [click.option("--no-pictures", is_flag=True, help="Skip word cloud, trend chart and poster."),
                     click.option("--no-audio", is_flag=True, help="Skip the audio broadcast.")]
        for option in reversed(opts):
            fn = option(fn)
        return fn
    return decorate


def workspace_options(out: Path, db: Path | None, config_path: Path | None, date: dt.date | None = None, *,
                      no_llm: bool = True, no_analysis: bool = False, no_pictures: bool = False,
                      no_audio: bool = False, quiet: bool = False, verbose: bool = False):
    """Settings (validated in full, before anything is fetched or spent) and the run's options."""
    from hfdaily.config import load_settings
    from hfdaily.deliver.channels import check_channels
    from hfdaily.pipeline import RunOptions

    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    settings = load_settings(config_path)
    check_channels(settings.notify.urls.get_secret_value(), settings.notify.table)
    if no_analysis:
        settings.analysis.enabled = False
    if not no_llm:
        settings.require_llm()
    return settings, RunOptions(date=date or today(), out=out, db=db, use_llm=not no_llm,
                                analysis=settings.analysis.enabled, pictures=not no_pictures,
                                audio=not no_audio, progress=not quiet)


def nothing_published(exc: LLMUnavailableError, out: Path, date: dt.date | None = None) -> str:
    """What a user reads when the LLM endpoint is unusable (the error names the endpoint and the
    variable to fix): the run stopped before anything new was rendered or published."""
    return (f"error: {exc}\nNothing new was published{f' for {date}' if date else ''}; the papers finished so far "
            f"are kept in {Outputs(out).data} and the next run continues from them.")


def echo_outcome(summary, line: bool = True) -> None:
    """The run's warnings (papers 待补, papers kept with problems) and its one-line summary."""
    for warning in summary.warnings:
        click.echo(f"warning: {warning}", err=True)
    if summary.failed:
        click.echo(f"warning: {len(summary.failed)} paper(s) failed, published as 待补 and retried next run: "
                   + ", ".join(summary.failed), err=True)
    if summary.flagged:
        click.echo(f"warning: {len(summary.flagged)} paper(s) kept with problems shown to the reader (⚠️ 核查提示): "
                   + ", ".join(summary.flagged), err=True)
    if line:
        click.echo(summary.line())


def exit_if_incomplete(summary, strict: bool) -> None:
    """``--strict``: exit 3 (after publishing) when any paper lacks its translation or analysis."""
    if strict and summary.pending:
        error = IncompleteError(f"--strict: {len(summary.pending)} paper(s) lack their translation or analysis: "
                                + ", ".join(summary.pending))
        click.echo(f"error: {error}", err=True)
        sys.exit(error.exit_code)


@contextmanager
def reporting(date: dt.date | None = None, out: Path | None = None):
    """Every error a user can cause or meet is one line and an exit code, never a traceback;
    SIGTERM is handled like Ctrl-C (exit 143, 130 for Ctrl-C)."""
    terminated = sigterm_as_sigint()
    try:
        yield
    except HFError as exc:
        click.echo(f"error: {exc}" + (f"\nNothing was changed for {date}." if date else ""), err=True)
        sys.exit(exc.exit_code)
    except LLMUnavailableError as exc:
        click.echo(nothing_published(exc, out, date) if out is not None else f"error: {exc}", err=True)
        sys.exit(exc.exit_code)
    except HfdailyError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        click.echo(f"{'terminated' if terminated else 'interrupted'}; everything finished so far is kept, "
                   "run again to continue", err=True)
        sys.exit(143 if terminated else 130)
    except OSError as exc:  # a disk that filled up or went away mid-run
        click.echo(f"error: {exc}\nEverything finished before it is kept; fix this and run again.", err=True)
        sys.exit(1)
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)


class Terminated:
    """Truthy once SIGTERM arrived."""

    def __init__(self) -> None:
        self.seen = False

    def __bool__(self) -> bool:
        return self.seen


def sigterm_as_sigint() -> Terminated:
    """A scheduler stops a job with SIGTERM: treat it as Ctrl-C, so the run is recorded as
    interrupted, finished work is saved, temporaries are removed and the lock is released."""
    terminated = Terminated()

    def on_sigterm(signum: int, frame: object) -> None:
        terminated.seen = True
        os.kill(os.getpid(), signal.SIGINT)  # asyncio.run turns SIGINT into cancelling the run

    signal.signal(signal.SIGTERM, on_sigterm)
    return terminated


def _step(settings, opts, body: Callable[..., Coroutine], dates: list[dt.date] | None = None) -> list[Path]:
    """Run one step holding OUT's lock (after checking the outputs of ``dates``, default the day's)."""
    import asyncio  # here, not at the top: keeps `hfdaily --help` light (asyncio brings ssl)

    from hfdaily.archive.migrations import unusable
    from hfdaily.pipeline import RunSummary, Workspace, writing

    async def go() -> list[Path]:
        ws = Workspace(settings, opts)
        summary = RunSummary(date=opts.date)
        try:
            written = await body(ws, summary)
        except sqlite3.DatabaseError as exc:  # the store went bad under us: say what to do
            await ws.close("failed")
            raise unusable(ws.db_path, exc) from exc
        except BaseException:
            await ws.close("failed")
            raise
        await ws.close("ok", {"line": summary.line()})
        echo_outcome(summary, line=False)
        return written

    with writing(settings, opts.out, [opts.date] if dates is None else dates):
        return asyncio.run(go())


def _print_written(written: list[Path]) -> None:
    for path in written:
        click.echo(str(path))
    if not written:
        click.echo("nothing to write", err=True)


@click.command("fetch")
@_options()
def fetch_command(out, db, config_path, quiet, verbose, date) -> None:
    """Fetch the day's list from HF into OUT/data/DATE.json (and the past lists the trend needs)."""
    from hfdaily.pipeline import fetch

    with reporting(date):
        settings, opts = workspace_options(out, db, config_path, date, quiet=quiet, verbose=verbose)
        _print_written(_step(settings, opts, lambda ws, s: fetch(ws, opts.date, s)))


@click.command("enrich")
@_options(llm=True)
def enrich_command(out, db, config_path, quiet, verbose, date, no_llm, no_analysis) -> None:
    """Translate and analyse the day's papers that still need it; store each paper's fields."""
    from hfdaily.pipeline import enrich

    with reporting(out=out):
        settings, opts = workspace_options(out, db, config_path, date, no_llm=no_llm, no_analysis=no_analysis,
                                           quiet=quiet, verbose=verbose)
        if not Outputs(opts.out).record(opts.date).exists():
            raise click.UsageError(f"no record for {opts.date} in {Outputs(opts.out).data}; run `hfdaily fetch` first")
        _print_written(_step(settings, opts, lambda ws, s: enrich(ws, [opts.date], s)))


@click.command("render")
@_options(make=True)
@click.option("--all", "all_days", is_flag=True,
              help="Every day of the archive (after a template change); pictures newer than their record are kept.")
@click.option("--redraw", is_flag=True, help="With --all: draw every picture again too.")
def render_command(out, db, config_path, quiet, verbose, date, no_pictures, no_audio, all_days, redraw) -> None:
    """Write the day's statistics, pictures, audio and pages from its record. Never fetches."""
    import asyncio

    from hfdaily.pipeline import render

    with reporting():
        settings, opts = workspace_options(out, db, config_path, date, no_pictures=no_pictures, no_audio=no_audio,
                                           quiet=quiet, verbose=verbose)

        rendered_days: list = []

        async def body(ws, summary):
            if not all_days:
                return await render(ws, opts.date, summary)
            ws.index.refresh()
            days = ws.index.dates()
            rendered_days.extend(days)
            workers = os.cpu_count() or 1
            if opts.pictures:  # pictures on every core; pages meanwhile in this process
                ws.drawing_processes = workers
            slots = asyncio.Semaphore(workers * 2)
            written: list[Path] = []
            with _bar(len(days), "render", "day", opts.progress) as bar:
                async def one(day):
                    async with slots:
                        written.extend(await render(ws, day, summary, redraw=redraw))
                    bar.update()
                await asyncio.gather(*(one(day) for day in days))
            return written

        written = _step(settings, opts, body)
        if all_days:
            click.echo(f"rendered {len(rendered_days)} day(s): {len(written)} file(s) changed")
        else:
            _print_written(written)


@click.command("publish")
@_options(date=False)
def publish_command(out, db, config_path, quiet, verbose) -> None:
    """Bring the index up to date, write the archive page and the feed, and build the site (OUT/site)."""
    from hfdaily.pipeline import publish

    async def body(ws, summary):  # the whole archive: a damaged record is an error naming it
        return publish(ws, summary, keep_going=False)

    with reporting():
        settings, opts = workspace_options(out, db, config_path, quiet=quiet, verbose=verbose)
        _print_written(_step(settings, opts, body, dates=[]))


@click.command("backfill")
@click.option("--from", "first", callback=parse_date, help="First day, YYYY-MM-DD.")
@click.option("--to", "last", callback=parse_date, help="Last day (default: today in Asia/Shanghai).")
@click.option("--since-last", is_flag=True,
              help="From the newest day in the archive (its list may have grown, its failures are retried) to today.")
@click.option("--strict", is_flag=True, help="Exit 3 when any paper still lacks its translation or analysis.")
@_options(llm=True, make=True, date=False)
def backfill_command(first, last, since_last, strict, out, db, config_path, quiet, verbose, no_llm, no_analysis,
                     no_pictures, no_audio) -> None:
    """Make every day of a range: one LLM client and concurrency limit for all, one progress bar,
    resumable after a kill, the site published once at the end."""
    import asyncio

    from hfdaily.archive.record import record_paths
    from hfdaily.pipeline import run_days

    with reporting(out=out):
        if since_last == (first is not None):
            raise click.UsageError("give either --from DATE (and optionally --to DATE) or --since-last")
        settings, opts = workspace_options(out, db, config_path, no_llm=no_llm, no_analysis=no_analysis,
                                           no_pictures=no_pictures, no_audio=no_audio, quiet=quiet, verbose=verbose)
        explicit_last = last is not None
        last = last or today()
        if since_last:
            newest = max((dt.date.fromisoformat(p.stem) for p in record_paths(out)), default=None)
            if newest is None:
                raise click.UsageError(f"{Outputs(out).data} holds no day yet; start with --from DATE")
            first = newest  # again: HF's list grows during the day, and its failed papers are retried
        if first > last:
            if not since_last:  # a typo in the range is the user's to fix, not "nothing to do"
                raise click.UsageError(f"--from {first} is after --to {last}"
                                       + ("" if explicit_last else " (today in Asia/Shanghai)"))
            click.echo(f"nothing to do: {first} is after {last}")
            return
        dates = [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]
        summary = asyncio.run(run_days(settings, opts, dates))
    echo_outcome(summary)
    exit_if_incomplete(summary, strict)


@contextmanager
def _bar(total: int, desc: str, unit: str, enabled: bool):
    from tqdm import tqdm

    bar = tqdm(total=total, desc=desc, unit=unit, disable=not enabled or None, leave=False)
    try:
        yield bar
    finally:
        bar.close()


# --- weekly and monthly editions (make, publish, deliver: they reach every stage) -----------------

def _edition_command(kind: str, label: str | None, out: Path, db: Path | None, config_path: Path | None,
                     no_site: bool, no_notify: bool, dry_run: bool, resend: bool) -> None:
    """Make (or make again) one weekly/monthly edition, publish it on the site and send it where asked."""
    import asyncio

    from hfdaily.archive.index import Index
    from hfdaily.archive.lock import hold_output
    from hfdaily.config import load_settings
    from hfdaily.deliver.commands import _show, echo_delivery
    from hfdaily.make.periods import Period
    from hfdaily.publish.editions import make_edition, write_edition

    with reporting(out=out):
        settings = load_settings(config_path)
        period = Period.parse(kind, label) if label else Period.last_complete(kind, today())
        if not (out / "data").is_dir():
            click.echo(f"error: {out / 'data'} does not exist: make some days first (hfdaily run / backfill)", err=True)
            sys.exit(2)
        with hold_output(out, settings.archive.lock_wait):
            with Index.open(out, db=db) as index:
                edition = make_edition(index, period, today())
                written = write_edition(out, edition, settings.site.url)
                click.echo(f"{edition.title}（{edition.span}）：{edition.total} 篇论文，{len(edition.days)} 个发布日"
                           f"（上期 {edition.previous_label}：{edition.previous_total} 篇）")
                if edition.gap_note:
                    click.echo(f"warning: {edition.gap_note}", err=True)
                for path in written:
                    click.echo(f"wrote {path}")
                if not written:
                    click.echo("edition unchanged (same as the last time it was made)")
                if not no_site:
                    from hfdaily.publish.build import build_site

                    site = build_site(out, site_url=settings.site.url, github_url=settings.site.github_url, index=index)
                    click.echo(site.line() + f"; page: {out / 'site' / edition.path}")
            if not no_notify:
                from hfdaily.deliver.periodic import deliver_edition

                report = asyncio.run(deliver_edition(settings, out, db or out / "hfdaily.db", edition,
                                                     dry_run=dry_run, resend=resend))
                if dry_run:
                    for outcome in report.outcomes:
                        _show(outcome)
                echo_delivery(report)
                if report.failed:
                    sys.exit(1)


def _edition_options(fn):
    options = [
        click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=DEFAULT_OUT, show_default=True),
        click.option("--db", type=click.Path(dir_okay=False, path_type=Path), help="SQLite store (default: OUT/hfdaily.db)."),
        click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path),
                     help="TOML config file (default: ./hfdaily.toml if present)."),
        click.option("--no-site", is_flag=True, help="Write the edition's files only; do not rebuild OUT/site."),
        click.option("--no-notify", is_flag=True, help="Do not send it to the channels with this cadence."),
        click.option("--dry-run", is_flag=True, help="Show each channel's message; send nothing, record nothing."),
        click.option("--resend", is_flag=True, help="Send even to channels that already had this edition."),
    ]
    for option in reversed(options):
        fn = option(fn)
    return fn


@click.command()
@click.option("--week", "label", metavar="YYYY-Www", help="ISO week, e.g. 2026-W03 (default: last week, Monday to Sunday).")
@_edition_options
def weekly(label, out, db, config_path, no_site, no_notify, dry_run, resend) -> None:
    """Make the weekly edition (周报): the week's most upvoted papers, hot fields, rising keywords, organisations."""
    _edition_command("week", label, out, db, config_path, no_site, no_notify, dry_run, resend)


@click.command()
@click.option("--month", "label", metavar="YYYY-MM", help="Month, e.g. 2026-01 (default: last month).")
@_edition_options
def monthly(label, out, db, config_path, no_site, no_notify, dry_run, resend) -> None:
    """Make the monthly edition (月报) of the same, for a calendar month."""
    _edition_command("month", label, out, db, config_path, no_site, no_notify, dry_run, resend)
