"""LaTeX in paper text (titles, abstracts, analyses) → MathML at build time, and → words for speech and search.

Abstracts and model answers write ``$K$``, ``\\(TPP\\)``, ``\\[…\\]``, ``$$…$$``, ``\\textbf{…}`` and
``\\emph{…}``. :func:`to_html` turns a text into escaped HTML where each formula is MathML made by
latex2mathml (no script: it works from ``file://`` and in e-mail; browsers draw MathML natively),
``\\textbf`` is ``<strong>``, ``\\emph``/``\\textit`` ``<em>``, and ``**bold**`` (the analysis marks its
labels that way) ``<strong>``.

Hostile input is bounded and escaped: a formula longer than :data:`MAX_FORMULA` characters, nested
deeper than :data:`MAX_DEPTH` braces, using a command that makes links or definitions (``\\href``,
``\\url``, ``\\def`` …), or that latex2mathml cannot read, is shown as its escaped TeX in ``<code>``;
every MathML element and attribute of latex2mathml's output is checked against a list (no ``href``,
no ``on…``), and a text holds at most :data:`MAX_FORMULAS` rendered formulas.
"""

from __future__ import annotations

import functools
import re

from latex2mathml.converter import convert
from markupsafe import Markup, escape

MAX_FORMULA = 400  # characters of TeX in one formula
MAX_DEPTH = 12  # nested {…} groups
MAX_FORMULAS = 64  # formulas rendered in one text; the rest stay TeX
_REFUSED = re.compile(r"\\(href|url|html\w*|style|class|cssId|require|def|newcommand|renewcommand|let|input|include)"
                      r"(?![A-Za-z])")

# $$…$$, \[…\], \(…\), and $…$ — the last only when it hugs its content ("$5 and $10" is money).
_MATH = re.compile(
    r"\$\$(?P<dd>.+?)\$\$|\\\[(?P<bd>.+?)\\\]|\\\((?P<pi>.+?)\\\)"
    r"|(?<![\\$\w])\$(?=[^\s$])(?P<di>[^$\n]{1,800}?)(?<![\s\\])\$(?![\w$])"
    # …or when it is plainly TeX (a command, ^ or _), even glued to a word: "$\\nabla^2$DFT" (a real title)
    r"|(?<![\\$\w])\$(?=[^\s$])(?P<dw>[^$\n]{0,400}?[\\^_][^$\n]{0,400}?)(?<![\s\\])\$(?!\$)",
    re.S,
)
_TEXT_MACRO = re.compile(r"\\(textbf|emph|textit|texttt|underline|textsc|textrm|text)\{([^{}]{0,400})\}")
_BOLD = re.compile(r"\*\*(.+?)\*\*")
_TAGS = {"textbf": "strong", "emph": "em", "textit": "em", "texttt": "code", "underline": "u"}

_MATHML_ELEMENTS = {
    "math", "mrow", "mi", "mn", "mo", "ms", "mtext", "mspace", "msup", "msub", "msubsup", "mfrac", "msqrt", "mroot",
    "mover", "munder", "munderover", "mtable", "mtr", "mtd", "mstyle", "mpadded", "mphantom", "menclose",
    "mfenced", "merror", "semantics", "annotation", "mmultiscripts", "mprescripts", "none",
}
_MATHML_ATTRIBUTES = {
    "xmlns", "display", "mathvariant", "stretchy", "fence", "separator", "lspace", "rspace", "width", "height",
    "depth", "accent", "accentunder", "movablelimits", "minsize", "maxsize", "symmetric", "largeop",
    "linethickness", "columnalign", "columnspacing", "rowspacing", "columnlines", "rowlines", "frame",
    "form", "notation", "scriptlevel", "displaystyle", "align", "rowalign", "mathsize", "open", "close",
    "separators", "encoding", "columnspan", "rowspan", "voffset", "bevelled", "numalign", "denomalign",
}
_TAG = re.compile(r"<(/?)([A-Za-z][\w:-]*)([^<>]*)>")
_ATTRIBUTE = re.compile(r'\s([\w:-]+)="([^"]*)"')


def _depth(tex: str) -> int:
    depth = deepest = 0
    for char in tex:
        if char == "{":
            depth += 1
            deepest = max(deepest, depth)
        elif char == "}":
            depth -= 1
    return deepest


def _checked(mathml: str) -> str | None:
    """latex2mathml's output if every element and attribute is plain MathML, else None."""
    for match in _TAG.finditer(mathml):
        if match.group(2) not in _MATHML_ELEMENTS:
            return None
        for name, value in _ATTRIBUTE.findall(match.group(3)):
            if name not in _MATHML_ATTRIBUTES or ":" in value.replace("http://www.w3.org", ""):
                return None
        if _ATTRIBUTE.sub("", match.group(3)).strip(" /"):
            return None  # anything but name="value" pairs
    return mathml


@functools.lru_cache(maxsize=4096)
def mathml(tex: str, display: bool = False) -> str | None:
    """MathML for one formula, or None when it is refused (too long, too deep, a link) or unreadable."""
    tex = tex.strip()
    if not tex or len(tex) > MAX_FORMULA or _depth(tex) > MAX_DEPTH or _REFUSED.search(tex):
        return None
    try:
        out = convert(tex, display="block" if display else "inline")
    except Exception:  # noqa: BLE001 — latex2mathml raises many kinds on bad TeX; the TeX is then shown
        return None
    return _checked(out)


def _text_html(text: str) -> str:
    """Escaped prose with \\textbf/\\emph/**bold** as tags."""
    html = str(escape(text))

    def macro(match: re.Match) -> str:
        tag = _TAGS.get(match.group(1))
        return f"<{tag}>{match.group(2)}</{tag}>" if tag else match.group(2)

    html = _TEXT_MACRO.sub(macro, html)  # the argument is already escaped
    return _BOLD.sub(lambda m: f"<strong>{m.group(1)}</strong>", html)


def _formula(match: re.Match) -> tuple[str, bool]:
    for name, display in (("dd", True), ("bd", True), ("pi", False), ("di", False), ("dw", False)):
        if match.group(name) is not None:
            return match.group(name), display
    raise AssertionError("one group always matches")


def to_html(text: str | None) -> Markup:
    """``text`` as safe HTML with its formulas as MathML (see the module's rules)."""
    if not text:
        return Markup("")
    parts: list[str] = []
    rendered, last = 0, 0
    for match in _MATH.finditer(text):
        parts.append(_text_html(text[last:match.start()]))
        tex, display = _formula(match)
        made = mathml(tex, display) if rendered < MAX_FORMULAS else None
        if made is not None:
            rendered += 1
            parts.append(made)
        else:
            parts.append(f'<code class="tex">{escape(tex.strip())}</code>')
        last = match.end()
    parts.append(_text_html(text[last:]))
    return Markup("".join(parts))


_MATHML_TEXT = re.compile(r"<[^>]+>")
_ENTITY = re.compile(r"&#x([0-9A-Fa-f]+);")


def _formula_words(tex: str, limit: int) -> str:
    """The characters a formula shows (α, K+1, x²…), when it is short enough to read; else ""."""
    made = mathml(tex)
    if made is None:
        return ""
    shown = _ENTITY.sub(lambda m: chr(int(m.group(1), 16)), _MATHML_TEXT.sub("", made))
    shown = " ".join(shown.split())
    return shown if len(shown) <= limit else ""


def to_plain(text: str, limit: int = 1000) -> str:
    """Text with formulas as the characters they show and text macros unwrapped (search, cards):
    ``\\(TPP\\)`` → ``TPP``, ``$\\alpha$`` → ``α``, ``\\textbf{x}`` → ``x``."""
    text = _MATH.sub(lambda m: _formula_words(_formula(m)[0], limit) or _formula(m)[0].strip(), text)
    return _TEXT_MACRO.sub(lambda m: m.group(2), text)


def unwrap_text_macros(text: str) -> str:
    """``\\textbf{fast}`` → ``fast`` (prose, not maths: read and indexed as its words)."""
    return _TEXT_MACRO.sub(lambda m: m.group(2), text)


def to_speech(text: str) -> str:
    """Text for the voice: a short formula is read as the characters it shows (``K``, ``α``); a
    long one is skipped (said as 公式)."""
    text = _MATH.sub(lambda m: _formula_words(_formula(m)[0], 12) or "公式", text)
    return _TEXT_MACRO.sub(lambda m: m.group(2), text)
