"""What a new user meets first (issue 14): mistakes that must say so, no network, the setup script."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from click.testing import CliRunner

from hfdaily.cli import cli

REPO = Path(__file__).resolve().parents[1]


def test_a_backfill_range_backwards_is_a_usage_error(tmp_path):
    result = CliRunner().invoke(cli, ["backfill", "--from", "2026-01-22", "--to", "2026-01-20", "--no-llm",
                                      "--out", str(tmp_path / "out")],
                                env={"HFDAILY_CONFIG": str(tmp_path / "absent.toml")})
    assert result.exit_code == 2 and "--from 2026-01-22 is after --to 2026-01-20" in result.output
    assert not (tmp_path / "out").exists()


def test_no_network_says_it_retried_what_else_works_and_leaves_no_folder(tmp_path):
    out = tmp_path / "out"
    env = {"HFDAILY_CONFIG": str(tmp_path / "absent.toml"), "HF_ENDPOINT": "http://127.0.0.1:9",
           "HFDAILY_HF_RETRIES": "1", "DEEPSEEK_API_KEY": "sk-test-000000000"}
    result = CliRunner().invoke(cli, ["run", "--out", str(out), "-q", "--date", "2026-01-20"], env=env)
    assert result.exit_code == 1
    assert "tried 2 times" in result.output and "HF_ENDPOINT" in result.output and "hfdaily demo" in result.output
    assert not out.exists()  # not a folder holding only the lock file


def test_an_existing_out_keeps_its_lock_file(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    env = {"HFDAILY_CONFIG": str(tmp_path / "absent.toml"), "HF_ENDPOINT": "http://127.0.0.1:9",
           "HFDAILY_HF_RETRIES": "0", "DEEPSEEK_API_KEY": "sk-test-000000000"}
    assert CliRunner().invoke(cli, ["run", "--out", str(out), "-q", "--date", "2026-01-20"], env=env).exit_code == 1
    assert out.is_dir()  # the user's folder is theirs


def test_every_init_option_has_help():
    help_text = CliRunner().invoke(cli, ["init", "--help"]).output
    python = help_text[help_text.index("--python"):help_text.index("--force")]
    assert "setup-python" in python


def test_setup_skips_pip_when_pyproject_is_unchanged(tmp_path):
    """run.sh runs scripts/setup.sh every time: a second call must not reinstall (20 s before any message)."""
    stamp = REPO / ".venv" / ".hfdaily-installed"
    if not stamp.is_file():
        import pytest
        pytest.skip("this checkout's .venv was not made by scripts/setup.sh")
    fake_pip = tmp_path / "bin"
    fake_pip.mkdir()
    env = os.environ | {"PATH": f"{fake_pip}:{os.environ['PATH']}"}
    mode = stamp.read_text().split()[-1]
    result = subprocess.run(["bash", "-x", str(REPO / "scripts" / "setup.sh"), *([mode] if mode == "test" else [])],
                            env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "pip install" not in result.stderr  # the trace shows every command run
