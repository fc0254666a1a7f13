#!/usr/bin/env bash
# The whole test suite under AddressSanitizer (+ LeakSanitizer) and ThreadSanitizer, each in its own
# scratch path so the everyday .build/ stays untouched. The live-server tests then run the sanitized
# ser-server too (it is built beside the tests), so the HTTP/C boundary is covered in both processes.
#
#   scripts/reliability/sanitizers.sh            both
#   scripts/reliability/sanitizers.sh address    or: thread
#   SAN_FILTER=ServiceTests scripts/reliability/sanitizers.sh thread     a subset (swift test --filter)
#
# Suppressions (each with its reason): fuzz/lsan-suppressions.txt, scripts/reliability/tsan-suppressions.txt.
# Full rebuilds: too slow for CI on 2 cores (see RELIABILITY.md for the measured times).
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
JOBS=${SAN_BUILD_JOBS:-2}
KINDS=${1:-"address thread"}
FILTER=()
[[ -n "${SAN_FILTER:-}" ]] && FILTER=(--filter "$SAN_FILTER")
status=0
report=()

for kind in $KINDS; do
    case "$kind" in
        address) scratch=.build-asan
                 export ASAN_OPTIONS="detect_leaks=1:halt_on_error=1:detect_stack_use_after_return=0"
                 export LSAN_OPTIONS="suppressions=$PWD/fuzz/lsan-suppressions.txt:print_suppressions=0" ;;
        thread)  scratch=.build-tsan
                 export TSAN_OPTIONS="suppressions=$PWD/scripts/tsan-suppressions.txt:halt_on_error=0:second_deadlock_stack=1:history_size=4" ;;
        *) echo "unknown sanitizer '$kind' (address or thread)"; exit 2 ;;
    esac
    log="$scratch/sanitizer-test.log"
    mkdir -p "$scratch"
    started=$SECONDS
    nice -n 10 swift build --build-tests --sanitize="$kind" --scratch-path "$scratch" -j "$JOBS" 2>&1 \
        | grep -v "Cannot export local symbol" | grep -E "error|Build complete" || true
    built=$((SECONDS - started))
    started=$SECONDS
    nice -n 5 swift test --skip-build --sanitize="$kind" --scratch-path "$scratch" "${FILTER[@]}" > "$log" 2>&1
    rc=$?
    tested=$((SECONDS - started))
    findings=$(grep -cE "^(==[0-9]+==ERROR|WARNING: ThreadSanitizer|SUMMARY: (Address|Thread|Leak)Sanitizer)" "$log")
    summary=$(grep -E "^✔ Test run|^✘ Test run|Executed [0-9]+ tests" "$log" | tail -2 | tr '\n' ' ')
    line="$kind: build ${built}s, tests ${tested}s, exit $rc, sanitizer reports $findings; $summary"
    echo "$line"
    report+=("$line")
    if (( rc != 0 || findings > 0 )); then
        status=1
        grep -E -A12 "^(==[0-9]+==ERROR|WARNING: ThreadSanitizer)" "$log" | head -60
        grep -E "^✘" "$log" | head -20
    fi
done
echo
printf '%s\n' "${report[@]}"
exit $status
