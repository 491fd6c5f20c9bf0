"""Which channel got which day, so each day goes out once per channel.

Every attempt is a row of the store's ``deliveries`` table. The store is a cache that a scheduled
job does not commit (a GitHub Actions run starts without it), so what was *sent* is also kept in
``OUT/deliveries/D.json``, committed with the day: a later run that has lost the database still
knows that the morning run delivered. Only what is safe to publish is written: the channel's name
and service, never its URL; error texts arrive here already redacted.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path

from hfdaily.archive.migrations import Migrations, connect
from hfdaily.archive.record import atomic_write

DELIVER = Migrations("deliver")


@DELIVER.migration
def m001_deliveries(db: sqlite3.Connection) -> None:
    """One row per attempt to send a day to a channel (keyed by text, not by index rows: re-indexing
    a day must not drop its deliveries)."""
    db.execute("""CREATE TABLE deliveries (
        id INTEGER PRIMARY KEY,
        date TEXT NOT NULL,            -- the day delivered, YYYY-MM-DD
        channel TEXT NOT NULL,         -- the channel's name (never its URL: it holds secrets)
        service TEXT NOT NULL,         -- e.g. Feishu, E-Mail
        status TEXT NOT NULL,          -- sent | failed
        attempts INTEGER NOT NULL,
        papers INTEGER NOT NULL,       -- papers listed in the message
        day_papers INTEGER NOT NULL,   -- papers the day had then
        error TEXT,                    -- why it failed, redacted
        created_at TEXT NOT NULL)""")
    db.execute("CREATE INDEX deliveries_by_day ON deliveries (date, channel, status)")


def _key(date: dt.date | str) -> str:
    """What was delivered: a day (2026-01-20) or a weekly/monthly edition (2026-W03, 2026-01)."""
    return date if isinstance(date, str) else date.isoformat()


def sent_file(out: Path, date: dt.date | str) -> Path:
    return out / "deliveries" / f"{_key(date)}.json"


class Ledger:
    def __init__(self, path: Path, out: Path):
        self.out = out
        self.db = connect(path)
        DELIVER.apply(self.db)

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def was_sent(self, date: dt.date | str, channel: str) -> bool:
        row = self.db.execute("SELECT 1 FROM deliveries WHERE date = ? AND channel = ? AND status = 'sent' LIMIT 1",
                              (_key(date), channel)).fetchone()
        return row is not None or channel in self._sent_file(date)

    def _sent_file(self, date: dt.date | str) -> dict[str, dict]:
        path = sent_file(self.out, date)
        try:
            return json.loads(path.read_text(encoding="utf-8")).get("channels", {}) if path.exists() else {}
        except (ValueError, AttributeError, OSError):
            return {}  # unreadable: the table still answers; the next send rewrites it

    def record(self, date: dt.date | str, channel: str, service: str, status: str, attempts: int, papers: int,
               day_papers: int, error: str | None = None) -> None:
        self.db.execute(
            "INSERT INTO deliveries (date, channel, service, status, attempts, papers, day_papers, error, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (_key(date), channel, service, status, attempts, papers, day_papers, error,
             dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")),
        )
        if status == "sent":
            channels = self._sent_file(date)
            channels[channel] = {"service": service, "papers": papers, "day_papers": day_papers,
                                 "sent_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")}
            atomic_write(sent_file(self.out, date), json.dumps({"date": _key(date), "channels": channels},
                                                               ensure_ascii=False, indent=2) + "\n")

    def history(self, date: dt.date | str) -> list[sqlite3.Row]:
        return self.db.execute("SELECT * FROM deliveries WHERE date = ? ORDER BY id", (_key(date),)).fetchall()
