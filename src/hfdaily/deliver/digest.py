"""What a channel receives for a day: the papers it wants, in its order, rendered for its kind.

Pure: a day record and a channel's options in, text out; links follow the site's fixed layout
(``{site}/papers/ID.html``, ``{site}/days/D.html``, ``{site}/audio/D.mp3``) and fall back to
Hugging Face when no site URL is configured. Nothing here touches the network.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import cache
from pathlib import Path
from typing import Literal

from jinja2 import Environment, PackageLoader, StrictUndefined
from pydantic import BaseModel

from hfdaily.deliver.channels import ChannelOptions
from hfdaily.fields import classify, hot_fields
from hfdaily.make.figures import has_files as has_figure_files
from hfdaily.make.render import MdLink, bold, md_url
from hfdaily.models import DayRecord, PaperEntry
from hfdaily.outputs import Outputs
from hfdaily.make.formulas import to_plain
from hfdaily.text import plain

Kind = Literal["markdown", "text", "email"]

CHAT_TOP = 5  # a chat message is read on a phone: five papers, then a link to the rest
_SENTENCE_END = re.compile(r"(?<=[。！？!?])")
_BOLD = re.compile(r"\*\*(.+?)\*\*")


class DigestItem(BaseModel):
    id: str
    title: str  # Chinese when translated
    title_en: str
    contribution: str
    summary: str  # Chinese abstract, else the English one (e-mail only)
    link: str  # the site's paper page, else HF
    hf_url: str
    arxiv_url: str
    upvotes: int
    fields: list[str]
    followed: list[str] = []  # what the reader follows that this paper matches
    why: str = ""  # with a channel profile: why it is recommended (the liked paper or term it is nearest to)
    figure: str | None = None  # the key figure's thumbnail on the published site (e-mail), when it has one
    figure_alt: str = ""


class Digest(BaseModel):
    date: dt.date
    total: int  # papers of the day
    matching: int  # papers this channel would list without ``top``
    hot_fields: list[str]
    items: list[DigestItem]
    day_url: str
    audio_url: str | None = None
    poster: Path | None = None  # inline in e-mail
    untranslated: bool = False
    site_url: str = ""

    @property
    def title(self) -> str:
        return f"Hugging Face 论文日报 {self.date}（{self.total} 篇）"

    @property
    def more(self) -> int:
        return self.matching - len(self.items)


def contribution_of(entry: PaperEntry) -> str:
    """The one-line contribution: the analysis's, else the first sentence of the abstract."""
    if entry.analysis is not None:
        return entry.analysis.contribution.strip()
    text = entry.translation.summary_zh if entry.translation else (entry.paper.ai_summary or entry.paper.summary)
    first = _SENTENCE_END.split(text.strip(), maxsplit=1)[0].strip()
    return first if len(first) <= 120 else first[:118].rstrip() + "……"


def _followed(entry: PaperEntry, options: ChannelOptions) -> list[str]:
    paper = entry.paper
    haystack = " ".join([paper.title, paper.summary, " ".join(paper.ai_keywords),
                         entry.translation.title_zh if entry.translation else "",
                         entry.translation.summary_zh if entry.translation else ""]).casefold()
    hits = [k for k in options.keywords if k.casefold() in haystack]
    authors = {a.casefold() for a in paper.authors}
    hits += [a for a in options.authors if a.casefold() in authors]
    org = (paper.organization or "").casefold()
    hits += [o for o in options.organisations if org and o.casefold() in org]
    return hits


def _figure(entry: PaperEntry, site: str, out: Path | None) -> dict:
    """The key figure's thumbnail as the site serves it: linked by its public address (a remote
    image costs the message ~200 bytes; mail clients that block images show the alt text)."""
    if not site or out is None or entry.figure is None or not has_figure_files(Outputs(out), entry.paper.id):
        return {}
    thumb = Outputs(out).figure(entry.paper.id, "thumb").name
    return {"figure": f"{site}/images/figures/{thumb}", "figure_alt": f"{entry.figure.label}：{entry.figure_caption}"}


def build_digest(record: DayRecord, options: ChannelOptions, kind: Kind, *, site_url: str = "",
                 out: Path | None = None, ranking: dict | None = None) -> Digest:
    """Select and order the papers for one channel: followed first, then by upvotes (HF's order on ties).

    With ``ranking`` (paper id → :class:`hfdaily.rank.recommend.Recommendation`, for a channel with a
    profile): papers are in the profile's order, folded ones (negative keyword, below the threshold)
    are left out, and each says why."""
    site = site_url.rstrip("/")
    day = record.date.isoformat()
    chosen = []
    for position, entry in enumerate(record.papers):
        fields = entry.fields or classify(entry)
        if options.fields and not set(fields) & set(options.fields):
            continue
        followed = _followed(entry, options)
        if options.only_followed and not followed:
            continue
        if ranking is not None:
            mine = ranking.get(entry.paper.id)
            if mine is None or mine.folded:
                continue
            chosen.append((0, -mine.score, position, entry, fields, followed))
        else:
            chosen.append((not followed, -entry.paper.upvotes, position, entry, fields, followed))
    chosen.sort(key=lambda row: row[:3])
    top = options.top or (CHAT_TOP if kind != "email" else len(chosen))
    items = [
        DigestItem(
            id=entry.paper.id,
            title=entry.translation.title_zh if entry.translation else entry.paper.title,
            title_en=entry.paper.title,
            contribution=contribution_of(entry),
            summary=entry.translation.summary_zh if entry.translation else entry.paper.summary,
            link=f"{site}/papers/{entry.paper.id}.html" if site else entry.paper.hf_url,
            hf_url=entry.paper.hf_url,
            arxiv_url=entry.paper.arxiv_url,
            upvotes=entry.paper.upvotes,
            fields=fields,
            followed=followed,
            why=ranking[entry.paper.id].why if ranking is not None else "",
            **_figure(entry, site, out),
        )
        for *_, entry, fields, followed in chosen[:top]
    ]
    audio = out is not None and Outputs(out).audio(record.date).is_file()
    poster = Outputs(out).image(record.date, "poster") if out is not None else None
    return Digest(
        date=record.date,
        total=len(record.papers),
        matching=len(chosen),
        hot_fields=[name for name, _ in hot_fields(record.papers, top=3)],
        items=items,
        day_url=f"{site}/days/{day}.html" if site else f"https://huggingface.co/papers/date/{day}",
        audio_url=f"{site}/audio/{day}.mp3" if site and audio and options.audio else None,
        poster=poster if poster is not None and poster.is_file() and options.poster else None,
        untranslated=not any(e.translation for e in record.papers),
        site_url=site,
    )


# --- rendering -------------------------------------------------------------------------------------


def _md_link_text(text: str) -> str:
    return text.replace("[", "［").replace("]", "］")


# Every chat has its own markup on top of Markdown: Slack's <url|text>, <!channel> and <@U…>,
# Discord's @everyone and <@id>, Feishu's <at user_id="all">, WeCom's <@userid> and <font>, Telegram's
# HTML and MarkdownV2, DingTalk's @mobile. Text from HF or the model is printed with each of these
# characters as its full-width twin (what Chinese text uses anyway): it reads the same and can no
# longer make a tag, a link, a mention or formatting. A URL inside such text is shown, not linked
# ("https：//"); the only links in a chat message are ours (the site, Hugging Face), http(s) only.
_CHAT_MARKUP = str.maketrans({"<": "＜", ">": "＞", "[": "［", "]": "］", "(": "（", ")": "）", "*": "＊",
                              "_": "＿", "`": "｀", "~": "～", "|": "｜", "@": "＠", "#": "＃", "\\": "＼",
                              "!": "！", "=": "＝", "{": "｛", "}": "｝"})
_SCHEME = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*):(?=//)")


def chat_text(value: object) -> object:
    """Outside text as inert chat text: one line, no markup of any chat, no link, no mention.
    The analysis's own **bold** is kept as our bold."""
    if not isinstance(value, str) or isinstance(value, MdLink):
        return value
    parts = _BOLD.split(" ".join(value.split()))  # text, bold, text, bold, …
    inert = [_SCHEME.sub(r"\1：", part.translate(_CHAT_MARKUP)) for part in parts]
    return "".join(f"**{part}**" if i % 2 and part.strip() else part for i, part in enumerate(inert))


def chat_url(url: str | None) -> MdLink:
    """One of our links (the site, Hugging Face): http(s) only, else none."""
    return md_url(url)


@cache
def _env(autoescape: bool) -> Environment:
    env = Environment(loader=PackageLoader("hfdaily", "templates/deliver"), autoescape=autoescape,
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
                      **({} if autoescape else {"finalize": chat_text}))
    env.filters["chat_url"] = chat_url
    # The analysis writes Markdown bold: plain text drops it, e-mail shows it as <strong> (as the pages do).
    # Chats render no maths: a formula is sent as the characters it shows (\\(O(n^3)\\) → O(n3)).
    env.filters.update(plain=plain, html_inline=bold, md_link_text=_md_link_text, chars=to_plain)
    return env


def render(digest: Digest, kind: Kind, poster_cid: str | None = None) -> str:
    """The message body: Markdown for chats that render it, plain text with bare links, or e-mail HTML."""
    if kind == "email":
        return _env(True).get_template("email.html.j2").render(d=digest, poster_cid=poster_cid)
    template = "digest.md.j2" if kind == "markdown" else "digest.txt.j2"
    return _env(False).get_template(template).render(d=digest).strip() + "\n"


EMAIL_LIMIT = 95_000  # bytes of HTML: Gmail clips a message over 102 KB behind "View entire message"


def render_fitted(digest: Digest, kind: Kind, limit: int | None, poster_cid: str | None = None,
                  in_bytes: bool = False) -> str:
    """Render so that the channel shows the message whole.

    Chats: papers are dropped from the end until it fits ``limit`` (characters, or bytes where the
    service counts bytes: WeCom bots refuse text over 2048 bytes), never cut mid-link. E-mail keeps
    every paper but drops abstracts from the end until the HTML is under Gmail's clipping size.
    """
    def size(text: str) -> int:
        return len(text.encode("utf-8")) if in_bytes or kind == "email" else len(text)

    body = render(digest, kind, poster_cid)
    if kind == "email":
        items = list(digest.items)
        for i in range(len(items) - 1, -1, -1):
            if size(body) <= EMAIL_LIMIT:
                break
            items[i] = items[i].model_copy(update={"summary": ""})
            body = render(digest.model_copy(update={"items": items}), kind, poster_cid)
        return body
    while limit and size(body) > limit and len(digest.items) > 1:
        digest = digest.model_copy(update={"items": digest.items[:-1]})
        body = render(digest, kind, poster_cid)
    return body
