"""Small line icons (our own SVG drawings) standing in for the emoji of the HTML pages' headings.

Where no emoji font is installed (many Linux desktops, servers rendering screenshots) 📊 📝 🎙️ are
empty boxes; an inline SVG drawn in the text colour shows everywhere, from ``file://`` too. The
Markdown keeps the emoji of the seed layout.
"""

from __future__ import annotations

from markupsafe import Markup

_PATHS = {
    "chart": '<path d="M2 14h12M4 12V8M8 12V3M12 12V6"/>',  # 📊
    "note": '<path d="M3.5 1.5h9v13h-9zM6 5h4M6 8h4M6 11h2.5"/>',  # 📝
    "search": '<circle cx="7" cy="7" r="4.5"/><path d="M10.5 10.5L14 14"/>',  # 🔍
    "trend": '<path d="M2 14h12M2.5 11l3.5-4 3 2.5 4.5-6"/>',  # 📈
    "picture": '<path d="M2 3h12v10H2z"/><circle cx="10.5" cy="6" r="1"/><path d="M2 11l4-4 3.5 3.5 1.5-1.5 3 3"/>',  # 🖼️
    "mic": '<rect x="6" y="1.5" width="4" height="8" rx="2"/><path d="M3.5 7.5a4.5 4.5 0 0 0 9 0M8 12v2.5M5.5 14.5h5"/>',  # 🎙️
    "phone": '<rect x="4.5" y="1.5" width="7" height="13" rx="1.5"/><path d="M7 12.5h2"/>',  # 📱
    "document": '<path d="M3.5 1.5h6l3 3v10h-9zM9.5 1.5v3h3"/>',  # 📄
    "thumb": '<path d="M2 7h2.5v7H2zM4.5 7l3-5.5c1.2 0 2 1 1.6 2.3L8.5 6.5H13l-1.2 7.5H4.5"/>',  # 👍
}


def icon(name: str, label: str = "") -> Markup:
    """An inline SVG icon, 1em and in the text's colour; ``label`` makes it read aloud (else hidden)."""
    a11y = f'role="img" aria-label="{Markup.escape(label)}"' if label else 'aria-hidden="true"'
    return Markup(f'<svg class="icon" viewBox="0 0 16 16" width="1em" height="1em" fill="none" stroke="currentColor" '
                  f'stroke-width="1.5" stroke-linecap="round" stroke-linejoin="round" {a11y}>{_PATHS[name]}</svg>')
