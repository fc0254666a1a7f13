#!/usr/bin/env bash
# Service benchmark: ser-server vs the Python peer in one run (see run.py). Needs scripts/setup/setup.sh
# (wrk, sox, .venv) and ../shared/data for speech clips.
set -euo pipefail
cd "$(dirname "$0")/../.."
swift build -c release --product ser-server
exec .venv/bin/python benchmarks/service/run.py "$@"
