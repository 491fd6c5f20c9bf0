"""The papers' representation: TF-IDF over the archive, reduced by truncated SVD (LSA) to ``DIM`` numbers.

Chosen by measurement (``bench/recommend_quality.py`` on ``bench/judged/``): it ranks as well as
arxiv-sanity-lite's per-reader SVM on TF-IDF, better than the static word embeddings that ship in a
wheel (wordllama), and it needs nothing but scikit-learn. Its vectors are small and dense, so the
site ships them (int8) and the browser ranks with the same arithmetic as ``hfdaily recommend``.

The model is fitted once on the archive and kept in ``OUT/rank/model.npz`` (derived: delete it
and the next publish fits again); a new paper is *projected* with it, so a new day costs its own
papers. When the archive has doubled since the fit, the next publish fits again (and every vector
is recomputed once).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np

DIM = 128
MAX_TERMS = 20_000  # vocabulary (unigrams): the browser needs this table only to import a .bib
MIN_PAPERS = 50  # an archive smaller than this has no model yet (and no 相关论文): too few papers to learn words from
TOKEN = r"(?u)\b[a-zA-Z][a-zA-Z0-9\-]+\b"
_TOKEN = re.compile(TOKEN)


def paper_text(title: str, summary: str, keywords: list[str] | tuple[str, ...] = ()) -> str:
    """What a paper is represented by: its title twice (titles are dense), abstract, HF keywords."""
    return f"{title}. {title}. {summary} {' '.join(keywords)}"


def text_hash(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=8).hexdigest()


@dataclass
class Model:
    vocabulary: list[str]
    idf: np.ndarray  # (V,)
    components: np.ndarray  # (DIM, V): the SVD's rows
    papers: int  # how many papers it was fitted on

    @property
    def version(self) -> str:
        digest = hashlib.blake2b(digest_size=6)
        digest.update(self.components[:, :50].astype(np.float32).tobytes())
        digest.update(str(self.papers).encode())
        return digest.hexdigest()

    @classmethod
    def fit(cls, texts: list[str]) -> Model:
        from sklearn.decomposition import TruncatedSVD
        from sklearn.feature_extraction.text import TfidfVectorizer

        vectorizer = TfidfVectorizer(sublinear_tf=True, stop_words="english", token_pattern=TOKEN, lowercase=True,
                                     min_df=2, max_df=0.5,
                                     max_features=MAX_TERMS, dtype=np.float32)
        matrix = vectorizer.fit_transform(texts)
        vocabulary = vectorizer.get_feature_names_out().tolist()
        dim = min(DIM, max(1, min(matrix.shape) - 1))
        svd = TruncatedSVD(dim, algorithm="randomized", n_iter=4, random_state=0)
        svd.fit(matrix)
        components = np.zeros((DIM, len(vocabulary)), dtype=np.float32)
        components[:dim] = svd.components_
        return cls(vocabulary, vectorizer.idf_.astype(np.float32), components, len(texts))

    def encode(self, texts: list[str]) -> np.ndarray:
        """Unit vectors (n, DIM), float32; a text with no known word is the zero vector.

        TF-IDF as scikit-learn computes it (sublinear tf × idf, L2-normalised), in plain numpy: a
        publish that only projects a day's papers does not pay for importing scikit-learn."""
        lookup = self._lookup
        vectors = np.zeros((len(texts), DIM), dtype=np.float32)
        for row, text in enumerate(texts):
            counts: dict[int, int] = {}
            for word in _TOKEN.findall(text.lower()):
                if (i := lookup.get(word)) is not None:
                    counts[i] = counts.get(i, 0) + 1
            if not counts:
                continue
            cols = np.fromiter(counts, dtype=np.int64, count=len(counts))
            weights = (1 + np.log(np.fromiter(counts.values(), dtype=np.float32, count=len(counts)))) * self.idf[cols]
            weights /= np.linalg.norm(weights)
            vectors[row] = self.components[:, cols] @ weights
        return normalise(vectors)

    @cached_property
    def _lookup(self) -> dict[str, int]:
        return {w: i for i, w in enumerate(self.vocabulary)}

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.tmp.npz")
        np.savez_compressed(tmp, vocabulary=np.array(self.vocabulary), idf=self.idf, components=self.components,
                            papers=np.array([self.papers]))
        tmp.replace(path)

    @classmethod
    def load(cls, path: Path) -> Model | None:
        try:
            with np.load(path) as data:
                return cls(data["vocabulary"].tolist(), data["idf"], data["components"], int(data["papers"][0]))
        except (OSError, ValueError, KeyError):
            return None  # absent or damaged: derived, fitted again


def normalise(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return np.divide(vectors, norms, out=np.zeros_like(vectors), where=norms > 0)


def quantise(vectors: np.ndarray) -> np.ndarray:
    """int8 (what the site ships): each vector scaled so its largest component is ±127 (only the
    direction matters: the browser normalises again)."""
    peak = np.abs(vectors).max(axis=1, keepdims=True)
    scaled = np.divide(vectors * 127, peak, out=np.zeros_like(vectors), where=peak > 0)
    return np.clip(np.round(scaled), -127, 127).astype(np.int8)
