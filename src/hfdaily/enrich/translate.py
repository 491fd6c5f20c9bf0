"""Translation of a paper's title and abstract into academically precise Simplified Chinese."""

from __future__ import annotations

from hfdaily.enrich.llm import LLMClient
from hfdaily.models import Paper, Translation
from hfdaily.text import cjk_share, has_cjk, missing_numbers

TASK = "translate"
PROMPT_VERSION = "translate-v1"

SYSTEM = """你是资深的人工智能领域学术翻译。把论文的英文标题和摘要译成简体中文，要求：
1. 学术、准确、通顺，符合中文科技论文的表达习惯，不增删信息，不加评论。
2. 模型名、数据集名、方法名、基准名、代码库名和缩写（如 LLM、RLVR、GPT-5、ImageNet）保留英文原文；
   通用术语首次出现时可写作“中文（English）”，如“检索增强生成（RAG）”。
3. 原文中的每一个数字都要原样保留（如 224、8.0%、0.573、Pass@1024、L18-20、1.5M 都照写，不换算单位）。
4. 网址原样保留。
只输出一个 JSON 对象：{"title_zh": "中文标题", "summary_zh": "中文摘要"}"""


def messages(paper: Paper) -> list[dict]:
    return [
        {"role": "system", "content": SYSTEM},
        {"role": "user", "content": f"标题：{paper.title}\n\n摘要：{paper.summary}"},
    ]


def problems(paper: Paper, t: Translation) -> list[str]:
    """Why a translation is not acceptable (empty list: it is)."""
    found = []
    if not has_cjk(t.title_zh):
        found.append("title_zh 不是中文")
    if cjk_share(t.summary_zh) < 0.4:
        found.append(f"summary_zh 中文比例过低（{cjk_share(t.summary_zh):.0%}），请译成中文")
    if len(t.summary_zh) < min(len(paper.summary) // 6, 60):
        found.append("summary_zh 过短，疑似漏译")
    lost = missing_numbers(paper.title + "\n" + paper.summary, t.title_zh + "\n" + t.summary_zh)
    if lost:
        found.append("译文漏掉了原文中的数字：" + "、".join(lost))
    return found


async def translate(llm: LLMClient, paper: Paper) -> Translation:
    value, _ = await llm.structured(
        task=TASK, prompt_version=PROMPT_VERSION, messages=messages(paper), schema=Translation,
        check=lambda t: problems(paper, t), paper_id=paper.id,
    )
    return value
