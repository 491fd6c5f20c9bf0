"""How a paper is cited: the one generator of its BibTeX and RIS, and the Highwire tags reference managers read.

Zotero's connector (its "Embedded Metadata" translator) reads ``citation_*`` meta tags as Google
Scholar defines them; arXiv's own abstract pages carry the same set, so a paper saved from our page
lands in Zotero as it would from arXiv. BibTeX follows arXiv's export (``@misc`` with ``eprint``);
RIS is what EndNote, Mendeley and Zotero import. The site writes both as files next to the paper
page (``papers/ID.bib``, ``papers/ID.ris``) and embeds the BibTeX where a copy button needs it, so
no citation is ever composed twice (there is no JavaScript copy of this code).
"""

from __future__ import annotations

import re
import unicodedata

from hfdaily.make.formulas import to_plain
from hfdaily.models import Paper

ARXIV_PDF_URL = "https://arxiv.org/pdf/{}"
ARXIV_DOI = "10.48550/arXiv.{}"  # DataCite DOIs arXiv registers for every paper
_ASCII_WORD = re.compile(r"[A-Za-z]+")


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def citation_key(paper: Paper) -> str:
    """``lastname + year + first long title word`` (as Google Scholar keys), else ``arxivYYMMNNNNN``."""
    words = _ASCII_WORD.findall(_ascii(paper.authors[0])) if paper.authors else []
    first_word = next((w.lower() for w in _ASCII_WORD.findall(paper.title) if len(w) > 3), "")
    if not words:
        return f"arxiv{paper.id.replace('.', '')}"
    return f"{words[-1].lower()}{paper.published_at.year}{first_word}"


def bibtex(paper: Paper) -> str:
    """A BibTeX entry as arXiv's own export writes it (@misc with eprint/archivePrefix)."""
    def clean(text: str) -> str:  # a brace in a title would end the field
        return text.replace("{", "(").replace("}", ")")

    authors = " and ".join(clean(a) for a in paper.authors) or "Anonymous"
    return (f"@misc{{{citation_key(paper)},\n  title={{{clean(paper.title)}}},\n  author={{{authors}}},\n"
            f"  year={{{paper.published_at.year}}},\n  eprint={{{paper.id}}},\n  archivePrefix={{arXiv}},\n"
            f"  url={{https://arxiv.org/abs/{paper.id}}}\n}}")


def ris(paper: Paper) -> str:
    """An RIS record (tags ``XX  - value``, CRLF line ends as the format asks); a preprint is ``GEN``
    with arXiv as publisher, its DOI and the PDF link, which EndNote, Mendeley and Zotero all import."""
    lines = [("TY", "GEN"), ("TI", to_plain(paper.title))]  # formulas as their characters: RIS is plain text
    lines += [("AU", author) for author in paper.authors]
    lines += [("PY", str(paper.published_at.year)), ("DA", paper.published_at.strftime("%Y/%m/%d")),
              ("PB", "arXiv"), ("DO", ARXIV_DOI.format(paper.id)), ("UR", paper.arxiv_url),
              ("L1", ARXIV_PDF_URL.format(paper.id)), ("AB", to_plain(paper.summary)), ("M1", f"arXiv:{paper.id}")]
    lines += [("KW", keyword) for keyword in paper.ai_keywords]
    lines.append(("ER", ""))
    return "".join(f"{tag}  - {' '.join(value.split())}\r\n" for tag, value in lines)


def highwire(paper: Paper) -> list[tuple[str, str]]:
    """(name, content) of the ``<meta name="citation_…">`` tags, one ``citation_author`` per author in order."""
    date = paper.published_at.strftime("%Y/%m/%d")
    tags = [("citation_title", to_plain(paper.title))]  # a formula as its characters, as the page title shows it
    tags += [("citation_author", author) for author in paper.authors]
    tags += [("citation_date", date), ("citation_publication_date", date), ("citation_online_date", date),
             ("citation_publisher", "arXiv"), ("citation_arxiv_id", paper.id),
             ("citation_doi", ARXIV_DOI.format(paper.id)), ("citation_pdf_url", ARXIV_PDF_URL.format(paper.id)),
             ("citation_abstract_html_url", paper.arxiv_url), ("citation_abstract", to_plain(paper.summary))]
    if paper.ai_keywords:
        tags.append(("citation_keywords", "; ".join(paper.ai_keywords)))
    return tags
