"""Typed models at the boundaries: what HF gives us, what we read, what the LLM writes.

Everything that is stored in ``OUT/data/YYYY-MM-DD.json`` is one of these models, so the
day record can be validated on load and rebuilt into the SQLite store.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import unicodedata
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    Field,
    PrivateAttr,
    field_validator,
    model_validator,
)

from hfdaily.redaction import scrub
from hfdaily.text import first_sentence, plain

log = logging.getLogger("hfdaily.models")

_WRAP = re.compile(r"\s*\n\s*")
_SPACES = re.compile(r"[ \t\u00a0]+")
# Characters no reader wants and XML (the feed) refuses: C0/C1 controls (tab and newline are
# whitespace), lone surrogates, the non-characters U+FFFE/U+FFFF; bidi overrides can disguise text.
_UNWANTED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff\u202a-\u202e\u2066-\u2069]")
_ANY_SPACE = re.compile(r"\s+")
# A line break a model put inside a Chinese sentence ("。\n相比之下") is not a space in Chinese.
_CJK_CHAR = "[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]"
_CJK_BREAK = re.compile(f"(?<={_CJK_CHAR})\\s*\n\\s*(?={_CJK_CHAR})")


def normalise_text(text: str) -> str:
    """Undo arXiv hard line breaks (``"LLMs)\\n  More"`` → ``"LLMs) More"``) and runs of spaces."""
    return _SPACES.sub(" ", _WRAP.sub(" ", text)).strip()


def clean_line(text: str) -> str:
    """Text as it may enter the archive: NFC, no control characters, one line, single spaces, none
    of the configured secrets (hfdaily.redaction)."""
    text = _CJK_BREAK.sub("", _UNWANTED.sub("", unicodedata.normalize("NFC", scrub(text))))
    return _ANY_SPACE.sub(" ", text).strip()


def _required_line(text: str) -> str:
    if not (cleaned := clean_line(text)):
        raise ValueError("is empty once spaces and control characters are removed")
    return cleaned


def _optional_line(text: str | None) -> str | None:
    return (clean_line(text) or None) if text is not None else None


def _lines(values: list[str]) -> list[str]:
    return [cleaned for value in values if (cleaned := clean_line(value))]


# --- Bounds at the door ----------------------------------------------------------------------
# Real values are far below these (arXiv titles stop near 250 characters, author names near 60,
# HF lists 10-30 keywords); the bounds only stop a broken or hostile source from feeding a 1 MB
# title to the pictures, the index and every page. A value over its bound is cut and a warning says so.
MAX_TITLE_CHARS = 500  # a paper's title (English or Chinese)
MAX_NAME_CHARS = 200  # one author, an organisation
MAX_AUTHORS = 500
MAX_KEYWORDS = 100
MAX_KEYWORD_CHARS = 100
MAX_URL_CHARS = 1000  # a GitHub repository, a project page
MAX_LINE_CHARS = 20_000  # any other text (abstracts have their own, smaller bound: HFDAILY_MAX_ABSTRACT_CHARS)
MAX_COUNT = 10**9  # upvotes, comments, stars: SQLite stores 64-bit integers, HF's records are near 10**4


def _cut(limit: int, what: str):
    def cut(text: str | None) -> str | None:
        if text is not None and len(text) > limit:
            log.warning("a %s of %d characters was cut to %d (hfdaily's bound for it)", what, len(text), limit)
            return text[:limit].rstrip()
        return text
    return cut


def _cut_list(count: int, chars: int, what: str):
    one = _cut(chars, what)

    def cut(values: list[str]) -> list[str]:
        if len(values) > count:
            log.warning("%d %ss were cut to the first %d (hfdaily's bound for them)", len(values), what, count)
        return [one(value) for value in values[:count]]
    return cut


def _count(value: object) -> object:
    """A count from outside (upvotes, comments, stars) held in [0, MAX_COUNT]; not a number stays
    an error of the entry."""
    if isinstance(value, int) and not isinstance(value, bool) and not 0 <= value <= MAX_COUNT:
        log.warning("a count of %s is out of range: kept as %d", str(value)[:30], min(max(value, 0), MAX_COUNT))
        return min(max(value, 0), MAX_COUNT)
    return value


def _optional_count(value: object) -> object:
    return None if value is None else _count(value)


# Every string from HF or the LLM is one of these: cleaned once, where it enters, and bounded.
def _line(limit: int = MAX_LINE_CHARS, what: str = "text"):
    return Annotated[str, AfterValidator(_required_line), AfterValidator(_cut(limit, what))]


def _optional(limit: int = MAX_LINE_CHARS, what: str = "text"):
    return Annotated[str | None, AfterValidator(_optional_line), AfterValidator(_cut(limit, what))]


def _list(count: int = MAX_LINE_CHARS, chars: int = MAX_LINE_CHARS, what: str = "text"):
    return Annotated[list[str], AfterValidator(_lines), AfterValidator(_cut_list(count, chars, what))]


Line = _line()
OptionalLine = _optional()
Lines = _list()
Title = _line(MAX_TITLE_CHARS, "title")
Names = _list(MAX_AUTHORS, MAX_NAME_CHARS, "author name")
Keywords = _list(MAX_KEYWORDS, MAX_KEYWORD_CHARS, "keyword")
Name = _optional(MAX_NAME_CHARS, "organisation name")
Address = _optional(MAX_URL_CHARS, "link")
Count = Annotated[int, BeforeValidator(_count)]
OptionalCount = Annotated[int | None, BeforeValidator(_optional_count)]
# arXiv ids are ASCII digits (``\d`` would also take ２６０１ or ٢٦٠١, which become links).
ARXIV_ID = r"^[0-9]{4}\.[0-9]{4,5}$"
# A paper's pages, by its arXiv id (the record's Paper and the index's PaperRow both link them).
HF_PAPER_URL = "https://huggingface.co/papers/{}"
ARXIV_ABS_URL = "https://arxiv.org/abs/{}"


class Paper(BaseModel):
    """One entry of the HF Daily Papers list, flattened and normalised."""

    id: str = Field(pattern=ARXIV_ID)
    title: Title
    summary: Line
    authors: Names
    published_at: dt.datetime
    upvotes: Count = 0
    num_comments: Count = 0
    ai_summary: OptionalLine = None
    ai_keywords: Keywords = []
    github_repo: Address = None
    github_stars: OptionalCount = None
    project_page: Address = None
    organization: Name = None

    @property
    def hf_url(self) -> str:
        return HF_PAPER_URL.format(self.id)

    @property
    def arxiv_url(self) -> str:
        return ARXIV_ABS_URL.format(self.id)


class Translation(BaseModel):
    """Simplified-Chinese title and abstract of one paper."""

    title_zh: Title
    summary_zh: Line
    # What the checks still found after the last re-ask (a number not found…): kept and shown, not lost.
    problems: list[str] = []


# --- Full text -------------------------------------------------------------------------

ReadSource = Literal["HTML", "ArXiv Abs", "HF"]


class Section(BaseModel):
    """One section of a paper, flattened: the tree is kept by ``number`` and ``level``."""

    heading: str
    number: str | None = None  # "1", "3.2", "A", "A.1"
    level: int = 1  # 1 section, 2 subsection, 3 subsubsection / paragraph
    appendix: bool = False
    paragraphs: list[str] = []  # prose, inline maths as $TeX$, display maths as $$TeX$$
    captions: list[str] = []  # "Figure 3: ..." / "Table 2: ..." as printed
    tables: list[str] = []  # tables as tab/newline separated text


class Figure(BaseModel):
    """A paper's key figure as its arXiv HTML shows it (see sources/figures.py for the choice)."""

    url: str  # absolute URL of the image on arXiv
    label: str = ""  # "Figure 1"
    caption: str = ""  # the English caption as printed, without its label
    width: int | None = None  # size the page declares (CSS px), when it does
    height: int | None = None
    why: str = ""  # why this one was chosen


class Document(BaseModel):
    """What we could read of a paper: full text (HTML) or only its abstract."""

    arxiv_id: str | None = None
    title: str = ""
    abstract: str = ""
    sections: list[Section] = []
    footnotes: list[str] = []
    source: ReadSource = "HTML"
    figure: Figure | None = None  # the key figure, when the HTML has one


# --- Analysis (seed 003) ---------------------------------------------------------------


_LABELS = ("应用领域", "一句话核心贡献", "核心贡献", "输入", "输出", "处理流程", "输出/处理流程", "运行环境/硬件",
           "运行环境与硬件", "运行环境或硬件", "运行环境", "硬件", "开源情况")
_LABEL_PREFIX = re.compile(r"^\s*(?:\*\*)?(?:" + "|".join(map(re.escape, sorted(_LABELS, key=len, reverse=True))) + r")(?:\*\*)?\s*[：:]\s*(?:\*\*)?\s*")


def without_label(text: str) -> str:
    """A value never repeats its label: "输入：一张图像" → "一张图像" (the page prints the label)."""
    while (stripped := _LABEL_PREFIX.sub("", text, count=1)) != text:
        text = stripped
    return text


class UsageGuide(BaseModel):
    """使用指南. Records written before analyse-v2 have one ``process`` text and no ``output``."""

    input: Line = Field(description="输入")
    output: Annotated[str, AfterValidator(clean_line)] = Field("", description="输出")
    process: Lines = Field(default_factory=list, description="处理流程, one step per item")
    environment: Line = Field(description="运行环境/硬件")
    open_source: Line = Field(description="开源情况, with the real link when known")

    @field_validator("process", mode="before")
    @classmethod
    def _steps(cls, value: object) -> object:
        return [value] if isinstance(value, str) else value

    @field_validator("input", "output", "environment", "open_source")
    @classmethod
    def _unlabel(cls, value: str) -> str:
        return without_label(value)

    @field_validator("process")
    @classmethod
    def _unlabel_steps(cls, value: list[str]) -> list[str]:
        return [s for s in (without_label(step) for step in value) if s.strip()]


class Innovation(BaseModel):
    lead: Line = Field(description="bold lead phrase")
    detail: Line

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, value: object) -> object:
        """"**短标题**：说明" written as one string."""
        if isinstance(value, str):
            lead, sep, detail = value.partition("：") if "：" in value else value.partition(":")
            return {"lead": lead.strip(" *"), "detail": detail.strip()} if sep else {"lead": value, "detail": value}
        return value

    @field_validator("lead")
    @classmethod
    def _plain_lead(cls, value: str) -> str:
        return value.strip().strip("*").strip()


class Analysis(BaseModel):
    field: Line = Field(description="应用领域")
    contribution: Line = Field(description="一句话核心贡献")
    guide: UsageGuide
    innovations: list[Innovation] = Field(min_length=1)
    results: list[Line] = Field(min_length=1, description="实验效果: datasets, metrics, key numbers")
    # The key figure's caption in Chinese, asked for in the same call (analyse-v3) when there is a figure.
    figure_caption: OptionalLine = None
    # Numbers stated anywhere in the analysis that the text the model read does not contain (after re-asking).
    ungrounded_numbers: list[str] = []
    # Other problems still there after the last re-ask (counts), shown as a note.
    problems: list[str] = []

    @field_validator("field", "contribution")
    @classmethod
    def _unlabel(cls, value: str) -> str:
        return without_label(value)

    @field_validator("results", mode="before")
    @classmethod
    def _one_result(cls, value: object) -> object:
        return [value] if isinstance(value, str) else value


# Tokens of a paper sent for analysis (HFDAILY_TOKEN_BUDGET): here, below both the setting and enrich/budget.
DEFAULT_TOKEN_BUDGET = 12000


class Budget(BaseModel):
    """How much of the paper the model read, in estimated tokens."""

    limit: int
    full_tokens: int
    sent_tokens: int
    sections_sent: list[str] = []
    sections_dropped: list[str] = []


# --- The day record ----------------------------------------------------------------------


class Usage(BaseModel):
    calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    reasoning_tokens: int = 0  # of the completion tokens, those the model spent thinking


class PaperEntry(BaseModel):
    paper: Paper
    translation: Translation | None = None
    translation_model: str | None = None  # "model/prompt-version" that wrote it
    analysis: Analysis | None = None
    analysis_model: str | None = None
    read_source: ReadSource | None = None
    budget: Budget | None = None
    fields: list[str] = []
    figure: Figure | None = None  # the key figure chosen from the HTML full text (its files: make/figures.py)

    # --- what every renderer shows (pages, pictures, speech, feeds, the index) --------------------
    @property
    def display_title(self) -> str:
        """The Chinese title when translated, else the English one."""
        return self.translation.title_zh if self.translation else self.paper.title

    @property
    def figure_caption(self) -> str:
        """The key figure's caption for a Chinese reader: translated when the analysis gave one."""
        if self.figure is None:
            return ""
        zh = self.analysis.figure_caption if self.analysis else None
        return zh or self.figure.caption

    @property
    def one_line(self) -> str:
        """One line on what the paper contributes, best source first: the analysis's 核心贡献, the
        translated abstract's first sentence, HF's one-line ai_summary, the abstract's first sentence."""
        if self.analysis:
            return plain(self.analysis.contribution)
        if self.translation:
            return first_sentence(self.translation.summary_zh)
        return self.paper.ai_summary or first_sentence(self.paper.summary)


RECORD_VERSION = 1  # schema_version written into OUT/data/DATE.json; archive/record.py upgrades older ones


class DayRecord(BaseModel):
    """Everything known about one day; the durable, git-friendly record (``OUT/data/DATE.json``)."""

    schema_version: int = RECORD_VERSION
    date: dt.date
    papers: list[PaperEntry] = []
    updated_at: dt.datetime | None = None
    usage: Usage = Usage()
    # The record as read from disk: what a newer hfdaily wrote that this one does not know is
    # written back from it on save (archive/record.py), never dropped.
    _raw: dict = PrivateAttr(default_factory=dict)

    def entry(self, paper_id: str) -> PaperEntry | None:
        return next((e for e in self.papers if e.paper.id == paper_id), None)
