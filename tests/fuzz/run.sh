#!/bin/bash
# run.sh FUZZER SEEDS WORKDIR SECONDS - fuzz one target for SECONDS seconds.
# Runs the libFuzzer binary in successive processes of at most CHUNK seconds
# each (a reject leaves the reader's partial allocations behind, by design:
# die() exits in the programs; fresh processes keep the memory bounded), on a
# working corpus seeded from SEEDS. Prints one line:
#   fuzz NAME: N executions in S s, corpus K inputs, no crash
# or fails naming the crash input left in WORKDIR.
set -euo pipefail
fuzzer=$1 seeds=$2 work=$3 seconds=$4
chunk=${FUZZ_CHUNK:-8}
name=$(basename "$fuzzer")
mkdir -p "$work/corpus"
cp -n "$seeds"/* "$work/corpus"/
total=0 left=$seconds
while [ "$left" -gt 0 ]; do
    t=$(( left < chunk ? left : chunk ))
    status=0
    ASAN_OPTIONS=detect_leaks=0:halt_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
        "$fuzzer" -max_total_time="$t" -rss_limit_mb=4096 -print_final_stats=1 \
        -artifact_prefix="$work/" "$work/corpus" > "$work/last.log" 2>&1 || status=$?
    if [ $status -ne 0 ]; then
        grep -E 'ERROR|fuzz: |runtime error|SUMMARY|Test unit written' "$work/last.log" | head -n 20 >&2
        echo "fuzz $name: FAILED (exit status $status); log $work/last.log" >&2
        exit 1
    fi
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/last.log")
    total=$(( total + runs ))
    left=$(( left - t ))
done
echo "fuzz $name: $total executions in $seconds s, corpus $(ls "$work/corpus" | wc -l) inputs, no crash"
