"""Weekly and monthly editions as files: made from the index, kept in ``OUT/weekly`` and ``OUT/monthly``,
rendered as Markdown (the file, chats) and as site pages (``site/weekly/2026-W03.html``).

The JSON next to the Markdown is what the site, the feed and delivery read; like every file outside
``OUT/data`` it is derived, and ``hfdaily weekly --week …`` makes it again from the archive.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from hfdaily.archive.index import Index
from hfdaily.archive.record import write_if_changed
from hfdaily.errors import ArchiveError
from hfdaily.make.periods import FOLDERS, Edition, Kind, Period, build_edition
from hfdaily.make.render import md_text, md_url
from hfdaily.outputs import Outputs


class NoDaysError(ArchiveError):
    """The archive has no day of the period: there is nothing to make an edition of."""


def make_edition(index: Index, period: Period, today: dt.date) -> Edition:
    """The edition of ``period`` from the archive index (brought up to date for both periods first)."""
    if period.start > today:
        raise NoDaysError(f"{period.label} ({period.span}) has not begun yet (today is {today})")
    previous = period.previous()
    index.refresh(dates=previous.days() + period.days())
    recorded = [row.date for row in index.days(since=period.start, until=period.end)]
    if not recorded:
        raise NoDaysError(f"the archive has no day of {period.label} ({period.span}); make its days first, e.g. "
                          f"hfdaily backfill --from {period.start} --to {min(period.end, today)}")
    rows = index.papers(since=period.start, until=period.end)
    before = index.papers(since=previous.start, until=previous.end)
    edition = build_edition(period, rows, before, today=today, recorded=recorded)
    top = [p.model_copy(update={"figure": p.figure or thumbnail(index.out, p.id)}) for p in edition.top]
    return edition.model_copy(update={"top": top})


def thumbnail(out: Path, paper_id: str) -> str | None:
    """The site path of a paper's key-figure thumbnail, when the archive has one (the output map's
    ``figure``, where this version of hfdaily has key figures; the site links it under the same name)."""
    locate = getattr(Outputs(out), "figure", None)
    if locate is None:
        return None
    thumb = locate(paper_id, "thumb")
    return f"images/figures/{thumb.name}" if thumb.is_file() else None


def edition_files(out: Path, kind: Kind, label: str) -> tuple[Path, Path]:
    folder = out / FOLDERS[kind]
    return folder / f"{label}.json", folder / f"{label}.md"


def write_edition(out: Path, edition: Edition, site_url: str = "") -> list[Path]:
    """Write the edition's JSON and Markdown; only files whose bytes changed (re-running changes nothing)."""
    data, markdown = edition_files(out, edition.kind, edition.label)
    written = []
    for path, content in ((data, edition.model_dump_json(indent=1) + "\n"), (markdown, edition_markdown(edition, site_url))):
        if write_if_changed(path, content):
            written.append(path)
    return written


def load_editions(out: Path) -> list[Edition]:
    """Every edition made so far, oldest first (weekly and monthly); an unreadable file is skipped
    (it is derived: ``hfdaily weekly/monthly`` makes it again)."""
    found = []
    for folder in FOLDERS.values():
        for path in sorted((out / folder).glob("*.json")):
            try:
                found.append(Edition.model_validate(json.loads(path.read_text(encoding="utf-8"))))
            except (OSError, ValueError):
                continue
    return sorted(found, key=lambda e: (e.start, e.kind))


def _site(site_url: str) -> str:
    return site_url.rstrip("/") + "/" if site_url else ""


def paper_link(edition: Edition, paper_id: str, site_url: str) -> str:
    return f"{_site(site_url)}papers/{paper_id}.html" if site_url else f"https://huggingface.co/papers/{paper_id}"


def edition_url(edition: Edition, site_url: str) -> str:
    return f"{_site(site_url)}{edition.path}" if site_url else ""


def _change(value: float | None) -> str:
    if value is None:
        return ""
    return f"（{'+' if value > 0 else ''}{value:g} 个百分点）" if value else "（持平）"


def edition_markdown(edition: Edition, site_url: str = "", top: int | None = None) -> str:
    """The edition in Markdown: the file in OUT, and what Markdown chats receive (``top`` papers)."""
    lines = [f"# {md_text(edition.title)}", "",
             f"{edition.start.isoformat()} – {edition.end.isoformat()} · {len(edition.days)} 个发布日 · "
             f"{edition.total} 篇论文（上期 {edition.previous_total} 篇）", ""]
    if edition.gap_note:
        lines += [f"> ⚠️ {md_text(edition.gap_note)}", ""]
    if page := edition_url(edition, site_url):
        lines += [f"完整页面：[{md_text(edition.label)}]({md_url(page)})", ""]
    lines += ["## 最受关注的论文", ""]
    for n, paper in enumerate(edition.top[:top] if top else edition.top, 1):
        lines.append(f"{n}. **[{md_text(paper.display_title)}]({md_url(paper_link(edition, paper.id, site_url))})**"
                     f" · {paper.upvotes} 赞" + (f" · {md_text(paper.organisation)}" if paper.organisation else ""))
        if paper.contribution:
            lines.append(f"   {md_text(paper.contribution)}")
    if edition.fields:
        lines += ["", "## 热门领域（与上期相比）", ""]
        lines += [f"- {md_text(f.name)}：{f.papers} 篇，占 {f.share:g}%{_change(f.change)}" for f in edition.fields]
    if edition.keywords:
        lines += ["", "## 上升关键词", ""]
        lines.append("、".join(f"{md_text(k.word)}（{k.papers} 篇，上期 {k.previous_papers}）" for k in edition.keywords))
    if edition.organisations:
        lines += ["", "## 最活跃的机构", ""]
        lines.append("、".join(f"{md_text(o.name)}（{o.papers} 篇）" for o in edition.organisations))
    return "\n".join(lines).rstrip() + "\n"


def edition_text(edition: Edition, site_url: str = "", top: int = 5) -> str:
    """Plain text with bare links, for chats that show no Markdown."""
    lines = [f"{edition.start.isoformat()} – {edition.end.isoformat()}：{edition.total} 篇论文（上期 {edition.previous_total} 篇）"]
    if edition.gap_note:
        lines.append(edition.gap_note)
    for n, paper in enumerate(edition.top[:top], 1):
        lines += ["", f"{n}. {paper.display_title}（{paper.upvotes} 赞）", paper_link(edition, paper.id, site_url)]
    if edition.fields:
        lines += ["", "热门领域：" + "、".join(f"{f.name} {f.papers}" for f in edition.fields[:5])]
    if edition.keywords:
        lines.append("上升关键词：" + "、".join(k.word for k in edition.keywords[:8]))
    if page := edition_url(edition, site_url):
        lines += ["", f"完整页面：{page}"]
    return "\n".join(lines) + "\n"


def edition_page(site, edition: Edition, prev: str | None, next_: str | None) -> str:
    """The edition's site page (``site``: the build's :class:`~hfdaily.publish.pages.SiteContext`)."""
    from hfdaily.publish.pages import _description, _render

    titles = "；".join(p.display_title for p in edition.top[:3])
    return _render("edition.html.j2", site, "../", edition.path, page_title=f"{edition.title} · Hugging Face 论文日报",
                   og_type="article", description=_description(f"{edition.span_text}：{titles}"), e=edition,
                   prev=prev, next=next_, org_slugs=site.org_slugs,
                   most=max((d.papers for d in edition.days), default=0) or 1)
