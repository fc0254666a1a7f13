#!/usr/bin/env bash
# LeakSanitizer run of the server: the AddressSanitizer build of ser-server (.build-asan, see
# scripts/reliability/sanitizers.sh) under SECONDS (default 30) of the soak mix plus the fuzzer-found Ogg Vorbis
# input, then SIGTERM; LeakSanitizer reports at exit. Suppressed third-party leaks are listed with
# their counts (fuzz/lsan-suppressions.txt explains each).
#   scripts/reliability/leak-check.sh [SECONDS]     env: LEAK_NO_BUILD=1
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
DURATION=${1:-30}
if [[ -z "${LEAK_NO_BUILD:-}" ]]; then
    nice -n 10 swift build --sanitize=address --scratch-path .build-asan --product ser-server 2>&1 | grep -E "error|Build complete" || true
fi
BIN=.build-asan/debug/ser-server
WORK=$(mktemp -d /tmp/ser-leak.XXXXXX)
trap 'kill $SERVER_PID 2>/dev/null; rm -rf "$WORK"' EXIT
mkdir -p "$WORK/models/tiny/1"
cp fuzz/corpus/model/tinymodel-tiny.safetensors "$WORK/models/tiny/1/model.safetensors"
sox -n -r 16000 -c 1 -b 16 "$WORK/speech.wav" synth 3 sine 150 sine 300 tremolo 4 60 gain -6 2>/dev/null
sox -n -r 8000 -c 2 -e u-law "$WORK/stereo-mulaw.wav" synth 2 sine 180 sine 260 gain -6 2>/dev/null
PORT=$((20000 + RANDOM % 20000))
ASAN_OPTIONS="detect_leaks=1" \
LSAN_OPTIONS="suppressions=$PWD/fuzz/lsan-suppressions.txt:print_suppressions=1" \
    "$BIN" --host 127.0.0.1 --port "$PORT" --models "$WORK/models" --log-level warning --drain-timeout 60 > "$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 300); do curl -sf "http://127.0.0.1:$PORT/v2/health/ready" > /dev/null && break; sleep 0.1; done
SOAK_DIR="$WORK" wrk -t1 -c4 -d"${DURATION}s" --timeout 60s -s scripts/reliability/soak.lua "http://127.0.0.1:$PORT" | grep SOAK
ogg=0
for _ in $(seq 20); do
    curl -s -o /dev/null -H "Content-Type: audio/ogg" --data-binary @Tests/ServiceTests/BadInputs/ogg_vorbis_bad_setup_header.ogg \
        "http://127.0.0.1:$PORT/v1/predict" && ogg=$((ogg + 1))
done
echo "LEAK ogg_vorbis_bad_setup_header requests=$ogg"
kill -TERM "$SERVER_PID"; wait "$SERVER_PID"; status=$?
cp "$WORK/server.log" "${LEAK_LOG_OUT:-/tmp/ser-leak-server.log}"
echo "LEAK server_exit=$status"
grep -E "SUMMARY: .*Sanitizer|Suppressions used|^ *count|^ *[0-9]+ +[0-9]+ +[A-Za-z_$]" "$WORK/server.log" | sed "s/^/LEAK /"
grep -E -A14 "ERROR: (Leak|Address)Sanitizer" "$WORK/server.log" | head -60
if grep -q "ERROR: .*Sanitizer" "$WORK/server.log"; then echo "LEAK FAIL"; exit 1; fi
echo "LEAK PASS (no unsuppressed leak or memory error)"
