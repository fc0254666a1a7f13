#!/usr/bin/env bash
# Soak: the release ser-server at saturation for MINUTES (default 10) under a wrk mix of valid and
# invalid requests (scripts/reliability/soak.lua), loopback only. Then checks:
#   - zero 5xx and zero socket errors (wrk's connect/read/write/timeout counters);
#   - RSS flat after warm-up: VmRSS sampled every SOAK_SAMPLE_S seconds (default 5), least-squares slope
#     over the samples after the first 20% of the run, in MB per hour;
#   - file descriptors flat (/proc/PID/fd count);
#   - a clean exit (0) on SIGTERM.
#   scripts/reliability/soak.sh [MINUTES]    env: SOAK_CONNECTIONS (8), SOAK_THREADS (1), SOAK_NO_BUILD=1, SOAK_MAX_SLOPE_MB_H (20)
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
MINUTES=${1:-10}
CONNECTIONS=${SOAK_CONNECTIONS:-8}
WRK_THREADS=${SOAK_THREADS:-1}
SAMPLE_S=${SOAK_SAMPLE_S:-5}
MAX_SLOPE=${SOAK_MAX_SLOPE_MB_H:-20}
for tool in wrk sox curl; do command -v $tool > /dev/null || { echo "$tool is missing (scripts/setup/setup.sh installs it)"; exit 2; }; done

if [[ -z "${SOAK_NO_BUILD:-}" ]]; then
    nice -n 10 swift build -c release --product ser-server 2>&1 | grep -E "error|Compiling|Build" || true
fi
BIN=$(swift build -c release --show-bin-path)/ser-server
[[ -x "$BIN" ]] || { echo "no release ser-server at $BIN"; exit 2; }

WORK=$(mktemp -d /tmp/ser-soak.XXXXXX)
trap 'kill $SERVER_PID 2>/dev/null; kill $SAMPLER_PID 2>/dev/null; rm -rf "$WORK"' EXIT
mkdir -p "$WORK/models/tiny/1"
cp fuzz/corpus/model/tinymodel-tiny.safetensors "$WORK/models/tiny/1/model.safetensors"
# A 3 s mono 16 kHz "speech-like" harmonic tone and a 2 s stereo 8 kHz mu-law call.
sox -n -r 16000 -c 1 -b 16 "$WORK/speech.wav" synth 3 sine 150 sine 300 tremolo 4 60 gain -6 2>/dev/null
sox -n -r 8000 -c 2 -e u-law "$WORK/stereo-mulaw.wav" synth 2 sine 180 sine 260 gain -6 2>/dev/null

PORT=${SOAK_PORT:-$((20000 + RANDOM % 20000))}
"$BIN" --host 127.0.0.1 --port "$PORT" --models "$WORK/models" --log-level warning --max-queue 64 \
    > "$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/v2/health/ready" > /dev/null && break; sleep 0.1; done
curl -sf "http://127.0.0.1:$PORT/v2/health/ready" > /dev/null || { echo "server not ready"; cat "$WORK/server.log"; exit 1; }

sample() {
    local t0=$SECONDS
    while kill -0 "$SERVER_PID" 2>/dev/null; do
        rss=$(awk '/^VmRSS/ {print $2}' "/proc/$SERVER_PID/status" 2>/dev/null)
        fds=$(ls "/proc/$SERVER_PID/fd" 2>/dev/null | wc -l)
        thr=$(awk '/^Threads/ {print $2}' "/proc/$SERVER_PID/status" 2>/dev/null)
        [[ -n "$rss" ]] && echo "$((SECONDS - t0)) $rss $fds $thr" >> "$WORK/samples.txt"
        sleep "$SAMPLE_S"
    done
}
sample & SAMPLER_PID=$!

echo "soak: ${MINUTES} min, $CONNECTIONS connections, server pid $SERVER_PID on port $PORT, load $(cut -d' ' -f1-3 /proc/loadavg)"
SOAK_DIR="$WORK" wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"${MINUTES}m" --timeout 30s -s scripts/reliability/soak.lua \
    "http://127.0.0.1:$PORT" > "$WORK/wrk.txt" 2>&1
sleep "$SAMPLE_S"
# After the load: idle figures, then a clean SIGTERM.
kill $SAMPLER_PID 2>/dev/null
idle_rss=$(awk '/^VmRSS/ {print $2}' "/proc/$SERVER_PID/status")
idle_fds=$(ls "/proc/$SERVER_PID/fd" | wc -l)
kill -TERM "$SERVER_PID"; wait "$SERVER_PID"; exit_status=$?

cat "$WORK/wrk.txt"
echo
awk -v max="$MAX_SLOPE" -v idle_rss="$idle_rss" -v idle_fds="$idle_fds" '
    { t[NR] = $1; r[NR] = $2 / 1024; f[NR] = $3; th[NR] = $4 }
    END {
        n = NR; start = int(n * 0.2) + 1
        sx = sy = sxx = sxy = 0; m = 0
        for (i = start; i <= n; i++) { m++; sx += t[i]; sy += r[i]; sxx += t[i] * t[i]; sxy += t[i] * r[i] }
        slope = (m > 1 && (m * sxx - sx * sx) != 0) ? (m * sxy - sx * sy) / (m * sxx - sx * sx) * 3600 : 0
        fmin = fmax = f[start]; rmin = rmax = r[start]
        for (i = start; i <= n; i++) { if (f[i] < fmin) fmin = f[i]; if (f[i] > fmax) fmax = f[i]; if (r[i] < rmin) rmin = r[i]; if (r[i] > rmax) rmax = r[i] }
        printf "SOAK rss_mb first=%.1f after_warmup=%.1f last=%.1f min=%.1f max=%.1f idle_after=%.1f slope_mb_per_h=%.2f (samples %d, %d after warm-up)\n", r[1], r[start], r[n], rmin, rmax, idle_rss / 1024, slope, n, m
        printf "SOAK fds first=%d after_warmup=%d last=%d min=%d max=%d idle_after=%d threads=%d\n", f[1], f[start], f[n], fmin, fmax, idle_fds, th[n]
        printf "SOAK rss_flat=%s\n", (slope <= max ? "yes" : "NO")
    }' "$WORK/samples.txt" | tee "$WORK/summary.txt"
echo "SOAK server_exit=$exit_status"
grep -c '"level":"error"\|level=error' "$WORK/server.log" | sed 's/^/SOAK server_error_log_lines=/'
cp "$WORK/samples.txt" "${SOAK_SAMPLES_OUT:-/tmp/ser-soak-samples.txt}" 2>/dev/null

fail=0
grep -q "SOAK requests=.* 5xx=0 errors_connect=0 errors_read=0 errors_write=0 errors_status=[0-9]* errors_timeout=0" "$WORK/wrk.txt" || { echo "FAIL: 5xx or socket errors"; fail=1; }
grep -q "rss_flat=yes" "$WORK/summary.txt" || { echo "FAIL: RSS grows"; fail=1; }
(( exit_status == 0 )) || { echo "FAIL: server exit $exit_status"; fail=1; }
(( fail == 0 )) && echo "SOAK PASS"
exit $fail
