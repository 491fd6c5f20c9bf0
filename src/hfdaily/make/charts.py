"""The day's pictures: word cloud, papers-per-day trend, shareable poster (PNG).

Every function takes plain data, an output path and the CJK font, writes one PNG and returns
its path; nothing else is touched (matplotlib is used through ``Figure``, not pyplot, so no
global figure state is left behind). All text is drawn with the given CJK font.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import matplotlib
from matplotlib import font_manager
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure
from PIL import Image, ImageDraw, ImageFont
from wordcloud import WordCloud

from hfdaily.fileio import atomic_write
from hfdaily.errors import MakeError
from hfdaily.fields import hot_fields
from hfdaily.make.fonts import CJKFont
from hfdaily.make.stats import TrendPoint, term_counts
from hfdaily.models import DayRecord, PaperEntry

SEED = 42  # the word cloud's layout is random: seed it so a day always gives the same picture
DPI = 100

# Warm Hugging Face yellows/oranges with a few calm contrasts.
PALETTE = ["#FF9D00", "#E4572E", "#2E86AB", "#3B8B5A", "#8E44AD", "#C0392B", "#1F3A5F", "#D35400"]
INK = "#1F2328"
MUTED = "#5F6670"
HIGHLIGHT = "#FF9D00"
BAR = "#B8C4D6"


class ChartError(MakeError, ValueError):
    """The data cannot make this picture (nothing to draw, a bad size, …)."""


def _check_size(size: tuple[int, int]) -> None:
    if len(size) != 2 or min(size) < 200 or max(size) > 10_000:
        raise ChartError(f"picture size must be two numbers of pixels between 200 and 10000, got {size}")


# --- word cloud ---------------------------------------------------------------------------


def draw_wordcloud(record: DayRecord, path: str | Path, font: CJKFont, size: tuple[int, int] = (1200, 600)) -> Path:
    """Word cloud of the day's words (Chinese titles/abstracts, whole ai_keywords; English titles
    for untranslated papers). Wordcloud loads face 0 of a font collection: for Noto CJK that is
    the JP face, which still covers every Simplified Chinese character."""
    _check_size(size)
    frequencies = term_counts(record)
    if not frequencies:
        raise ChartError(f"no words to draw a word cloud for {record.date}: the day has no papers")
    cloud = WordCloud(
        font_path=str(font.path),
        width=size[0],
        height=size[1],
        background_color="white",
        colormap=ListedColormap(PALETTE),
        random_state=SEED,
        max_words=150,
        prefer_horizontal=1.0,  # rotated Chinese is hard to read
        relative_scaling=0.5,
        margin=6,
    ).generate_from_frequencies(frequencies)
    return _save_png(cloud.to_image(), path)


# --- trend --------------------------------------------------------------------------------


_registered: set[Path] = set()


def _matplotlib_family(font: CJKFont) -> str:
    """Register the font file with matplotlib once and return its family name."""
    if font.path not in _registered:
        font_manager.fontManager.addfont(str(font.path))
        _registered.add(font.path)
    return font.family


def _top_fields(points: Sequence[TrendPoint], top: int) -> list[str]:
    totals: dict[str, int] = {}
    for point in points:
        for name, n in point.fields.items():
            totals[name] = totals.get(name, 0) + n
    return sorted(totals, key=lambda name: -totals[name])[:top]


# With 10–20 papers a day one paper moves a share by 5–10 points: smooth over a few days.
SHARE_SMOOTHING = 5


def rolling_share(points: Sequence[TrendPoint], field: str, days: int = SHARE_SMOOTHING) -> list[float]:
    """Percent of papers in ``field`` over each point's trailing ``days`` (fewer at the start)."""
    shares = []
    for i in range(len(points)):
        span = points[max(0, i - days + 1) : i + 1]
        papers = sum(p.total for p in span)
        shares.append(100 * sum(p.fields.get(field, 0) for p in span) / papers if papers else 0.0)
    return shares


def draw_trend(
    points: list[TrendPoint],
    highlight: dt.date,
    path: str | Path,
    font: CJKFont,
    size: tuple[int, int] = (1200, 700),
    top_fields: int = 5,
) -> Path:
    """Papers per day as bars (``highlight`` in orange) over the top fields' share of papers per day."""
    _check_size(size)
    if not points:
        raise ChartError("no days to draw a trend for")
    points = sorted(points, key=lambda p: p.date)
    dates = [p.date for p in points]
    if highlight not in dates:
        raise ChartError(f"the day to highlight, {highlight}, is not among the trend's days ({dates[0]} … {dates[-1]})")
    family = _matplotlib_family(font)
    rc = {"font.family": "sans-serif", "font.sans-serif": [family, "DejaVu Sans"], "axes.unicode_minus": False}
    with matplotlib.rc_context(rc):
        fig = Figure(figsize=(size[0] / DPI, size[1] / DPI), dpi=DPI, layout="constrained")
        bars_ax, share_ax = fig.subplots(2, 1, sharex=True, height_ratios=[3, 2])
        x = range(len(points))
        totals = [p.total for p in points]
        colours = [HIGHLIGHT if d == highlight else BAR for d in dates]
        bars_ax.bar(x, totals, color=colours, width=0.75)
        mean = sum(totals) / len(totals)
        bars_ax.axhline(mean, color=MUTED, linestyle="--", linewidth=1, label=f"日均 {mean:.1f} 篇")
        bars_ax.legend(loc="upper left", fontsize=11, frameon=False)
        day = dates.index(highlight)
        bars_ax.annotate(
            f"{totals[day]} 篇", (day, totals[day]), xytext=(0, 4), textcoords="offset points",
            ha="center", va="bottom", fontsize=13, color=INK,
        )
        bars_ax.set_ylim(0, max(*totals, 1) * 1.18)
        bars_ax.set_title(f"每日论文数（近 {len(points)} 个发布日，橙色为 {highlight.isoformat()}）", fontsize=15, color=INK, loc="left")
        bars_ax.set_ylabel("论文数", color=MUTED)

        highest = 0.0
        shown_fields = _top_fields(points, top_fields)
        for colour, name in zip(PALETTE, shown_fields):
            shares = rolling_share(points, name)
            highest = max(highest, *shares)
            share_ax.plot(x, shares, color=colour, linewidth=2.2, label=name,
                         marker="o" if len(x) < 3 else None)  # a line of one day would draw nothing
        share_ax.axvline(day, color=HIGHLIGHT, linewidth=6, alpha=0.18)
        share_ax.set_title(
            f"热门领域占比（属于该领域的论文比例，近 {SHARE_SMOOTHING} 个发布日滑动平均）", fontsize=15, color=INK, loc="left"
        )
        share_ax.set_ylabel("占比 %", color=MUTED)
        share_ax.set_ylim(0, min(100, max(40, highest * 1.35)))  # headroom for the legend
        if shown_fields:
            share_ax.legend(loc="upper left", ncols=min(top_fields, 5), fontsize=11, frameon=False)
        step = -(-len(points) // 31)  # about 30 date labels fit; count from the end so the last day has one
        ticks = [i for i in x if (len(points) - 1 - i) % step == 0]
        share_ax.set_xticks(ticks, [dates[i].strftime("%m-%d") for i in ticks], rotation=60, fontsize=9)
        for ax in (bars_ax, share_ax):
            ax.spines[["top", "right"]].set_visible(False)
            ax.grid(axis="y", alpha=0.3)
        png = io.BytesIO()
        fig.savefig(png, format="png", dpi=DPI, facecolor="white")
    return _write_png(png.getvalue(), path)


# --- poster -------------------------------------------------------------------------------

POSTER_PAPERS = 10
WEEKDAYS = "一二三四五六日"
# Never start a line with closing punctuation (禁则): the character before it moves down too.
_NO_LINE_START = set("，。、；：？！）》」』”’,.;:!?)]…%")
_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9\-_.:/@+'’]*\s*|\s+|.")


WRAP_CHARS = 2000  # far above what a poster card or a chart label shows (records cut titles at 500)


def wrap_text(text: str, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    """Lines of ``text`` no wider than ``width`` pixels: Chinese breaks between any characters,
    Latin words stay whole unless a single word is wider than the line, and closing punctuation
    never starts a line (the character before it moves down with it)."""

    def fits(tokens: list[str]) -> bool:
        return font.getlength("".join(tokens).rstrip()) <= width

    lines: list[str] = []
    current: list[str] = []
    # Pictures show a few lines of any text: wrapping more than WRAP_CHARS is work nobody sees
    # (and a hostile one-word title made it quadratic).
    for token in _TOKEN.findall(" ".join(text[:WRAP_CHARS].split())):
        if fits([*current, token]):
            current.append(token)
            continue
        if token in _NO_LINE_START:
            start = len(current)
            while start > 0 and current[start - 1] in _NO_LINE_START:
                start -= 1
            start -= 1  # the token the punctuation belongs to
            if start <= 0:  # nothing to carry down: let the punctuation hang
                current.append(token)
                continue
            lines.append("".join(current[:start]).rstrip())
            current = [*current[start:], token]
            continue
        if "".join(current).strip():
            lines.append("".join(current).rstrip())
        current = [token.lstrip()] if token.strip() else []
        while current and not fits(current):  # one word wider than a line: cut it
            word = current[0]
            cut = max(1, next((i for i in range(len(word) - 1, 0, -1) if font.getlength(word[:i]) <= width), 1))
            lines.append(word[:cut])
            current = [word[cut:]]
    if "".join(current).strip():
        lines.append("".join(current).rstrip())
    return lines


def clamp_lines(lines: list[str], max_lines: int, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    """At most ``max_lines``; the last kept line ends with "…" when text was cut."""
    if len(lines) <= max_lines:
        return lines
    last = lines[max_lines - 1]
    while last and font.getlength(last + "…") > width:
        last = last[:-1]
    return [*lines[: max_lines - 1], last.rstrip() + "…"]


def wrap_balanced(text: str, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    """Like wrap_text, with lines of even length: the narrowest width giving as few lines,
    so a title never ends with one orphan character on its own line."""
    lines = wrap_text(text, font, width)
    if len(lines) < 2:
        return lines
    low, high = width // 2, width
    while low < high:
        middle = (low + high) // 2
        low, high = (low, middle) if len(wrap_text(text, font, middle)) <= len(lines) else (middle + 1, high)
    return wrap_text(text, font, low)


def poster_line(entry: PaperEntry) -> str:
    """One line on what the paper contributes (see ``PaperEntry.one_line``): after the analysis and
    the translation, HF's English ai_summary is better than the English title the card already shows."""
    return entry.one_line


@dataclass
class _Fonts:
    brand: ImageFont.FreeTypeFont
    date: ImageFont.FreeTypeFont
    chip: ImageFont.FreeTypeFont
    title: ImageFont.FreeTypeFont
    body: ImageFont.FreeTypeFont
    rank: ImageFont.FreeTypeFont
    small: ImageFont.FreeTypeFont
    votes: ImageFont.FreeTypeFont

    @classmethod
    def load(cls, font: CJKFont) -> _Fonts:
        return cls(*(font.pillow(s) for s in (62, 32, 26, 34, 26, 28, 22, 28)))


@dataclass
class _Card:
    rank: int
    title: list[str]
    line: list[str]
    upvotes: int
    height: int
    figure: Path | None = None  # the lead paper's key figure, drawn under its text
    figure_size: tuple[int, int] = (0, 0)


# Layout, in pixels.
MARGIN = 48
CARD_PAD = 28
BADGE = 52
HEADER_H = 330
FOOTER_H = 150
CARD_GAP = 22
TITLE_LEADING = 46
BODY_LEADING = 36
POSTER_FIGURE_MAX_H = 420  # the lead paper's key figure on the poster (it helps a glance; the others would crowd it)

BACKGROUND = "#FFF7E8"
HEADER_TOP = (255, 210, 30)  # Hugging Face yellow
HEADER_BOTTOM = (255, 157, 0)


def _figure_fit(path: Path, width: int) -> tuple[int, int] | None:
    try:
        with Image.open(path) as image:
            w, h = image.size
    except OSError:
        return None  # unreadable: the card goes without it
    scale = min(width / w, POSTER_FIGURE_MAX_H / h)
    return max(1, round(w * scale)), max(1, round(h * scale))


def _cards(entries: list[PaperEntry], fonts: _Fonts, width: int,
           figures: Mapping[str, Path] | None = None) -> list[_Card]:
    text_width = width - 2 * MARGIN - 2 * CARD_PAD - BADGE - 20
    cards = []
    for rank, entry in enumerate(entries, 1):
        title_width = text_width - 90  # room for the upvotes at the right
        title = wrap_text(entry.display_title, fonts.title, title_width)
        title = clamp_lines(title, 3, fonts.title, title_width) if len(title) > 3 else wrap_balanced(
            entry.display_title, fonts.title, title_width
        )
        line = clamp_lines(wrap_text(poster_line(entry), fonts.body, text_width), 2, fonts.body, text_width)
        height = 2 * CARD_PAD + len(title) * TITLE_LEADING + 10 + len(line) * BODY_LEADING
        card = _Card(rank, title, line, entry.paper.upvotes, max(height, BADGE + 2 * CARD_PAD))
        figure = (figures or {}).get(entry.paper.id) if rank == 1 else None
        if figure is not None and (size := _figure_fit(figure, width - 2 * MARGIN - 2 * CARD_PAD)):
            card.figure, card.figure_size = figure, size
            card.height += size[1] + 16
        cards.append(card)
    return cards


def _draw_header(image: Image.Image, record: DayRecord, fonts: _Fonts) -> None:
    width = image.width
    draw = ImageDraw.Draw(image)
    for y in range(HEADER_H):  # vertical gradient
        t = y / HEADER_H
        colour = tuple(round(a + (b - a) * t) for a, b in zip(HEADER_TOP, HEADER_BOTTOM))
        draw.line([(0, y), (width, y)], fill=colour)
    draw.text((MARGIN, 52), "Hugging Face 论文日报", font=fonts.brand, fill=INK, stroke_width=1, stroke_fill=INK)
    day = record.date
    draw.text(
        (MARGIN, 140),
        f"{day.year}年{day.month}月{day.day}日 · 星期{WEEKDAYS[day.weekday()]} · 共 {len(record.papers)} 篇论文",
        font=fonts.date, fill=INK,
    )
    x, y = MARGIN, 215
    for name, n in hot_fields(record.papers, top=4):
        label = f"{name} {n}"
        w = int(fonts.chip.getlength(label)) + 36
        if x + w > width - MARGIN:
            break
        draw.rounded_rectangle([x, y, x + w, y + 50], radius=25, fill="#FFF6D6")
        draw.text((x + 18, y + 25), label, font=fonts.chip, fill=INK, anchor="lm")
        x += w + 14


def _draw_card(draw: ImageDraw.ImageDraw, card: _Card, top: int, width: int, fonts: _Fonts) -> None:
    left, right = MARGIN, width - MARGIN
    draw.rounded_rectangle([left + 3, top + 5, right + 3, top + card.height + 5], radius=22, fill="#F1E4CC")  # shadow
    draw.rounded_rectangle([left, top, right, top + card.height], radius=22, fill="white")
    bx, by = left + CARD_PAD, top + CARD_PAD
    draw.ellipse([bx, by, bx + BADGE, by + BADGE], fill=HIGHLIGHT)
    draw.text((bx + BADGE / 2, by + BADGE / 2), str(card.rank), font=fonts.rank, fill="white", anchor="mm")
    draw.text((right - CARD_PAD, by + 6), f"▲ {card.upvotes}", font=fonts.votes, fill=HIGHLIGHT, anchor="ra")
    tx, y = bx + BADGE + 20, by
    for line in card.title:
        draw.text((tx, y), line, font=fonts.title, fill=INK, stroke_width=1, stroke_fill=INK)
        y += TITLE_LEADING
    y += 10
    for line in card.line:
        draw.text((tx, y), line, font=fonts.body, fill=MUTED)
        y += BODY_LEADING


def draw_poster(
    record: DayRecord,
    path: str | Path,
    font: CJKFont,
    size: tuple[int, int | None] = (1080, None),
    max_papers: int = POSTER_PAPERS,
    figures: Mapping[str, Path] | None = None,
) -> Path:
    """Portrait poster for a chat group: brand, date, count, hot fields, then one card per paper
    (most upvoted first, at most ``max_papers``) and "…等 N 篇" for the rest.

    With ``size[1]`` None the height follows the content; with a height, as many cards as fit.
    ``figures`` (paper id → picture file): the most upvoted paper's key figure is drawn in its card.
    """
    width, height = size
    _check_size((width, height or 1000))
    if not record.papers:
        raise ChartError(f"no papers to put on the poster for {record.date}")
    fonts = _Fonts.load(font)
    ranked = sorted(record.papers, key=lambda e: -e.paper.upvotes)  # stable: keeps HF order on ties
    cards = _cards(ranked[:max_papers], fonts, width, figures)
    if height is not None:
        room = height - HEADER_H - FOOTER_H - CARD_GAP
        fitting = 0
        while fitting < len(cards) and sum(c.height + CARD_GAP for c in cards[: fitting + 1]) <= room:
            fitting += 1
        if fitting == 0:
            raise ChartError(f"poster height {height} leaves no room for a single paper")
        cards = cards[:fitting]
    else:
        height = HEADER_H + CARD_GAP + sum(c.height + CARD_GAP for c in cards) + FOOTER_H

    image = Image.new("RGB", (width, height), BACKGROUND)
    _draw_header(image, record, fonts)
    draw = ImageDraw.Draw(image)
    y = HEADER_H + CARD_GAP
    for card in cards:
        _draw_card(draw, card, y, width, fonts)
        if card.figure is not None:
            with Image.open(card.figure) as figure:
                picture = figure.convert("RGB").resize(card.figure_size, Image.Resampling.LANCZOS)
            fx, fy = (width - card.figure_size[0]) // 2, y + card.height - CARD_PAD - card.figure_size[1]
            image.paste(picture, (fx, fy))
            draw.rectangle([fx - 1, fy - 1, fx + card.figure_size[0], fy + card.figure_size[1]], outline="#E3E6EA")
        y += card.height + CARD_GAP
    rest = len(record.papers) - len(cards)
    footer = f"…等 {rest} 篇，完整日报见 huggingface.co/papers" if rest else "数据来源：huggingface.co/papers"
    footer_y = height - FOOTER_H + 40
    draw.text((width / 2, footer_y), footer, font=fonts.body, fill=INK, anchor="mt")
    draw.text((width / 2, footer_y + 50), "由 hfdaily 自动生成", font=fonts.small, fill=MUTED, anchor="mt")
    return _save_png(image, path)


# Pictures are drawn in memory and renamed into place whole: a run killed while drawing never
# leaves an empty or half PNG behind a newsletter that links it.
def _save_png(image: Image.Image, path: str | Path) -> Path:
    png = io.BytesIO()
    image.save(png, format="PNG")
    return _write_png(png.getvalue(), path)


def _write_png(data: bytes, path: str | Path) -> Path:
    path = Path(path)
    atomic_write(path, data)
    return path
