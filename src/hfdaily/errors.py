"""One exception tree for everything a user can cause or meet; each kind carries its exit code.

The CLI catches :class:`HfdailyError` and prints its message with no traceback: anything else that
escapes is a bug. Modules raise the most specific subclass they have.

Exit codes: 1 a run failed (network, store, record), 2 the user must change something first
(configuration, arguments, a missing font), 3 ``--strict`` and some papers are incomplete,
75 another run holds the output folder (EX_TEMPFAIL: try again later).
"""

from __future__ import annotations


class HfdailyError(Exception):
    """Base of every error hfdaily reports to a user; the message says what to do."""

    exit_code = 1


class ConfigError(HfdailyError):
    """The configuration cannot work; the message names the setting and how to fix it."""

    exit_code = 2


class SourceError(HfdailyError):
    """A source (HF, arXiv) could not be read or understood."""


class HFError(SourceError):
    """The day's list could not be fetched or understood."""


class ArxivError(SourceError):
    """A paper's page could not be fetched."""


class LLMError(HfdailyError):
    """An LLM call failed for good (after retries / re-asks)."""


class LLMUnavailableError(LLMError):
    """The endpoint is unusable for the whole run (auth refused, unreachable): stop at once."""


class ArchiveError(HfdailyError):
    """The record or the store is damaged or cannot be written."""


class RecordError(ArchiveError):
    """A day record is unreadable or invalid; the message names the file."""


class StoreError(ArchiveError):
    """The SQLite store is unreadable; the message says how to rebuild it."""


class OutputError(ArchiveError):
    """An output cannot be written (read-only folder, a file where a folder should be, …); found
    before anything is fetched or paid for."""

    exit_code = 2


class LockedError(ArchiveError):
    """Another hfdaily process is writing the same output folder."""

    exit_code = 75


class MakeError(HfdailyError):
    """A picture, a sound or a page could not be made."""


class NoCJKFontError(MakeError):
    """No font that draws Chinese; pictures would show boxes."""

    exit_code = 2


class TTSError(MakeError):
    """Speech synthesis failed."""


class TTSUnavailableError(TTSError):
    """No speech engine can run here."""


class IncompleteError(HfdailyError):
    """``--strict``: the day was published but some papers lack their translation or analysis."""

    exit_code = 3


class SiteError(HfdailyError):
    """The site cannot be built from what is there (no data/ folder, an unwritable site/)."""

    exit_code = 2


class SearchError(HfdailyError):
    """The search index could not be written (Pagefind missing or failing)."""
