"""The SQLite working store: LLM response cache, a log of every LLM call, runs, read documents.

The durable record is ``OUT/data/DATE.json`` (see ``record.py``); this database is a cache and
a log beside it. Every write commits at once (WAL mode), so a run killed with ``kill -9`` keeps
every LLM answer it had received and the next run pays for none of them again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sqlite3
from pathlib import Path

from hfdaily.errors import StoreError
from hfdaily.models import Document, Usage

SCHEMA = """
CREATE TABLE IF NOT EXISTS llm_cache (
    key TEXT PRIMARY KEY,
    task TEXT NOT NULL,
    model TEXT NOT NULL,
    prompt_version TEXT NOT NULL,
    response TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS llm_calls (
    id INTEGER PRIMARY KEY,
    run_id INTEGER,
    task TEXT NOT NULL,
    paper_id TEXT,
    model TEXT NOT NULL,
    prompt TEXT NOT NULL,
    response TEXT,
    prompt_tokens INTEGER,
    completion_tokens INTEGER,
    latency_ms INTEGER,
    status TEXT NOT NULL,          -- ok | invalid | error
    error TEXT,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY,
    date TEXT NOT NULL,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    status TEXT NOT NULL,          -- running | ok | failed
    summary TEXT
);
CREATE TABLE IF NOT EXISTS documents (
    arxiv_id TEXT PRIMARY KEY,
    source TEXT NOT NULL,
    document TEXT NOT NULL,
    fetched_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS day_lists (
    date TEXT PRIMARY KEY,
    papers TEXT NOT NULL,          -- JSON list of Paper
    fetched_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS day_list_failures (
    date TEXT PRIMARY KEY,         -- a past day HF could not list: not asked again for a while
    failed_at TEXT NOT NULL,
    error TEXT
);
"""

REBUILD_HINT = ("it is only a cache beside OUT/data, so nothing is lost: move it away "
                "(or delete it) and run `hfdaily rebuild --out OUT`, then run again")


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def cache_key(task: str, model: str, prompt_version: str, payload: object) -> str:
    blob = json.dumps([task, model, prompt_version, payload], ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()


def unusable(path: Path, exc: Exception) -> StoreError:
    """The one message for a store that cannot be read: what is wrong and what to do."""
    return StoreError(f"the store {path} cannot be used ({exc}); {REBUILD_HINT}")


class Store:
    def __init__(self, path: Path):
        self.path = path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            if path.is_dir():
                raise sqlite3.DatabaseError("it is a folder")
            # isolation_level=None: autocommit, every statement is durable on its own.
            self.db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
            self.db.row_factory = sqlite3.Row
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA busy_timeout=10000")
            self.db.executescript(SCHEMA)
            self.db.execute("SELECT COUNT(*) FROM llm_calls").fetchone()  # reads pages: finds corruption now
        except sqlite3.DatabaseError as exc:
            raise unusable(path, exc) from exc

    def close(self) -> None:
        self.db.close()

    # --- LLM cache and log ----------------------------------------------------------------
    def cached_response(self, key: str) -> str | None:
        row = self.db.execute("SELECT response FROM llm_cache WHERE key = ?", (key,)).fetchone()
        return row["response"] if row else None

    def cache_response(self, key: str, task: str, model: str, prompt_version: str, response: str) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO llm_cache VALUES (?, ?, ?, ?, ?, ?)",
            (key, task, model, prompt_version, response, _now()),
        )

    def log_call(self, *, run_id: int | None, task: str, paper_id: str | None, model: str, prompt: object,
                 response: str | None, prompt_tokens: int | None, completion_tokens: int | None,
                 latency_ms: int, status: str, error: str | None = None) -> None:
        self.db.execute(
            "INSERT INTO llm_calls (run_id, task, paper_id, model, prompt, response, prompt_tokens,"
            " completion_tokens, latency_ms, status, error, created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            (run_id, task, paper_id, model, json.dumps(prompt, ensure_ascii=False), response,
             prompt_tokens, completion_tokens, latency_ms, status, error, _now()),
        )

    # --- runs ------------------------------------------------------------------------------
    def start_run(self, date: dt.date) -> int:
        cur = self.db.execute(
            "INSERT INTO runs (date, started_at, status) VALUES (?, ?, 'running')", (date.isoformat(), _now())
        )
        return int(cur.lastrowid)

    def abandon_running(self) -> int:
        """Runs still marked ``running`` were killed (the caller holds the folder's lock)."""
        cur = self.db.execute("UPDATE runs SET status = 'killed' WHERE status = 'running'")
        return cur.rowcount

    def spent_on(self, date: dt.date) -> Usage:
        """What every run of ``date`` paid, from the call log: each answer is logged the moment it
        arrives, so this is exact after a kill (the record's copy is saved only per paper)."""
        row = self.db.execute(
            "SELECT COUNT(*), COALESCE(SUM(c.prompt_tokens), 0), COALESCE(SUM(c.completion_tokens), 0)"
            " FROM llm_calls c JOIN runs r ON r.id = c.run_id WHERE r.date = ? AND c.status IN ('ok', 'invalid')",
            (date.isoformat(),),
        ).fetchone()
        return Usage(calls=row[0], prompt_tokens=row[1], completion_tokens=row[2])

    def finish_run(self, run_id: int, status: str, summary: dict) -> None:
        self.db.execute(
            "UPDATE runs SET finished_at = ?, status = ?, summary = ? WHERE id = ?",
            (_now(), status, json.dumps(summary, ensure_ascii=False), run_id),
        )

    # --- read documents ------------------------------------------------------------------------
    def document(self, arxiv_id: str) -> Document | None:
        row = self.db.execute("SELECT document FROM documents WHERE arxiv_id = ?", (arxiv_id,)).fetchone()
        return Document.model_validate_json(row["document"]) if row else None

    def save_document(self, arxiv_id: str, doc: Document) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO documents VALUES (?, ?, ?, ?)",
            (arxiv_id, doc.source, doc.model_dump_json(), _now()),
        )

    # --- other days' paper lists, for the trend chart ----------------------------------------
    def day_list(self, date: dt.date) -> str | None:
        row = self.db.execute("SELECT papers FROM day_lists WHERE date = ?", (date.isoformat(),)).fetchone()
        return row["papers"] if row else None

    def save_day_list(self, date: dt.date, papers_json: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO day_lists VALUES (?, ?, ?)", (date.isoformat(), papers_json, _now()))
        self.db.execute("DELETE FROM day_list_failures WHERE date = ?", (date.isoformat(),))

    def drop_day_list(self, date: dt.date) -> None:
        self.db.execute("DELETE FROM day_lists WHERE date = ?", (date.isoformat(),))

    def day_list_failed_recently(self, date: dt.date, hours: float) -> bool:
        row = self.db.execute("SELECT failed_at FROM day_list_failures WHERE date = ?", (date.isoformat(),)).fetchone()
        if row is None:
            return False
        age = dt.datetime.now(dt.timezone.utc) - dt.datetime.fromisoformat(row["failed_at"])
        return age < dt.timedelta(hours=hours)

    def day_list_failed(self, date: dt.date, error: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO day_list_failures VALUES (?, ?, ?)", (date.isoformat(), _now(), error))
