"""``hfdaily index``: rebuild the archive index of an output folder from its day records;
``hfdaily search``: find papers in it (its full-text index, Chinese and English)."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from hfdaily.arguments import DEFAULT_OUT, parse_date
from hfdaily.errors import HfdailyError
from hfdaily.outputs import Outputs


@click.command("index")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=DEFAULT_OUT,
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


@click.command("search")
@click.argument("query")
@click.option("--field", help="Only papers of this field (e.g. 智能体).")
@click.option("--org", "organisation", help="Only papers of this organisation.")
@click.option("--author", help="Only papers with this author (the name as HF lists it).")
@click.option("--date", "date", callback=parse_date, help="Only this day, YYYY-MM-DD.")
@click.option("-n", "--limit", default=20, show_default=True, help="How many papers at most.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=DEFAULT_OUT, show_default=True)
@click.option("--db", type=click.Path(dir_okay=False, path_type=Path), help="SQLite index (default: OUT/hfdaily.db).")
def search_command(query: str, field: str | None, organisation: str | None, author: str | None, date, limit: int,
                   out: Path, db: Path | None) -> None:
    """Find papers in the archive: every word of QUERY, in the Chinese (多模态推理) or the English
    (agent finds agents); newest first. Exits 1 when nothing matches."""
    from hfdaily.archive.index import Index

    db = db or Outputs(out).db
    if not db.is_file():
        click.echo(f"error: no index at {db}; run `hfdaily index --out {out}` (or `hfdaily run`) first", err=True)
        sys.exit(2)
    if limit < 1:
        raise click.BadParameter("must be at least 1", param_hint="--limit")
    try:
        with Index.open(out, db) as index:
            found = index.search(query, limit=limit, field=field, organisation=organisation, author=author, date=date)
    except HfdailyError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(exc.exit_code)
    for row in found:
        fields = f" [{'、'.join(row.fields)}]" if row.fields else ""
        click.echo(f"{row.date}  {row.paper_id}  {row.display_title}  (👍 {row.upvotes}){fields}\n    {row.hf_url}")
    click.echo(f"{len(found)} paper(s)" + (f" (the first {limit}; --limit for more)" if len(found) == limit else ""),
               err=not found)
    if not found:
        sys.exit(1)
