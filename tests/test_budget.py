"""Token estimates and fitting real papers (../shared/fixtures) into a token budget."""

from __future__ import annotations

from pathlib import Path

import pytest

from hfdaily.enrich.budget import (
    DEFAULT_TOKEN_BUDGET,
    estimate_tokens,
    fit,
)
from hfdaily.models import Document, Section
from hfdaily.sources.fulltext import parse_html

PAGES = [
    "arxiv_html/1307.8133.html",
    "arxiv_html/1311.0066.html",
    "arxiv_html/1707.08043.html",
    "arxiv_html/1708.00137.html",
    "arxiv_html/astro-ph_9710163.html",
    "arxiv_html_modern/2410.00260.html",
    "arxiv_html_modern/2512.14946.html",
    "arxiv_html_modern/2601.19139.html",
]


def whole_text(doc: Document) -> str:
    """The whole document as the model would read it: what ``fit`` sends when nothing needs cutting."""
    return fit(doc, 10**9)[0]


@pytest.fixture(scope="module")
def docs(fixtures_dir: Path) -> dict[str, Document]:
    return {name: parse_html((fixtures_dir / name).read_bytes()) for name in PAGES}


def test_estimate_tokens_heuristic() -> None:
    assert estimate_tokens("") == 0
    assert estimate_tokens("大语言模型的安全") == 8  # one token per CJK character
    assert estimate_tokens("The model is good.") == 5
    assert estimate_tokens("12345678") == 3  # digits in groups of three
    assert estimate_tokens(r"$\mathcal{L}$") == 8  # every TeX symbol counts; "mathcal" is two
    assert estimate_tokens("internationalization") == 4  # long words split


def test_estimate_is_about_four_characters_a_token_on_english_prose(docs: dict[str, Document]) -> None:
    prose = " ".join(p for s in docs["arxiv_html_modern/2601.19139.html"].sections for p in s.paragraphs)
    assert 3.4 <= len(prose) / estimate_tokens(prose) <= 4.6


@pytest.mark.parametrize("limit", [1500, 4000, DEFAULT_TOKEN_BUDGET])
@pytest.mark.parametrize("name", PAGES)
def test_limit_respected(docs: dict[str, Document], name: str, limit: int) -> None:
    text, budget = fit(docs[name], limit)
    assert budget.sent_tokens == estimate_tokens(text) <= limit
    assert budget.full_tokens == estimate_tokens(whole_text(docs[name]))
    assert text.startswith(f"# {docs[name].title}\n\n## Abstract\n\n{docs[name].abstract}")
    assert len(budget.sections_sent) + len(budget.sections_dropped) == len(docs[name].sections)


def test_small_paper_is_sent_whole(docs: dict[str, Document]) -> None:
    doc = docs["arxiv_html_modern/2601.19139.html"]
    text, budget = fit(doc)
    assert text == whole_text(doc)
    assert budget.sent_tokens == budget.full_tokens < DEFAULT_TOKEN_BUDGET
    assert budget.sections_dropped == []


def test_priority_order(docs: dict[str, Document]) -> None:
    doc = docs["arxiv_html_modern/2512.14946.html"]
    text, budget = fit(doc, 4000)
    for kept in ("1 Introduction", "4 EvicPress Design", "6.2 Evaluation results", "9 Conclusion"):
        assert kept in budget.sections_sent
    for dropped in ("7 Related Work", "2 Background", "A Pseudo Code for Algorithm"):
        assert dropped in budget.sections_dropped
    assert "Figure 7: EvicPress reduces TTFT" in text  # captions before context sections
    # the long prompt boxes of DoPAMine wait behind its results tables and go first when tight
    dopamine, _ = fit(docs["arxiv_html_modern/2410.00260.html"], 9000)
    assert "Anatomy\t15.0\t23.5\t18.3\t27.2" in dopamine
    assert "Seed Generation Example: Finance and Insurance domain\nPrompt:" not in dopamine


def test_sections_are_trimmed_before_dropped(docs: dict[str, Document]) -> None:
    doc = docs["arxiv_html/1311.0066.html"]  # 35k tokens of algebraic geometry
    text, budget = fit(doc, 4000)
    trimmed = [s for s in doc.sections if s.paragraphs and s.paragraphs[0] in text
               and not all(p in text for p in s.paragraphs)]
    assert trimmed, "a long section keeps its first paragraphs"
    for section in trimmed:  # a prefix, never a gap
        sent = [p in text for p in section.paragraphs]
        assert sent == sorted(sent, reverse=True)


def test_document_order_kept(docs: dict[str, Document]) -> None:
    doc = docs["arxiv_html/1708.00137.html"]
    text, budget = fit(doc, 4000)
    headings = [line for line in text.splitlines() if line.startswith("#")]
    labels = [line.lstrip("# ") for line in headings[2:]]  # after title and abstract
    assert labels == budget.sections_sent
    order = [i for i, s in enumerate(doc.sections) if (f"{s.number} {s.heading}" if s.number else s.heading) in labels]
    assert order == sorted(order)


def test_subsection_headings_keep_their_parent() -> None:
    doc = Document(title="T", abstract="A", sections=[
        Section(heading="Method", number="2"),  # no text of its own
        Section(heading="Details", number="2.1", level=2, paragraphs=["x " * 50]),
    ])
    text, _ = fit(doc)
    assert "## 2 Method\n\n### 2.1 Details" in text


def test_bad_limit() -> None:
    with pytest.raises(ValueError, match="token budget must be positive"):
        fit(Document(title="T"), 0)
