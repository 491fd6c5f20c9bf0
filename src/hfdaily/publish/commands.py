"""``hfdaily serve``: preview OUT/site on 127.0.0.1 (``hfdaily publish``, a step of every run, builds it)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from hfdaily.arguments import DEFAULT_OUT
from hfdaily.outputs import Outputs


@click.command()
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=DEFAULT_OUT, show_default=True)
@click.option("--port", default=8000, show_default=True, help="Port on 127.0.0.1.")
@click.option("--base", default="/", show_default=True,
              help="Serve under this sub-path, as a GitHub Pages project site does (e.g. /hfdaily/).")
def serve(out: Path, port: int, base: str) -> None:
    """Preview OUT/site/ on http://127.0.0.1:PORT (search works here, not from file://)."""
    from hfdaily.publish.serve import make_server

    site = Outputs(out).site
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
