"""`hfdaily demo`: the bundled real day, offline, with no key and no recorded fixtures needed."""

from __future__ import annotations

import ast
import socket
from pathlib import Path

from click.testing import CliRunner

from hfdaily.cli import cli
from hfdaily.models import DayRecord


def test_demo_makes_the_real_sample_day_offline(tmp_path, monkeypatch):
    for name in ("DEEPSEEK_API_KEY", "HFDAILY_LLM_BASE_URL", "HF_ENDPOINT", "HFDAILY_LLM_API_KEY"):
        monkeypatch.delenv(name, raising=False)

    def no_network(self, *args):
        raise AssertionError(f"the demo opened a socket: {args}")

    # No server is started and no connection made: the stand-ins answer through httpx transports.
    monkeypatch.setattr(socket.socket, "bind", no_network)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket.socket, "connect_ex", no_network)
    out = tmp_path / "demo"
    result = CliRunner().invoke(cli, ["demo", "--out", str(out), "--no-audio", "-q"])
    assert result.exit_code == 0, result.output
    assert f"The demo day is in {out.resolve()}/" in result.output and "4 papers (4 new)" in result.output
    md = (out / "newsletters" / "2026-01-20.md").read_text()
    # Real Chinese (seed 000), not the fake's 模拟 text.
    assert "### 2. ABC-Bench：面向现实世界开发的智能体后端编码基准测试" in md and "模拟的中文译文" not in md
    report = (out / "reports" / "2026-01-20.md").read_text()
    assert "**输入**：需要进行复杂推理的任务文本" in report and "模拟分析" not in report
    day = DayRecord.model_validate_json((out / "data" / "2026-01-20.json").read_text())
    assert all(e.translation and e.analysis for e in day.papers)
    assert (out / "images" / "2026-01-20_poster.png").stat().st_size > 10_000


def test_the_demo_uses_only_the_public_stand_ins():
    """demo.py ships to users: it may use hfdaily.testing's public stand-ins, never a private test fake."""
    import hfdaily.demo

    tree = ast.parse(Path(hfdaily.demo.__file__).read_text(encoding="utf-8"))
    names = [(node.module, alias.name) for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
             for alias in node.names]
    assert not [n for n in names if n[1].startswith("_")], names
