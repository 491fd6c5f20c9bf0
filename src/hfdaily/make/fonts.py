"""Find a font that really draws Chinese, so pictures never show tofu boxes.

Order: the configured path (argument, else ``HFDAILY_FONT``), then well-known install paths
(Noto Sans CJK SC, WenQuanYi Micro Hei, …), then fontconfig's list of fonts covering Chinese,
then every font matplotlib can see. Each candidate is checked by rendering 论文日报 and
comparing with the font's own "missing glyph" box: file names and fontconfig can both lie.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from PIL import ImageFont

from hfdaily.errors import NoCJKFontError  # noqa: F401  (re-exported)

PROBE_TEXT = "论文日报"
# U+FFFF is a noncharacter: no font maps it, so it renders as the font's notdef glyph.
_NOT_A_CHARACTER = "\uffff"

INSTALL_HINT = (
    "Install one with `apt-get install fonts-noto-cjk` or `apt-get install fonts-wqy-microhei`, "
    "or set HFDAILY_FONT=/path/to/font.ttc (a font with Simplified Chinese glyphs)."
)

# (path, face index). NotoSansCJK-Regular.ttc holds JP, KR, SC, TC, HK: face 2 is SC.
KNOWN_FONTS: tuple[tuple[str, int], ...] = (
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),
    ("/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc", 2),
    ("/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc", 2),
    ("/usr/share/fonts/opentype/noto/NotoSansCJKsc-Regular.otf", 0),
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
    ("/usr/share/fonts/wenquanyi/wqy-microhei/wqy-microhei.ttc", 0),
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
    ("/System/Library/Fonts/PingFang.ttc", 0),
    ("/System/Library/Fonts/STHeiti Medium.ttc", 0),
    ("C:/Windows/Fonts/msyh.ttc", 0),
    ("C:/Windows/Fonts/simhei.ttf", 0),
)


@dataclass(frozen=True)
class CJKFont:
    path: Path
    index: int = 0  # face index inside a .ttc collection

    def pillow(self, size: int) -> ImageFont.FreeTypeFont:
        return ImageFont.truetype(str(self.path), size=size, index=self.index)

    @property
    def family(self) -> str:
        """Family name of this face, as matplotlib knows it ("Noto Sans CJK SC")."""
        return self.pillow(12).getname()[0] or self.path.stem


def draws_chinese(path: str | Path, index: int = 0, text: str = PROBE_TEXT) -> bool:
    """True when every character of ``text`` has a real glyph in this face (not notdef, not empty)."""
    try:
        font = ImageFont.truetype(str(path), size=48, index=index)
    except (OSError, ValueError):  # not a font, or no such face
        return False
    notdef = font.getmask(_NOT_A_CHARACTER)
    notdef_pixels = (notdef.size, bytes(notdef))
    for char in text:
        mask = font.getmask(char)
        if mask.getbbox() is None or (mask.size, bytes(mask)) == notdef_pixels:
            return False
    return True


def _known_fonts() -> Iterator[tuple[Path, int]]:
    for path, index in KNOWN_FONTS:
        yield Path(path), index


def _fontconfig_fonts() -> Iterator[tuple[Path, int]]:
    """Fonts fontconfig says cover Chinese; none when fc-list is not installed."""
    fc_list = shutil.which("fc-list")
    if not fc_list:
        return
    try:
        out = subprocess.run(
            [fc_list, "-f", "%{file}|%{index}\n", ":lang=zh-cn"],
            capture_output=True, text=True, timeout=20, check=False,
        ).stdout
    except (OSError, subprocess.TimeoutExpired):
        return
    for line in sorted(set(out.splitlines())):
        path, _, index = line.rpartition("|")
        if path:
            yield Path(path), int(index or 0)


def _matplotlib_fonts() -> Iterator[tuple[Path, int]]:
    """Last resort: every font file matplotlib finds on the system (face 0 of each)."""
    from matplotlib import font_manager

    for path in sorted(font_manager.findSystemFonts()):
        yield Path(path), 0


def candidate_fonts() -> Iterator[tuple[Path, int]]:
    yield from _known_fonts()
    yield from _fontconfig_fonts()
    yield from _matplotlib_fonts()


def _first_cjk(candidates: Iterable[tuple[Path, int]]) -> CJKFont | None:
    seen: set[tuple[Path, int]] = set()
    for path, index in candidates:
        if (path, index) in seen or not path.is_file():
            continue
        seen.add((path, index))
        if draws_chinese(path, index):
            return CJKFont(path, index)
    return None


def _configured_font(configured: str | Path) -> CJKFont:
    text = str(configured)
    # "NotoSansCJK-Regular.ttc:2" selects a face of a collection (fontconfig's notation).
    head, _, tail = text.rpartition(":")
    path_text, index = (head, int(tail)) if head and tail.isdigit() else (text, 0)
    path = Path(path_text).expanduser()
    if not path.is_file():
        raise NoCJKFontError(f"configured font {path} does not exist. {INSTALL_HINT}")
    if not draws_chinese(path, index):
        raise NoCJKFontError(
            f"configured font {text} is not a readable font with Chinese glyphs "
            f"(it cannot draw {PROBE_TEXT!r}). {INSTALL_HINT}"
        )
    return CJKFont(path, index)


def find_cjk_font(configured: str | Path | None = None) -> CJKFont:
    """The font to draw Chinese with: ``configured`` (setting ``font`` / ``HFDAILY_FONT``) wins,
    else the first installed font that really has Chinese glyphs. Raises NoCJKFontError with install hints."""
    if configured:
        return _configured_font(configured)
    found = _first_cjk(candidate_fonts())
    if found is None:
        raise NoCJKFontError(f"no installed font can draw Chinese ({PROBE_TEXT}). {INSTALL_HINT}")
    return found
