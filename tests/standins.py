"""The local stand-ins end-to-end tests run hfdaily against, and the environment that points it there."""

from __future__ import annotations

import time
from contextlib import contextmanager
from pathlib import Path

from hfdaily.testing.arxiv_server import serve_arxiv
from hfdaily.testing.fake_llm import FakeLLM
from hfdaily.testing.hf_server import FakeHF


def standin_env(tmp_path: Path, hf_url: str, llm_url: str, **settings: str) -> dict[str, str]:
    """Settings that send hfdaily to the stand-ins and ignore any hfdaily.toml of the machine;
    ``settings`` adds or overrides variables (``HFDAILY_TREND_DAYS="14"``)."""
    return {"HF_ENDPOINT": hf_url, "HFDAILY_LLM_BASE_URL": llm_url, "HFDAILY_LLM_MODEL": "fake",
            "HFDAILY_TREND_DAYS": "0", "HFDAILY_CONFIG": str(tmp_path / "absent.toml")} | settings


@contextmanager
def standins(fixtures_dir: Path, tmp_path: Path, **settings: str):
    """HF (recorded days), arXiv (recorded pages) and the fake LLM on 127.0.0.1: (hf, llm, env)."""
    hf, llm = FakeHF(fixtures_dir / "hf_daily_papers"), FakeLLM()
    with hf.serve() as hf_url, llm.serve() as llm_url, serve_arxiv(fixtures_dir) as arxiv_url:
        yield hf, llm, standin_env(tmp_path, hf_url, llm_url, HFDAILY_ARXIV_URL=arxiv_url, HFDAILY_LLM_API_KEY="test",
                                   HFDAILY_TTS_ENGINE="espeak", **settings)


def wait_for_requests(llm: FakeLLM, count: int, timeout: float = 60.0) -> None:
    """Until the fake LLM has been asked ``count`` times (a real process is busy paying), or the timeout."""
    deadline = time.monotonic() + timeout
    while llm.requests < count and time.monotonic() < deadline:
        time.sleep(0.02)
