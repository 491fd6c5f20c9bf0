"""Key figures as web pictures: the downloaded original → ``OUT/images/figures/ID.jpg`` (≤ 1,200 px
wide) and ``ID_thumb.jpg`` (cards, e-mail), and what the renderers show of them.

JPEG because every reader takes it (e-mail clients, Markdown viewers, old browsers); figures are
mostly diagrams on white, so transparency is flattened onto white. A picture that Pillow cannot
read, or that is absurdly large, is a :class:`FigureImageError` (the paper simply has no figure).
Renderers ask :func:`shown` which only answers for files that exist: never a broken image.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from hfdaily.errors import SourceError
from hfdaily.models import DayRecord, PaperEntry
from hfdaily.outputs import Outputs

WEB_WIDTH = 1200
THUMB_WIDTH = 480  # shown at ≤ 240 CSS px in cards: sharp on a 2x screen
MAX_PIXELS = 40_000_000  # a decompression bomb is refused before it is decoded
MIN_WIDTH = 120  # real pixels: smaller is an icon whatever the page declared
QUALITY = 82


class FigureImageError(SourceError, ValueError):
    """The downloaded figure is not a picture we can show."""


def _flatten(image: Image.Image) -> Image.Image:
    if image.mode in ("RGBA", "LA", "P"):
        image = image.convert("RGBA")
        white = Image.new("RGB", image.size, "white")
        white.paste(image, mask=image.getchannel("A"))
        return white
    return image.convert("RGB")


def _jpeg(image: Image.Image, width: int) -> bytes:
    if image.width > width:
        image = image.resize((width, max(1, round(image.height * width / image.width))), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=QUALITY, optimize=True, progressive=True)
    return out.getvalue()


def web_images(data: bytes) -> tuple[bytes, bytes]:
    """(web picture, thumbnail) as JPEG from the downloaded bytes (PNG, JPEG, GIF, WebP…)."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.width * image.height > MAX_PIXELS:
                raise FigureImageError(f"figure of {image.width}×{image.height} px is too large to show")
            if image.width < MIN_WIDTH:
                raise FigureImageError(f"figure only {image.width} px wide: an icon, not a figure")
            image.seek(0)  # an animated GIF: its first frame
            flat = _flatten(image)
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as exc:
        raise FigureImageError(f"not a picture Pillow can read: {exc}") from exc
    return _jpeg(flat, WEB_WIDTH), _jpeg(flat, THUMB_WIDTH)


def write_figure(outputs: Outputs, paper_id: str, data: bytes) -> list[Path]:
    """Write the two pictures of one paper's figure (when missing or changed)."""
    from hfdaily.archive.record import write_if_changed

    web, thumb = web_images(data)
    return [path for path, blob in ((outputs.figure(paper_id, "web"), web), (outputs.figure(paper_id, "thumb"), thumb))
            if write_if_changed(path, blob)]


def has_files(outputs: Outputs, paper_id: str) -> bool:
    return outputs.figure(paper_id, "web").is_file() and outputs.figure(paper_id, "thumb").is_file()


@dataclass(frozen=True)
class ShownFigure:
    """What a page or message shows of a figure: links relative to that page, label and caption."""

    web: str
    thumb: str
    label: str
    caption: str  # Chinese when the analysis translated it, else the English caption
    width: int
    height: int  # of the web picture: the page reserves the space before it loads

    @property
    def alt(self) -> str:
        return f"{self.label}：{self.caption}" if self.caption else self.label


def figure_size(path: Path) -> tuple[int, int]:
    with Image.open(path) as image:
        return image.size


def shown(outputs: Outputs, entry: PaperEntry, page: Path | None = None,
          href=None) -> ShownFigure | None:
    """The figure of ``entry`` as seen from ``page`` (relative links), or None when its files are
    not there (no HTML, not downloaded yet, failed): the renderers then show no picture at all.
    ``href(path)`` overrides how a file is linked (e-mail: absolute URLs)."""
    if entry.figure is None or not has_files(outputs, entry.paper.id):
        return None
    link = href or (lambda path: outputs.href(path, page))
    web = outputs.figure(entry.paper.id, "web")
    width, height = figure_size(web)
    return ShownFigure(web=link(web), thumb=link(outputs.figure(entry.paper.id, "thumb")),
                       label=entry.figure.label, caption=entry.figure_caption, width=width, height=height)


def shown_for_day(outputs: Outputs, record: DayRecord, page: Path | None = None, href=None) -> dict[str, ShownFigure]:
    """paper id → its figure, for the papers of ``record`` that have one on disk."""
    return {e.paper.id: f for e in record.papers if (f := shown(outputs, e, page, href)) is not None}
