"""Which of a day's words say what it was about: specific terms, not words every Chinese text uses.

The day's top words (``stats.top_keywords``) rank by how many papers use them, so with a dozen
papers general words win ("驱动", "空间", "角色": driving, space, role). jieba ships the inverse
document frequency of words in general Chinese text; a word that is common there tells a reader
nothing about the day. A headline keyword is Chinese (the briefing is Chinese: an English term of
an untranslated paper is not shown) and rare in general text, ranked by papers × that rarity.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from hfdaily.text import has_cjk

# Words rarer than this in general Chinese (jieba's IDF; the median word is ~12, "空间" 5.3,
# "驱动" 7.1, "场景" 8.1, "推理" 8.5, "大语言模型"/"智能体" unseen: the median).
SPECIFIC_IDF = 8.0


@cache
def _idf() -> tuple[dict[str, float], float]:
    """jieba's table, read once (not through ``jieba.analyse``, whose import builds a whole extractor)."""
    import jieba

    text = (Path(jieba.__file__).parent / "analyse" / "idf.txt").read_text(encoding="utf-8")
    table = {word: float(value) for word, _, value in (line.partition(" ") for line in text.splitlines()) if value}
    values = sorted(table.values())
    return table, values[len(values) // 2]


def specificity(word: str) -> float:
    """How rare ``word`` is in general Chinese text (words jieba never saw count as the median)."""
    idf, median = _idf()
    return idf.get(word, median)


def is_specific(word: str) -> bool:
    return has_cjk(word) and specificity(word) >= SPECIFIC_IDF


def headline(keywords: list[tuple[str, int]], n: int = 8) -> list[str]:
    """The ``n`` words (of ``(word, papers)``) worth showing as 今日关键词, most telling first."""
    chosen = [(papers * specificity(word), word) for word, papers in keywords if is_specific(word)]
    return [word for _, word in sorted(chosen, key=lambda c: -c[0])[:n]]
