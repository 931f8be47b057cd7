#!/bin/bash
# calibrate.sh FIG51_BIN MNIST_DIR BASE_CONF OUT_MODEL - measure the cost model.
#
# Runs a handful of small Fig. 5.1 shards, each built to weigh one term of the
# model of src/tools/costmodel.c (per-shard start-up, per-step parameter sweeps, test accuracies,
# mini-batch gradients, large-matrix passes), measures each one's CPU seconds
# (user + system, so other load on the machine changes little) and peak memory,
# and fits the model. About 10 CPU seconds. The parameter files are variations
# of BASE_CONF written to a temporary directory; nothing else is touched.
set -euo pipefail
[ $# -eq 4 ] || { echo "usage: calibrate.sh FIG51_BIN MNIST_DIR BASE_CONF OUT_MODEL" >&2; exit 1; }
bin=$1 mnist=$2 base=$3 out=$4
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d /tmp/stl-calibrate.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

# name | batch | key=value overrides of the base file (no noise, no window unless set)
cases=(
    "start|1|steps=20 trials=1 eval_every=20"
    "small1|1|steps=20000 trials=1 eval_every=20000"
    "small10|10|steps=8000 trials=1 eval_every=8000"
    "small100|100|steps=3000 trials=1 eval_every=3000"
    "eval|10|steps=40 trials=1 eval_every=2 test_subset=10000"
    "noise|10|steps=40 trials=1 eval_every=40 noise_trials=1 noise_every=4 train_subset=10000"
    "acf|10|steps=60 trials=1 eval_every=60 acf_trials=1 acf_start=0 acf_window=30 acf_lags=10 acf_batch=1000"
)
for c in "${cases[@]}"; do
    IFS='|' read -r name b sets <<< "$c"
    conf=$tmp/$name.conf
    sets="batch_sizes=$b trials_per_shard=1000 param_trials=0 noise_trials=0 acf_trials=0 acf_start=0 acf_window=1 acf_lags=1 $sets"
    cp "$base" "$conf"
    for kv in $sets; do
        k=${kv%%=*} v=${kv#*=}
        grep -q "^$k *=" "$conf" || { echo "calibrate.sh: $base has no key '$k'" >&2; exit 1; }
        sed -i "s/^$k *=[^#]*/$k = $v /" "$conf"
    done
    # CPU seconds of the child: `times` prints the shell's, then its children's
    cpu=$( ( "$bin" run "$conf" "$mnist" "$b" 0 "$tmp/$name.tsv" 2> "$tmp/$name.log" || { cat "$tmp/$name.log" >&2; exit 1; }
             times ) | awk 'NR == 2 { split($1, u, /[ms]/); split($2, s, /[ms]/); print 60 * u[1] + u[2] + 60 * s[1] + s[2] }')
    rss=$(awk -F'\t' '$1 == "time" { print $3 }' "$tmp/$name.tsv")
    echo "$conf $b 0 $cpu $rss"
    echo "calibrate: $name |b|=$b: $cpu CPU s, $((rss / 1024)) MB" >&2
done > "$tmp/measured.txt"
COST_SOURCE="cluster/calibrate.sh on $(hostname -s), $(nproc) cores, CPU seconds, blas kernel $(sed -n 's/^# blas_kernel: //p' "$tmp/start.tsv")" \
    BIN=$(dirname "$bin") "$here/cost.sh" fit < "$tmp/measured.txt" > "$tmp/model.tsv"
# append the calibration shards as comments: the fit can be checked by hand
{ cat "$tmp/model.tsv"
  printf '# measurement: name batch cpu_s maxrss_kb and its overrides of %s\n' "$base"
  paste -d' ' <(printf '%s\n' "${cases[@]}") <(awk '{ print $4, $5 }' "$tmp/measured.txt") | sed 's/^/# /'
} > "$out.tmp"
mv "$out.tmp" "$out"
cat "$out"
