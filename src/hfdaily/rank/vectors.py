"""Every paper's vector and its nearest papers, kept in ``OUT/hfdaily.db`` and brought up to date
incrementally: a new day costs the vectors of its own papers, one product with the archive, and
the neighbour lists those papers enter.

    with Index.open(out, extra=[RANK]) as index:
        vectors = Vectors.update(out, index)       # fit (first time), project new papers, link
        vectors.similar("2510.08558", top=8)
"""

from __future__ import annotations

import datetime as dt
import logging
import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from hfdaily.archive.index import Index, PaperRow
from hfdaily.archive.migrations import Migrations
from hfdaily.rank.model import DIM, MIN_PAPERS, Model, paper_text, text_hash

log = logging.getLogger("hfdaily.rank")

RANK = Migrations("rank")
NEIGHBOURS = 8  # kept per paper; pages show them all, `similar --top` at most this many from the store
REFIT_GROWTH = 2.0  # fit again when the archive has grown this much since the last fit


@RANK.migration
def create_tables(db: sqlite3.Connection) -> None:
    db.execute("CREATE TABLE rank_vectors (paper_id TEXT PRIMARY KEY, text_hash TEXT NOT NULL, model TEXT NOT NULL,"
               " vector BLOB NOT NULL)")
    db.execute("CREATE TABLE rank_similar (paper_id TEXT NOT NULL, position INTEGER NOT NULL, neighbour TEXT NOT NULL,"
               " score REAL NOT NULL, PRIMARY KEY (paper_id, position))")


def model_path(out: Path) -> Path:
    return out / "rank" / "model.npz"


@dataclass
class Neighbour:
    paper_id: str
    score: float


@dataclass
class UpdateReport:
    fitted: bool = False
    encoded: int = 0  # papers whose vector was computed
    relinked: set[str] = field(default_factory=set)  # papers whose neighbour list changed
    seconds: float = 0.0
    note: str = ""

    def line(self) -> str:
        if self.note:
            return f"similar papers: none yet ({self.note})"
        return (f"similar papers: {self.encoded} vectors computed{' (model fitted)' if self.fitted else ''}, "
                f"{len(self.relinked)} neighbour lists changed in {self.seconds:.1f} s")


def latest_papers(index: Index) -> dict[str, PaperRow]:
    """Each paper once, as of the last day it was listed."""
    papers: dict[str, PaperRow] = {}
    for row in index.papers():  # newest day first
        papers.setdefault(row.paper_id, row)
    return papers


def text_of(row: PaperRow) -> str:
    return paper_text(row.title, row.summary, row.keywords)


class Vectors:
    """The archive's vectors in memory (ids in a stable order, one matrix) and the model."""

    def __init__(self, index: Index, model: Model | None, ids: list[str], matrix: np.ndarray, papers: dict[str, PaperRow]):
        self.index, self.model, self.ids, self.matrix, self.papers = index, model, ids, matrix, papers
        self.position = {pid: i for i, pid in enumerate(ids)}

    @classmethod
    def update(cls, out: Path, index: Index, papers: dict[str, PaperRow] | None = None,
               report: UpdateReport | None = None) -> Vectors:
        """Bring vectors and neighbour lists up to date with the index (which the caller refreshed)."""
        started = time.perf_counter()
        report = report if report is not None else UpdateReport()
        RANK.apply(index.db)
        papers = papers if papers is not None else latest_papers(index)
        texts = {pid: text_of(row) for pid, row in papers.items()}
        model = Model.load(model_path(out))
        if model is None and len(papers) < MIN_PAPERS:
            report.seconds = time.perf_counter() - started
            report.note = f"{len(papers)} papers: similar papers start at {MIN_PAPERS}"
            return cls(index, None, [], np.zeros((0, DIM), np.float32), papers)
        if model is None or len(papers) >= REFIT_GROWTH * model.papers and len(papers) > model.papers:
            model = Model.fit(list(texts.values()))
            model.save(model_path(out))
            report.fitted = True
        version = model.version
        db = index.db
        stored = {pid: (h, m) for pid, h, m in db.execute("SELECT paper_id, text_hash, model FROM rank_vectors")}
        hashes = {pid: text_hash(t) for pid, t in texts.items()}
        todo = [pid for pid in papers if stored.get(pid) != (hashes[pid], version)]
        gone = [pid for pid in stored if pid not in papers]
        new_vectors = model.encode([texts[pid] for pid in todo]) if todo else np.zeros((0, DIM), np.float32)
        db.execute("BEGIN IMMEDIATE")
        try:
            db.executemany("DELETE FROM rank_vectors WHERE paper_id = ?", [(p,) for p in gone])
            db.executemany("DELETE FROM rank_similar WHERE paper_id = ? OR neighbour = ?", [(p, p) for p in gone])
            db.executemany("INSERT OR REPLACE INTO rank_vectors VALUES (?,?,?,?)",
                           [(pid, hashes[pid], version, vec.astype(np.float32).tobytes())
                            for pid, vec in zip(todo, new_vectors)])
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        report.encoded = len(todo)
        ids = sorted(papers)
        fresh = dict(zip(todo, new_vectors))
        rows = {pid: blob for pid, blob in db.execute("SELECT paper_id, vector FROM rank_vectors")}
        matrix = np.zeros((len(ids), DIM), dtype=np.float32)
        for i, pid in enumerate(ids):
            matrix[i] = fresh[pid] if pid in fresh else np.frombuffer(rows[pid], dtype=np.float32)
        vectors = cls(index, model, ids, matrix, papers)
        vectors._link(set(todo) | set(gone) if not report.fitted else set(ids), report)
        report.seconds = time.perf_counter() - started
        return vectors

    def _link(self, changed: set[str], report: UpdateReport) -> None:
        """Neighbour lists of the changed papers, and of every paper one of them now enters or leaves."""
        db = self.index.db
        current: dict[str, list[tuple[str, float]]] = {}
        for pid, _, neighbour, score in db.execute("SELECT * FROM rank_similar ORDER BY paper_id, position"):
            current.setdefault(pid, []).append((neighbour, score))
        changed_rows = [self.position[p] for p in changed if p in self.position]
        recompute = {p for p in changed if p in self.position}
        if changed_rows:
            # Old papers a changed one now beats (or that lost a neighbour) get their list again.
            scores = self.matrix @ self.matrix[changed_rows].T  # (all, changed)
            best = scores.max(axis=1)
            for i, pid in enumerate(self.ids):
                have = current.get(pid, [])
                if pid in recompute:
                    continue
                if len(have) < NEIGHBOURS or best[i] > have[-1][1] - 1e-6 or any(n in changed for n, _ in have):
                    recompute.add(pid)
        new_lists = {}
        order = sorted(recompute)
        for start in range(0, len(order), 512):
            chunk = order[start:start + 512]
            rows = [self.position[p] for p in chunk]
            scores = self.matrix[rows] @ self.matrix.T
            scores[np.arange(len(rows)), rows] = -np.inf  # not its own neighbour
            k = min(NEIGHBOURS, len(self.ids) - 1)
            if k <= 0:
                for pid in chunk:
                    new_lists[pid] = []
                continue
            top = np.argpartition(-scores, k - 1, axis=1)[:, :k]
            for pid, row, cols in zip(chunk, scores, top):
                cols = cols[np.argsort(-row[cols])]
                new_lists[pid] = [(self.ids[c], round(float(row[c]), 4)) for c in cols if row[c] > 0]
        db.execute("BEGIN IMMEDIATE")
        try:
            for pid, items in new_lists.items():
                if [(n, round(s, 4)) for n, s in current.get(pid, [])] == items:
                    continue
                report.relinked.add(pid)
                db.execute("DELETE FROM rank_similar WHERE paper_id = ?", (pid,))
                db.executemany("INSERT INTO rank_similar VALUES (?,?,?,?)",
                               [(pid, i, n, s) for i, (n, s) in enumerate(items)])
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise

    # --- reading --------------------------------------------------------------------------------
    def stored_neighbours(self) -> dict[str, list[Neighbour]]:
        found: dict[str, list[Neighbour]] = {}
        for pid, _, neighbour, score in self.index.db.execute("SELECT * FROM rank_similar ORDER BY paper_id, position"):
            found.setdefault(pid, []).append(Neighbour(neighbour, score))
        return found

    def vector(self, paper_id: str) -> np.ndarray | None:
        i = self.position.get(paper_id)
        return self.matrix[i] if i is not None else None

    def similar(self, paper_id: str, top: int = NEIGHBOURS, among: set[str] | None = None) -> list[Neighbour]:
        """The ``top`` nearest papers to ``paper_id`` (only those in ``among`` when given)."""
        i = self.position[paper_id]
        scores = self.matrix @ self.matrix[i]
        scores[i] = -np.inf
        if among is not None:
            mask = np.array([pid in among for pid in self.ids])
            scores[~mask] = -np.inf
        order = np.argsort(-scores)[:top]
        return [Neighbour(self.ids[j], round(float(scores[j]), 4)) for j in order if np.isfinite(scores[j])]


def listed_between(index: Index, since: dt.date | None, until: dt.date | None) -> set[str]:
    sql = "SELECT DISTINCT paper_id FROM papers WHERE date >= ? AND date <= ?"
    return {r[0] for r in index.db.execute(sql, (since.isoformat() if since else "", until.isoformat() if until else "9999"))}
