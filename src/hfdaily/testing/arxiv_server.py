"""A tiny local stand-in for arxiv.org, serving the recorded pages (tests, bench, demo).

Routes, as arXiv has them:
  /html/<id>[vN]  full text from arxiv_html/ and arxiv_html_modern/ (file ``astro-ph_9710163``
                  is id ``astro-ph/9710163``); ``no_html_<id>.html`` is served with status 404,
                  as arxiv.org does for papers without HTML
  /abs/<id>[vN]   abstract pages from arxiv_abs/
  /html/<id>[vN]/<path>.png|jpg|gif   a figure of a recorded page (``x1.png``, ``2410.00260v2/latex/fig1_new.png``):
                  a small real picture drawn on the fly (nothing binary is recorded); tests can pass
                  ``figures=`` to answer differently (missing, broken, slow)
  anything else   404

    python -m hfdaily.testing.arxiv_server --fixtures ../shared/fixtures --port 8000
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from http.server import BaseHTTPRequestHandler
from pathlib import Path

from hfdaily.testing.serving import serve, wait_forever

_VERSION = re.compile(r"v\d+$")
_FIGURE = re.compile(r"^/html/([^/]+?)(?:v\d+)?/(?:[^?]*/)?[^/?]+\.(png|jpe?g|gif)$", re.I)
FigureAnswer = tuple[int, str, bytes]  # status, Content-Type, body


def drawn_figure(path: str, size: tuple[int, int] = (900, 520)) -> bytes:
    """A real PNG standing in for a figure: boxes and arrows like a method overview, and its path."""
    import io

    from PIL import Image, ImageDraw

    image = Image.new("RGB", size, "white")
    draw = ImageDraw.Draw(image)
    width, height = size
    colours = ["#4e79a7", "#f28e2b", "#59a14f"]
    box = width // 5
    for i, colour in enumerate(colours):
        left = width // 10 + i * (box + width // 10)
        draw.rectangle([left, height // 3, left + box, 2 * height // 3], fill=colour, outline="black", width=3)
        if i:
            draw.line([left - width // 10, height // 2, left, height // 2], fill="black", width=4)
    draw.text((20, 20), path, fill="black")
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


class FixturesNotFoundError(FileNotFoundError):
    """The fixtures directory has none of the folders the server serves from."""


def index_pages(fixtures_dir: Path) -> dict[str, tuple[int, Path]]:
    """URL path (``/html/2512.14946``) → (status, file) for every recorded page."""
    fixtures_dir = Path(fixtures_dir)
    folders = [fixtures_dir / name for name in ("arxiv_html", "arxiv_html_modern", "arxiv_abs")]
    if not any(folder.is_dir() for folder in folders):
        raise FixturesNotFoundError(
            f"no arxiv_html/, arxiv_html_modern/ or arxiv_abs/ under {fixtures_dir}; "
            "pass the recorded fixtures directory (../shared/fixtures)"
        )
    pages: dict[str, tuple[int, Path]] = {}
    for folder in folders[:2]:
        for file in sorted(folder.glob("*.html")) if folder.is_dir() else []:
            if file.stem.startswith("no_html_"):
                pages[f"/html/{_arxiv_id(file.stem.removeprefix('no_html_'))}"] = (404, file)
            else:
                pages[f"/html/{_arxiv_id(file.stem)}"] = (200, file)
    for file in sorted(folders[2].glob("*.html")) if folders[2].is_dir() else []:
        pages[f"/abs/{_arxiv_id(file.stem)}"] = (200, file)
    return pages


def _arxiv_id(stem: str) -> str:
    """File names cannot hold "/": ``astro-ph_9710163`` → ``astro-ph/9710163``."""
    return stem.replace("_", "/", 1) if "_" in stem else stem


class _FixtureHandler(BaseHTTPRequestHandler):
    def __init__(self, *args, pages: dict[str, tuple[int, Path]],
                 figures: Callable[[str], FigureAnswer | None] | None = None, **kwargs) -> None:
        self.pages = pages
        self.figures = figures
        super().__init__(*args, **kwargs)

    def _figure(self, path: str) -> FigureAnswer | None:
        match = _FIGURE.match(path)
        if not match or self.pages.get(f"/html/{match.group(1)}", (404, None))[0] != 200:
            return None
        if self.figures is not None and (answer := self.figures(path)) is not None:
            return answer
        return 200, "image/png", drawn_figure(path)

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        if (figure := self._figure(self.path.split("?", 1)[0])) is not None:
            status, kind, body = figure
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        path = _VERSION.sub("", self.path.split("?", 1)[0].rstrip("/"))
        status, file = self.pages.get(path, (404, None))
        body = file.read_bytes() if file else b"<!DOCTYPE html><title>Not Found</title><h1>Not Found</h1>"
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # keep test output clean
        pass


@contextmanager
def serve_arxiv(fixtures_dir: Path, host: str = "127.0.0.1", port: int = 0,
                figures: Callable[[str], FigureAnswer | None] | None = None) -> Iterator[str]:
    """Serve the recorded arXiv pages and their figures; yields the base URL (``http://127.0.0.1:PORT``).
    ``figures(path)`` may answer a figure request itself (None: the drawn picture)."""
    with serve(partial(_FixtureHandler, pages=index_pages(fixtures_dir), figures=figures), host, port) as url:
        yield url


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--fixtures", type=Path, required=True, help="the recorded fixtures directory")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args(argv)
    try:
        pages = index_pages(args.fixtures)
    except FixturesNotFoundError as error:
        parser.exit(2, f"error: {error}\n")
    with serve_arxiv(args.fixtures, args.host, args.port) as url:
        print(f"serving {len(pages)} arXiv pages at {url} (Ctrl-C to stop)")
        for path in sorted(pages):
            print(f"  {url}{path}")
        wait_forever("")


if __name__ == "__main__":
    main()
