"""The analysis v2 shape: seed 003's real analyses, counts, labels, what the model is told, old records."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from recorded import load_fixture_day, seed_analyses

from hfdaily.archive.store import Store
from hfdaily.enrich import analyze
from hfdaily.enrich.llm import LLMClient
from hfdaily.make.render import Extras, report_html, report_md
from hfdaily.models import Analysis, Budget, DayRecord, PaperEntry
from hfdaily.testing.fake_llm import FakeLLM

QUOTES = str.maketrans("", "", '"“”')


@pytest.fixture(scope="module")
def day(fixtures_dir):
    return load_fixture_day(fixtures_dir, "2026-01-20")


@pytest.mark.parametrize("shape", [None, "think", "zh_keys", "wrapper", "quotes", "trailing_comma", "newline"])
async def test_real_analyses_survive_every_answer_shape(day, seeds_dir, tmp_path, shape):
    """Seed 003's analyses of the two abstract-read papers, in every shape: accepted first time, intact."""
    real = seed_analyses(seeds_dir)
    store = Store(tmp_path / "a.db")
    fake = FakeLLM(faults=[shape] * 2 if shape else [])
    with fake.serve() as url:
        async with LLMClient(base_url=url, model="fake", api_key=None, store=store, backoff=0.01) as llm:
            for paper_id in ("2601.08808", "2601.11077"):
                paper = day.entry(paper_id).paper
                result = await analyze.analyse(llm, paper, paper.summary, "HF")
                plain = result.contribution.replace("重点", "")  # the quotes shape adds an unescaped "重点"
                assert plain.translate(QUOTES) == real[paper_id]["contribution"].translate(QUOTES)
                assert [i.lead for i in result.innovations] == [i["lead"] for i in real[paper_id]["innovations"]]
                assert len(result.results) == len(real[paper_id]["results"])
                assert result.ungrounded_numbers == [] and result.problems == []
    assert [r[0] for r in store.db.execute("SELECT status FROM llm_calls")] == ["ok", "ok"]
    store.close()


def test_counts_are_enforced_and_labels_never_repeated(seeds_dir):
    real = seed_analyses(seeds_dir)["2601.08808"]
    one_innovation = Analysis.model_validate(dict(real, innovations=real["innovations"][:1]))
    assert analyze.count_problems(one_innovation) == ["innovations 应有 2 到 4 条，现在是 1 条"]
    six_results = Analysis.model_validate(dict(real, results=real["results"] * 2))
    assert analyze.count_problems(six_results) == ["results 应有 1 到 5 条，现在是 6 条"]
    labelled = Analysis.model_validate(dict(real, field="应用领域：NLP", guide=dict(
        real["guide"], input="**输入**：输入：任务文本", output="输出：答案", environment="运行环境/硬件：8 张 A100")))
    assert (labelled.field, labelled.guide.input, labelled.guide.output, labelled.guide.environment) == (
        "NLP", "任务文本", "答案", "8 张 A100")


def test_model_is_told_what_it_read(day):
    paper = day.entry("2601.10387").paper
    budget = Budget(limit=12000, full_tokens=30000, sent_tokens=11000, sections_sent=["1 Introduction"],
                    sections_dropped=["A Appendix", "B Prompts"])
    full = analyze.messages(paper, "text", "HTML", budget)[0]["content"]
    assert "论文全文" in full and "A Appendix、B Prompts" in full
    abstract = analyze.messages(paper, "text", "HF", None)[0]["content"]
    assert "只读到了论文摘要" in abstract and "论文全文" not in abstract


def test_report_shows_the_v2_guide_and_bold_in_html(day, seeds_dir):
    real = seed_analyses(seeds_dir)
    record = DayRecord(date=dt.date(2026, 1, 20), papers=[
        PaperEntry(paper=day.entry(pid).paper, analysis=Analysis.model_validate(real[pid]), read_source="HTML")
        for pid in ("2601.08808", "2601.10387")])
    md = report_md(record)
    assert "    *   **处理流程**：\n        1.  在推理生成的每一步" in md and "    *   **输出**：更短、更高效的推理路径及最终答案。" in md
    assert "降低了约 **60%**" in md
    html = report_html(record, Extras())
    assert "降低了约 <strong>60%</strong>" in html and "**" not in html
    assert '<ol class="steps"><li>在推理生成的每一步' in html


def test_records_of_the_old_shape_stay_readable(day):
    """An analysis written by analyse-v1 (one 处理流程 text, no 输出) loads and renders."""
    old = {"field": "NLP", "contribution": "贡献", "results": ["结果"],
           "guide": {"input": "输入：文本", "process": "输出/处理流程：先做 A，再做 B", "environment": "文中未说明",
                     "open_source": "文中未提及开源"},
           "innovations": [{"lead": "要点", "detail": "说明"}], "ungrounded_numbers": []}
    entry = PaperEntry.model_validate({"paper": json.loads(day.papers[0].paper.model_dump_json()), "analysis": old,
                                       "analysis_model": "deepseek-chat/analyse-v1"})
    assert entry.analysis.guide.process == ["先做 A，再做 B"] and entry.analysis.guide.output == ""
    md = report_md(DayRecord(date=dt.date(2026, 1, 20), papers=[entry]))
    assert "    *   **处理流程**：先做 A，再做 B" in md and "**输出**" not in md and "**输入**：文本" in md
    # The reader's site (issue 9) and the delivery digest (issue 10) show it too.
    from hfdaily.deliver.channels import ChannelOptions
    from hfdaily.deliver.digest import build_digest, render
    from hfdaily.publish.pages import SiteContext, paper_page

    site = SiteContext(site_url="", github_url="", feeds=False, asset_version="1", org_slugs={})
    page = paper_page(site, entry, [dt.date(2026, 1, 20)], None)
    assert "<strong>处理流程</strong>：先做 A，再做 B" in page and "<strong>输出</strong>" not in page
    assert "<strong>输入</strong>：文本" in page and 'class="steps"' not in page
    digest = build_digest(DayRecord(date=dt.date(2026, 1, 20), papers=[entry]), ChannelOptions(), "markdown")
    assert "贡献" in render(digest, "markdown")


def test_site_and_digest_show_the_v2_analysis(day, seeds_dir):
    """Seed 003's real analysis of 2601.08808 (three 处理流程 steps, bold numbers) on the site and in e-mail."""
    from hfdaily.deliver.channels import ChannelOptions
    from hfdaily.deliver.digest import build_digest, render
    from hfdaily.publish.pages import SiteContext, paper_page

    found = seed_analyses(seeds_dir)["2601.08808"]
    analysis = Analysis.model_validate({k: v for k, v in found.items() if k != "read_source"})
    entry = next(e for e in day.papers if e.paper.id == "2601.08808").model_copy(update={"analysis": analysis})
    site = SiteContext(site_url="", github_url="", feeds=False, asset_version="1", org_slugs={})
    page = paper_page(site, entry, [dt.date(2026, 1, 20)], None)
    steps = page.split('<ol class="steps">', 1)[1].split("</ol>", 1)[0]
    assert steps.count("<li>") == len(analysis.guide.process) == 3
    assert "**" not in page and "<strong>" in page.split("实验效果", 1)[1]
    email = render(build_digest(DayRecord(date=dt.date(2026, 1, 20), papers=[entry]), ChannelOptions(), "email"),
                   "email")
    assert "**" not in email and "核心贡献" in email
