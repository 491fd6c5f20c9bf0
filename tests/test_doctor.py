"""``hfdaily doctor`` against the stand-ins: a configuration that works, and each way one breaks (issue 14)."""

from __future__ import annotations

import fcntl
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from hfdaily.cli import cli
from hfdaily.testing.arxiv_server import serve_arxiv
from hfdaily.testing.deepseek_llm import DeepSeekStandIn
from hfdaily.testing.hf_server import FakeHF

KEY = "sk-doctor-0123456789"


@pytest.fixture
def world(fixtures_dir, tmp_path):
    """(env of a working DeepSeek configuration pointed at the stand-ins, the DeepSeek stand-in)."""
    standin = DeepSeekStandIn(api_key=KEY)
    with FakeHF(fixtures_dir / "hf_daily_papers").serve() as hf_url, serve_arxiv(fixtures_dir) as arxiv_url, \
            standin.serve() as ds_url:
        yield {"DEEPSEEK_API_KEY": KEY, "HFDAILY_LLM_PROVIDER": "deepseek", "HFDAILY_LLM_BASE_URL": ds_url,
               "HF_ENDPOINT": hf_url, "HFDAILY_ARXIV_URL": arxiv_url, "HFDAILY_TTS_ENGINE": "espeak",
               "HFDAILY_SITE_URL": "https://example.org/hfdaily", "HFDAILY_CONFIG": str(tmp_path / "absent.toml")}, standin


def doctor(env: dict, out: Path, *args: str):
    return CliRunner().invoke(cli, ["doctor", "--out", str(out), *args], env=env)


def lines(result) -> dict[str, str]:
    return {line[2:].split(":")[0]: line[0] for line in result.output.splitlines() if line[:1] in "✓✗"}


def test_a_working_configuration_is_all_ticks_and_costs_one_token(world, tmp_path):
    env, standin = world
    result = doctor(env, tmp_path / "out")
    assert result.exit_code == 0, result.output
    marks = lines(result)
    assert set(marks.values()) == {"✓"}
    assert {"settings", "Hugging Face", "arXiv", "LLM", "TTS", "CJK font", "notify", "site URL", "OUT"} <= set(marks)
    assert standin.requests == 1 and standin.bodies[0]["max_tokens"] == 1
    assert standin.bodies[0]["thinking"] == {"type": "disabled"}
    assert KEY not in result.output
    assert not (tmp_path / "out").exists()  # a check writes nothing


def test_a_retired_model_is_a_cross_naming_what_to_set_and_what_is_served(world, tmp_path):
    env, standin = world
    result = doctor(env | {"HFDAILY_LLM_MODEL": "deepseek-chat"}, tmp_path / "out")
    assert result.exit_code == 1
    llm = next(line for line in result.output.splitlines() if line.startswith("✗ LLM"))
    assert "'deepseek-chat'" in llm and "HFDAILY_LLM_MODEL" in llm and "deepseek-flash" in llm
    assert "Model Not Exist" in llm and standin.requests == 1 and standin.model_listings == 1


def test_a_wrong_key_and_an_empty_balance(world, tmp_path):
    env, standin = world
    result = doctor(env | {"DEEPSEEK_API_KEY": "sk-wrong-0000000000"}, tmp_path / "out")
    assert result.exit_code == 1 and "refused the key" in result.output and "DEEPSEEK_API_KEY" in result.output
    assert "sk-wrong-0000000000" not in result.output
    standin.balance = False
    result = doctor(env, tmp_path / "out")
    assert result.exit_code == 1 and "insufficient balance" in result.output


def test_no_network_to_hugging_face_suggests_a_mirror(world, tmp_path):
    env, _ = world
    result = doctor(env | {"HF_ENDPOINT": "http://127.0.0.1:9"}, tmp_path / "out")
    assert result.exit_code == 1 and lines(result)["Hugging Face"] == "✗" and "HF_ENDPOINT" in result.output


def test_no_llm_and_a_bad_setting(world, tmp_path):
    env, _ = world
    bare = {k: v for k, v in env.items() if not k.startswith(("DEEPSEEK", "HFDAILY_LLM"))}
    result = doctor(bare, tmp_path / "out")
    assert result.exit_code == 1 and lines(result)["LLM"] == "✗" and "--no-llm" in result.output
    result = doctor(env | {"HFDAILY_LLM_CONCURRENCY": "zero"}, tmp_path / "out")
    assert result.exit_code == 1 and lines(result)["settings"] == "✗" and "HFDAILY_LLM_CONCURRENCY" in result.output


def test_a_site_url_missing_is_shown_but_does_not_fail(world, tmp_path):
    env, _ = world
    result = doctor({k: v for k, v in env.items() if k != "HFDAILY_SITE_URL"}, tmp_path / "out")
    assert result.exit_code == 0 and lines(result)["site URL"] == "✗" and "HFDAILY_SITE_URL" in result.output


def test_an_out_held_by_a_run_or_not_writable(world, tmp_path):
    env, _ = world
    out = tmp_path / "out"
    out.mkdir()
    lock = out / ".hfdaily.lock"
    lock.write_text("")
    holder = subprocess.Popen([sys.executable, "-c", "import fcntl,sys,time; f=open(sys.argv[1]); "
                               "fcntl.flock(f, fcntl.LOCK_EX); print('held', flush=True); time.sleep(60)", str(lock)],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        result = doctor(env, out)
        assert result.exit_code == 1 and lines(result)["OUT"] == "✗" and "another run" in result.output
    finally:
        holder.kill()
        holder.wait()
    assert doctor(env, out).exit_code == 0
    out.chmod(0o555)
    try:
        result = doctor(env, out / "sub")
        if result.exit_code == 0:  # root ignores permissions
            pytest.skip("running as root: permissions are not enforced")
        assert lines(result)["OUT"] == "✗"
    finally:
        out.chmod(0o755)


def test_send_test_sends_one_message_to_each_channel(world, tmp_path):
    from hfdaily.testing.chat_server import chat_server

    env, _ = world
    with chat_server() as (chat, host):
        env = env | {"HFDAILY_NOTIFY": f"team=json://{host}/hook"}
        parsed = doctor(env, tmp_path / "out")
        assert parsed.exit_code == 0 and "notify team" in parsed.output and chat.received == []
        sent = doctor(env, tmp_path / "out", "--send-test")
        assert sent.exit_code == 0 and "test message sent" in sent.output and len(chat.received) == 1
