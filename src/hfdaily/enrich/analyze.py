"""The deep analysis of one paper from the text it was read from (seed 003's five sections)."""

from __future__ import annotations

from collections.abc import Mapping

from hfdaily.enrich import numbers
from hfdaily.enrich.llm import LLMClient
from hfdaily.enrich.translate import GLOSSARY
from hfdaily.models import Analysis, Budget, Figure, Paper

TASK = "analyse"
# v2: 使用指南 split into 输入/输出/处理流程 (steps)/运行环境/开源情况, bold lead labels and bold key
# numbers in 实验效果, counts enforced, told what it read. Answers cached under v1 are not looked up
# again (the version is part of the cache key); analyses already in data/ keep their v1 shape and
# are still shown (one 处理流程 text, no 输出) — nothing already paid for is thrown away.
PROMPT_VERSION = "analyse-v2"
# v3 = v2 + "figure_caption": the key figure's caption translated in the same call. Asked only of
# papers that have a key figure (their prompt differs); the others are asked exactly as v2.
FIGURE_PROMPT_VERSION = "analyse-v3"
FIGURE_FIELD = """另外加一个字段 "figure_caption"：把下面“关键图图注”译成简体中文（一句到几句，术语同上，公式保留 $…$）。"""
INNOVATIONS = (2, 4)
RESULTS = (1, 5)

ALIASES = {
    "应用领域": "field", "领域": "field", "一句话核心贡献": "contribution", "核心贡献": "contribution",
    "使用指南": "guide", "输入": "input", "输出": "output", "处理流程": "process", "处理步骤": "process",
    "运行环境": "environment", "运行环境/硬件": "environment", "运行环境与硬件": "environment", "硬件": "environment",
    "开源情况": "open_source", "开源": "open_source", "主要创新点": "innovations", "创新点": "innovations",
    "实验效果": "results", "实验结果": "results", "要点": "lead", "标题": "lead", "说明": "detail", "详情": "detail",
    "图注": "figure_caption", "关键图图注": "figure_caption", "figure caption": "figure_caption",
}

SYSTEM = """你是资深的人工智能研究员，为中文读者撰写论文深度解读。你只能依据下面提供的论文文本写作，不得编造。
用简体中文输出一个 JSON 对象，字段如下（值里不要重复字段名，例如不要写“输入：……”）：
{{
  "field": "应用领域：领域 - 细分方向，附英文，如“计算机视觉（CV）- 视频生成（Video Generation）”",
  "contribution": "一句话核心贡献：做了什么、解决了什么问题、效果如何",
  "guide": {{
    "input": "方法或系统需要的输入",
    "output": "方法或系统给出的输出",
    "process": ["处理流程的第 1 步", "第 2 步", "……（2 到 5 步）"],
    "environment": "运行环境/硬件：骨干模型、参数规模、GPU 等；文中没有就写“文中未说明”",
    "open_source": "开源情况：给出文中或下方元数据里的真实链接；没有就写“文中未提及开源”"
  }},
  "innovations": [{{"lead": "创新点的短标题", "detail": "具体说明"}}],
  "results": ["**核心数据集**：……", "**主要结果**：在 **某基准** 上达到 **xx%**……"]
}}
要求：
1. innovations {innov_min} 到 {innov_max} 条；results {res_min} 到 {res_max} 条，每条以加粗的短标签开头（如 **核心数据集**：、**性能表现**：），关键数字加粗。
2. 每一个数字都必须是论文文本里出现过的数值（可以按中文习惯改写写法，如 456 billion 写作 4560亿、0.573 写作 57.3%），不得估算、换算或编造；文本里没有的数字就不写。
3. 术语首次出现写作“中文（English）”；模型名、数据集名、指标名保留英文。术语参考：{glossary}
4. {reading}
只输出 JSON。"""


def reading_note(source: str | None, budget: Budget | None) -> str:
    """Tell the model what it is reading: the full text, or only the abstract, and what was cut."""
    if source == "HTML":
        note = "你读到的是论文全文（HTML 版）。"
        if budget and budget.sections_dropped:
            note += "因篇幅限制，以下章节没有提供：" + "、".join(budget.sections_dropped[:12]) + "；不要推测其中的内容。"
        return note
    return "你只读到了论文摘要（没有全文），写不出的细节如实写“摘要未说明”，不要推测实验细节。"


def messages(paper: Paper, text: str, source: str | None = None, budget: Budget | None = None,
             glossary: Mapping[str, str] | None = None, figure: Figure | None = None) -> list[dict]:
    links = [f"HuggingFace: {paper.hf_url}"]
    if paper.github_repo:
        links.append(f"代码仓库: {paper.github_repo}")
    if paper.project_page:
        links.append(f"项目主页: {paper.project_page}")
    meta = f"arXiv: {paper.id}\n" + "\n".join(links)
    terms = "；".join(f"{en} → {zh}" for en, zh in {**GLOSSARY, **(glossary or {})}.items())
    system = SYSTEM.format(innov_min=INNOVATIONS[0], innov_max=INNOVATIONS[1], res_min=RESULTS[0],
                           res_max=RESULTS[1], glossary=terms, reading=reading_note(source, budget))
    user = f"论文元数据：\n{meta}\n\n论文文本：\n{text}"
    if figure is not None and figure.caption:
        system = system.replace("\n只输出 JSON。", f"\n{FIGURE_FIELD}\n只输出 JSON。")
        user = f"论文元数据：\n{meta}\n\n关键图图注（{figure.label}）：{figure.caption}\n\n论文文本：\n{text}"
    return [
        {"role": "system", "content": system},
        {"role": "user", "content": user},
    ]


def prompt_version(figure: Figure | None) -> str:
    return FIGURE_PROMPT_VERSION if figure is not None and figure.caption else PROMPT_VERSION


def grounding_source(paper: Paper, text: str) -> str:
    return "\n".join([paper.title, paper.summary, text])


def _sections(analysis: Analysis) -> list[tuple[str, str]]:
    g = analysis.guide
    parts = [("应用领域", analysis.field), ("一句话核心贡献", analysis.contribution), ("输入", g.input),
             ("输出", g.output), *(("处理流程", step) for step in g.process), ("运行环境", g.environment),
             ("开源情况", g.open_source)]
    parts += [("主要创新点", f"{i.lead}：{i.detail}") for i in analysis.innovations]
    parts += [("实验效果", r) for r in analysis.results]
    return parts


def ungrounded(analysis: Analysis, source: str) -> list[tuple[str, str, numbers.Claim]]:
    """(section, its text, claim) for each number the analysis states that the paper never does."""
    have = numbers.statement(source)
    found, seen = [], set()
    for section, text in _sections(analysis):
        for claim in numbers.claims(text):
            if claim.name is None and claim.text not in seen and not claim.found_in(have):
                seen.add(claim.text)
                found.append((section, text, claim))
    return found


def invented_numbers(analysis: Analysis, source: str) -> list[str]:
    """Numbers stated anywhere in the analysis that the text the model read never states."""
    return [claim.text for _, _, claim in ungrounded(analysis, source)]


def count_problems(analysis: Analysis) -> list[str]:
    found = []
    if not INNOVATIONS[0] <= len(analysis.innovations) <= INNOVATIONS[1]:
        found.append(f"innovations 应有 {INNOVATIONS[0]} 到 {INNOVATIONS[1]} 条，现在是 {len(analysis.innovations)} 条")
    if not RESULTS[0] <= len(analysis.results) <= RESULTS[1]:
        found.append(f"results 应有 {RESULTS[0]} 到 {RESULTS[1]} 条，现在是 {len(analysis.results)} 条")
    return found


def problems(analysis: Analysis, source: str) -> list[str]:
    found = count_problems(analysis)
    for section, text, claim in ungrounded(analysis, source):
        found.append(f"{section} “{numbers.context(text, claim)}” 中的 {claim.text} 在论文文本里找不到，"
                     "请只使用原文中的数字（或删去这个数字）")
    return found


async def analyse(llm: LLMClient, paper: Paper, text: str, source: str | None = None,
                  budget: Budget | None = None, glossary: Mapping[str, str] | None = None,
                  figure: Figure | None = None) -> Analysis:
    """One structured call; numbers still invented after the re-asks are flagged, not hidden."""
    grounding = grounding_source(paper, text)
    value, _ = await llm.structured(
        task=TASK, prompt_version=prompt_version(figure), messages=messages(paper, text, source, budget, glossary, figure),
        schema=Analysis, check=lambda a: problems(a, grounding), paper_id=paper.id, keep_last_valid=True,
        aliases=ALIASES,
    )
    return value.model_copy(update={"ungrounded_numbers": invented_numbers(value, grounding),
                                    "problems": count_problems(value),
                                    "figure_caption": value.figure_caption if figure is not None else None})
