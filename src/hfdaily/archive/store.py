"""The SQLite working store: LLM response cache, a log of every LLM call, runs, read documents.

The durable record is ``OUT/data/DATE.json`` (see ``record.py``); this database is a cache and
a log beside it. Every write commits at once (WAL mode), so a run killed with ``kill -9`` keeps
every LLM answer it had received and the next run pays for none of them again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

from hfdaily.archive.migrations import REBUILD_HINT, connect, unusable  # noqa: F401  (re-exported)
from hfdaily.models import Document, Usage
from hfdaily.redaction import scrub


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def cache_key(task: str, model: str, prompt_version: str, payload: object) -> str:
    blob = json.dumps([task, model, prompt_version, payload], ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()


class Store:
    def __init__(self, path: Path):
        # Autocommit: every statement is durable on its own. The schema is migrated on opening;
        # a damaged file is a StoreError that says to run `hfdaily rebuild`.
        self.path = path
        self.db = connect(path)

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
                 latency_ms: int, status: str, error: str | None = None, date: dt.date | None = None,
                 reasoning_tokens: int | None = None) -> None:
        self.db.execute(
            "INSERT INTO llm_calls (run_id, task, paper_id, model, prompt, response, prompt_tokens,"
            " completion_tokens, latency_ms, status, error, created_at, date, reasoning_tokens)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (run_id, task, paper_id, model, json.dumps(prompt, ensure_ascii=False), response,
             prompt_tokens, completion_tokens, latency_ms, status, error, _now(),
             date.isoformat() if date else None, reasoning_tokens),
        )

    def asked_about(self, paper_ids: list[str]) -> bool:
        """Whether the LLM was ever called (successfully or not) about any of these papers."""
        if not paper_ids:
            return False
        marks = ",".join("?" * len(paper_ids))
        return self.db.execute(f"SELECT 1 FROM llm_calls WHERE paper_id IN ({marks}) LIMIT 1", paper_ids).fetchone() is not None

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
        """What ``date`` paid, from the call log: each answer is logged the moment it arrives, so
        this is exact after a kill or beside another run. A call is charged to the day it was made
        for (a backfill makes many days in one run); calls logged before that column existed, to
        their run's day."""
        row = self.db.execute(
            "SELECT COUNT(*), COALESCE(SUM(c.prompt_tokens), 0), COALESCE(SUM(c.completion_tokens), 0),"
            " COALESCE(SUM(c.reasoning_tokens), 0)"
            " FROM llm_calls c LEFT JOIN runs r ON r.id = c.run_id"
            " WHERE COALESCE(c.date, r.date) = ? AND c.status IN ('ok', 'invalid')",
            (date.isoformat(),),
        ).fetchone()
        return Usage(calls=row[0], prompt_tokens=row[1], completion_tokens=row[2], reasoning_tokens=row[3])

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
            (arxiv_id, doc.source, scrub(doc.model_dump_json()), _now()),
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
