#!/usr/bin/env bash
# Exercises the compose stack's load balancer without Docker: two ser-server processes and HAProxy
# with deploy/haproxy/haproxy.cfg itself (only its address variables differ from compose), loopback only.
#
#   scripts/deploy/check-load-balancer.sh        (~1 minute once the release binary is built)
#
# Checks:
#   1. balance: 40 predictions through the load balancer are split between the replicas (each
#      serves at least 30%), and each replica's own request log holds exactly the request ids the
#      X-Served-By header attributed to it;
#   2. failover: under a steady load of 4 concurrent clients, ser-1 gets SIGTERM (as `docker compose
#      stop` or a rolling update sends it): no request fails, requests sent after ser-1 stopped
#      listening are served by ser-2, ser-1 drains its in-flight requests and exits 0, HAProxy marks
#      it DOWN;
#   3. rejoin: ser-1 starts again; the readiness check puts it back in rotation and both serve.
set -euo pipefail
cd "$(dirname "$0")/../.."
top=$PWD
work=$(mktemp -d /tmp/ser-check-lb.XXXXXX)
start=$(date +%s)
step() { printf '\n== [%3ss] %s\n' "$(( $(date +%s) - start ))" "$*"; }
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
fail() {
  echo "check-load-balancer: FAIL: $*" >&2
  for log in ser-1 ser-2 haproxy; do [ -f "$work/$log.log" ] && { echo "--- $log" >&2; tail -n 15 "$work/$log.log" >&2; }; done
  exit 1
}
for tool in haproxy curl python3 espeak-ng sox; do command -v "$tool" >/dev/null || fail "$tool missing (scripts/setup/setup.sh)"; done

# The image's binary: the Dockerfile's build command, in the scratch path check-runtime-image.sh
# uses too, so the two checks share one release build.
binary=${SER_SERVER:-$top/.build-container/release/ser-server}
if [ -z "${SER_SERVER:-}" ]; then
  eval "$(python3 scripts/deploy/dockerfile-plan.py Dockerfile)"
  step "build: $BUILD_COMMAND --scratch-path .build-container"
  # shellcheck disable=SC2086  # split into words, as the Dockerfile's shell does
  timeout 1800 $BUILD_COMMAND --scratch-path "$top/.build-container" > "$work/build.log" 2>&1 || { grep error "$work/build.log" | head; fail build; }
  tail -n 1 "$work/build.log"
fi
models=$top/Models
if ! find "$models" -name model.safetensors | grep -q .; then
  models=$work/models
  python3 scripts/fixtures/make-test-model.py "$models" > /dev/null
  echo "Models/ holds no model yet: serving a generated test model"
fi
read -r lb_port port1 port2 < <(python3 -c '
import socket
socks = [socket.socket() for _ in range(3)]
for s in socks: s.bind(("127.0.0.1", 0))
print(*[s.getsockname()[1] for s in socks])')

pid_ser_1=''  # set by start_replica (printf -v)
start_replica() {  # name port
  SER_HOST=127.0.0.1 SER_PORT=$2 SER_MODELS=$models SER_LOG_FORMAT=logfmt SER_DRAIN_TIMEOUT=25 OPENBLAS_NUM_THREADS=1 \
    "$binary" >> "$work/$1.log" 2>&1 &
  printf -v "pid_${1//-/_}" %s "$!"
  pids+=("$!")
  for _ in $(seq 100); do curl -fs "http://127.0.0.1:$2/v2/health/ready" >/dev/null && return 0; sleep 0.1; done
  fail "$1 not ready"
}
step "start ser-1 (127.0.0.1:$port1), ser-2 (127.0.0.1:$port2) and HAProxy (127.0.0.1:$lb_port) with deploy/haproxy/haproxy.cfg"
start_replica ser-1 "$port1"
start_replica ser-2 "$port2"
LB_BIND=127.0.0.1:$lb_port SER_1=127.0.0.1:$port1 SER_2=127.0.0.1:$port2 haproxy -db -f deploy/haproxy/haproxy.cfg > "$work/haproxy.log" 2>&1 &
pids+=("$!")
for _ in $(seq 50); do curl -fs "http://127.0.0.1:$lb_port/lb/health" >/dev/null && break; sleep 0.1; done
[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$lb_port/v2/health/ready")" = 200 ] || fail "readiness through the load balancer"
sleep 2.5  # one round of health checks

espeak-ng -w "$work/speech.wav" "Hello, I am calling about my bill. I have been waiting for two weeks and nobody called me back."
sox "$work/speech.wav" -r 8000 -c 2 -b 16 "$work/call.wav" remix 1 1
cat > "$work/client.py" <<'EOF'
"""Load client: POSTs the call to the load balancer and records status, replica and timing per request.
    client.py PORT WAV PREFIX THREADS SECONDS|COUNT(sequential) OUT.json"""
import http.client, json, sys, threading, time
port, wav, prefix, threads, amount, out = int(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5], sys.argv[6]
body = open(wav, "rb").read()
records, lock, stop_at = [], threading.Lock(), None
def one(rid):
    began = time.time()
    try:
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        c.request("POST", "/v1/predict", body, {"Content-Type": "audio/wav", "X-Request-Id": rid})
        r = c.getresponse(); payload = r.read(); c.close()
        ok = r.status == 200 and abs(sum(json.loads(payload)["overall"]["probabilities"].values()) - 1) < 1e-3
        rec = {"id": rid, "status": r.status, "ok": ok, "served_by": r.getheader("X-Served-By"), "start": began, "end": time.time()}
    except Exception as e:  # a failed request is a result, not a crash
        rec = {"id": rid, "status": 0, "ok": False, "error": repr(e), "served_by": None, "start": began, "end": time.time()}
    with lock: records.append(rec)
def worker(n):
    i = 0
    while time.time() < stop_at:
        one(f"{prefix}-{n}-{i}"); i += 1
if threads == 0:
    for i in range(int(amount)): one(f"{prefix}-{i}")
else:
    stop_at = time.time() + float(amount)
    ts = [threading.Thread(target=worker, args=(n,)) for n in range(threads)]
    for t in ts: t.start()
    for t in ts: t.join()
json.dump(records, open(out, "w"))
EOF

step "1. balance: 40 sequential predictions through the load balancer"
python3 "$work/client.py" "$lb_port" "$work/call.wav" balance 0 40 "$work/balance.json"
python3 - "$work/balance.json" "$work/ser-1.log" "$work/ser-2.log" <<'EOF' || fail "balance"
import json, re, sys
records = json.load(open(sys.argv[1]))
bad = [r for r in records if not r["ok"]]
assert not bad, f"failed requests: {bad[:3]}"
counts = {name: sum(r["served_by"] == name for r in records) for name in ("ser-1", "ser-2")}
print(f"served: ser-1 {counts['ser-1']}, ser-2 {counts['ser-2']} of {len(records)}, all 200 with probabilities")
assert min(counts.values()) >= 0.3 * len(records), "unbalanced"
for name, log in (("ser-1", sys.argv[2]), ("ser-2", sys.argv[3])):
    logged = set(re.findall(r"request_id=(balance-\d+)", open(log).read()))
    claimed = {r["id"] for r in records if r["served_by"] == name}
    assert logged == claimed, f"{name}: its log and X-Served-By disagree ({len(logged)} vs {len(claimed)})"
print("each replica's own request log matches the X-Served-By header")
EOF

step "2. failover: 4 concurrent clients for 12 s; SIGTERM to ser-1 after 4 s"
python3 "$work/client.py" "$lb_port" "$work/call.wav" failover 4 12 "$work/failover.json" &
client=$!
sleep 4
sigterm_at=$(date +%s.%N)
kill -TERM "$pid_ser_1"
set +e; wait "$pid_ser_1"; ser1_status=$?; set -e
ser1_exited_at=$(date +%s.%N)
wait "$client"
[ "$ser1_status" = 0 ] || fail "ser-1 exited $ser1_status after SIGTERM"
python3 - "$work/failover.json" "$sigterm_at" "$ser1_exited_at" "$work/ser-1.log" <<'EOF' || fail "failover"
import datetime, json, re, sys
records, sigterm, exited = json.load(open(sys.argv[1])), float(sys.argv[2]), float(sys.argv[3])
log = open(sys.argv[4]).read()
# ser-1 closes its listener right after logging "draining"; requests that reached it before then are
# still served (drained). Everything sent 0.2 s after that line must go to ser-2.
stamp = re.search(r"ts=(\S+) level=info logger=ser-server msg=draining", log).group(1)
draining = datetime.datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp()
bad = [r for r in records if not r["ok"]]
def split(rs):
    return f"ser-1 {sum(r['served_by'] == 'ser-1' for r in rs)}, ser-2 {sum(r['served_by'] == 'ser-2' for r in rs)}"
before = [r for r in records if r["start"] < sigterm]
between = [r for r in records if sigterm <= r["start"] <= draining + 0.2]
after = [r for r in records if r["start"] > draining + 0.2]
print(f"{len(records)} requests, {len(bad)} failed: {len(before)} began before SIGTERM ({split(before)}); "
      f"{len(between)} while ser-1 was closing its listener ({split(between)}); {len(after)} after ({split(after)})")
print(f"ser-1 logged 'draining' {draining - sigterm:.3f} s after the signal was sent")
assert not bad, f"failed requests: {bad[:3]}"
assert after and all(r["served_by"] == "ser-2" for r in after), "requests after ser-1 stopped listening reached it"
assert any(r["served_by"] == "ser-1" for r in before), "ser-1 served nothing before SIGTERM"
abandoned = re.findall(r'msg=stopped abandoned_requests=(\d+)', log)
assert abandoned == ["0"], f"ser-1 stop line: {abandoned}"
print(f"ser-1 drained and exited 0 in {exited - sigterm:.2f} s, abandoned_requests=0")
EOF
grep -q "ser/ser-1 is DOWN" "$work/haproxy.log" || fail "HAProxy did not mark ser-1 DOWN"
echo "HAProxy: $(grep -o 'Server ser/ser-1 is DOWN[^,]*' "$work/haproxy.log" | head -n 1)"
# httplog: "<termination state> actconn/feconn/beconn/srv_conn/retries"; "+N" means redispatched.
retried=$(grep -c -E ' [-A-Za-z]{4} [0-9]+/[0-9]+/[0-9]+/[0-9]+/\+?[1-9]' "$work/haproxy.log" || true)
echo "requests HAProxy retried on another connection or replica (httplog retries field > 0): $retried"

step "3. rejoin: restart ser-1; readiness checks put it back"
start_replica ser-1 "$port1"
for _ in $(seq 50); do grep -q "ser/ser-1 is UP" "$work/haproxy.log" && break; sleep 0.2; done
grep -q "ser/ser-1 is UP" "$work/haproxy.log" || fail "ser-1 did not rejoin"
python3 "$work/client.py" "$lb_port" "$work/call.wav" rejoin 0 20 "$work/rejoin.json"
python3 - "$work/rejoin.json" <<'EOF' || fail "rejoin"
import json, sys
records = json.load(open(sys.argv[1]))
assert all(r["ok"] for r in records)
counts = {n: sum(r["served_by"] == n for r in records) for n in ("ser-1", "ser-2")}
print(f"after rejoin: ser-1 {counts['ser-1']}, ser-2 {counts['ser-2']} of {len(records)}")
assert min(counts.values()) >= 5
EOF
step "check-load-balancer: OK"
