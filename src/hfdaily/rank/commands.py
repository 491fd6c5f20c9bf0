"""``hfdaily similar`` and ``hfdaily recommend``: the archive's nearest papers, and a reader's order."""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
from pathlib import Path

import click

from hfdaily.commands import DEFAULT_OUT, parse_date
from hfdaily.errors import ConfigError, HfdailyError

_ID = re.compile(r"^\d{4}\.\d{4,5}$")


def _ids(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> list[str]:
    found = []
    for value in values:
        for part in filter(None, (p.strip() for p in value.split(","))):
            part = re.sub(r"^(arxiv:)|(v\d+)$", "", part, flags=re.IGNORECASE)
            if not _ID.match(part):
                raise click.BadParameter(f"{part!r} is not an arXiv id like 2510.08558", ctx=ctx, param=param)
            found.append(part)
    return found


_out = click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=DEFAULT_OUT, show_default=True,
                    help="Output folder whose archive (data/) is searched.")
_span = [click.option("--from", "since", callback=parse_date, help="First day of the papers to rank (YYYY-MM-DD)."),
         click.option("--to", "until", callback=parse_date, help="Last day (YYYY-MM-DD).")]


def _open(out: Path):
    """The index (refreshed) and the archive's vectors, updated as a publish would."""
    from hfdaily.archive.index import Index
    from hfdaily.archive.lock import hold_output
    from hfdaily.rank.model import MIN_PAPERS
    from hfdaily.rank.vectors import RANK, Vectors

    if not (out / "data").is_dir():
        raise ConfigError(f"{out / 'data'} does not exist: run `hfdaily run` first (or pass --out)")
    with hold_output(out):
        index = Index.open(out, extra=[RANK])
        try:
            index.refresh()
            vectors = Vectors.update(out, index)
            if vectors.model is None:
                raise ConfigError(f"the archive of {out} has {len(vectors.papers)} papers: similar papers and "
                                  f"recommendations need {MIN_PAPERS} or more (a few days)")
            return index, vectors
        except BaseException:
            index.close()
            raise


def _fail(exc: HfdailyError) -> None:
    click.echo(f"error: {exc}", err=True)
    sys.exit(exc.exit_code)


@click.command("similar")
@click.argument("paper_id", callback=lambda c, p, v: _ids(c, p, (v,))[0])
@_span[0]
@_span[1]
@click.option("--top", type=click.IntRange(1, 100), default=8, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="A JSON array of {id, score, title, date, upvotes}.")
@_out
def similar(paper_id: str, since: dt.date | None, until: dt.date | None, top: int, as_json: bool, out: Path) -> None:
    """The papers of the archive nearest to PAPER_ID (only those listed between --from and --to)."""
    from hfdaily.rank.vectors import listed_between

    try:
        index, vectors = _open(out)
        with index:
            if paper_id not in vectors.position:
                raise ConfigError(f"{paper_id} is not in the archive of {out}")
            among = listed_between(index, since, until) if since or until else None
            found = vectors.similar(paper_id, top, among)
    except HfdailyError as exc:
        return _fail(exc)
    rows = [{"id": n.paper_id, "score": n.score, "title": vectors.papers[n.paper_id].title,
             "date": vectors.papers[n.paper_id].date.isoformat(), "upvotes": vectors.papers[n.paper_id].upvotes}
            for n in found]
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=1))
        return
    click.echo(f"相关论文 · {paper_id} {vectors.papers[paper_id].title}")
    for i, r in enumerate(rows, 1):
        click.echo(f"{i:2d}. {r['score']:.2f}  {r['id']}  {r['date']}  {r['upvotes']:>3d} 赞  {r['title']}")
    if not rows:
        click.echo("（这段日期里没有其他论文）")


@click.command("recommend")
@click.option("--like", "liked", multiple=True, callback=_ids, help="Liked arXiv ids, comma-separated (repeatable).")
@click.option("--dislike", "disliked", multiple=True, callback=_ids, help="Disliked arXiv ids.")
@click.option("--bib", "bib", type=click.Path(dir_okay=False, exists=True, path_type=Path), multiple=True,
              help="A BibTeX or RIS file (e.g. a Zotero export): its titles and abstracts join the liked papers.")
@click.option("--keywords", default="", help='Followed terms, comma-separated ("智能体, world model").')
@click.option("--not", "negative", default="", help="Negative keywords: matching papers are folded (listed last).")
@click.option("--threshold", type=float, help="Fold papers scoring below this.")
@_span[0]
@_span[1]
@click.option("--top", type=click.IntRange(1, 1000), help="How many to print (default: all of the span).")
@click.option("--json", "as_json", is_flag=True, help="A JSON array of {id, score, why, title, date, upvotes, folded}.")
@_out
def recommend(liked: list[str], disliked: list[str], bib: tuple[Path, ...], keywords: str, negative: str,
              threshold: float | None, since: dt.date | None, until: dt.date | None, top: int | None, as_json: bool,
              out: Path) -> None:
    """Rank the papers listed between --from and --to (default: the latest day) for a profile."""
    from hfdaily.rank.recommend import Profile, parse_references
    from hfdaily.rank.recommend import recommend as rank
    from hfdaily.rank.vectors import listed_between

    split = lambda text: [w.strip() for w in re.split(r"[,，;；]", text) if w.strip()]  # noqa: E731
    try:
        profile = Profile(liked=liked, disliked=disliked, keywords=split(keywords), negative=split(negative),
                          texts=[e for path in bib for e in parse_references(path)], threshold=threshold)
        if profile.empty:
            raise ConfigError("give a profile: --like IDS, --bib FILE or --keywords \"…\" (with --dislike/--not to push away)")
        index, vectors = _open(out)
        with index:
            if not since and not until:
                dates = index.dates()
                if not dates:
                    raise ConfigError(f"the archive of {out} has no day yet")
                since = until = dates[-1]
            candidates = sorted(listed_between(index, since, until) - set(liked) - set(disliked))
            if not candidates:
                raise ConfigError(f"no paper was listed between {since or '…'} and {until or '…'}")
            ranked = rank(vectors, profile, candidates)
    except HfdailyError as exc:
        return _fail(exc)
    ranked = ranked[:top] if top else ranked
    if as_json:
        click.echo(json.dumps([r.as_json() for r in ranked], ensure_ascii=False, indent=1))
        return
    span = f"{since}" if since == until else f"{since or '…'} – {until or '…'}"
    click.echo(f"为你推荐 · {span} · {len(candidates)} 篇")
    folded_shown = False
    for i, r in enumerate(ranked, 1):
        if r.folded and not folded_shown:
            click.echo("—— 以下已折叠（低于阈值或含屏蔽词）——")
            folded_shown = True
        click.echo(f"{i:3d}. {r.score:+.2f}  {r.id}  {r.date}  {r.upvotes:>3d} 赞  {r.title}\n       {r.why}")
