"""The spoken briefing (语音播报): a script written for listening, and text made speakable.

Pure functions only: ``build_script`` turns a :class:`DayRecord` into paragraphs a TTS engine
can read aloud; ``speakable`` rewrites written conventions (digits, acronyms, URLs, Markdown,
LaTeX, brackets) into what a Chinese newsreader would actually say.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from hfdaily.enrich.numbers import name_spans
from hfdaily.make.formulas import unwrap_text_macros
from hfdaily.models import DayRecord, PaperEntry
from hfdaily.text import has_cjk

_DIGITS = "零一二三四五六七八九"
_WEEKDAYS = "一二三四五六日"
# A blurb is "a sentence or two": the second sentence is added only while it stays short.
MAX_BLURB_CHARS = 150


# --- Numbers ---------------------------------------------------------------------------------


def _below_10k(n: int) -> str:
    """1–9999 in Chinese, with 零 for inner gaps (105 → 一百零五, 1010 → 一千零一十)."""
    out, gap = "", False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = n // value % 10
        if digit == 0:
            gap = bool(out)
            continue
        if gap:
            out += "零"
            gap = False
        out += _DIGITS[digit] + unit
    return out


def integer_zh(n: int) -> str:
    """A non-negative integer as spoken Chinese: 224 → 二百二十四, 10005 → 一万零五, 12 → 十二."""
    if n == 0:
        return "零"
    if n >= 10**12:  # ids and serials, not quantities: read digit by digit
        return digits_zh(str(n))
    out, gap = "", False
    for group, unit in ((n // 10**8, "亿"), (n // 10**4 % 10**4, "万"), (n % 10**4, "")):
        if group == 0:
            gap = bool(out)
            continue
        if out and (gap or group < 1000):
            out += "零"
        out += _below_10k(group) + unit
        gap = False
    # 一十二 is written but 十二 is said; 十万 likewise.
    return out[1:] if out.startswith("一十") else out


def digits_zh(digits: str) -> str:
    """Read digit by digit, as for years and decimals: "2026" → 二零二六."""
    return "".join(_DIGITS[int(d)] for d in digits)


def number_zh(number: str) -> str:
    """"2.5" → 二点五, "0.75" → 零点七五, "1.2.3" → 一点二点三, "007" → 零零七, "42" → 四十二."""
    whole, *fractions = number.split(".")
    head = digits_zh(whole) if len(whole) > 1 and whole.startswith("0") else integer_zh(int(whole))
    return "点".join([head, *(digits_zh(f) for f in fractions)])


_NUM = r"\d+(?:\.\d+)*"
_ISO_DATE = re.compile(r"(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)")
_YEAR = re.compile(r"(?<![\d.])(\d{4})(?=\s*年)")
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")
_PERCENT = re.compile(rf"({_NUM})\s*[%％]")
_RANGE = re.compile(rf"({_NUM})\s*(?:-|–|—|~|～|至)\s*({_NUM})")
_TIMES = re.compile(rf"({_NUM})(?:\s*×|[xX])(?![A-Za-z0-9])")
# 两 before a measure word ("2种" → 两种), but 第二 stays 第二.
_TWO = re.compile(r"(?<![第\d.])2(?=[个项种篇位名次倍类条张台份组])")
_NUMBER = re.compile(_NUM)
# "Llama 3.3 70B": once spoken, 三点三七十 would run together, so a pause keeps them apart.
_NUMBERS_APART = re.compile(r"(?<=\d)\s+(?=\d)")


def _numbers_zh(text: str) -> str:
    text = _ISO_DATE.sub(lambda m: f"{m[1]}年{int(m[2])}月{int(m[3])}日", text)
    text = _YEAR.sub(lambda m: digits_zh(m[1]), text)
    text = _THOUSANDS.sub("", text)
    text = _NUMBERS_APART.sub("，", text)
    text = _PERCENT.sub(lambda m: "百分之" + number_zh(m[1]), text)
    text = _RANGE.sub(lambda m: f"{number_zh(m[1])}到{number_zh(m[2])}", text)
    text = _TIMES.sub(lambda m: number_zh(m[1]) + "倍", text)
    text = _TWO.sub("两", text)
    return _NUMBER.sub(lambda m: number_zh(m[0]), text)


# --- Markup, URLs, symbols -------------------------------------------------------------------

_DISPLAY_MATH = re.compile(r"\$\$.*?\$\$|\\\[.*?\\\]", re.S)
_INLINE_MATH = re.compile(r"\$([^$]+)\$|\\\((.+?)\\\)")
_TEX_COMMAND = re.compile(r"\\[A-Za-z]+\*?|\\.")
_MD_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_MD_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_HTML_TAG = re.compile(r"<[^>\n]+>")
_MD_LINE_MARK = re.compile(r"^\s*(?:#{1,6}\s+|>\s*|[-*+]\s+|\d+\.\s+)", re.M)
_MD_EMPHASIS = re.compile(r"\*{1,3}|_{2,3}|~~|`+")
# "代码已公开于<URL>": without the URL, 公开 ends the sentence, so 于 goes with it.
_URL = re.compile(r"(?:于\s*)?(?:https?://|www\.)[A-Za-z0-9\-._~:/?#@!$&'*+,;=%]+")
_CITATION = re.compile(r"\[\d+(?:\s*[,–-]\s*\d+)*\]")
_TEX_LEFTOVER = re.compile(r"[{}^_\\]")


def _keep_trailing_punct(match: re.Match[str]) -> str:
    """A URL ending a sentence ("… at https://x.org/a.") takes the full stop with it; give it back."""
    url = match[0]
    return url[len(url.rstrip(".,;:!?'")) :]


def _math_words(match: re.Match[str]) -> str:
    """Inline maths keeps its letters and digits ("$K$" → "K"); the notation itself is not read."""
    tex = match[1] or match[2] or ""
    return _TEX_LEFTOVER.sub("", _TEX_COMMAND.sub(" ", tex))


def _strip_markup(text: str) -> str:
    text = unwrap_text_macros(text)  # \textbf{fast} is the word "fast"
    text = _DISPLAY_MATH.sub("", text)
    text = _INLINE_MATH.sub(_math_words, text)
    text = _MD_IMAGE.sub("", text)
    text = _MD_LINK.sub(r"\1", text)
    text = _URL.sub(_keep_trailing_punct, text)
    text = _HTML_TAG.sub("", text)
    text = _MD_LINE_MARK.sub("", text)
    text = _MD_EMPHASIS.sub("", text)
    text = _CITATION.sub("", text)
    # Emoji and pictographs are not read; variation selectors go with them.
    return "".join(
        ch for ch in text if unicodedata.category(ch) != "So" and not 0xFE00 <= ord(ch) <= 0xFE0F
    )


# --- Brackets and acronyms -------------------------------------------------------------------

# A Latin-only parenthesis right after Chinese is a gloss of what was just said:
# 大型语言模型（LLM） / 助手轴（Assistant Axis） — read once, in Chinese.
# Lists of examples ("（GPT-4o、Claude 3.5）") have digits or separators and are kept.
_GLOSS = re.compile(r"(?<=[\u3400-\u9fff”’」』》])\s*[（(][^（）()\u3400-\u9fff\d,，、;；]*[）)]")
_OPEN = re.compile(r"\s*[（(【\[{〔]\s*")
_CLOSE = re.compile(r"\s*[）)】\]}〕]\s*")
_SILENT_MARKS = re.compile(r"[《》「」『』〈〉]")
_DASH = re.compile(r"\s*(?:——|—|--)\s*")
_WORD_HYPHEN = re.compile(r"(?<=[A-Za-z])-(?=[A-Za-z0-9])|(?<=[0-9])-(?=[A-Za-z])")
_CJK_HYPHEN = re.compile(r"(?<=[\u3400-\u9fff])-(?=[\u3400-\u9fff])")  # 解绑-重绑 → 解绑重绑
_LETTER_DIGIT = re.compile(r"(?<=[A-Za-z])(?=\d)")
_ACRONYM = re.compile(r"(?<![A-Za-z])([A-Z]{2,})(s?)(?![A-Za-z])")
# An acronym ending a word: "HotpotQA" → "Hotpot Q A", "OpenAI" → "Open A I" (not "LLaMA").
_ACRONYM_TAIL = re.compile(r"(?<=[a-z]{3})([A-Z]{2,})(s?)(?![A-Za-z])")


def _spell(match: re.Match[str], chinese: bool) -> str:
    letters = " ".join(match[1])
    # "LLMs": Chinese has no plural, English keeps it as in "L L Ms".
    return letters if chinese or not match[2] else letters + "s"


# --- Tidying -------------------------------------------------------------------------------

_SPACES = re.compile(r"\s+")
_SPACE_BEFORE_PUNCT = re.compile(r"\s+(?=[，。！？；：、,.!?;:])")
_SPACE_AFTER_ZH_PUNCT = re.compile(r"(?<=[，。！？；：、])\s+")
_SPACE_BETWEEN_CJK = re.compile(r"(?<=[\u3400-\u9fff])\s+(?=[\u3400-\u9fff])")
_PAUSE_BEFORE_PUNCT = re.compile(r"[，,、；;：:]+\s*(?=[，,。.！!？?；;：:、]|$)")
_REPEATED_STOP = re.compile(r"([。.！!？?])[。.]+")
_LEADING_PUNCT = re.compile(r"^[，,。.、；;：:\s]+")


def _tidy(text: str) -> str:
    text = _SPACES.sub(" ", text).strip()
    text = _SPACE_BEFORE_PUNCT.sub("", text)
    text = _SPACE_AFTER_ZH_PUNCT.sub("", text)
    text = _SPACE_BETWEEN_CJK.sub("", text)
    text = _PAUSE_BEFORE_PUNCT.sub("", text)
    text = _REPEATED_STOP.sub(r"\1", text)
    return _LEADING_PUNCT.sub("", text).strip()


def speakable(text: str) -> str:
    """Rewrite written text into what should be said aloud.

    Chinese text (any CJK character) gets Chinese numbers: "224项" → 二百二十四项, "8.0%" →
    百分之八点零, "2026年" → 二零二六年, "56-71层" → 五十六到七十一层. English text keeps its digits
    (an English voice reads them). In both, acronyms are spelled ("RLVR" → "R L V R") while
    words and names stay ("Transformer"), and URLs, Markdown, LaTeX, citations and brackets go.
    """
    chinese = has_cjk(text)
    text = unicodedata.normalize("NFKC", text) if not chinese else text.replace("\u3000", " ")
    text = _strip_markup(text)
    text = _GLOSS.sub("", text)
    text, names = _hold_names(text) if chinese else (text, [])
    pause = "，" if chinese else ", "
    text = _OPEN.sub(pause, text)
    text = _CLOSE.sub(pause, text)
    text = _SILENT_MARKS.sub("", text)
    text = _DASH.sub(pause, text)
    text = _WORD_HYPHEN.sub(" ", text)
    text = _CJK_HYPHEN.sub("", text)
    text = _ACRONYM.sub(lambda m: _spell(m, chinese), text)
    text = _ACRONYM_TAIL.sub(lambda m: " " + _spell(m, chinese), text)
    if chinese:
        text = _LETTER_DIGIT.sub(" ", text)  # "Qwen2.5" → "Qwen 二点五"
        text = _numbers_zh(text)
        text = text.replace("&", "和")
    return _tidy(_NAME_HELD.sub(lambda m: names[ord(m[1]) - 0xE100], text))


# Names holding digits are read as names: "GPT-4o", "GSM8K", "Qwen2.5-VL" and "Llama 3.3 70B" keep
# their digits (a voice reads them in the name's language), never "G P T 四o" or "G S M 八K".
_NAME_HELD = re.compile("\ue000([\ue100-\ue8ff])")


def _speakable_name(name: str) -> str:
    """Acronyms spelled, hyphens as pauses, digits as written: "GPT-4o" → "G P T 4o", "GSM8K" → "G S M 8K"."""
    name = _WORD_HYPHEN.sub(" ", name)
    name = re.sub(r"(?<=\d)-(?=\d)", "到", name)  # layers "L18-20" → "L 18到20"
    name = _ACRONYM.sub(lambda m: _spell(m, True), name)
    name = _ACRONYM_TAIL.sub(lambda m: " " + _spell(m, True), name)
    return re.sub(r"(?<=[A-Za-z])(?=\d)", " ", name)


def _hold_names(text: str) -> tuple[str, list[str]]:
    names: list[str] = []
    out, last = [], 0
    for start, end in name_spans(text):
        out.append(text[last:start] + "\ue000" + chr(0xE100 + min(len(names), 0x7FF)))
        names.append(_speakable_name(text[start:end]))
        last = end
    return "".join(out) + text[last:], names


# --- The script ------------------------------------------------------------------------------

_SENTENCE_END = re.compile(r"(?<=[。！？])|(?<=[.!?])\s+(?=[A-Z\"“(])")
# The sentence that says what the paper does is a better blurb than the background before it.
_CONTRIBUTION_CUE = re.compile(
    r"我们提出|本文提出|我们推出|我们引入|我们介绍|本文介绍|提出了"
    r"|\b[Ww]e (?:propose|introduce|present|develop)|\b[Tt]his (?:paper|work) (?:proposes|introduces|presents)"
)


def sentences(text: str) -> list[str]:
    """Split Chinese (。！？) or English (. ! ? before a capital) text into sentences."""
    return [s.strip() for s in _SENTENCE_END.split(text) if s and s.strip()]


_BACK_REFERENCE = re.compile(r"[此这该]|\b(?:[Tt]his|[Tt]hese|[Tt]o this end)\b")


def _drop_back_reference(sentence: str) -> str:
    """Heard alone, "受此启发，我们提出…" / "To address this, we propose…" points at nothing:
    start at the announcement instead."""
    cue = _CONTRIBUTION_CUE.search(sentence)
    opening = sentence[: cue.start()] if cue else ""
    if not cue or not _BACK_REFERENCE.search(opening) or not re.search(r"[，,]\s*$", opening):
        return sentence
    rest = sentence[cue.start() :]
    return rest[0].upper() + rest[1:]


def blurb(text: str) -> str:
    """A sentence or two from an abstract, starting at the contribution when one is announced."""
    parts = sentences(text)
    if not parts:
        return ""
    start = next((i for i, s in enumerate(parts) if _CONTRIBUTION_CUE.search(s)), 0)
    chosen = _drop_back_reference(parts[start])
    if start + 1 < len(parts) and len(chosen) + len(parts[start + 1]) <= MAX_BLURB_CHARS:
        chosen = f"{chosen} {parts[start + 1]}" if not has_cjk(chosen) else chosen + parts[start + 1]
    return chosen


def _contribution(entry: PaperEntry) -> str:
    if entry.analysis:
        return entry.analysis.contribution
    if entry.translation:
        return blurb(entry.translation.summary_zh)
    return entry.paper.ai_summary or blurb(entry.paper.summary)


def _as_sentence(text: str) -> str:
    """End with a full stop that suits the language, so the voice pauses between parts."""
    text = text.rstrip("，,；;：: ")
    if not text or text[-1] in "。！？.!?":
        return text
    return text + ("。" if has_cjk(text) else ".")


def paper_paragraph(number: int, entry: PaperEntry) -> str:
    title = entry.display_title
    # Each part is made speakable on its own, so an English title keeps English numbers.
    head = f"第{integer_zh(number)}篇，{_as_sentence(speakable(title))}"
    return _tidy(f"{head} {_as_sentence(speakable(_contribution(entry)))}")


def greeting(record: DayRecord) -> str:
    day = record.date
    count = "今天没有收录新的论文。"
    if record.papers:
        count = f"今天共有{len(record.papers)}篇论文，我们逐一来看。"
    return speakable(
        f"大家好，欢迎收听 Hugging Face 论文日报。"
        f"今天是{day.year}年{day.month}月{day.day}日，星期{_WEEKDAYS[day.weekday()]}。{count}"
    )


def closing(record: DayRecord) -> str:
    # HF publishes on weekdays: after Friday the next episode is on Monday.
    see_you = "我们下周一见" if record.date.weekday() == 4 else "我们明天见"
    return f"以上就是今天的全部内容，感谢收听，{see_you}！"


def build_script(record: DayRecord) -> list[str]:
    """Paragraphs to be read aloud: greeting with date and count, one per paper, a closing."""
    papers = [paper_paragraph(i, entry) for i, entry in enumerate(record.papers, start=1)]
    return [greeting(record), *papers, closing(record)]


def script_to_text(paragraphs: Iterable[str]) -> str:
    """The transcript as plain text, one blank line between paragraphs."""
    return "\n\n".join(p.strip() for p in paragraphs if p.strip()) + "\n"
