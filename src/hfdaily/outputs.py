"""One map of the output folder: where every artefact lives and the relative URL from one page to another.

Every module asks this object instead of joining paths itself, so a file moves in one place::

    outputs = Outputs(out)
    outputs.newsletter(day, "html")                  # OUT/newsletters/2026-01-20.html
    outputs.href(outputs.image(day, "trend"), outputs.newsletter(day))   # "../images/2026-01-20_trend.png"
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

Picture = Literal["wordcloud", "trend", "poster"]
Format = Literal["md", "html"]
FigureSize = Literal["web", "thumb"]


@dataclass(frozen=True)
class PictureKind:
    """One of the day's pictures, declared once: its file (``image``), and what the newsletter and
    the site call it. A new kind is a line here and its drawing in ``make/artefacts.py``."""

    name: Picture
    emoji: str  # the Markdown newsletter's heading mark (the HTML one draws ``icon``: make/icons.py)
    title: str  # the newsletter's section title
    alt: str  # what it shows: the alt text everywhere
    label: str  # short, in the site's list of a day's figures
    icon: str  # the HTML heading's drawn icon
    cover: bool = False  # the day's cover: first on the site, the pages' og:image

    @property
    def heading(self) -> str:
        return f"{self.emoji} {self.title}"


# In the newsletter's order (seed 000: word cloud, trend, poster).
PICTURE_KINDS: tuple[PictureKind, ...] = (
    PictureKind("wordcloud", "🔍", "关键词云图", "关键词云图", "词云", "search"),
    PictureKind("trend", "📈", "近期论文趋势", "论文趋势", "趋势", "trend"),
    PictureKind("poster", "🖼️", "今日海报", "今日海报", "海报", "picture", cover=True),
)
PICTURES: tuple[Picture, ...] = tuple(kind.name for kind in PICTURE_KINDS)
SITE_PICTURES: tuple[PictureKind, ...] = tuple(sorted(PICTURE_KINDS, key=lambda kind: not kind.cover))  # cover first
COVER: Picture = next(kind.name for kind in PICTURE_KINDS if kind.cover)
PICTURE_BY_NAME = {kind.name: kind for kind in PICTURE_KINDS}


@dataclass(frozen=True)
class Outputs:
    root: Path

    # --- the archive's own files ---------------------------------------------------------------
    @property
    def db(self) -> Path:
        """The SQLite store and index (a cache of data/: rebuildable, kept out of git)."""
        return self.root / "hfdaily.db"

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def gitignore(self) -> Path:
        return self.root / ".gitignore"

    @property
    def front_page(self) -> Path:
        """``OUT/index.html``: a redirect into the site (publish/front.py)."""
        return self.root / "index.html"

    @property
    def feed(self) -> Path:
        """``OUT/feed.xml``: a copy of the site's feed, for subscribers of the output folder's address."""
        return self.root / "feed.xml"

    # --- the reader's site (publish/build.py writes below it, any depth) ---------------------------
    @property
    def site(self) -> Path:
        return self.root / "site"

    def site_page(self, relative: str) -> Path:
        """A file of the site by its URL path, e.g. ``site_page("feed.xml")``."""
        return self.site / relative

    @property
    def logo(self) -> Path:
        """The HF logo the newsletters, reports and archive page show (copied from the package)."""
        return self.root / "assets" / "hf-logo.svg"

    # --- one day's files -------------------------------------------------------------------------
    def record(self, date: dt.date) -> Path:
        return self.data / f"{date.isoformat()}.json"

    def newsletter(self, date: dt.date, fmt: Format = "html") -> Path:
        return self.root / "newsletters" / f"{date.isoformat()}.{fmt}"

    def report(self, date: dt.date, fmt: Format = "html") -> Path:
        return self.root / "reports" / f"{date.isoformat()}.{fmt}"

    def image(self, date: dt.date, kind: Picture) -> Path:
        return self.root / "images" / f"{date.isoformat()}_{kind}.png"

    def figure(self, paper_id: str, size: FigureSize = "web") -> Path:
        """A paper's key figure (one per paper, whichever days list it): ``web`` ≤ 1,200 px wide, ``thumb``."""
        return self.root / "images" / "figures" / (f"{paper_id}.jpg" if size == "web" else f"{paper_id}_thumb.jpg")

    def audio(self, date: dt.date, suffix: str = ".mp3") -> Path:
        """The broadcast (``.mp3``), its subtitles (``.vtt``) and transcript (``.txt``)."""
        return self.root / "audio" / f"{date.isoformat()}{suffix}"

    def stats(self, date: dt.date) -> Path:
        return self.root / "stats" / f"{date.isoformat()}.json"

    def deliveries(self, date: dt.date | str) -> Path:
        """What was sent of a day, or of a weekly/monthly edition (its label: 2026-W03, 2026-01), and to
        which channel (deliver/ledger.py): committed with the day."""
        key = date if isinstance(date, str) else date.isoformat()
        return self.root / "deliveries" / f"{key}.json"

    def made(self, date: dt.date) -> Path:
        """What the day's outputs were last made and published from (a re-run with nothing new skips them)."""
        return self.root / "stats" / f"{date.isoformat()}.made.json"

    def day_files(self, date: dt.date) -> list[Path]:
        """Every file that can exist for a day (whether it does or not)."""
        return [self.record(date), self.newsletter(date, "md"), self.newsletter(date, "html"),
                self.report(date, "md"), self.report(date, "html"), self.stats(date), self.made(date),
                *(self.image(date, kind) for kind in PICTURES),
                *(self.audio(date, s) for s in (".mp3", ".vtt", ".txt"))]

    # --- the folders, for the lock's clean-up (archive/lock.py) ------------------------------------------
    @property
    def folders(self) -> list[Path]:
        """Every folder hfdaily writes files straight into (a temporary is made beside its final file)."""
        any_day = dt.date(2000, 1, 1)
        return sorted({p.parent for p in (*self.day_files(any_day), self.deliveries(any_day), self.logo,
                                          self.figure("0000.00000"))})

    @property
    def trees(self) -> list[Path]:
        """Folders written at any depth."""
        return [self.site]

    @property
    def never_empty(self) -> list[tuple[Path, str]]:
        """(folder, pattern) of the formats that are never legitimately empty: pictures and sound."""
        any_day = dt.date(2000, 1, 1)
        return [(self.image(any_day, COVER).parent, "*.png"), (self.audio(any_day).parent, "*.mp3")]

    # --- links -----------------------------------------------------------------------------------------
    def href(self, target: Path, page: Path | None = None) -> str:
        """The relative URL of ``target`` as written in ``page`` (default: a page at the root)."""
        start = page.parent if page is not None else self.root
        return Path(os.path.relpath(target, start)).as_posix()

    def url(self, target: Path, site_url: str) -> str:
        """The absolute URL of ``target`` when the site's public URL is known, else its root-relative one."""
        relative = self.href(target)
        return f"{site_url.rstrip('/')}/{relative}" if site_url else relative
