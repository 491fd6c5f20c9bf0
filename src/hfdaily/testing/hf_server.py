"""A local stand-in for ``{HF_ENDPOINT}/api/daily_papers`` serving recorded responses.

    python -m hfdaily.testing.hf_server --fixtures ../shared/fixtures/hf_daily_papers --port 8998

Serves ``DIR/YYYY-MM-DD.json`` as recorded (damaged files included, so clients meet them),
paged with ``limit`` and ``p`` as the real API; a missing date is an empty list, as HF answers
for weekends. Tests can replace a day's entries and script faults for the next requests.
"""

from __future__ import annotations

import argparse
import json
import threading
import time
from collections import deque
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import httpx

from hfdaily.testing.serving import serve, stream_forever, wait_forever


class FakeHF:
    def __init__(self, fixtures: Path | None = None, days: dict[str, list] | None = None,
                 faults: list[str] | None = None):
        self.fixtures = fixtures
        self.days = dict(days or {})  # date → entries; wins over the fixture file
        self.faults: deque[str] = deque(faults or [])
        self.requests: list[str] = []
        self._lock = threading.Lock()

    def day(self, date: str) -> object:
        if date in self.days:
            return self.days[date]
        path = self.fixtures / f"{date}.json" if self.fixtures else None
        return json.loads(path.read_text(encoding="utf-8")) if path and path.exists() else []

    def next_fault(self, path: str) -> str | None:
        with self._lock:
            self.requests.append(path)
            return self.faults.popleft() if self.faults else None

    def respond(self, target: str, fault: str | None = None) -> tuple[int, bytes, str]:
        """(status, body, content type) for a GET of ``target`` (path and query), as HF answers."""
        url = urlparse(target)
        if url.path != "/api/daily_papers":
            return 404, b'{"error": "not found"}', "application/json"
        if fault in ("429", "500", "503"):
            return int(fault), b'{"error": "try later"}', "application/json"
        if fault == "garbage":
            return 200, b"<html>Service temporarily unavailable</html>", "text/html"
        query = parse_qs(url.query)
        data = self.day(query.get("date", [""])[0])
        if isinstance(data, list):  # page it as the API does; other shapes pass through as stored
            limit = int(query.get("limit", ["50"])[0])
            page = int(query.get("p", ["0"])[0])
            data = data[page * limit : (page + 1) * limit]
        return 200, json.dumps(data, ensure_ascii=False).encode(), "application/json"

    def transport(self) -> httpx.MockTransport:
        """The same answers with no server: pass as ``transport=`` (the demo, tests)."""
        def handle(request: httpx.Request) -> httpx.Response:
            target = request.url.raw_path.decode("ascii")
            status, body, content_type = self.respond(target, self.next_fault(target))
            return httpx.Response(status, content=body, headers={"Content-Type": content_type,
                                                                 **({"Retry-After": "0"} if status == 429 else {})})
        return httpx.MockTransport(handle)

    @contextmanager
    def serve(self, host: str = "127.0.0.1", port: int = 0):
        with serve(_handler(self), host, port) as base_url:
            yield base_url + ""


def _handler(fake: FakeHF) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:
            pass

        def _send(self, status: int, payload: bytes, content_type: str = "application/json") -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(payload)))
            if status == 429:
                self.send_header("Retry-After", "0")
            self.end_headers()
            self.wfile.write(payload)

        def do_GET(self) -> None:  # noqa: N802
            fault = fake.next_fault(self.path)
            if fault == "timeout":
                time.sleep(3)
            if fault == "endless":  # a 200 that never ends
                return stream_forever(self, b"[", b'{"paper": {"id": "2601.00001", "title": "x"}},' * 2000)
            self._send(*fake.respond(self.path, fault))

    return Handler


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fixtures", type=Path, required=True, help="folder of YYYY-MM-DD.json files")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8998)
    args = parser.parse_args()
    if not args.fixtures.is_dir():
        parser.error(f"{args.fixtures} is not a folder")
    with FakeHF(args.fixtures).serve(args.host, args.port) as base_url:
        wait_forever(f"HF daily papers from {args.fixtures} at {base_url}")


if __name__ == "__main__":
    main()
