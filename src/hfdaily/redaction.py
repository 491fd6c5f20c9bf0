"""The secrets this process was configured with, and the one place that masks them.

Two uses, one list:

- every log line, of every logger and at every level (apprise's own, urllib3's, ours), is
  rewritten when it is made, before any handler sees it (:func:`mask_every_log_line`);
- every text that comes back from outside (an LLM answer, a page, HF's list) is scrubbed of the
  configured secrets before it is stored (:func:`scrub`): a model that echoes the API key it was
  given must not publish it in the record, the pages, the feeds and the store.

Secrets are registered where they are read: the LLM client (key, URL userinfo), the HF client
(token), the channels (every secret part of every URL, its raw form, base64 of ``user:password``).
"""

from __future__ import annotations

import base64
import logging
import re
import threading
from collections.abc import Iterable

# A credential sent as HTTP basic auth and echoed back by a server (an error body, a debug dump).
_BASIC_AUTH = re.compile(r"(?i)\b(authorization\s*[:=]\s*[\"']?\s*basic)\s+[A-Za-z0-9+/_-]+=*")
_BEARER = re.compile(r"(?i)\b(authorization\s*[:=]\s*[\"']?\s*bearer)\s+[^\s\"',;]+")
# Text from outside is scrubbed of secrets this long or longer only: a channel URL's path pieces
# ("team") are masked in logs, never cut out of an abstract.
STRONG = 8


class Redactor:
    """Replaces every known secret by ``***`` in any text (longest first, so no half-token is left)."""

    def __init__(self, secrets: Iterable[str] = ()):
        self._secrets: list[str] = []
        self._lock = threading.Lock()
        self.add(secrets)

    def add(self, secrets: Iterable[str]) -> None:
        with self._lock:
            merged = set(self._secrets) | {s for s in secrets if s and len(s) >= 3}
            self._secrets = sorted(merged, key=len, reverse=True)

    def __bool__(self) -> bool:
        return bool(self._secrets)

    def __call__(self, text: object) -> str:
        text = str(text)
        for secret in self._secrets:
            if secret in text:
                text = text.replace(secret, "***")
        return _BEARER.sub(r"\1 ***", _BASIC_AUTH.sub(r"\1 ***", text))

    def scrub(self, text: str) -> str:
        """Only the strong secrets, nothing else touched: for text that is kept and shown."""
        for secret in self._secrets:
            if len(secret) >= STRONG and secret in text:
                text = text.replace(secret, "***")
        return text


SECRETS = Redactor()  # every secret configured in this process


def with_basic_auth(user: str | None, password: str | None) -> set[str]:
    """``user``, ``password`` and the base64 of ``user:password`` a server may echo (Authorization: Basic …)."""
    found = {s for s in (user, password) if s}
    if user is not None and password:
        pair = f"{user}:{password}".encode()
        found |= {base64.b64encode(pair).decode(), base64.b64encode(pair).decode().rstrip("="),
                  base64.urlsafe_b64encode(pair).decode()}
    return found


def register(secrets: Iterable[str | None]) -> None:
    SECRETS.add(s for s in secrets if s)
    if SECRETS:
        mask_every_log_line()


def scrub(text: str) -> str:
    """``text`` without any configured secret (``***`` instead): what is stored from outside."""
    return SECRETS.scrub(text) if SECRETS and text else text


_installed = False


def mask_every_log_line() -> None:
    """Rewrite every log record as it is made (logger filters do not see records of child loggers,
    and a handler's filter is not ours to set): the message, its arguments and any traceback."""
    global _installed
    if _installed:
        return
    _installed = True
    make_record = logging.getLogRecordFactory()

    def masked_record(*args, **kwargs) -> logging.LogRecord:
        record = make_record(*args, **kwargs)
        if not SECRETS:
            return record
        try:
            message = record.getMessage()
            clean = SECRETS(message)
            if clean != message:
                record.msg, record.args = clean, None
            if record.exc_info and record.exc_info[1] is not None:
                record.exc_text = SECRETS(logging.Formatter().formatException(record.exc_info))
                record.exc_info = None
        except Exception:  # a log line must never break what logs it
            record.msg, record.args = "(log line withheld: it could not be checked for secrets)", None
        return record

    logging.setLogRecordFactory(masked_record)
