"""Parse arXiv pages into a :class:`~hfdaily.models.Document`. Pure functions, no I/O.

* :func:`parse_html` reads LaTeXML full-text HTML (``arxiv.org/html/<id>``, ar5iv, arXiv
  Vanity): title, abstract, and the sections flattened in document order, with maths as
  TeX taken from ``<math alttext>`` (never the MathML), captions, tables and footnotes.
* :func:`parse_abs` reads the abstract page (``arxiv.org/abs/<id>``).

selectolax (lexbor) is used because it parses a 1 MB page in milliseconds; the walk below
only descends into prose, so the MathML and MathJax soup is never visited.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from selectolax.lexbor import LexborHTMLParser, LexborNode

from hfdaily.errors import SourceError
from hfdaily.models import Document, Section, normalise_text


class FulltextError(SourceError, ValueError):
    """A page is not what the parser expects."""


class NoHTMLError(FulltextError):
    """arXiv has no full-text HTML for this paper (or the page is not a LaTeXML document)."""


class NotAbsPageError(FulltextError):
    """The page is not an arXiv abstract page."""


# Section-like containers and the level they get in the flattened list.
_SECTION_LEVELS = {
    "ltx_chapter": 1,
    "ltx_section": 1,
    "ltx_appendix": 1,
    "ltx_acknowledgements": 1,
    "ltx_subsection": 2,
    "ltx_subsubsection": 3,
    "ltx_paragraph": 3,
    "ltx_subparagraph": 3,
}
# Never text: chrome, metadata, references, and LaTeXML's markers for undefined macros.
_DROP_CLASSES = {
    "ltx_bibliography",
    "ltx_authors",
    "ltx_date",
    "ltx_keywords",
    "ltx_classification",
    "ltx_rdf",
    "ltx_pagination",
    "ltx_TOC",
    "ltx_toclist",
    "ltx_page_navbar",
    "ltx_page_header",
    "ltx_page_footer",
    "ltx_note_mark",
    "ltx_note_type",
    "ltx_tag_note",
    "ltx_listing_data",
    "ltx_ERROR",
}
_DROP_TAGS = {"script", "style", "noscript", "nav", "header", "footer", "button", "form",
              "img", "template", "iframe", "-comment"}
# Elements that end a run of text: a space keeps "word</p><p>Next" apart.
_BLOCK_TAGS = {"p", "div", "li", "ul", "ol", "dl", "dt", "dd", "br", "tr", "td", "th",
               "table", "blockquote", "pre", "section", "article", "h1", "h2", "h3", "h4",
               "h5", "h6", "figure", "figcaption"}
# Phrasing elements written straight into a section belong to one running paragraph.
_INLINE_TAGS = {"span", "a", "em", "i", "b", "strong", "cite", "sup", "sub", "math", "small",
                "code", "tt", "u", "s", "abbr", "q"}
_FLOAT_CLASSES = {"ltx_figure", "ltx_table", "ltx_float"}
_FOOTNOTE_ROLES = ("ltx_role_footnote", "ltx_role_footnotetext", "ltx_role_endnote")
_MATHJAX_CLASSES = {"ltx_Math", "ltx_DisplayMath"}  # arXiv Vanity renders maths with MathJax

# XHTML pages (old LaTeXML) write empty elements as <div/>; an HTML parser reads that as an
# open <div> and nests the rest of the paper inside it. Void elements are left alone.
_XHTML_EMPTY = re.compile(
    r"<(?!(?:area|base|br|col|embed|hr|img|input|link|meta|source|track|wbr)\b)"
    r"([A-Za-z][\w:.-]*)(\s[^<>]*?)?\s*/>"
)


_TEX_WRAP = re.compile(r"(?<!\\)%[ \t]*\r?\n\s*")


def _squash(text: str) -> str:
    """All runs of whitespace (any Unicode space, newlines) become one space."""
    return " ".join(text.split())


def _classes(node: LexborNode) -> list[str]:
    return (node.attributes.get("class") or "").split()


def _children(node: LexborNode) -> Iterator[LexborNode]:
    return node.iter(include_text=False)


def _decode(html: str | bytes) -> str:
    text = html.decode("utf-8", errors="replace") if isinstance(html, bytes) else html
    head = text[:400]
    if head.lstrip().startswith("<?xml") or "XHTML" in head:
        text = _XHTML_EMPTY.sub(r"<\1\2></\1>", text)
    return text


class _Reader:
    """One walk over one ltx_document; collects footnotes on the side."""

    def __init__(self) -> None:
        self.footnotes: list[str] = []

    # --- inline text -------------------------------------------------------------------

    def text(self, node: LexborNode) -> str:
        """Whitespace-normalised text of ``node``, maths as TeX, footnotes set aside."""
        out: list[str] = []
        self._walk(node, out, section=None)
        return _squash("".join(out))

    def _walk(self, node: LexborNode, out: list[str], section: Section | None) -> None:
        """Append the text under ``node`` to ``out``; floats and tables go to ``section``."""
        for child in node.iter(include_text=True):
            self._emit(child, out, section)

    def _emit(self, node: LexborNode, out: list[str], section: Section | None) -> None:
        tag = node.tag
        if tag == "-text":
            out.append(node.text_content or "")
            return
        if tag in _DROP_TAGS:
            return
        classes = _classes(node)
        if _DROP_CLASSES.intersection(classes):
            return
        if tag == "math":
            out.append(_math(node))
        elif tag == "span" and _MATHJAX_CLASSES.intersection(classes):
            out.append(_mathjax(node, display="ltx_DisplayMath" in classes))
        elif ("ltx_equation" in classes or "ltx_equationgroup" in classes) and tag != "tr":
            out.append(f" {_equation(node)} ")
        elif "ltx_note" in classes:
            self._footnote(node, classes)
        elif section is not None and (tag == "figure" or _FLOAT_CLASSES.intersection(classes)):
            self._float(node, section)
        elif section is not None and ("ltx_tabular" in classes or "ltx_listing" in classes):
            box = self._box(node)
            if box:
                section.tables.append(box)
        else:
            block = tag in _BLOCK_TAGS or "ltx_p" in classes
            if block:
                out.append(" ")
            self._walk(node, out, section)
            if block:
                out.append(" ")

    def _footnote(self, note: LexborNode, classes: list[str]) -> None:
        if not any(role in classes for role in _FOOTNOTE_ROLES):
            return  # \thanks, affiliations: author-block material
        content = note.css_first(".ltx_note_content") or note
        text = self.text(content)
        if text and text not in self.footnotes:
            self.footnotes.append(text)

    # --- floats: figures, tables, algorithms --------------------------------------------

    def _float(self, node: LexborNode, section: Section) -> None:
        """Captions (sub-figure panels too) and table-like content of one float."""
        if node.tag == "figure" and node.css_first("figcaption, .ltx_caption") is None:
            # Old LaTeXML: an uncaptioned figure whose text stands in as its caption.
            text = " ".join(self.text(p) for p in _children(node) if "ltx_p" in _classes(p))
            if text.strip():
                section.captions.append(_squash(text))
        for child in _children(node):
            tag, classes = child.tag, _classes(child)
            if tag in _DROP_TAGS or _DROP_CLASSES.intersection(classes):
                continue
            if tag == "figcaption" or "ltx_caption" in classes:
                caption = self.text(child)
                if caption:
                    section.captions.append(caption)
            elif tag == "figure" or _FLOAT_CLASSES.intersection(classes):
                self._float(child, section)
            elif "ltx_tabular" in classes or "ltx_listing" in classes or tag == "pre":
                box = self._box(child)
                if box:
                    section.tables.append(box)
            else:  # wrappers: flex cells, inline blocks, svg > foreignObject
                self._float(child, section)

    def _box(self, node: LexborNode) -> str:
        """A table, algorithm listing or verbatim box as text: cells by tabs, rows by newlines."""
        classes = _classes(node)
        if "ltx_tabular" in classes:
            rows = ("\t".join(self.text(cell) for cell in _cells(row)) for row in _rows(node))
            return "\n".join(row for row in rows if row.strip())
        if "ltx_listing" in classes:
            lines = node.css(".ltx_listingline") or [node]
            return "\n".join(filter(None, (self.text(line) for line in lines)))
        lines = (_squash(line) for line in node.text(deep=True).splitlines())
        return "\n".join(line for line in lines if line)

    # --- sections ----------------------------------------------------------------------

    def sections(self, node: LexborNode, level: int, appendix: bool) -> list[Section]:
        """This section and its subsections, flattened in document order."""
        title = next((c for c in _children(node) if "ltx_title" in _classes(c)), None)
        heading, number = self._heading(title) if title is not None else ("", None)
        title_id = title.mem_id if title is not None else None
        if "ltx_acknowledgements" in _classes(node) and not heading:
            heading = "Acknowledgements"
        appendix = appendix or "ltx_appendix" in _classes(node) or heading.lower().startswith("appendix")
        section = Section(heading=heading, number=number, level=level, appendix=appendix)
        flat = [section]
        loose: list[str] = []  # text written straight into the section (acknowledgements)
        for child in node.iter(include_text=True):
            if child.tag == "-text" or child.tag in _INLINE_TAGS:
                self._emit(child, loose, section)
                continue
            if child.mem_id == title_id or child.tag in _DROP_TAGS:
                continue
            self._add_paragraph(section, loose)
            classes = _classes(child)
            kind = next((c for c in classes if c in _SECTION_LEVELS), None)
            if kind:
                flat.extend(self.sections(child, _SECTION_LEVELS[kind], appendix))
            elif not _DROP_CLASSES.intersection(classes):
                self._block(child, section)
        self._add_paragraph(section, loose)
        return flat

    @staticmethod
    def _add_paragraph(section: Section, pieces: list[str]) -> None:
        paragraph = _squash("".join(pieces))
        if paragraph:
            section.paragraphs.append(paragraph)
        pieces.clear()

    def _block(self, node: LexborNode, section: Section) -> None:
        classes = _classes(node)
        if node.tag == "figure" or _FLOAT_CLASSES.intersection(classes):
            self._float(node, section)
            return
        if "ltx_note" in classes:
            self._footnote(node, classes)
            return
        out: list[str] = []
        self._emit(node, out, section)
        self._add_paragraph(section, out)

    def _heading(self, title: LexborNode) -> tuple[str, str | None]:
        """``<h2><span class=ltx_tag>Appendix A </span>Datasets</h2>`` → ("Datasets", "A")."""
        full = self.text(title).removesuffix(".")  # run-in titles: "Key differentiators."
        tag = title.css_first(".ltx_tag")
        if tag is None:
            return full, None
        label = _squash(tag.text())
        heading = full[len(label):].strip() if full.startswith(label) else full
        number = re.sub(r"^(appendix|chapter|part)\s+", "", label, flags=re.I).rstrip(".:")
        return heading, number or None


def _rows(table: LexborNode) -> Iterator[LexborNode]:
    """The rows of one tabular, not of tabulars nested in its cells."""
    for child in _children(table):
        if child.tag == "tr" or "ltx_tr" in _classes(child):
            yield child
        elif child.tag in {"thead", "tbody", "tfoot"} or {"ltx_thead", "ltx_tbody", "ltx_tfoot"}.intersection(_classes(child)):
            yield from _rows(child)


def _cells(row: LexborNode) -> Iterator[LexborNode]:
    return (c for c in _children(row) if c.tag in {"td", "th"} or "ltx_td" in _classes(c))


def _tex(node: LexborNode) -> str:
    """TeX source of a ``<math>``: its alttext, else the TeX annotation, else its text."""
    alttext = node.attributes.get("alttext")
    if alttext is None:
        annotation = node.css_first('annotation[encoding="application/x-tex"]')
        alttext = annotation.text() if annotation is not None else node.text()
    # LaTeXML wraps long alttext with "%" + newline; squashed, that "%" would comment out the rest.
    return _squash(_TEX_WRAP.sub("", alttext))


def _math(node: LexborNode) -> str:
    tex = _tex(node)
    if not tex:
        return ""
    return f" $${tex}$$ " if node.attributes.get("display") == "block" else f"${tex}$"


def _mathjax(node: LexborNode, display: bool) -> str:
    """arXiv Vanity pages keep the TeX in MathJax's ``aria-label``."""
    label = node.css_first(".mjx-math[aria-label]")
    tex = _squash(label.attributes.get("aria-label") or "") if label is not None else _squash(node.text())
    if not tex:
        return ""
    return f" $${tex}$$ " if display else f"${tex}$"


def _equation(node: LexborNode) -> str:
    """A display equation (or aligned group): one ``$$row$$ (n)`` per row, pieces joined."""
    rows = node.css("tr") or [node]
    rendered = []
    for row in rows:
        pieces = []
        for math in row.css("math, span.ltx_Math, span.ltx_DisplayMath"):
            if math.tag == "math":
                pieces.append(_tex(math))
            else:
                pieces.append(_mathjax(math, display=False).strip().strip("$"))
        tex = " ".join(p for p in pieces if p)
        if not tex:
            continue
        tag = row.css_first(".ltx_tag_equation")
        number = _squash(tag.text()) if tag is not None else ""
        rendered.append(f"$${tex}$$ {number}".strip())
    return " ".join(rendered)


def parse_html(html: str | bytes, arxiv_id: str | None = None) -> Document:
    """Read a LaTeXML full-text page; raises :class:`NoHTMLError` when there is none."""
    tree = LexborHTMLParser(_decode(html))
    root = tree.css_first(".ltx_document")
    who = f"arXiv {arxiv_id}" if arxiv_id else "this page"
    if root is None:
        h1 = tree.css_first("h1")
        said = _squash(h1.text()) if h1 is not None else ""
        if said.startswith("No HTML for"):
            raise NoHTMLError(f"arXiv has no HTML full text for {who} (page says: {said!r})")
        raise NoHTMLError(
            f"{who} is not a LaTeXML full-text page (no element with class 'ltx_document')"
        )
    reader = _Reader()
    title, abstract, sections = "", "", []
    loose: Section | None = None  # text outside any section (letters without \section)
    for child in _children(root):
        classes = _classes(child)
        kind = next((c for c in classes if c in _SECTION_LEVELS), None)
        if "ltx_title_document" in classes:
            title = reader.text(child)
        elif "ltx_abstract" in classes:
            paragraphs = (reader.text(p) for p in _children(child)
                          if "ltx_title" not in _classes(p))
            abstract = "\n\n".join(p for p in paragraphs if p)
        elif kind:
            sections.extend(reader.sections(child, _SECTION_LEVELS[kind], appendix=False))
            loose = None
        elif child.tag in _DROP_TAGS or _DROP_CLASSES.intersection(classes) or child.tag in {"h1", "h2", "h3", "h4", "h5", "h6"}:
            continue
        else:
            if loose is None:
                loose = Section(heading="")
                sections.append(loose)
            reader._block(child, loose)
    sections = [s for s in sections if s.heading or s.paragraphs or s.captions or s.tables]
    if not abstract and sections and sections[0].heading.lower().rstrip(".") == "abstract":
        abstract = "\n\n".join(sections.pop(0).paragraphs)
    return Document(
        arxiv_id=arxiv_id,
        title=title,
        abstract=abstract,
        sections=sections,
        footnotes=reader.footnotes,
        source="HTML",
    )


def parse_abs(html: str | bytes) -> Document:
    """Read an arXiv abstract page (``/abs/<id>``): title and abstract, no sections."""
    tree = LexborHTMLParser(html.decode("utf-8", errors="replace") if isinstance(html, bytes) else html)

    def meta(name: str) -> str:
        node = tree.css_first(f'meta[name="{name}"]')
        return normalise_text(node.attributes.get("content") or "") if node is not None else ""

    title = meta("citation_title")
    abstract = meta("citation_abstract")
    if not abstract:
        quote = tree.css_first("blockquote.abstract")
        if quote is not None:
            for descriptor in quote.css("span.descriptor"):
                descriptor.decompose()
            abstract = normalise_text(quote.text())
    if not title or not abstract:
        raise NotAbsPageError(
            "not an arXiv abstract page: expected a citation_title meta tag and an abstract "
            "(citation_abstract meta tag or blockquote.abstract)"
        )
    return Document(
        arxiv_id=meta("citation_arxiv_id") or None,
        title=title,
        abstract=abstract,
        source="ArXiv Abs",
    )
