"""What the reader's site gets from the ranking: each paper's 相关论文, and the vectors the browser
ranks with (``vectors/DATE.js``: the day's papers as int8, base64; loaded only when a reader has a
profile, and from a script tag so that it works from ``file://`` too)."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from hfdaily.archive.index import Index
from hfdaily.rank.model import DIM, quantise
from hfdaily.rank.vectors import UpdateReport, Vectors


@dataclass(frozen=True)
class Related:
    paper_id: str
    title: str  # Chinese when translated
    date: str  # the last day it was listed
    upvotes: int
    score: float


def site_vectors(out: Path, index: Index) -> tuple[Vectors, dict[str, list[Related]], UpdateReport]:
    """Vectors brought up to date (a new day costs its own papers) and every paper's related list."""
    report = UpdateReport()
    vectors = Vectors.update(out, index, report=report)
    related = {}
    for pid, items in vectors.stored_neighbours().items():
        related[pid] = [Related(n.paper_id, vectors.papers[n.paper_id].display_title,
                                vectors.papers[n.paper_id].date.isoformat(), vectors.papers[n.paper_id].upvotes,
                                n.score) for n in items if n.paper_id in vectors.papers]
    return vectors, related, report


def model_version(vectors: Vectors) -> str:
    return vectors.model.version if vectors.model is not None else "none"


def day_vectors_js(vectors: Vectors, date: str, ids: list[str]) -> str:
    """The script that hands the day's vectors to the page (``hfdailyVectors``), ids in card order."""
    known = [pid for pid in ids if pid in vectors.position]
    matrix = vectors.matrix[[vectors.position[p] for p in known]] if known else np.zeros((0, DIM), np.float32)
    payload = {"date": date, "dim": DIM, "ids": known, "q": base64.b64encode(quantise(matrix).tobytes()).decode()}
    return f"window.hfdailyVectors&&window.hfdailyVectors({json.dumps(payload, separators=(',', ':'))});\n"


def glossary_js() -> str:
    """The glossary for the browser: a Chinese followed term matches English papers there too."""
    from hfdaily.rank.glossary import glossary

    data = {zh: list(en) for zh, en in glossary().items()}
    return f"window.hfdailyGlossary={json.dumps(data, ensure_ascii=False, separators=(',', ':'))};\n"
