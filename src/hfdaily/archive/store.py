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

from hfdaily.archive.migrations import connect
from hfdaily.models import Document


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def cache_key(task: str, model: str, prompt_version: str, payload: object) -> str:
    blob = json.dumps([task, model, prompt_version, payload], ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()


class Store:
    def __init__(self, path: Path):
        # Autocommit: every statement is durable on its own. The schema is migrated on opening.
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
                 latency_ms: int, status: str, error: str | None = None) -> None:
        self.db.execute(
            "INSERT INTO llm_calls (run_id, task, paper_id, model, prompt, response, prompt_tokens,"
            " completion_tokens, latency_ms, status, error, created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            (run_id, task, paper_id, model, json.dumps(prompt, ensure_ascii=False), response,
             prompt_tokens, completion_tokens, latency_ms, status, error, _now()),
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
