#!/bin/bash
# timings.sh RECORD_DIR BUILD_ROOT   print timings.tsv: one row per heavy target
# (target relative to BUILD_ROOT, wall_s, cpu_s, peak_mb) from the records that
# tools/timed wrote, sorted by target; records of targets that no longer exist
# (a shard of an old parameter set) and failed runs are left out.
set -euo pipefail
dir=$1 root=$2
printf 'target\twall_s\tcpu_s\tpeak_mb\n'
[ -d "$dir" ] || exit 0
for f in "$dir"/*.tsv; do
    [ -e "$f" ] || continue
    IFS=$'\t' read -r target wall cpu mem status _ < "$f"
    [ "$status" = 0 ] && [ -e "$target" ] || continue
    printf '%s\t%s\t%s\t%s\n' "${target#"$root"/}" "$wall" "$cpu" "$mem"
done | sort
