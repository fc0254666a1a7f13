#!/usr/bin/env bash
# Property-based API conformance: schemathesis generates requests from openapi.yaml and checks every
# response against the spec (status codes, schemas, headers, content types), against a live
# ser-server on a loopback port. Bounded: a fixed number of examples per operation and a seed.
#
#   scripts/api/api-conformance.sh MODELS_DIR [EXAMPLES]
#
# One check is excluded, for a reason the spec cannot express: `positive_data_acceptance` expects
# every schema-valid request to succeed, but the request body is "binary audio", and random bytes are
# schema-valid yet are not audio (the server rightly answers 400 not_audio).
set -euo pipefail
cd "$(dirname "$0")/../.."
models=${1:?usage: scripts/api/api-conformance.sh MODELS_DIR [EXAMPLES]}
examples=${2:-25}
server=${SER_SERVER_BINARY:-.build/debug/ser-server}
port=$(.venv/bin/python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
log=$(mktemp)
"$server" --host 127.0.0.1 --port "$port" --models "$models" --log-level warning >"$log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; rm -f "$log"' EXIT
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.1; done
.venv/bin/schemathesis run openapi.yaml --url "http://127.0.0.1:$port" \
  --checks all --exclude-checks positive_data_acceptance \
  --max-examples "$examples" --seed 20261121 --request-timeout 30 --no-color
