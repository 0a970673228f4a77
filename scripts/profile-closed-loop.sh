#!/usr/bin/env bash
# Where the CPU goes in the 16-client closed loop over HTTP (docs/performance.md):
# runs the dramatiq comparison's closed workload for 20 s, records every CPU
# with `perf record -a -g` for 12 s while MCPStreams is measured, then prints
# each process's share of the samples, its kernel share and its top symbols.
#   scripts/profile-closed-loop.sh [BIN_DIR]     (default .build/release; needs `make venv-bench` and linux-perf)
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${1:-.build/release}
OUT=${PROFILE_DIR:-.build/profile}
mkdir -p "$OUT"
command -v perf >/dev/null || { echo "perf is missing: apt-get install linux-perf"; exit 1; }
.venv-bench/bin/python scripts/compare-dramatiq.py --bin "$BIN" --workloads closed --seconds 20 >"$OUT/compare.out" 2>"$OUT/compare.err" &
harness=$!
for _ in $(seq 1 600); do grep -q "MCPStreams measuring" "$OUT/compare.err" && break; sleep 0.2; done
sleep 5
perf record -a -g -F 499 -o "$OUT/perf.data" -- sleep 12 >"$OUT/perf-record.log" 2>&1
wait "$harness"
perf script -i "$OUT/perf.data" -F pid,comm,ip,sym,dso 2>/dev/null | python3 -c '
import collections, re, sys
samples, kernel = collections.Counter(), collections.Counter()
names, symbols = collections.defaultdict(collections.Counter), collections.defaultdict(collections.Counter)
pid, first = None, False
for line in sys.stdin:
    if not line.strip():
        pid = None
        continue
    if not line[0].isspace():
        match = re.match(r"\s*(.+?)\s+(\d+)\s*$", line.rstrip())
        if match:
            pid, first = match.group(2), True
            names[pid][match.group(1)] += 1
            samples[pid] += 1
        continue
    if pid and first:
        rest = line.strip().split(None, 1)[-1]
        symbol, _, dso = rest.rpartition(" (")
        kernel[pid] += "kernel" in dso
        symbols[pid][symbol[:80]] += 1
        first = False
total = sum(samples.values()) or 1
for pid, count in samples.most_common(6):
    print(f"pid {pid} {dict(names[pid].most_common(2))}: {100 * count / total:.1f} % of samples, {100 * kernel[pid] / count:.0f} % in the kernel")
    for symbol, n in symbols[pid].most_common(8):
        print(f"    {100 * n / count:5.1f} %  {symbol}")
'
