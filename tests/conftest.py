"""Shared test helpers: where the recorded real data lives, and skipping cleanly without it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from standins import standins

REPO = Path(__file__).resolve().parents[1]
# CI and developers have ../shared beside the checkout; HFDAILY_FIXTURES overrides.
FIXTURES = Path(os.environ.get("HFDAILY_FIXTURES", REPO.parent / "shared" / "fixtures"))
SEEDS = FIXTURES.parent / "seeds"


@pytest.fixture(scope="session")
def fixtures_dir() -> Path:
    if not (FIXTURES / "hf_daily_papers").is_dir():
        pytest.skip(f"recorded real data not found at {FIXTURES} (expected ../shared/fixtures beside the checkout)")
    return FIXTURES


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    if not SEEDS.is_dir():
        pytest.skip(f"seed documents not found at {SEEDS}")
    return SEEDS


@pytest.fixture
def servers(fixtures_dir, tmp_path):
    """HF (recorded days), arXiv (recorded pages) and the fake LLM on 127.0.0.1, plus an env for them."""
    with standins(fixtures_dir, tmp_path, HFDAILY_TREND_DAYS="14") as served:
        yield served
