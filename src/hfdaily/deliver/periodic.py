"""Send a weekly or monthly edition to the channels that asked for it (``cadence = "weekly" | "monthly"``).

The same machinery as a day (``notify``): apprise in worker threads, retries with backoff, secrets
redacted, and the ledger, keyed by the edition's label (``2026-W03``), so each channel gets an edition
once however often ``hfdaily weekly`` runs.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from html import escape
from pathlib import Path

from hfdaily.config import Settings
from hfdaily.deliver.channels import Channel, DeliveryPolicy
from hfdaily.deliver.digest import Kind
from hfdaily.deliver.ledger import Ledger
from hfdaily.deliver.notify import (
    REDACT,
    DeliveryReport,
    Outcome,
    Prepared,
    _finish,
    _send_with_retries,
    _service,
    configured_channels,
    kind_for,
    plugin_for,
)
from hfdaily.errors import HfdailyError
from hfdaily.make.periods import Edition
from hfdaily.make.render import bold
from hfdaily.publish.editions import edition_markdown, edition_text, edition_url, paper_link

CADENCE = {"week": "weekly", "month": "monthly"}
CHAT_TOP = 5


def _papers(edition: Edition, channel: Channel) -> Edition:
    """The edition as this channel wants it: only its fields' papers, at most ``top`` of them."""
    options = channel.options
    top = [p for p in edition.top if not options.fields or set(p.fields) & set(options.fields)]
    return edition.model_copy(update={"top": top})


def render_edition(edition: Edition, kind: Kind, site_url: str, top: int | None) -> str:
    if kind == "markdown":
        return edition_markdown(edition, site_url, top=top or CHAT_TOP)
    if kind == "text":
        return edition_text(edition, site_url, top=top or CHAT_TOP)
    return email_html(edition, site_url, top)


def email_html(edition: Edition, site_url: str, top: int | None = None) -> str:
    """The edition as an e-mail: one column, inline styles (mail clients drop style sheets)."""
    link = "color:#0969da;text-decoration:none;"
    rows = []
    for n, paper in enumerate(edition.top[:top] if top else edition.top, 1):
        href = escape(paper_link(edition, paper.id, site_url))
        rows.append(f'<tr><td style="padding:12px 24px;border-top:1px solid #eaeef2;">'
                    f'<h2 style="margin:0 0 4px 0;font-size:16px;line-height:1.5;"><a href="{href}" style="{link}">{n}. '
                    f'{escape(paper.display_title)}</a></h2><p style="margin:0;font-size:13px;color:#57606a;">{paper.date} · '
                    f'{paper.upvotes} 赞' + (f" · {escape(paper.organisation)}" if paper.organisation else "") + "</p>"
                    + (f'<p style="margin:6px 0 0 0;font-size:14px;line-height:1.7;">{bold(paper.contribution)}</p>'
                       if paper.contribution else "") + "</td></tr>")
    bars = "".join(
        f'<tr><td style="padding:2px 0;font-size:13px;white-space:nowrap;">{escape(f.name)}</td><td style="padding:2px 8px;width:100%;">'
        f'<div style="background:#ff9d00;height:10px;border-radius:5px;width:{f.share}%;"></div></td>'
        f'<td style="font-size:13px;white-space:nowrap;color:#57606a;">{f.papers} 篇 {f.share:g}%'
        + ("" if f.change is None else f" ({'+' if f.change > 0 else ''}{f.change:g})") + "</td></tr>"
        for f in edition.fields)
    extra = []
    if bars:
        extra.append(f'<h3 style="margin:0 0 6px 0;font-size:15px;">热门领域（与上期相比）</h3><table role="presentation" '
                     f'width="100%" cellpadding="0" cellspacing="0">{bars}</table>')
    if edition.keywords:
        extra.append('<p style="font-size:14px;"><strong>上升关键词：</strong>'
                     + escape("、".join(f"{k.word}（{k.papers}）" for k in edition.keywords)) + "</p>")
    if edition.organisations:
        extra.append('<p style="font-size:14px;"><strong>最活跃的机构：</strong>'
                     + escape("、".join(f"{o.name}（{o.papers}）" for o in edition.organisations)) + "</p>")
    page = edition_url(edition, site_url)
    note = (f'<p style="margin:8px 0 0 0;font-size:13px;color:#9a6700;">⚠️ {escape(edition.gap_note)}</p>'
            if edition.gap_note else "")
    more = (f'<p style="font-size:14px;">完整页面：<a href="{escape(page)}" style="{link}word-break:break-all;">'
            f"{escape(page)}</a></p>" if page else "")
    return (
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" '
        f'content="width=device-width, initial-scale=1"><title>{escape(edition.title)}</title></head>'
        '<body style="margin:0;padding:16px 8px;background:#f4f5f7;"><table role="presentation" width="100%" cellpadding="0" '
        'cellspacing="0" style="max-width:640px;margin:0 auto;background:#fff;border-radius:8px;font-family:-apple-system,'
        "'PingFang SC','Microsoft YaHei','Noto Sans CJK SC',Helvetica,Arial,sans-serif;color:#1f2328;\">"
        f'<tr><td style="padding:24px 24px 8px 24px;"><h1 style="margin:0 0 8px 0;font-size:22px;">{escape(edition.title)}</h1>'
        f'<p style="margin:0;font-size:14px;color:#57606a;">{escape(edition.span_text)}（上期 {edition.previous_total} 篇）</p>'
        f"{note}</td></tr>{''.join(rows)}"
        f'<tr><td style="padding:16px 24px 24px 24px;border-top:1px solid #eaeef2;">{"".join(extra)}{more}'
        '<p style="margin:12px 0 0 0;font-size:12px;color:#8c959f;">由 hfdaily 自动生成，内容来自 Hugging Face Daily Papers。</p>'
        "</td></tr></table></body></html>")


def _prepare(channel: Channel, edition: Edition, settings: Settings, policy: DeliveryPolicy) -> Prepared:
    plugin = plugin_for(channel, policy.timeout)
    kind = kind_for(plugin)
    chosen = _papers(edition, channel)
    top = channel.options.top
    body = render_edition(chosen, kind, settings.site.url, top)
    if kind != "email" and plugin.body_maxlen:  # a chat's limit: fewer papers until it fits
        limit = plugin.body_maxlen - len(edition.title) - 8
        n = top or CHAT_TOP
        while len(body) > limit and n > 1:
            n -= 1
            body = render_edition(chosen, kind, settings.site.url, n)
    shown = min(len(chosen.top), top or (CHAT_TOP if kind != "email" else len(chosen.top)))
    return Prepared(channel=channel, service=str(plugin.service_name), kind=kind, plugin=plugin,
                    title=edition.name, body=body, papers=shown)


async def deliver_edition(settings: Settings, out: Path, db: Path, edition: Edition, *, only: str | None = None,
                          dry_run: bool = False, resend: bool = False, policy: DeliveryPolicy | None = None
                          ) -> DeliveryReport:
    """Send ``edition`` to every channel whose cadence asks for it and that has not had it."""
    report = DeliveryReport(date=edition.end)
    channels, configured_policy = configured_channels(settings, only)
    policy = policy or configured_policy
    cadence = CADENCE[edition.kind]
    channels = [c for c in channels if c.options.cadence == cadence]
    if not channels:
        report.note = f"no channel has cadence = \"{cadence}\" (set it under [notify.NAME] to receive the {cadence} edition)"
        return _finish(report)
    if edition.total == 0:
        report.note = f"{edition.label} has no papers: nothing to send"
        return _finish(report)
    ledger = Ledger(db, out)
    try:
        jobs = []
        for channel in channels:
            if not resend and ledger.was_sent(edition.label, channel.name):
                report.outcomes.append(Outcome(channel.name, _service(channel), "already sent"))
                continue
            try:
                job = _prepare(channel, edition, settings, policy)
            except HfdailyError:
                raise
            except Exception as exc:  # one channel's setup fails, the others go on
                report.outcomes.append(Outcome(channel.name, _service(channel), "failed",
                                               error=REDACT(f"{type(exc).__name__}: {exc}")))
                continue
            if job.papers == 0:
                report.outcomes.append(Outcome(channel.name, job.service, "nothing to send", job.kind,
                                               error="no paper of this edition matches the channel's fields"))
            elif dry_run:
                report.outcomes.append(Outcome(channel.name, job.service, "dry run", job.kind, papers=job.papers,
                                               title=job.title, body=job.body))
            else:
                jobs.append(job)
        if jobs:
            loop = asyncio.get_running_loop()
            with ThreadPoolExecutor(max_workers=len(jobs), thread_name_prefix="hfdaily-deliver") as pool:
                pending = [loop.run_in_executor(pool, _send_with_retries, job, policy) for job in jobs]
                for next_done in asyncio.as_completed(pending):
                    outcome = await next_done
                    ledger.record(edition.label, outcome.channel, outcome.service, outcome.status, outcome.attempts,
                                  outcome.papers, edition.total, outcome.error)
                    report.outcomes.append(outcome)
    finally:
        ledger.close()
    return _finish(report)
