"""Search across the archive with no server: Pagefind bundles written next to the pages.

Pagefind (the ``pagefind[extended]`` binary, with Chinese word segmentation) indexes one custom
record per paper. Re-indexing 10,000 papers takes ~15 s, so the index is kept in two bundles
that the browser merges: ``pagefind/`` holds every day up to a cutoff, ``pagefind-recent/`` the
days after it. Adding a day re-indexes only the recent bundle; when the recent bundle holds more
than ``RECENT_DAYS`` days, or an older day changed, everything is folded into the main bundle.
"""

from __future__ import annotations

import hashlib
import logging
import shutil
import subprocess
from html import escape
from pathlib import Path

from hfdaily.errors import SearchError

log = logging.getLogger("hfdaily.publish.search")

MAIN, RECENT = "pagefind", "pagefind-recent"
RECENT_DAYS = 30
INDEX_VERSION = 3  # bump when search_record changes: every bundle is rebuilt


def bundle_key(days: list[tuple[str, str]]) -> str:
    digest = hashlib.blake2b(f"v{INDEX_VERSION}".encode(), digest_size=12)
    for date, record_digest in days:
        digest.update(f"{date}:{record_digest};".encode())
    return digest.hexdigest()


def _executable() -> str:
    try:
        from pagefind.service import get_executable
    except ImportError as exc:  # pragma: no cover - a dependency
        raise SearchError("the search index needs Pagefind: pip install 'pagefind[extended]'") from exc
    found = get_executable()
    if found is None:
        raise SearchError("the Pagefind binary is missing: pip install 'pagefind[extended]'")
    return str(found)


def record_html(record: dict) -> str:
    """A paper as Pagefind reads it: the text to index, its title/date/org as metadata, its fields as filters."""
    meta = "".join(f'<span data-pagefind-meta="{escape(k)}:{escape(v, quote=True)}"></span>'
                   for k, v in record["meta"].items() if k != "title")
    filters = "".join(f'<span data-pagefind-filter="field">{escape(f)}</span>' for f in record.get("fields", []))
    body = "".join(f"<p>{escape(part)}</p>" for part in record["content"].split("\n"))
    return (f'<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>{escape(record["meta"]["title"])}'
            f'</title></head><body data-pagefind-body><h1 data-pagefind-meta="title">{escape(record["meta"]["title"])}</h1>'
            f"{meta}<div hidden data-pagefind-ignore>{filters}</div>{body}</body></html>")  # fields are in the text once


def write_bundle(records: list[dict], site: Path, name: str) -> None:
    """Index ``records`` into ``site/name``, replacing the old bundle only once the new one is whole.

    Records become small HTML files in a staging folder that the Pagefind binary indexes in one
    go (its Python service answers one request per 0.1 s: 1,000 records would take 100 s).
    """
    staging, pages_dir, old = site / f".{name}.new", site / f".{name}.pages", site / f".{name}.old"
    for leftover in (staging, pages_dir, old):
        shutil.rmtree(leftover, ignore_errors=True)
    # An empty bundle still has to exist for the browser to merge: one empty page.
    for record in records or [{"url": "search.html", "content": "hfdailyemptybundle", "meta": {"title": "搜索"}}]:
        path = pages_dir / record["url"]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(record_html(record), encoding="utf-8")
    try:
        done = subprocess.run([_executable(), "--site", str(pages_dir), "--output-path", str(staging), "--silent"],
                              capture_output=True, text=True, timeout=1800)
    finally:
        shutil.rmtree(pages_dir, ignore_errors=True)
    if done.returncode != 0 or not (staging / "pagefind.js").exists():
        shutil.rmtree(staging, ignore_errors=True)
        raise SearchError(f"Pagefind failed to write the search index {name}/: {(done.stderr or done.stdout).strip()[-500:]}")
    # Pagefind exits 0 after a write that failed (a full disk leaves pagefind.js, the wasm and the
    # index as 0-byte files): no bundle replaces the last good one unless every file has content.
    empty = [p.relative_to(staging).as_posix() for p in staging.rglob("*") if p.is_file() and p.stat().st_size == 0]
    if empty or not (staging / "pagefind-entry.json").is_file():
        shutil.rmtree(staging, ignore_errors=True)
        raise SearchError(f"the search index {name}/ was not written whole ({len(empty)} empty file(s), e.g. "
                          f"{', '.join(empty[:3]) or 'pagefind-entry.json missing'}): is the disk full? The last "
                          "good index is kept; free some space and run `hfdaily publish`")
    target = site / name
    if target.exists():
        target.rename(old)
    staging.rename(target)
    shutil.rmtree(old, ignore_errors=True)


def plan(days: list[tuple[str, str]], state: dict | None, full: bool) -> tuple[str, str | None]:
    """Which bundles need rebuilding: ("all", None) or ("recent", cutoff) or ("none", cutoff).

    ``days`` are (date, record digest) oldest first; ``state`` is what the last build stored.
    """
    if full or not state or not days:
        return "all", None
    cutoff = state.get("cutoff")
    if cutoff is None or state.get("main") != bundle_key([d for d in days if d[0] <= cutoff]):
        return "all", None
    recent = [d for d in days if d[0] > cutoff]
    if len(recent) > RECENT_DAYS:
        return "all", None
    if state.get("recent") != bundle_key(recent):
        return "recent", cutoff
    return "none", cutoff
