"""Weekly and monthly editions over recorded real days: the numbers, the files, the site, the feed, delivery."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from collections import Counter

import feedparser
import pytest
from click.testing import CliRunner
from selectolax.lexbor import LexborHTMLParser as HTMLParser

from hfdaily.cli import cli
from hfdaily.config import load_settings
from hfdaily.errors import ConfigError
from hfdaily.make.periods import Edition, Period
from hfdaily.testing.chat_server import chat_server
from hfdaily.testing.days import recorded_dates, write_archive

SITE = "https://reader.github.io/hfdaily/"
# 2025-01-16 (a Thursday) is missing from the recorded days, as is New Year's Day.
FIRST, LAST = dt.date(2024, 12, 23), dt.date(2025, 2, 7)


@pytest.fixture(scope="module")
def archive(tmp_path_factory, fixtures_dir):
    out = tmp_path_factory.mktemp("editions") / "out"
    days = [d for d in recorded_dates(fixtures_dir) if FIRST <= d <= LAST]
    records = write_archive(fixtures_dir, out, days)
    return out, {r.date: r for r in records}


def run(out, *args, env=None):
    return CliRunner().invoke(cli, [*args, "--out", str(out), "--no-notify"],
                              env={"HFDAILY_SITE_URL": SITE, "HFDAILY_NOTIFY": "", **(env or {})})


def load(out, folder, label) -> Edition:
    return Edition.model_validate_json((out / folder / f"{label}.json").read_text(encoding="utf-8"))


def test_periods():
    assert Period.parse("week", "2025-W03").start == dt.date(2025, 1, 13)
    assert Period.parse("week", "2025-W03").end == dt.date(2025, 1, 19)
    assert Period.parse("week", "2026-W01").start == dt.date(2025, 12, 29)  # ISO: the week of 1 January
    assert Period.parse("month", "2024-02").end == dt.date(2024, 2, 29)
    assert Period.last_complete("week", dt.date(2025, 1, 20)).label == "2025-W03"  # on Monday: last week
    assert Period.last_complete("month", dt.date(2025, 3, 1)).label == "2025-02"  # on the 1st: last month
    assert Period.parse("month", "2025-01").previous().label == "2024-12"
    for kind, text in [("week", "2025-W54"), ("week", "2025-03"), ("month", "2025-13"), ("month", "January")]:
        with pytest.raises(ConfigError, match="YYYY-"):
            Period.parse(kind, text)


def test_weekly_edition_of_real_days(archive):
    out, records = archive
    result = run(out, "weekly", "--week", "2025-W03")
    assert result.exit_code == 0, result.output
    edition = load(out, "weekly", "2025-W03")
    week = [records[d] for d in sorted(records) if dt.date(2025, 1, 13) <= d <= dt.date(2025, 1, 19)]
    # each paper once, at its last listing's upvotes; the most upvoted first
    upvotes = {}
    for record in week:
        upvotes.update({e.paper.id: e.paper.upvotes for e in record.papers})
    assert edition.total == len(upvotes)
    assert [p.upvotes for p in edition.top] == sorted(upvotes.values(), reverse=True)[:10]
    assert [d.date for d in edition.days] == [r.date for r in week]
    assert [d.papers for d in edition.days] == [len(r.papers) for r in week]
    # the missing Thursday is said, in the files and on the page
    assert edition.missing == [dt.date(2025, 1, 16)]
    assert "缺少 1 个工作日的记录（1月16日）" in edition.gap_note
    assert "1月16日" in (out / "weekly" / "2025-W03.md").read_text(encoding="utf-8")
    assert "warning: 本期缺少 1 个工作日" in result.output
    # field shares against the week before, from the stored fields
    before = [records[d] for d in sorted(records) if dt.date(2025, 1, 6) <= d <= dt.date(2025, 1, 12)]
    ids_before = {e.paper.id: e for r in before for e in r.papers}
    now = {e.paper.id: e for r in week for e in r.papers}
    top_field = edition.fields[0]
    count = sum(top_field.name in e.fields for e in now.values())
    assert top_field.papers == count == max(Counter(f for e in now.values() for f in set(e.fields)).values())
    assert top_field.previous_share == round(100 * sum(top_field.name in e.fields for e in ids_before.values())
                                             / len(ids_before), 1)
    # rising keywords: more papers this week than the previous week's rate predicts
    for keyword in edition.keywords:
        assert keyword.papers >= 2 and keyword.papers >= 1.5 * keyword.previous_papers * len(now) / len(ids_before) + 1
    orgs = Counter(e.paper.organization for e in now.values() if e.paper.organization)
    assert [o.papers for o in edition.organisations] == sorted(orgs.values(), reverse=True)[:10]


def test_re_running_changes_nothing(archive):
    out, _ = archive
    assert run(out, "weekly", "--week", "2025-W02").exit_code == 0
    files = [out / "weekly" / "2025-W02.json", out / "weekly" / "2025-W02.md", out / "site" / "weekly" / "2025-W02.html"]
    stamps = [p.stat().st_mtime_ns for p in files]
    again = run(out, "weekly", "--week", "2025-W02")
    assert again.exit_code == 0 and "edition unchanged" in again.output
    assert "0 files written" in again.output
    assert [p.stat().st_mtime_ns for p in files] == stamps


def test_monthly_edition_page_calendar_and_feed(archive):
    out, records = archive
    for week in ("2025-W02", "2025-W03"):
        assert run(out, "weekly", "--week", week).exit_code == 0
    result = run(out, "monthly", "--month", "2025-01")
    assert result.exit_code == 0, result.output
    edition = load(out, "monthly", "2025-01")
    assert edition.missing == [dt.date(2025, 1, 1), dt.date(2025, 1, 16)]
    assert edition.previous_label == "2024-12" and edition.previous_total > 0  # 2024-12-23… are recorded
    assert len(edition.top) == 20
    site = out / "site"
    page = HTMLParser((site / "monthly" / "2025-01.html").read_text(encoding="utf-8"))
    assert page.css_first("h1").text() == "2025 年 1 月论文月报"
    assert "1月1日、1月16日" in page.css_first(".notice").text()
    assert [a.attributes["href"] for a in page.css("ol.edition-top h3 a")] == [f"../papers/{p.id}.html" for p in edition.top]
    assert len(page.css("ol.bars li")) == len(edition.days)
    # the calendar links the month and its weeks that have an edition
    home = HTMLParser((site / "index.html").read_text(encoding="utf-8"))
    january = next(t for t in home.css("table.cal") if t.css_first("caption").text().startswith("2025 年 1 月"))
    assert january.css_first("caption a").attributes["href"] == "monthly/2025-01.html"
    week_row = next(tr for tr in january.css("tbody tr") if tr.css_first('a[href="days/2025-01-13.html"]'))
    assert week_row.css_first("td.wk a").attributes["href"] == "weekly/2025-W03.html"
    # only weeks that have an edition (W02 and W03, made above) are linked
    assert sorted(a.attributes["href"] for a in january.css("td.wk a")) == ["weekly/2025-W02.html", "weekly/2025-W03.html"]
    # one feed entry per edition, linking its page
    feed = feedparser.parse((site / "feed.xml").read_bytes())
    links = [e.link for e in feed.entries]
    assert f"{SITE}monthly/2025-01.html" in links and f"{SITE}weekly/2025-W03.html" in links
    entry = next(e for e in feed.entries if e.link == f"{SITE}monthly/2025-01.html")
    assert entry.title == "2025 年 1 月论文月报" and edition.top[0].title in entry.content[0].value


def test_bad_periods_are_clear_errors(archive):
    out, _ = archive
    bad = run(out, "weekly", "--week", "2025-W60")
    assert bad.exit_code == 2 and "is not a week: use YYYY-Www" in bad.output
    empty = run(out, "weekly", "--week", "2024-W10")
    assert empty.exit_code == 1 and "hfdaily backfill --from 2024-03-04 --to 2024-03-10" in empty.output
    future = run(out, "monthly", "--month", "2099-01")
    assert future.exit_code == 1 and "has not begun" in future.output
    assert not (out / "weekly" / "2024-W10.json").exists()


def test_edition_goes_to_the_channels_that_ask_for_it(archive, tmp_path):
    from hfdaily.deliver.notify import deliver_day
    from hfdaily.deliver.periodic import deliver_edition

    out, _ = archive
    assert run(out, "weekly", "--week", "2025-W03").exit_code == 0
    edition = load(out, "weekly", "2025-W03")
    with chat_server() as (chat, address):
        config = tmp_path / "hfdaily.toml"
        config.write_text('[notify]\nretries = 0\n[notify.lab]\ncadence = "weekly"\n[notify.boss]\ncadence = "monthly"\n',
                          encoding="utf-8")
        notify = f"lab=json://{address}/lab boss=json://{address}/boss daily=json://{address}/daily"
        settings = load_settings(config, env={"HFDAILY_NOTIFY": notify, "HFDAILY_SITE_URL": SITE})
        report = asyncio.run(deliver_edition(settings, out, out / "hfdaily.db", edition))
        assert [(o.channel, o.status) for o in report.outcomes] == [("lab", "sent")]
        message = chat.to("/lab")[0].json
        assert message["title"] == "Hugging Face 论文周报 2025-W03"
        assert f"{SITE}papers/{edition.top[0].id}.html" in message["message"]
        assert f"{SITE}weekly/2025-W03.html" in message["message"] and "1月16日" in message["message"]
        again = asyncio.run(deliver_edition(settings, out, out / "hfdaily.db", edition))
        assert [(o.channel, o.status) for o in again.outcomes] == [("lab", "already sent")]
        assert json.loads((out / "deliveries" / "2025-W03.json").read_text())["channels"]["lab"]["papers"] == 5
        # a day goes only to the daily channel
        day = asyncio.run(deliver_day(settings, out, out / "hfdaily.db", dt.date(2025, 1, 15)))
        assert [(o.channel, o.status) for o in day.outcomes] == [("daily", "sent")]
        assert len(chat.to("/lab")) == 1 and not chat.to("/boss")


def test_edition_by_email(archive, tmp_path):
    from hfdaily.deliver.periodic import deliver_edition
    from hfdaily.testing.smtp_server import smtp_server

    out, _ = archive
    assert run(out, "monthly", "--month", "2025-01").exit_code == 0
    edition = load(out, "monthly", "2025-01")
    with smtp_server(password="pw-for-smtp") as (mailbox, port):
        config = tmp_path / "hfdaily.toml"
        config.write_text('[notify]\nretries = 0\n[notify.inbox]\ncadence = "monthly"\n', encoding="utf-8")
        url = f"inbox=mailto://reader:pw-for-smtp@127.0.0.1:{port}?to=reader@example.com&from=hfdaily@example.com"
        settings = load_settings(config, env={"HFDAILY_NOTIFY": url, "HFDAILY_SITE_URL": SITE})
        report = asyncio.run(deliver_edition(settings, out, out / "hfdaily.db", edition))
        assert [(o.channel, o.status, o.papers) for o in report.outcomes] == [("inbox", "sent", 20)]
        message = mailbox.mails[0].message
        assert message["Subject"] == "Hugging Face 论文月报 2025-01"
        html = message.get_body(("html",)).get_content()
        assert "<style" not in html and html.count("<h2 ") == 20  # every paper of the edition, inline styles
        assert edition.top[0].title in html and "1月1日、1月16日" in html
        assert f"{SITE}monthly/2025-01.html" in html
