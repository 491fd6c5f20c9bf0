"""Send a day to every channel at once, each retried with backoff, each recorded once sent.

Channels run side by side in their own threads (apprise is blocking), so a slow or dead one
never holds up the others, and the run that called us never fails because of one. Apprise's own
log lines are caught per thread: they say why a channel failed, and they are redacted before
anyone sees them (several plugins log their full webhook URL, token included, at debug level).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from hfdaily.archive.index import Index
from hfdaily.config import Settings
from hfdaily.deliver.channels import (
    Channel,
    DeliveryPolicy,
    parse_channels,
    secrets_in,
)
from hfdaily.deliver.digest import Digest, Kind, build_digest, render_fitted
from hfdaily.deliver.ledger import Ledger
from hfdaily.errors import ConfigError, HfdailyError
from hfdaily.models import DayRecord
from hfdaily.redaction import SECRETS, mask_every_log_line, register

log = logging.getLogger("hfdaily.deliver")

Status = Literal["sent", "failed", "already sent", "nothing to send", "dry run"]


@dataclass
class Outcome:
    channel: str
    service: str
    status: Status
    kind: Kind | None = None
    attempts: int = 0
    papers: int = 0
    error: str | None = None
    seconds: float = 0.0
    title: str = ""
    body: str = ""  # kept for --dry-run only
    finished_at: float = 0.0  # time.monotonic() when the last attempt ended

    def line(self) -> str:
        what = f"{self.channel} ({self.service})"
        if self.status == "sent":
            return f"{what}: sent {self.papers} papers" + (f" after {self.attempts} attempts" if self.attempts > 1 else "")
        if self.status == "failed":
            return f"{what}: FAILED after {self.attempts} attempt(s): {self.error}"
        return f"{what}: {self.status}" + (f" ({self.error})" if self.error else "")


@dataclass
class DeliveryReport:
    date: dt.date
    outcomes: list[Outcome] = field(default_factory=list)
    note: str = ""  # why nothing was attempted, when nothing was
    started_at: float = field(default_factory=time.monotonic)
    finished_at: float = 0.0

    @property
    def sent(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == "sent"]

    @property
    def failed(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == "failed"]

    def line(self) -> str:
        if self.note:
            return f"delivery: {self.note}"
        parts = [f"{len(self.sent)} sent"] + ([f"{len(self.failed)} failed"] if self.failed else [])
        others = len(self.outcomes) - len(self.sent) - len(self.failed)
        parts += [f"{others} unchanged"] if others else []
        return f"delivery {self.date}: " + ", ".join(parts) + f" ({self.finished_at - self.started_at:.1f} s)"


# --- apprise, kept in its box -----------------------------------------------------------------------

REDACT = SECRETS  # every secret configured in this process (channels, the LLM key, HF's token)

# Loggers that see notification URLs: apprise's plugins (several log the full webhook URL, token
# included, at debug level) and urllib3 (request lines carry the path, where Feishu keeps its token).
_URL_LOGGERS = ("apprise", "urllib3.connectionpool", "urllib3.connection", "urllib3.util.retry", "requests")


class _RedactSecrets(logging.Filter):
    """Rewrites a record before any handler sees it, so no handler (the user's, pytest's) gets a secret."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
            clean = REDACT(message)
            if clean != message:
                record.msg, record.args = clean, None
            if record.exc_info:  # a traceback names the URL too
                record.exc_text = REDACT(logging.Formatter().formatException(record.exc_info))
                record.exc_info = None
        except Exception:  # a log line must never break a delivery
            record.msg, record.args = "(log line withheld: it could not be checked for secrets)", None
        return True


class _OnlyOurSummary(logging.Filter):
    """Apprise warns once per failed attempt; our report already says what failed, once."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno >= logging.ERROR or not record.name.startswith(_URL_LOGGERS)


def quiet_library_warnings() -> None:
    """For the command line without --verbose: the user's handlers show our report, not apprise's retries.
    (A handler filter, not a logger level: apprise reads its own warnings back as the failure reason.)"""
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, _OnlyOurSummary) for f in handler.filters):
            handler.addFilter(_OnlyOurSummary())


def _redact_logs() -> None:
    mask_every_log_line()
    for name in (*_URL_LOGGERS, log.name):
        logger = logging.getLogger(name)
        if not any(isinstance(f, _RedactSecrets) for f in logger.filters):
            logger.addFilter(_RedactSecrets())


@dataclass
class Prepared:
    """A channel with its apprise plugin and message, ready to go."""

    channel: Channel
    service: str
    kind: Kind
    plugin: object = None
    title: str = ""
    body: str = ""
    attach: list[Path] = field(default_factory=list)
    papers: int = 0


def plugin_for(channel: Channel, timeout: float = 20.0):
    """Apprise's plugin for the URL; a clear error (without the URL) when apprise cannot use it."""
    import apprise

    _redact_logs()
    register(secrets_in(channel.url))  # before apprise logs "Loaded … URL: <the URL>"
    asset = apprise.AppriseAsset(async_mode=False)
    plugin = apprise.Apprise.instantiate(channel.url, asset=asset)
    if plugin is None:
        raise ConfigError(f"channel {channel.name!r}: apprise does not understand its URL (scheme "
                          f"{channel.scheme!r}); see https://appriseit.com/services/")
    register(secrets_in(channel.url, plugin.url(privacy=True)))
    plugin.socket_connect_timeout = plugin.socket_read_timeout = timeout
    return plugin


def kind_for(plugin) -> Kind:
    from apprise import NotifyFormat
    from apprise.plugins.email import NotifyEmail

    if isinstance(plugin, NotifyEmail):
        return "email"
    return "markdown" if plugin.resolve_format(NotifyFormat.MARKDOWN) in (NotifyFormat.MARKDOWN, NotifyFormat.HTML) \
        else "text"


def prepare(channel: Channel, record: DayRecord, settings: Settings, out: Path, policy: DeliveryPolicy) -> Prepared:
    plugin = plugin_for(channel, policy.timeout)
    kind = kind_for(plugin)
    ranking = None
    if channel.options.profile:
        from hfdaily.deliver.ranking import channel_ranking

        ranking = channel_ranking(out, record, channel.options, channel.name)
    digest: Digest = build_digest(record, channel.options, kind, site_url=settings.site.url, out=out, ranking=ranking)
    poster_cid = digest.poster.name if kind == "email" and digest.poster else None
    limit = None
    in_bytes = type(plugin).__name__ == "NotifyWeComBot"  # WeCom counts bytes (2048), the others characters
    if kind != "email" and plugin.body_maxlen:
        title = len(digest.title.encode("utf-8") if in_bytes else digest.title)
        limit = plugin.body_maxlen - title - 8  # plugins without a title field put it in the body
    body = render_fitted(digest, kind, limit, poster_cid, in_bytes)
    return Prepared(channel=channel, service=str(plugin.service_name), kind=kind, plugin=plugin, title=digest.title,
                    body=body, attach=[digest.poster] if poster_cid else [], papers=len(digest.items))


def _send_with_retries(job: Prepared, policy: DeliveryPolicy) -> Outcome:
    """In a worker thread: try, wait backoff·2ⁿ, try again; apprise's warnings for the last try are the reason."""
    import apprise

    started = time.monotonic()
    body_format = {"markdown": apprise.NotifyFormat.MARKDOWN, "text": apprise.NotifyFormat.TEXT,
                   "email": apprise.NotifyFormat.HTML}[job.kind]
    reasons: list[str] = []
    attempts = 0
    for attempt in range(1, policy.retries + 2):
        attempts = attempt
        # A fresh plugin each try: apprise throttles one instance to a request per 5.5 s, our backoff paces retries.
        plugin = plugin_for(job.channel, policy.timeout)
        if job.attach:
            plugin.inline = True  # RFC 2387: the poster is a part of the message that the HTML shows by cid:
        sender = apprise.Apprise(asset=plugin.asset)
        sender.add(plugin)
        attach = apprise.AppriseAttachment([str(p) for p in job.attach]) if job.attach else None
        try:
            result = sender.notify(body=job.body, title=job.title, body_format=body_format, attach=attach)
            reasons = [e.message for e in _logs(result) if e.level in ("WARNING", "ERROR", "CRITICAL")]
        except Exception as exc:  # a plugin bug is a failed attempt, not a crashed run
            result, reasons = False, [f"{type(exc).__name__}: {exc}"]
        if result:
            return Outcome(job.channel.name, job.service, "sent", job.kind, attempt, job.papers,
                           seconds=time.monotonic() - started, finished_at=time.monotonic())
        if attempt <= policy.retries:
            time.sleep(policy.backoff * 2 ** (attempt - 1))
    reason = REDACT("; ".join(dict.fromkeys(reasons)) or "the service refused the message")
    return Outcome(job.channel.name, job.service, "failed", job.kind, attempts, job.papers, error=reason,
                   seconds=time.monotonic() - started, finished_at=time.monotonic())


def _logs(result) -> list:
    """What apprise logged for this send (apprise 2's result carries them); nothing on older ones."""
    try:
        return list(result.logs())
    except (AttributeError, TypeError):
        return []


# --- the day ----------------------------------------------------------------------------------------


def load_day(out: Path, db: Path, date: dt.date) -> DayRecord | None:
    """The one place delivery reads a day from: through the archive index (refreshed for that day)."""
    with Index.open(out, db=db) as index:
        index.refresh(dates=[date])
        if (row := index.day(date)) is None or row.papers == 0:
            return None
        return index.record(date)


def configured_channels(settings: Settings, only: str | None = None) -> tuple[list[Channel], DeliveryPolicy]:
    channels, policy = parse_channels(settings.notify.urls.get_secret_value(), settings.notify.table)
    if only is not None:
        chosen = [c for c in channels if c.name == only]
        if not chosen:
            names = ", ".join(c.name for c in channels) or "none configured (set HFDAILY_NOTIFY or [notify])"
            raise ConfigError(f"no channel named {only!r}; channels: {names}")
        channels = chosen
    return channels, policy


async def deliver_day(settings: Settings, out: Path, db: Path, date: dt.date, *, only: str | None = None,
                      dry_run: bool = False, resend: bool = False, policy: DeliveryPolicy | None = None
                      ) -> DeliveryReport:
    """Send ``date`` to every channel that has not had it (all of them with ``resend``)."""
    report = DeliveryReport(date=date)
    channels, configured_policy = configured_channels(settings, only)
    policy = policy or configured_policy
    if not channels:
        report.note = "no channels configured (HFDAILY_NOTIFY or [notify] in hfdaily.toml)"
        return _finish(report)
    channels = [c for c in channels if c.options.cadence == "daily"]  # the others get the weekly/monthly editions
    if not channels:
        report.note = "no channel takes days (every one has cadence = weekly or monthly)"
        return _finish(report)
    record = load_day(out, db, date)
    if record is None or not record.papers:
        report.note = f"no papers for {date} in {out / 'data'}: nothing to send"
        return _finish(report)

    ledger = Ledger(db, out)
    try:
        jobs = []
        for channel in channels:
            if not resend and ledger.was_sent(date, channel.name):
                report.outcomes.append(Outcome(channel.name, _service(channel), "already sent"))
                continue
            try:
                job = prepare(channel, record, settings, out, policy)
            except HfdailyError:
                raise
            except Exception as exc:  # rendering or plugin setup: this channel fails, the others go on
                report.outcomes.append(Outcome(channel.name, _service(channel), "failed",
                                               error=REDACT(f"{type(exc).__name__}: {exc}")))
                continue
            if job.papers == 0:
                report.outcomes.append(Outcome(channel.name, job.service, "nothing to send", job.kind,
                                               error="no paper matches this channel's fields/follows today"))
            elif dry_run:
                report.outcomes.append(Outcome(channel.name, job.service, "dry run", job.kind, papers=job.papers,
                                               title=job.title, body=job.body))
            else:
                jobs.append(job)
        if jobs:
            await _send_all(jobs, policy, ledger, record, report)
    finally:
        ledger.close()
    for outcome in report.outcomes:  # the command line prints the report; this is for other callers' logs
        log.info("delivery of %s to %s", date, REDACT(outcome.line()))
    return _finish(report)


async def _send_all(jobs: list[Prepared], policy: DeliveryPolicy, ledger: Ledger, record: DayRecord,
                    report: DeliveryReport) -> None:
    loop = asyncio.get_running_loop()
    # One thread per channel: the default pool (cores + 4) would queue the tenth behind a dead one.
    with ThreadPoolExecutor(max_workers=len(jobs), thread_name_prefix="hfdaily-deliver") as pool:
        pending = [loop.run_in_executor(pool, _send_with_retries, job, policy) for job in jobs]
        for next_done in asyncio.as_completed(pending):
            outcome = await next_done
            # Recorded the moment it is known: a run killed now still knows this channel got the day.
            ledger.record(record.date, outcome.channel, outcome.service, outcome.status, outcome.attempts,
                          outcome.papers, len(record.papers), outcome.error)
            report.outcomes.append(outcome)


def _service(channel: Channel) -> str:
    try:
        return str(plugin_for(channel).service_name)
    except Exception:
        return channel.scheme


def _finish(report: DeliveryReport) -> DeliveryReport:
    report.finished_at = time.monotonic()
    return report


def warm_up(settings: Settings) -> None:
    """While the day is being made: load apprise's plugins (half a second) in the background, so that
    delivery starts the moment the day is published. Does nothing without channels; never raises."""
    def load() -> None:
        try:
            for channel in parse_channels(settings.notify.urls.get_secret_value(), settings.notify.table)[0]:
                plugin_for(channel)
        except Exception:  # noqa: BLE001 — delivery itself will report the problem
            pass

    if settings.notify.urls.get_secret_value() or settings.notify.table:
        threading.Thread(target=load, name="hfdaily-deliver-warm-up", daemon=True).start()


async def deliver_after_run(settings: Settings, out: Path, db: Path, date: dt.date, papers: int,
                            failed: list[str]) -> DeliveryReport | None:
    """The run's last step. It never raises: a delivery problem is reported, the day is already published."""
    if papers == 0:
        return None
    try:
        if not parse_channels(settings.notify.urls.get_secret_value(), settings.notify.table)[0]:
            return None
        if failed:
            report = DeliveryReport(date=date, note=f"postponed: {len(failed)} paper(s) still lack their "
                                                    "translation/analysis; the next run delivers the complete day")
            return _finish(report)
        return await deliver_day(settings, out, db, date)
    except Exception as exc:  # noqa: BLE001 — by design: delivering must not fail the run
        log.warning("delivery failed: %s", REDACT(exc))
        return _finish(DeliveryReport(date=date, note=f"failed: {REDACT(exc)}"))
