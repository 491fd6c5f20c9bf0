"""A local stand-in for chat webhooks (Feishu/Lark, DingTalk, WeCom bots, and any JSON webhook).

    python -m hfdaily.testing.chat_server --port 8996     # then HFDAILY_NOTIFY=json://127.0.0.1:8996/team

Records every request it receives (path, query, headers, body) and answers the way the real
services do: Feishu ``{"code": 0, "msg": "success"}``, DingTalk and WeCom ``{"errcode": 0,
"errmsg": "ok"}``, anything else ``200``. Tests make a path fail (HTTP 500) a number of times, or
for good, to see retries and a channel that is down.
"""

from __future__ import annotations

import argparse
import json
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, urlparse

from hfdaily.testing.serving import QuietServer, wait_forever

REPLIES = {  # path prefix → what the real service answers on success
    "/open-apis/bot/v2/hook/": {"code": 0, "msg": "success", "data": {}},
    "/robot/send": {"errcode": 0, "errmsg": "ok"},
    "/cgi-bin/webhook/send": {"errcode": 0, "errmsg": "ok"},
}


@dataclass
class Received:
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes
    at: float  # time.monotonic() on arrival

    @property
    def json(self) -> object:
        return json.loads(self.body)


@dataclass
class ChatServer:
    received: list[Received] = field(default_factory=list)
    failures: dict[str, int] = field(default_factory=dict)  # path prefix → failures left (-1: always)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def fail(self, prefix: str, times: int = -1) -> None:
        self.failures[prefix] = times

    def to(self, prefix: str) -> list[Received]:
        return [r for r in self.received if r.path.startswith(prefix)]

    def _should_fail(self, path: str) -> bool:
        with self._lock:
            for prefix, left in self.failures.items():
                if path.startswith(prefix) and left != 0:
                    self.failures[prefix] = left - 1 if left > 0 else -1
                    return True
        return False

    def handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                url = urlparse(self.path)
                if server._should_fail(url.path):
                    return self._reply(500, b'{"error": "stand-in told to fail"}')
                with server._lock:
                    server.received.append(Received(url.path, parse_qs(url.query), dict(self.headers), body,
                                                    time.monotonic()))
                reply = next((r for p, r in REPLIES.items() if url.path.startswith(p)), {"ok": True})
                self._reply(200, json.dumps(reply).encode())

            def _reply(self, status: int, payload: bytes) -> None:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args) -> None:
                pass

        return Handler


class _Server(QuietServer):
    request_queue_size = 128  # many channels post at the same moment


@contextmanager
def chat_server(port: int = 0):
    """Yields ``(ChatServer, "127.0.0.1:PORT")``."""
    state = ChatServer()
    httpd = _Server(("127.0.0.1", port), state.handler())
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield state, f"127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8996)
    args = parser.parse_args()
    with chat_server(args.port) as (state, address):
        print(f"chat stand-in on http://{address}; messages are printed as they arrive", flush=True)
        threading.Thread(target=_print_arrivals, args=(state,), daemon=True).start()
        wait_forever("")


def _print_arrivals(state: ChatServer) -> None:
    seen = 0
    while True:
        time.sleep(0.2)
        for item in state.received[seen:]:
            print(f"--- POST {item.path}\n{item.body.decode('utf-8', 'replace')}\n", flush=True)
        seen = len(state.received)


if __name__ == "__main__":
    main()
