"""Run a stdlib HTTP handler on a loopback port in a background thread, for tests and demos."""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        # A client that gave up (a timeout test) is expected; anything else is worth seeing.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@contextmanager
def serve(handler: type[BaseHTTPRequestHandler], host: str = "127.0.0.1", port: int = 0) -> Iterator[str]:
    """Yields ``http://host:port``; the server stops when the block ends."""
    server = QuietServer((host, port), handler)
    # A short poll interval: shutdown() waits up to one interval, and tests start many servers.
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    try:
        yield f"http://{host}:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def wait_forever(message: str) -> None:
    print(message, flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
