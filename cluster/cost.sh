#!/bin/bash
# cost.sh - the measured cost model of the Fig. 5.1 shards, and the Slurm resources
# and cluster plans derived from it. Glue only: the shard plan and its features come
# from the program that runs the shards (`fig51 plan CONF`), the arithmetic from
# `costmodel` (src/tools/costmodel.c, src/lib/costfit.c, unit-tested), both in $BIN
# (default build/bin).
#
#   cost.sh measured SHARD.tsv...       "conf batch first_trial seconds maxrss_kb" from
#                                       shards' own time records (wall seconds)
#   cost.sh fit < MEASUREMENTS          fit the model to such lines (cluster/calibrate.sh
#                                       gives CPU seconds); prints cluster/cost-model.tsv
#   cost.sh predict MODEL CONF [DIR]    per shard: name, predicted s, measured s if
#                                       the shard file exists in DIR (else -), predicted MB
#   cost.sh resources MODEL CONF        per shard one token name:cpus:mem:minutes:seconds
#                                       (what make passes to srun)
#   cost.sh plan MODEL NODES CORES DIR CONF [SUBDIR...]
#                                       core-hours and expected wall time on NODES
#                                       nodes of CORES cores for the shards of CONF
#                                       (once per SUBDIR of DIR, e.g. one per
#                                       learning rate), all and those still missing
#
# The model (src/tools/costmodel.c): a shard of n trials at batch size |b| with P network
# parameters takes  c_shard + c_param*steps*n*P + c_small*6P*|b|*steps*n + c_eval*E
# + c_dense*D  seconds (E: test-accuracy flops, D: exact-noise and window flops), and
# m_base + its buffers of memory. Resources: 1 core (BLAS is single-threaded: results
# never depend on threads), memory MEM_FACTOR x predicted rounded up to 50 MB, time
# limit TIME_FACTOR x predicted + 1 min.
set -euo pipefail
: "${TIME_FACTOR:=3}" "${MEM_FACTOR:=1.2}" "${BIN:=build/bin}"
die() { echo "cost.sh: $*" >&2; exit 1; }
for p in fig51 costmodel; do [ -x "$BIN/$p" ] || die "$BIN/$p is not built (make $BIN/$p)"; done
cmd=${1:-}
[ -n "$cmd" ] && shift

measured() { # measured SHARD...: "conf batch first_trial seconds maxrss_kb" from shards' time records
    [ $# -ge 1 ] || die "usage: cost.sh measured SHARD.tsv..."
    local f conf b secs rss
    for f in "$@"; do
        conf=$(sed -n 's/^# params: \([^ ]*\) .*/\1/p' "$f")
        b=$(sed -n 's/^# batch: \([0-9]*\) .*trials: \([0-9]*\)\.\..*/\1 \2/p' "$f")
        read -r secs rss < <(awk -F'\t' '$1 == "time" { print $2, $3 }' "$f")
        [ -n "$conf" ] && [ -n "$b" ] && [ -n "${secs:-}" ] || die "$f: not a finished fig51 shard (no params, batch or time record)"
        echo "$conf $b $secs $rss"
    done
}

fit() { # stdin: measurements (see measured): each with its shard's plan row, to costmodel fit
    local conf b t0 secs rss row
    while read -r conf b t0 secs rss; do
        row=$("$BIN/fig51" plan "$conf" | awk -F'\t' -v b="$b" -v t0="$t0" '$2 == b && $4 == t0') || exit 1
        [ -n "$row" ] || die "$conf has no shard at batch size $b starting at trial $t0"
        printf '%s\t%s\t%s\n' "$row" "$secs" "$rss"
    done | "$BIN/costmodel" fit "${COST_SOURCE:-measured shards}"
}

predict() { # predict MODEL CONF [DIR]: name, predicted s, measured s (or -), predicted MB
    [ $# -ge 2 ] || die "usage: cost.sh predict MODEL CONF [DIR]"
    local name secs mb meas
    "$BIN/fig51" plan "$2" | "$BIN/costmodel" predict "$1" | while IFS=$'\t' read -r name secs mb; do
        meas=-
        if [ -n "${3:-}" ] && [ -f "$3/$name.tsv" ]; then meas=$(awk -F'\t' '$1 == "time" { print $2 }' "$3/$name.tsv"); fi
        printf '%s\t%s\t%s\t%s\n' "$name" "$secs" "${meas:--}" "$mb"
    done
}

resources() { # resources MODEL CONF: name:cpus:memMB:minutes:seconds tokens
    [ $# -eq 2 ] || die "usage: cost.sh resources MODEL CONF"
    "$BIN/fig51" plan "$2" | "$BIN/costmodel" resources "$1" "$TIME_FACTOR" "$MEM_FACTOR"
}

plan() { # plan MODEL NODES CORES DIR CONF [SUBDIR...]: each shard once per SUBDIR, done if its file exists
    [ $# -ge 5 ] || die "usage: cost.sh plan MODEL NODES CORES DIR CONF [SUBDIR...]"
    local model=$1 nodes=$2 cores=$3 dir=$4 conf=$5 sub rows n
    shift 5
    local subs=("$@"); [ ${#subs[@]} -gt 0 ] || subs=("")
    rows=$("$BIN/fig51" plan "$conf" | grep -v '^#' | tail -n +2)
    n=$(grep -c . <<< "$rows")
    for sub in "${subs[@]}"; do
        while IFS=$'\t' read -r name rest; do
            local f="$dir/${sub:+$sub/}$name.tsv" done=0
            [ -n "$dir" ] && [ -f "$f" ] && done=1
            printf '%s\t%s\t%s\n' "$name" "$rest" "$done"
        done <<< "$rows"
    done | "$BIN/costmodel" plan "$model" "$nodes" "$cores" "$n shards of $conf x ${#subs[@]}"
}

case "$cmd" in
measured | fit | predict | resources | plan) "$cmd" "$@" ;;
*) die "usage: cost.sh measured SHARD... | fit < MEASUREMENTS | predict MODEL CONF [DIR] | resources MODEL CONF | plan MODEL NODES CORES DIR CONF [SUBDIR...]" ;;
esac
