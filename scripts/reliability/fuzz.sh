#!/usr/bin/env bash
# libFuzzer runs of the five fuzz targets (fuzz/Fuzz*), bounded in time, memory and per-input time.
#
#   scripts/reliability/fuzz.sh [SECONDS_PER_TARGET]     build (SER_FUZZ=1, -sanitize=fuzzer,address) and run each
#   FUZZ_TARGETS="FuzzMultipart" scripts/reliability/fuzz.sh 30     only some targets
#   FUZZ_NO_BUILD=1 scripts/reliability/fuzz.sh 30                   reuse the last build
#   scripts/reliability/fuzz.sh --seeds                              (re)write the model-file seeds from TinyModel
#
# Seeds: fuzz/corpus/<target>/ (committed). Inputs libFuzzer finds are kept in .build-fuzz/corpus/<target>/
# (not committed); crashes, leaks, timeouts and OOMs go to .build-fuzz/artifacts/<target>/. Each one
# that is a real bug becomes a regression test (Tests/*/FuzzRegressionTests.swift) and a fix.
# Prints executions and findings per target; exits 1 if any target found something.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1

SCRATCH=${FUZZ_SCRATCH:-.build-fuzz}
TARGETS=${FUZZ_TARGETS:-"FuzzAudioDecoder FuzzModelFile FuzzMultipart FuzzRequest FuzzWebSocketFrame"}
RSS_MB=${FUZZ_RSS_MB:-2048}
TIMEOUT_S=${FUZZ_TIMEOUT_S:-10}
JOBS=${FUZZ_BUILD_JOBS:-2}

corpus_name() {
    case "$1" in
        FuzzAudioDecoder) echo audio ;; FuzzModelFile) echo model ;;
        FuzzMultipart) echo multipart ;; FuzzRequest) echo request ;;
        FuzzWebSocketFrame) echo websocket ;;
    esac
}

build() {
    local started=$SECONDS
    for target in $TARGETS; do
        SER_FUZZ=1 nice -n 10 swift build -c debug --scratch-path "$SCRATCH" -j "$JOBS" \
            -Xswiftc -sanitize=fuzzer,address --product "$target" 2>&1 \
            | grep -v "Cannot export local symbol" | grep -E "error|warning: |Compiling|Build of" || true
        [[ -x "$SCRATCH/debug/$target" ]] || { echo "build of $target failed"; exit 2; }
    done
    echo "build: $((SECONDS - started)) s"
}

if [[ "${1:-}" == "--seeds" ]]; then
    TARGETS=FuzzModelFile build
    FUZZ_WRITE_SEEDS="$PWD/fuzz/corpus/model" "$SCRATCH/debug/FuzzModelFile"
    ls -la fuzz/corpus/model
    exit 0
fi

SECONDS_PER_TARGET=${1:-60}
[[ -n "${FUZZ_NO_BUILD:-}" ]] || build

export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1:handle_abort=1}"
export LSAN_OPTIONS="suppressions=$PWD/fuzz/lsan-suppressions.txt:print_suppressions=0"

status=0
summary=()
for target in $TARGETS; do
    name=$(corpus_name "$target")
    work="$SCRATCH/corpus/$name"; artifacts="$SCRATCH/artifacts/$name"; log="$SCRATCH/logs/$name.log"
    mkdir -p "$work" "$artifacts" "$(dirname "$log")"
    before=$(ls "$artifacts" | wc -l)
    started=$SECONDS
    # -max_len: above the largest seed, so mutations can grow inputs; -timeout: per input (hangs);
    # -rss_limit_mb / -malloc_limit_mb: a decoder that allocates past the limits is a finding.
    nice -n 5 "$SCRATCH/debug/$target" "$work" "fuzz/corpus/$name" \
        -max_total_time="$SECONDS_PER_TARGET" -rss_limit_mb="$RSS_MB" -malloc_limit_mb="$RSS_MB" \
        -timeout="$TIMEOUT_S" -max_len=65536 -print_final_stats=1 -artifact_prefix="$artifacts/" \
        > "$log" 2>&1
    rc=$?
    execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
    rate=$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
    corpus=$(ls "$work" | wc -l)
    found=$(( $(ls "$artifacts" | wc -l) - before ))
    line=$(printf '%-17s %4ss  execs %9s  (%5s/s)  corpus %5s  exit %3s  new findings %s' \
        "$target" "$((SECONDS - started))" "${execs:-?}" "${rate:-?}" "$corpus" "$rc" "$found")
    echo "$line"
    summary+=("$line")
    if (( rc != 0 || found > 0 )); then
        status=1
        grep -E "ERROR: |SUMMARY|Test unit written|deadly signal|Fatal error" "$log" | head -8 | sed 's/^/    /'
    fi
done
echo
echo "== fuzz summary (${SECONDS_PER_TARGET}s per target) =="
printf '%s\n' "${summary[@]}"
echo "artifacts: $SCRATCH/artifacts/<target>/ (log: $SCRATCH/logs/)"
exit $status
