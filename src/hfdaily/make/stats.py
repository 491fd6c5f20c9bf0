"""Numbers about one day: papers per field, top keywords, the recent trend, what was spent.

The pipeline writes ``DayStats`` to ``OUT/stats/DATE.json``; ``TrendPoint`` is the small
per-day summary kept to draw the trend without reloading old day records.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections import Counter
from functools import cache
from importlib import resources

import jieba
from pydantic import BaseModel
from wordcloud import STOPWORDS as WORDCLOUD_STOPWORDS

from hfdaily.fields import field_counts
from hfdaily.models import DayRecord, PaperEntry
from hfdaily.text import has_cjk, without_urls

TOP_KEYWORDS = 20

_LATIN_NAME = re.compile(r"([A-Za-z][A-Za-z0-9]*(?:[-.][A-Za-z0-9]+)*)")
_TITLE_WORD = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*")
# A word that is only capitalised ("Large", "Chain-of-Thought"), not an acronym or a name
# with inner capitals ("LLM", "ABC-Bench", "CoDance").
_CAPITALISED = re.compile(r"(?<!\S)[A-Z]?[a-z]+(?:-[A-Za-z]?[a-z]*)*(?!\S)")


class TrendPoint(BaseModel):
    date: dt.date
    total: int
    fields: dict[str, int] = {}  # field → number of papers


class KeywordCount(BaseModel):
    word: str
    papers: int  # papers using it: what makes it a topic of the day
    count: int  # occurrences, breaks ties


class DayStats(BaseModel):
    date: dt.date
    total: int
    translated: int
    analysed: int
    fields: dict[str, int]  # field → papers, most papers first
    keywords: list[KeywordCount]
    window: list[TrendPoint]  # recent days up to and including this one, oldest first
    window_mean: float  # papers per day over the window
    # What the day cost is kept in one place, the record's ``usage`` (the index's ``spending``).


# --- words --------------------------------------------------------------------------------


def _data_lines(name: str) -> list[str]:
    text = resources.files("hfdaily.data").joinpath(name).read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


@cache
def stop_words() -> frozenset[str]:
    """Chinese function/generic words, plus English ones (wordcloud's list and our own)."""
    english = {w.lower() for w in WORDCLOUD_STOPWORDS} | set(_data_lines("stopwords_en.txt"))
    return frozenset(_data_lines("stopwords_zh.txt")) | frozenset(english)


@cache
def _tokenizer() -> jieba.Tokenizer:
    # A private tokenizer so our domain words do not change jieba for anyone else.
    jieba.setLogLevel(logging.WARNING)  # jieba logs "Building prefix dict..." on first use
    tokenizer = jieba.Tokenizer()
    for line in _data_lines("jieba_userdict.txt"):
        word, freq, *tag = line.split()
        tokenizer.add_word(word, int(freq), tag[0] if tag else None)
    return tokenizer


def _normalise_case(term: str) -> str:
    """"Large Language Models" and "large language models" are one term; "LLM", "CoDance" keep case."""
    return _CAPITALISED.sub(lambda m: m.group().lower(), " ".join(term.split()))


def chinese_terms(text: str) -> list[str]:
    """Content words of Chinese text: jieba for the Chinese, English names kept whole
    ("ABC-Bench", "SAM3"), without URLs, numbers, punctuation or stop words."""
    stops = stop_words()
    terms = []
    # Odd items of the split are the Latin names; jieba would cut "ABC-Bench" into three. A URL
    # stops at the Chinese written right after it (text.URL), which is counted.
    for i, part in enumerate(_LATIN_NAME.split(without_urls(text))):
        tokens = [part] if i % 2 else _tokenizer().cut(part)
        for token in tokens:
            token = token.strip()
            if len(token) >= 2 and token.lower() not in stops and (i % 2 or has_cjk(token)):
                terms.append(token)  # names as written: "Medical SAM3" is not "medical"
    return terms


def english_title_terms(title: str) -> list[str]:
    stops = stop_words()
    return [
        _normalise_case(word)
        for word in _TITLE_WORD.findall(title)
        if len(word) >= 3 and word.lower() not in stops
    ]


def paper_terms(entry: PaperEntry) -> list[str]:
    """Words describing one paper, with repeats: HF's ai_keywords kept whole (multi-word terms
    are one token), plus the Chinese title and abstract. Untranslated papers add their English
    title words only when HF gave no keywords: single title words ("language") are vaguer."""
    terms = [_normalise_case(k) for k in entry.paper.ai_keywords if k.strip()]
    if entry.translation:
        terms += chinese_terms(entry.translation.title_zh)
        terms += chinese_terms(entry.translation.summary_zh)
    elif not terms:
        terms += english_title_terms(entry.paper.title)
    return terms


def _variant_key(term: str) -> str:
    """"LLMs"/"LLM" and "large language models"/"large language model" are one term."""
    key = term.lower()
    return key[:-1] if key.endswith("s") and not key.endswith(("ss", "is", "us")) and len(key) > 3 else key


def _merge_variants(counts: Counter[str]) -> dict[str, str]:
    """Surface form → the form shown for its group (the most used one)."""
    best: dict[str, str] = {}
    for term, n in counts.most_common():
        best.setdefault(_variant_key(term), term)
    return {term: best[_variant_key(term)] for term in counts}


def _paper_term_lists(record: DayRecord) -> list[list[str]]:
    lists = [paper_terms(entry) for entry in record.papers]
    shown = _merge_variants(Counter(t for terms in lists for t in terms))
    return [[shown[t] for t in terms] for terms in lists]


def term_counts(record: DayRecord) -> Counter[str]:
    """What the word cloud draws: each paper counts a term at most twice, so the words of the
    day (used by many papers) outweigh one abstract repeating its own vocabulary."""
    counts: Counter[str] = Counter()
    for terms in _paper_term_lists(record):
        counts.update({term: min(n, 2) for term, n in Counter(terms).items()})
    return counts


def top_keywords(record: DayRecord, n: int = TOP_KEYWORDS) -> list[KeywordCount]:
    """The day's topics: terms used by the most papers, then by occurrences, then by name."""
    occurrences: Counter[str] = Counter()
    papers: Counter[str] = Counter()
    for terms in _paper_term_lists(record):
        occurrences.update(terms)
        papers.update(set(terms))
    ranked = sorted(occurrences, key=lambda w: (-papers[w], -occurrences[w], w))
    return [KeywordCount(word=w, papers=papers[w], count=occurrences[w]) for w in ranked[:n]]


# --- the day and its trend ----------------------------------------------------------------


def trend_point(record: DayRecord) -> TrendPoint:
    return TrendPoint(date=record.date, total=len(record.papers), fields=field_counts(record.papers))


def recent_window(today: TrendPoint, history: list[TrendPoint], days: int) -> list[TrendPoint]:
    """The last ``days`` points up to ``today``, oldest first; today's fresh point replaces a stored one."""
    earlier = {p.date: p for p in history if p.date < today.date}
    return [*sorted(earlier.values(), key=lambda p: p.date)[-(days - 1) :], today] if days > 1 else [today]


def compute_stats(record: DayRecord, history: list[TrendPoint], window_days: int) -> DayStats:
    """``window_days``: the trend setting (``HFDAILY_TREND_DAYS``), the same window the chart shows."""
    today = trend_point(record)
    window = recent_window(today, history, window_days)
    return DayStats(
        date=record.date,
        total=today.total,
        translated=sum(e.translation is not None for e in record.papers),
        analysed=sum(e.analysis is not None for e in record.papers),
        fields=today.fields,
        keywords=top_keywords(record),
        window=window,
        window_mean=round(sum(p.total for p in window) / len(window), 2),
    )
