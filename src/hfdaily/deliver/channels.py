"""Where the briefing goes: channels from ``HFDAILY_NOTIFY`` and the ``[notify]`` table, and their secrets.

A channel is a name, one apprise URL and what to send there::

    HFDAILY_NOTIFY="team=feishu://TOKEN/ mailtos://me:APP_PASSWORD@smtp.qq.com?to=me@qq.com"

    [notify]                       # defaults for every channel, and how hard to try
    top = 5
    retries = 3
    [notify.team]                  # options only: the URL comes from HFDAILY_NOTIFY "team=..."
    fields = ["智能体", "强化学习"]
    keywords = ["world model"]
    [notify.lab]
    url_env = "LAB_DINGTALK_URL"   # the URL is a secret: keep it out of a committed file
    cadence = "weekly"             # daily (default) | weekly: the 周报 each Monday | monthly: the 月报

Names key the "sent once per day" record, so an unnamed URL is named after its service
(``feishu``, ``feishu-2``, …). Every URL carries secrets (webhook tokens, passwords, keys), so a
channel never shows its URL: it is printed by name and service, and :class:`Redactor` scrubs the
secret parts of every URL from anything we log, store or print.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from typing import Literal
from urllib.parse import quote, unquote

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from hfdaily.errors import ConfigError
from hfdaily.fields import FIELD_NAMES
from hfdaily.redaction import register, with_basic_auth

_NAMED_URL = re.compile(r"^([A-Za-z][\w-]{0,39})=([A-Za-z][\w+.-]*://.*)$")
_URL = re.compile(r"^[A-Za-z][\w+.-]*://")
_SEPARATORS = re.compile(r"[\s,]+")


class ChannelOptions(BaseModel):
    """What one channel receives; every field can be set once under ``[notify]`` for all channels."""

    model_config = ConfigDict(extra="forbid")

    top: int | None = Field(None, ge=1, le=100, description="papers listed (default: 5 in chats, all by email)")
    fields: list[str] = Field([], description="only papers of these fields (names as in the newsletter)")
    keywords: list[str] = Field([], description="followed words: matching papers come first, marked ★")
    authors: list[str] = []
    organisations: list[str] = []
    only_followed: bool = Field(False, description="send only papers that match a followed word/author/org")
    like: list[str] = Field([], description="a reader profile: liked arXiv ids; the digest is ordered 为你推荐")
    bib: str | None = Field(None, description="a reader profile: a BibTeX/RIS file (e.g. a Zotero export)")
    exclude: list[str] = Field([], description="negative keywords: matching papers are left out")
    threshold: float | None = Field(None, description="with a profile: leave out papers scoring below this")
    audio: bool = True  # link the broadcast when the site has it
    poster: bool = True  # e-mail: the poster inline
    cadence: Literal["daily", "weekly", "monthly"] = Field(
        "daily", description="what the channel receives: each day, the weekly edition (周报) or the monthly one (月报)")

    @field_validator("fields")
    @classmethod
    def _known_fields(cls, names: list[str]) -> list[str]:
        unknown = [n for n in names if n not in FIELD_NAMES]
        if unknown:
            raise ValueError(f"unknown field(s) {', '.join(unknown)}; choose from {', '.join(FIELD_NAMES)}")
        return names

    @field_validator("like")
    @classmethod
    def _arxiv_ids(cls, ids: list[str]) -> list[str]:
        bad = [i for i in ids if not re.fullmatch(r"\d{4}\.\d{4,5}", i)]
        if bad:
            raise ValueError(f"not arXiv ids like 2510.08558: {', '.join(bad)}")
        return ids

    @property
    def profile(self) -> bool:
        """Whether this channel is ordered for a reader (liked papers, a reference file or negative keywords)."""
        return bool(self.like or self.bib or self.exclude or self.threshold is not None)

    @property
    def follows(self) -> bool:
        return bool(self.keywords or self.authors or self.organisations)


class DeliveryPolicy(BaseModel):
    """How hard to try: attempts after the first, the first wait (doubled each time), per-request timeout."""

    model_config = ConfigDict(extra="forbid")

    retries: int = Field(3, ge=0, le=10)
    backoff: float = Field(2.0, ge=0, le=300)
    timeout: float = Field(20.0, gt=0, le=300)


class Channel(BaseModel):
    """One destination. ``url`` holds secrets: it is excluded from repr and from every dump."""

    name: str
    url: str = Field(repr=False, exclude=True)
    options: ChannelOptions = ChannelOptions()

    @property
    def scheme(self) -> str:
        return self.url.split("://", 1)[0].lower()


_GLOBAL_KEYS = set(DeliveryPolicy.model_fields)
_CHANNEL_KEYS = {"url", "url_env"}


def _problems(exc: ValidationError) -> str:
    return "; ".join(f"{'.'.join(map(str, e['loc'])) or 'value'}: {e['msg']}" for e in exc.errors())


def split_urls(value: str) -> list[tuple[str | None, str]]:
    """``"a=json://h/x, mailto://…"`` → ``[("a", "json://h/x"), (None, "mailto://…")]``."""
    found = []
    for part in filter(None, _SEPARATORS.split(value.strip())):
        if match := _NAMED_URL.match(part):
            found.append((match.group(1), match.group(2)))
        elif _URL.match(part):
            found.append((None, part))
        else:
            # Never echo the value: it may be a URL with a token in it, mistyped.
            raise ConfigError("HFDAILY_NOTIFY: an entry is not a notification URL (expected scheme://… or "
                              "name=scheme://…, separated by spaces or commas); see https://appriseit.com/services/")
    return found


def parse_channels(notify: str, table: Mapping[str, object] | None, env: Mapping[str, str] | None = None
                   ) -> tuple[list[Channel], DeliveryPolicy]:
    """Every configured channel with its options, and the delivery policy; a clear error for bad input."""
    env = os.environ if env is None else env
    table = dict(table or {})
    sub_tables = {k: v for k, v in table.items() if isinstance(v, dict)}
    scalars = {k: v for k, v in table.items() if not isinstance(v, dict)}
    try:
        policy = DeliveryPolicy.model_validate({k: v for k, v in scalars.items() if k in _GLOBAL_KEYS})
        defaults = {k: v for k, v in scalars.items() if k not in _GLOBAL_KEYS}
        ChannelOptions.model_validate(defaults)
    except ValidationError as exc:
        raise ConfigError(f"[notify]: {_problems(exc)}") from None

    env_urls: dict[str, str] = {}
    for name, url in split_urls(notify):
        name = name or _free_name(url.split("://", 1)[0].lower(), [*env_urls, *sub_tables])
        if name in env_urls:
            raise ConfigError(f"HFDAILY_NOTIFY names the channel {name!r} twice")
        env_urls[name] = url

    channels = []
    for name, url in env_urls.items():
        channels.append(_channel(name, url, defaults, sub_tables.pop(name, {})))
    for name, settings in sub_tables.items():
        settings = dict(settings)
        url, url_env = settings.pop("url", None), settings.pop("url_env", None)
        if url_env:
            url = env.get(str(url_env)) or None
            if url is None:
                raise ConfigError(f"[notify.{name}] url_env = {url_env!r}, but that variable is unset or empty")
        if not url:
            raise ConfigError(f"[notify.{name}] has no URL: set url = \"scheme://…\", url_env = \"VARIABLE\", "
                              f"or HFDAILY_NOTIFY=\"{name}=scheme://…\"")
        channels.append(_channel(name, str(url), defaults, {k: v for k, v in settings.items()}))
    return channels, policy


def check_channels(notify_urls: str, table: Mapping[str, object] | None) -> None:
    """The channels a command will send to, checked when its settings are loaded (before anything is
    fetched or spent): a ConfigError names the problem. Called by the commands, not by ``config``,
    which sits below this stage."""
    if notify_urls or table:
        parse_channels(notify_urls, table)


def _channel(name: str, url: str, defaults: dict, own: dict) -> Channel:
    own = {k: v for k, v in own.items() if k not in _CHANNEL_KEYS}
    try:
        options = ChannelOptions.model_validate({**defaults, **own})
    except ValidationError as exc:
        raise ConfigError(f"[notify.{name}]: {_problems(exc)}") from None
    if not _URL.match(url):
        raise ConfigError(f"channel {name!r}: the URL must look like scheme://… (see https://appriseit.com/services/)")
    register(secrets_in(url))  # masked from here on, before apprise ever logs the URL
    return Channel(name=name, url=url.strip(), options=options)


def _free_name(base: str, taken: Iterable[str]) -> str:
    taken = set(taken)
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


# --- secrets ----------------------------------------------------------------------------------

_PIECES = re.compile(r"[^:/?&=@#,;+\s]+")
_PUBLIC = {"http", "https", "localhost", "127.0.0.1", "format", "text", "markdown", "html", "yes", "no",
           "true", "false", "to", "from", "mode", "ssl", "starttls", "insecure", "name", "smtp", "user", "pass"}


def secrets_in(url: str, public_url: str | None = None) -> set[str]:
    """The parts of ``url`` that must never be shown.

    Without ``public_url``: everything except the scheme, the host and the names of query
    parameters. With it (apprise's ``url(privacy=True)``), the parts apprise itself masks, too.
    Both, so that neither a plugin's idea of what is private nor ours can leak a token alone.
    """
    scheme, _, rest = url.partition("://")
    authority = re.split(r"[/?#]", rest, maxsplit=1)[0]
    host_part = authority.rsplit("@", 1)[-1]
    host = host_part.rsplit(":", 1)[0] if not host_part.startswith("[") else host_part
    found: set[str] = set()
    query = rest.split("?", 1)[1] if "?" in rest else ""
    keys = {kv.split("=", 1)[0] for kv in query.split("&") if kv}
    shown = set(_PIECES.findall(public_url or ""))
    for piece in _PIECES.findall(rest):
        if piece in keys or piece.lower() in _PUBLIC or piece.isdigit() and len(piece) <= 5:
            continue
        if piece == host and "." in host or piece in shown and not _looks_secret(piece):
            continue  # a real host name, or something apprise shows and that is no token
        if len(piece) >= 3:
            found.add(piece)
    # user:password@ and query values are secrets whatever their length, and so is the base64 of
    # user:password a server echoes back ("Authorization: Basic …" in an error body).
    if "@" in authority:
        userinfo = authority.rsplit("@", 1)[0]
        user, _, password = userinfo.partition(":")
        found.update(p for p in userinfo.split(":") if p)
        found |= with_basic_auth(unquote(user), unquote(password)) | with_basic_auth(user, password)
    return {s for s in found | {unquote(s) for s in found} | {quote(s, safe="") for s in found} if s} | {url, url.strip()}


def _looks_secret(piece: str) -> bool:
    """Long mixed strings are tokens even when a plugin prints them (e.g. as a path)."""
    return len(piece) >= 12 and bool(re.search(r"\d", piece)) and bool(re.search(r"[A-Za-z]", piece))


