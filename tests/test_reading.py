"""Reading polish without a browser: 今日关键词, the analysis's lists and filler, links in analyses."""

from __future__ import annotations

import datetime as dt
import json

from recorded import seed_day_zh

from hfdaily.make.keywords import headline
from hfdaily.make.stats import compute_stats
from hfdaily.publish.build import _keywords
from hfdaily.publish.pages import is_filler, numbered_parts, rich


def test_todays_keywords_are_specific_and_chinese(tmp_path, fixtures_dir, seeds_dir):
    record = seed_day_zh(fixtures_dir, seeds_dir)
    stats = compute_stats(record, [], 1)
    frequent = [k.word for k in stats.keywords]
    assert {"驱动", "空间"} <= set(frequent[:5])  # what the day's counts put first (the reader's complaint)
    path = tmp_path / "stats" / f"{record.date}.json"
    path.parent.mkdir()
    path.write_text(stats.model_dump_json(), encoding="utf-8")
    shown = _keywords(tmp_path, record.date)
    assert shown and not {"驱动", "空间", "角色", "特征", "结构"} & set(shown)
    assert all(not any("a" <= c.lower() <= "z" for c in word) for word in shown)  # no English in the Chinese line
    assert {"基准测试", "大语言模型"} <= set(shown)
    assert headline([("agents", 9), ("world models", 5)]) == []  # an untranslated day: no line rather than English


def test_numbered_lists_and_filler():
    assert numbered_parts("1. 一张参考图像。 2. 一个驱动姿态序列。 3. （可选）文本提示词") == (
        "", ["一张参考图像。", "一个驱动姿态序列。", "（可选）文本提示词"])
    assert numbered_parts("包括：(1) 图像；(2) 文本") == ("包括：", ["图像", "文本"])
    for text in ("一个指令微调的大语言模型（如 Llama 3.3 70B, Qwen 3 32B）", "分 2 个阶段训练", "1. 只有一项"):
        assert numbered_parts(text) is None
    for filler in ("文中未说明", "文中未说明。", "摘要未说明", "论文未提及", "未明确说明"):
        assert is_filler(filler)
    assert not is_filler("需要 8 张 A100 GPU；文中未说明训练时长")


def test_addresses_in_analyses_become_links():
    html = str(rich("代码已开源（https://github.com/safety-research/assistant-axis）。**60%** <b>x</b> www.example.org/a"))
    assert '<a href="https://github.com/safety-research/assistant-axis" rel="noopener">' in html
    assert "<strong>60%</strong>" in html and "&lt;b&gt;" in html
    assert '<a href="https://www.example.org/a" rel="noopener">www.example.org/a</a>' in html
    assert "<a" not in str(rich("javascript:alert(1)"))  # only http(s) and www. addresses become links
