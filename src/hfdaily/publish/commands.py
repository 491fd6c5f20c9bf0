"""``hfdaily publish`` (build OUT/site) and ``hfdaily serve`` (preview it on 127.0.0.1)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from hfdaily.config import load_settings
from hfdaily.errors import HfdailyError

DEFAULT_OUT = Path("hfdaily-out")


@click.command()
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=DEFAULT_OUT, show_default=True,
              help="Output folder holding data/ (the site goes to OUT/site/).")
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path),
              help="TOML config file (default: ./hfdaily.toml if present).")
@click.option("--full", is_flag=True, help="Rebuild every page and the whole search index.")
@click.option("--no-search", is_flag=True, help="Skip the search index (faster; search keeps its last index).")
def publish(out: Path, config_path: Path | None, full: bool, no_search: bool) -> None:
    """Build the reader's site in OUT/site/ (pages, search, feeds); only what changed is rebuilt."""
    from hfdaily.publish.build import build_site

    try:
        settings = load_settings(config_path)
        report = build_site(out, site_url=settings.site.url, github_url=settings.site.github_url, full=full,
                            with_search=not no_search)
    except HfdailyError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(exc.exit_code)
    for warning in report.warnings:
        click.echo(f"warning: {warning}", err=True)
    click.echo(report.line())
    click.echo(f"open {out / 'site' / 'index.html'} or preview with: hfdaily serve --out {out}")


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
