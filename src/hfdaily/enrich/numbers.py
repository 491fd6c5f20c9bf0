"""What numbers a text states, and whether another text states the same ones.

One module for both checks: a translation must keep every number of the English, and an
analysis may state only numbers of the paper it read. The comparison is by *value*, in every
form a professional writer uses:

- magnitudes: ``456 billion`` = ``4560亿`` = ``456B``; ``35k`` = ``3.5万`` = ``35,000``;
- dimensions and ordinals: ``3D`` = ``三维``, ``1-D`` = ``一维``, ``Stage 1`` = ``第一阶段``;
- percentages and fractions: ``57.3%`` = ``0.573``; trailing zeros: ``3.50`` = ``3.5``;
- scientific notation: ``1e-4`` = ``10^{-4}`` = ``1 × 10^-4``;
- Chinese numerals (一 … 十, 两, 百, 千, 万, 亿): ``三倍`` is checked like ``3x``;
- ranges: ``56-71`` states 56 and 71.

Numbers inside names (``Llama 3.3 70B``, ``GPT-4o``, ``Qwen2.5-7B``, ``mAP50``, ``L18-20``) are
compared as names — ``Qwen 3 32B`` matches ``Qwen3-32B`` — and never read as claims. URLs are
ignored, and stop where the Chinese after them starts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from hfdaily.text import without_urls

# Model families written with a space before their version ("Llama 3.3 70B", "Qwen 2.5", "Gemma 2 27B").
FAMILIES = ("Llama", "Qwen", "Gemma", "Gemini", "GPT", "Claude", "Mistral", "Mixtral", "Phi", "DeepSeek",
            "Yi", "GLM", "ChatGLM", "InternLM", "InternVL", "Baichuan", "Falcon", "OLMo", "Kimi", "MiniMax",
            "Nemotron", "Grok", "Hunyuan", "Wan", "SAM", "Stable Diffusion", "SDXL", "FLUX", "Pythia", "BLOOM",
            "Vicuna", "LLaVA", "CLIP", "ResNet", "ViT", "BERT", "T5", "YOLO", "Cosmos", "Ernie", "ERNIE", "Step")

_FAMILY_NAME = re.compile(
    r"(?<![A-Za-z0-9])(?:" + "|".join(re.escape(f) for f in sorted(FAMILIES, key=len, reverse=True)) + r")"
    r"(?:[ \-_]?v?\d+(?:\.\d+)*[A-Za-z]{0,3}(?![0-9]))+(?:-[A-Za-z0-9][A-Za-z0-9.]*)*(?<!\.)(?![.,]\d)")
# A run of name characters holding a digit: "GPT-4o", "Pass@1024", "L18-20", "3DGS", "1e-4", "24K".
_RUN = re.compile(r"(?<![A-Za-z0-9_@])[A-Za-z0-9][A-Za-z0-9_.@+\-]*")
_NUM = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
_NUM_ONLY = re.compile(rf"^{_NUM}$")
_DIGIT_START = re.compile(rf"^({_NUM})(.*)$")
_DIM = re.compile(r"^-?[Dd]$")
_SCI_E = re.compile(r"^[eE]([+-]?\d+)$")
_ORDINAL = re.compile(r"^(?:st|nd|rd|th)$")

# A plain number, with what may follow it on the same line.
_NUMBER = re.compile(
    rf"(?<![A-Za-z0-9_.])({_NUM})"
    r"(?P<after>\s*(?:%|％)"
    r"|\s*(?:×|x|\*|\\times)\s*10\s*\^\s*\{?\s*(?P<exp1>[+\-−]?\d+)\s*\}?"
    r"|\s*\^\s*\{?\s*(?P<exp2>[+\-−]?\d+)\s*\}?"
    r"|\s+(?P<word>thousand|million|billion|trillion)\b"
    r"|\s*(?P<zh>万亿|千亿|百亿|十亿|亿|千万|百万|万|千(?![分米克瓦帕赫焦]))"
    r"|(?P<mag>[kKMBT])(?![A-Za-z0-9])"
    # "10 B parameters", "1 M images"; not "1,800 K-12 students" nor TeX's "2 K (p - 0.5)".
    r"|\s(?P<mag2>[KMBT])(?=\s+[a-z]|\s*[\u4e00-\u9fff、，。；）])"
    r")?")
_MAGNITUDE = {"k": 3, "K": 3, "M": 6, "B": 9, "T": 12, "thousand": 3, "million": 6, "billion": 9, "trillion": 12,
              "千": 3, "万": 4, "十万": 5, "百万": 6, "千万": 7, "亿": 8, "十亿": 9, "百亿": 10, "千亿": 11, "万亿": 12}

_ZH_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_ZH_UNITS = {"十": 10, "百": 100, "千": 1000}
_ZH_BIG = {"万": 10**4, "亿": 10**8}
_ZH_RUN = re.compile(r"[零〇一二两三四五六七八九十百千万亿]+")
# A Chinese numeral is a claim (in an analysis) only where it measures something: 三倍, 两个百分点,
# 二十个, 百分之三十; "一种方法" or "第一主成分" say nothing checkable.
_ZH_CLAIM_AFTER = re.compile(r"^\s*(?:倍|个?百分点|成(?![功为果立员本])|%)")

_EN_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
             "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30, "forty": 40,
             "fifty": 50, "hundred": 100, "thousand": 1000, "twice": 2, "double": 2, "doubles": 2, "doubled": 2,
             "triple": 3, "tripled": 3, "threefold": 3, "fourfold": 4, "fivefold": 5, "tenfold": 10, "half": 0.5,
             "dozen": 12, "single": 1, "first": 1, "second": 2, "third": 3}
_EN_WORD = re.compile(r"\b(" + "|".join(_EN_WORDS) + r")\b", re.IGNORECASE)
_NAME_GAPS = re.compile(r"[\s\-_·]+")


@dataclass(frozen=True)
class Claim:
    """One number a text states: as written, where, and every value it can stand for."""

    text: str
    start: int
    end: int
    values: frozenset[Decimal]
    name: str | None = None  # normalised name ("qwen332b") when the number is part of a name

    def found_in(self, other: Statement) -> bool:
        if self.name is not None:
            return self.name in other.names_text or self.values <= other.values
        return bool(self.values & other.values)


@dataclass(frozen=True)
class Statement:
    """What a text can be said to state: every value any of its numbers may mean, and its names."""

    values: frozenset[Decimal]
    names_text: str  # the whole text, lower-cased, with spaces and hyphens removed


def _dec(text: str) -> Decimal:
    return Decimal(text.replace(",", ""))


def _scaled(value: Decimal, power: int) -> Decimal:
    return value.scaleb(power)


def zh_numeral(text: str) -> Decimal | None:
    """二十五 → 25, 一百零二 → 102, 两 → 2, 三万 → 30000, 十 → 10; None if it is not a numeral."""
    total, section, digit, seen = 0, 0, None, False
    for char in text:
        if char in _ZH_DIGITS:
            if digit is not None and digit != 0 and _ZH_DIGITS[char] != 0:
                return None  # "一一", "三三两两": not one numeral
            digit, seen = _ZH_DIGITS[char], True
        elif char in _ZH_UNITS:
            section += (1 if digit is None else digit) * _ZH_UNITS[char]
            digit, seen = None, True
        elif char in _ZH_BIG:
            if not seen and digit is None and section == 0:
                return None  # "万一", "亿" alone
            section += digit or 0
            total += section * _ZH_BIG[char]
            section, digit = 0, None
        else:
            return None
    if not seen and total == 0:
        return None
    return Decimal(total + section + (digit or 0))


def _run_claim(text: str, start: int) -> tuple[Claim, list[Decimal]] | None:
    """Classify a run of name characters holding a digit: a number with a unit, or a name."""
    run = text.rstrip(".-+_@")
    end = start + len(run)
    if not any(c.isdigit() for c in run) or not any(c.isalpha() for c in run):
        return None  # no digit, or digits only ("56-71", "1.2.3"): left to the number pattern
    if _NUM_ONLY.match(run):
        return None  # a plain number: left to the number pattern (it may have "%", "万" after it)
    if (m := _DIGIT_START.match(run)) and "." not in m.group(2) and "@" not in m.group(2):
        value, rest = _dec(m.group(1)), m.group(2)
        if _DIM.match(rest) or _ORDINAL.match(rest):  # 3D = 三维, 1-D = 一维, 1st = 第一
            return Claim(run, start, end, frozenset({value})), [value]
        if rest in ("k", "K", "M", "B", "T"):  # 24K, 1.3M, 8B
            return Claim(run, start, end, frozenset({_scaled(value, _MAGNITUDE[rest])})), [value]
        if (e := _SCI_E.match(rest)):  # 1e-4
            return Claim(run, start, end, frozenset({_scaled(value, int(e.group(1)))})), [value]
        if rest.isalpha() and rest.lower() not in ("d",):  # 100x, 19.5FPS, 100ms: the number, with a unit
            return Claim(run, start, end, frozenset({value})), [value]
    digits = [_dec(d) for d in re.findall(r"\d+(?:\.\d+)?", run)]
    return Claim(run, start, end, frozenset(digits), name=_normal_name(run)), digits


def _normal_name(text: str) -> str:
    return _NAME_GAPS.sub("", text).lower()


def _scan(text: str) -> tuple[list[Claim], set[Decimal]]:
    """Every claim a text makes, and the extra values its names and numerals can mean."""
    text = without_urls(text)
    claims: list[Claim] = []
    extra: set[Decimal] = set()
    taken = [False] * len(text)

    def take(start: int, end: int) -> None:
        for i in range(start, end):
            taken[i] = True

    for m in _FAMILY_NAME.finditer(text):
        digits = [_dec(d) for d in re.findall(r"\d+(?:\.\d+)?", m.group())]
        claims.append(Claim(m.group(), m.start(), m.end(), frozenset(digits), name=_normal_name(m.group())))
        extra.update(digits)
        take(m.start(), m.end())
    for m in _RUN.finditer(text):
        if taken[m.start()]:
            continue
        found = _run_claim(m.group(), m.start())
        if found is not None:
            claim, values = found
            claims.append(claim)
            extra.update(values)
            take(claim.start, claim.end)
    for m in _NUMBER.finditer(text):
        if taken[m.start()]:
            continue
        value = _dec(m.group(1))
        values = {value}
        if m.group("after") and m.group("after").strip() in ("%", "％"):
            values.add(value / 100)
        elif (exp := m.group("exp1") or m.group("exp2")) is not None:
            power = int(exp.replace("−", "-"))
            values = {_scaled(value, power)} if m.group("exp1") else {value ** power if power >= 0 else
                                                                    Decimal(1) / (value ** -power)}
        elif (word := m.group("word") or m.group("zh") or m.group("mag") or m.group("mag2")) is not None:
            values = {_scaled(value, _MAGNITUDE[word])}
            if word in ("千",):  # 5千米 is 5 km: keep the plain number too
                values.add(value)
            extra.add(value)
        if _is_enumerator(text, m, value):  # "1) … 2) …" may become 首先…其次: a marker, not a claim
            extra.add(value)
            take(m.start(), m.end())
            continue
        if text[m.end():m.end() + 1] == "倍":
            values |= _times(value)
        claims.append(Claim(m.group().strip(), m.start(), m.end(), frozenset(values)))
        take(m.start(), m.end())
    for m in _ZH_RUN.finditer(text):
        value = zh_numeral(m.group())
        if value is None:
            continue
        extra.add(value)
        after = text[m.end():m.end() + 4]
        before = text[max(0, m.start() - 3):m.start()]
        if before.endswith("百分之"):
            extra.add(value / 100)
            claims.append(Claim("百分之" + m.group(), m.start() - 3, m.end(), frozenset({value, value / 100})))
        elif m.group() not in ("百分", "百") and (_ZH_CLAIM_AFTER.match(after) or _is_multi_numeral(m.group())):
            values = {value} | (_times(value) if after.startswith("倍") else set())
            claims.append(Claim(m.group(), m.start(), m.end(), frozenset(values)))
    claims.sort(key=lambda c: c.start)
    return claims, extra


def _is_enumerator(text: str, m: re.Match, value: Decimal) -> bool:
    """"(1) …", "2) …", "（3）": a list marker at the start of a clause."""
    if m.group("after") or not text[m.end():m.end() + 1] in (")", "）") or value > 20 or value != int(value):
        return False
    before = text[:m.start()].rstrip(" \t(（")
    return not before or before[-1] in "\n:;,.：；，。"


def _times(value: Decimal) -> set[Decimal]:
    """"提升了一倍" is ×2 and "提高了三倍" is read as ×3 or ×4: Chinese 倍 after a rise is ambiguous."""
    return {value, value + 1}


def _is_multi_numeral(run: str) -> bool:
    """二十, 三十五, 一百: a numeral of two or more characters with a digit in it (not 千万, 万万)."""
    return len(run) >= 2 and any(c in _ZH_DIGITS for c in run) and any(c in _ZH_UNITS or c in _ZH_BIG for c in run)


def name_spans(text: str) -> list[tuple[int, int]]:
    """Where names holding digits are ("GPT-4o", "GSM8K", "Llama 3.3 70B", "Qwen2.5-VL"): to be read as written."""
    return [(c.start, c.end) for c in _scan(text)[0] if c.name is not None and c.text[:1].isalpha()]


def claims(text: str) -> list[Claim]:
    """The numbers a text states, in order (names included, marked as names)."""
    return _scan(text)[0]


def statement(text: str) -> Statement:
    """Everything ``text`` can be said to state, for deciding whether it states a claim."""
    found, extra = _scan(text)
    values = set(extra)
    for claim in found:
        values |= claim.values
    for m in _EN_WORD.finditer(text):
        values.add(Decimal(str(_EN_WORDS[m.group(1).lower()])))
    for m in re.finditer(r"(\d+(?:\.\d+)?)\s*[%％]", text):  # 57.3% also reads as 0.573
        values.add(_dec(m.group(1)) / 100)
    return Statement(frozenset(values), _normal_name(without_urls(text)))


def missing(source: str, target: str, *, names: bool = True) -> list[Claim]:
    """The claims of ``source`` that ``target`` does not state, once each, in order."""
    have = statement(target)
    lost, seen = [], set()
    for claim in claims(source):
        if claim.name is not None and not names:
            continue
        key = claim.name or claim.values
        if key in seen or claim.found_in(have):
            continue
        seen.add(key)
        lost.append(claim)
    return lost


def context(text: str, claim: Claim, words: int = 3, chars: int = 12) -> str:
    """The claim with a few words around it, cut at sentence ends: ``456 billion total parameters``."""
    plain = without_urls(text)
    left = re.split(r"[.!?。！？；;\n](?:\s|$)|[。！？；，]", plain[:claim.start])[-1]
    right = re.split(r"[.!?。！？；;\n](?:\s|$)|[。！？；，]", plain[claim.end:])[0]
    before = " ".join(left.split(" ")[-words - 1:])
    after = " ".join(right.split(" ")[:words + 1])
    before = before if len(before) <= 3 * chars else before[-chars:]
    after = after if len(after) <= 3 * chars else after[:chars]
    return " ".join((before + claim.text + after).split())
