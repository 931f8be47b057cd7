#!/bin/bash
# sweep-table.sh SWEEP_CONF BASE_CONF NUMBERS.tsv... - the sweep's table on stdout:
# one row per (learning rate, batch size) from the per-rate numbers files that
# `fig51 merge` wrote, with a provenance block like every data file.
set -euo pipefail
[ $# -ge 3 ] || { echo "usage: sweep-table.sh SWEEP_CONF BASE_CONF NUMBERS.tsv..." >&2; exit 1; }
sweep=$1 base=$2
shift 2
sha() { sha256sum "$1" | cut -c1-16; }
cat <<EOF
# learning-rate x batch-size sweep of the Fig. 5.1 ensemble (final test accuracy, noise power)
# program: cluster/sweep-table.sh
# git: ${PROV_GIT:-unknown}
# scale: ${PROV_SCALE:-unknown}
# params: $sweep sha256:$(sha "$sweep") $base sha256:$(sha "$base")
$(grep -h '^# blas_kernel: ' "$@" | sort -u)
# column 1: rate [1] learning rate r
# column 2: batch [1] mini-batch size |b|
# column 3: r_over_b [1] r/|b|, the SGD temperature scale of Eq 19
# column 4: acc_mean [1] final test accuracy, ensemble mean
# column 5: acc_mean_se [1] its jackknife standard error
# column 6: acc_std [1] ensemble standard deviation of the final accuracy
# column 7: noise_var [1] measured noise power per parameter (Eq 19), mean over noise trials
# column 8: noise_var_se [1] its jackknife standard error
EOF
printf 'rate\tbatch\tr_over_b\tacc_mean\tacc_mean_se\tacc_std\tnoise_var\tnoise_var_se\n'
for nb in "$@"; do
    awk -F'\t' -v file="$nb" '
        /^#/ || $1 == "key" { next }
        { v[$1] = $2 }
        $1 ~ /^fig51_acc_final_mean_b[0-9]+$/ { b = $1; sub(/.*_b/, "", b); B[++n] = b }
        END {
            if (!("fig51_rate" in v) || n == 0) { print "sweep-table: " file ": no fig51_rate or accuracy keys" > "/dev/stderr"; exit 1 }
            r = v["fig51_rate"]
            for (i = 1; i <= n; i++) {
                b = B[i]; nv = "fig51_noise_var_b" b
                printf "%.6g\t%d\t%.6g\t%s\t%s\t%s\t%s\t%s\n", r, b, r / b, v["fig51_acc_final_mean_b" b],
                    v["fig51_acc_final_mean_b" b "_se"], v["fig51_acc_final_std_b" b],
                    (nv in v) ? v[nv] : "nan", (nv "_se" in v) ? v[nv "_se"] : "nan"
            } }' "$nb"
done | sort -t$'\t' -k1,1g -k2,2n
