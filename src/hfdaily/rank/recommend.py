"""A reader's order of the day: papers scored against a profile, each with the one reason that counts.

    score = mean cosine to the liked papers (and imported .bib entries)
          − DISLIKE_WEIGHT × mean cosine to the disliked ones
          + KEYWORD_WEIGHT if a followed term (or its English translation) is in the paper
A paper with a negative keyword is folded (it sinks below every other). The same arithmetic runs in
the browser (``publish/static/rank.js``) on the site's int8 vectors.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from hfdaily.archive.index import PaperRow
from hfdaily.errors import ConfigError
from hfdaily.rank import glossary
from hfdaily.rank.model import normalise, paper_text
from hfdaily.rank.vectors import Vectors

DISLIKE_WEIGHT = 0.5
KEYWORD_WEIGHT = 0.05


@dataclass
class Profile:
    liked: list[str] = field(default_factory=list)
    disliked: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    negative: list[str] = field(default_factory=list)
    texts: list[tuple[str, str]] = field(default_factory=list)  # (title, text) from a .bib/RIS file
    threshold: float | None = None

    @property
    def empty(self) -> bool:
        return not (self.liked or self.keywords or self.texts)


@dataclass
class Recommendation:
    id: str
    score: float
    why: str
    title: str
    date: str
    upvotes: int
    folded: bool = False

    def as_json(self) -> dict:
        return {"id": self.id, "score": self.score, "why": self.why, "title": self.title, "date": self.date,
                "upvotes": self.upvotes, "folded": self.folded}


def _searchable(row: PaperRow) -> str:
    return " ".join(filter(None, [row.title, row.summary, " ".join(row.keywords), row.title_zh or "",
                                  row.summary_zh or "", row.contribution or ""]))


def recommend(vectors: Vectors, profile: Profile, candidates: list[str]) -> list[Recommendation]:
    """``candidates`` ordered for ``profile``, best first (folded ones last)."""
    unknown = [pid for pid in profile.liked + profile.disliked if pid not in vectors.position]
    if unknown:
        raise ConfigError(f"not in the archive: {', '.join(unknown)} (liked/disliked papers must have been listed)")
    liked = [vectors.matrix[vectors.position[p]] for p in profile.liked]
    liked_titles = [vectors.papers[p].title for p in profile.liked]
    if profile.texts:
        liked += list(vectors.model.encode([t for _, t in profile.texts]))
        liked_titles += [title for title, _ in profile.texts]
    liked_matrix = normalise(np.array(liked, dtype=np.float32)) if liked else np.zeros((0, vectors.matrix.shape[1]), np.float32)
    disliked = np.array([vectors.matrix[vectors.position[p]] for p in profile.disliked], dtype=np.float32)
    items = []
    matrix = vectors.matrix[[vectors.position[pid] for pid in candidates]]
    all_sims = matrix @ liked_matrix.T  # (candidates, liked): one product, not one per paper
    base = all_sims.mean(axis=1) if len(liked_matrix) else np.zeros(len(candidates), np.float32)
    if len(disliked):
        base = base - DISLIKE_WEIGHT * (matrix @ disliked.T).mean(axis=1)
    nearest = all_sims.argmax(axis=1).tolist() if len(liked_matrix) else [None] * len(candidates)
    for pid, best, score in zip(candidates, nearest, base.tolist()):
        row = vectors.papers[pid]
        text = _searchable(row)
        hit = next(((k, w) for k in profile.keywords if (w := glossary.matches(k, text))), None)
        if hit:
            score += KEYWORD_WEIGHT
        negative = next((k for k in profile.negative if glossary.matches(k, text)), None)
        if negative:
            why = f"含屏蔽词：{negative}"
        elif hit:
            why = f"关注词：{hit[0]}" + (f"（{hit[1]}）" if hit[1].lower() != hit[0].lower() else "")
        elif best is not None:
            why = f"接近你赞过的：{liked_titles[best]}（相似度 {all_sims[len(items), best]:.2f}）"
        else:
            why = "没有匹配你的关注"
        folded = bool(negative) or (profile.threshold is not None and score < profile.threshold)
        items.append(Recommendation(pid, round(score, 4), why, row.title, row.date.isoformat(), row.upvotes, folded))
    items.sort(key=lambda r: (r.folded, -r.score, -r.upvotes))
    return items


# --- reference files (BibTeX, RIS, Zotero's exports of either) ---------------------------------

_BIB_ENTRY = re.compile(r"@\w+\s*\{", re.MULTILINE)
_BIB_FIELD = re.compile(r"(\w+)\s*=\s*", re.MULTILINE)


def _bib_value(text: str, at: int) -> tuple[str, int]:
    """The value starting at ``at``: {…} with nesting, "…", or a bare word."""
    if at < len(text) and text[at] == "{":
        depth, i = 0, at
        while i < len(text):
            depth += {"{": 1, "}": -1}.get(text[i], 0)
            if depth == 0:
                return text[at + 1:i], i + 1
            i += 1
        return text[at + 1:], len(text)
    if at < len(text) and text[at] == '"':
        end = text.find('"', at + 1)
        end = len(text) if end < 0 else end
        return text[at + 1:end], end + 1
    match = re.match(r"[^,}\s]*", text[at:])
    return match.group(0), at + match.end()


def parse_references(path: Path) -> list[tuple[str, str]]:
    """(title, title + abstract) of every entry of a BibTeX or RIS file."""
    try:
        data = path.read_text(encoding="utf-8-sig", errors="replace")
    except OSError as exc:
        raise ConfigError(f"cannot read {path}: {exc.strerror or exc}") from None
    entries = parse_bibtex(data) if _BIB_ENTRY.search(data) else parse_ris(data)
    if not entries:
        raise ConfigError(f"{path}: no BibTeX (@article{{…}}) or RIS (TY  - …) entry with a title was found")
    return entries


def parse_bibtex(data: str) -> list[tuple[str, str]]:
    entries = []
    starts = [m.end() for m in _BIB_ENTRY.finditer(data)] + [len(data)]
    for start, end in zip(starts, starts[1:]):
        chunk, fields, at = data[start:end], {}, 0
        while (m := _BIB_FIELD.search(chunk, at)):
            value, at = _bib_value(chunk, m.end())
            fields.setdefault(m.group(1).lower(), " ".join(value.replace("{", "").replace("}", "").split()))
        if fields.get("title"):
            entries.append((fields["title"], f"{fields['title']}. {fields['title']}. {fields.get('abstract', '')} "
                                             f"{fields.get('keywords', '')}"))
    return entries


def parse_ris(data: str) -> list[tuple[str, str]]:
    entries, fields = [], {}
    for line in data.splitlines():
        m = re.match(r"^([A-Z][A-Z0-9])  - ?(.*)$", line)
        if not m:
            continue
        tag, value = m.group(1), m.group(2).strip()
        if tag == "ER":
            if fields.get("title"):
                entries.append((fields["title"], paper_text(fields["title"], fields.get("abstract", ""),
                                                            fields.get("keywords", []))))
            fields = {}
        elif tag in ("TI", "T1") and "title" not in fields:
            fields["title"] = value
        elif tag in ("AB", "N2"):
            fields["abstract"] = (fields.get("abstract", "") + " " + value).strip()
        elif tag == "KW":
            fields.setdefault("keywords", []).append(value)
    return entries
