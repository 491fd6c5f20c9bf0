"""Pure rendering: a day record (+ what was drawn and spoken) → Markdown and HTML text.

Markdown follows the seed documents line for line; HTML is rendered from the same data with
autoescaping on, so paper text can never inject markup into the page. Markdown is as safe: every
value printed into a Markdown template is escaped (``finalize``) — HTML tags and entities shown as
text, link/image brackets made literal, line breaks flattened so a field can never start a heading
or a list — and link targets go through ``md_url`` (http(s) only). Markdown is read in many
viewers besides GitHub, and not all of them sanitise.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from urllib.parse import quote, urlsplit

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from hfdaily.make.figures import ShownFigure
from hfdaily.make.formulas import to_html
from hfdaily.make.icons import icon
from hfdaily.models import DayRecord
from hfdaily.outputs import Outputs


def safe_url(url: str | None) -> str:
    """Only http(s) links from third-party metadata become hrefs (no ``javascript:``)."""
    return url if url and urlsplit(url).scheme in ("http", "https") else "#"


class MdLink(str):
    """A link target already made safe by ``md_url``: printed as it is."""


_MD_SPECIAL = re.compile(r"[<>\[\]\\]|&(?=#?\w+;)")
# What makes a line a heading, quote, table, list or rule; "**bold**" at the start stays bold.
_MD_BLOCK_START = re.compile(r"^(?:[#>=|]|[-+*](?=\s)|-{2,}|\d+[.)])")


def md_text(value: object) -> object:
    """Paper or LLM text as literal Markdown: one line, no HTML, no links, no block syntax."""
    if not isinstance(value, str) or isinstance(value, MdLink):
        return value
    text = " ".join(value.split())
    text = _MD_SPECIAL.sub(lambda m: {"<": "&lt;", ">": "&gt;", "&": "&amp;"}.get(m.group(), "\\" + m.group()), text)
    if start := _MD_BLOCK_START.match(text):  # "1." → "1\\." and "#" → "\\#": literal, not a list or heading
        mark = start.group()
        return mark[:-1] + "\\" + mark[-1] + text[len(mark):]
    return text


def md_url(url: str | None) -> MdLink:
    """A link target for Markdown: http(s) only (else "#"), with the characters that could end the
    link or start markup percent-encoded."""
    return MdLink(quote(safe_url(url), safe=":/?#@!$&'*+,;=%~-._"))


def md_path(path: str) -> MdLink:
    """A relative link to one of our own files (pictures, audio, the report)."""
    return MdLink(quote(path, safe="/#%-._~"))
def bold(text: str) -> Markup:
    """``**核心数据集**：…`` → escaped text with <strong> (the analysis marks labels and key numbers),
    its LaTeX (``$K$``, ``\\(TPP\\)``, ``\\textbf{}``) as MathML and tags (make/formulas.py)."""
    return to_html(text)


def source_label(source: str | None) -> str:
    """阅读来源 as the seed writes it; "HF" means neither arXiv page could be read."""
    return {"HF": "HuggingFace Abs", None: "—"}.get(source, source or "—")


def _env(autoescape: bool) -> Environment:
    env = Environment(loader=PackageLoader("hfdaily", "templates"), autoescape=autoescape,
                      trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True, undefined=StrictUndefined,
                      finalize=None if autoescape else md_text)
    env.filters["safe_url"] = safe_url
    env.filters["md_url"] = md_url
    env.filters["md_path"] = md_path
    env.filters["bold"] = bold
    env.filters["tex"] = to_html  # titles and abstracts: formulas as MathML
    env.globals["source_label"] = source_label
    env.globals["icon"] = icon  # HTML headings: drawn icons, not emoji (boxes where no emoji font is installed)
    return env


_MD, _HTML = _env(False), _env(True)
LOGO = "assets/hf-logo.svg"  # OUT/assets/: shipped with the package and copied beside the pages, no hotlinking


def ship_assets(outputs: Outputs) -> list[Path]:
    """Copy the HF logo the pages show into ``OUT/assets`` (when missing or changed). It is the
    site's own drawing (publish/static/logo.svg): one picture of the logo in the package."""
    from hfdaily.archive.record import write_if_changed

    data = resources.files("hfdaily").joinpath("publish", "static", "logo.svg").read_bytes()
    return [outputs.logo] if write_if_changed(outputs.logo, data) else []


_BLANKS = re.compile(r"\n{5,}")


@dataclass
class Extras:
    """Links to the day's other artefacts, relative to the page; only those that exist."""

    images: dict[str, str] = field(default_factory=dict)  # wordcloud / trend / poster → href
    audio: str | None = None
    hot_fields: list[tuple[str, int]] = field(default_factory=list)
    untranslated: str = ""  # why nothing is translated ("" when something is), shown in the banner
    llm_ran: bool = True  # False with --no-llm: untranslated papers are not "pending", they were not asked for
    has_report: bool = False
    github_url: str = ""  # omitted from the pages when unset
    feed_href: str = "../feed.xml"
    report_md_href: str = ""  # set from the output map; "" = ../reports/DATE.md
    report_html_href: str = ""
    logo_href: str = f"../{LOGO}"  # pages one folder down (newsletters/, reports/)
    figures: dict[str, ShownFigure] = field(default_factory=dict)  # paper id → its key figure (files that exist)


def _context(record: DayRecord, extras: Extras) -> dict:
    date = record.date.isoformat()
    return {
        "date": date, "papers": record.papers, "images": extras.images, "audio": extras.audio,
        "hot_fields": extras.hot_fields, "untranslated": extras.untranslated, "llm_ran": extras.llm_ran,
        "github_url": extras.github_url, "feed_href": extras.feed_href,
        "report_href": extras.report_md_href or f"../reports/{date}.md",
        "report_html_href": extras.report_html_href or f"../reports/{date}.html",
        "logo_href": extras.logo_href, "figures": extras.figures,
    }


def newsletter_md(record: DayRecord, extras: Extras) -> str:
    return _BLANKS.sub("\n\n\n\n", _MD.get_template("newsletter.md.j2").render(_context(record, extras)))


def newsletter_html(record: DayRecord, extras: Extras) -> str:
    return _HTML.get_template("newsletter.html.j2").render(_context(record, extras))


def report_md(record: DayRecord, extras: Extras | None = None) -> str:
    return _MD.get_template("report.md.j2").render(_context(record, extras or Extras()))


def report_html(record: DayRecord, extras: Extras) -> str:
    return _HTML.get_template("report.html.j2").render(_context(record, extras))


def index_html(days: list[dict], extras: Extras) -> str:
    return _HTML.get_template("index.html.j2").render(days=days, github_url=extras.github_url, feed_href="feed.xml",
                                                      logo_href=extras.logo_href)
