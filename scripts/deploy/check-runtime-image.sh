#!/usr/bin/env bash
# Proves the Dockerfile's runtime stage is complete without a Docker engine: rebuilds that stage in a
# minimal Debian bookworm root and serves a real prediction from it, as the image's non-root user.
#
#   scripts/deploy/check-runtime-image.sh          (root; needs debootstrap, unshare/nsenter, ip, curl, sox, espeak-ng)
#
# Steps, each bounded in time:
#   1. build the binary with the build stage's own `swift build` command (read from the Dockerfile;
#      only --scratch-path differs, so the developer's .build/ is left alone);
#   2. a minimal root: `debootstrap --variant=minbase bookworm`, cached in .build-rootfs/ (gitignored;
#      reused when present; delete it to refresh);
#   3. replay the Dockerfile's runtime stage in a fresh copy of that root: every RUN verbatim under
#      /bin/sh -c in a chroot (so the apt-get package list and the useradd are the Dockerfile's own),
#      every COPY, then USER, ENV, ENTRYPOINT and HEALTHCHECK as the image declares them;
#   4. start the ENTRYPOINT as PID 1 of new PID, network and mount namespaces (loopback only) with the
#      root file system mounted read-only and /proc mounted, as USER, with ENV and nothing else;
#   5. run the HEALTHCHECK command inside it until it passes (the image's own probe: bash, no curl),
#      check the process's uid, send predictions in several containers (WAV PCM, WAV mu-law, FLAC,
#      Ogg Vorbis, MP3 - each codec library of libsndfile is loaded) and assert 200 with probabilities;
#   6. send STOPSIGNAL and require exit status 0 (PID 1 drains and exits).
# Mounts live in the namespaces and vanish with them; the trap stops the server if the script fails.
set -euo pipefail
cd "$(dirname "$0")/../.."
top=$PWD

cache=${SER_ROOTFS_CACHE:-$top/.build-rootfs}
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
scratch=$top/.build-container
base=$cache/bookworm-minbase
root=$cache/runtime-root
work=$(mktemp -d /tmp/ser-check-image.XXXXXX)
start=$(date +%s)
step() { printf '\n== [%3ss] %s\n' "$(( $(date +%s) - start ))" "$*"; }
fail() { echo "check-runtime-image: FAIL: $*" >&2; [ -f "$work/server.log" ] && tail -n 30 "$work/server.log" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || fail "needs root (debootstrap, chroot, namespaces)"
for tool in debootstrap unshare nsenter ip curl sox espeak-ng python3; do
  command -v "$tool" >/dev/null || fail "$tool is missing (scripts/setup/setup.sh installs it)"
done

server_pid=
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then kill -KILL "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

dockerfile=${DOCKERFILE:-Dockerfile}  # another file only to test this check itself
eval "$(python3 scripts/deploy/dockerfile-plan.py "$dockerfile")"
[ "$RUNTIME_BASE" = "debian:bookworm-slim" ] || fail "runtime base is $RUNTIME_BASE; this check builds debian bookworm"

step "1. build: $BUILD_COMMAND --scratch-path .build-container"
# shellcheck disable=SC2086  # the command line is split into words, as the Dockerfile's shell does
timeout 1800 $BUILD_COMMAND --scratch-path "$scratch" > "$work/build.log" 2>&1 || { grep -E "error" "$work/build.log" | head; fail "build"; }
tail -n 1 "$work/build.log"
binary=$scratch/release/ser-server
[ -x "$binary" ] || fail "no binary at $binary"
echo "binary: $(du -h "$binary" | cut -f1); dynamic dependencies: $(readelf -d "$binary" | sed -n 's/.*NEEDED.*\[\(.*\)\]/\1/p' | tr '\n' ' ')"

step "2. minimal Debian bookworm root ($base)"
if [ ! -f "$base.complete" ]; then
  rm -rf "$base.tmp"
  timeout 900 debootstrap --variant=minbase bookworm "$base.tmp" "$mirror" > "$work/debootstrap.log" 2>&1 \
    || { tail -n 20 "$work/debootstrap.log"; fail "debootstrap"; }
  rm -rf "$base" && mv "$base.tmp" "$base" && touch "$base.complete"
  echo "debootstrapped"
else
  echo "cached (delete $base.complete to rebuild)"
fi

step "3. replay the runtime stage of the Dockerfile"
rm -rf "$root" && cp -a "$base" "$root"
chroot "$root" dpkg-query -W -f='${Package}\n' | sort > "$work/packages-before"
cp /etc/resolv.conf "$root/etc/resolv.conf"
mkdir -p "$cache/apt-archives/partial"
for run in "${RUNTIME_RUNS[@]}"; do
  echo "RUN $run"
  # A private mount namespace: /proc and the .deb cache are mounted for this RUN only.
  timeout 600 unshare --mount --pid --fork --propagation private /bin/sh -c '
      mount -t proc proc "$1/proc" && mount --bind "$2" "$1/var/cache/apt/archives" && exec chroot "$1" /usr/bin/env -i \
        PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root /bin/sh -c "$3"' \
      sh "$root" "$cache/apt-archives" "$run" > "$work/run.log" 2>&1 \
    || { tail -n 20 "$work/run.log"; fail "RUN failed"; }
done
chroot "$root" dpkg-query -W -f='${Package}\n' | sort > "$work/packages-after"
added=$(comm -13 "$work/packages-before" "$work/packages-after" | tr '\n' ' ')
echo "packages named: ${RUNTIME_PACKAGES[*]}"
echo "packages added over minbase ($(echo "$added" | wc -w)): $added"
for copy in "${RUNTIME_COPIES[@]}"; do
  IFS='|' read -r from source destination chown <<<"$copy"
  echo "COPY ${from:+--from=$from }$source $destination"
  case "$from:$source" in
    build:/out/ser-server) install -D -m 0755 "$binary" "$root$destination" ;;
    :*) [ -e "$top/$source" ] || fail "COPY source $source missing"
        if [ -d "$top/$source" ]; then mkdir -p "$root$destination" && cp -a "$top/$source/." "$root$destination/"
        else install -D "$top/$source" "$root$destination"; fi ;;
    *) fail "COPY --from=$from $source is not understood by this check" ;;
  esac
  chown -R "${chown:-0:0}" "$root$destination"
done
models_dir=
for pair in "${RUNTIME_ENV[@]}"; do [ "${pair%%=*}" = SER_MODELS ] && models_dir=${pair#*=}; done
if ! find "$root$models_dir" -name model.safetensors | grep -q .; then
  echo "Models/ holds no model yet: adding a generated test model to $models_dir (as a mounted models volume would)"
  python3 scripts/fixtures/make-test-model.py "$root$models_dir" >/dev/null
fi
chroot "$root" ldd /usr/local/bin/ser-server > "$work/ldd" 2>&1 || true
if grep -q "not found" "$work/ldd"; then grep "not found" "$work/ldd"; fail "libraries missing in the runtime root"; fi
echo "ldd in the runtime root: $(grep -c '=>' "$work/ldd") libraries resolved, none missing"
echo "runtime root size: $(du -sh --exclude=proc "$root" | cut -f1) (minbase $(du -sh "$base" | cut -f1)); apt lists removed: $(find "$root/var/lib/apt/lists" -maxdepth 1 -type f ! -name lock | grep -q . && echo no || echo yes)"

step "4. start ${RUNTIME_ENTRYPOINT[*]} as PID 1, user $RUNTIME_USER, read-only root, loopback-only network"
uid=${RUNTIME_USER%%:*}; gid=${RUNTIME_USER#*:}; [ "$gid" != "$RUNTIME_USER" ] || gid=$uid
env_args=(PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/nonexistent "${RUNTIME_ENV[@]}")
unshare --net --pid --mount --fork --kill-child --propagation private /bin/sh -c '
    root=$1; uid=$2; gid=$3; shift 3
    ip link set lo up
    mount --bind "$root" "$root" && mount -o remount,bind,ro "$root" && mount -t proc proc "$root/proc"
    exec chroot --userspec="$uid:$gid" --groups="$gid" "$root" /usr/bin/env -i "$@"' \
  sh "$root" "$uid" "$gid" "${env_args[@]}" "${RUNTIME_ENTRYPOINT[@]}" > "$work/server.log" 2>&1 &
unshare_pid=$!
for _ in $(seq 50); do server_pid=$(ps -o pid= --ppid "$unshare_pid" | tr -d ' ' || true); [ -n "$server_pid" ] && break; sleep 0.1; done
[ -n "$server_pid" ] || fail "server did not start"
in_container() { nsenter --target "$server_pid" --net --mount --pid --root --wd --setuid "$uid" --setgid "$gid" -- /usr/bin/env -i "${env_args[@]}" "$@"; }
on_loopback() { nsenter --target "$server_pid" --net -- "$@"; }

step "5. HEALTHCHECK ${RUNTIME_HEALTHCHECK_OPTIONS[*]} (the image's own command, run inside)"
ready=no
for i in $(seq 60); do
  if in_container timeout 3 "${RUNTIME_HEALTHCHECK[@]}" 2>/dev/null; then ready=yes; break; fi
  kill -0 "$server_pid" 2>/dev/null || fail "server exited"
  sleep 0.5
done
[ $ready = yes ] || fail "HEALTHCHECK never passed in 30 s"
echo "HEALTHCHECK passed after ~$(( i / 2 )) s"
status_uid=$(awk '/^Uid:/ {print $2}' "/proc/$server_pid/status")
[ "$status_uid" = "$uid" ] || fail "server runs as uid $status_uid, not $uid"
echo "server: host pid $server_pid = PID 1 in its namespace, uid $status_uid, $(awk '/^VmRSS/ {print $2 $3}' "/proc/$server_pid/status") RSS"
grep -o '"blas_kernel":"[^"]*"' "$work/server.log" | head -n 1 | sed 's/^/OpenBLAS kernel: /'
port=${RUNTIME_EXPOSE:-8080}
[ "$(on_loopback curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/v2/health/live")" = 200 ] || fail "liveness on IPv4"
[ "$(on_loopback curl -s -o /dev/null -w '%{http_code}' "http://[::1]:$port/v2/health/ready")" = 200 ] || fail "readiness on IPv6"
echo "liveness 200 on 127.0.0.1:$port, readiness 200 on [::1]:$port"

espeak-ng -w "$work/speech.wav" "Hello, I am calling about my bill. I have been waiting for two weeks and nobody called me back."
sox "$work/speech.wav" -r 8000 -c 2 -b 16 "$work/call-pcm16.wav" remix 1 1
sox "$work/speech.wav" -r 8000 -c 1 -e mu-law "$work/call-mulaw.wav"
sox "$work/speech.wav" -r 16000 "$work/call.flac"
sox "$work/speech.wav" -r 16000 "$work/call.ogg"
sox "$work/speech.wav" -r 16000 "$work/call.mp3"
for file in call-pcm16.wav call-mulaw.wav call.flac call.ogg call.mp3; do
  code=$(on_loopback curl -s -o "$work/response.json" -w '%{http_code}' -F "file=@$work/$file" "http://127.0.0.1:$port/v1/predict")
  [ "$code" = 200 ] || { cat "$work/response.json" >&2; fail "POST /v1/predict ($file) answered $code"; }
  python3 - "$work/response.json" "$file" <<'EOF' || fail "bad prediction for $file"
import json, sys
r = json.load(open(sys.argv[1]))
p = r["overall"]["probabilities"]
assert set(p) == set(r["labels"]) and len(p) >= 2, "labels and probabilities differ"
assert all(0 <= v <= 1 for v in p.values()) and abs(sum(p.values()) - 1) < 1e-3, "not a distribution"
print(f"POST /v1/predict {sys.argv[2]:15} 200  {r['audio']['container']}/{r['audio']['encoding']} {r['audio']['sample_rate']} Hz x{r['audio']['channels']}"
      f"  model {r['model']['name']}:{r['model']['version']}  top {r['overall']['label']} {r['overall']['confidence']:.3f}")
EOF
done

step "6. $RUNTIME_STOPSIGNAL to PID 1: drain and exit 0"
kill -s "${RUNTIME_STOPSIGNAL#SIG}" "$server_pid"
set +e; timeout 40 tail --pid="$server_pid" -f /dev/null; wait "$unshare_pid"; code=$?; set -e
server_pid=
[ "$code" = 0 ] || fail "exit status $code after $RUNTIME_STOPSIGNAL"
grep -q '"msg":"stopped"\|msg=stopped' "$work/server.log" || fail "no 'stopped' log line"
echo "exited 0 after draining"
step "check-runtime-image: OK"
