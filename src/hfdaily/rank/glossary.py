"""Followed terms as words to look for: a Chinese term (智能体) also matches the English words it
translates to (agent, agents, agentic), so it finds papers of an archive made with ``--no-llm``."""

from __future__ import annotations

import re
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


def matcher(term: str) -> re.Pattern[str]:
    """English words match at a word start ("agent" finds "agents", "RL" not "world"); Chinese anywhere."""
    parts = [re.escape(w) if has_cjk(w) else r"\b" + re.escape(w) for w in expand(term)]
    return re.compile("|".join(parts), re.IGNORECASE)


def matches(term: str, text: str) -> str | None:
    """The word of ``term`` (or of its translations) found in ``text``, else None."""
    found = matcher(term).search(text)
    return found.group(0) if found else None
