#!/usr/bin/env bash
# Feature pipeline benchmark: Swift FeatureBenchmark (release, one core, BLAS 1 thread) against the
# librosa 0.11 peer, in the same run, on the same 3 s / 60 s / 600 s clips; prints a table and writes
# benchmarks/features/results.md.
#
#   benchmarks/features/run.sh            (PYTHON overrides the interpreter; default .venv/bin/python)
set -euo pipefail
cd "$(dirname "$0")/../.."
PYTHON="${PYTHON:-.venv/bin/python}"
CLIPS="benchmarks/results/tmp/features"
RESULTS="benchmarks/features/results.md"
SECONDS_LIST=(3 60 600)

# One core, one thread everywhere, for both sides.
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 NUMBA_NUM_THREADS=1 MKL_NUM_THREADS=1
PIN=()
if command -v taskset >/dev/null; then PIN=(taskset -c "$(( $(getconf _NPROCESSORS_ONLN) - 1 ))"); fi

"$PYTHON" benchmarks/features/librosa_peer.py --make-clips "$CLIPS" "${SECONDS_LIST[@]}"
SER_BENCHMARKS=1 swift build -c release --product FeatureBenchmark >&2
BIN="$(SER_BENCHMARKS=1 swift build -c release --show-bin-path)/FeatureBenchmark"

LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"
: >"$CLIPS/swift.tsv"
: >"$CLIPS/librosa.tsv"
for s in "${SECONDS_LIST[@]}"; do   # alternate per clip so background load affects both sides alike
    clip="$CLIPS/clip-${s}s.f32"
    echo "clip ${s}s: Swift..." >&2
    "${PIN[@]}" "$BIN" "$clip" | tee -a "$CLIPS/swift.tsv" >&2
    echo "clip ${s}s: librosa..." >&2
    "${PIN[@]}" "$PYTHON" benchmarks/features/librosa_peer.py "$clip" | tee -a "$CLIPS/librosa.tsv" >&2
done

LOAD_AFTER="$(cut -d' ' -f1-3 /proc/loadavg)"
MODEL="$(lscpu | sed -n 's/^Model name:[[:space:]]*//p' | head -1)"
CORES="$(getconf _NPROCESSORS_ONLN)"  # not nproc: it honours OMP_NUM_THREADS
"$PYTHON" - "$CLIPS/swift.tsv" "$CLIPS/librosa.tsv" "$RESULTS" "$MODEL" "$CORES" "$LOAD_BEFORE" "$LOAD_AFTER" <<'PY'
import datetime, subprocess, sys
swift_path, librosa_path, out, model, cores, load_before, load_after = sys.argv[1:8]
rows = lambda p: {l.split("\t")[0]: l.rstrip("\n").split("\t") for l in open(p) if l.strip() and not l.startswith("#")}
swift, peer = rows(swift_path), rows(librosa_path)
lines = ["| clip | Swift (s audio / s) | Swift + formants (s audio / s) | librosa 0.11 (s audio / s) | ratio Swift / librosa |",
         "|---|---:|---:|---:|---:|"]
for clip in sorted(swift, key=lambda c: float(swift[c][1])):
    audio = float(swift[clip][1]); s_run = float(swift[clip][3]); f_run = float(swift[clip][4]); l_run = float(peer[clip][3])
    lines.append(f"| {audio:.0f} s | {audio / s_run:,.0f} | {audio / (s_run + f_run):,.0f} | {audio / l_run:,.0f} | {l_run / s_run:.1f}x |")
table = "\n".join(lines)
print(table)
blas = subprocess.run(["sh", "-c", "ls /usr/lib/*/libopenblas*.so* 2>/dev/null | head -1"], capture_output=True, text=True).stdout.strip()
doc = f"""# Feature pipeline benchmark

Seconds of 16 kHz audio processed per wall-clock second, one core (`taskset`, BLAS / OpenMP / numba 1 thread),
median of repeated runs after a warm-up, both sides measured in the same `benchmarks/features/run.sh` run.

- Machine: {model}, {cores} cores, shared with other builds while measuring
  (load average before / after: {load_before} / {load_after}; figures are noisy when it exceeds the core count)
- Date: {datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%d %H:%M UTC')}
- Swift: `FeatureExtractor.analyze(includeFormants: false)`, release build; librosa 0.11.0 peer: `benchmarks/features/librosa_peer.py`
- Pipeline (both): STFT (n_fft 512, Hann 400, hop 160) shared by 64-band log-mel, 20 MFCC + deltas + delta-deltas,
  chroma, spectral centroid / flatness / roll-off; YIN (frame 1024, 50-500 Hz); RMS + dB; zero-crossing rate.
  Swift additionally computes voicing, voice activity and speech rate (no librosa equivalent).
- "Swift + formants" adds LPC formants (order 18, Aberth root finding) on every frame; librosa has no formant tracker.

{table}
"""
open(out, "w").write(doc)
PY
echo "wrote $RESULTS" >&2
