#!/usr/bin/env bash
# Benchmarks the NeuralNet CNN forward pass against onnxruntime on the same model and inputs, in one run,
# and writes benchmarks/nn/results.md.
#
#   benchmarks/nn/run.sh            (from anywhere; PYTHON overrides the interpreter, default .venv/bin/python)
#
# Steps: build NNBenchmark (release, SER_BENCHMARKS=1); write the benchmark SER CNN model file; export it
# to ONNX and check onnxruntime against the Swift outputs on several input lengths (|Δ| ≤ 1e-4·max(1,|y|));
# time sgemm peak + Swift forward and onnxruntime forward (1 intra-op, 1 inter-op thread, ORT_ENABLE_ALL)
# on 3 s and 60 s inputs (64 mel bands × 100 frames/s). BLAS runs on 1 thread.
set -euo pipefail
cd "$(dirname "$0")/../.."
PYTHON=${PYTHON:-.venv/bin/python}
OUT=benchmarks/nn
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

# Debian's OpenBLAS picks its AVX2 (Haswell) kernel on some AVX-512 virtual CPUs; force SkylakeX when
# the CPU and OS support every AVX-512 subset it uses (unless the operator chose a kernel).
if [[ -z "${OPENBLAS_CORETYPE:-}" ]]; then
    flags=$(grep -m1 '^flags' /proc/cpuinfo || true)
    if [[ -n "$flags" ]] && for f in avx512f avx512bw avx512dq avx512vl avx512cd; do grep -qw "$f" <<<"$flags" || exit 1; done; then
        export OPENBLAS_CORETYPE=SkylakeX
    fi
fi
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1

SER_BENCHMARKS=1 swift build -c release --product NNBenchmark >&2
BIN=$(SER_BENCHMARKS=1 swift build -c release --show-bin-path)/NNBenchmark

"$BIN" make-model "$WORK/model.safetensors"

# Parity: Swift outputs on several inputs, then onnxruntime on the same inputs.
"$PYTHON" - "$WORK/inputs.safetensors" <<'PY'
import sys, numpy as np
sys.path.insert(0, "scripts")
import importlib.util
spec = importlib.util.spec_from_file_location("fixtures", "scripts/fixtures/make-layer-fixtures.py")
fixtures = importlib.util.module_from_spec(spec); spec.loader.exec_module(fixtures)
rng = np.random.default_rng(1)
fixtures.write_safetensors(sys.argv[1], {f"input_{i}": rng.normal(0, 2, (1, 64, t)).astype(np.float32)
                                         for i, t in enumerate([8, 100, 300, 777, 6000])})
PY
"$BIN" infer "$WORK/model.safetensors" "$WORK/inputs.safetensors" "$WORK/swift-outputs.safetensors"
PARITY=$("$PYTHON" $OUT/export_onnx.py check "$WORK/model.safetensors" "$WORK/swift-outputs.safetensors")

# Timing: ROUNDS rounds (default 3), each running, one after the other, Swift (the default convolution
# path: row-indexed gemm with our AVX-512 micro-kernel where the CPU has it), the same build with
# SER_GEMM_KERNEL=openblas (im2col + cblas_sgemm for every convolution) and onnxruntime; each side's
# figure is its best round (lowest median), which filters out rounds slowed by a noisy neighbour.
ROUNDS=${ROUNDS:-3}
timed_rounds() {  # MODEL REPEAT -> {"swift": [...], "im2col": [...], "ort": [...]}
    local swift="" im2col="" ort="" separator=""
    for _ in $(seq "$ROUNDS"); do
        swift+="$separator$("$BIN" bench "$1" --times 300 6000 --repeat "$2")"
        im2col+="$separator$(SER_GEMM_KERNEL=openblas "$BIN" bench "$1" --times 300 6000 --repeat "$2")"
        ort+="$separator$("$PYTHON" $OUT/export_onnx.py bench "$1" --times 300 6000 --repeat "$2")"
        separator=","
    done
    echo "{\"swift\": [$swift], \"im2col\": [$im2col], \"ort\": [$ort]}"
}
BENCHMARK_JSON=$(timed_rounds "$WORK/model.safetensors" 15)

# The shipped model(s), what the service runs: parity on real speech (network inputs made by the
# service's own front-end from shared-corpus clips and the example calls, Swift vs onnxruntime),
# then the same timing on both sides.
SHIPPED_PARITY=""
SHIPPED_JSON="{"
SHARED="${SER_SHARED_DATA:-../shared/data}"
SER_BENCHMARKS=1 swift build -c release --product ModelIO >&2
MODELIO="$(SER_BENCHMARKS=1 swift build -c release --show-bin-path)/ModelIO"
clips=(examples/*.wav)
if [ -f "$SHARED/manifest.csv" ]; then
    while IFS=, read -r path _; do clips+=("$SHARED/$path"); done < <(tail -n +2 "$SHARED/manifest.csv" | awk 'NR % 80 == 1')
fi
for model in Models/*/*/model.safetensors; do
    [ -f "$model" ] || continue
    "$MODELIO" "$model" "$OUT/shipped-io.safetensors" "${clips[@]}" >&2
    SHIPPED_PARITY+="$("$PYTHON" benchmarks/nn/export_onnx.py check "$model" "$OUT/shipped-io.safetensors" --label "$model") "
    [ "$SHIPPED_JSON" = "{" ] || SHIPPED_JSON+=","
    SHIPPED_JSON+="\"$model\": $(timed_rounds "$model" 31)"
done
SHIPPED_JSON+="}"

"$PYTHON" - "$BENCHMARK_JSON" "$PARITY" "$SHIPPED_PARITY" "$SHIPPED_JSON" "$ROUNDS" > $OUT/results.md <<'PY'
import json, subprocess, sys, datetime
rounds = int(sys.argv[5])

def best(runs, key):
    """One result per input length: the round with the lowest median (a copy of the first run otherwise)."""
    merged = dict(runs[0])
    merged[key] = {t: min((r[key][t] for r in runs), key=lambda x: x["median_ms"]) for t in runs[0][key]}
    return merged

def merge(timing):
    return {"swift": best(timing["swift"], "forward"), "im2col": best(timing["im2col"], "forward"), "ort": best(timing["ort"], "results")}

benchmark = json.loads(sys.argv[1])
peak = max(r["sgemm_peak_gflops"] for side in ("swift", "im2col") for r in benchmark[side])
all_runs = benchmark["swift"] + benchmark["im2col"]
benchmark = merge(benchmark)
swift, im2col, ort = benchmark["swift"], benchmark["im2col"], benchmark["ort"]
parity, shipped = sys.argv[2], sys.argv[3].strip()
shipped_timing = {model: merge(t) for model, t in json.loads(sys.argv[4]).items()}
lscpu = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
cpu = {k.strip(): v.strip() for k, v in (l.split(":", 1) for l in lscpu.splitlines() if ":" in l)}
print("# NeuralNet CNN forward benchmark\n")
print(f"- Date: {datetime.datetime.now().astimezone().isoformat(timespec='seconds')}")
print(f"- Machine: {cpu.get('Model name', '?')}, {cpu.get('CPU(s)', '?')} CPUs, L2 {cpu.get('L2 cache', '?')}, "
      f"L3 {cpu.get('L3 cache', '?')} (shared machine: other builds may run concurrently)")
print(f"- OpenBLAS kernel: {swift['blas_core']} ({swift['blas_config']}), 1 thread")
print(f"- Convolution gemm: `{swift['conv_gemm_kernel']}` (row-indexed gemm, our AVX-512 micro-kernel, no im2col); "
      f"the im2col column is the same build with `SER_GEMM_KERNEL=openblas` (im2col + cblas_sgemm), in the same run")
print(f"- onnxruntime {ort['onnxruntime']}, 1 intra-op + 1 inter-op thread, ORT_ENABLE_ALL, same model and inputs")
print(f"- Model: SER CNN [1, 64, T] → 4× (Conv 3×3 + BN + ReLU + MaxPool), 32/64/128/128 ch, stats pooling, "
      f"dense 128, dense 7, softmax; im2col tile {swift['tile_bytes']} B")
print(f"- Parity (Swift vs onnxruntime, T = 8, 100, 300, 777, 6000): `{parity}`")
print(f"- Parity of the shipped model on real clips (examples/ + every 80th shared-corpus file, inputs from the service's front-end): `{shipped or 'no model in Models/'}`\n")
print(f"- Timing: {rounds} interleaved rounds (Swift, Swift im2col, onnxruntime); each figure is the best round's median\n")
print("## Single-core sgemm (`gemm`, row-major; best of the rounds, measured by each Swift process)\n")
print("| m | n | k | kind | GFLOP/s |\n|---|---|---|---|---|")
for i, g in enumerate(all_runs[0]["gemm"]):
    print(f"| {g['m']} | {g['n']} | {g['k']} | {g['kind']} | {max(r['gemm'][i]['gflops'] for r in all_runs):.1f} |")
print(f"\nPeak (best square shape in any round): **{peak:.1f} GFLOP/s**\n")
def forward_table(swift_forward, ort_results, im2col_forward):
    """Swift vs onnxruntime per input length; % of the sgemm peak measured above, in this run."""
    print("| input | conv GFLOP | Swift ms | Swift GFLOP/s | % of sgemm peak | im2col + OpenBLAS ms (% of peak) | onnxruntime ms | ORT / Swift time |")
    print("|---|---|---|---|---|---|---|---|")
    for t, label in (("300", "3 s (T=300)"), ("6000", "60 s (T=6000)")):
        s, o, i = swift_forward[t], ort_results[t], im2col_forward[t]
        print(f"| {label} | {s['conv_gflop']:.3f} | {s['median_ms']:.2f} | {s['gflops_median']:.1f} | "
              f"{100 * s['gflops_median'] / peak:.0f}% | {i['median_ms']:.2f} ({100 * i['gflops_median'] / peak:.0f}%) | "
              f"{o['median_ms']:.2f} | {o['median_ms'] / s['median_ms']:.2f} |")

print("## CNN forward pass (median of 15 per round)\n")
forward_table(swift["forward"], ort["results"], im2col["forward"])
print("\nGFLOP/s counts only convolution FLOPs (2 per multiply-add); ORT / Swift > 1 means Swift is faster.")
for model, timing in shipped_timing.items():
    print(f"\n## Shipped model `{model}` (median of 31 per round, same inputs on both sides)\n")
    forward_table(timing["swift"]["forward"], timing["ort"]["results"], timing["im2col"]["forward"])
PY
cat $OUT/results.md
