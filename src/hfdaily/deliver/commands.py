"""``hfdaily notify`` (send or show a day by hand) and ``hfdaily init`` (the scheduled workflow)."""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import sys
from pathlib import Path

import click

from hfdaily.commands import DEFAULT_OUT, parse_day
from hfdaily.errors import HfdailyError


def echo_delivery(report) -> None:
    """One line for the day, one per channel; failures on stderr (already redacted)."""
    click.echo(report.line())
    for outcome in report.outcomes:
        click.echo(f"  {outcome.line()}", err=outcome.status == "failed")


@click.command()
@click.option("--date", "date", callback=parse_day, help="Day to send, YYYY-MM-DD (default: today in Asia/Shanghai).")
@click.option("--channel", "channel", metavar="NAME", help="Only this channel (names: see --dry-run).")
@click.option("--dry-run", is_flag=True, help="Show each channel's message; send nothing, record nothing.")
@click.option("--resend", is_flag=True, help="Send even to channels that already had this day.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=DEFAULT_OUT, show_default=True)
@click.option("--db", type=click.Path(dir_okay=False, path_type=Path), help="SQLite store (default: OUT/hfdaily.db).")
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path),
              help="TOML config file (default: ./hfdaily.toml if present).")
@click.option("-v", "--verbose", is_flag=True, help="Log what happens (secrets are masked).")
def notify(date: dt.date, channel: str | None, dry_run: bool, resend: bool, out: Path, db: Path | None,
           config_path: Path | None, verbose: bool) -> None:
    """Send a published day to the configured channels (each gets a day once, unless --resend)."""
    import asyncio

    from hfdaily.archive.lock import hold_output
    from hfdaily.config import load_settings
    from hfdaily.deliver.notify import deliver_day, quiet_library_warnings

    logging.basicConfig(level=logging.DEBUG if verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    if not verbose:
        quiet_library_warnings()
    try:
        settings = load_settings(config_path)
        # Sending writes the ledger (OUT/deliveries, the store): one writer per OUT. A dry run writes nothing.
        with contextlib.nullcontext() if dry_run else hold_output(out, settings.archive.lock_wait):
            report = asyncio.run(deliver_day(settings, out, db or out / "hfdaily.db", date, only=channel,
                                             dry_run=dry_run, resend=resend))
    except HfdailyError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(exc.exit_code)
    if dry_run:
        for outcome in report.outcomes:
            _show(outcome)
    echo_delivery(report)
    if report.note.startswith("no papers"):
        sys.exit(1)
    if report.failed:
        sys.exit(1)


def _show(outcome) -> None:
    click.echo(f"=== {outcome.channel} ({outcome.service}, {outcome.kind or '-'}): {outcome.status} ===")
    if not outcome.body:
        return
    click.echo(f"title: {outcome.title}\n")
    if outcome.kind == "email":
        from apprise import NotifyFormat
        from apprise.conversion import convert_between

        click.echo("[HTML newsletter; its plain-text part reads:]\n")
        click.echo(convert_between(NotifyFormat.HTML, NotifyFormat.TEXT, outcome.body).strip() + "\n")
    else:
        click.echo(outcome.body)


@click.command()
@click.option("--repo", type=click.Path(file_okay=False, path_type=Path), default=Path("."), show_default=True,
              help="The repository to schedule hfdaily in.")
@click.option("--morning", default="30 2 * * 1-5", show_default=True,
              help="Cron (UTC) of the daily run: 10:30 in Beijing, when ~85% of the day's papers are listed.")
@click.option("--late", default="30 8 * * 1-5", show_default=True,
              help="Cron (UTC) of the run that picks up late papers: 16:30 in Beijing.")
@click.option("--weekly", default="0 3 * * 1", show_default=True,
              help="Cron (UTC) of last week's edition (周报): Monday 11:00 in Beijing.")
@click.option("--monthly", default="0 3 1 * *", show_default=True,
              help="Cron (UTC) of last month's edition (月报): the 1st, 11:00 in Beijing.")
@click.option("--python", "python_version", default="3.12", show_default=True,
              help="Python version the workflow installs hfdaily with (actions/setup-python).")
@click.option("--force", is_flag=True, help="Overwrite an existing workflow.")
def init(repo: Path, morning: str, late: str, weekly: str, monthly: str, python_version: str, force: bool) -> None:
    """Write .github/workflows/hfdaily.yml: hfdaily runs, commits and publishes every morning by itself,
    and makes the weekly and monthly editions."""
    from hfdaily.deliver.workflow import write_workflow

    try:
        path = write_workflow(repo, morning=morning, late=late, python=python_version, force=force,
                              weekly=weekly, monthly=monthly)
    except HfdailyError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(exc.exit_code)
    click.echo(f"wrote {path}\n"
               "next, on GitHub (Settings of the repository):\n"
               "  1. Secrets and variables → Actions → New repository secret:\n"
               "       DEEPSEEK_API_KEY  (or HFDAILY_LLM_API_KEY with the variables HFDAILY_LLM_BASE_URL/HFDAILY_LLM_MODEL)\n"
               "       HFDAILY_NOTIFY    (optional: where to push, e.g. feishu://TOKEN/ mailtos://…)\n"
               "  2. Pages → Build and deployment → Source: GitHub Actions\n"
               "  3. Actions → hfdaily → Run workflow (or wait for the morning)")
