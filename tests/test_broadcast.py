"""The spoken script: speakable() rewriting, and build_script() on a recorded real day."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from recorded import load_fixture_day, seed_day_zh, translated_day

from hfdaily.make.broadcast import (
    blurb,
    build_script,
    integer_zh,
    script_to_text,
    speakable,
)
from hfdaily.models import (
    Analysis,
    DayRecord,
    Innovation,
    UsageGuide,
)

DAY = dt.date(2026, 1, 20)
ASCII_DIGIT = re.compile(r"[0-9]")


def outside_names(spoken: str) -> str:
    """The spoken text without names such as "Pass@1024" or "S A M 3", which keep their digits."""
    return re.sub(r"[A-Za-z][A-Za-z@ .\-]*\d[\dA-Za-z.@到+]*", "", spoken)


def load_day(fixtures_dir: Path, day: dt.date = DAY) -> DayRecord:
    return load_fixture_day(fixtures_dir, day)


# --- speakable -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("n", "spoken"),
    [
        (0, "零"), (2, "二"), (10, "十"), (11, "十一"), (20, "二十"), (105, "一百零五"),
        (224, "二百二十四"), (1000, "一千"), (1010, "一千零一十"), (10005, "一万零五"),
        (12345, "一万二千三百四十五"), (100000, "十万"), (100010000, "一亿零一万"),
    ],
)  # fmt: skip
def test_integer_zh(n: int, spoken: str) -> None:
    assert integer_zh(n) == spoken


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        # numbers in Chinese text
        ("涵盖8种编程语言和19种框架的224项实际任务。", "涵盖八种编程语言和十九种框架的二百二十四项实际任务。"),
        ("准确率提升了8.0%，速度提升2.5倍。", "准确率提升了百分之八点零，速度提升二点五倍。"),
        ("得分为 0.573，提升 12％", "得分为零点五七三，提升百分之十二"),
        ("今天是2026年1月20日", "今天是二零二六年一月二十日"),
        ("发布于2026-01-20", "发布于二零二六年一月二十日"),
        ("第56-71层", "第五十六到七十一层"),
        ("共有2个模型和2种方法，第2名", "共有两个模型和两种方法，第二名"),
        ("训练了1,234步，快3×", "训练了一千二百三十四步，快三倍"),
        # versions and model names
        # Names holding digits are read as names, digits and all (issue 7).
        ("Qwen 2.5 和 Qwen2.5-VL", "Qwen 2.5 和 Qwen 2.5 V L"),
        ("如 Llama 3.3 70B", "如 Llama 3.3 70B"),
        ("基于 GPT-4o 的方法", "基于 G P T 4o 的方法"),
        ("在 GSM8K 上提升了 3 倍，共 224 项", "在 G S M 8K 上提升了三倍，共二百二十四项"),
        ("从Pass@1到Pass@1024", "从Pass@1到Pass@1024"),
        # acronyms are spelled, words and names stay
        ("大语言模型 LLM 与 RLVR 以及 Transformer", "大语言模型 L L M 与 R L V R 以及 Transformer"),
        ("ABC-Bench：面向现实世界", "A B C Bench：面向现实世界"),
        ("多个 VLMs 的表现", "多个 V L M 的表现"),
        ("来自 HotpotQA 与 OpenAI 的 LLaMA", "来自 Hotpot Q A 与 Open A I 的 LLaMA"),
        # glosses and brackets
        ("大型语言模型（LLM）向自主智能体演进", "大型语言模型向自主智能体演进"),
        ("一个主导的“助手轴”（Assistant Axis），通过", "一个主导的“助手轴”，通过"),
        ("涵盖多个模型（GPT-4o、Claude 3.5）", "涵盖多个模型，G P T 4o、Claude 3.5"),
        ("证据发现（SIN-Find）等", "证据发现等"),
        ("【重要】结论", "重要，结论"),
        ("解绑-重绑范式", "解绑重绑范式"),
        # URLs, Markdown, LaTeX, citations, emoji
        ("相关代码已开源：https://github.com/OpenMOSS/ABC-Bench。", "相关代码已开源。"),
        ("代码与模型已发布于https://github.com/GMLR-Penn/Multiplex-Thinking。", "代码与模型已发布。"),
        ("见 [项目主页](https://example.org) 与 www.example.com 🚀", "见项目主页与"),
        ("**加粗**的 `code` 与 $K$ 个候选 $$x^2 + y^2$$ 以及引用 [12, 13]", "加粗的 code 与 K 个候选以及引用"),
        ("## 📊 今日论文统计", "今日论文统计"),
        # English text keeps its digits for an English voice
        (
            "Large language models (LLMs) use Chain-of-Thought (CoT), 8.0% better; see https://x.org/a.",
            "Large language models, L L Ms, use Chain of Thought, CoT, 8.0% better; see.",
        ),
        ("Qwen 2.5 beats RLVR by 3 points.", "Qwen 2.5 beats R L V R by 3 points."),
    ],
)
def test_speakable(written: str, spoken: str) -> None:
    assert speakable(written) == spoken


def test_speakable_real_abstract_has_nothing_unspeakable(fixtures_dir: Path, seeds_dir: Path) -> None:
    for entry in seed_day_zh(fixtures_dir, seeds_dir).papers:
        spoken = speakable(entry.translation.summary_zh)
        assert not ASCII_DIGIT.search(outside_names(spoken)), spoken
        assert not re.search(r"https?:|www\.|[（）()\[\]【】$*#]", spoken), spoken
        assert not re.search(r"(?<![A-Za-z])[A-Z]{2,}(?![A-Za-z])", spoken), spoken  # acronyms spelled
        assert not spoken.endswith("于。"), spoken


def test_blurb_starts_at_the_contribution() -> None:
    summary = "背景很长的一句话。为填补这一空白，我们提出了新方法。它很快。实验表明有效。"
    assert blurb(summary) == "我们提出了新方法。它很快。"
    english = "LLMs are big. We propose X, a method. It is fast. It also works."
    assert blurb(english) == "We propose X, a method. It is fast."
    assert blurb("只有一句话") == "只有一句话"
    # a sentence heard alone must not point back at one that was not read
    assert blurb("人类会柔性推理。受此启发，我们提出多路思维。") == "我们提出多路思维。"
    assert blurb("Models fail. To address this, we propose X.") == "We propose X."


# --- build_script ----------------------------------------------------------------------------


def test_script_without_translation_uses_hf_summaries(fixtures_dir: Path) -> None:
    record = load_day(fixtures_dir)
    script = build_script(record)

    assert len(script) == len(record.papers) + 2 == 6
    assert "二零二六年一月二十日，星期二" in script[0]
    assert "今天共有四篇论文" in script[0]
    assert script[1].startswith("第一篇，Multiplex Thinking: Reasoning via Token wise Branch and Merge.")
    assert "stochastic soft reasoning mechanism" in script[1]  # the ai_summary
    assert script[2].startswith("第二篇，A B C Bench: Benchmarking Agentic Backend Coding")
    assert "evaluates L L M agents" in script[2]
    assert script[-1] == "以上就是今天的全部内容，感谢收听，我们明天见！"


def test_script_with_translations_is_chinese_and_speakable(fixtures_dir: Path, seeds_dir: Path) -> None:
    script = build_script(translated_day(fixtures_dir, seeds_dir))

    assert script[2].startswith("第二篇，A B C Bench：面向现实世界开发的智能体后端编码基准测试。")
    # the blurb is the sentence announcing the contribution, not the background before it
    assert "我们提出了A B C Bench，一个专门设计用于在真实可执行工作流中评估智能体后端编码能力的基准测试。" in script[2]
    assert script[1].startswith("第一篇，多路思维：基于词元级分支与合并的推理方法。我们提出多路思维机制")
    assert script[3].startswith("第三篇，CoDance：一种用于鲁棒多主体动画的解绑重绑范式。我们提出了CoDance")
    for paragraph in script:
        assert not ASCII_DIGIT.search(outside_names(paragraph)), paragraph
        assert "http" not in paragraph and "（" not in paragraph
        assert len(paragraph) < 260  # a listener hears a sentence or two per paper, not the abstract


def test_script_prefers_the_analysis_contribution(fixtures_dir: Path, seeds_dir: Path) -> None:
    record = translated_day(fixtures_dir, seeds_dir)
    report = next(seeds_dir.glob("003_*.txt")).read_text(encoding="utf-8")
    contribution = re.search(r"\*\*一句话核心贡献\*\*：(.+)", report)[1]  # The Assistant Axis
    entry = record.entry("2601.10387")
    entry.analysis = Analysis(
        field="NLP",
        contribution=contribution,
        guide=UsageGuide(input="模型", process="推理", environment="GPU", open_source="否"),
        innovations=[Innovation(lead="助手轴", detail="激活截断")],
        results=["有效"],
    )
    paragraph = build_script(record)[4]

    assert paragraph.startswith("第四篇，助手轴：定位与稳定语言模型的默认角色。揭示了大语言模型内部存在一个主导的“助手轴”，通过限制")
    assert "Assistant Axis" not in paragraph and "Activation Capping" not in paragraph


def test_empty_friday() -> None:
    script = build_script(DayRecord(date=dt.date(2026, 1, 23)))
    assert script == [
        "大家好，欢迎收听 Hugging Face 论文日报。今天是二零二六年一月二十三日，星期五。今天没有收录新的论文。",
        "以上就是今天的全部内容，感谢收听，我们下周一见！",
    ]


def test_script_to_text() -> None:
    assert script_to_text(["第一段。", "  ", "第二段。\n"]) == "第一段。\n\n第二段。\n"
