"""``hfdaily serve``: preview OUT/site on 127.0.0.1 (``hfdaily publish``, a step of every run, builds it)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from hfdaily.commands import DEFAULT_OUT


@click.command()
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=DEFAULT_OUT, show_default=True)
@click.option("--port", default=8000, show_default=True, help="Port on 127.0.0.1.")
@click.option("--base", default="/", show_default=True,
              help="Serve under this sub-path, as a GitHub Pages project site does (e.g. /hfdaily/).")
def serve(out: Path, port: int, base: str) -> None:
    """Preview OUT/site/ on http://127.0.0.1:PORT (search works here, not from file://)."""
    from hfdaily.publish.serve import make_server

    site = out / "site"
    if not (site / "index.html").exists():
        click.echo(f"error: {site / 'index.html'} does not exist: run `hfdaily publish --out {out}` first", err=True)
        sys.exit(2)
    try:
        server = make_server(site, port, base)
    except OSError as exc:
        click.echo(f"error: cannot listen on 127.0.0.1:{port} ({exc.strerror}); try --port", err=True)
        sys.exit(2)
    url = f"http://127.0.0.1:{server.server_address[1]}{'/' + base.strip('/') + '/' if base.strip('/') else '/'}"
    click.echo(f"serving {site} at {url} (Ctrl-C to stop)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


def _edition_command(kind: str, label: str | None, out: Path, db: Path | None, config_path: Path | None,
                     no_site: bool, no_notify: bool, dry_run: bool, resend: bool) -> None:
    """Make (or make again) one weekly/monthly edition, publish it on the site and send it where asked."""
    import asyncio

    from hfdaily.archive.index import Index
    from hfdaily.archive.lock import hold_output
    from hfdaily.commands import reporting, today
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
