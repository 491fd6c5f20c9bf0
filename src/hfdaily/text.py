"""CJK text helpers in one place: how Chinese a text is, where its URLs are, its first sentence.

Numbers (what a text states, and whether another text states the same) live in
``hfdaily.enrich.numbers``.
"""

from __future__ import annotations

import re

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN = re.compile(r"[A-Za-z]")
# Chinese puts no space after a URL ("见https://github.com/a/b，其中…"): a URL stops at CJK text,
# full-width punctuation, quotes and brackets, and gives back the sentence punctuation it ends with.
URL = re.compile(r"(?:https?://|www\.)[^\s<>\"'()（）\[\]{}，。；：！？、“”‘’《》【】\u3400-\u4dbf\u4e00-\u9fff]+"
                 r"(?<![.,;:!?])")


def without_urls(text: str) -> str:
    """The text with every URL blanked to spaces (offsets are kept)."""
    return URL.sub(lambda m: " " * len(m.group()), text)


def cjk_share(text: str) -> float:
    """Share of CJK characters among CJK + Latin letters (English terms kept whole are fine; URLs don't count)."""
    text = without_urls(text)
    cjk, latin = len(_CJK.findall(text)), len(_LATIN.findall(text))
    return cjk / (cjk + latin) if cjk + latin else 0.0


def has_cjk(text: str) -> bool:
    return bool(_CJK.search(text))


_SENTENCE_END = re.compile(r"(?<=[。！？])|(?<=[.!?])\s")
_EMPHASIS = re.compile(r"\*\*|__|`")


def first_sentence(text: str) -> str:
    """The first sentence of a Chinese or English text."""
    return _SENTENCE_END.split(text.strip(), maxsplit=1)[0].strip()


def plain(text: str) -> str:
    """LLM text without Markdown emphasis, for places that are not Markdown (pictures, speech, feeds)."""
    return _EMPHASIS.sub("", text)
