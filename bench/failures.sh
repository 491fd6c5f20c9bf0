#!/usr/bin/env bash
# How a build behaves when the LLM fails: exit code, seconds, what was published.
#   bash bench/failures.sh [--smoke] [SRC_DIR]     (default: this checkout's src; any build's src works)
#   --smoke: the first scenario only, to check the bench works (CI).
# The stand-ins (HF fixtures, fake LLM with scripted faults) always come from this checkout.
set -u
cd "$(dirname "$0")/.."
SMOKE=no; if [ "${1:-}" = --smoke ]; then SMOKE=yes; shift; fi
SRC=${1:-src}
PY=.venv/bin/python
FIX=${HFDAILY_FIXTURES:-../shared/fixtures}
TMP=$(mktemp -d)
free_port() { $PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
HF_PORT=$(free_port); LLM_PORT=$(free_port)
PYTHONPATH=src $PY -m hfdaily.testing.hf_server --fixtures $FIX/hf_daily_papers --port $HF_PORT >/dev/null 2>&1 &
HF=$!
trap 'kill $HF 2>/dev/null; rm -rf "$TMP"' EXIT
sleep 1
scenario() {  # name, faults, extra env...
  local name=$1 faults=$2; shift 2
  local llm=""
  if [ "$faults" != "down" ]; then
    PYTHONPATH=src $PY -m hfdaily.testing.fake_llm --port $LLM_PORT --faults "$faults" >/dev/null 2>&1 &
    llm=$!
    sleep 1
  fi
  local out=$TMP/$name start=$(date +%s.%N)
  env HF_ENDPOINT=http://127.0.0.1:$HF_PORT HFDAILY_ARXIV_URL=http://127.0.0.1:9 HFDAILY_LLM_BASE_URL=http://127.0.0.1:$LLM_PORT/v1 \
    HFDAILY_LLM_MODEL=fake HFDAILY_LLM_API_KEY=sk-bench-secret-0123456789 HFDAILY_TREND_DAYS=0 HFDAILY_CONFIG=/nonexistent \
    HFDAILY_LLM_MAX_RETRIES=3 "$@" PYTHONPATH=$SRC \
    $PY -m hfdaily run --date 2026-01-20 --out "$out" -q --no-pictures --no-audio --no-analysis >"$TMP/$name.log" 2>&1
  local code=$? secs=$(echo "$(date +%s.%N) - $start" | bc)
  [ -n "$llm" ] && kill $llm 2>/dev/null && wait $llm 2>/dev/null
  [ "$name" = endpoint-down ] && tail -3 "$TMP/$name.log" | sed "s/^/    /"
  local translated; translated=$(grep -c "\"title_zh\"" "$out/data/2026-01-20.json" 2>/dev/null); translated=${translated:-0}
  local published=no; [ -f "$out/feed.xml" ] && published=yes
  local leaked=no; grep -rqs "sk-bench-secret" "$TMP/$name.log" && leaked=yes
  sqlite3 "$out/hfdaily.db" "select error from llm_calls" 2>/dev/null | grep -q "sk-bench-secret" && leaked=yes
  printf "%-22s exit %-3s %6.1f s  translated %s/4  published %-3s  key leaked %s\n" "$name" "$code" "$secs" "$translated" "$published" "$leaked"
}
scenario endpoint-down down
if [ $SMOKE = yes ]; then echo "[load average $(cut -d' ' -f1-3 /proc/loadavg)]"; exit 0; fi
scenario key-refused-401 "401,401,401,401,401,401,401,401,401,401,401,401,401,401,401,401,401,401,401,401"
scenario empty-200s "empty_choices,no_choices,html200,empty_choices,no_choices,html200,empty_choices"
scenario drip-timeout-3s "drip" HFDAILY_LLM_TIMEOUT=3
echo "[load average $(cut -d' ' -f1-3 /proc/loadavg)]"
