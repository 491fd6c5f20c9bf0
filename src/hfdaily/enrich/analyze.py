"""The deep analysis of one paper from the text it was read from (seed 003's five sections)."""

from __future__ import annotations

from hfdaily.enrich.llm import LLMClient
from hfdaily.models import Analysis, Paper
from hfdaily.text import missing_numbers

TASK = "analyse"
PROMPT_VERSION = "analyse-v1"

SYSTEM = """你是资深的人工智能研究员，为中文读者撰写论文深度解读。你只能依据下面提供的论文文本写作，不得编造。
用简体中文输出一个 JSON 对象，字段如下：
{
  "field": "应用领域：领域 - 细分方向（可附英文），一句话",
  "contribution": "一句话核心贡献：这篇论文做了什么、解决了什么问题、效果如何",
  "guide": {
    "input": "输入：方法或系统需要什么输入",
    "process": "输出/处理流程：主要步骤与输出",
    "environment": "运行环境或硬件：骨干模型、规模、GPU 等（文中没有就写“文中未说明”）",
    "open_source": "开源情况：给出文中或下方元数据里的真实链接；没有就写“文中未提及开源”"
  },
  "innovations": [{"lead": "创新点的短标题（会加粗）", "detail": "具体说明"}],
  "results": ["实验效果：数据集、指标、关键数字，每条一句"]
}
要求：innovations 2 到 4 条；results 2 到 5 条；results 中出现的每一个数字都必须是论文文本里原样出现过的数字，
不得估算或换算；模型名、数据集名、指标名保留英文。只输出 JSON。"""


def messages(paper: Paper, text: str) -> list[dict]:
    links = [f"HuggingFace: {paper.hf_url}"]
    if paper.github_repo:
        links.append(f"代码仓库: {paper.github_repo}")
    if paper.project_page:
        links.append(f"项目主页: {paper.project_page}")
    meta = f"arXiv: {paper.id}\n" + "\n".join(links)
    return [
        {"role": "system", "content": SYSTEM},
        {"role": "user", "content": f"论文元数据：\n{meta}\n\n论文文本：\n{text}"},
    ]


def grounding_source(paper: Paper, text: str) -> str:
    return "\n".join([paper.title, paper.summary, text])


def invented_numbers(analysis: Analysis, source: str) -> list[str]:
    """Numbers stated in 实验效果 that the text the model read never states."""
    return missing_numbers("\n".join(analysis.results), source)


def problems(analysis: Analysis, source: str) -> list[str]:
    invented = invented_numbers(analysis, source)
    if invented:
        return ["results 中这些数字在论文文本里找不到，请只使用原文中的数字：" + "、".join(invented)]
    return []


async def analyse(llm: LLMClient, paper: Paper, text: str) -> Analysis:
    """One structured call; numbers still invented after the re-asks are flagged, not hidden."""
    source = grounding_source(paper, text)
    value, _ = await llm.structured(
        task=TASK, prompt_version=PROMPT_VERSION, messages=messages(paper, text), schema=Analysis,
        check=lambda a: problems(a, source), paper_id=paper.id, keep_last_valid=True,
    )
    return value.model_copy(update={"ungrounded_numbers": invented_numbers(value, source)})

