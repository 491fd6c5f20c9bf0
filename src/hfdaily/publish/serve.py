"""Preview the site on 127.0.0.1, optionally under a sub-path (as a GitHub Pages project site)."""

from __future__ import annotations

import functools
import http.server
from pathlib import Path


class _Handler(http.server.SimpleHTTPRequestHandler):
    base = "/"

    def send_head(self):
        if self.path.split("?")[0] == self.base.rstrip("/") and self.base != "/":
            self.send_response(301)  # /hfdaily → /hfdaily/, as GitHub Pages does
            self.send_header("Location", self.base)
            self.end_headers()
            return None
        if not self.path.startswith(self.base):
            self.send_error(404, f"outside {self.base}")  # as on the real host: nothing above the site
            return None
        return super().send_head()

    def translate_path(self, path: str) -> str:
        return super().translate_path("/" + path[len(self.base):] if path.startswith(self.base) else path)

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-cache")
        super().end_headers()

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the base class's name
        pass


class SiteServer(http.server.ThreadingHTTPServer):
    request_queue_size = 64  # a page loads a dozen files at once; the default 5 refuses some
    daemon_threads = True


def make_server(site: Path, port: int = 8000, base: str = "/", host: str = "127.0.0.1") -> SiteServer:
    base = "/" + base.strip("/") + "/" if base.strip("/") else "/"
    handler = type("Handler", (_Handler,), {"base": base})
    handler.extensions_map = {**handler.extensions_map, ".vtt": "text/vtt", ".xml": "application/xml",
                              ".js": "text/javascript", ".wasm": "application/wasm", ".pf_meta": "application/octet-stream"}
    return SiteServer((host, port), functools.partial(handler, directory=str(site)))
