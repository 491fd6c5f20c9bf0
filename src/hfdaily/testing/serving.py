"""Run a stdlib HTTP handler on a loopback port in a background thread, for tests and demos."""

from __future__ import annotations

import socket
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class QuietServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # a backfill keeps dozens of connections open at once

    def handle_error(self, request, client_address) -> None:
        # A client that gave up (a timeout test, a run killed mid-request) is expected, whatever the
        # handler met on the way (a broken pipe, a body cut short that is not JSON): printing it
        # from this thread lands in the output of whatever runs in the process (a CLI under test).
        # Anything else is a bug of the stand-in, worth seeing.
        if isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)) or _peer_gone(request):
            return
        super().handle_error(request, client_address)


def _peer_gone(request: socket.socket) -> bool:
    """Whether the client has closed its side (the connection reads as ended, or is reset)."""
    try:
        return request.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT) == b""
    except BlockingIOError:  # still connected, waiting for the answer
        return False
    except OSError:
        return True


@contextmanager
def serve(handler: type[BaseHTTPRequestHandler], host: str = "127.0.0.1", port: int = 0) -> Iterator[str]:
    """Yields ``http://host:port``; the server stops when the block ends."""
    server = QuietServer((host, port), handler)
    # shutdown() waits for serve_forever to notice, which it does once per poll interval: the
    # default 0.5 s cost every test using three servers 1-1.5 s of teardown.
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()
    try:
        yield f"http://{host}:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def stream_forever(handler: BaseHTTPRequestHandler, head: bytes, chunk: bytes,
                   content_type: str = "application/json") -> None:
    """A 200 whose chunked body never ends (``head`` then ``chunk`` again and again), until the client hangs up."""
    handler.send_response(200)
    handler.send_header("Content-Type", content_type)
    handler.send_header("Transfer-Encoding", "chunked")
    handler.end_headers()
    try:
        handler.wfile.write(f"{len(head):x}\r\n".encode() + head + b"\r\n")
        while True:
            handler.wfile.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
    except (BrokenPipeError, ConnectionResetError):
        handler.close_connection = True


def wait_forever(message: str) -> None:
    print(message, flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
