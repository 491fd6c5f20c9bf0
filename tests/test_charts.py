"""Fonts and pictures: real CJK glyphs (never tofu), valid PNGs of the stated size, deterministic."""

from __future__ import annotations

import datetime as dt
import re
import warnings
from pathlib import Path

import pytest
from matplotlib import font_manager
from PIL import Image
from recorded import fixture_dates, load_fixture_day, seed_day_zh

from hfdaily.make import fonts
from hfdaily.make.charts import (
    ChartError,
    draw_poster,
    draw_trend,
    draw_wordcloud,
    poster_line,
    wrap_balanced,
    wrap_text,
)
from hfdaily.make.fonts import CJKFont, NoCJKFontError, draws_chinese, find_cjk_font
from hfdaily.make.stats import trend_point

DEJAVU = Path(font_manager.findfont("DejaVu Sans"))
DAY = dt.date(2025, 9, 30)


@pytest.fixture(scope="module")
def cjk() -> CJKFont:
    try:
        return find_cjk_font()
    except NoCJKFontError as error:
        pytest.skip(str(error))


@pytest.fixture(scope="module")
def day(fixtures_dir):
    return load_fixture_day(fixtures_dir, DAY)


@pytest.fixture(scope="module")
def day_zh(fixtures_dir, seeds_dir):
    return seed_day_zh(fixtures_dir, seeds_dir)


def _png(path: Path) -> tuple[int, int]:
    with Image.open(path) as image:
        image.verify()  # raises on a broken file
    with Image.open(path) as image:
        assert image.format == "PNG"
        return image.size


# --- fonts --------------------------------------------------------------------------------


def test_found_font_draws_real_chinese_glyphs_unlike_the_fallback(cjk):
    assert draws_chinese(cjk.path, cjk.index)
    assert not draws_chinese(DEJAVU)  # DejaVu draws 论文日报 as its notdef box: tofu
    found, fallback = cjk.pillow(48), CJKFont(DEJAVU).pillow(48)
    notdef = bytes(found.getmask("\uffff"))
    for char in "论文日报":
        mask = found.getmask(char)
        assert bytes(mask) != notdef
        assert bytes(mask) != bytes(fallback.getmask(char))
    assert cjk.family and "DejaVu" not in cjk.family


def test_no_cjk_font_says_how_to_install_one(monkeypatch):
    monkeypatch.setattr(fonts, "KNOWN_FONTS", (("/nonexistent/NotoSansCJK-Regular.ttc", 2),))
    # The search does find a font, but one without Chinese: it must be rejected, not used.
    monkeypatch.setattr(fonts, "_fontconfig_fonts", lambda: iter([(DEJAVU, 0)]))
    monkeypatch.setattr(fonts, "_matplotlib_fonts", lambda: iter([]))
    with pytest.raises(NoCJKFontError) as error:
        find_cjk_font()
    message = str(error.value)
    for hint in ("apt-get install fonts-noto-cjk", "fonts-wqy-microhei", "HFDAILY_FONT="):
        assert hint in message


def test_configured_font_wins_and_is_checked(cjk, monkeypatch, tmp_path):
    assert find_cjk_font(str(cjk.path)).path == cjk.path
    assert find_cjk_font(f"{cjk.path}:{cjk.index}") == cjk
    with pytest.raises(NoCJKFontError, match="does not exist"):
        find_cjk_font(tmp_path / "missing.ttf")
    with pytest.raises(NoCJKFontError, match="no Chinese glyphs|cannot draw"):
        find_cjk_font(DEJAVU)
    not_a_font = tmp_path / "font.ttf"
    not_a_font.write_text("not a font")
    with pytest.raises(NoCJKFontError, match="not a readable font"):
        find_cjk_font(not_a_font)


# --- word cloud ---------------------------------------------------------------------------


def test_wordcloud_of_an_untranslated_day(cjk, day, tmp_path):
    path = draw_wordcloud(day, tmp_path / "cloud.png", cjk)
    assert path == tmp_path / "cloud.png"
    assert _png(path) == (1200, 600)


def test_wordcloud_of_a_chinese_day_is_deterministic(cjk, day_zh, tmp_path):
    first = draw_wordcloud(day_zh, tmp_path / "a.png", cjk, size=(800, 400))
    second = draw_wordcloud(day_zh, tmp_path / "b.png", cjk, size=(800, 400))
    assert _png(first) == (800, 400)
    assert first.read_bytes() == second.read_bytes()


def test_wordcloud_needs_papers(cjk, day, tmp_path):
    with pytest.raises(ChartError, match="no papers"):
        draw_wordcloud(day.model_copy(update={"papers": []}), tmp_path / "x.png", cjk)


# --- trend --------------------------------------------------------------------------------


def _missing_glyph_warnings(draw) -> list[str]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        draw()
    return [str(w.message) for w in caught if re.search(r"Glyph .* missing from font", str(w.message))]


@pytest.fixture(scope="module")
def window(fixtures_dir, day):
    dates = [d for d in fixture_dates(fixtures_dir) if d < DAY][-29:]
    return [*(trend_point(load_fixture_day(fixtures_dir, d)) for d in dates), trend_point(day)]


def test_trend_uses_the_cjk_font_without_missing_glyphs(cjk, window, tmp_path):
    path = tmp_path / "trend.png"
    assert _missing_glyph_warnings(lambda: draw_trend(window, DAY, path, cjk)) == []
    assert _png(path) == (1200, 700)
    family_file = font_manager.findfont(font_manager.FontProperties(family=cjk.family), fallback_to_default=False)
    assert Path(family_file) == cjk.path


def test_trend_with_a_latin_font_would_show_tofu(window, tmp_path):
    # The check above can fail: drawn with DejaVu, matplotlib reports the Chinese it cannot draw.
    missing = _missing_glyph_warnings(lambda: draw_trend(window, DAY, tmp_path / "t.png", CJKFont(DEJAVU)))
    assert missing


def test_trend_rejects_bad_input(cjk, window, tmp_path):
    with pytest.raises(ChartError, match="not among"):
        draw_trend(window, dt.date(2020, 1, 1), tmp_path / "t.png", cjk)
    with pytest.raises(ChartError, match="no days"):
        draw_trend([], DAY, tmp_path / "t.png", cjk)
    with pytest.raises(ChartError, match="size"):
        draw_trend(window, DAY, tmp_path / "t.png", cjk, size=(10, 10))


# --- poster -------------------------------------------------------------------------------


def test_poster_of_50_papers_caps_at_ten(cjk, day, tmp_path):
    path = draw_poster(day, tmp_path / "poster.png", cjk)
    width, height = _png(path)
    assert width == 1080 and 1920 < height < 4000  # portrait, ten cards, not fifty


def test_poster_with_a_fixed_height_is_that_size(cjk, day_zh, tmp_path):
    a = draw_poster(day_zh, tmp_path / "a.png", cjk, size=(1080, 1920))
    b = draw_poster(day_zh, tmp_path / "b.png", cjk, size=(1080, 1920))
    assert _png(a) == (1080, 1920)
    assert a.read_bytes() == b.read_bytes()
    with pytest.raises(ChartError, match="no room"):
        draw_poster(day_zh, tmp_path / "c.png", cjk, size=(1080, 500))


def test_poster_line_prefers_analysis_then_translation_then_english(day_zh, day):
    with_analysis = next(e for e in day_zh.papers if e.analysis)
    assert poster_line(with_analysis) == with_analysis.analysis.contribution.replace("**", "")
    abc = next(e for e in day_zh.papers if e.paper.title.startswith("ABC-Bench"))
    assert "**" not in poster_line(abc) and "ABC-Bench" in poster_line(abc)
    translated = next(e for e in day_zh.papers if e.translation and not e.analysis)
    assert translated.translation.summary_zh.startswith(poster_line(translated))
    assert poster_line(translated).endswith("。")
    untranslated = day.papers[0]
    assert poster_line(untranslated) == untranslated.paper.ai_summary


def test_wrapping_measures_width_and_keeps_words_whole(cjk, day_zh):
    font = cjk.pillow(34)
    for entry in day_zh.papers:
        text = entry.translation.summary_zh
        lines = wrap_text(text, font, 600)
        assert len(lines) > 1
        assert all(font.getlength(line) <= 600 for line in lines)
        assert "".join(lines).replace(" ", "") == text.replace(" ", "")
        assert not any(line[0] in "，。、；：？！）" for line in lines)
    long_word = wrap_text("Supercalifragilisticexpialidocious-Benchmark-Suite", font, 200)
    assert len(long_word) > 1 and all(font.getlength(line) <= 200 for line in long_word)
    lines = wrap_text("Multiplex Thinking: Reasoning via Token-wise Branch-and-Merge", font, 300)
    assert {w for line in lines for w in line.split()} == set(
        "Multiplex Thinking: Reasoning via Token-wise Branch-and-Merge".split()
    )


def test_balanced_titles_have_no_orphan_line(cjk, day_zh):
    font = cjk.pillow(34)
    title = next(e.translation.title_zh for e in day_zh.papers if e.paper.title.startswith("CoDance"))
    greedy, balanced = wrap_text(title, font, 700), wrap_balanced(title, font, 700)
    assert len(balanced) == len(greedy) == 2
    widths = [font.getlength(line) for line in balanced]
    assert min(widths) / max(widths) > 0.6 > font.getlength(greedy[-1]) / font.getlength(greedy[0])
