"""Ordered schema migrations for ``OUT/hfdaily.db``, recorded in the database itself.

A :class:`Migrations` is a named, ordered list of functions; each takes the connection and changes
the schema. Applying a list runs, in order, the functions whose name is not yet in the
``_migrations`` table and records each one, in the same transaction as its change, so a migration
is never half applied and never applied twice.

The store and the index share :data:`CORE`. Another module that needs its own tables keeps its own
list (so two branches adding migrations never conflict in one file) and applies it when it opens::

    from hfdaily.archive.migrations import Migrations
    DELIVER = Migrations("deliver")

    @DELIVER.migration
    def m001_deliveries(db):
        db.execute("CREATE TABLE deliveries (date TEXT, channel TEXT, ...)")

    DELIVER.apply(index.db)     # or Index.open(out, extra=[DELIVER])

Names are recorded as ``"<list>:<function>"``; never rename or reorder a released migration, add a
new one instead.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable
from pathlib import Path

from hfdaily.errors import StoreError

REBUILD_HINT = ("it is only a cache beside OUT/data, so nothing is lost: move it away "
                "(or delete it) and run `hfdaily rebuild --out OUT`, then run again")

Migration = Callable[[sqlite3.Connection], None]


class Migrations:
    def __init__(self, name: str):
        self.name = name
        self.steps: list[Migration] = []

    def migration(self, fn: Migration) -> Migration:
        """Decorator: append ``fn`` to this list (order of definition is the order applied)."""
        self.steps.append(fn)
        return fn

    def key(self, fn: Migration) -> str:
        return f"{self.name}:{fn.__name__}"

    def pending(self, db: sqlite3.Connection) -> list[Migration]:
        _ensure_table(db)
        done = {row[0] for row in db.execute("SELECT name FROM _migrations")}
        return [fn for fn in self.steps if self.key(fn) not in done]

    def apply(self, db: sqlite3.Connection) -> list[str]:
        """Apply what is pending, each in its own transaction; returns the names applied."""
        if not self.pending(db):  # the common case costs one SELECT, no write lock
            return []
        applied = []
        for fn in self.steps:
            key = self.key(fn)
            # IMMEDIATE: two processes opening the same new database cannot both apply a step.
            db.execute("BEGIN IMMEDIATE")
            try:
                if db.execute("SELECT 1 FROM _migrations WHERE name = ?", (key,)).fetchone():
                    db.execute("ROLLBACK")
                    continue
                fn(db)
                db.execute("INSERT INTO _migrations (name, applied_at) VALUES (?, ?)",
                           (key, dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")))
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
            applied.append(key)
        return applied


def unusable(path: Path, exc: Exception) -> StoreError:
    """The one message for a store that cannot be read: what is wrong and what to do."""
    return StoreError(f"the store {path} cannot be used ({exc}); {REBUILD_HINT}")


def connect(path: Path) -> sqlite3.Connection:
    """A connection to ``OUT/hfdaily.db`` migrated to the latest core schema: autocommit
    (transactions are explicit), WAL so readers never block the writer, foreign keys on.
    A file that is not a usable database is a :class:`StoreError` saying what to do."""
    try:
        return _connect(path)
    except sqlite3.DatabaseError as exc:
        raise unusable(path, exc) from exc


def _connect(path: Path) -> sqlite3.Connection:
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.is_dir():
        raise sqlite3.DatabaseError("it is a folder")
    db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    db.row_factory = sqlite3.Row
    db.execute("PRAGMA journal_mode=WAL")
    # NORMAL in WAL mode: a commit is in the WAL (the OS's cache) before the call returns, so a
    # process killed with kill -9 keeps it; only a power cut can lose the last commits, never
    # corrupt the file. FULL cost an fsync per LLM answer (two statements each): ~1 ms apiece.
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute("PRAGMA busy_timeout=10000")
    db.execute("PRAGMA foreign_keys=ON")
    CORE.apply(db)
    db.execute("SELECT COUNT(*) FROM llm_calls").fetchone()  # reads the pages: finds corruption now, not mid-run
    return db


def _ensure_table(db: sqlite3.Connection) -> None:
    db.execute("CREATE TABLE IF NOT EXISTS _migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")


def applied(db: sqlite3.Connection) -> list[str]:
    _ensure_table(db)
    return [row[0] for row in db.execute("SELECT name FROM _migrations ORDER BY rowid")]


CORE = Migrations("hfdaily")

# The full-text tables as m002_index creates them; Index.rebuild() drops and creates them again
# (emptying an FTS5 table row by row costs seconds). A later migration that changes them must
# update this too.
SEARCH_TABLES = {
    "search_en": """CREATE VIRTUAL TABLE search_en USING fts5(
        title, summary, authors, keywords, tokenize='unicode61 remove_diacritics 2')""",
    "search_zh": "CREATE VIRTUAL TABLE search_zh USING fts5(title_zh, summary_zh, analysis, tokenize='trigram')",
}


@CORE.migration
def m001_store(db: sqlite3.Connection) -> None:
    """The store as hfdaily 0.1 made it, with no version. ``IF NOT EXISTS`` so that such a
    database is adopted as it is, keeping its cache and log."""
    for statement in (
        """CREATE TABLE IF NOT EXISTS llm_cache (
            key TEXT PRIMARY KEY, task TEXT NOT NULL, model TEXT NOT NULL, prompt_version TEXT NOT NULL,
            response TEXT NOT NULL, created_at TEXT NOT NULL)""",
        """CREATE TABLE IF NOT EXISTS llm_calls (
            id INTEGER PRIMARY KEY, run_id INTEGER, task TEXT NOT NULL, paper_id TEXT, model TEXT NOT NULL,
            prompt TEXT NOT NULL, response TEXT, prompt_tokens INTEGER, completion_tokens INTEGER,
            latency_ms INTEGER, status TEXT NOT NULL, error TEXT, created_at TEXT NOT NULL)""",
        """CREATE TABLE IF NOT EXISTS runs (
            id INTEGER PRIMARY KEY, date TEXT NOT NULL, started_at TEXT NOT NULL, finished_at TEXT,
            status TEXT NOT NULL, summary TEXT)""",
        """CREATE TABLE IF NOT EXISTS documents (
            arxiv_id TEXT PRIMARY KEY, source TEXT NOT NULL, document TEXT NOT NULL, fetched_at TEXT NOT NULL)""",
        """CREATE TABLE IF NOT EXISTS day_lists (
            date TEXT PRIMARY KEY, papers TEXT NOT NULL, fetched_at TEXT NOT NULL)""",
    ):
        db.execute(statement)


@CORE.migration
def m002_index(db: sqlite3.Connection) -> None:
    """The archive index, derived from ``OUT/data/*.json`` (see ``index.py``)."""
    for statement in (
        # One row per day record; ``content_hash`` (with size and mtime as a cheap first test)
        # tells whether the record changed since it was indexed.
        """CREATE TABLE days (
            date TEXT PRIMARY KEY, papers INTEGER NOT NULL, translated INTEGER NOT NULL,
            analysed INTEGER NOT NULL, has_report INTEGER NOT NULL, field_counts TEXT NOT NULL,
            updated_at TEXT, content_hash TEXT NOT NULL, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL,
            schema_version INTEGER NOT NULL)""",
        # A paper can be listed on two days: one row per (day, paper).
        """CREATE TABLE papers (
            id INTEGER PRIMARY KEY, date TEXT NOT NULL REFERENCES days(date) ON DELETE CASCADE,
            paper_id TEXT NOT NULL, rank INTEGER NOT NULL, title TEXT NOT NULL, summary TEXT NOT NULL,
            ai_summary TEXT, published_at TEXT NOT NULL, upvotes INTEGER NOT NULL, num_comments INTEGER NOT NULL,
            github_repo TEXT, github_stars INTEGER, project_page TEXT, organisation TEXT,
            UNIQUE (date, paper_id))""",
        "CREATE INDEX papers_paper_id ON papers(paper_id)",
        """CREATE TABLE authors (
            paper INTEGER NOT NULL REFERENCES papers(id) ON DELETE CASCADE, position INTEGER NOT NULL,
            name TEXT NOT NULL, PRIMARY KEY (paper, position))""",
        "CREATE INDEX authors_name ON authors(name)",
        """CREATE TABLE organisations (
            paper INTEGER PRIMARY KEY REFERENCES papers(id) ON DELETE CASCADE, name TEXT NOT NULL)""",
        "CREATE INDEX organisations_name ON organisations(name)",
        """CREATE TABLE fields (
            paper INTEGER NOT NULL REFERENCES papers(id) ON DELETE CASCADE, position INTEGER NOT NULL,
            name TEXT NOT NULL, PRIMARY KEY (paper, position))""",
        "CREATE INDEX fields_name ON fields(name)",
        """CREATE TABLE keywords (
            paper INTEGER NOT NULL REFERENCES papers(id) ON DELETE CASCADE, position INTEGER NOT NULL,
            keyword TEXT NOT NULL, PRIMARY KEY (paper, position))""",
        "CREATE INDEX keywords_keyword ON keywords(keyword)",
        """CREATE TABLE translations (
            paper INTEGER PRIMARY KEY REFERENCES papers(id) ON DELETE CASCADE,
            title_zh TEXT NOT NULL, summary_zh TEXT NOT NULL, model TEXT)""",
        """CREATE TABLE analyses (
            paper INTEGER PRIMARY KEY REFERENCES papers(id) ON DELETE CASCADE,
            field TEXT NOT NULL, contribution TEXT NOT NULL, analysis TEXT NOT NULL, model TEXT,
            read_source TEXT, sent_tokens INTEGER, full_tokens INTEGER)""",
        """CREATE TABLE spending (
            date TEXT PRIMARY KEY REFERENCES days(date) ON DELETE CASCADE, calls INTEGER NOT NULL,
            prompt_tokens INTEGER NOT NULL, completion_tokens INTEGER NOT NULL)""",
        # Full-text search (bench/fts.py measured the choice on 580 days + the seed day's real
        # Chinese). English by words, so "RL" does not match "world" (precision 0.98 against 0.40
        # for trigrams over everything); Chinese, which has no spaces, by trigrams: any substring of
        # three or more characters matches (recall 1.000 against 0.995 for jieba-segmented words,
        # and a build 13x faster); shorter Chinese words use LIKE over the same table.
        # rowid = papers.id in both.
        *SEARCH_TABLES.values(),
    ):
        db.execute(statement)


@CORE.migration
def m003_day_list_failures(db: sqlite3.Connection) -> None:
    """Past days HF could not list: not asked again for ``[hf] trend_retry_hours`` (a run when HF
    fails only for past days took minutes, again at every run)."""
    db.execute("""CREATE TABLE day_list_failures (
        date TEXT PRIMARY KEY, failed_at TEXT NOT NULL, error TEXT)""")


@CORE.migration
def m004_llm_calls_date(db: sqlite3.Connection) -> None:
    """The day each LLM call is charged to: one run (a backfill) makes many days, and a day's
    spending is counted from the call log (exact after any kill). Older calls are charged to
    their run's day."""
    db.execute("ALTER TABLE llm_calls ADD COLUMN date TEXT")
    db.execute("CREATE INDEX llm_calls_date ON llm_calls(date)")


@CORE.migration
def m005_reasoning_tokens(db: sqlite3.Connection) -> None:
    """Reasoning tokens, counted apart (a thinking model spends several times the tokens of its
    answer, and they are billed as output): in each call and in each day's spending. Older rows: 0."""
    db.execute("ALTER TABLE llm_calls ADD COLUMN reasoning_tokens INTEGER")
    db.execute("ALTER TABLE spending ADD COLUMN reasoning_tokens INTEGER NOT NULL DEFAULT 0")


@CORE.migration
def m006_papers_figure(db: sqlite3.Connection) -> None:
    """The label of each paper's key figure ("Figure 1"; NULL: none), so the lists the index
    makes (field and organisation listings, the home page) show its thumbnail and can filter by
    it. Every day is indexed again at the next refresh (its stored hash no longer matches): the
    column is filled from the records, which are the truth."""
    db.execute("ALTER TABLE papers ADD COLUMN figure TEXT")
    db.execute("UPDATE days SET content_hash = '', size = -1")
