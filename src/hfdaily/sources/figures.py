"""A paper's key figure: chosen from its arXiv full-text HTML, downloaded once, kept in the store.

:func:`key_figure` is pure: it reads the LaTeXML page the analysis already reads and picks the
figure a reader wants to see first —

1. a figure among the first three of the body whose caption says it is the method's overview
   (overview, pipeline, architecture, framework of…, workflow, illustration of…, components);
2. else the first figure of the body (Figure 1: usually the teaser).

Only captioned ``<figure class="ltx_figure">`` floats with one raster ``<img class="ltx_graphics">``
count (multi-panel figures only when nothing else is left): site chrome, funders' logos, icons,
``data:`` URIs, SVG drawings, equations rendered as images, appendix figures and images smaller than
:data:`MIN_WIDTH` × :data:`MIN_HEIGHT` (as the page declares them) are never chosen. ``src`` is
resolved against the page's own URL (after redirects) and its ``<base href>``; a figure on another
host than the page is refused, so a hostile page cannot make us fetch anything else.

:func:`fetch_figures` downloads the chosen figures of a day that are not yet in the store (each
once; a failure is recorded and tried again next run, never raised).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import re
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from hfdaily.archive.migrations import Migrations
from hfdaily.errors import ArxivError
from hfdaily.http import REQUEST_FAILURES
from hfdaily.models import Figure

log = logging.getLogger("hfdaily.sources.figures")

MIN_WIDTH, MIN_HEIGHT = 200, 100  # declared CSS size below which an image is an icon, not a figure
OVERVIEW_WITHIN = 3  # an overview caption counts among the first figures only (not Figure 9's plot)
MAX_CAPTION = 600  # characters of caption kept (some captions are paragraphs)
MAX_FIGURE_BYTES = 15_000_000  # a bigger download is not a web figure: refused
# "framework" or "method" alone also name result charts ("Framework capability comparison").
_OVERVIEW = re.compile(r"\b(overview|pipeline|architecture|workflow|framework of|illustration of|schematic|components)\b",
                       re.I)
_SKIP_SRC = re.compile(r"(^data:|\.svg(\?|$)|logo|icon|/static/)", re.I)
_SKIP_ANCESTORS = {"ltx_equation", "ltx_equationgroup", "ltx_Math", "ltx_appendix", "ltx_bibliography",
                   "ltx_page_header", "ltx_page_footer", "ltx_authors", "ltx_title_document"}
_LABEL = re.compile(r"^\s*((?:Figure|Fig\.?)\s*[0-9A-Z.]+)\s*[:.]?\s*", re.I)


@dataclass
class Candidate:
    figure: Figure
    number: int  # order among the body's captioned figures, from 1
    panels: int


def _classes(node: LexborNode) -> set[str]:
    return set((node.attributes.get("class") or "").split())


def _int(value: str | None) -> int | None:
    try:
        return int(float(value)) if value else None
    except ValueError:
        return None


def _inside_skipped(node: LexborNode) -> bool:
    parent = node.parent
    while parent is not None and parent.tag != "html":
        if _classes(parent) & _SKIP_ANCESTORS:
            return True
        if parent.tag == "section" and (parent.attributes.get("id") or "").startswith("A"):
            return True  # LaTeXML's appendix sections are A1, A2, …
        parent = parent.parent
    return False


def _caption(figure: LexborNode) -> str:
    node = next((c for c in figure.iter() if c.tag == "figcaption"), None)
    if node is None:
        return ""
    # maths in captions: LaTeXML's alttext (TeX) rather than the MathML soup of its text
    for math in node.css("math"):
        tex = math.attributes.get("alttext") or ""
        math.replace_with(f"${tex}$" if tex else "")
    return " ".join(node.text(deep=True).split())[:MAX_CAPTION]


def candidates(html: str | bytes, page_url: str) -> list[Candidate]:
    """Every figure of the body that could be the key figure, in document order."""
    text = html.decode("utf-8", errors="replace") if isinstance(html, bytes) else html
    tree = LexborHTMLParser(text)
    base_node = tree.css_first("base[href]")
    base = urljoin(page_url, base_node.attributes.get("href") or "") if base_node is not None else page_url
    host = urlsplit(page_url).netloc
    found: list[Candidate] = []
    number = 0
    for figure in tree.css("figure.ltx_figure"):
        if _inside_figure(figure):
            continue  # a panel of a bigger figure: judged with its figure
        caption = _caption(figure)
        if not caption or _inside_skipped(figure):
            continue
        number += 1
        images = [img for img in figure.css("img.ltx_graphics") if not _inside_skipped(img)]
        usable = []
        for img in images:
            src = (img.attributes.get("src") or "").strip()
            width, height = _int(img.attributes.get("width")), _int(img.attributes.get("height"))
            if not src or _SKIP_SRC.search(src):
                continue
            if (width is not None and width < MIN_WIDTH) or (height is not None and height < MIN_HEIGHT):
                continue
            url = urljoin(base, src)
            if urlsplit(url).scheme not in ("http", "https") or urlsplit(url).netloc != host:
                continue
            usable.append((url, width, height))
        if not usable:
            continue
        url, width, height = max(usable, key=lambda u: (u[1] or 0) * (u[2] or 0))
        label_match = _LABEL.match(caption)
        label = label_match.group(1).rstrip(".") if label_match else f"Figure {number}"
        body = caption[label_match.end():] if label_match else caption
        found.append(Candidate(Figure(url=url, label=label, caption=body or caption, width=width, height=height,
                                      why=""), number, len(images)))
    return found


def _inside_figure(node: LexborNode) -> bool:
    parent = node.parent
    while parent is not None and parent.tag != "html":
        if parent.tag == "figure":
            return True
        parent = parent.parent
    return False


def choose(found: list[Candidate]) -> Figure | None:
    """The key figure among ``found`` (see the module's rules), with why it was chosen."""
    whole = [c for c in found if c.panels == 1]
    for c in whole:
        if c.number <= OVERVIEW_WITHIN and (match := _OVERVIEW.search(c.figure.caption)):
            return c.figure.model_copy(update={"why": f"overview: the caption of {c.figure.label} says "
                                                      f"“{match.group(0)}”"})
    if whole:
        c = whole[0]
        return c.figure.model_copy(update={"why": f"first figure of the body ({c.figure.label})"})
    if found:
        c = found[0]
        return c.figure.model_copy(update={"why": f"largest panel of the first figure ({c.figure.label}); "
                                                  "no single-image figure"})
    return None


def key_figure(html: str | bytes, page_url: str) -> Figure | None:
    """The figure to show for this paper, or None (no usable figure on the page)."""
    return choose(candidates(html, page_url))


# --- the store: each figure's bytes, downloaded once -----------------------------------------------

FIGURES = Migrations("figures")


@FIGURES.migration
def m001_figures(db) -> None:
    db.execute("CREATE TABLE figures (paper_id TEXT PRIMARY KEY, url TEXT NOT NULL, data BLOB,"
               " error TEXT, tries INTEGER NOT NULL DEFAULT 0, fetched_at TEXT NOT NULL)")


@FIGURES.migration
def m002_figure_pass(db) -> None:
    """Papers whose HTML was read for their key figure alone (analysed before key figures existed):
    ``found`` or ``none`` is never asked again; ``failed`` is asked again at the next run."""
    db.execute("CREATE TABLE figure_pass (paper_id TEXT PRIMARY KEY, outcome TEXT NOT NULL, error TEXT,"
               " tried_at TEXT NOT NULL)")


def figure_pass_done(db, paper_id: str) -> bool:
    """Whether this paper's page was already read for its figure (a failed read was not)."""
    FIGURES.apply(db)
    row = db.execute("SELECT outcome FROM figure_pass WHERE paper_id = ?", (paper_id,)).fetchone()
    return row is not None and row[0] != "failed"


def remember_figure_pass(db, paper_id: str, figure: Figure | None, error: str | None = None) -> None:
    FIGURES.apply(db)
    outcome = "failed" if error else ("found" if figure is not None else "none")
    db.execute("INSERT INTO figure_pass (paper_id, outcome, error, tried_at) VALUES (?, ?, ?, ?)"
               " ON CONFLICT(paper_id) DO UPDATE SET outcome = excluded.outcome, error = excluded.error,"
               " tried_at = excluded.tried_at",
               (paper_id, outcome, error, dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")))


def cached_figure(db, paper_id: str, url: str) -> bytes | None:
    """The downloaded bytes of this paper's figure (None when not downloaded, or another URL now)."""
    FIGURES.apply(db)
    row = db.execute("SELECT data FROM figures WHERE paper_id = ? AND url = ?", (paper_id, url)).fetchone()
    return row[0] if row and row[0] else None


def _remember(db, paper_id: str, url: str, data: bytes | None, error: str | None) -> None:
    now = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
    db.execute("INSERT INTO figures (paper_id, url, data, error, tries, fetched_at) VALUES (?, ?, ?, ?, 1, ?)"
               " ON CONFLICT(paper_id) DO UPDATE SET url = excluded.url, data = excluded.data,"
               " error = excluded.error, tries = figures.tries + 1, fetched_at = excluded.fetched_at",
               (paper_id, url, data, error, now))


async def fetch_figure(db, reader, paper_id: str, figure: Figure, timeout: float) -> bytes | None:
    """This paper's figure, from the store or downloaded (once) by ``reader``; None when it cannot
    be had now (the error is recorded and it is asked again next run)."""
    if (data := cached_figure(db, paper_id, figure.url)) is not None:
        return data
    try:
        data = await asyncio.wait_for(reader.get_image(figure.url, MAX_FIGURE_BYTES), timeout)
    except (asyncio.TimeoutError, *REQUEST_FAILURES, ArxivError) as exc:  # a figure never stops the day
        reason = "timed out" if isinstance(exc, asyncio.TimeoutError) else f"{type(exc).__name__}: {exc}"
        log.warning("figure of %s not downloaded (%s); tried again next run", paper_id, reason)
        _remember(db, paper_id, figure.url, None, reason)
        return None
    _remember(db, paper_id, figure.url, data, None)
    return data
