"""A deterministic fake OpenAI-compatible server that answers every prompt hfdaily sends.

    python -m hfdaily.testing.fake_llm --port 8999 [--latency 0.5]

Its answers are valid (they pass hfdaily's checks) but visibly fake: every text says 模拟.
Tests can script faults (HTTP 429/500, garbage, a slow answer, invented numbers) that the next
requests receive before the server answers normally again.
"""

from __future__ import annotations

import argparse
import json
import re
import threading
import time
from collections import deque
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler

from hfdaily.testing.serving import serve, wait_forever
from hfdaily.text import cjk_share

_SENTENCE = re.compile(r"(?<=[.!?])\s+")
_TERM = re.compile(r"[^\s;:()\[\]]*\d[^\s;:()\[\]]*(?: (?:thousand|million|billion|trillion)\b)?|\b[A-Z][A-Za-z0-9\-]*[A-Z0-9][A-Za-z0-9\-]*\b")
_NUMBER = re.compile(r"(?<![A-Za-z0-9_.])\d+(?:,\d{3})*(?:\.\d+)?%?")
_URL = re.compile(r"https?://[^\s)>\]]+")


def _terms(text: str) -> list[str]:
    """Numbers (kept whole with what is glued to them) and acronyms/names, in order, deduplicated."""
    seen: dict[str, None] = {}
    for match in _TERM.finditer(text):
        for term in match.group().strip(".,").split(", "):
            seen.setdefault(term, None)
    return [t for t in seen if t]


def fake_translation(user: str) -> dict:
    title = re.search(r"标题：(.*)", user)
    summary = user.split("摘要：", 1)[-1]
    title_terms = _terms(title.group(1) if title else "")
    parts = []
    for sentence in filter(None, _SENTENCE.split(summary.strip())):
        terms = _terms(sentence)
        part = "这一句是模拟的中文译文，原句提到：" + "、".join(terms) + "。" if terms else "这一句是模拟的中文译文。"
        while cjk_share(part) < 0.6:  # term-heavy sentences: keep the text mostly Chinese, as a real one is
            part += "此处为模拟填充。"
        parts.append(part)
    return {
        "title_zh": "模拟标题：" + ("、".join(title_terms) if title_terms else "一篇论文的中文标题"),
        "summary_zh": "".join(parts) or "模拟摘要。",
    }


def fake_analysis(user: str, invent: bool = False) -> dict:
    text = user.split("论文文本：", 1)[-1]
    headings = [h.strip("# ").strip() for h in re.findall(r"^#+ .+$", text, re.MULTILINE)][:4]
    results_at = re.search(r"^#+ .*(Experiment|Result|Evaluation).*$", text, re.MULTILINE | re.IGNORECASE)
    numbers = [n for n in _NUMBER.findall(text[results_at.start():] if results_at else text)][:3]
    if invent:
        numbers.append("987654.321")
    url = next((u.rstrip(".,;") for u in _URL.findall(user) if "github.com" in u), None)
    return {
        "field": "模拟分析：人工智能 - " + (headings[0] if headings else "未知方向"),
        "contribution": "模拟分析：本文提出了一种新方法，并在实验中验证了其有效性。",
        "guide": {
            "input": "模拟分析：论文方法所需的输入数据。",
            "process": "模拟分析：按论文描述的流程处理，输出结果。" + ("涉及章节：" + "、".join(headings) if headings else ""),
            "environment": "文中未说明",
            "open_source": f"代码已开源：{url}" if url else "文中未提及开源",
        },
        "innovations": [
            {"lead": "模拟创新点一", "detail": "模拟分析：方法设计上的主要创新。"},
            {"lead": "模拟创新点二", "detail": "模拟分析：实验或数据上的主要创新。"},
        ],
        "results": [f"模拟分析：论文报告的关键数字包括 {'、'.join(numbers)}。" if numbers
                    else "模拟分析：论文未给出具体数字。"],
    }


class FakeLLM:
    """An in-process server: ``with FakeLLM(latency=0.1).serve() as base_url: ...``."""

    def __init__(self, latency: float = 0.0, faults: list[str] | None = None, poison: str | None = None,
                 json_mode: bool = True):
        self.latency = latency
        self.json_mode = json_mode  # False: reject response_format with HTTP 400, as some servers do
        self.poison = poison  # every prompt containing this text gets HTTP 500, always
        self.faults: deque[str] = deque(faults or [])
        self.requests = 0
        self._lock = threading.Lock()

    def next_fault(self) -> str | None:
        with self._lock:
            self.requests += 1
            return self.faults.popleft() if self.faults else None

    def answer(self, body: dict, invent: bool = False) -> dict:
        system = next((m["content"] for m in body["messages"] if m["role"] == "system"), "")
        user = next((m["content"] for m in body["messages"] if m["role"] == "user"), "")
        if '"title_zh"' in system:
            content = fake_translation(user)
        elif '"innovations"' in system:
            content = fake_analysis(user, invent=invent)
        else:
            content = {"error": "模拟服务器不认识这个提示词"}
        prompt_chars = sum(len(m["content"]) for m in body["messages"])
        text = json.dumps(content, ensure_ascii=False)
        return {
            "id": "fake-1", "object": "chat.completion", "created": 0, "model": body.get("model", "fake"),
            "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": prompt_chars // 3 + 1, "completion_tokens": len(text) // 2 + 1,
                      "total_tokens": prompt_chars // 3 + len(text) // 2 + 2},
        }

    @contextmanager
    def serve(self, host: str = "127.0.0.1", port: int = 0):
        with serve(_handler(self), host, port) as base_url:
            yield base_url + "/v1"


def _handler(fake: FakeLLM) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:  # keep test output clean
            pass

        def _send(self, status: int, payload: bytes, headers: dict[str, str] | None = None) -> None:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(payload)

        def do_POST(self) -> None:  # noqa: N802 — http.server's naming
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
            if not self.path.rstrip("/").endswith("/chat/completions"):
                return self._send(404, b'{"error": "not found"}')
            fault = fake.next_fault()
            if "response_format" in body and not fake.json_mode:
                return self._send(400, b'{"error": {"message": "response_format is not supported"}}')
            if fake.poison and fake.poison in json.dumps(body, ensure_ascii=False):
                fault = "500"
            if fake.latency:
                time.sleep(fake.latency)
            if fault == "429":
                return self._send(429, b'{"error": "rate limited"}', {"Retry-After": "0"})
            if fault == "500":
                return self._send(500, b'{"error": "boom"}')
            if fault == "timeout":
                time.sleep(3)
            if fault == "garbage":
                reply = fake.answer(body)
                reply["choices"][0]["message"]["content"] = "I am sorry, I cannot produce JSON today."
                return self._send(200, json.dumps(reply).encode())
            reply = fake.answer(body, invent=fault == "invent")
            self._send(200, json.dumps(reply, ensure_ascii=False).encode())

    return Handler


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8999)
    parser.add_argument("--latency", type=float, default=0.0, help="seconds to wait before each answer")
    args = parser.parse_args()
    with FakeLLM(latency=args.latency).serve(args.host, args.port) as base_url:
        wait_forever(f"fake OpenAI-compatible LLM at {base_url} (model name: anything)")


if __name__ == "__main__":
    main()
