"""Delivery against local stand-ins only: a loopback webhook server (JSON, Feishu, DingTalk, WeCom) and
a loopback SMTP server, with the seeds' real Chinese titles and contributions for 2026-01-20."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
import re
import shutil
import sqlite3
from pathlib import Path

import pytest
from apprise.plugins.dingtalk import NotifyDingTalk
from apprise.plugins.feishu import NotifyFeishu
from apprise.plugins.wecombot import NotifyWeComBot
from click.testing import CliRunner
from recorded import seed_day_zh

from hfdaily.archive.migrations import applied
from hfdaily.archive.record import save_record
from hfdaily.cli import cli
from hfdaily.config import load_settings
from hfdaily.deliver.channels import check_channels, parse_channels, secrets_in
from hfdaily.deliver.notify import deliver_day
from hfdaily.errors import ConfigError
from hfdaily.testing.chat_server import chat_server
from hfdaily.testing.smtp_server import smtp_server

DAY = dt.date(2026, 1, 20)
SITE = "https://reader.github.io/hfdaily"
FEISHU_TOKEN = "fs0a1b2c3d4e5f6TOKEN"
DING_TOKEN = "dt9f8e7d6c5b4a3TOKEN"
WECOM_KEY = "wc1234abcd5678KEY"
SMTP_PASSWORD = "Pa55-w0rd-for-smtp"
HEADER_TOKEN = "hdr7e6d5c4b3SECRET"
SECRETS = [FEISHU_TOKEN, DING_TOKEN, WECOM_KEY, SMTP_PASSWORD, HEADER_TOKEN]


@pytest.fixture(scope="module")
def poster(tmp_path_factory, fixtures_dir, seeds_dir) -> Path:
    """The day's real poster, drawn once (it is attached inline to the e-mail)."""
    from hfdaily.make.charts import draw_poster
    from hfdaily.make.fonts import find_cjk_font

    path = tmp_path_factory.mktemp("poster") / "2026-01-20_poster.png"
    draw_poster(seed_day_zh(fixtures_dir, seeds_dir), path, find_cjk_font(None))
    return path


@pytest.fixture
def day(tmp_path, fixtures_dir, seeds_dir, poster) -> Path:
    """OUT with the 2026-01-20 record (11 papers, the seeds' translations and contributions) and its poster."""
    out = tmp_path / "out"
    save_record(out, seed_day_zh(fixtures_dir, seeds_dir))
    (out / "images").mkdir()
    shutil.copy(poster, out / "images" / poster.name)
    (out / "audio").mkdir()
    (out / "audio" / "2026-01-20.mp3").write_bytes(b"ID3")  # the site links it only when it exists
    return out


@pytest.fixture
def standins(monkeypatch):
    """Chat webhooks and SMTP on 127.0.0.1. Feishu, DingTalk and WeCom have fixed hosts in apprise:
    their plugins are pointed at the loopback server, so their real payloads are what we receive."""
    with chat_server() as (chat, address), smtp_server(password=SMTP_PASSWORD) as (mailbox, port):
        monkeypatch.setattr(NotifyFeishu, "notify_url", f"http://{address}/open-apis/bot/v2/hook/{{token}}/")
        monkeypatch.setattr(NotifyDingTalk, "notify_url", f"http://{address}/robot/send?access_token={{token}}")
        monkeypatch.setattr(NotifyWeComBot, "notify_url", f"http://{address}/cgi-bin/webhook/send?key={{key}}")
        urls = {
            "team": f"json://{address}/team?+X-Token={HEADER_TOKEN}",
            "feishu": f"feishu://{FEISHU_TOKEN}/",
            "dingtalk": f"dingtalk://{DING_TOKEN}/",
            "wecom": f"wecombot://{WECOM_KEY}",
            "inbox": f"mailto://reader:{SMTP_PASSWORD}@127.0.0.1:{port}?to=reader@example.com&from=hfdaily@example.com",
        }
        yield chat, mailbox, urls


def settings_for(tmp_path: Path, urls: dict[str, str], table: str = "", policy: str = "retries = 2\nbackoff = 0.05\n",
                 **env):
    config = tmp_path / "hfdaily.toml"
    config.write_text("[notify]\ntimeout = 5\n" + policy + table, encoding="utf-8")
    notify = " ".join(f"{name}={url}" for name, url in urls.items())
    return load_settings(config, env={"HFDAILY_NOTIFY": notify, "HFDAILY_SITE_URL": SITE, **env})


def deliver(settings, out: Path, **kwargs):
    return asyncio.run(deliver_day(settings, out, out / "hfdaily.db", DAY, **kwargs))


def test_each_channel_gets_one_message_that_fits_it(tmp_path, day, standins):
    chat, mailbox, urls = standins
    report = deliver(settings_for(tmp_path, urls), day)
    assert sorted(o.status for o in report.outcomes) == ["sent"] * 5, report.outcomes

    # Exactly one message each.
    assert [len(chat.to(p)) for p in ("/team", "/open-apis/", "/robot/send", "/cgi-bin/")] == [1, 1, 1, 1]
    assert len(mailbox.mails) == 1

    # Chats that render Markdown: the digest of the five most upvoted papers, with the seeds' real text.
    card = chat.to("/open-apis/")[0].json
    assert card["msg_type"] == "interactive"
    assert card["card"]["header"]["title"]["content"] == "Hugging Face 论文日报 2026-01-20（11 篇）"
    md = card["card"]["elements"][0]["text"]["content"]
    assert "今日 **11** 篇" in md and "热门领域：" in md
    assert "**1. 多路思维：基于词元级分支与合并的推理方法**" in md  # 13 upvotes: the day's top paper
    assert "提出了一种名为“多路复用思维”（Multiplex Thinking）的随机软推理机制" in md  # its one-line contribution
    assert f"[论文页]({SITE}/papers/2601.08808.html)" in md
    assert md.count("[论文页](") == 5 and "还有 6 篇 → " in md
    assert f"[完整日报]({SITE}/days/2026-01-20.html)" in md
    assert f"[收听播报]({SITE}/audio/2026-01-20.mp3)" in md
    ding = chat.to("/robot/send")[0]
    assert ding.query["access_token"] == [DING_TOKEN] and ding.json["msgtype"] == "markdown"
    assert "**1. 多路思维" in ding.json["markdown"]["text"]
    generic = chat.to("/team")[0]
    assert generic.headers["X-Token"] == HEADER_TOKEN and "**1. 多路思维" in generic.json["message"]

    # WeCom bots take plain text up to 2048 bytes: bare links, no Markdown, papers dropped to fit.
    wecom = chat.to("/cgi-bin/")[0].json["text"]["content"]
    assert "**" not in wecom and "[论文页]" not in wecom
    assert f"{SITE}/papers/2601.08808.html" in wecom
    assert len(wecom.encode()) <= 2048 and "还有" in wecom

    # E-mail: the full newsletter (all 11 papers) in HTML with inline CSS, the poster inside the message
    # (cid:), and a plain-text part; the SMTP login was used.
    assert mailbox.logins == ["reader"]
    mail = mailbox.mails[0]
    message = mail.message
    assert mail.recipients == ["reader@example.com"]
    assert message["Subject"] == "Hugging Face 论文日报 2026-01-20（11 篇）"
    assert message.get_content_type() == "multipart/related"
    html = message.get_body(("html",)).get_content()
    text = message.get_body(("plain",)).get_content()
    assert "<style" not in html and 'style="' in html
    assert html.count("<h2 ") == 11
    assert "ABC-Bench：面向现实世界开发的智能体后端编码基准测试" in html
    assert "<strong>核心贡献：</strong>提出了 <strong>ABC-Bench</strong>" in html  # the analysis's bold survives
    poster = next(p for p in message.walk() if p.get_content_type() == "image/png")
    assert poster["Content-ID"] == "<2026-01-20_poster.png>" and 'src="cid:2026-01-20_poster.png"' in html
    assert poster.get_payload(decode=True)[:8] == b"\x89PNG\r\n\x1a\n"
    assert "多路思维：基于词元级分支与合并的推理方法" in text and f"{SITE}/papers/2601.08808.html" in text
    assert f"{SITE}/audio/2026-01-20.mp3" in text


def test_a_day_goes_to_a_channel_once(tmp_path, day, standins, fixtures_dir, seeds_dir):
    chat, mailbox, urls = standins
    settings = settings_for(tmp_path, urls)
    deliver(settings, day)
    received = len(chat.received), len(mailbox.mails)

    again = deliver(settings, day)  # a re-run
    assert [o.status for o in again.outcomes] == ["already sent"] * 5
    assert (len(chat.received), len(mailbox.mails)) == received

    # A later run that found late papers: still nothing, even with the database lost.
    record = seed_day_zh(fixtures_dir, seeds_dir)
    record.papers = record.papers + [record.papers[0].model_copy(
        update={"paper": record.papers[0].paper.model_copy(update={"id": "2601.99999"})})]
    save_record(day, record)
    (day / "hfdaily.db").unlink()
    later = deliver(settings, day)
    assert [o.status for o in later.outcomes] == ["already sent"] * 5
    assert (len(chat.received), len(mailbox.mails)) == received
    sent = json.loads((day / "deliveries" / "2026-01-20.json").read_text())
    assert sorted(sent["channels"]) == sorted(urls)

    # --resend, for one channel.
    resent = deliver(settings, day, resend=True, only="feishu")
    assert [o.status for o in resent.outcomes] == ["sent"]
    assert len(chat.to("/open-apis/")) == 2 and "12 篇" in chat.to("/open-apis/")[1].body.decode()


def test_a_channel_down_leaves_the_others_delivered_and_is_retried_next_run(tmp_path, day, standins):
    chat, mailbox, urls = standins
    chat.fail("/open-apis/")  # Feishu answers 500, every time
    settings = settings_for(tmp_path, urls)
    report = deliver(settings, day)
    by_name = {o.channel: o for o in report.outcomes}
    assert by_name["feishu"].status == "failed" and by_name["feishu"].attempts == 3  # 1 + retries = 2
    assert "500" in by_name["feishu"].error
    assert {n for n, o in by_name.items() if o.status == "sent"} == {"team", "dingtalk", "wecom", "inbox"}
    assert len(chat.to("/team")) == 1 and len(mailbox.mails) == 1
    con = sqlite3.connect(day / "hfdaily.db")
    assert con.execute("SELECT status, attempts FROM deliveries WHERE channel = 'feishu'").fetchall() == [("failed", 3)]
    assert "deliver:m001_deliveries" in applied(con)  # the table came through the store's migrations

    chat.failures.clear()  # back up: the next run sends to it alone
    retried = deliver(settings, day)
    assert {o.channel: o.status for o in retried.outcomes}["feishu"] == "sent"
    assert [o.status for o in retried.outcomes].count("already sent") == 4
    assert len(chat.to("/open-apis/")) == 1 and len(chat.to("/team")) == 1


def test_a_flaky_channel_is_retried_with_backoff_and_gets_one_message(tmp_path, day, standins):
    chat, _, urls = standins
    chat.fail("/robot/send", times=2)
    report = deliver(settings_for(tmp_path, {"dingtalk": urls["dingtalk"]}), day)
    assert report.outcomes[0].status == "sent" and report.outcomes[0].attempts == 3
    assert len(chat.to("/robot/send")) == 1


def test_a_dead_channel_does_not_hold_up_the_others(tmp_path, day, standins):
    chat, mailbox, urls = standins
    dead = {"gone": "json://127.0.0.1:9/nobody-listens"}  # port 9: connection refused, retried after 1 s and 2 s
    # The dead one first: were channels sent one after another, it would hold up every other.
    report = deliver(settings_for(tmp_path, {**dead, **urls}, policy="retries = 2\nbackoff = 1.0\n"), day)
    gone = next(o for o in report.outcomes if o.channel == "gone")
    assert gone.status == "failed" and gone.attempts == 3 and gone.seconds >= 3.0  # slept at least that: no flake
    assert all(o.status == "sent" for o in report.outcomes if o.channel != "gone")
    # Order, not a duration: every other channel had its message before the dead one gave up. Sent
    # one after another, they would arrive after it; sent together, they arrive during its 3 s of
    # backoff sleep, a margin no machine load eats (the speed itself is measured in bench/).
    last_arrival = max([r.at for r in chat.received] + [m.at for m in mailbox.mails])
    assert last_arrival < gone.finished_at


def test_secrets_never_appear_in_logs_records_outputs_or_errors(tmp_path, day, standins, caplog):
    chat, mailbox, urls = standins
    chat.fail("/robot/send")  # DingTalk refuses: its plugin logs the full URL, token included, at debug level
    urls = {**urls, "inbox": urls["inbox"].replace(SMTP_PASSWORD, SMTP_PASSWORD + "-wrong"),  # login refused
            "down": f"json://127.0.0.1:9/x?+X-Token={HEADER_TOKEN}"}
    caplog.set_level(logging.DEBUG)
    config = tmp_path / "hfdaily.toml"
    config.write_text("[notify]\nretries = 1\nbackoff = 0\ntimeout = 1\n", encoding="utf-8")  # aiosmtpd answers a bad login by hanging up late
    env = {"HFDAILY_NOTIFY": " ".join(f"{n}={u}" for n, u in urls.items()), "HFDAILY_SITE_URL": SITE}
    result = CliRunner().invoke(cli, ["notify", "--date", "2026-01-20", "--out", str(day), "--config", str(config), "-v"],
                                env=env)
    assert result.exit_code == 1  # some channels failed
    assert "dingtalk (DingTalk): FAILED" in result.output and "inbox (E-Mail): FAILED" in result.output
    assert "access_token=***" in caplog.text  # DingTalk's debug line with its URL was logged, masked
    dump = "\n".join(sqlite3.connect(day / "hfdaily.db").iterdump())
    sent = (day / "deliveries" / "2026-01-20.json").read_text()
    dry = CliRunner().invoke(cli, ["notify", "--date", "2026-01-20", "--out", str(day), "--config", str(config),
                                   "--dry-run", "--resend"], env=env)
    assert dry.exit_code == 0 and "=== feishu (Feishu, markdown): dry run ===" in dry.output
    settings_repr = repr(load_settings(config, env=env))
    for secret in SECRETS + [SMTP_PASSWORD + "-wrong"]:
        for where, text in [("log", caplog.text), ("output", result.output), ("store", dump),
                            ("sent file", sent), ("dry run", dry.output), ("settings", settings_repr)]:
            assert secret not in text, f"{secret} leaked into the {where}"


def test_channel_options_select_and_order_papers(tmp_path, day, standins):
    chat, _, urls = standins
    table = ('[notify.team]\ntop = 3\nfields = ["安全与对齐", "计算机视觉"]\nkeywords = ["Assistant Axis"]\n'
             '[notify.follow]\nurl = "%s"\nonly_followed = true\nauthors = ["Li Dong"]\norganisations = ["openmoss"]\n'
             % urls["team"].replace("/team", "/follow"))
    deliver(settings_for(tmp_path, {"team": urls["team"]}, table), day)
    team = chat.to("/team")[0].json["message"]
    assert team.count("[论文页](") <= 3
    first = team.split("**1. ", 1)[1].splitlines()[0]
    assert "★ Assistant Axis" in first  # a followed paper comes first, marked
    follow = chat.to("/follow")[0].json["message"]
    assert follow.count("[论文页](") == 2  # Li Dong's paper and OpenMOSS's, nothing else
    assert "★ Li Dong" in follow and "★ openmoss" in follow


@pytest.mark.parametrize("notify, table, message", [
    ("feishu//nope", "", "not a notification URL"),
    ("", "[notify.team]\ntop = 3\n", "[notify.team] has no URL"),
    ("", '[notify.team]\nurl_env = "HFDAILY_TEST_UNSET_VAR"\n', "HFDAILY_TEST_UNSET_VAR"),
    ("team=json://h/x", '[notify.team]\nfields = ["量子计算"]\n', "unknown field(s) 量子计算"),
    ("team=json://h/x", "[notify.team]\ncolour = 'red'\n", "colour"),
    ("", "[notify]\nretries = -1\n", "retries"),
    ("a=json://h/x a=json://h/y", "", "names the channel 'a' twice"),
])
def test_bad_configuration_is_a_clear_error(tmp_path, notify, table, message):
    config = tmp_path / "hfdaily.toml"
    config.write_text(table, encoding="utf-8")
    with pytest.raises(ConfigError, match=re.escape(message)):  # as every command checks its settings
        settings = load_settings(config, env={"HFDAILY_NOTIFY": notify})
        check_channels(settings.notify.urls.get_secret_value(), settings.notify.table)


def test_unknown_service_and_unknown_channel_exit_2(tmp_path, day):
    config = tmp_path / "absent.toml"
    env = {"HFDAILY_NOTIFY": "pager=nosuchservice://abcdef123456", "HFDAILY_CONFIG": str(config)}
    result = CliRunner().invoke(cli, ["notify", "--date", "2026-01-20", "--out", str(day)], env=env)
    assert result.exit_code == 2 and "apprise does not understand" in result.output
    assert "abcdef123456" not in result.output
    result = CliRunner().invoke(cli, ["notify", "--date", "2026-01-20", "--out", str(day), "--channel", "x"], env=env)
    assert result.exit_code == 2 and "no channel named 'x'; channels: pager" in result.output


def test_unnamed_urls_are_named_after_their_service():
    channels, _ = parse_channels("json://h/a json://h/b, feishu://tok123456/", None, env={})
    assert [c.name for c in channels] == ["json", "json-2", "feishu"]
    assert "tok123456" not in repr(channels) and "tok123456" not in json.dumps([c.model_dump() for c in channels])


@pytest.mark.parametrize("url, secret, public", [
    ("feishu://fs0a1b2c3d4e5f6TOKEN/", "fs0a1b2c3d4e5f6TOKEN", None),
    ("mailtos://me:app-pass-123@smtp.qq.com?to=a@qq.com", "app-pass-123", "smtp.qq.com"),
    ("json://127.0.0.1:8000/hook?+X-Token=abc123secret", "abc123secret", "127.0.0.1"),
    ("tgram://123456789:AAH-bot-token-xyz/987654", "AAH-bot-token-xyz", None),
    ("ntfy://user:pw123@ntfy.sh/my-private-topic", "pw123", "ntfy.sh"),
])
def test_what_counts_as_a_secret(url, secret, public):
    found = secrets_in(url)
    assert secret in found and url in found
    if public:
        assert public not in found


def test_run_delivers_after_publishing_and_never_fails_for_it(servers, tmp_path):
    from test_pipeline import run

    _, _, env = servers
    config = tmp_path / "hfdaily.toml"
    config.write_text("[notify]\nretries = 1\nbackoff = 0\n", encoding="utf-8")
    out = tmp_path / "out"
    with chat_server() as (chat, address):
        chat.fail("/down")
        env = {**env, "HFDAILY_CONFIG": str(config),
               "HFDAILY_NOTIFY": f"team=json://{address}/team down=json://{address}/down"}
        first = run(env, out, "--date", "2026-01-20", "--no-pictures", "--no-audio")
        assert first.exit_code == 0, first.output
        assert "team (JSON): sent 4 papers" in first.output and "down (JSON): FAILED after 2 attempt(s)" in first.output
        message = chat.to("/team")[0].json
        assert message["title"] == "Hugging Face 论文日报 2026-01-20（4 篇）"
        assert "https://huggingface.co/papers/" in message["message"]  # no site URL: links go to HF

        again = run(env, out, "--date", "2026-01-20", "--no-pictures", "--no-audio")
        assert again.exit_code == 0 and "team (JSON): already sent" in again.output
        assert len(chat.to("/team")) == 1  # the re-run sent nothing new to it

        quiet = run(env, out, "--date", "2026-01-20", "--no-pictures", "--no-audio", "--no-notify")
        assert "delivery" not in quiet.output


def test_delivery_waits_while_papers_lack_their_translation(tmp_path, day, standins):
    from hfdaily.deliver.notify import deliver_after_run

    chat, _, urls = standins
    settings = settings_for(tmp_path, {"team": urls["team"]})
    report = asyncio.run(deliver_after_run(settings, day, day / "hfdaily.db", DAY, 11, ["2601.11077"]))
    assert report.note.startswith("postponed") and not chat.received
    report = asyncio.run(deliver_after_run(settings, day, day / "hfdaily.db", DAY, 11, []))
    assert [o.status for o in report.outcomes] == ["sent"]


def test_notify_by_hand_dry_run_sends_and_records_nothing(tmp_path, day, standins):
    chat, mailbox, urls = standins
    config = tmp_path / "hfdaily.toml"
    config.write_text("[notify]\nretries = 0\n", encoding="utf-8")
    env = {"HFDAILY_NOTIFY": " ".join(f"{n}={u}" for n, u in urls.items()), "HFDAILY_SITE_URL": SITE}
    base = ["notify", "--out", str(day), "--config", str(config)]
    dry = CliRunner().invoke(cli, [*base, "--date", "2026-01-20", "--dry-run"], env=env)
    assert dry.exit_code == 0, dry.output
    assert "=== wecom (WeCom Bot, text): dry run ===" in dry.output and "=== inbox (E-Mail, email): dry run ===" in dry.output
    assert "1. 多路思维：基于词元级分支与合并的推理方法" in dry.output  # the plain-text part of the e-mail
    assert not chat.received and not mailbox.mails and not (day / "deliveries").exists()
    assert sqlite3.connect(day / "hfdaily.db").execute("SELECT COUNT(*) FROM deliveries").fetchone() == (0,)

    sent = CliRunner().invoke(cli, [*base, "--date", "2026-01-20", "--channel", "team"], env=env)
    assert sent.exit_code == 0 and "team (JSON): sent 5 papers" in sent.output and len(chat.received) == 1

    missing = CliRunner().invoke(cli, [*base, "--date", "2026-01-21"], env=env)
    assert missing.exit_code == 1 and "no papers for 2026-01-21" in missing.output


def test_a_big_day_by_email_keeps_every_paper_and_stays_under_gmails_clipping(fixtures_dir):
    from recorded import load_fixture_day

    from hfdaily.deliver.channels import ChannelOptions
    from hfdaily.deliver.digest import EMAIL_LIMIT, build_digest, render_fitted

    record = load_fixture_day(fixtures_dir, "2025-09-30")  # 50 papers, the most of any recorded day
    html = render_fitted(build_digest(record, ChannelOptions(), "email"), "email", None)
    assert len(html.encode()) <= EMAIL_LIMIT
    assert html.count("<h2 ") == 50
    top = max(record.papers, key=lambda e: e.paper.upvotes).paper
    assert top.summary[:80] in html  # abstracts are dropped from the end, the top papers keep theirs


def test_notify_verbose_masks_path_tokens_basic_auth_and_the_raw_url(tmp_path, day):
    """Issue 18: `notify -v` printed apprise's "Loaded JSON URL" line (a token in the path) and a
    webhook's error body echoing "Authorization: Basic …". Run as a user runs it: a new process."""
    import base64
    import os
    import subprocess
    import sys
    from http.server import BaseHTTPRequestHandler

    from hfdaily.testing.serving import serve

    class Echo(BaseHTTPRequestHandler):  # a gateway that answers 500 with the request it got
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            body = f"bad gateway; request was POST {self.path}\n{self.headers}".encode()
            self.send_response(500)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:
            pass

    path_token, user, password = "pathTok3nAbCdEf9876", "hook-user", "hunter2-Pa55w0rd"
    basic = base64.b64encode(f"{user}:{password}".encode()).decode()
    with serve(Echo) as base:
        address = base.removeprefix("http://")
        url = f"json://{user}:{password}@{address}/hooks/{path_token}?+X-Key=q4ueryS3cretValue"
        (tmp_path / "hfdaily.toml").write_text("[notify]\nretries = 0\n", encoding="utf-8")
        env = os.environ | {"HFDAILY_NOTIFY": f"gw={url}", "HFDAILY_CONFIG": str(tmp_path / "hfdaily.toml")}
        done = subprocess.run([sys.executable, "-m", "hfdaily", "notify", "--date", "2026-01-20", "--out", str(day),
                               "-v"], env=env, capture_output=True, text=True, timeout=120)
    printed = done.stdout + done.stderr
    assert done.returncode == 1 and "gw (JSON): FAILED" in printed, printed
    assert "Loaded JSON URL" in printed and "Basic ***" in printed  # the lines are there, masked
    for secret in (path_token, password, basic, basic.rstrip("="), "q4ueryS3cretValue", url):
        assert secret not in printed, f"{secret} printed"


HOSTILE_TITLE = ('<script>alert(1)</script> [点我](javascript:alert(1)) @all <at user_id="all">所有人</at> '
                 '<!channel> <@U024BE7LH> @everyone _x_ `code` ~~del~~ https://evil.example/phish')
HOSTILE_LINE = '<img src=x onerror="alert(2)"> [登录](https://evil.example/login) **真正的贡献** <font color="red">红</font>'


def test_chat_digests_carry_no_markup_links_or_mentions_from_outside(tmp_path, day, standins):
    """Issue 18: <script>, <img onerror> and [点我](javascript:…) reached the webhook inside the
    bold title and the contribution line. What each chat receives is rendered here as Markdown and
    must hold only our own links, no tag and no mention."""
    from markdown_it import MarkdownIt

    from hfdaily.archive.record import load_record

    chat, _, urls = standins
    record = load_record(day / "data" / "2026-01-20.json")
    top = max(record.papers, key=lambda e: e.paper.upvotes)
    top.translation.title_zh = HOSTILE_TITLE
    top.analysis.contribution = HOSTILE_LINE
    save_record(day, record)
    channels = {name: urls[name] for name in ("team", "feishu", "dingtalk", "wecom")}
    report = deliver(settings_for(tmp_path, channels), day)
    assert sorted(o.status for o in report.outcomes) == ["sent"] * 4, report.outcomes
    bodies = {"team": chat.to("/team")[0].json["message"], "dingtalk": chat.to("/robot/send")[0].json["markdown"]["text"],
              "wecom": chat.to("/cgi-bin/")[0].json["text"]["content"],
              "feishu": json.dumps(chat.to("/open-apis/")[0].json, ensure_ascii=False)}
    for name, body in bodies.items():
        assert "＜script＞alert（1）＜/script＞" in body, name  # shown, as text
        for live in ("<script", "<img", "<at ", "<!channel>", "<@U", "@all", "@everyone", "<font",
                     "](javascript", "(javascript", "https://evil.example"):
            assert live not in body, (name, live)
    html = MarkdownIt("commonmark").render(bodies["team"])
    links = re.findall(r'href="([^"]+)"', html)
    assert links and all(link.startswith((SITE, "https://huggingface.co/")) for link in links), links
    assert "<strong>真正的贡献</strong>" in html  # the analysis's own bold is kept
