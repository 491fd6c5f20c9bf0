"""``hfdaily index``: rebuild the archive index of an output folder from its day records."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from hfdaily.errors import HfdailyError


@click.command("index")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("hfdaily-out"),
              show_default=True, help="Output folder whose data/ is indexed.")
@click.option("--db", type=click.Path(dir_okay=False, path_type=Path), help="SQLite file (default: OUT/hfdaily.db).")
@click.option("--update", is_flag=True, help="Only re-index records that changed (default: rebuild from scratch).")
def index_command(out: Path, db: Path | None, update: bool) -> None:
    """Rebuild the archive index (days, papers, authors, fields, search) from OUT/data."""
    from hfdaily.archive.index import Index
    from hfdaily.archive.lock import hold_output

    if not (out / "data").is_dir():
        click.echo(f"error: {out / 'data'} does not exist; nothing to index", err=True)
        sys.exit(2)
    started = time.monotonic()
    try:
        with hold_output(out), Index.open(out, db) as index:  # one writer per OUT
            result = index.refresh() if update else index.rebuild()
            total = len(index.dates())
    except HfdailyError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(exc.exit_code)
    click.echo(f"indexed {len(result.indexed)} day(s), {result.unchanged} unchanged, {len(result.removed)} removed; "
               f"{total} day(s) in the archive ({time.monotonic() - started:.1f} s)")
