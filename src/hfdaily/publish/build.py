"""``OUT/site/``: build the reader's site from the archive, rebuilding only what changed.

A manifest (``site/.hfdaily-manifest.json``) keeps, for every file the build wrote, the hash of
what it was made from (day and paper pages: the record's content hash, the neighbours, the
assets, the templates) or of its bytes (listings, feeds). Adding a day therefore renders that
day, its neighbours, the pages of its papers, the listings, the feeds and the recent search
bundle; everything else is left alone (and keeps its mtime, so a deploy uploads little).
Files the build wrote before and no longer makes (a day removed) are deleted; nothing else is.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

from hfdaily.archive.index import Index
from hfdaily.fileio import atomic_write
from hfdaily.config import DEFAULT_FEED_DAYS
from hfdaily.errors import RecordError, SiteError
from hfdaily.make.figures import figure_size
from hfdaily.make.figures import has_files as has_figure_files
from hfdaily.make.formulas import to_plain
from hfdaily.outputs import COVER, SITE_PICTURES, Outputs
from hfdaily.publish import citation, feeds, pages, podcast, search
from hfdaily.make.keywords import headline
from hfdaily.make.periods import Edition
from hfdaily.publish.catalog import Catalog, field_slug, load_catalog
from hfdaily.rank import site as rank_site
from hfdaily.publish.editions import edition_page, load_editions

log = logging.getLogger("hfdaily.publish.build")

MANIFEST = ".hfdaily-manifest.json"
CITED = ("html", "bib", "ris")  # a paper's page and its citation files, made together


@dataclass
class BuildReport:
    site: Path
    days: int = 0
    papers: int = 0
    rendered: int = 0  # day and paper pages rendered this build
    listings: int = 0  # field and organisation pages rendered this build
    written: int = 0  # files whose bytes changed
    removed: int = 0
    search: str = "none"  # which search bundles were rebuilt: all / recent / none / off
    similar: str = ""  # what the similar-paper step did
    relinked: set[str] = field(default_factory=set)  # papers whose 相关论文 changed (their pages are rendered)
    feeds: bool = False
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def line(self) -> str:
        return (f"site: {self.days} days, {self.papers} papers → {self.site} in {self.seconds:.1f} s "
                f"({self.rendered} day/paper pages and {self.listings} field/organisation pages rendered, {self.written} files written, {self.removed} removed, "
                f"search index: {self.search})" + (f"; {self.similar}" if self.similar else ""))


def _key(*parts: object) -> str:
    return hashlib.blake2b(json.dumps(parts, default=str, ensure_ascii=False).encode(), digest_size=12).hexdigest()


def _content_hash(raw: bytes) -> str:
    return hashlib.blake2b(raw, digest_size=12).hexdigest()


def disk_state(path: Path, content_hash: str | None = None) -> list:
    """What a file on disk was when we wrote it: [size, mtime_ns, hash of its bytes]."""
    stat = path.stat()
    return [stat.st_size, stat.st_mtime_ns, content_hash or _content_hash(path.read_bytes())]


def intact(path: Path, recorded: list | None) -> bool:
    """Whether ``path`` is still what was written: there, the recorded size, and (when its mtime
    moved) the recorded bytes. A full disk leaves 0-byte files, a crash or a hand truncated ones:
    the next publish writes them again. Files of a manifest from before sizes were kept: there
    and not empty."""
    try:
        stat = path.stat()
    except OSError:
        return False
    if not recorded:
        return stat.st_size > 0 or path.name == ".nojekyll"
    size, mtime_ns, content_hash = recorded
    if stat.st_size != size:
        return False
    return stat.st_mtime_ns == mtime_ns or _content_hash(path.read_bytes()) == content_hash


class _Writer:
    """Writes files under the site folder, remembering each one's key for the next build, and
    each file's size and hash as written (a file damaged on disk is written again)."""

    def __init__(self, site: Path, old: dict[str, str], report: BuildReport, old_disk: dict[str, list] | None = None):
        self.site, self.old, self.new, self.report = site, old, {}, report
        self.old_disk, self.disk = old_disk or {}, {}

    def _intact(self, path: str) -> bool:
        if intact(self.site / path, self.old_disk.get(path)):
            self.disk[path] = self.old_disk.get(path) or disk_state(self.site / path)
            return True
        return False

    def fresh(self, path: str, key: str) -> bool:
        """True (and kept) when ``path`` was made from the same inputs last time and is still on
        disk as it was written."""
        if self.old.get(path) == key and self._intact(path):
            self.new[path] = key
            return True
        return False

    def put(self, path: str, data: str | bytes, key: str | None = None) -> None:
        raw = data.encode("utf-8") if isinstance(data, str) else data
        content_key = _content_hash(raw)
        self.new[path] = key or content_key
        target = self.site / path
        if key is None and self.old.get(path) == content_key and self._intact(path):
            return  # same bytes as last time: leave the file (and its mtime) alone
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.tmp")
        tmp.write_bytes(raw)  # derived and rebuildable: no fsync for ten thousand pages
        os.replace(tmp, target)
        self.disk[path] = disk_state(target, content_key)
        self.report.written += 1

    def link(self, path: str, source: Path) -> None:
        """Hard-link (else copy) an asset from OUT into the site, so the folder deploys alone."""
        stat = source.stat()
        key = f"{stat.st_size}:{stat.st_mtime_ns}"
        self.new[path] = key
        target = self.site / path
        if self.old.get(path) == key and target.exists() and target.stat().st_size == stat.st_size:
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        target.unlink(missing_ok=True)
        try:
            os.link(source, target)
        except OSError:
            shutil.copy2(source, target)
        self.report.written += 1

    def remove_stale(self) -> None:
        for path in set(self.old) - set(self.new):
            (self.site / path).unlink(missing_ok=True)
            self.report.removed += 1


def _assets(out: Path, writer: _Writer, date: dt.date, paper_ids: list[str] = (),
            durations: dict | None = None) -> pages.DayAssets:
    """The day's pictures, its papers' key figures and broadcast (where the output map puts them)
    linked into the site."""
    outputs = Outputs(out)
    figures = {}
    for paper_id in paper_ids:
        if has_figure_files(outputs, paper_id):
            web, thumb = outputs.figure(paper_id, "web"), outputs.figure(paper_id, "thumb")
            for source in (web, thumb):
                writer.link(f"images/figures/{source.name}", source)
            figures[paper_id] = (f"images/figures/{web.name}", f"images/figures/{thumb.name}", *figure_size(web))
    images = {}
    for kind in (k.name for k in SITE_PICTURES):
        source = outputs.image(date, kind)
        if source.exists():
            writer.link(f"images/{source.name}", source)
            images[kind] = f"images/{source.name}"
    found = {}
    for suffix in ("mp3", "vtt", "txt"):
        source = outputs.audio(date, f".{suffix}")
        if source.exists() and source.stat().st_size:
            writer.link(f"audio/{source.name}", source)
            found[suffix] = f"audio/{source.name}"
    seconds = None
    if "mp3" in found:  # the player shows the length before it is played (read once per file, kept in the manifest)
        stat = outputs.audio(date, ".mp3").stat()
        seconds = _mp3_seconds(outputs.audio(date, ".mp3"), {} if durations is None else durations,
                               f"{date}:{stat.st_size}:{stat.st_mtime_ns}") or None
    return pages.DayAssets(images=images, figures=figures, mp3=found.get("mp3"),
                           vtt=found.get("vtt") if "mp3" in found else None,
                           txt=found.get("txt") if "mp3" in found else None, seconds=seconds)


def _mp3_seconds(path: Path, cache: dict, key: str) -> int:
    if key not in cache:
        from mutagen.mp3 import MP3

        try:
            cache[key] = int(MP3(path).info.length)  # whole seconds, as the player counts them
        except Exception:  # an unreadable file: the episode is still listed, without a duration
            cache[key] = 0
    return cache[key]


def _keywords(out: Path, date: dt.date) -> list[str]:
    path = Outputs(out).stats(date)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        # the telling Chinese ones, not the day's most frequent words (make/keywords.py)
        return headline([(k["word"], int(k.get("papers", 1))) for k in data.get("keywords", [])])
    except (OSError, ValueError, KeyError, TypeError):
        return []


def _load_manifest(site: Path) -> dict:
    try:
        return json.loads((site / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def build_site(out: Path, *, site_url: str = "", github_url: str = "", feed_days: int = DEFAULT_FEED_DAYS,
               full: bool = False, with_search: bool = True, index: Index | None = None) -> BuildReport:
    """Build or update ``out/site`` from ``out/data``; ``full`` ignores what the last build made;
    ``feed_days``: days in ``feed.xml`` (``HFDAILY_FEED_DAYS``)."""
    started = time.perf_counter()
    if not Outputs(out).data.is_dir():
        raise SiteError(f"{Outputs(out).data} does not exist: run `hfdaily run` first (or pass --out)")
    site = Outputs(out).site
    report = BuildReport(site=site)
    try:
        site.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise SiteError(f"cannot create {site}: {exc}") from exc
    manifest = {} if full else _load_manifest(site)
    unreadable: list[RecordError] = []
    catalog = load_catalog(out, index, unreadable)  # a damaged record of another day is left out, and said
    report.warnings += [f"left out of the site: {exc}" for exc in unreadable]
    report.days, report.papers = len(catalog.days), len(catalog.paper_dates)
    version = pages.template_version()
    ctx = pages.SiteContext(site_url=site_url, github_url=github_url, feeds=bool(site_url),
                            asset_version=version, org_slugs=catalog.org_slugs)
    writer = _Writer(site, manifest.get("files", {}), report, manifest.get("disk", {}))

    for name, data in pages.static_files().items():
        writer.put(f"static/{name}", data)
    writer.put(".nojekyll", b"")  # GitHub Pages: serve the folder as it is

    durations = manifest.get("durations", {})
    assets = {d.date: _assets(out, writer, d.date, [c.paper_id for c in d.cards], durations) for d in catalog.days}
    related = _similar(out, index, catalog, writer, report)
    _pages(catalog, ctx, writer, assets, version, site_url, report, related)
    editions = load_editions(out)
    _listings(out, catalog, ctx, writer, assets, version, report, editions)
    _editions(ctx, writer, version, editions, report)
    if site_url:
        _feeds(out, catalog, ctx, writer, assets, durations, feed_days, editions)
        report.feeds = True
    else:
        report.warnings.append(feeds.NEEDS_SITE_URL)
    search_state = manifest.get("search")
    search_files = manifest.get("search_files", {})
    if with_search:
        if search_state and not all(intact(site / path, state) for path, state in search_files.items()):
            search_state = None  # a bundle damaged on disk (a full disk, a truncated file): index again
        search_state, report.search = _search(site, catalog, search_state, full)
        if report.search != "unchanged":
            search_files = {path.relative_to(site).as_posix(): disk_state(path)
                            for name in (search.MAIN, search.RECENT) for path in sorted((site / name).rglob("*"))
                            if path.is_file()}
    else:
        report.search = "off"
        writer.new.update({k: v for k, v in manifest.get("files", {}).items() if k.startswith("pagefind")})
    writer.remove_stale()
    atomic_write(site / MANIFEST, json.dumps({"version": version, "files": writer.new, "disk": writer.disk,
                                              "search": search_state, "search_files": search_files,
                                              "durations": durations}, ensure_ascii=False))
    report.seconds = time.perf_counter() - started
    return report


def _similar(out: Path, index: Index | None, catalog: Catalog, writer: _Writer,
             report: BuildReport) -> dict[str, list[rank_site.Related]]:
    """Vectors and 相关论文 brought up to date; each day's vectors for the browser (``vectors/D.js``)."""
    if index is None:
        with Index.open(out) as own:
            return _similar(out, own, catalog, writer, report)
    vectors, related, rank_report = rank_site.site_vectors(out, index)
    report.similar = rank_report.line()
    report.relinked = rank_report.relinked
    writer.put("static/glossary.js", rank_site.glossary_js())
    for day in catalog.days:
        path = f"vectors/{day.date}.js"
        if not writer.fresh(path, _key("vectors", rank_site.model_version(vectors), day.digest)):
            writer.put(path, rank_site.day_vectors_js(vectors, day.date.isoformat(), [c.paper_id for c in day.cards]),
                       key=_key("vectors", rank_site.model_version(vectors), day.digest))
    return related


def _pages(catalog: Catalog, ctx: pages.SiteContext, writer: _Writer, assets: dict[dt.date, pages.DayAssets],
           version: str, site_url: str, report: BuildReport,
           related: dict[str, list[rank_site.Related]] | None = None) -> None:
    """Day pages and paper pages, loading only the records whose pages must be rendered."""
    digests = {d.date: d.digest for d in catalog.days}
    latest: dict[str, dt.date] = {pid: dates[-1] for pid, dates in catalog.paper_dates.items()}
    todo: dict[dt.date, tuple[bool, list[str]]] = {}
    for day in catalog.days:
        prev, next_ = catalog.neighbours(day.date)
        a = assets[day.date]
        day_key = _key("day", version, site_url, day.digest, prev, next_, a.images, a.mp3, a.vtt, a.txt, a.seconds,
                       a.figures)
        path = f"days/{day.date}.html"
        day_stale = not writer.fresh(path, day_key)
        stale_papers = []
        for card in day.cards:
            if latest[card.paper_id] != day.date:
                continue
            dates = catalog.paper_dates[card.paper_id]
            paper_key = _key("paper", version, site_url, [(d, digests[d]) for d in dates], a.images.get(COVER),
                             a.figures.get(card.paper_id), related.get(card.paper_id) if related else None)
            if not all([writer.fresh(f"papers/{card.paper_id}.{suffix}", paper_key) for suffix in CITED]):
                stale_papers.append(card.paper_id)
        if day_stale or stale_papers:
            todo[day.date] = (day_key if day_stale else None, stale_papers)
    for date, (day_key, stale_papers) in todo.items():
        record = catalog.record(date)
        a = assets[date]
        if day_key:
            prev, next_ = catalog.neighbours(date)
            writer.put(f"days/{date}.html", pages.day_page(ctx, record, prev, next_, a), key=day_key)
            report.rendered += 1
        stale = set(stale_papers)
        for entry in record.papers:
            if entry.paper.id in stale:
                dates = catalog.paper_dates[entry.paper.id]
                mine = related.get(entry.paper.id) if related else None
                key = _key("paper", version, site_url, [(d, digests[d]) for d in dates], a.images.get(COVER),
                           a.figures.get(entry.paper.id), mine)
                writer.put(f"papers/{entry.paper.id}.html",
                           pages.paper_page(ctx, entry, dates, a.images.get(COVER), a.figure(entry, "../"), mine or []),
                           key=key)
                writer.put(f"papers/{entry.paper.id}.bib", citation.bibtex(entry.paper) + "\n", key=key)
                writer.put(f"papers/{entry.paper.id}.ris", citation.ris(entry.paper), key=key)
                report.rendered += 1


def _editions(ctx: pages.SiteContext, writer: _Writer, version: str, editions: list[Edition],
              report: BuildReport) -> None:
    """A page per weekly and monthly edition, rendered again only when it or its neighbours changed."""
    for kind in ("week", "month"):
        labels = [e.label for e in editions if e.kind == kind]
        for i, edition in enumerate(e for e in editions if e.kind == kind):
            prev, next_ = (labels[i - 1] if i else None), (labels[i + 1] if i + 1 < len(labels) else None)
            key = _key("edition", version, ctx.site_url, edition.model_dump_json(), prev, next_, ctx.org_slugs)
            if not writer.fresh(edition.path, key):
                writer.put(edition.path, edition_page(ctx, edition, prev, next_), key=key)
                report.listings += 1


def _listings(out: Path, catalog: Catalog, ctx: pages.SiteContext, writer: _Writer,
              assets: dict[dt.date, pages.DayAssets], version: str, report: BuildReport,
              editions: list[Edition] = ()) -> None:
    latest = catalog.days[-1] if catalog.days else None
    record = catalog.record(latest.date) if latest else None
    writer.put("index.html", pages.home_page(ctx, catalog, record, assets.get(latest.date) if latest else None,
                                             _keywords(out, latest.date) if latest else [],
                                             editions={e.label for e in editions}))
    writer.put("search.html", pages.search_page(ctx))
    digests = {d.date: d.digest for d in catalog.days}
    files = {pid: found for a in assets.values() for pid, found in a.figures.items()}  # figures linked into the site
    groups = [("field", name, field_slug(name), cards) for name, cards in catalog.by_field.items()]
    groups += [("org", name, catalog.org_slugs[name], cards) for name, cards in catalog.by_org.items()]
    for kind, name, slug, cards in groups:
        plan = pages.listing_plan(kind, slug, cards)
        labels = [p.label for p in plan]
        for number, page in enumerate(plan):
            # a page is rendered again only when its own papers (or the pager) changed
            key = _key("listing", version, ctx.site_url, ctx.feeds, kind, name, labels, len(cards) if number == 0 else None,
                       [(c.paper_id, c.date, digests[c.date], files.get(c.paper_id)) for c in page.cards])
            if not writer.fresh(page.path, key):
                writer.put(page.path, pages.listing_page(ctx, kind, name, slug, plan, number, len(cards), files),
                           key=key)
                report.listings += 1


def _feeds(out: Path, catalog: Catalog, ctx: pages.SiteContext, writer: _Writer,
           assets: dict[dt.date, pages.DayAssets], durations: dict, feed_days: int,
           editions: list[Edition] = ()) -> None:
    recent = [catalog.record(d.date) for d in catalog.days[-feed_days:]]
    writer.put("feed.xml", feeds.day_feed(recent, ctx.site_url, editions))
    for name, cards in catalog.by_field.items():
        wanted: dict[dt.date, set[str]] = {}
        for card in cards[: feeds.FIELD_FEED_PAPERS]:
            wanted.setdefault(card.date, set()).add(card.paper_id)
        entries = [(date, e) for date, ids in wanted.items() for e in catalog.record(date).papers if e.paper.id in ids]
        writer.put(f"feeds/{field_slug(name)}.xml", feeds.field_feed(name, entries, ctx.site_url))
    episodes = []
    for day in catalog.days:
        a = assets[day.date]
        if not a.mp3:
            continue
        mp3 = writer.site / a.mp3
        stat = mp3.stat()
        top = sorted(day.cards, key=lambda c: -c.upvotes)[:5]
        episodes.append(podcast.Episode(
            date=day.date, mp3=a.mp3, size=stat.st_size,
            seconds=_mp3_seconds(mp3, durations, f"{day.date}:{stat.st_size}:{stat.st_mtime_ns}"),
            summary=f"{len(day.cards)} 篇论文：" + "；".join(to_plain(c.display_title) for c in top)))
    if not writer.fresh(podcast.COVER, "cover-v1"):
        writer.put(podcast.COVER, podcast.cover_png(), key="cover-v1")
    writer.put("podcast.xml", podcast.podcast_feed(episodes, ctx.site_url, ctx.github_url))


def _search(site: Path, catalog: Catalog, state: dict | None, full: bool) -> tuple[dict | None, str]:
    days = [(d.date.isoformat(), d.digest) for d in catalog.days]
    mode, cutoff = search.plan(days, state, full)
    if mode != "all" and not ((site / search.MAIN).is_dir() and (site / search.RECENT).is_dir()):
        mode, cutoff = "all", None
    if mode == "none":
        return state, "unchanged"
    first = {pid: dates[0] for pid, dates in catalog.paper_dates.items()}
    latest = {pid: dates[-1] for pid, dates in catalog.paper_dates.items()}
    if mode == "all":
        cutoff = days[-1][0] if days else "0000-00-00"
    # Each paper once, from the last day it was listed, in the bundle of the first day it was listed.
    in_recent = [d for d in catalog.days if d.date.isoformat() > cutoff]
    wanted_days = catalog.days if mode == "all" else in_recent
    records = []
    for day in wanted_days:
        ids = {c.paper_id for c in day.cards if latest[c.paper_id] == day.date}
        if mode == "recent":
            ids = {i for i in ids if first[i].isoformat() > cutoff}
        if not ids:
            continue
        for entry in catalog.record(day.date).papers:
            if entry.paper.id in ids:
                records.append(pages.search_record(entry, day.date))
    if mode == "all":
        search.write_bundle(records, site, search.MAIN)
        search.write_bundle([], site, search.RECENT)
    else:
        search.write_bundle(records, site, search.RECENT)
    main_days = [d for d in days if d[0] <= cutoff]
    recent_days = [d for d in days if d[0] > cutoff]
    return ({"cutoff": cutoff, "main": search.bundle_key(main_days), "recent": search.bundle_key(recent_days)},
            f"{mode} ({len(records)} papers indexed)")
