"""Translation of a paper's title and abstract into academically precise Simplified Chinese."""

from __future__ import annotations

from collections.abc import Mapping

from hfdaily.enrich import numbers
from hfdaily.enrich.llm import LLMClient
from hfdaily.models import Paper, Translation
from hfdaily.text import cjk_share, has_cjk

TASK = "translate"
# v2: magnitudes may be written in 万/亿 and 3D as 三维 (the numbers check compares values),
# coined method names may be translated with the English in parentheses, a field glossary.
# Answers cached under v1 stay valid answers: they are simply not looked up again (new key);
# translations already in data/ are kept as they are (see README, "Prompt versions").
PROMPT_VERSION = "translate-v2"

# Field glossary: the renderings Chinese AI papers use; users extend or override it in
# hfdaily.toml ([glossary] agent = "智能体").
GLOSSARY: dict[str, str] = {
    "agent": "智能体", "agentic": "智能体式", "token": "词元", "benchmark": "基准测试",
    "reinforcement learning": "强化学习", "fine-tuning": "微调", "reasoning": "推理",
    "large language model": "大语言模型", "chain-of-thought": "思维链", "embedding": "嵌入",
    "retrieval-augmented generation": "检索增强生成", "hallucination": "幻觉", "alignment": "对齐",
    "diffusion model": "扩散模型", "mixture of experts": "混合专家", "persona": "角色",
    "steering": "引导", "rollout": "推演轨迹", "on-policy": "同策略", "ground truth": "真实标注",
}

# Keys real models use instead of ours (servers without JSON mode, small local models).
ALIASES = {"标题": "title_zh", "中文标题": "title_zh", "译文标题": "title_zh", "title": "title_zh",
           "translated_title": "title_zh", "摘要": "summary_zh", "中文摘要": "summary_zh", "译文摘要": "summary_zh",
           "summary": "summary_zh", "abstract": "summary_zh", "abstract_zh": "summary_zh",
           "translated_abstract": "summary_zh", "translated_summary": "summary_zh"}

SYSTEM = """你是资深的人工智能领域学术翻译。把论文的英文标题和摘要译成简体中文，要求：
1. 学术、准确、通顺，符合中文科技论文的表达习惯，不增删信息，不加评论。
2. 模型名、数据集名、基准名、代码库名和缩写（如 LLM、RLVR、GPT-5、ImageNet、Qwen2.5-7B）保留英文原文；
   通用术语首次出现时可写作“中文（English）”，如“检索增强生成（RAG）”。
   论文自己命名的方法或概念可以意译，首次出现时在括号中附英文，如“多路思维（Multiplex Thinking）”“助手轴（Assistant Axis）”“解绑-重绑（Unbind-Rebind）”。
3. 数字必须与原文数值一致，可以按中文习惯改写写法：456 billion 可写作 4560亿，1.4 million 可写作 140万，
   8B 参数可写作 80亿参数，10k 可写作 1万，3D 可写作 三维，Stage 1 可写作 第一阶段；不得改变数值，不得遗漏。
4. 网址原样保留。
5. 术语参考（除非上下文另有所指）：{glossary}
只输出一个 JSON 对象：{{"title_zh": "中文标题", "summary_zh": "中文摘要"}}"""


def messages(paper: Paper, glossary: Mapping[str, str] | None = None) -> list[dict]:
    terms = {**GLOSSARY, **(glossary or {})}
    listed = "；".join(f"{en} → {zh}" for en, zh in terms.items())
    return [
        {"role": "system", "content": SYSTEM.format(glossary=listed)},
        # The id lets logs, replays and stand-ins tie an answer to its paper; it is not translated.
        {"role": "user", "content": f"论文：arXiv {paper.id}\n标题：{paper.title}\n\n摘要：{paper.summary}"},
    ]


def lost_numbers(paper: Paper, t: Translation) -> list[str]:
    """Each number of the English the Chinese does not state, in its context (for the re-ask)."""
    found = []
    chinese = t.title_zh + "\n" + t.summary_zh  # a number may move between title and abstract
    for part, english in (("标题", paper.title), ("摘要", paper.summary)):
        for claim in numbers.missing(english, chinese):
            found.append(f"原文{part} “{numbers.context(english, claim)}” 中的 {claim.text} 在译文中找不到")
    return found


def language_problems(paper: Paper, t: Translation) -> list[str]:
    """Problems of the language: the title or the abstract not in Chinese, an abstract far too short."""
    found = []
    if not has_cjk(t.title_zh) and len(paper.title.split()) > 2:  # "Qwen3" may stay as it is
        found.append("title_zh 不是中文")
    found += unusable(paper, t)
    return found


def unusable(paper: Paper, t: Translation) -> list[str]:
    """What makes a translation worse than none (then it is not kept after the re-asks)."""
    found = []
    if cjk_share(t.summary_zh) < 0.4:
        found.append(f"summary_zh 中文比例过低（{cjk_share(t.summary_zh):.0%}），请译成中文")
    if len(t.summary_zh) < min(len(paper.summary) // 6, 60):
        found.append("summary_zh 过短，疑似漏译")
    return found


def problems(paper: Paper, t: Translation) -> list[str]:
    """Why a translation is not acceptable (empty list: it is); each problem is re-asked."""
    return language_problems(paper, t) + lost_numbers(paper, t)


async def translate(llm: LLMClient, paper: Paper, glossary: Mapping[str, str] | None = None) -> Translation:
    """The translation. One that still has a problem after the re-asks (a number not found, an
    English title) is kept with its problems listed, and the newsletter shows them; only an
    abstract that is not Chinese or far too short is an error (the paper is retried next run)."""
    value, _ = await llm.structured(
        task=TASK, prompt_version=PROMPT_VERSION, messages=messages(paper, glossary), schema=Translation,
        check=lambda t: problems(paper, t), paper_id=paper.id,
        keep_last_valid=lambda t: not unusable(paper, t), aliases=ALIASES,
    )
    return value.model_copy(update={"problems": problems(paper, value)})
