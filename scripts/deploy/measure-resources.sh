#!/usr/bin/env bash
# Measures what the Kubernetes requests/limits in deploy/kubernetes are sized from: the release
# server's resident memory idle and under load, and CPU time per prediction, with wrk on loopback.
#
#   scripts/deploy/measure-resources.sh [BINARY]      (default .build/release/ser-server; ~2 minutes)
#
# Model: Models/ when it holds one, else the production-sized stand-in of scripts/fixtures/make-test-model.py
# --cnn (the benchmarks/nn CNN with random weights). Audio: espeak-ng speech as 8 kHz stereo
# telephone WAV, CALL_SECONDS long (default 30). Load: wrk, CONNECTIONS connections (default 4, twice
# the default --max-concurrency on 2 cores, so a queue forms) for DURATION seconds (default 30).
# CPU per request = (utime + stime of the server over the run) / requests completed.
set -euo pipefail
cd "$(dirname "$0")/../.."
binary=${1:-.build/release/ser-server}
call_seconds=${CALL_SECONDS:-30}
connections=${CONNECTIONS:-4}
duration=${DURATION:-30}
port=${PORT:-18180}
work=$(mktemp -d /tmp/ser-measure.XXXXXX)
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
for tool in wrk espeak-ng sox curl python3; do command -v "$tool" >/dev/null || { echo "measure-resources: $tool missing (scripts/setup/setup.sh)" >&2; exit 1; }; done
[ -x "$binary" ] || { echo "measure-resources: no $binary (swift build -c release --product ser-server)" >&2; exit 1; }

models=Models
if ! find Models -name model.safetensors | grep -q .; then
  models=$work/models
  python3 scripts/fixtures/make-test-model.py --cnn "$models" >/dev/null
fi

# Speech long enough for the call length (repeated), as an 8 kHz stereo 16-bit WAV.
espeak-ng -w "$work/speech.wav" "Hello, I am calling about my bill. I have been waiting for two weeks and nobody called me back. Can you please tell me what is going on with my account?"
speech_seconds=$(soxi -D "$work/speech.wav")
repeats=$(python3 -c "import math; print(math.ceil($call_seconds / $speech_seconds))")
sox "$work/speech.wav" -r 8000 -c 2 -b 16 "$work/call.wav" remix 1 1 repeat "$repeats" trim 0 "$call_seconds"
cat > "$work/post.lua" <<EOF
local f = assert(io.open("$work/call.wav", "rb")); local body = f:read("*all"); f:close()
wrk.method = "POST"; wrk.body = body; wrk.headers["Content-Type"] = "audio/wav"
EOF

clock_ticks=$(getconf CLK_TCK)
cpu_seconds() { awk -v t="$clock_ticks" '{ print ($14 + $15) / t }' "/proc/$pid/stat"; }
rss() { awk -v key="$1" '$1 == key":" { printf "%.1f", $2 / 1024 }' "/proc/$pid/status"; }

SER_LOG_LEVEL=warning "$binary" --models "$models" --host 127.0.0.1 --port "$port" > "$work/server.log" 2>&1 &
pid=$!
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$port/v2/health/ready" >/dev/null && break; sleep 0.1; done
curl -fs "http://127.0.0.1:$port/v2/health/ready" >/dev/null || { cat "$work/server.log"; exit 1; }
sleep 2
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "model: $(curl -s "http://127.0.0.1:$port/v2/health/ready")"
echo "idle after start: RSS $(rss VmRSS) MiB"

# One request alone: latency and CPU.
before=$(cpu_seconds)
single=$(curl -s -o /dev/null -w '%{time_total}' -H 'Content-Type: audio/wav' --data-binary "@$work/call.wav" "http://127.0.0.1:$port/v1/predict")
after=$(cpu_seconds)
echo "one ${call_seconds} s stereo call alone: $(python3 -c "print(f'{$single*1000:.0f} ms wall, {($after-$before)*1000:.0f} ms CPU')"); RSS $(rss VmRSS) MiB"

before=$(cpu_seconds)
wrk -t 2 -c "$connections" -d "${duration}s" --timeout 30s -s "$work/post.lua" --latency "http://127.0.0.1:$port/v1/predict" > "$work/wrk.txt"
after=$(cpu_seconds)
requests=$(awk '/requests in/ {print $1}' "$work/wrk.txt")
non2xx=$(awk '/Non-2xx/ {print $NF}' "$work/wrk.txt"); non2xx=${non2xx:-0}
grep -E "Latency|50%|99%|Requests/sec|requests in|Non-2xx|Socket errors" "$work/wrk.txt" | sed 's/^/  wrk: /'
python3 - "$requests" "$before" "$after" "$duration" "$non2xx" <<'EOF'
import sys
n, before, after, duration, bad = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5])
cpu = after - before
print(f"under load: {n} requests ({bad} non-2xx) in {duration:.0f} s; server CPU {cpu:.1f} s = {cpu / duration:.2f} cores busy; "
      f"{1000 * cpu / max(n, 1):.0f} ms CPU per request")
EOF
echo "under load: RSS $(rss VmRSS) MiB now, peak (VmHWM) $(rss VmHWM) MiB"
sleep 5
echo "idle after load: RSS $(rss VmRSS) MiB"
