"""Followed terms as words to look for: a Chinese term (智能体) also matches the English words it
translates to (agent, agents, agentic), so it finds papers of an archive made with ``--no-llm``."""

from __future__ import annotations

from functools import cache
from importlib import resources

from hfdaily.text import has_cjk


@cache
def glossary() -> dict[str, tuple[str, ...]]:
    found = {}
    for line in resources.files("hfdaily").joinpath("data/glossary_zh_en.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            zh, en = line.split("\t", 1)
            found[zh.strip()] = tuple(w.strip().lower() for w in en.split("|") if w.strip())
    return found


@cache
def expand(term: str) -> tuple[str, ...]:
    """The term itself and its English translations (longest glossary entries inside it too:
    多模态推理 → multimodal, vision-language, reasoning)."""
    term = term.strip()
    words = [term.lower()]
    if has_cjk(term):
        table = glossary()
        if term in table:
            words += table[term]
        else:
            rest = term
            for zh in sorted(table, key=len, reverse=True):
                if zh in rest:
                    words += table[zh]
                    rest = rest.replace(zh, " ")
    return tuple(dict.fromkeys(w for w in words if w))


def matches(term: str, text: str) -> str | None:
    """The word of ``term`` (or of its translations) found in ``text``, else None. English words match
    at a word start ("agent" finds "agents", "RL" not "world"); Chinese anywhere. (str.find, not a
    regex: ranking 10,000 papers asks this 10,000 times.)"""
    low = text.lower()
    for word in expand(term):
        at = low.find(word)
        while at >= 0:
            if has_cjk(word) or at == 0 or not low[at - 1].isalnum():
                return text[at:at + len(word)]
            at = low.find(word, at + 1)
    return None
