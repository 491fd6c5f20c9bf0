"""A stand-in for DeepSeek's API as its documentation describes it on 2026-12-05.

    python -m hfdaily.testing.deepseek_llm --port 8996 [--tokens-per-second 60] [--balance 0]

What it does as the real one does (https://api-docs.deepseek.com: pricing, thinking_mode, error_codes):

- serves ``deepseek-flash`` (and the older ``deepseek-v4-flash`` / ``deepseek-v4-pro``, still
  answered); the retired ``deepseek-chat`` / ``deepseek-reasoner`` and any other name get HTTP 400
  ``{"error": {"message": "Model Not Exist", "type": "invalid_request_error", ...}}``;
- thinks unless the request says ``{"thinking": {"type": "disabled"}}``: the answer then carries a
  ``reasoning_content`` beside ``content``, and ``usage.completion_tokens`` includes the reasoning
  tokens (``completion_tokens_details.reasoning_tokens``); a malformed ``thinking`` is HTTP 400;
- a wrong key is 401 "Authentication Fails", an empty balance 402 "Insufficient Balance";
- ``GET /models`` lists the models; ``max_tokens`` cuts the answer (``finish_reason: "length"``).

The answers' content is :class:`FakeLLM`'s (the real Chinese of the bundled day, visibly fake text
for other papers). How much it thinks is a parameter (``reasoning_ratio``: reasoning tokens per
answer token), and time is simulated from tokens (``tokens_per_second``), so what a bench measures
here is the request pattern and the token arithmetic, not DeepSeek's speed.
"""

from __future__ import annotations

import argparse
import json
import threading
import time
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler

from hfdaily.testing.fake_llm import FakeLLM
from hfdaily.testing.serving import serve, wait_forever

MODELS = ("deepseek-flash", "deepseek-v4-flash", "deepseek-v4-pro")
RETIRED = ("deepseek-chat", "deepseek-reasoner")
# What the reasoning says: braces and a draft answer, as real chains of thought have, so that a
# client reading it into the answer would break; and a mark a test can look for in every output.
REASONING_MARK = "【推理草稿】"


def _error(message: str, kind: str = "invalid_request_error") -> bytes:
    return json.dumps({"error": {"message": message, "type": kind, "param": None, "code": kind}}).encode()


class DeepSeekStandIn:
    def __init__(self, api_key: str | None = None, balance: bool = True, reasoning_ratio: float = 4.0,
                 tokens_per_second: float = 0.0, fake: FakeLLM | None = None):
        self.api_key = api_key
        self.balance = balance
        self.reasoning_ratio = reasoning_ratio
        self.tokens_per_second = tokens_per_second
        self.fake = fake or FakeLLM()
        self.bodies: list[dict] = []  # every chat request received, in order
        self.model_listings = 0
        self._lock = threading.Lock()

    @property
    def requests(self) -> int:
        return len(self.bodies)

    def chat(self, body: dict, authorization: str | None) -> tuple[int, bytes]:
        with self._lock:
            self.bodies.append(body)
        if self.api_key and authorization != f"Bearer {self.api_key}":
            return 401, _error("Authentication Fails, Your api key is invalid", "authentication_error")
        if not isinstance(body.get("messages"), list) or not body["messages"]:
            return 400, _error("Invalid Format: messages is required")
        if body.get("model") not in MODELS:
            return 400, _error("Model Not Exist")
        thinking = body.get("thinking", {"type": "enabled"})
        if not isinstance(thinking, dict) or thinking.get("type") not in ("enabled", "disabled"):
            return 400, _error("Invalid Format: thinking.type must be enabled or disabled")
        if not self.balance:
            return 402, _error("Insufficient Balance", "insufficient_balance")
        reply = self.fake.answer(body)
        message = reply["choices"][0]["message"]
        usage = reply["usage"]
        reasoning_tokens = 0
        if thinking["type"] == "enabled":
            reasoning_tokens = int(usage["completion_tokens"] * self.reasoning_ratio)
            message["reasoning_content"] = (REASONING_MARK + "先读题目与摘要，列出数字，再起草："
                                            '{"title_zh": "草稿", "summary_zh": "未定"} ' + "…" * 20)
        if isinstance(body.get("max_tokens"), int) and body["max_tokens"] < usage["completion_tokens"]:
            message["content"] = message["content"][:body["max_tokens"]]
            usage["completion_tokens"] = body["max_tokens"]
            reply["choices"][0]["finish_reason"] = "length"
        usage["completion_tokens"] += reasoning_tokens
        usage["total_tokens"] = usage["prompt_tokens"] + usage["completion_tokens"]
        usage["completion_tokens_details"] = {"reasoning_tokens": reasoning_tokens}
        reply["model"] = body["model"]
        if self.tokens_per_second:
            time.sleep(usage["completion_tokens"] / self.tokens_per_second)
        return 200, json.dumps(reply, ensure_ascii=False).encode()

    def models(self) -> bytes:
        self.model_listings += 1
        return json.dumps({"object": "list", "data": [{"id": m, "object": "model", "owned_by": "deepseek"}
                                                      for m in MODELS]}).encode()

    @contextmanager
    def serve(self, host: str = "127.0.0.1", port: int = 0):
        """Yields the base URL (DeepSeek's is the bare host: https://api.deepseek.com)."""
        with serve(_handler(self), host, port) as base_url:
            yield base_url


def _handler(standin: DeepSeekStandIn) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:
            pass

        def _send(self, status: int, payload: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def do_GET(self) -> None:  # noqa: N802
            if self.path.rstrip("/") in ("/models", "/v1/models"):
                return self._send(200, standin.models())
            self._send(404, _error("Not Found"))

        def do_POST(self) -> None:  # noqa: N802
            raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            if self.path.rstrip("/") not in ("/chat/completions", "/v1/chat/completions"):
                return self._send(404, _error("Not Found"))
            try:
                body = json.loads(raw or b"{}")
            except ValueError:
                return self._send(400, _error("Invalid Format: the body is not JSON"))
            self._send(*standin.chat(body, self.headers.get("Authorization")))

    return Handler


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8996)
    parser.add_argument("--api-key", help="accept only this key (401 otherwise)")
    parser.add_argument("--balance", type=int, default=1, help="0: every chat request is 402 Insufficient Balance")
    parser.add_argument("--reasoning-ratio", type=float, default=4.0, help="reasoning tokens per answer token")
    parser.add_argument("--tokens-per-second", type=float, default=0.0, help="simulated generation speed (0: instant)")
    args = parser.parse_args()
    standin = DeepSeekStandIn(api_key=args.api_key, balance=bool(args.balance), reasoning_ratio=args.reasoning_ratio,
                              tokens_per_second=args.tokens_per_second)
    with standin.serve(args.host, args.port) as base_url:
        wait_forever(f"DeepSeek stand-in at {base_url} (models: {', '.join(MODELS)})")


if __name__ == "__main__":
    main()
