#!/usr/bin/env bash
# `make fuzz`: builds the libFuzzer harness (mcp-fuzz, -sanitize=fuzzer,address)
# under its own scratch path and runs each target for FUZZ_SECONDS, printing
# executions and crashes; exits non-zero when any target crashed.
#   Fuzz/run.sh [all|build|run|merge]   (default all = build + run)
# Settings (environment): FUZZ_SECONDS (60), FUZZ_TARGETS (all five),
# FUZZ_SCRATCH (.build-fuzz), FUZZ_NICE (19), FUZZ_MAX_LEN (4096), SWIFT,
# FUZZ_RUNS (unset: run for the time alone; N: stop each target after N
# executions, e.g. FUZZ_RUNS=10000000 FUZZ_SECONDS=3600 for the 10-million goal).
set -uo pipefail
cd "$(dirname "$0")/.."

SWIFT=${SWIFT:-swift}
SECONDS_EACH=${FUZZ_SECONDS:-60}
TARGETS=${FUZZ_TARGETS:-json envelope http-signature schema redis-reply}
SCRATCH=${FUZZ_SCRATCH:-.build-fuzz}
NICE=${FUZZ_NICE:-19}
MAX_LEN=${FUZZ_MAX_LEN:-4096}
RUNS=${FUZZ_RUNS:-}
BIN="$SCRATCH/release/mcp-fuzz"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0:allocator_may_return_null=1}
export SWIFT_BACKTRACE=${SWIFT_BACKTRACE:-enable=no}

build() {
    echo "fuzz: building mcp-fuzz with libFuzzer and AddressSanitizer in $SCRATCH (a first build takes several minutes)"
    "$SWIFT" build -c release --product mcp-fuzz --scratch-path "$SCRATCH" \
        -Xswiftc -sanitize=fuzzer,address -Xswiftc -enable-testing -Xswiftc -DMCP_FUZZING 2>&1 \
        | grep -v -e "ld.gold: warning: Cannot export local symbol" -e "^warning: ignoring -D_FILE_OFFSET_BITS"
    local status=${PIPESTATUS[0]}
    [ "$status" -eq 0 ] && [ -x "$BIN" ] || { echo "fuzz: the build failed (exit $status)"; exit 1; }
}

# One target: fuzz for SECONDS_EACH, new inputs into the scratch corpus, crashes into Fuzz/crashes/<target>/.
run_one() {
    local target=$1 work="$SCRATCH/corpus/$1" crashes="Fuzz/crashes/$1" log="$SCRATCH/logs/$1.log"
    mkdir -p "$work" "$crashes" "$SCRATCH/logs" "Fuzz/corpus/$target"
    local before after status=0
    before=$(find "$crashes" -type f | wc -l)
    MCP_FUZZ_TARGET=$target nice -n "$NICE" "$BIN" -max_total_time="$SECONDS_EACH" ${RUNS:+-runs="$RUNS"} -print_final_stats=1 \
        -timeout=30 -report_slow_units=30 -rss_limit_mb=2048 -max_len="$MAX_LEN" -detect_leaks=0 -artifact_prefix="$crashes/" \
        "$work" "Fuzz/corpus/$target" "Fuzz/seeds/$target" >"$log" 2>&1 || status=$?
    after=$(find "$crashes" -type f | wc -l)
    local execs rate
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
    [ -n "$execs" ] || execs=$(grep -oE '^#[0-9]+' "$log" | tail -1 | tr -d '#')
    local new=$((after - before))
    printf 'fuzz: %-15s %12s executions  %8s exec/s  %d crash(es)%s\n' "$target" "${execs:-?}" "${rate:-?}" "$new" \
        "$([ "$status" -ne 0 ] && echo "  (exit $status, log $log)")"
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$(date -u +%FT%TZ)" "$target" "$SECONDS_EACH" "${execs:-0}" "${rate:-0}" "$new" >>"$SCRATCH/fuzz-history.tsv"
    [ "$status" -eq 0 ] && [ "$new" -eq 0 ]
}

run() {
    test -x "$BIN" || { echo "fuzz: $BIN is missing; run Fuzz/run.sh build first"; exit 1; }
    local failed=0
    for target in $TARGETS; do run_one "$target" || failed=1; done
    if [ "$failed" -ne 0 ]; then
        echo "fuzz: FAILED — triage each new file in Fuzz/crashes/<target>/ (replay: swift run mcp-fuzz <target> FILE), record its outcome in Fuzz/crashes/EXPECTED"
        exit 1
    fi
    echo "fuzz: no crashes"
}

# Minimises the committed corpus: what the seeds do not already cover, from Fuzz/corpus and the scratch corpus.
merge() {
    for target in $TARGETS; do
        local merged="$SCRATCH/merged/$target"
        rm -rf "$merged" && mkdir -p "$merged" "$SCRATCH/corpus/$target" "Fuzz/corpus/$target"
        cp "Fuzz/seeds/$target"/* "$merged"/
        MCP_FUZZ_TARGET=$target nice -n "$NICE" "$BIN" -merge=1 -max_len="$MAX_LEN" -detect_leaks=0 -timeout=10 \
            "$merged" "Fuzz/corpus/$target" "$SCRATCH/corpus/$target" >"$SCRATCH/logs/$target.merge.log" 2>&1 \
            || { echo "fuzz: merge of $target failed, see $SCRATCH/logs/$target.merge.log"; exit 1; }
        for seed in "Fuzz/seeds/$target"/*; do rm -f "$merged/$(basename "$seed")"; done
        rm -rf "Fuzz/corpus/$target" && mkdir -p "Fuzz/corpus/$target" && cp "$merged"/* "Fuzz/corpus/$target"/ 2>/dev/null
        echo "fuzz: $target corpus: $(find "Fuzz/corpus/$target" -type f | wc -l) inputs beyond the seeds, $(du -sk "Fuzz/corpus/$target" | cut -f1) KiB"
    done
}

case "${1:-all}" in
    build) build ;;
    run) run ;;
    merge) merge ;;
    all) build && run ;;
    *) echo "usage: Fuzz/run.sh [all|build|run|merge]"; exit 2 ;;
esac
