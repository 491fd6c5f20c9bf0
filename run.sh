#!/usr/bin/env bash
# Set up (first time) and make today's briefing. Arguments go to `hfdaily run`, e.g. --date 2026-01-20.
# Needs an LLM: e.g. DEEPSEEK_API_KEY=sk-... bash run.sh   (or --no-llm; see README.md)
set -euo pipefail
cd "$(dirname "$0")"
bash scripts/setup.sh
exec .venv/bin/hfdaily run "$@"
