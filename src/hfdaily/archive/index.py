"""The archive index: SQLite tables derived from ``OUT/data/*.json``, in ``OUT/hfdaily.db``.

The day records are the truth; this is what every reader of the archive (site, feed, trend,
statistics, delivery) asks instead of globbing files. It is updated incrementally: a record whose
size and modification time are unchanged is not read; one whose content hash is unchanged is not
re-indexed; a changed one is replaced in one transaction. ``hfdaily index`` rebuilds it all.

    with Index.open(out) as index:
        index.refresh()                      # pick up changed records
        for day in index.days(limit=30): ...
        index.search("多模态")
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from hfdaily.archive.migrations import SEARCH_TABLES, Migrations, connect
from hfdaily.archive.record import load_record, parse_record, record_path, record_paths
from hfdaily.errors import RecordError
from hfdaily.models import ARXIV_ABS_URL, HF_PAPER_URL, DayRecord, PaperEntry
from hfdaily.outputs import Outputs
from hfdaily.text import has_cjk


def db_path(out: Path) -> Path:
    """Where the store and the index live for an output folder."""
    return Outputs(out).db


@dataclass(frozen=True)
class DayRow:
    """One day of the archive as the index knows it."""

    date: dt.date
    papers: int
    translated: int
    analysed: int
    has_report: bool  # at least one paper has its full-text analysis (reports/DATE.* exist)
    field_counts: dict[str, int]  # field → papers, most first
    updated_at: dt.datetime | None

    def top_fields(self, n: int = 3) -> list[str]:
        return list(self.field_counts)[:n]


@dataclass(frozen=True)
class PaperRow:
    """One paper on one day, with what the LLM wrote about it when it did."""

    date: dt.date
    paper_id: str
    rank: int  # 0-based position on the day's list (HF orders by upvotes)
    title: str
    title_zh: str | None
    summary: str
    summary_zh: str | None
    contribution: str | None  # 一句话核心贡献, from the analysis
    field_zh: str | None  # 应用领域, from the analysis
    upvotes: int
    github_repo: str | None
    github_stars: int | None
    organisation: str | None
    authors: list[str] = field(default_factory=list)
    fields: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    project_page: str | None = None
    figure: str | None = None  # the key figure's label ("Figure 1") when the record has one

    @property
    def display_title(self) -> str:
        return self.title_zh or self.title

    @property
    def hf_url(self) -> str:
        return HF_PAPER_URL.format(self.paper_id)

    @property
    def arxiv_url(self) -> str:
        return ARXIV_ABS_URL.format(self.paper_id)


@dataclass
class RefreshResult:
    indexed: list[dt.date] = field(default_factory=list)  # new or changed records, re-indexed
    removed: list[dt.date] = field(default_factory=list)  # records gone from data/
    unchanged: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.indexed or self.removed)


_PAPER_SELECT = """
SELECT p.*, t.title_zh, t.summary_zh, a.contribution, a.field AS field_zh,
  (SELECT json_group_array(name) FROM (SELECT name FROM authors WHERE paper = p.id ORDER BY position)) AS authors_json,
  (SELECT json_group_array(name) FROM (SELECT name FROM fields WHERE paper = p.id ORDER BY position)) AS fields_json,
  (SELECT json_group_array(keyword) FROM (SELECT keyword FROM keywords WHERE paper = p.id ORDER BY position))
    AS keywords_json
FROM papers p LEFT JOIN translations t ON t.paper = p.id LEFT JOIN analyses a ON a.paper = p.id
"""


def _paper_row(row: sqlite3.Row) -> PaperRow:
    return PaperRow(
        date=dt.date.fromisoformat(row["date"]), paper_id=row["paper_id"], rank=row["rank"], title=row["title"],
        title_zh=row["title_zh"], summary=row["summary"], summary_zh=row["summary_zh"],
        contribution=row["contribution"], field_zh=row["field_zh"], upvotes=row["upvotes"],
        github_repo=row["github_repo"], github_stars=row["github_stars"], organisation=row["organisation"],
        authors=json.loads(row["authors_json"]), fields=json.loads(row["fields_json"]),
        keywords=json.loads(row["keywords_json"]), project_page=row["project_page"], figure=row["figure"],
    )


def _day_row(row: sqlite3.Row) -> DayRow:
    return DayRow(
        date=dt.date.fromisoformat(row["date"]), papers=row["papers"], translated=row["translated"],
        analysed=row["analysed"], has_report=bool(row["has_report"]),
        field_counts=dict(json.loads(row["field_counts"])),
        updated_at=dt.datetime.fromisoformat(row["updated_at"]) if row["updated_at"] else None,
    )


class _Batch:
    """Many days in one transaction: SQLite and FTS5 pay per commit (FTS5 writes and merges its
    segments then), so committing every day made a rebuild of 580 days 11 s slower. A day is never
    split across transactions; after a failure, the days completed before it are committed."""

    DAYS = 64

    def __init__(self, db: sqlite3.Connection):
        self.db, self.open, self.days, self.in_day = db, False, 0, False

    def begin(self) -> None:
        if not self.open:
            self.db.execute("BEGIN IMMEDIATE")  # take the write lock now (waiting busy_timeout), not mid-day
            self.open = True
        self.in_day = True

    def done(self) -> None:
        self.in_day = False
        self.days += 1
        if self.days % self.DAYS == 0:
            self.commit()

    def commit(self) -> None:
        if self.open:
            self.db.execute("COMMIT")
            self.open = False

    def abort(self) -> None:
        if self.open:
            self.db.execute("ROLLBACK" if self.in_day else "COMMIT")
            self.open = False


def field_counts(entries: Iterable[PaperEntry]) -> list[tuple[str, int]]:
    """Papers per stored field, most first; ties keep the order of first appearance."""
    counts: dict[str, int] = {}
    for entry in entries:
        for name in dict.fromkeys(entry.fields):
            counts[name] = counts.get(name, 0) + 1
    return sorted(counts.items(), key=lambda kv: -kv[1])


class Index:
    """The archive index of one output folder. Open with :meth:`open`; use as a context manager."""

    def __init__(self, out: Path, db: sqlite3.Connection):
        self.out = out
        self.db = db

    @classmethod
    def open(cls, out: Path, db: Path | None = None, extra: Sequence[Migrations] = ()) -> Index:
        """Open (creating and migrating when needed) the index of ``out``; ``extra`` are other
        modules' migration lists, applied after the core ones."""
        connection = connect(db or db_path(out))
        for migrations in extra:
            migrations.apply(connection)
        return cls(out, connection)

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Index:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- keeping it up to date ------------------------------------------------------------------
    def refresh(self, dates: Iterable[dt.date] | None = None,
                unreadable: list[RecordError] | None = None) -> RefreshResult:
        """Re-index the records that changed since last time (all of ``data/``, or only ``dates``).

        Raises :class:`~hfdaily.errors.RecordError` naming the file when a record is damaged:
        the index never leaves a day out in silence. With an ``unreadable`` list, each damaged
        record is appended to it instead (for the caller to report) and its day is left out of
        the index, so one bad file of another day never stops publishing today.
        """
        result = RefreshResult()
        known = {row["date"]: row for row in self.db.execute("SELECT date, content_hash, size, mtime_ns FROM days")}
        if dates is None:
            paths = record_paths(self.out)
            gone = set(known) - {p.stem for p in paths}
        else:
            wanted = [record_path(self.out, d) for d in sorted(set(dates))]
            paths = [p for p in wanted if p.exists()]
            gone = {p.stem for p in wanted if not p.exists()} & set(known)
        batch = _Batch(self.db)
        try:
            for path in paths:
                try:
                    self._refresh_one(path, known.get(path.stem), batch, result)
                except RecordError as exc:
                    if unreadable is None:
                        raise
                    unreadable.append(exc)
                    if path.stem in known:  # what was indexed from it no longer stands
                        batch.begin()
                        self._delete_day(path.stem)
                        batch.done()
            for day in sorted(gone):
                batch.begin()
                self._delete_day(day)
                batch.done()
                result.removed.append(dt.date.fromisoformat(day))
        except BaseException:
            batch.abort()  # a damaged record: the days before it are kept; a failed write: the batch is undone
            raise
        batch.commit()
        return result

    def _refresh_one(self, path: Path, row: sqlite3.Row | None, batch: _Batch, result: RefreshResult) -> None:
        stat = path.stat()
        if row is not None and row["size"] == stat.st_size and row["mtime_ns"] == stat.st_mtime_ns:
            result.unchanged += 1
            return
        content = path.read_bytes()
        digest = hashlib.sha256(content).hexdigest()
        if row is not None and row["content_hash"] == digest:  # touched, not changed
            batch.begin()
            self.db.execute("UPDATE days SET size = ?, mtime_ns = ? WHERE date = ?",
                            (stat.st_size, stat.st_mtime_ns, path.stem))
            batch.done()
            result.unchanged += 1
            return
        record = parse_record(path, content)  # before any write: a damaged record changes nothing
        batch.begin()
        # Asked again inside the write transaction: another process may have indexed the day since.
        if self.db.execute("SELECT 1 FROM days WHERE date = ?", (path.stem,)).fetchone():
            self._delete_day(path.stem)
        self._store_day(record, digest, stat.st_size, stat.st_mtime_ns)
        batch.done()
        result.indexed.append(record.date)

    def rebuild(self) -> RefreshResult:
        """Forget everything indexed and index every record again (``hfdaily index``)."""
        self.db.execute("BEGIN IMMEDIATE")
        for table, create in SEARCH_TABLES.items():
            self.db.execute(f"DROP TABLE {table}")
            self.db.execute(create)
        for table in ("spending", "analyses", "translations", "keywords", "fields", "organisations",
                      "authors", "papers", "days"):
            self.db.execute(f"DELETE FROM {table}")
        self.db.execute("COMMIT")
        return self.refresh()

    def _delete_day(self, day: str) -> None:
        for table in ("search_en", "search_zh"):
            self.db.execute(f"DELETE FROM {table} WHERE rowid IN (SELECT id FROM papers WHERE date = ?)", (day,))
        self.db.execute("DELETE FROM papers WHERE date = ?", (day,))  # cascades to the per-paper tables
        self.db.execute("DELETE FROM spending WHERE date = ?", (day,))
        self.db.execute("DELETE FROM days WHERE date = ?", (day,))

    def _store_day(self, record: DayRecord, digest: str, size: int, mtime_ns: int) -> None:
        day = record.date.isoformat()
        db = self.db
        db.execute(
            "INSERT INTO days (date, papers, translated, analysed, has_report, field_counts, updated_at,"
            " content_hash, size, mtime_ns, schema_version) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            (day, len(record.papers), sum(e.translation is not None for e in record.papers),
             sum(e.analysis is not None for e in record.papers),
             int(any(e.analysis is not None for e in record.papers)),
             json.dumps(field_counts(record.papers), ensure_ascii=False),
             record.updated_at.isoformat() if record.updated_at else None, digest, size, mtime_ns,
             getattr(record, "schema_version", 1)),
        )
        usage = record.usage
        db.execute("INSERT INTO spending (date, calls, prompt_tokens, completion_tokens, reasoning_tokens)"
                   " VALUES (?,?,?,?,?)",
                   (day, usage.calls, usage.prompt_tokens, usage.completion_tokens, usage.reasoning_tokens))
        for rank, entry in enumerate(record.papers):
            self._store_paper(day, rank, entry)

    def _store_paper(self, day: str, rank: int, entry: PaperEntry) -> None:
        db, paper = self.db, entry.paper
        cur = db.execute(
            "INSERT INTO papers (date, paper_id, rank, title, summary, ai_summary, published_at, upvotes,"
            " num_comments, github_repo, github_stars, project_page, organisation, figure)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (day, paper.id, rank, paper.title, paper.summary, paper.ai_summary, paper.published_at.isoformat(),
             paper.upvotes, paper.num_comments, paper.github_repo, paper.github_stars, paper.project_page,
             paper.organization, entry.figure.label if entry.figure is not None else None),
        )
        pid = cur.lastrowid
        db.executemany("INSERT INTO authors VALUES (?,?,?)", [(pid, i, n) for i, n in enumerate(paper.authors)])
        if paper.organization:
            db.execute("INSERT INTO organisations VALUES (?,?)", (pid, paper.organization))
        db.executemany("INSERT INTO fields VALUES (?,?,?)",
                       [(pid, i, n) for i, n in enumerate(dict.fromkeys(entry.fields))])
        db.executemany("INSERT INTO keywords VALUES (?,?,?)",
                       [(pid, i, k) for i, k in enumerate(dict.fromkeys(paper.ai_keywords))])
        if (t := entry.translation) is not None:
            db.execute("INSERT INTO translations VALUES (?,?,?,?)", (pid, t.title_zh, t.summary_zh,
                                                                     entry.translation_model))
        if (a := entry.analysis) is not None:
            budget = entry.budget
            db.execute("INSERT INTO analyses VALUES (?,?,?,?,?,?,?,?)",
                       (pid, a.field, a.contribution, a.model_dump_json(), entry.analysis_model, entry.read_source,
                        budget.sent_tokens if budget else None, budget.full_tokens if budget else None))
        db.execute("INSERT INTO search_en (rowid, title, summary, authors, keywords) VALUES (?,?,?,?,?)",
                   (pid, paper.title, paper.summary, ", ".join(paper.authors), ", ".join(paper.ai_keywords)))
        if t is not None or a is not None:
            db.execute("INSERT INTO search_zh (rowid, title_zh, summary_zh, analysis) VALUES (?,?,?,?)",
                       (pid, t.title_zh if t else "", t.summary_zh if t else "",
                        f"{a.field} {a.contribution}" if a else ""))

    # --- reading ---------------------------------------------------------------------------------
    def dates(self) -> list[dt.date]:
        """Every indexed day, oldest first."""
        return [dt.date.fromisoformat(r[0]) for r in self.db.execute("SELECT date FROM days ORDER BY date")]

    def days(self, limit: int | None = None, since: dt.date | None = None, until: dt.date | None = None,
             newest_first: bool = True) -> list[DayRow]:
        """Days with their counts and fields (``since``/``until`` inclusive)."""
        sql = "SELECT * FROM days WHERE date >= ? AND date <= ? ORDER BY date " + ("DESC" if newest_first else "ASC")
        args: list[object] = [since.isoformat() if since else "", until.isoformat() if until else "9999"]
        if limit is not None:
            sql += " LIMIT ?"
            args.append(limit)
        return [_day_row(r) for r in self.db.execute(sql, args)]

    def day(self, date: dt.date) -> DayRow | None:
        row = self.db.execute("SELECT * FROM days WHERE date = ?", (date.isoformat(),)).fetchone()
        return _day_row(row) if row else None

    def record(self, date: dt.date) -> DayRecord | None:
        """The full day record (from ``data/DATE.json``, the truth), or None when there is none."""
        return load_record(record_path(self.out, date))

    def papers(self, *, limit: int | None = None, **filters: object) -> list[PaperRow]:
        """Papers matching every filter given (``date``, ``since``/``until`` inclusive, ``field``,
        ``organisation``, ``author``, ``keyword``, ``paper_id``), newest day first, then in the day's order."""
        where, args = _filters(**filters)
        return self._select(where, args, limit)

    def search(self, query: str, limit: int | None = 50, **filters: object) -> list[PaperRow]:
        """Papers that contain every word of ``query`` (and match ``filters``, as ``papers`` takes
        them), newest day first; ``hfdaily search`` asks this.

        Words are split on spaces. A word with Chinese in it is looked for as a substring of the
        Chinese title, abstract and analysis (``多模态推理`` needs no spaces; three characters or more
        use the trigram index, shorter ones LIKE); any other word is an English word or word prefix
        of the title, abstract, authors or HF keywords (``agent`` finds "agents", ``RL`` does not
        find "world"). Query text is literal: quotes and FTS operators are not syntax.
        """
        where, args = [], []
        for word in query.split():
            if has_cjk(word):
                if len(word) >= 3:
                    where.append("p.id IN (SELECT rowid FROM search_zh WHERE search_zh MATCH ?)")
                    args.append(_phrase(word))
                else:
                    pattern = "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
                    where.append("p.id IN (SELECT rowid FROM search_zh WHERE " + " OR ".join(
                        f"{c} LIKE ? ESCAPE '\\'" for c in ("title_zh", "summary_zh", "analysis")) + ")")
                    args += [pattern] * 3
            elif re.search(r"\w", word):
                where.append("p.id IN (SELECT rowid FROM search_en WHERE search_en MATCH ?)")
                args.append(_phrase(word) + "*")
        if not where:
            return []
        more, more_args = _filters(**filters)
        return self._select(where + more, args + more_args, limit)

    def _select(self, where: list[str], args: list[object], limit: int | None) -> list[PaperRow]:
        """Papers matching ``where``, newest day first: the ids are chosen first, and only the chosen
        rows get their authors, fields and keywords (for "agent" over 580 days: 263 ms → a few ms)."""
        sql = "SELECT p.id FROM papers p" + (" WHERE " + " AND ".join(where) if where else "")
        sql += " ORDER BY p.date DESC, p.rank" + (" LIMIT ?" if limit is not None else "")
        ids = [r[0] for r in self.db.execute(sql, [*args, limit] if limit is not None else args)]
        rows: dict[int, sqlite3.Row] = {}
        for start in range(0, len(ids), 500):  # SQLite bounds the number of parameters
            chunk = ids[start:start + 500]
            rows.update((r["id"], r) for r in self.db.execute(
                _PAPER_SELECT + f" WHERE p.id IN ({','.join('?' * len(chunk))})", chunk))
        return [_paper_row(rows[i]) for i in ids]


def _filters(*, date: dt.date | None = None, field: str | None = None, organisation: str | None = None,
             author: str | None = None, keyword: str | None = None, paper_id: str | None = None,
             since: dt.date | None = None, until: dt.date | None = None) -> tuple[list[str], list[object]]:
    where: list[str] = []
    args: list[object] = []
    for day, sql in ((date, "p.date = ?"), (since, "p.date >= ?"), (until, "p.date <= ?")):
        if day is not None:
            where.append(sql)
            args.append(day.isoformat())
    for value, sql in ((field, "p.id IN (SELECT paper FROM fields WHERE name = ?)"),
                       (organisation, "p.id IN (SELECT paper FROM organisations WHERE name = ?)"),
                       (author, "p.id IN (SELECT paper FROM authors WHERE name = ?)"),
                       (keyword, "p.id IN (SELECT paper FROM keywords WHERE keyword = ?)"),
                       (paper_id, "p.paper_id = ?")):
        if value is not None:
            where.append(sql)
            args.append(value)
    return where, args


def _phrase(word: str) -> str:
    """``word`` as one FTS5 string: its own tokens in order, nothing in it read as syntax."""
    return '"' + word.replace('"', '""') + '"'
