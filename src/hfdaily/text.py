"""CJK text helpers in one place: how Chinese a text is, its numbers, its first sentence."""

from __future__ import annotations

import re

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN = re.compile(r"[A-Za-z]")
# 1,234.5 / 3.2% / 0.573 / 10^5 → the digits as written, commas dropped.
_NUMBER = re.compile(r"(?<![A-Za-z0-9_.])\d+(?:,\d{3})*(?:\.\d+)?")
_URL = re.compile(r"https?://\S+")


def cjk_share(text: str) -> float:
    """Share of CJK characters among CJK + Latin letters (English terms kept whole are fine)."""
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


def numbers_in(text: str) -> set[str]:
    """The numbers a text states, normalised (``1,000`` → ``1000``, ``3.50`` → ``3.50``); URLs ignored."""
    return {m.group().replace(",", "") for m in _NUMBER.finditer(_URL.sub(" ", text))}


def missing_numbers(source: str, target: str) -> list[str]:
    """Numbers of ``source`` that ``target`` does not state (``1.5`` may appear inside ``1.5M``)."""
    have = numbers_in(target)
    return sorted(n for n in numbers_in(source) if n not in have)
