"""Research fields of a paper: a fixed list, matched whole-word on what we know about it.

The original bot counted substrings ("rl" inside "world" became RL) and listed model names
("GPT") as fields. Here every field is a fixed Chinese name with three kinds of patterns:

- ``words``: English words/phrases, whole-word and case-insensitive ("diffusion", "agents").
- ``acronyms``: whole-word and case-sensitive, because lower-case forms are other words or
  word pieces ("RL" but not "rl"/"Rl", "LLMs" but not "llm-based" slugs in URLs).
- ``chinese``: regexes on Chinese text (no word boundaries in Chinese, so they are chosen to
  be specific: 推理 is "reasoning" unless followed by 加速/效率/…, which is "inference").

Score = sum over sources of weight × matches; each source is weighted by how much it says
about the paper's topic (a title hit counts more than one mention in the abstract). English
and Chinese versions of the same text are the same evidence, so only the larger counts.

Changes from the brief's list: 生成模型/扩散 is named 生成模型与扩散 (a slash would break the
name as a file name or URL anchor, and "X与Y" matches the other names); autonomous driving
belongs to 机器人与具身智能 (embodied agents acting in the physical world); hallucination,
interpretability and privacy belong to 安全与对齐 (trustworthiness of models).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from hfdaily.models import PaperEntry


@dataclass(frozen=True)
class FieldDef:
    name: str
    words: tuple[str, ...] = ()
    acronyms: tuple[str, ...] = ()
    chinese: tuple[str, ...] = ()
    english_re: re.Pattern[str] | None = field(init=False, repr=False, compare=False)
    chinese_re: re.Pattern[str] | None = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Bounded by letters/digits only, so hyphenated compounds count ("RL-based",
        # "multi-agent") but word pieces do not ("rl" in "world", "agent" in "reagent").
        # One regex per field for English (words case-insensitive, acronyms exact): it is
        # run on every text of every paper, so one scan instead of two matters.
        parts = ([f"(?i:{'|'.join(self.words)})"] if self.words else []) + list(self.acronyms)
        english = r"(?<![A-Za-z0-9])(?:" + "|".join(parts) + r")(?![A-Za-z0-9])" if parts else None
        acronyms = r"(?<![A-Za-z0-9])(?:" + "|".join(self.acronyms) + r")(?![A-Za-z0-9])" if self.acronyms else None
        # Chinese text keeps English acronyms ("RAG系统中的大语言模型"), so they count there too.
        chinese = "|".join([*self.chinese, *([acronyms] if acronyms else [])])
        object.__setattr__(self, "english_re", re.compile(english) if english else None)
        object.__setattr__(self, "chinese_re", re.compile(chinese) if chinese else None)

    def count(self, english: str = "", chinese: str = "") -> int:
        """Matches in one source; English and Chinese forms of it are the same evidence."""
        en = len(self.english_re.findall(english)) if self.english_re and english else 0
        zh = len(self.chinese_re.findall(chinese)) if self.chinese_re and chinese else 0
        return max(en, zh)


# Order matters: it breaks ties (in a paper's list and in hot_fields).
FIELDS: tuple[FieldDef, ...] = (
    FieldDef(
        "大语言模型",
        words=(r"large language models?", r"language model(?:s|ing)?", r"instruction[- ]tun(?:ing|ed)",
               r"in-context learning", r"retrieval[- ]augmented generation", r"chatbots?",
               r"question answering", r"natural language processing", r"long[- ]context",
               r"code generation", r"text generation"),
        acronyms=(r"L?LLMs?", r"SLMs?", r"RAG", r"NLP"),
        chinese=(r"大语言模型", r"大型语言模型", r"语言模型", r"检索增强生成", r"指令微调", r"上下文学习",
                 r"长上下文", r"代码生成"),
    ),
    FieldDef(
        "多模态",
        words=(r"multi-?modal(?:ity)?", r"vision[- ]language", r"cross[- ]modal", r"omni[- ]?modal",
               r"audio[- ]visual", r"image[- ]text", r"visual question answering",
               r"visual instruction", r"video understanding", r"visual understanding"),
        acronyms=(r"[LM]?VLMs?", r"MLLMs?", r"LMMs?", r"VQA"),
        chinese=(r"多模态", r"视觉[-—]?语言", r"跨模态", r"图文", r"视频理解", r"视觉理解"),
    ),
    FieldDef(
        "计算机视觉",
        words=(r"computer vision", r"images?", r"videos?", r"visual", r"segmentation",
               r"object detection", r"3D", r"point clouds?", r"depth estimation", r"pose estimation",
               r"optical flow", r"scenes?", r"pixels?", r"cameras?", r"gaussian splatting",
               r"novel view synthesis", r"NeRF", r"reconstruction", r"avatars?", r"animation", r"fac(?:e|es|ial)"),
        acronyms=(r"ViTs?", r"CLIP", r"SAM\d?", r"OCR"),
        chinese=(r"计算机视觉", r"视觉", r"图像", r"视频", r"分割", r"目标检测", r"三维", r"3D", r"点云",
                 r"场景", r"像素", r"重建", r"动画"),
    ),
    FieldDef(
        "语音与音频",
        words=(r"speech", r"audio", r"speakers?", r"voices?", r"text-to-speech", r"music(?:al)?",
               r"sounds?", r"spoken", r"acoustic", r"singing"),
        acronyms=(r"ASR", r"TTS"),
        chinese=(r"语音", r"音频", r"音乐", r"声音", r"说话人", r"歌唱", r"声学"),
    ),
    FieldDef(
        "强化学习",
        words=(r"reinforcement learning", r"policy optimization", r"policy gradients?",
               r"reward models?", r"rewards?", r"verifiable rewards?", r"on-policy", r"off-policy"),
        acronyms=(r"RL(?:HF|VR|AIF)?", r"GRPO", r"PPO", r"DAPO", r"GSPO"),
        chinese=(r"强化学习", r"奖励", r"策略优化", r"策略梯度"),
    ),
    FieldDef(
        "智能体",
        words=(r"agents?", r"agentic", r"multi-agent", r"tool[- ](?:use|using|calling|learning)",
               r"function calling", r"web navigation", r"computer[- ]use", r"web browsing",
               r"deep research", r"software engineering"),
        acronyms=(r"GUI", r"SWE(?=-)", r"MCP"),
        chinese=(r"智能体", r"代理", r"工具调用", r"工具使用", r"深度研究", r"多智能体"),
    ),
    FieldDef(
        "生成模型与扩散",
        words=(r"diffusion", r"generative", r"text-to-image", r"text-to-video", r"image-to-video",
               r"text-to-3D", r"image generation", r"video generation", r"3D generation",
               r"image editing", r"video editing", r"flow matching", r"denoising", r"GANs?",
               r"(?:image|video|motion|scene) synthesis", r"visual generation", r"world models?"),
        acronyms=(r"DiTs?", r"VAEs?"),
        chinese=(r"扩散", r"生成模型", r"生成式", r"文生图", r"文生视频", r"图像生成", r"视频生成",
                 r"图像编辑", r"视频编辑", r"流匹配", r"世界模型"),
    ),
    FieldDef(
        "机器人与具身智能",
        words=(r"robots?", r"robotic", r"robotics", r"embodied", r"manipulation", r"locomotion",
               r"grasp(?:ing)?", r"humanoids?", r"vision-language-action", r"autonomous driving",
               r"self-driving", r"driving", r"navigation"),
        acronyms=(r"VLAs?",),
        chinese=(r"机器人", r"具身", r"机械臂", r"人形", r"自动驾驶", r"操控", r"导航"),
    ),
    FieldDef(
        "安全与对齐",
        words=(r"safety", r"safe", r"jailbreak(?:s|ing)?", r"harmful", r"red[- ]teaming",
               r"adversarial attacks?", r"backdoors?", r"privacy", r"hallucinations?",
               r"(?:human|value|preference|safety) alignment", r"align(?:ing|ment)? with human",
               r"preference optimization", r"interpretability", r"mechanistic", r"watermark(?:s|ing)?",
               r"unlearning", r"trustworth(?:y|iness)", r"bias(?:es)?", r"fairness", r"toxicity",
               r"deception", r"misuse", r"robustness"),
        acronyms=(r"DPO", r"RLHF"),
        chinese=(r"安全", r"对齐", r"越狱", r"幻觉", r"可解释", r"隐私", r"偏见", r"公平", r"后门",
                 r"水印", r"有害"),
    ),
    FieldDef(
        "推理",
        words=(r"reasoning", r"chain[- ]of[- ]thought", r"mathematical", r"math", r"theorem proving",
               r"logical", r"test-time scaling", r"thinking", r"problem[- ]solving",
               r"reasoning models?"),
        acronyms=(r"CoT", r"LRMs?"),
        # 推理 alone is also "inference": skip it where it is about inference cost or speed.
        chinese=(r"推理(?!加速|效率|速度|延迟|成本|开销|吞吐|时间|阶段|时|过程中的计算|框架|引擎)",
                 r"思维链", r"数学", r"逻辑", r"定理证明", r"思考"),
    ),
    FieldDef(
        "高效训练与推理",
        words=(r"efficien(?:t|cy)", r"quantization", r"quantized", r"pruning", r"distillation",
               r"sparse", r"sparsity", r"compression", r"KV[- ]cache", r"speculative decoding",
               r"accelerat(?:e|es|ed|ing|ion)", r"latency", r"throughput", r"speedups?",
               r"low-rank", r"mixture[- ]of[- ]experts", r"parameter-efficient", r"FLOPs",
               r"memory footprint", r"computational (?:cost|overhead)", r"inference cost", r"linear attention"),
        acronyms=(r"LoRA", r"MoE", r"PEFT", r"GPUs?"),
        chinese=(r"高效", r"效率", r"量化", r"剪枝", r"蒸馏", r"稀疏", r"压缩", r"加速", r"延迟",
                 r"吞吐", r"混合专家", r"推理成本", r"计算开销", r"显存"),
    ),
    FieldDef(
        "数据集与评测",
        words=(r"benchmarks?", r"benchmarking", r"datasets?", r"evaluation", r"evaluating",
               r"leaderboards?", r"corpus", r"corpora", r"data curation", r"synthetic data",
               r"annotations?", r"test suite", r"survey"),
        acronyms=(),
        chinese=(r"基准", r"数据集", r"评测", r"评估", r"语料", r"标注", r"综述"),
    ),
    FieldDef(
        "医疗与科学",
        words=(r"medical", r"medicine", r"clinical", r"health(?:care)?", r"biomedical", r"patients?",
               r"diseases?", r"drugs?", r"proteins?", r"molecul(?:e|es|ar)", r"chemistry", r"chemical",
               r"biology", r"biological", r"genomics?", r"materials", r"physics", r"scientific",
               r"science", r"radiology", r"pathology", r"weather", r"climate", r"cells?"),
        acronyms=(r"EHRs?", r"MRI", r"CT", r"DNA", r"RNA"),
        chinese=(r"医疗", r"医学", r"临床", r"科学", r"蛋白质", r"分子", r"化学", r"生物", r"材料",
                 r"物理", r"病理", r"药物", r"疾病", r"气象", r"气候"),
    ),
)

FIELD_NAMES: tuple[str, ...] = tuple(f.name for f in FIELDS)

# How much one match in a source says about the paper's topic.
WEIGHT_TITLE = 4
WEIGHT_KEYWORDS = 2  # HF's ai_keywords: topical, but many per paper
WEIGHT_ANALYSIS = 4  # the LLM's own 应用领域 line
WEIGHT_SUMMARY = 1
# A field needs this much evidence, e.g. a title hit or a few mentions in the abstract, so one
# passing mention ("… unlike image models …") does not make a vision paper.
THRESHOLD = 4
# …and at least this share of the strongest field's score, so side remarks of a paper that is
# clearly about one thing ("MeViS … video segmentation" mentioning audio) do not become fields.
RELATIVE_THRESHOLD = 1 / 3
# Mentions in the abstract beyond this add nothing: repetition is style, not topic.
SUMMARY_CAP = 6


def field_scores(entry: PaperEntry) -> dict[str, int]:
    """Evidence for every field (0 when none), in the fixed order."""
    paper, tr = entry.paper, entry.translation
    title_zh = tr.title_zh if tr else ""
    summary_zh = tr.summary_zh if tr else ""
    keywords = " ; ".join(paper.ai_keywords)
    analysis_field = entry.analysis.field if entry.analysis else ""
    scores = {}
    for f in FIELDS:
        scores[f.name] = (
            WEIGHT_TITLE * f.count(paper.title, title_zh)
            + WEIGHT_KEYWORDS * f.count(keywords)
            + WEIGHT_ANALYSIS * f.count(chinese=analysis_field, english=analysis_field)
            + WEIGHT_SUMMARY * min(f.count(paper.summary, summary_zh), SUMMARY_CAP)
        )
    return scores


def classify(entry: PaperEntry) -> list[str]:
    """Fields of a paper, strongest first; ties keep the fixed order of FIELDS.

    Fields with enough evidence (THRESHOLD, RELATIVE_THRESHOLD); if none has, the single
    strongest one with any evidence, so a paper with only weak hints still lands somewhere.
    """
    scores = field_scores(entry)
    ranked = sorted(FIELD_NAMES, key=lambda name: -scores[name])  # sort is stable
    needed = max(THRESHOLD, scores[ranked[0]] * RELATIVE_THRESHOLD)
    strong = [name for name in ranked if scores[name] >= needed]
    if strong:
        return strong
    return ranked[:1] if scores[ranked[0]] > 0 else []


def field_counts(entries: list[PaperEntry]) -> dict[str, int]:
    """Papers per field, most first (ties keep the fixed order); fields with none left out.

    Counts the fields stored on each entry (the pipeline classifies once, the record keeps it).
    """
    counts = Counter(name for e in entries for name in set(e.fields))
    ranked = sorted((n for n in FIELD_NAMES if counts[n]), key=lambda n: -counts[n])  # stable
    return {name: counts[name] for name in ranked}


def hot_fields(entries: list[PaperEntry], top: int = 5) -> list[tuple[str, int]]:
    """The ``top`` fields by number of papers; ties keep the fixed order of FIELDS."""
    return list(field_counts(entries).items())[:top]
