#!/usr/bin/env bash
# Renders a self-contained HTML training/evaluation report to a PNG with headless Chromium
# (Debian's `chromium` package, installed by scripts/setup/setup.sh).
#
#   scripts/training/render-report.sh REPORT.html OUT.png [WIDTH,HEIGHT]     (default 1200,1800)
set -euo pipefail
if [ $# -lt 2 ] || [ $# -gt 3 ]; then
  echo "usage: $0 REPORT.html OUT.png [WIDTH,HEIGHT]" >&2; exit 2
fi
html=$(realpath "$1")
out=$(realpath -m "$2")
size=${3:-1200,1800}
browser=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
if [ -z "$browser" ]; then
  echo "render-report.sh: chromium not found (scripts/setup/setup.sh installs it)" >&2; exit 1
fi
# A throw-away profile keeps concurrent renders (and the user's own browser) apart.
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
rm -f "$out"
"$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars --no-first-run --disable-dev-shm-usage \
  --user-data-dir="$profile" --screenshot="$out" --window-size="$size" "file://$html" >/dev/null 2>&1 || true
if [ ! -s "$out" ]; then
  echo "render-report.sh: chromium wrote no screenshot for $html" >&2; exit 1
fi
echo "$out"
