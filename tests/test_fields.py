"""Field classification on recorded real days (and the real Chinese seed report of 2026-01-20).

The loaders here are also used by test_stats.py and test_charts.py.
"""

from __future__ import annotations

import re

import pytest
from recorded import fixture_dates, load_fixture_day, seed_day_zh

from hfdaily.fields import FIELD_NAMES, FIELDS, classify, field_scores, hot_fields
from hfdaily.models import DayRecord, PaperEntry

# --- classification -----------------------------------------------------------------------


def _by_title(record: DayRecord, start: str) -> PaperEntry:
    return next(e for e in record.papers if e.paper.title.startswith(start))


def test_field_list_is_fixed_and_chinese():
    assert len(FIELD_NAMES) == 13 and len(set(FIELD_NAMES)) == 13
    assert all(re.search(r"[\u4e00-\u9fff]", name) for name in FIELD_NAMES)
    assert "GPT" not in " ".join(FIELD_NAMES)


def test_agentic_coding_benchmark_is_agent_and_benchmark_not_rl(fixtures_dir):
    abc = _by_title(load_fixture_day(fixtures_dir, "2026-01-20"), "ABC-Bench")
    assert "world" in abc.paper.title.lower()  # the trap of the original bot: "rl" inside "world"
    fields = classify(abc)
    assert {"智能体", "数据集与评测"} <= set(fields)
    assert "强化学习" not in fields


def test_reasoning_paper_is_reasoning_first_then_rl(fixtures_dir):
    multiplex = _by_title(load_fixture_day(fixtures_dir, "2026-01-20"), "Multiplex Thinking")
    fields = classify(multiplex)
    assert fields[0] == "推理"
    assert "强化学习" in fields  # "on-policy reinforcement learning" in its keywords


def test_fields_are_ordered_by_strength(fixtures_dir):
    for entry in load_fixture_day(fixtures_dir, "2025-09-30").papers:
        scores = field_scores(entry)
        strengths = [scores[name] for name in classify(entry)]
        assert strengths == sorted(strengths, reverse=True)


def test_whole_words_and_case_where_it_matters():
    rl = next(f for f in FIELDS if f.name == "强化学习")
    assert rl.count("Real-World world control, Rl, rl") == 0
    assert rl.count("RL-based fine-tuning with RLHF") == 2
    agent = next(f for f in FIELDS if f.name == "智能体")
    assert agent.count("reagents and agentive") == 0
    assert agent.count("Multi-Agent systems of agents") == 2


def test_chinese_inference_is_not_reasoning():
    reasoning = next(f for f in FIELDS if f.name == "推理")
    efficiency = next(f for f in FIELDS if f.name == "高效训练与推理")
    assert reasoning.count(chinese="显著降低推理延迟并实现推理加速") == 0
    assert efficiency.count(chinese="显著降低推理延迟并实现推理加速") == 2
    assert reasoning.count(chinese="提升数学推理能力") == 2  # 数学 and 推理


def test_chinese_analysis_and_translation_count(fixtures_dir, seeds_dir):
    record = seed_day_zh(fixtures_dir, seeds_dir)
    axis = next(e for e in record.papers if e.paper.id == "2601.10387")
    assert "安全" in axis.analysis.field
    bare = axis.model_copy(update={"analysis": None, "translation": None})
    assert field_scores(axis)["安全与对齐"] > field_scores(bare)["安全与对齐"]
    assert "安全与对齐" in classify(axis)
    medical = next(e for e in record.papers if e.paper.title.startswith("Medical SAM3"))
    assert {"医疗与科学", "计算机视觉"} <= set(classify(medical))


def test_hot_fields_counts_papers_and_breaks_ties_by_list_order(fixtures_dir):
    record = load_fixture_day(fixtures_dir, "2025-09-30")
    hot = hot_fields(record.papers, top=13)
    assert hot[0] == ("大语言模型", sum("大语言模型" in classify(e) for e in record.papers))
    counts = [n for _, n in hot]
    assert counts == sorted(counts, reverse=True)
    for (a, n), (b, m) in zip(hot, hot[1:]):
        if n == m:
            assert FIELD_NAMES.index(a) < FIELD_NAMES.index(b)
    assert len(hot_fields(record.papers)) == 5


def test_hot_fields_prefers_fields_stored_by_the_pipeline(fixtures_dir):
    record = load_fixture_day(fixtures_dir, "2026-01-20")
    stored = [e.model_copy(update={"fields": ["医疗与科学"]}) for e in record.papers]
    assert hot_fields(stored) == [("医疗与科学", len(record.papers))]


def test_almost_every_recorded_paper_gets_a_field(fixtures_dir):
    # Every 4th recorded day (~2,500 papers, 2024-05 … 2026-08) keeps the test quick; over all
    # 580 days the share is 99.8% (measured, see the report).
    days = fixture_dates(fixtures_dir)[::4]
    papers = [e for day in days for e in load_fixture_day(fixtures_dir, day).papers]
    assert len(days) == 145 and len(papers) > 2000
    classified = [classify(e) for e in papers]
    share = sum(bool(fields) for fields in classified) / len(papers)
    mean_fields = sum(map(len, classified)) / len(papers)
    assert share > 0.95, share
    assert mean_fields < 3, mean_fields  # a field list, not every field


@pytest.mark.parametrize("day", ["2024-12-11", "2025-01-10"])
def test_loader_reads_the_python_repr_shapes(fixtures_dir, day):
    assert load_fixture_day(fixtures_dir, day).papers
