"""Shared test helpers: where the recorded real data lives, and skipping cleanly without it."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
# CI and developers have ../shared beside the checkout; HFDAILY_FIXTURES overrides.
import os

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
