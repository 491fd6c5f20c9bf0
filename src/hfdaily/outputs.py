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
PICTURES: tuple[Picture, ...] = ("wordcloud", "trend", "poster")
Format = Literal["md", "html"]
FigureSize = Literal["web", "thumb"]


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
    def archive_page(self) -> Path:
        return self.root / "index.html"

    @property
    def feed(self) -> Path:
        return self.root / "feed.xml"

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

    def day_files(self, date: dt.date) -> list[Path]:
        """Every file that can exist for a day (whether it does or not)."""
        return [self.record(date), self.newsletter(date, "md"), self.newsletter(date, "html"),
                self.report(date, "md"), self.report(date, "html"), self.stats(date),
                *(self.image(date, kind) for kind in PICTURES),
                *(self.audio(date, s) for s in (".mp3", ".vtt", ".txt"))]

    # --- links -----------------------------------------------------------------------------------------
    def href(self, target: Path, page: Path | None = None) -> str:
        """The relative URL of ``target`` as written in ``page`` (default: a page at the root)."""
        start = page.parent if page is not None else self.root
        return Path(os.path.relpath(target, start)).as_posix()

    def url(self, target: Path, site_url: str) -> str:
        """The absolute URL of ``target`` when the site's public URL is known, else its root-relative one."""
        relative = self.href(target)
        return f"{site_url.rstrip('/')}/{relative}" if site_url else relative
