"""Text helpers shared by the checks and the pictures: how Chinese a text is, where its URLs are.

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
