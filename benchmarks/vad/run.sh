#!/usr/bin/env bash
# Speech detector benchmark: frame F1 / precision / recall of SpeechDetector (and of the old
# VoiceActivity rule) on seeded mixtures of the shared corpora's held-out speakers in white, pink,
# babble and hum noise at 20 / 10 / 5 / 0 dB SNR; false alarms on DTMF, ringback, busy, hold music
# and comfort noise; the service's file-level no_speech decisions; CPU per audio second.
# Prints markdown tables (copied into docs/speech-detection.md by hand, with the date).
#
#   benchmarks/vad/run.sh                 (held-out speakers, 3 tracks of 40 s per condition; primed as
#                                          the service runs it)
#   benchmarks/vad/run.sh priming=0       (the floor not primed: the detector as designed and tuned)
#   benchmarks/vad/run.sh split=tune      (the tuning speakers the detector was designed on)
#   benchmarks/vad/run.sh train Sources/Features/SpeechDetectorWeights.swift   (refit the perceptron)
# Data: $SER_SHARED_DATA, else ../shared/data beside the repository.
set -euo pipefail
cd "$(dirname "$0")/../.."
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1
SER_BENCHMARKS=1 swift build -c release --product VADBenchmark >&2
BIN="$(SER_BENCHMARKS=1 swift build -c release --show-bin-path)/VADBenchmark"
PIN=()
if command -v taskset >/dev/null; then PIN=(taskset -c "$(( $(getconf _NPROCESSORS_ONLN) - 1 ))"); fi
if [[ "${1:-}" == "train" ]]; then
    "$BIN" "$@"
    exit
fi
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
"${PIN[@]}" "$BIN" cost
"$BIN" eval "$@"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
