"""A deterministic fake OpenAI-compatible server that answers every prompt hfdaily sends.

    python -m hfdaily.testing.fake_llm --port 8999 [--latency 0.5]

For the four papers of 2026-01-20 bundled in ``testing/sample`` it answers with the real Chinese
written for them (seed 000's translations, seed 003's analyses); for any other paper its answers
are valid (they pass hfdaily's checks) but visibly fake: every text says 模拟.

Tests can script faults that the next requests receive before the server answers normally again:
transport faults (HTTP 429/500/401/403, a slow or dripping answer, a 200 with empty ``choices``,
no ``choices`` or an HTML page), content faults (garbage, invented numbers, a lost number) and the
answer shapes real models send without JSON mode (a ``<think>`` block with braces before the JSON,
a raw line break or unescaped quotes inside a string, a trailing comma, Chinese keys, a wrapper).
"""

from __future__ import annotations

import argparse
import json
import re
import threading
import time
from collections import deque
from contextlib import contextmanager
from functools import lru_cache
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import httpx

from hfdaily.testing.serving import serve, stream_forever, wait_forever
from hfdaily.text import cjk_share

SAMPLE = Path(__file__).with_name("sample")
SHAPES = ("think", "newline", "quotes", "trailing_comma", "zh_keys", "wrapper", "fenced")
_ZH_KEYS = {"title_zh": "标题", "summary_zh": "摘要", "field": "应用领域", "contribution": "一句话核心贡献",
            "guide": "使用指南", "innovations": "主要创新点", "results": "实验效果", "input": "输入", "output": "输出",
            "process": "处理流程", "environment": "运行环境", "open_source": "开源情况"}


@lru_cache(maxsize=1)
def real_answers() -> tuple[dict[str, str], dict[str, dict], dict[str, dict]]:
    """(English title → paper id, id → real translation, id → real analysis) of the bundled sample day."""
    answers = json.loads((SAMPLE / "answers.json").read_text(encoding="utf-8"))
    entries = json.loads((SAMPLE / "2026-01-20.json").read_text(encoding="utf-8"))
    titles = {" ".join(e["paper"]["title"].split()): e["paper"]["id"] for e in entries}
    return titles, answers["translations"], answers["analyses"]


def recognised_translation(user: str) -> dict | None:
    title = re.search(r"标题：(.*)", user)
    titles, translations, _ = real_answers()
    paper_id = titles.get(" ".join(title.group(1).split())) if title else None
    return dict(translations[paper_id]) if paper_id in translations else None


def recognised_analysis(user: str) -> dict | None:
    found = re.search(r"arXiv: (\d{4}\.\d{4,5})", user)
    _, _, analyses = real_answers()
    return json.loads(json.dumps(analyses[found.group(1)])) if found and found.group(1) in analyses else None


def shaped(content: dict, shape: str | None) -> str:
    """The answer as a model without JSON mode may write it."""
    if shape == "zh_keys":
        content = _rename(content)
    if shape == "wrapper":
        content = {"result": content}
    text = json.dumps(content, ensure_ascii=False, indent=2 if shape == "trailing_comma" else None)
    if shape == "think":  # DeepSeek-R1 / Qwen3: reasoning first, with braces of its own
        return ("<think>\n用户要求输出 JSON，格式形如 {\"title_zh\": \"...\"}；我需要保留 {K} 这样的记号，"
                "并检查数字。先想一想 {不是答案}。\n</think>\n\n" + text)
    if shape == "newline":  # a raw line break inside a string
        return text.replace("。", "。\n", 1)
    if shape == "quotes":  # ASCII quotes left unescaped inside a value
        return text.replace("“", '"').replace("”", '"').replace("，", '，"重点"', 1)
    if shape == "trailing_comma":
        return re.sub(r'(["\]}])(\s*\n\s*[}\]])', r"\1,\2", text)
    if shape == "fenced":
        return "好的，下面是结果：\n```json\n" + text + "\n```\n希望对你有帮助。"
    return text


def _rename(value: object) -> object:
    if isinstance(value, dict):
        return {_ZH_KEYS.get(k, k): _rename(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_rename(v) for v in value]
    return value


def lose_a_number(content: dict) -> dict:
    """The translation with its first number replaced by words: what the numbers check must catch."""
    key = "summary_zh"
    content[key] = re.sub(r"\d+(?:\.\d+)?", "若干", content[key], count=1)
    return content

_SENTENCE = re.compile(r"(?<=[.!?])\s+")
_TERM = re.compile(r"[^\s;:()\[\]]*\d[^\s;:()\[\]]*(?: (?:thousand|million|billion|trillion)\b| [KMBT](?= [a-z]))?|\b[A-Z][A-Za-z0-9\-]*[A-Z0-9][A-Za-z0-9\-]*\b")
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


def fake_analysis(user: str) -> dict:
    text = user.split("论文文本：", 1)[-1]
    caption = re.search(r"^关键图图注（(.+?)）：", user, re.MULTILINE)
    headings = [h.strip("# ").strip() for h in re.findall(r"^#+ .+$", text, re.MULTILINE)][:4]
    results_at = re.search(r"^#+ .*(Experiment|Result|Evaluation).*$", text, re.MULTILINE | re.IGNORECASE)
    numbers = [n for n in _NUMBER.findall(text[results_at.start():] if results_at else text)][:3]
    url = next((u.rstrip(".,;") for u in _URL.findall(user) if "github.com" in u), None)
    return {
        "field": "模拟分析：人工智能 - " + (headings[0] if headings else "未知方向"),
        "contribution": "模拟分析：本文提出了一种新方法，并在实验中验证了其有效性。",
        "guide": {
            "input": "模拟分析：论文方法所需的输入数据。",
            "output": "模拟分析：方法给出的结果。",
            "process": ["模拟分析：按论文描述的流程处理。"] + (["涉及章节：" + "、".join(headings)] if headings else []),
            "environment": "文中未说明",
            "open_source": f"代码已开源：{url}" if url else "文中未提及开源",
        },
        "innovations": [
            {"lead": "模拟创新点一", "detail": "模拟分析：方法设计上的主要创新。"},
            {"lead": "模拟创新点二", "detail": "模拟分析：实验或数据上的主要创新。"},
        ],
        "results": [f"模拟分析：论文报告的关键数字包括 {'、'.join(numbers)}。" if numbers
                    else "模拟分析：论文未给出具体数字。"],
        **({"figure_caption": f"模拟图注：{caption.group(1)} 的中文图注。"} if caption else {}),
    }


class FakeLLM:
    """An in-process server: ``with FakeLLM(latency=0.1).serve() as base_url: ...``."""

    def __init__(self, latency: float = 0.0, faults: list[str] | None = None, poison: str | None = None,
                 json_mode: bool = True, real: bool = True, replay: dict[str, dict[str, str]] | None = None):
        self.latency = latency
        # paper id → {"translate": raw answer text, "analyse": raw answer text}: recorded real model
        # outputs sent back exactly as they were written (any shape), for the papers they belong to.
        self.replay = replay or {}
        self.real = real  # answer the bundled sample day's papers with their real Chinese
        self.json_mode = json_mode  # False: reject response_format with HTTP 400, as some servers do
        self.poison = poison  # every prompt containing this text gets HTTP 500, always
        self.faults: deque[str] = deque(faults or [])
        self.requests = 0
        self._lock = threading.Lock()

    def next_fault(self) -> str | None:
        with self._lock:
            self.requests += 1
            return self.faults.popleft() if self.faults else None

    def answer(self, body: dict, fault: str | None = None) -> dict:
        system = next((m["content"] for m in body["messages"] if m["role"] == "system"), "")
        user = next((m["content"] for m in body["messages"] if m["role"] == "user"), "")
        paper_id = re.search(r"arXiv:? (\d{4}\.\d{4,5})", user)
        task = "translate" if '"title_zh"' in system else "analyse" if '"innovations"' in system else None
        recorded = self.replay.get(paper_id.group(1), {}).get(task) if paper_id and task else None
        if recorded is not None and fault not in ("lose", "invent"):
            return self._reply(body, recorded if isinstance(recorded, str) else json.dumps(recorded, ensure_ascii=False))
        if '"title_zh"' in system:
            content = (recognised_translation(user) if self.real else None) or fake_translation(user)
            if fault == "lose":
                content = lose_a_number(content)
        elif '"innovations"' in system:
            content = (recognised_analysis(user) if self.real else None) or fake_analysis(user)
            if fault == "invent":
                content["results"].append("模拟分析：论文报告的关键数字包括 987654.321。")
        else:
            content = {"error": "模拟服务器不认识这个提示词"}
        return self._reply(body, shaped(content, fault if fault in SHAPES else None))

    def transport(self) -> httpx.MockTransport:
        """Answers with no server (the demo, tests): pass as ``transport=``; faults other than HTTP
        statuses need the real server (``serve``)."""
        def handle(request: httpx.Request) -> httpx.Response:
            body = json.loads(request.content or b"{}")
            if not request.url.path.rstrip("/").endswith("/chat/completions"):
                return httpx.Response(404, json={"error": "not found"})
            fault = self.next_fault()
            if "response_format" in body and not self.json_mode:
                return httpx.Response(400, json={"error": {"message": "response_format is not supported"}})
            if fault in ("429", "500"):
                return httpx.Response(int(fault), json={"error": "try later"}, headers={"Retry-After": "0"})
            return httpx.Response(200, json=self.answer(body, fault))
        return httpx.MockTransport(handle)

    def _reply(self, body: dict, text: str) -> dict:
        prompt_chars = sum(len(m["content"]) for m in body["messages"])
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
            headers = {"Content-Type": "application/json", **(headers or {})}
            self.send_response(status)
            self.send_header("Content-Length", str(len(payload)))
            for key, value in headers.items():
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
            if fault in ("401", "403"):  # providers echo what they were sent
                echo = {"error": {"message": f"Incorrect API key provided: {self.headers.get('Authorization')}",
                                  "type": "invalid_request_error"}}
                return self._send(int(fault), json.dumps(echo).encode())
            if fault == "timeout":
                time.sleep(3)
            if fault == "empty_choices":
                return self._send(200, b'{"id": "x", "object": "chat.completion", "choices": []}')
            if fault == "no_choices":
                return self._send(200, b'{"error": {"message": "upstream overloaded", "code": 529}}')
            if fault == "html200":
                page = b"<html><body><h1>502 Bad Gateway</h1><p>nginx</p></body></html>"
                return self._send(200, page, {"Content-Type": "text/html"})
            if fault == "endless":  # a completion that streams forever
                return stream_forever(self, b'{"choices": [{"message": {"role": "assistant", "content": "',
                                      "模拟无尽的回答".encode() * 5000)
            if fault == "drip":  # headers at once, then a byte a second: only a whole-call timeout ends it
                return self._drip(json.dumps(fake.answer(body), ensure_ascii=False).encode())
            if fault == "garbage":
                reply = fake.answer(body)
                reply["choices"][0]["message"]["content"] = "I am sorry, I cannot produce JSON today."
                return self._send(200, json.dumps(reply).encode())
            reply = fake.answer(body, fault)
            self._send(200, json.dumps(reply, ensure_ascii=False).encode())

        def _drip(self, payload: bytes) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            try:
                for i in range(len(payload)):
                    self.wfile.write(payload[i:i + 1])
                    self.wfile.flush()
                    time.sleep(1.0)
            except (BrokenPipeError, ConnectionResetError):
                pass

    return Handler


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8999)
    parser.add_argument("--latency", type=float, default=0.0, help="seconds to wait before each answer")
    parser.add_argument("--faults", default="", help="comma-separated faults for the first requests, e.g. 401,html200")
    parser.add_argument("--no-json-mode", action="store_true", help="reject response_format with HTTP 400")
    parser.add_argument("--replay", type=Path, help='JSON file: {"<arXiv id>": {"translate": "<raw answer>", '
                        '"analyse": "<raw answer>"}} — recorded model outputs sent back as written')
    args = parser.parse_args()
    faults = [f for f in args.faults.split(",") if f]
    replay = json.loads(args.replay.read_text(encoding="utf-8")) if args.replay else None
    fake = FakeLLM(latency=args.latency, faults=faults, json_mode=not args.no_json_mode, replay=replay)
    with fake.serve(args.host, args.port) as base_url:
        wait_forever(f"fake OpenAI-compatible LLM at {base_url} (model name: anything)")


if __name__ == "__main__":
    main()
