"""The site's pages, rendered from the catalog: pure functions of their inputs, no file access.

Every link is relative (``root`` is "" or "../"), so the site works from ``file://``, at a domain's
root and under a sub-path (a GitHub Pages project site). Absolute URLs appear only in share
cards and canonical links, and only when the site's public URL is known.
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from importlib import resources

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup
from pydantic import BaseModel

from hfdaily.archive.index import PaperRow
from hfdaily.fields import FIELD_NAMES, hot_fields
from hfdaily.make.figures import ShownFigure
from hfdaily.make.formulas import to_html, to_plain
from hfdaily.make.render import bold, safe_url
from hfdaily.models import DayRecord, PaperEntry
from hfdaily.outputs import COVER, PICTURE_BY_NAME
from hfdaily.publish import citation
from hfdaily.publish.catalog import Catalog, DayInfo, field_slug, org_slug
from hfdaily.text import URL, plain

LISTING_PAGE_SIZE = 100
HOME_TOP = 8
STATIC_FILES = ("site.css", "site.js", "rank.js", "logo.svg")

# Labels of the 使用指南 parts we know; parts added later (another prompt version) show their
# own description, so whatever the Analysis model holds is rendered.
GUIDE_LABELS = {"input": "输入", "process": "处理流程", "output": "输出", "environment": "运行环境",
                "open_source": "开源情况", "resources": "资源"}


# What the model writes when the paper says nothing: no information for a reader, so not shown.
_FILLER = re.compile(r"^[（(]?(?:文中|论文|原文|摘要|全文)?(?:中)?(?:均)?(?:未|没有|并未|尚未)(?:明确|具体|详细)?"
                     r"(?:说明|提及|给出|提供|披露|描述|报告)[^，,；;]{0,8}[）)]?[。.]?$")
# "1. … 2. …", "(1) … (2) …", "① … ②": a numbered list the model wrote, flattened into one line when stored.
_ENUM = re.compile(r"(?:(?<=^)|(?<=[\s。；;：:，,]))(?:(\d{1,2})[.．、)）](?!\d)|[（(](\d{1,2})[)）]|([①-⑨]))\s*")


def is_filler(text: str) -> bool:
    return bool(_FILLER.match(text.strip().strip("*").strip()))


def numbered_parts(text: str) -> tuple[str, list[str]] | None:
    """``"包括：1. 图像 2. 姿态序列"`` → ``("包括：", ["图像", "姿态序列"])``; None unless it holds a list
    numbered 1, 2, … (at least two items), so "Llama 3.3 70B" or "第 2 阶段" never become lists."""
    marks, expected = [], 1
    for m in _ENUM.finditer(text):
        number = int(m.group(1) or m.group(2) or (ord(m.group(3)) - ord("①") + 1))
        if number == expected:
            marks.append(m)
            expected += 1
    if len(marks) < 2:
        return None
    items = [text[a.end():b.start()] for a, b in zip(marks, marks[1:])] + [text[marks[-1].end():]]
    items = [i.strip().rstrip("；;，,").strip() for i in items]
    return text[:marks[0].start()].strip(), [i for i in items if i]


def guide_items(guide: BaseModel) -> list[tuple[str, str, list[str]]]:
    """(label, text, steps) for each part of 使用指南 that says something: 处理流程's several steps
    (analyse-v2) and a numbered list written into one text are ``steps``; "文中未说明" is left out."""
    items = []
    for name, info in type(guide).model_fields.items():
        value = getattr(guide, name)
        if value in (None, "", []):
            continue
        label = GUIDE_LABELS.get(name) or (info.description or name).split("/")[0].split(",")[0]
        if isinstance(value, list):
            steps = [str(v) for v in value if not is_filler(str(v))]
            if len(steps) > 1:
                items.append((label, "", steps))
            elif steps:
                items.append((label, steps[0], []))
            continue
        text = str(value)
        if is_filler(text):
            continue
        parts = numbered_parts(text)
        items.append((label, parts[0], parts[1]) if parts else (label, text, []))
    return items


def rich(text: str) -> Markup:
    """``bold`` (escaped, **key numbers** strong) with the web addresses in it as links: a repository
    named in 开源情况 is one click away."""
    def link(m: re.Match) -> str:
        url = m.group()
        href = url if url.startswith("http") else "https://" + url
        return f'<a href="{href}" rel="noopener">{url}</a>'

    # Only the text between tags, outside formulas (MathML carries its namespace URL in an attribute).
    parts, inside = [], 0
    for piece in _TAG.split(str(bold(text))):
        if piece.startswith("<"):
            name = piece.strip("</>").split()[0].lower() if piece.strip("</>") else ""
            if name in ("math", "a"):
                inside += -1 if piece.startswith("</") else (0 if piece.endswith("/>") else 1)
            parts.append(piece)
        else:
            parts.append(URL.sub(link, piece) if inside <= 0 else piece)
    return Markup("".join(parts))


_TAG = re.compile(r"(<[^>]*>)")


def _env() -> Environment:
    env = Environment(loader=PackageLoader("hfdaily", "templates"), autoescape=True, trim_blocks=True,
                      lstrip_blocks=True, undefined=StrictUndefined)
    env.filters.update(safe_url=safe_url, field_slug=field_slug, org_slug=org_slug, fields_of=lambda entry: entry.fields,
                       # a listing row's key figure, when the row carries one (day cards pass the shown figure)
                       figure_of=lambda paper: getattr(paper, "figure", None),
                       bibtex=lambda entry: citation.bibtex(entry.paper), guide_items=guide_items, bold=bold, rich=rich,
                       tex=to_html, chars=to_plain)  # chars: plain-text places show a formula as its characters
    env.globals.update(pictures=PICTURE_BY_NAME, cover=COVER)  # what the pages call each picture (outputs.PICTURE_KINDS)
    return env


ENV = _env()


def static_files() -> dict[str, bytes]:
    folder = resources.files("hfdaily.publish").joinpath("static")
    return {name: folder.joinpath(name).read_bytes() for name in STATIC_FILES}


def _hash_bytes(*parts: bytes) -> str:
    digest = hashlib.blake2b(digest_size=8)
    for part in parts:
        digest.update(part)
    return digest.hexdigest()


def template_version() -> str:
    """Changes whenever a template, a static file or this renderer changes: then every page is rebuilt."""
    folder = resources.files("hfdaily.templates").joinpath("site")
    parts = [folder.joinpath(name).read_bytes() for name in sorted(p.name for p in folder.iterdir() if p.name.endswith(".j2"))]
    parts += list(static_files().values())
    parts += [resources.files("hfdaily.publish").joinpath(name).read_bytes() for name in ("pages.py", "citation.py")]
    parts.append(resources.files("hfdaily").joinpath("models.py").read_bytes())
    return _hash_bytes(*parts)


@dataclass
class SiteContext:
    """What every page needs to know about the site as a whole."""

    site_url: str  # public URL of the site folder, "" when unknown
    github_url: str
    feeds: bool  # whether feeds were written (they need site_url)
    asset_version: str
    org_slugs: dict[str, str]

    def absolute(self, path: str) -> str:
        return f"{self.site_url.rstrip('/')}/{path}" if self.site_url else ""


def _render(template: str, site: SiteContext, root: str, path: str, **context) -> str:
    ENV.filters["org_slug"] = lambda name: site.org_slugs.get(name) or org_slug(name)
    image = context.pop("og_image_path", None)
    return ENV.get_template(f"site/{template}").render(
        root=root, feeds=site.feeds, github_url=site.github_url, asset_version=site.asset_version,
        canonical=site.absolute(path), field_names=FIELD_NAMES,
        og_image=(site.absolute(image) or f"{root}{image}") if image else None, **context)


def _description(text: str, limit: int = 120) -> str:
    text = " ".join(to_plain(text).split())  # meta tags are plain text: a formula as what it shows
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass
class DayAssets:
    """The day's pictures and audio inside the site (paths relative to the site root)."""

    images: dict[str, str]  # kind → images/D_kind.png
    # paper id → (web picture, thumbnail, width, height) of its key figure, for the papers that have one
    figures: dict[str, tuple[str, str, int, int]] = field(default_factory=dict)
    mp3: str | None = None
    vtt: str | None = None
    txt: str | None = None
    seconds: int | None = None  # the broadcast's length

    def figure(self, entry: PaperEntry, root: str) -> ShownFigure | None:
        """The key figure of ``entry`` as a page ``root`` away shows it (None: no picture at all)."""
        found = self.figures.get(entry.paper.id)
        if found is None or entry.figure is None:
            return None
        web, thumb, width, height = found
        return ShownFigure(web=root + web, thumb=root + thumb, label=entry.figure.label,
                           caption=entry.figure_caption, width=width, height=height)

    def audio(self, root: str) -> dict | None:
        if not self.mp3:
            return None
        length = f"{self.seconds // 60}:{self.seconds % 60:02d}" if self.seconds else None
        return {"mp3": root + self.mp3, "vtt": root + self.vtt if self.vtt else None,
                "txt": root + self.txt if self.txt else None, "length": length, "seconds": self.seconds}


def day_page(site: SiteContext, record: DayRecord, prev: dt.date | None, next_: dt.date | None,
             assets: DayAssets) -> str:
    date = record.date.isoformat()
    papers = sorted(record.papers, key=lambda e: -e.paper.upvotes)
    titles = "；".join(e.translation.title_zh if e.translation else e.paper.title for e in papers[:3])
    order = [kind.name for kind in sorted(PICTURE_BY_NAME.values(), key=lambda kind: not kind.cover)
             if kind.name in assets.images]  # the cover first
    return _render(
        "day.html.j2", site, "../", f"days/{date}.html",
        page_title=f"{date} Hugging Face 论文日报（{len(papers)} 篇）", og_type="article",
        description=_description(f"{len(papers)} 篇论文：{titles}"), og_image_path=assets.images.get(COVER),
        date=date, papers=papers, prev=prev.isoformat() if prev else None, next=next_.isoformat() if next_ else None,
        translated=sum(1 for e in papers if e.translation),
        hot_fields=hot_fields(papers, top=6), audio=assets.audio("../"),
        figures={e.paper.id: f for e in papers if (f := assets.figure(e, "../")) is not None},
        images={k: "../" + assets.images[k] for k in order})


def paper_page(site: SiteContext, entry: PaperEntry, dates: list[dt.date], poster: str | None,
               figure: ShownFigure | None = None, related: list | None = None) -> str:
    p = entry.paper
    title = entry.translation.title_zh if entry.translation else p.title
    summary = plain(entry.analysis.contribution) if entry.analysis else (
        entry.translation.summary_zh if entry.translation else p.summary)
    return _render(
        "paper.html.j2", site, "../", f"papers/{p.id}.html",
        page_title=f"{to_plain(title)} · arXiv:{p.id}", og_type="article", description=_description(summary),
        og_image_path=figure.web.removeprefix("../") if figure else poster, entry=entry,
        dates=[d.isoformat() for d in dates], figure=figure, citation_tags=citation.highwire(p),
        related=related or [])


@dataclass
class ListingPage:
    path: str  # fields/llm.html, fields/llm-1.html, …
    cards: list[PaperRow]  # newest first
    label: str  # what the pager shows


def listing_plan(kind: str, slug: str, cards: list[PaperRow]) -> list[ListingPage]:
    """A field's or an organisation's papers in pages that stay put as days are added.

    Pages are cut from the oldest paper on, ``LISTING_PAGE_SIZE`` a page, so a new day changes
    only the first page (``slug.html``: the newest 100–199 papers); ``slug-1.html`` is the
    oldest hundred, ``slug-2.html`` the next, … and is never rewritten unless its papers change.
    """
    folder = "fields" if kind == "field" else "orgs"
    oldest_first = cards[::-1]
    chunks = [oldest_first[i:i + LISTING_PAGE_SIZE] for i in range(0, len(oldest_first), LISTING_PAGE_SIZE)] or [[]]
    newest, older = (chunks[-2] + chunks[-1], chunks[:-2]) if len(chunks) >= 2 else (chunks[-1], [])
    plan = [ListingPage(f"{folder}/{slug}.html", newest[::-1], "最新")]
    for number, chunk in enumerate(older, 1):
        plan.append(ListingPage(f"{folder}/{slug}-{number}.html", chunk[::-1], f"{chunk[0].date} – {chunk[-1].date}"))
    return plan


def row_figures(cards: list[PaperRow], files: dict[str, tuple[str, str, int, int]], root: str) -> dict[str, ShownFigure]:
    """paper id → the thumbnail a list row shows, for the rows whose paper has a key figure (the
    index says so) whose files are in the site (``files``: what the build linked): never a broken image."""
    return {c.paper_id: ShownFigure(web=root + found[0], thumb=root + found[1], label=c.figure, caption="",
                                    width=found[2], height=found[3])
            for c in cards if c.figure and (found := files.get(c.paper_id)) is not None}


def listing_page(site: SiteContext, kind: str, name: str, slug: str, plan: list[ListingPage], number: int,
                 total: int, files: dict[str, tuple[str, str, int, int]] | None = None) -> str:
    """Page ``number`` (0 = the newest) of a field's or an organisation's papers."""
    page = plan[number]
    heading = f"领域：{name}" if kind == "field" else f"机构：{name}"
    pager = [{"label": p.label, "href": p.path.rsplit("/", 1)[1], "current": i == number} for i, p in enumerate(plan)]
    pager = [pager[0], *reversed(pager[1:])]  # newest first, then the older pages, newest of them first
    return _render(
        "listing.html.j2", site, "../", page.path,
        page_title=f"{heading}" + ("" if number == 0 else f"（{page.label}）") + " · Hugging Face 论文日报",
        description=_description(f"{heading}：" + "；".join(c.display_title for c in page.cards[:3])),
        heading=heading, total=total if number == 0 else None, count=len(page.cards), label=page.label,
        cards=page.cards, pager=pager if len(plan) > 1 else [], figures=row_figures(page.cards, files or {}, "../"),
        feed_href=f"../feeds/{slug}.xml" if (kind == "field" and site.feeds) else None,
        follow_kind=kind, follow_value=name)


@dataclass
class CalendarDay:
    day: int
    iso: str
    count: int


def month_calendar(days: list[DayInfo], editions: set[str] | frozenset[str] = frozenset()) -> list[tuple[int, list[dict]]]:
    """Years (newest first) of months (newest first), each a grid of weeks Monday..Sunday; a week's
    and a month's edition label where ``editions`` has one (the calendar links them)."""
    counts = {d.date: len(d.cards) for d in days}
    months = sorted({(d.year, d.month) for d in counts}, reverse=True)
    years: dict[int, list[dict]] = {}
    for year, month in months:
        weeks, weekly = [], []
        for week in calendar.Calendar(firstweekday=0).monthdatescalendar(year, month):
            weeks.append([CalendarDay(d.day, d.isoformat(), counts.get(d, 0)) if d.month == month else None
                          for d in week])
            iso_year, iso_week, _ = week[0].isocalendar()
            weekly.append(label if (label := f"{iso_year}-W{iso_week:02d}") in editions else None)
        monthly = f"{year}-{month:02d}"
        years.setdefault(year, []).append({"year": year, "month": month, "weeks": weeks, "weekly": weekly,
                                           "monthly": monthly if monthly in editions else None,
                                           "count": sum(1 for d in counts if (d.year, d.month) == (year, month))})
    return list(years.items())


def home_page(site: SiteContext, catalog: Catalog, latest_record: DayRecord | None, assets: DayAssets | None,
              keywords: list[str], editions: set[str] | frozenset[str] = frozenset()) -> str:
    """The home page; its rows are the latest day's, so ``assets`` (that day's) has their figures."""
    latest = catalog.days[-1] if catalog.days else None
    fields = [(name, len(cards)) for name, cards in catalog.by_field.items()]
    orgs = [(name, len(cards)) for name, cards in list(catalog.by_org.items())[:40]]
    top_cards = sorted(latest.cards, key=lambda c: -c.upvotes)[:HOME_TOP] if latest else []
    poster = assets.images.get(COVER) if assets else None
    description = (f"{latest.date} 的 {len(latest.cards)} 篇 Hugging Face 热门论文：中文标题、摘要与全文深度解读"
                   if latest else "Hugging Face 每日热门论文的中文简报")
    return _render(
        "home.html.j2", site, "", "index.html",
        page_title="Hugging Face 论文日报" + (f" · {latest.date}" if latest else ""), description=description,
        og_image_path=poster, latest=latest, poster=poster,
        total_days=len(catalog.days), total_papers=len(catalog.paper_dates),
        hot_fields=hot_fields(latest_record.papers, top=6) if latest_record else [], keywords=keywords,
        audio=assets.audio("") if assets else None, top_cards=top_cards,
        figures=row_figures(top_cards, assets.figures if assets else {}, ""),
        calendar=month_calendar(catalog.days, editions), fields=fields, orgs=orgs)


def search_page(site: SiteContext) -> str:
    return _render("search.html.j2", site, "", "search.html", page_title="搜索 · Hugging Face 论文日报",
                   description="在全部论文中搜索：中文、英文、作者、arXiv 编号")


def search_record(entry: PaperEntry, date: dt.date) -> dict:
    """What the search index holds for a paper (a Pagefind custom record; URL relative to the site)."""
    p = entry.paper
    # Pagefind's excerpts run the text together: names and terms keep their separators.
    parts = [p.title if entry.translation else "", ", ".join(p.authors),
             p.organization or "", "、".join(entry.fields), ", ".join(p.ai_keywords),
             plain(entry.analysis.contribution) if entry.analysis else "",
             entry.translation.summary_zh if entry.translation else "", p.summary,
             # The segmenter splits "2601.10387" at the dot; one token finds the id whole.
             f"arXiv:{p.id} arxiv{p.id.replace('.', '')}"]
    meta = {"title": entry.translation.title_zh if entry.translation else p.title, "date": date.isoformat()}
    if entry.translation:
        meta["title_en"] = p.title
    if p.organization:
        meta["org"] = p.organization
    # Formulas as the characters they show ("\\(TPP\\)" → "TPP", "$\\alpha$" → "α"): what a reader types.
    return {"url": f"papers/{p.id}.html", "content": to_plain("\n".join(x for x in parts if x)), "meta": meta,
            "fields": entry.fields}
