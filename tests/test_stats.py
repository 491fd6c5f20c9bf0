"""Day statistics on recorded real days and the real Chinese seed day."""

from __future__ import annotations

import datetime as dt

from recorded import fixture_dates, load_fixture_day, seed_day_zh, translated_day

from hfdaily.config import Settings
from hfdaily.fields import classify
from hfdaily.make.stats import (
    DayStats,
    TrendPoint,
    chinese_terms,
    compute_stats,
    stop_words,
    top_keywords,
    trend_point,
)

DAY = dt.date(2025, 9, 30)
WINDOW_DAYS = Settings().make.trend_days  # the default window, as a run uses it


def _history(fixtures_dir, before: dt.date, days: int) -> list[TrendPoint]:
    dates = [d for d in fixture_dates(fixtures_dir) if d < before][-days:]
    return [trend_point(load_fixture_day(fixtures_dir, d)) for d in dates]


def test_trend_point_counts_papers_per_field(fixtures_dir):
    record = load_fixture_day(fixtures_dir, DAY)
    point = trend_point(record)
    assert point.date == DAY and point.total == 50
    assert point.fields["大语言模型"] == sum("大语言模型" in classify(e) for e in record.papers)
    assert list(point.fields.values()) == sorted(point.fields.values(), reverse=True)
    assert all(n > 0 for n in point.fields.values())


def test_compute_stats_on_the_50_paper_day(fixtures_dir):
    record = load_fixture_day(fixtures_dir, DAY)
    history = _history(fixtures_dir, DAY, 40)
    stats = compute_stats(record, history, WINDOW_DAYS)
    assert stats.total == 50 and stats.translated == 0 and stats.analysed == 0
    assert stats.fields == trend_point(record).fields
    # The window: the last WINDOW_DAYS recorded days up to this one, oldest first.
    assert len(stats.window) == WINDOW_DAYS
    assert stats.window[-1].date == DAY and stats.window[-1].total == 50
    assert stats.window[0].date == history[-(WINDOW_DAYS - 1)].date
    assert [p.date for p in stats.window] == sorted(p.date for p in stats.window)
    assert stats.window_mean == round(sum(p.total for p in stats.window) / WINDOW_DAYS, 2)
    # Untranslated day: keywords come from HF's ai_keywords, multi-word terms kept whole.
    words = [k.word for k in stats.keywords]
    assert words[:2] == ["large language models", "reinforcement learning"]
    # "LLM"/"LLMs" are one keyword, not two.
    assert sum(w in ("LLM", "LLMs") for w in words) == 1


def test_stats_round_trip_as_json(fixtures_dir):
    record = load_fixture_day(fixtures_dir, DAY)
    stats = compute_stats(record, [], WINDOW_DAYS)
    assert [p.date for p in stats.window] == [DAY]
    assert DayStats.model_validate_json(stats.model_dump_json(indent=2)) == stats


def test_a_rerun_replaces_the_stored_point_of_the_same_day(fixtures_dir):
    record = load_fixture_day(fixtures_dir, DAY)
    stale = TrendPoint(date=DAY, total=3, fields={})
    later = TrendPoint(date=DAY + dt.timedelta(days=1), total=7)
    stats = compute_stats(record, [stale, later], WINDOW_DAYS)
    assert [(p.date, p.total) for p in stats.window] == [(DAY, 50)]


def test_chinese_keywords_keep_domain_terms_whole_and_drop_stop_words(fixtures_dir, seeds_dir):
    record = seed_day_zh(fixtures_dir, seeds_dir)
    terms = chinese_terms(record.papers[0].translation.summary_zh)  # ABC-Bench
    assert "智能体" in terms and "大型语言模型" in terms
    assert not set(terms) & {"我们", "提出", "的", "https", "github"}
    keywords = top_keywords(record)
    words = [k.word for k in keywords]
    assert "大语言模型" in words[:10]
    assert not set(words) & stop_words()
    assert all(k.papers <= k.count for k in keywords)
    papers = [k.papers for k in keywords]
    assert papers == sorted(papers, reverse=True)
    # Chinese written right after a URL (no space, as Chinese does) is counted, not swallowed by it.
    multiplex = next(e for e in record.papers if e.paper.id == "2601.08808").translation.summary_zh
    url = "https://github.com/GMLR-Penn/Multiplex-Thinking"
    assert url in multiplex
    terms = chinese_terms(multiplex.replace(url + "。", url + "，其中包含训练脚本。"))
    assert "脚本" in terms and not {"https", "github", "GMLR-Penn"} & set(terms)


def test_domain_terms_stay_whole():
    """The domain dictionary (data/jieba_userdict.txt) keeps the field's terms in one piece."""
    core = ["智能体", "大语言模型", "多模态", "强化学习", "扩散模型", "视觉语言模型", "具身智能", "思维链", "检索增强生成"]
    terms = chinese_terms("本文研究" + "与".join(core) + "的结合。")
    assert set(core) <= set(terms)


def test_translated_and_analysed_are_counted_apart(fixtures_dir, seeds_dir):
    """Seed 000's real day: its papers translated (the seed's Chinese), none analysed yet; then the
    seeds' real analyses on some of them."""
    record = translated_day(fixtures_dir, seeds_dir)
    translated = sum(e.translation is not None for e in record.papers)
    stats = compute_stats(record, [], WINDOW_DAYS)
    assert translated >= 4 and (stats.translated, stats.analysed) == (translated, 0)
    analysed = seed_day_zh(fixtures_dir, seeds_dir)
    stats = compute_stats(analysed, [], WINDOW_DAYS)
    assert 0 < stats.analysed == sum(e.analysis is not None for e in analysed.papers)
    assert stats.translated == sum(e.translation is not None for e in analysed.papers)
