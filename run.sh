#!/usr/bin/env bash
# Set up (first time) and make today's briefing. Arguments go to `hfdaily run`, e.g. --date 2026-01-20.
# Needs an LLM: e.g. DEEPSEEK_API_KEY=sk-... bash run.sh   (or --no-llm; see README.md)
# No key yet? `bash run.sh --demo` makes a bundled real day (2026-01-20) offline and says where it is.
set -euo pipefail
cd "$(dirname "$0")"
bash scripts/setup.sh
if [ "${1:-}" = "--demo" ]; then
  shift
  exec .venv/bin/hfdaily demo "$@"
fi
exec .venv/bin/hfdaily run "$@"
