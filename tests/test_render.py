"""Rendering is pure: records in, text out. Paper text is escaped in HTML; links never break."""

from __future__ import annotations

import datetime as dt

from hfdaily.make.render import (
    Extras,
    newsletter_html,
    newsletter_md,
    report_html,
    report_md,
    safe_url,
)
from hfdaily.models import (
    Analysis,
    DayRecord,
    Innovation,
    Paper,
    PaperEntry,
    Translation,
    UsageGuide,
)

EVIL = '<script>alert("x")</script>'


def record() -> DayRecord:
    paper = Paper(id="2601.00001", title=f"Attack {EVIL} Paper", summary=f"Abstract with {EVIL} and <b>tags</b>.",
                  authors=["A"], published_at=dt.datetime(2026, 1, 1), upvotes=7, github_repo="javascript:alert(1)",
                  project_page="https://example.org/p", ai_keywords=["k1", "k2"])
    analysis = Analysis(field=f"安全 {EVIL}", contribution="贡献", innovations=[Innovation(lead="要点", detail=EVIL)],
                        guide=UsageGuide(input="输入", process="流程", environment="GPU", open_source="无"),
                        results=["准确率 91.2"], ungrounded_numbers=["91.2"])
    return DayRecord(date=dt.date(2026, 1, 20), papers=[PaperEntry(
        paper=paper, translation=Translation(title_zh=f"标题{EVIL}", summary_zh=f"摘要{EVIL}"),
        analysis=analysis, read_source="HTML")])


def test_html_escapes_every_piece_of_paper_text():
    extras = Extras(hot_fields=[(f"领域{EVIL}", 1)], has_report=True)
    for page in (newsletter_html(record(), extras), report_html(record(), extras)):
        assert "<script>" not in page
        assert "&lt;script&gt;" in page
        assert "javascript:" not in page  # a hostile code link becomes "#"
    assert "<b>tags</b>" not in newsletter_html(record(), extras)


def test_markdown_has_seed_fields_and_links_only_to_existing_files():
    md = newsletter_md(record(), Extras(hot_fields=[("大语言模型", 1)], has_report=True))
    assert md.startswith("# <img src=\"../assets/hf-logo.svg\" width=\"30\"/> Hugging Face 2026-01-20 论文日报")
    for needle in ("## 📊 今日论文统计", "- 总论文数：1", "- 热门领域：大语言模型", "## 📝 论文详情", "### 1. 标题",
                   "**原文标题：** Attack", "**摘要：**\n摘要", "**论文链接：** [HuggingFace](https://huggingface.co/papers/2601.00001) | [arXiv](https://arxiv.org/abs/2601.00001)",
                   "[项目主页](https://example.org/p)", "[深度解读](../reports/2026-01-20.md#2601.00001)", "## 📱 订阅渠道", "---"):
        assert needle in md, needle
    for absent in ("关键词云图", "近期论文趋势", "语音播报"):
        assert absent not in md  # no file, no section
    md = newsletter_md(record(), Extras(images={"wordcloud": "../images/2026-01-20_wordcloud.png"}, audio="../audio/2026-01-20.mp3"))
    assert "![关键词云图](../images/2026-01-20_wordcloud.png)" in md and "- [收听今日论文解读](../audio/2026-01-20.mp3)" in md


def test_untranslated_newsletter_says_so():
    r = record()
    r.papers[0].translation = None
    md = newsletter_md(r, Extras(untranslated="运行时未使用大模型（--no-llm）"))
    assert "本期未翻译" in md and "### 1. Attack" in md


def test_report_follows_seed_003_and_flags_ungrounded_numbers():
    md = report_md(record())
    for needle in ("# Hugging Face Daily Papers Report", "**Date**: 2026-01-20",
                   "**Source URL**: https://huggingface.co/papers/date/2026-01-20", "## 📄 Attack",
                   "- **链接**: https://huggingface.co/papers/2601.00001", "- **阅读来源**: HTML",
                   "1. **应用领域**：", "2. **一句话核心贡献**：贡献", "3. **使用指南**：", "*   **输入**：输入",
                   "4. **主要创新点**：", "1.  **要点**：", "5. **实验效果**：", "核查提示", "91.2"):
        assert needle in md, needle


def test_safe_url():
    assert safe_url("https://github.com/a/b") == "https://github.com/a/b"
    assert safe_url("javascript:alert(1)") == "#" and safe_url(None) == "#"


def test_flagged_translation_and_pending_paper_are_visible():
    r = record()
    problem = "原文摘要 “we curated 224 practical tasks spanning 8” 中的 224 在译文中找不到"
    r.papers[0].translation = r.papers[0].translation.model_copy(update={"problems": [problem]})
    md = newsletter_md(r, Extras())
    assert f"> ⚠️ 核查提示（译文未通过自动核对，请以原文为准）：{problem}" in md
    assert "⚠️ 核查提示" in newsletter_html(r, Extras())
    r.papers[0].translation = None
    md = newsletter_md(r, Extras(llm_ran=True))
    assert "（译文待补）" in md and "**摘要（英文原文；译文待补，下次运行将重试）：**" in md
    md = newsletter_md(r, Extras(llm_ran=False, untranslated="运行时未使用大模型（--no-llm）"))
    assert "待补" not in md and "本期未翻译：运行时未使用大模型（--no-llm）" in md


def test_every_deep_report_link_finds_its_anchor_in_commonmark():
    """Issue 14: the escaper reached into the HTML attribute (``<a id="2601\\.00001">``), so no
    深度解读 link found its paper on GitHub or in any CommonMark viewer."""
    import re

    from markdown_it import MarkdownIt

    day = record()
    newsletter = MarkdownIt("commonmark").render(newsletter_md(day, Extras(has_report=True)))
    report = MarkdownIt("commonmark").render(report_md(day))
    targets = re.findall(r'<a href="\.\./reports/2026-01-20\.md#([^"]+)">深度解读</a>', newsletter)
    anchors = set(re.findall(r'<a id="([^"]+)"', report))
    assert targets == ["2601.00001"] and set(targets) <= anchors
