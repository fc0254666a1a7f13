#!/usr/bin/env bash
# Installs everything the build, the tests and the benchmarks need on Debian 12 (bookworm) with the
# Swift toolchain on PATH. Idempotent: installs only what is missing. Works as root or through sudo,
# never prompts.
#
#   scripts/setup/setup.sh            system packages + Python venv (.venv) for tests and benchmarks
#   scripts/setup/setup.sh --runtime  only the system packages needed to build and run the service
set -euo pipefail
cd "$(dirname "$0")/../.."

mode=${1:-all}

# Build: the three C libraries the service wraps, plus libsoxr (resampling) and FFTW (features).
runtime_packages=(pkg-config libsndfile1-dev libopenblas-dev libmicrohttpd-dev libsoxr-dev libfftw3-dev)
# Tests: sox writes independent audio fixtures, curl drives the live server, espeak-ng speaks test
# utterances; python3-venv for the reference scripts (librosa, NumPy, onnxruntime, schemathesis);
# chromium (headless) runs the page at / and renders the training report.
test_packages=(sox libsox-fmt-all curl espeak-ng python3 python3-venv python3-pip sndfile-programs chromium)
# Benchmarks and deployment checks: wrk and hyperfine drive load; debootstrap builds the runtime
# root the container check runs in, iproute2/util-linux give it its namespaces (ip, unshare,
# nsenter); haproxy runs the compose load balancer config (nginx-light kept for comparisons);
# the scripts are linted with shellcheck; valgrind for memory checks.
bench_packages=(wrk hyperfine debootstrap nginx-light haproxy valgrind procps iproute2 util-linux shellcheck)

packages=("${runtime_packages[@]}")
if [ "$mode" != "--runtime" ]; then packages+=("${test_packages[@]}" "${bench_packages[@]}"); fi

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then sudo_cmd=(sudo -n); else
    echo "setup.sh: not root and no sudo; install as root: ${packages[*]}" >&2; exit 1; fi
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup.sh: installing ${missing[*]}"
  "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

command -v swift >/dev/null 2>&1 || { echo "setup.sh: the Swift 6 toolchain must be on PATH (https://swift.org/install)" >&2; exit 1; }

if [ "$mode" = "--runtime" ]; then exit 0; fi

# Python venv for the reference fixtures, the API conformance tests and the benchmark peer.
# Re-installed only when scripts/setup/requirements.txt changes.
stamp=.venv/.requirements.sha256
want=$(sha256sum scripts/setup/requirements.txt | cut -d' ' -f1)
if [ ! -x .venv/bin/python ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "setup.sh: creating .venv (scripts/setup/requirements.txt)"
  python3 -m venv .venv
  .venv/bin/pip install -q --disable-pip-version-check -r scripts/setup/requirements.txt
  echo "$want" > "$stamp"
fi
