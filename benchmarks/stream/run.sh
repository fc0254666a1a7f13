#!/usr/bin/env bash
# Live-stream capacity and latency: builds the release ser-server and runs benchmarks/stream/run.py
# (arguments passed through, e.g. --streams 100,300 --seconds 30). Loopback only, bounded.
set -euo pipefail
cd "$(dirname "$0")/../.."
scripts/setup/setup.sh >/dev/null
swift build -c release --product ser-server
exec .venv/bin/python benchmarks/stream/run.py "$@"
