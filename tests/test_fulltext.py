"""parse_html / parse_abs on every recorded arXiv page (../shared/fixtures)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from selectolax.lexbor import LexborHTMLParser

from hfdaily.enrich.budget import fit
from hfdaily.models import Document
from hfdaily.sources.fulltext import NoHTMLError, NotAbsPageError, parse_abs, parse_html

# file: (title starts, abstract starts, main top-level sections, subsections, appendices,
#        numbered figure captions, numbered table captions) — from the fixtures README table.
# Differences from the README's raw class counts, on purpose:
# 1311.0066's "5. Appendix-Milnor …" is an ltx_section we flag as appendix by its heading;
# 1707.08043's fourth ltx_section is "acknowledgements", not counted as a main section.
PAGES = {
    "arxiv_html/1307.8133.html": ("Slow axial drift", "Models of monodisperse", 5, 2, 2, 12, 2),
    "arxiv_html/1311.0066.html": ("K-theoretic Chow groups", "Based on Balmer", 4, 10, 1, 0, 0),
    "arxiv_html/1707.08043.html": ("On Positive-Characteristic", "We present a non-standard", 3, 0, 0, 0, 0),
    "arxiv_html/1708.00137.html": ("Causation does not explain", "Realist interpretations", 10, 5, 1, 3, 0),
    "arxiv_html/astro-ph_9710163.html": ("The Definitive Abundance", "Using the Goddard", 4, 0, 0, 0, 2),
    "arxiv_html_modern/2410.00260.html": ("DoPAMine", "Large Language Models (LLMs) have", 6, 11, 3, 5, 9),
    "arxiv_html_modern/2512.14946.html": ("EvicPress", "Reusing KV cache", 9, 11, 1, 12, 2),
    "arxiv_html_modern/2601.19139.html": ("Native LLM and MLLM", "The growing adoption", 6, 11, 0, 2, 7),
}
NUMBERED = re.compile(r"^(Figure|Table) \d+[:.] ")


def whole_text(doc: Document) -> str:
    """The whole document as the model would read it: what ``fit`` sends when nothing needs cutting."""
    return fit(doc, 10**9)[0]


def _parse(fixtures_dir: Path, name: str) -> Document:
    return parse_html((fixtures_dir / name).read_bytes(), arxiv_id=Path(name).stem)


@pytest.fixture(scope="module")
def docs(fixtures_dir: Path) -> dict[str, Document]:
    return {name: _parse(fixtures_dir, name) for name in PAGES}


def test_every_fixture_page_is_covered(fixtures_dir: Path) -> None:
    pages = {str(p.relative_to(fixtures_dir)) for p in fixtures_dir.glob("arxiv_html*/*.html")}
    assert pages - set(PAGES) == {"arxiv_html_modern/no_html_2601.17668.html"}


@pytest.mark.parametrize("name", PAGES)
def test_structure_matches_the_readme(docs: dict[str, Document], name: str) -> None:
    title, abstract, main, subsections, appendices, figures, tables = PAGES[name]
    doc = docs[name]
    assert doc.source == "HTML"
    assert doc.title.startswith(title)
    assert doc.abstract.startswith(abstract), "abstract found, without its 'Abstract' heading"
    top = [s for s in doc.sections if s.level == 1 and not s.appendix and s.heading]
    assert len([s for s in top if not s.heading.lower().startswith("acknowledg")]) == main
    assert len([s for s in doc.sections if s.level == 2]) == subsections
    assert len([s for s in doc.sections if s.level == 1 and s.appendix]) == appendices
    captions = [c for s in doc.sections for c in s.captions]
    assert sum(c.startswith("Figure") for c in captions if NUMBERED.match(c)) == figures
    assert sum(c.startswith("Table") for c in captions if NUMBERED.match(c)) == tables


@pytest.mark.parametrize("name", PAGES)
def test_chrome_bibliography_and_mathml_are_dropped(fixtures_dir: Path, docs: dict[str, Document], name: str) -> None:
    text = whole_text(docs[name])
    page = LexborHTMLParser((fixtures_dir / name).read_bytes())
    for bibitem in page.css(".ltx_bibitem")[:5]:
        entry = " ".join(bibitem.css_first(".ltx_bibblock").text().split()) if bibitem.css_first(".ltx_bibblock") else ""
        if len(entry) > 30:
            assert entry[:60] not in text
    assert all(s.heading != "References" for s in docs[name].sections)
    assert "<" + "math" not in text and "\u2061" not in text and "\u200b" not in text
    assert "Refer to caption" not in text  # image alt text
    author = page.css_first(".ltx_personname")
    if author is not None:
        assert " ".join(author.text().split())[:25] not in text


def test_equations_are_tex(docs: dict[str, Document]) -> None:
    dopamine = whole_text(docs["arxiv_html_modern/2410.00260.html"])
    assert r"$$\mathrm{sim}(d_{1},d_{2})\approx\cos(\vec{d_{1}},\vec{d_{2}})" in dopamine
    assert "$$ (1)" in dopamine  # equation number kept beside the display maths
    # 413 equation elements in the XHTML page; LaTeXML's "%"+newline wraps are undone
    chow = [p for s in docs["arxiv_html/1311.0066.html"].sections for p in s.paragraphs]
    assert sum(p.count("$$") for p in chow) // 2 == 223
    assert not any(re.search(r"(?<!\\)%", p) for p in chow)
    # arXiv Vanity (MathJax) pages: TeX from aria-label
    vanity = whole_text(docs["arxiv_html/1708.00137.html"])
    assert r"$$\forall a,M,P:" in vanity
    # inline maths
    assert r"up to 2.19$\times$ faster" in docs["arxiv_html_modern/2512.14946.html"].abstract


def test_xhtml_page_with_xml_prolog(docs: dict[str, Document]) -> None:
    doc = docs["arxiv_html/1311.0066.html"]
    assert [s.number for s in doc.sections[:3]] == ["1", "2", "2.1"]
    assert doc.sections[0].heading == "Introduction"
    assert len(doc.sections) == 15


def test_numbers_headings_and_appendix(docs: dict[str, Document]) -> None:
    sections = docs["arxiv_html_modern/2410.00260.html"].sections
    datasets = next(s for s in sections if s.heading == "Datasets")
    assert (datasets.number, datasets.level, datasets.appendix) == ("A", 1, True)
    assert next(s for s in sections if s.number == "3.5").heading == "Ablation study"
    tumbler = docs["arxiv_html/1307.8133.html"].sections
    assert [(s.number, s.level) for s in tumbler[2:4]] == [("III", 1), ("III.1", 2)]
    vllm = docs["arxiv_html_modern/2601.19139.html"].sections
    assert any(s.level == 3 and s.heading == "Key differentiators" for s in vllm)


def test_captions_tables_and_boxes(docs: dict[str, Document]) -> None:
    sections = docs["arxiv_html_modern/2410.00260.html"].sections
    ablation = next(s for s in sections if s.number == "3.5")
    assert "Table 4: Accuracy on healthcare evaluation datasets in zero- and five-shot evaluation settings" in ablation.captions
    table4 = next(t for t in ablation.tables if t.startswith("Dataset\tbaseline\tDOP-healthcare"))
    assert "Anatomy\t15.0\t23.5\t18.3\t27.2" in table4.splitlines()
    methodology = next(s for s in sections if s.number == "2")
    assert methodology.captions[0].startswith("Algorithm 1 Seed guided automated data curation")
    assert methodology.tables[0].startswith("1: Input Documents $D$")  # algorithm listing
    panels = next(s for s in sections if s.number == "B").captions
    assert panels[:3] == ["(a) Classifier confusion matrix", "(b) Agreement between LLM judge and classifier",
                          "Figure 4: Results comparison"]
    # uncaptioned old-style figures keep their text as the caption
    astro = [c for s in docs["arxiv_html/astro-ph_9710163.html"].sections for c in s.captions]
    assert astro[0].startswith(r"HST GHRS spectra of the interstellar O I $\lambda$1355.598")


def test_footnotes_collected_not_inline(docs: dict[str, Document]) -> None:
    doc = docs["arxiv_html_modern/2512.14946.html"]
    assert doc.footnotes[0] == "Equal contribution"
    kv = next(f for f in doc.footnotes if f.startswith("KV cache eviction, in this work, means"))
    assert not any(kv[:40] in p for s in doc.sections for p in s.paragraphs)
    tumbler = docs["arxiv_html/1307.8133.html"].footnotes
    assert tumbler[0] == "For particle-particle and particle-wall interactions."  # no "1" mark


def test_watermark_dropped(docs: dict[str, Document]) -> None:
    assert "arXiv:2410.00260v2" not in whole_text(docs["arxiv_html_modern/2410.00260.html"])


def test_no_html_page_raises(fixtures_dir: Path) -> None:
    page = (fixtures_dir / "arxiv_html_modern/no_html_2601.17668.html").read_bytes()
    with pytest.raises(NoHTMLError, match="No HTML for '2601.17668'"):
        parse_html(page, "2601.17668")


def test_page_without_latexml_document_raises(fixtures_dir: Path) -> None:
    with pytest.raises(NoHTMLError, match="ltx_document"):
        parse_html((fixtures_dir / "arxiv_abs/2401.02954.html").read_text())


ABS = {
    "2401.02954": ("DeepSeek LLM: Scaling Open-Source Language Models with Longtermism",
                   "The rapid development of open-source large language models"),
    "2106.09608": ("Learning Knowledge Graph-based World Models of Textual Environments",
                   "World models improve a learning agent's ability"),
    "2004.10162": ("EMPIR: Ensembles of Mixed Precision Deep Networks for Increased Robustness against Adversarial Attacks",
                   "Ensuring robustness of Deep Neural Networks (DNNs) is crucial to their adoption"),
}


@pytest.mark.parametrize("arxiv_id", ABS)
def test_parse_abs(fixtures_dir: Path, arxiv_id: str) -> None:
    doc = parse_abs((fixtures_dir / f"arxiv_abs/{arxiv_id}.html").read_bytes())
    title, abstract = ABS[arxiv_id]
    assert (doc.arxiv_id, doc.title, doc.source, doc.sections) == (arxiv_id, title, "ArXiv Abs", [])
    assert doc.abstract.startswith(abstract)
    assert "\n" not in doc.abstract and not doc.abstract.startswith("Abstract")


def test_parse_abs_without_meta_abstract_uses_blockquote(fixtures_dir: Path) -> None:
    # the 2020-era page has no citation_abstract meta tag
    doc = parse_abs((fixtures_dir / "arxiv_abs/2004.10162.html").read_bytes())
    assert doc.abstract.endswith("without sacrificing accuracy on the unperturbed inputs.")


def test_parse_abs_rejects_other_pages(fixtures_dir: Path) -> None:
    with pytest.raises(NotAbsPageError, match="not an arXiv abstract page"):
        parse_abs((fixtures_dir / "arxiv_html_modern/no_html_2601.17668.html").read_bytes())
