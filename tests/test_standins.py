"""The stand-ins themselves: a client that hangs up must not put a traceback into the output of
whatever runs in the process (a CLI under CliRunner asserts there is none)."""

from __future__ import annotations

import socket
import time
from urllib.parse import urlsplit

from hfdaily.testing.deepseek_llm import DeepSeekStandIn
from hfdaily.testing.fake_llm import FakeLLM


def _hang_up_mid_body(url: str) -> None:
    parts = urlsplit(url)
    with socket.create_connection((parts.hostname, parts.port)) as conn:
        conn.sendall(b"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                     b"Content-Length: 5000\r\n\r\n{\"model\": \"fa")  # the body cut short, then gone
    time.sleep(0.3)  # the handler meets the end of the stream in its thread


def test_a_client_hanging_up_mid_request_prints_no_traceback(capfd):
    with FakeLLM().serve() as url:
        _hang_up_mid_body(url)
    with DeepSeekStandIn().serve() as url:
        _hang_up_mid_body(url)
    captured = capfd.readouterr()
    assert "Traceback" not in captured.err + captured.out


def test_a_bug_in_a_stand_in_is_still_shown(capfd, monkeypatch):
    fake = FakeLLM()
    monkeypatch.setattr(fake, "answer", lambda *a, **k: 1 / 0)
    import httpx

    with fake.serve() as url:
        try:
            httpx.post(url + "/chat/completions", json={"model": "m", "messages": [{"role": "user", "content": "x"}]},
                       timeout=5)
        except httpx.HTTPError:
            pass
    assert "ZeroDivisionError" in capfd.readouterr().err
