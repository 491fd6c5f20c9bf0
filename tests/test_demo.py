"""`hfdaily demo`: the bundled real day, offline, with no key and no recorded fixtures needed."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from hfdaily.cli import cli
from hfdaily.models import DayRecord


def test_demo_makes_the_real_sample_day_offline(tmp_path, monkeypatch):
    for name in ("DEEPSEEK_API_KEY", "HFDAILY_LLM_BASE_URL", "HF_ENDPOINT", "HFDAILY_LLM_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    out = tmp_path / "demo"
    result = CliRunner().invoke(cli, ["demo", "--out", str(out), "--no-audio", "-q"])
    assert result.exit_code == 0, result.output
    assert f"The demo day is in {out.resolve()}/" in result.output and "4 papers (2 new)" in result.output
    md = (out / "newsletters" / "2026-01-20.md").read_text()
    # Real Chinese (seed 000), not the fake's 模拟 text.
    assert "### 2. ABC-Bench：面向现实世界开发的智能体后端编码基准测试" in md and "模拟的中文译文" not in md
    report = (out / "reports" / "2026-01-20.md").read_text()
    assert "**输入**：需要进行复杂推理的任务文本" in report and "模拟分析" not in report
    day = DayRecord.model_validate_json((out / "data" / "2026-01-20.json").read_text())
    assert all(e.translation and e.analysis for e in day.papers)
    assert (out / "images" / "2026-01-20_poster.png").stat().st_size > 10_000



def test_the_demo_tells_where_each_text_came_from_and_shows_no_false_warning(tmp_path, monkeypatch):
    """Issue 14: the recorded full-text analyses are not checked against an abstract (a ⚠️ no real
    run would show); each 阅读来源 is what the analysis was really made from; the trend has a week;
    feeds and podcast are written under a placeholder address the demo names."""
    for name in ("DEEPSEEK_API_KEY", "HFDAILY_LLM_BASE_URL", "HF_ENDPOINT", "HFDAILY_LLM_API_KEY", "HFDAILY_SITE_URL"):
        monkeypatch.delenv(name, raising=False)
    out = tmp_path / "demo"
    result = CliRunner().invoke(cli, ["demo", "--out", str(out), "--no-audio", "-q"])
    assert result.exit_code == 0, result.output
    report = (out / "reports" / "2026-01-20.md").read_text()
    assert "⚠️" not in report and "flagged" not in result.output
    day = DayRecord.model_validate_json((out / "data" / "2026-01-20.json").read_text())
    sources = {e.paper.id: e.read_source for e in day.papers}
    assert sources == {"2601.10387": "HTML", "2601.11096": "HTML", "2601.08808": "HF", "2601.11077": "HF"}
    assert "made from the papers' full texts (arXiv" in result.output and "not re-checked" in result.output
    stats = json.loads((out / "stats" / "2026-01-20.json").read_text())
    assert len(stats["window"]) >= 6  # the sample day and the five weekdays before it
    feed = (out / "site" / "feed.xml").read_text()
    assert "https://hfdaily-demo.example/" in feed and (out / "site" / "podcast.xml").is_file()
    assert "placeholder address https://hfdaily-demo.example/" in result.output
    # The closing hint names a command that exists (not a bare `hfdaily` off PATH).
    hint = result.output.rsplit("For a real day: DEEPSEEK_API_KEY=sk-... ", 1)[1].split(" run")[0]
    assert hint == "hfdaily" or Path(hint).exists(), hint
