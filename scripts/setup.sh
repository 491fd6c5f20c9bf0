#!/usr/bin/env bash
# Set up hfdaily on a fresh Debian/Ubuntu machine: system packages, a virtualenv, the package.
#   bash scripts/setup.sh          # to run hfdaily
#   bash scripts/setup.sh test     # also the test dependencies
set -euo pipefail
cd "$(dirname "$0")/.."

# A CJK font (else pictures show boxes) and espeak-ng (offline speech when edge-tts has no network).
SYSTEM_PACKAGES="fonts-wqy-microhei espeak-ng"
# The site's browser tests drive Debian's chromium with playwright (`playwright install` needs a download).
if [ "${1:-}" = "test" ]; then SYSTEM_PACKAGES="$SYSTEM_PACKAGES chromium"; fi
missing=""
for pkg in $SYSTEM_PACKAGES; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing="$missing $pkg"
done
if [ -n "$missing" ]; then
  if command -v apt-get >/dev/null 2>&1; then
    SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
    echo "installing system packages:$missing"
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
  else
    echo "warning: please install a CJK font (e.g. Noto Sans CJK) and espeak-ng with your package manager" >&2
  fi
fi

PYTHON="${PYTHON:-python3}"
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
# The install is editable (source changes are live), so pip is needed again only when pyproject.toml
# changes: a stamp of its hash (and of the extras) skips the ~20 s of pip on every later call.
STAMP=.venv/.hfdaily-installed
WANT="$(sha256sum pyproject.toml | cut -d' ' -f1) ${1:-run}"
HAVE="$(cat "$STAMP" 2>/dev/null || true)"
if [ "$HAVE" = "$WANT" ] || { [ "${1:-run}" = run ] && [ "$HAVE" = "${WANT% *} test" ]; }; then
  .venv/bin/python -c "import hfdaily" 2>/dev/null && exit 0
fi
.venv/bin/python -m pip install -q --upgrade pip
if [ "${1:-}" = "test" ]; then
  .venv/bin/python -m pip install -q -e '.[test]'
else
  .venv/bin/python -m pip install -q -e .
fi
echo "$WANT" > "$STAMP"
