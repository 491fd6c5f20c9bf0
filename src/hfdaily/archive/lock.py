"""One writer per output folder, and a clean folder for it.

``OUT/.hfdaily.lock`` is held with ``flock`` for the whole run: the kernel releases it when the
holder exits in any way (``kill -9`` included), so a lock left by a dead run is stale by
construction and the next run simply takes it. The file also says who holds it (pid, host, start
time) so a second run can tell the user what it is waiting for.

Holding the lock means no other hfdaily process writes this folder, so any temporary file found
there is debris of a killed run and can be removed.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import fcntl
import json
import logging
import os
import socket
import time
from collections.abc import Iterator
from pathlib import Path

from hfdaily.errors import LockedError, OutputError

log = logging.getLogger("hfdaily.archive.lock")

LOCK_NAME = ".hfdaily.lock"
# Folders hfdaily writes into; temporaries are made beside their final file, so only here.
OUTPUT_DIRS = ("data", "newsletters", "reports", "stats", "images", "audio", "deliveries")
# Folders written at any depth (the reader's site: days/, papers/, fields/, …).
OUTPUT_TREES = ("site",)
# What our writers leave while a file is being written (record.atomic_write, tts._staged).
TEMPORARY_PATTERNS = (".*.tmp", ".*.part")
# Formats that are never legitimately empty: a 0-byte one is a picture/sound written in place
# by an older version and killed half-way.
NEVER_EMPTY = ("images/*.png", "audio/*.mp3")

GITIGNORE_LINES = (
    "# hfdaily: the SQLite working store is a cache of data/, the rest is work in progress",
    "hfdaily.db*",
    LOCK_NAME,
    *TEMPORARY_PATTERNS,
)


def _describe_os_error(path: Path, exc: OSError) -> str:
    reasons = {
        errno.EROFS: "is on a read-only file system",
        errno.EACCES: "is not writable (permission denied)",
        errno.EPERM: "is not writable (operation not permitted)",
        errno.ENOTDIR: "has a file where a folder should be",
        errno.EEXIST: "exists and is not a folder",
        errno.ENOSPC: "is on a full disk",
        errno.EISDIR: "is a folder where a file should be",
    }
    return f"{path} {reasons.get(exc.errno, exc.strerror or str(exc))}"


def _file_in_the_way(path: Path) -> Path | None:
    for candidate in (path, *path.parents):
        if candidate.exists() or candidate.is_symlink():
            return None if candidate.is_dir() else candidate
    return None


# --- Which folders may be an OUT ------------------------------------------------------------------
# ``--out /`` as root wrote data/, site/ and the store into the filesystem root. A folder is taken
# as OUT only when it is new, empty or already hfdaily's: the marker below says so (written on
# every run), and folders made by versions before the marker are known by what they hold.
MARKER_NAME = ".hfdaily"
MARKER_TEXT = ("This folder is the output of hfdaily (Hugging Face 论文日报): data/ is the record, the rest is\n"
               "derived from it. hfdaily writes only into folders marked so, new ones or empty ones.\n")
_EARLIER_OUTPUTS = (LOCK_NAME, "hfdaily.db", "site/.hfdaily-manifest.json", "data/*-*-*.json", "newsletters")
# ``--force`` (the option of every writing command) takes any folder, a deliberate choice.
accept_any_folder = False


def is_hfdaily_output(out: Path) -> bool:
    return (out / MARKER_NAME).is_file() or any(next(out.glob(pattern), None) for pattern in _EARLIER_OUTPUTS)


def check_output_folder(out: Path) -> None:
    """Refuse, before anything is written, an OUT that is the filesystem root, the home folder or a
    folder of something else (non-empty, not hfdaily's): exit 2, unless ``--force``."""
    if accept_any_folder:
        return
    where = out.resolve()
    home = Path.home().resolve()
    force = "pass --force if you really mean it"
    if where == Path(where.anchor):
        raise OutputError(f"refusing to write hfdaily's outputs into the filesystem root {where}; "
                          f"choose a folder with --out (default: hfdaily-out), or {force}")
    if where == home:
        raise OutputError(f"refusing to write hfdaily's outputs into the home folder {where}; "
                          f"choose a folder with --out (default: hfdaily-out), or {force}")
    if where.is_dir() and not is_hfdaily_output(where) and next(where.iterdir(), None) is not None:
        raise OutputError(f"refusing to write into {out}: it holds other files and no hfdaily output "
                          f"(no {MARKER_NAME} marker); choose a new or empty folder with --out, or {force}")


def _mark(out: Path) -> None:
    marker = out / MARKER_NAME
    if not marker.is_file():
        marker.write_text(MARKER_TEXT, encoding="utf-8")


def _holder(handle) -> str:
    handle.seek(0)
    try:
        info = json.loads(handle.read() or "{}")
    except ValueError:
        info = {}
    if not info:
        return "another hfdaily run"
    return f"hfdaily pid {info.get('pid')} on {info.get('host')}, started {info.get('started')}"


# Folders this process holds (resolved path → depth): a step inside a run (run → run_days →
# fetch …) holds the lock it already has; a second flock on a new descriptor would wait for itself.
_HELD: dict[Path, int] = {}


@contextlib.contextmanager
def hold_output(out: Path, wait: float = 0.0) -> Iterator[None]:
    """Hold ``OUT``'s lock for the block; a second process waits up to ``wait`` seconds, then gives
    up with :class:`LockedError` (exit code 75) naming the holder. Re-entrant within a process."""
    key = out.resolve() if out.exists() else out.absolute()
    if key in _HELD:
        _HELD[key] += 1
        try:
            yield
        finally:
            _HELD[key] -= 1
        return
    check_output_folder(out)
    with _hold(out, wait):
        _mark(out)
        key = out.resolve()
        _HELD[key] = 1
        try:
            yield
        finally:
            del _HELD[key]


def holds(out: Path) -> bool:
    """Whether this process holds ``out``'s lock."""
    return out.exists() and out.resolve() in _HELD


@contextlib.contextmanager
def _hold(out: Path, wait: float) -> Iterator[None]:
    made = not out.exists()  # a folder this command made: removed again if it holds nothing but the lock
    try:
        out.mkdir(parents=True, exist_ok=True)
        handle = open(out / LOCK_NAME, "a+", encoding="utf-8")  # noqa: SIM115 (held for the block)
    except OSError as exc:
        if exc.errno in (errno.ENOTDIR, errno.EEXIST) and (blocker := _file_in_the_way(out)) is not None:
            raise OutputError(f"cannot use {out} as the output folder: {blocker} is a file where a folder should be") from exc
        raise OutputError(f"cannot write the output folder: {_describe_os_error(Path(exc.filename or out), exc)}") from exc
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise LockedError(
                        f"{out} is being written by {_holder(handle)}; only one run may write a folder at a time. "
                        "Try again when it has finished, or set HFDAILY_LOCK_WAIT=SECONDS to wait for it."
                    ) from None
                time.sleep(min(0.5, max(0.05, deadline - time.monotonic())))
        previous = _holder(handle)
        if previous != "another hfdaily run":  # the last holder died without clearing the file
            log.info("taking over a stale lock of %s left by %s", out, previous)
        handle.seek(0)
        handle.truncate()
        handle.write(json.dumps({"pid": os.getpid(), "host": socket.gethostname(),
                                 "started": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")}))
        handle.flush()
        try:
            yield
        finally:
            handle.seek(0)
            handle.truncate()  # an empty lock file: nobody holds it
            handle.flush()
    finally:
        handle.close()  # closing releases the flock
        if made:
            _remove_if_only_the_lock(out)


def _remove_if_only_the_lock(out: Path) -> None:
    """A command that failed before writing anything (no network) leaves no folder holding only
    its lock file (and the marker saying the folder is hfdaily's) behind."""
    try:
        names = {p.name for p in out.iterdir()}
        if LOCK_NAME in names and names <= {LOCK_NAME, MARKER_NAME}:
            for name in names:
                (out / name).unlink()
            out.rmdir()
    except OSError:
        pass  # another process took it meanwhile: it is theirs now


def clean_leftovers(out: Path) -> list[Path]:
    """Remove what a killed run left half-written. Only call while holding the lock."""
    removed = []
    for folder in (out, *(out / name for name in OUTPUT_DIRS)):
        if not folder.is_dir():
            continue
        for pattern in TEMPORARY_PATTERNS:
            for path in folder.glob(pattern):
                if path.is_file():
                    path.unlink(missing_ok=True)
                    removed.append(path)
    for tree in OUTPUT_TREES:
        for pattern in TEMPORARY_PATTERNS:
            for path in (out / tree).rglob(pattern) if (out / tree).is_dir() else ():
                if path.is_file():
                    path.unlink(missing_ok=True)
                    removed.append(path)
    for pattern in NEVER_EMPTY:
        for path in out.glob(pattern):
            if path.is_file() and path.stat().st_size == 0:
                path.unlink(missing_ok=True)
                removed.append(path)
    if removed:
        log.warning("removed %d file(s) a killed run left half-written: %s", len(removed),
                    ", ".join(p.relative_to(out).as_posix() for p in removed[:5]) + ("…" if len(removed) > 5 else ""))
    return removed


def ignore_temporaries(out: Path) -> list[Path]:
    """``OUT/.gitignore`` keeps the store, the lock and temporaries out of a scheduled commit; lines a
    user added are kept, ours are appended when missing. Returns the file when it was written."""
    from hfdaily.archive.record import atomic_write

    path = out / ".gitignore"
    current = path.read_text(encoding="utf-8") if path.is_file() else ""
    have = set(current.splitlines())
    missing = [line for line in GITIGNORE_LINES if line not in have]
    if not missing:
        return []
    atomic_write(path, current + ("\n" if current and not current.endswith("\n") else "") + "\n".join(missing) + "\n")
    return [path]


def check_writable(out: Path, files: list[Path]) -> None:
    """Fail before anything is spent if an output cannot be written: a read-only folder, a file
    where a folder should be, a folder where a file should be."""
    for path in files:
        if path.is_dir():
            raise OutputError(f"{path} is a folder where hfdaily writes a file; move it away and run again")
    for folder in sorted({p.parent for p in files} | {out}):
        probe_in = folder
        while not probe_in.exists():  # a folder still to be made: its parent must take it
            probe_in = probe_in.parent
        if not probe_in.is_dir():
            raise OutputError(f"cannot write {folder}: {probe_in} is a file where a folder should be")
        probe = probe_in / f".hfdaily-probe.{os.getpid()}.tmp"
        try:
            probe.write_bytes(b"")
            probe.unlink()
        except OSError as exc:
            raise OutputError(f"cannot write the outputs: {_describe_os_error(probe_in, exc)}; "
                              "nothing was fetched or paid for") from exc
