"""OUT's front door. The reader's site (``OUT/site/``) is the product; ``OUT/index.html`` only sends
a visitor into it, and ``OUT/feed.xml`` is the site's own full feed, byte for byte, so whoever
subscribed to the output folder's address keeps a working feed.

Versions before the site wrote an archive page and a titles-only feed with relative links here;
publishing replaces both. Without ``HFDAILY_SITE_URL`` the site has no feed (a feed reader needs
absolute links), so an old feed of ours is removed rather than left to go stale.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from hfdaily.fileio import write_if_changed
from hfdaily.outputs import Outputs

TITLE = "Hugging Face 论文日报"


def redirect_page(outputs: Outputs, site_url: str = "") -> str:
    """A page that opens the site at once (no script needed), with a link for browsers that do not follow."""
    home = outputs.href(outputs.site_page("index.html"))
    canonical = f'\n<link rel="canonical" href="{escape(site_url.rstrip("/") + "/")}">' if site_url else ""
    feed = (f'\n<link rel="alternate" type="application/atom+xml" title="{TITLE}" '
            f'href="{escape(outputs.href(outputs.feed))}">') if site_url else ""
    return f"""<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>{TITLE}</title>
<meta http-equiv="refresh" content="0; url={escape(home)}">{canonical}{feed}
</head>
<body>
<p>论文日报已移至 <a href="{escape(home)}">{escape(home)}</a>。</p>
</body>
</html>
"""


def _ours(feed: Path) -> bool:
    """An Atom feed hfdaily wrote (any version), not a file the user put there."""
    try:
        head = feed.read_bytes()[:4096].decode("utf-8", "replace")
    except OSError:
        return False
    return "<feed" in head and TITLE in head


def publish_front_door(outputs: Outputs, site_url: str = "") -> tuple[list[Path], list[Path]]:
    """Write ``OUT/index.html`` and ``OUT/feed.xml`` from the built site: (written, removed)."""
    written, removed = [], []
    if write_if_changed(outputs.front_page, redirect_page(outputs, site_url)):
        written.append(outputs.front_page)
    site_feed = outputs.site_page("feed.xml")
    if site_feed.exists():
        if write_if_changed(outputs.feed, site_feed.read_bytes()):
            written.append(outputs.feed)
    elif outputs.feed.exists() and _ours(outputs.feed):
        outputs.feed.unlink()
        removed.append(outputs.feed)
    return written, removed
