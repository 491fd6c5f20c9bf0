"""Fit a paper into the model's context: estimate tokens, choose what to send.

No tokenizer is downloaded: :func:`estimate_tokens` is a heuristic calibrated on BPE
tokenizers of the GPT-4/Qwen/DeepSeek family (English prose ≈ 4 characters a token, CJK ≈
one a character, digits in groups of three, every symbol of TeX its own token). It errs
slightly high, which is the safe side for a budget.

:func:`fit` picks by section priority, never by byte offset: abstract, introduction, method,
results, conclusion and figure/table captions first; background, related work, appendices,
long tables and prompt boxes last. Sections that do not fit lose their tail paragraphs
before they are dropped, and the chosen text is always rendered in document order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from hfdaily.models import DEFAULT_TOKEN_BUDGET, Budget, Document, Section

# A table longer than this is "long": it waits behind everything else (prompt boxes, big grids).
LONG_TABLE_TOKENS = 400

_CJK = r"\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef"
_PIECES = re.compile(rf"[{_CJK}]|[^\W\d_{_CJK}]+|\d{{1,3}}|[^\w\s]")
# A BPE vocabulary holds most words up to about this length as one token.
_LETTERS_PER_TOKEN = 6


def estimate_tokens(text: str) -> int:
    """Approximate LLM token count of ``text`` without a tokenizer."""
    tokens = 0
    for piece in _PIECES.findall(text):
        if len(piece) == 1:
            tokens += 1
        elif piece[0].isdigit():
            tokens += 1
        else:  # a run of letters: long words split into several word-pieces
            tokens += -(-len(piece) // _LETTERS_PER_TOKEN)
    return tokens


# --- Rendering ---------------------------------------------------------------------------


def _label(section: Section) -> str:
    heading = section.heading or "(untitled)"
    return f"{section.number} {heading}" if section.number else heading


def _heading_line(section: Section) -> str:
    return f"{'#' * (section.level + 1)} {_label(section)}"


def _with_parents(sections: list[Section], index: int) -> list[int]:
    """``index`` and the sections it sits in (outermost first), so headings nest correctly."""
    chain = [index]
    level = sections[index].level
    for i in range(index - 1, -1, -1):
        if level == 1:
            break
        if sections[i].level < level:
            chain.append(i)
            level = sections[i].level
    return chain[::-1]


def _headings_to_open(doc: Document, section: int, opened: set[int]) -> list[int]:
    if not 0 <= section < len(doc.sections):
        return []
    return [i for i in _with_parents(doc.sections, section) if i not in opened]


@dataclass(frozen=True)
class _Chunk:
    """One unit of text that is sent whole or not at all."""

    section: int  # index into doc.sections; -1 = front matter, len(sections) = footnotes
    kind: str  # "para" | "caption" | "table" | "title" | "abstract" | "footnote"
    index: int
    text: str


def _chunks(doc: Document) -> list[_Chunk]:
    """Every piece of the document in document order."""
    chunks = []
    if doc.title:
        chunks.append(_Chunk(-1, "title", 0, f"# {doc.title}"))
    if doc.abstract:
        chunks.append(_Chunk(-1, "abstract", 0, f"## Abstract\n\n{doc.abstract}"))
    for s, section in enumerate(doc.sections):
        chunks += [_Chunk(s, "para", i, text) for i, text in enumerate(section.paragraphs)]
        chunks += [_Chunk(s, "caption", i, text) for i, text in enumerate(section.captions)]
        chunks += [_Chunk(s, "table", i, text) for i, text in enumerate(section.tables)]
    footnotes = len(doc.sections)
    chunks += [_Chunk(footnotes, "footnote", i, f"[^{i + 1}]: {text}") for i, text in enumerate(doc.footnotes)]
    return chunks


_KIND_ORDER = ("title", "abstract", "para", "caption", "table", "footnote")


def _document_order(chunk: _Chunk) -> tuple[int, int, int]:
    return (chunk.section, _KIND_ORDER.index(chunk.kind), chunk.index)


def _render(doc: Document, chunks: list[_Chunk]) -> str:
    """Chosen chunks in document order, each section's heading before its first chunk."""
    blocks: list[str] = []
    opened: set[int] = set()
    for chunk in sorted(chunks, key=_document_order):
        for i in _headings_to_open(doc, chunk.section, opened):
            opened.add(i)
            blocks.append(_heading_line(doc.sections[i]))
        if chunk.kind == "footnote" and chunk.index == min(c.index for c in chunks if c.kind == "footnote"):
            blocks.append("## Footnotes")
        blocks.append(chunk.text)
    return "\n\n".join(blocks)


# --- Priorities --------------------------------------------------------------------------

_PRIORITY_PATTERNS = [  # first match wins; checked on the top-level section's heading
    (6, re.compile(r"related|prior work|literature|background|preliminar|acknowledg", re.I)),
    (1, re.compile(r"introduc", re.I)),
    (3, re.compile(r"experiment|result|evaluat|benchmark|ablation|empirical|analys|comparison|performance", re.I)),
    (4, re.compile(r"conclu|discussion|summary|limitation|future", re.I)),
    (2, re.compile(r"method|approach|model|framework|design|architecture|algorithm|system|propos|pipeline|formulation|training|implementation|dataset|data", re.I)),
]
_OTHER_BODY = 5  # a heading we do not recognise in the main body: most often method detail
_APPENDIX = 7
_CORE = 5  # priorities up to this one are the paper's story; the rest is context


def _section_priorities(doc: Document) -> list[int]:
    """Priority of each section (lower first), inherited from its top-level section."""
    priorities = []
    current = _OTHER_BODY
    for section in doc.sections:
        if section.appendix:
            priorities.append(_APPENDIX)
            continue
        if section.level == 1:
            current = next((p for p, pattern in _PRIORITY_PATTERNS if pattern.search(section.heading)), _OTHER_BODY)
        priorities.append(current)
    return priorities


def _rank(chunk: _Chunk, priorities: list[int], table_tokens: int) -> tuple[int, int, int, int]:
    """Sort key: tier, section priority, document position. Lower is sent first."""
    if chunk.kind in ("title", "abstract"):
        return (0, 0, 0, 0)
    if chunk.kind == "footnote":  # footnotes with links often name the code repository
        return (3 if "http" in chunk.text else 8, 0, chunk.section, chunk.index)
    priority = priorities[chunk.section]
    core = priority <= _CORE
    position = (priority, chunk.section, chunk.index)
    if chunk.kind == "para":
        if core:
            return (1 if chunk.index == 0 else 4, *position)
        return (6 if priority < _APPENDIX else 7, *position)
    if chunk.kind == "caption":
        return (2 if core else 7, *position)
    # tables: short result tables of the main story, then everything else at the very end
    return (5 if core and table_tokens <= LONG_TABLE_TOKENS else 9, *position)


def fit(doc: Document, limit: int = DEFAULT_TOKEN_BUDGET) -> tuple[str, Budget]:
    """The text the model reads (at most ``limit`` estimated tokens) and how it was chosen."""
    if limit <= 0:
        raise ValueError(f"token budget must be positive, got {limit}")
    chunks = _chunks(doc)
    full_text = _render(doc, chunks)
    full_tokens = estimate_tokens(full_text)
    if full_tokens <= limit:
        labels = [_label(s) for s in doc.sections]
        return full_text, Budget(limit=limit, full_tokens=full_tokens, sent_tokens=full_tokens, sections_sent=labels)

    priorities = _section_priorities(doc)
    costs = {id(c): estimate_tokens(c.text) for c in chunks}
    heading_costs = [estimate_tokens(_heading_line(s)) for s in doc.sections]
    chosen: list[_Chunk] = []
    used = 0
    opened: set[int] = set()
    closed: set[int] = set()  # sections whose paragraphs stopped: later ones would leave a gap
    for chunk in sorted(chunks, key=lambda c: _rank(c, priorities, costs[id(c)])):
        cost = costs[id(chunk)]
        if chunk.kind == "abstract" and used + cost > limit:  # never happens with sane limits
            chunk = _Chunk(-1, "abstract", 0, _truncate(chunk.text, limit - used))
            cost = estimate_tokens(chunk.text)
        headings = _headings_to_open(doc, chunk.section, opened)
        cost += sum(heading_costs[i] for i in headings)
        if chunk.kind == "footnote" and not any(c.kind == "footnote" for c in chosen):
            cost += estimate_tokens("## Footnotes")
        if chunk.kind == "para" and chunk.section in closed:
            continue
        if used + cost > limit:
            if chunk.kind == "para":
                closed.add(chunk.section)
            continue
        chosen.append(chunk)
        used += cost
        opened.update(headings)

    text = _render(doc, chosen)
    sent = sorted(opened)
    budget = Budget(
        limit=limit,
        full_tokens=full_tokens,
        sent_tokens=estimate_tokens(text),
        sections_sent=[_label(doc.sections[i]) for i in sent],
        sections_dropped=[_label(s) for i, s in enumerate(doc.sections) if i not in opened],
    )
    return text, budget


def _truncate(text: str, tokens: int) -> str:
    """The longest prefix of ``text`` (whole words) within ``tokens``."""
    words = text.split(" ")
    low, high = 0, len(words)
    while low < high:  # binary search on the number of words kept
        middle = (low + high + 1) // 2
        if estimate_tokens(" ".join(words[:middle])) <= tokens:
            low = middle
        else:
            high = middle - 1
    return " ".join(words[:low])
