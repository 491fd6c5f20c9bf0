"""Writing files so that a reader (or a killed run) never sees half of one.

Every layer writes through these two: the day record, pages, pictures, the ledger, the workflow.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def _read_umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


# mkstemp makes 0600 files; published files get what the user's umask gives any new file.
# Read once at import: os.umask is process-wide and pictures are written from a thread.
FILE_MODE = 0o666 & ~_read_umask()



def atomic_write(path: Path, data: str | bytes) -> None:
    """Write via a temporary file in the same folder and rename: readers never see half a file.
    The temporary is named ``.NAME.*.tmp``; a run killed mid-write leaves only that, which the
    next run removes (``archive.lock.clean_leftovers``)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, FILE_MODE)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data.encode("utf-8") if isinstance(data, str) else data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_if_changed(path: Path, data: str | bytes) -> bool:
    """``atomic_write`` unless the file already holds exactly ``data`` (its date then stays, and a
    step run again reports nothing written); True when written."""
    content = data.encode("utf-8") if isinstance(data, str) else data
    if path.exists() and path.stat().st_size == len(content) and path.read_bytes() == content:
        return False
    atomic_write(path, content)
    return True
