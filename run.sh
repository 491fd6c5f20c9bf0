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
status=0
.venv/bin/hfdaily run "$@" || status=$?
if [ "$status" != 0 ] && [ "$status" != 3 ] && [ "$status" != 130 ] && [ "$status" != 143 ]; then
  echo "the run failed (exit $status). To see what is wrong with the setup, one line per check:" >&2
  echo "  .venv/bin/hfdaily doctor" >&2
fi
exit "$status"
