"""Benchmark delivery: from the end of a run to the last message at ten local channels; what a re-run sends.

    python bench/deliver.py [--repeat 3] [--date 2026-01-20]

Runs the real `run_day` (recorded HF day, fake LLM, no pictures/audio) with ten channels configured
(6 JSON webhooks, Feishu, DingTalk and WeCom bots pointed at a loopback server, and an SMTP
server), times from the moment publishing ends (``pipeline.publish`` returns: the archive page, the
feed and the site are written) to the arrival of the last message, then
runs the same day again and counts what arrives. A last round has Feishu down (HTTP 500, default
policy: 3 retries, backoff 2 s doubling) to show that it holds up no other channel.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path

from apprise.plugins.dingtalk import NotifyDingTalk
from apprise.plugins.feishu import NotifyFeishu
from apprise.plugins.wecombot import NotifyWeComBot

from benchkit import FIXTURES, load

from hfdaily import pipeline
from hfdaily.config import load_settings
from hfdaily.pipeline import RunOptions, run_day
from hfdaily.testing.chat_server import chat_server
from hfdaily.testing.fake_llm import FakeLLM
from hfdaily.testing.hf_server import FakeHF
from hfdaily.testing.smtp_server import smtp_server


published_at: list[float] = []
_publish = pipeline.publish


def _timed_publish(*args, **kwargs):
    result = _publish(*args, **kwargs)
    published_at.append(time.monotonic())  # the end of the run proper (site included): what follows is delivery
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--date", default="2026-01-20")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--fixtures", type=Path, default=FIXTURES)
    parser.add_argument("--smoke", action="store_true", help="one run, no outage round: checks the bench works (CI)")
    args = parser.parse_args()
    if args.smoke:
        args.repeat = 1
    if not (args.fixtures / "hf_daily_papers").is_dir():
        sys.exit(f"recorded data not found at {args.fixtures}; pass --fixtures")
    pipeline.publish = _timed_publish
    date = dt.date.fromisoformat(args.date)

    with FakeLLM().serve() as llm_url, FakeHF(args.fixtures / "hf_daily_papers").serve() as hf_url, \
            chat_server() as (chat, address), smtp_server(password="bench-pass") as (mailbox, port):
        NotifyFeishu.notify_url = f"http://{address}/open-apis/bot/v2/hook/{{token}}/"
        NotifyDingTalk.notify_url = f"http://{address}/robot/send?access_token={{token}}"
        NotifyWeComBot.notify_url = f"http://{address}/cgi-bin/webhook/send?key={{key}}"
        urls = [f"hook{i}=json://{address}/hook{i}" for i in range(6)] + [
            "feishu=feishu://benchFeishuToken1/", "dingtalk=dingtalk://benchDingToken1/", "wecom=wecombot://benchWeComKey1",
            f"inbox=mailto://bench:bench-pass@127.0.0.1:{port}?to=reader@example.com&from=hfdaily@example.com"]
        env = {"HF_ENDPOINT": hf_url, "HFDAILY_LLM_BASE_URL": llm_url, "HFDAILY_LLM_MODEL": "fake",
               "HFDAILY_LLM_API_KEY": "x", "HFDAILY_TREND_DAYS": "0", "HFDAILY_ANALYSIS": "false",
               "HFDAILY_NOTIFY": " ".join(urls), "HFDAILY_CONFIG": "/nonexistent.toml"}
        settings = load_settings(env=env)

        def one_run(out: Path):
            before = len(chat.received) + len(mailbox.mails)
            opts = RunOptions(date=date, out=out, db=out / "hfdaily.db", analysis=False, pictures=False, audio=False,
                              progress=False)
            summary = asyncio.run(run_day(settings, opts))
            arrivals = [r.at for r in chat.received] + [m.at for m in mailbox.mails]
            new = len(chat.received) + len(mailbox.mails) - before
            return summary, new, arrivals

        times = []
        for _ in range(args.repeat):
            with tempfile.TemporaryDirectory() as tmp:
                summary, new, arrivals = one_run(Path(tmp))
                assert new == 10 and len(summary.delivery.sent) == 10, summary.delivery.line()
                times.append(max(arrivals) - published_at[-1])
                again, resent, _ = one_run(Path(tmp))  # the same day again
                statuses = sorted({o.status for o in again.delivery.outcomes})
        print(f"day {date}: {summary.papers} papers, 10 channels (6 JSON webhooks, Feishu, DingTalk, WeCom, SMTP)")
        print(f"end of run → last message delivered: median {statistics.median(times) * 1000:.0f} ms "
              f"(runs: {', '.join(f'{t * 1000:.0f}' for t in times)} ms)")
        print(f"re-run of the same day: {resent} messages sent (every channel: {', '.join(statuses)})   [{load()}]")
        if args.smoke:
            return

        chat.fail("/open-apis/")
        with tempfile.TemporaryDirectory() as tmp:
            summary, new, arrivals = one_run(Path(tmp))
            healthy = [r.at for r in chat.received[-8:]] + [mailbox.mails[-1].at]
            feishu = next(o for o in summary.delivery.outcomes if o.channel == "feishu")
            print(f"Feishu down (HTTP 500): the 9 others delivered {(max(healthy) - published_at[-1]) * 1000:.0f} ms "
                  f"after the run; Feishu reported failed after {feishu.attempts} attempts, {feishu.seconds:.1f} s; "
                  f"the run exited normally")


if __name__ == "__main__":
    main()
