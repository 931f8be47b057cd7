#!/bin/bash
# cost.sh - the measured cost model of the Fig. 5.1 shards (src/fig51.c), and the
# Slurm resources and cluster plans derived from it.
#
#   cost.sh measured SHARD.tsv...       "conf batch first_trial seconds maxrss_kb" from
#                                       shards' own time records (wall seconds)
#   cost.sh fit < MEASUREMENTS          fit the model to such lines (cluster/calibrate.sh
#                                       gives CPU seconds); prints cluster/cost-model.tsv
#   cost.sh predict MODEL CONF          per shard: name, predicted s, measured s if
#                                       the shard file exists beside it (see DIR)
#   cost.sh resources MODEL CONF        per shard one token name:cpus:mem:minutes:seconds
#                                       (what make passes to srun)
#   cost.sh plan MODEL NODES CORES DIR CONF [SUBDIR...]
#                                       core-hours and expected wall time on NODES
#                                       nodes of CORES cores for the shards of CONF
#                                       (once per SUBDIR of DIR, e.g. one per
#                                       learning rate), all and those still missing
#   cost.sh get CONF KEY                one key's value (the sweep's list of rates)
#
# The model. A shard runs trials t0..t1-1 of one batch size |b|; with P network
# parameters its wall time is
#   t = c_shard + c_param * steps*n*P + c_small * 6P*|b|*steps*n + c_eval * E + c_dense * D
# where n = t1 - t0, E = 2P per test image of every test accuracy, and D the
# large-matrix flops: exact noise measurements (6P per training image, for the
# trials below noise_trials) and the autocorrelation window (6P*(M+|b|) per
# observed step, trials below acf_trials). The counts are nominal (the sparse
# first layer does fewer): each c_ is an effective cost per counted flop. c_* are least-squares fits (relative error)
# to measured shards. Memory: the MNIST arrays plus the per-shard buffers,
# rss = m_base + 4 B * (P*(5 + [acf](lags+1)) + 3*cap*(784 + hidden units)),
# m_base the largest residual among the fitted shards.
# Resources: 1 core (BLAS is single-threaded: results never depend on threads),
# memory MEM_FACTOR*rss rounded up to 50 MB, time limit TIME_FACTOR*t + 1 min.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
: "${TIME_FACTOR:=3}" "${MEM_FACTOR:=1.2}"

die() { echo "cost.sh: $*" >&2; exit 1; }

# awk library: conf parsing, shard list, features, model evaluation.
read -r -d '' LIB <<'EOF' || true
function conf_load(path, C, any,   line, k, v) {
    while ((getline line < path) > 0) {
        sub(/#.*/, "", line)
        if (line !~ /=/) continue
        k = line; sub(/=.*/, "", k); gsub(/[ \t]/, "", k)
        v = line; sub(/^[^=]*=/, "", v); gsub(/[ \t]/, "", v)
        C[k] = v ~ /^[-+]?[0-9.]+([eE][-+]?[0-9]+)?$/ ? v + 0 : v   # numbers compare as numbers
    }
    if (close(path) != 0) { print "cost.sh: cannot read " path > "/dev/stderr"; exit 2 }
    if (!any && !("trials" in C)) { print "cost.sh: " path " is not a fig51 parameter file (no key trials)" > "/dev/stderr"; exit 2 }
}
function nparam(C,   w, d) {
    w = C["width"]; d = C["depth"]
    if (d == 1) return 784 * 10 + 10
    return 784 * w + w + (d - 2) * (w * w + w) + w * 10 + 10
}
function ceil_div(a, b) { return int((a + b - 1) / b) }
function nshards(C) { return ceil_div(C["trials"], C["trials_per_shard"]) }
function overlap(n, t0, t1) { return n <= t0 ? 0 : (n >= t1 ? t1 - t0 : n - t0) }
# features of shard s at batch size b: F[1..5] time, F[6] buffer bytes
function features(C, b, s, F,   P, t0, t1, n, nev, nnoise, E, D, cap, hidden, acf) {
    P = nparam(C); t0 = s * C["trials_per_shard"]; t1 = t0 + C["trials_per_shard"]
    if (t1 > C["trials"]) t1 = C["trials"]
    n = t1 - t0
    nev = int(C["steps"] / C["eval_every"]) + 1 + (C["steps"] % C["eval_every"] != 0)
    nnoise = ceil_div(C["steps"], C["noise_every"])
    E = n * nev * C["test_subset"] * 2 * P
    D = overlap(C["noise_trials"], t0, t1) * nnoise * (C["train_subset"] + b) * 6 * P
    acf = overlap(C["acf_trials"], t0, t1)
    D += acf * (C["acf_window"] + C["acf_lags"]) * (C["acf_batch"] + b) * 6 * P
    F[1] = 1; F[2] = C["steps"] * n * P; F[3] = 6 * P * b * C["steps"] * n; F[4] = E; F[5] = D
    cap = C["grad_chunk"]; if (b > cap) cap = b; if (C["acf_batch"] > cap) cap = C["acf_batch"]
    hidden = (C["depth"] - 1) * C["width"] + 10
    F[6] = 4 * (P * (5 + (acf > 0 ? C["acf_lags"] + 1 : 0)) + 3 * cap * (784 + hidden))
}
function model_load(path, M,   line, f) {
    while ((getline line < path) > 0) {
        if (line ~ /^#/ || line == "") continue
        split(line, f, "\t"); M[f[1]] = f[2]
    }
    if (close(path) != 0 || !("c_dense" in M)) { print "cost.sh: no cost model in " path > "/dev/stderr"; exit 2 }
}
function predict_s(M, F) { return M["c_shard"] * F[1] + M["c_param"] * F[2] + M["c_small"] * F[3] + M["c_eval"] * F[4] + M["c_dense"] * F[5] }
function predict_mb(M, F) { return M["m_base_mb"] + F[6] / 1048576 }
# for each shard of C: NAME[i] "b<b>_s<s>", B[i], S[i]; returns the count
function shard_list(C, NAME, B, S,   nb, bl, i, s, n) {
    nb = split(C["batch_sizes"], bl, ",")
    n = 0
    for (s = 0; s < nshards(C); s++)
        for (i = 1; i <= nb; i++) { n++; NAME[n] = "b" bl[i] "_s" s; B[n] = bl[i]; S[n] = s }
    return n
}
EOF

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

fit() { # stdin: measurements (see measured) -> weighted least squares for NC coefficients
    awk -v NC=5 "$LIB"'
    { conf = $1; b = $2; t0 = $3; secs = $4; rss = $5
      if (secs <= 0) { print "cost.sh: measurement " NR " has no time" > "/dev/stderr"; exit 2 }
      delete C; conf_load(conf, C)
      s = int(t0 / C["trials_per_shard"])
      features(C, b, s, F)
      n++; T[n] = secs; R[n] = rss / 1024 - F[6] / 1048576
      for (j = 1; j <= NC; j++) X[n, j] = F[j] }
    END {
      if (n < NC) { print "cost.sh: need at least " NC " shards to fit " NC " coefficients" > "/dev/stderr"; exit 2 }
      for (j = 1; j <= NC; j++) { on[j] = 1; scale[j] = 0; for (i = 1; i <= n; i++) if (X[i, j] > scale[j]) scale[j] = X[i, j] }
      # active-set: drop a coefficient that fits negative, refit
      for (iter = 0; iter < NC; iter++) {
        solve(); neg = 0; if (ENVIRON["COST_DEBUG"]) print "iter", iter, c[1], c[2], c[3], c[4] > "/dev/stderr"
        for (j = 1; j <= NC; j++) if (on[j] && c[j] < 0) { on[j] = 0; neg = 1 }
        if (!neg) break
      }
      m = R[1]; for (i = 2; i <= n; i++) if (R[i] > m) m = R[i]
      err = 0
      for (i = 1; i <= n; i++) { p = 0; for (j = 1; j <= NC; j++) p += c[j] * X[i, j]; e = (p - T[i]) / T[i]; err += e * e; if (e > emax) emax = e; if (e < emin) emin = e }
      printf "# Fig. 5.1 shard cost model (cluster/cost.sh), fitted to %d measured shards (" ENVIRON["COST_SOURCE"] ")\n", n
      printf "# relative error of the fit: rms %.2f, range %+.2f..%+.2f\n", sqrt(err / n), emin, emax
      printf "c_shard\t%.6g\ts per shard (loading MNIST)\n", c[1]
      printf "c_param\t%.6g\ts per parameter per SGD step\n", c[2]
      printf "c_small\t%.6g\ts per mini-batch gradient flop\n", c[3]
      printf "c_eval\t%.6g\ts per test-accuracy flop (nominal 2P per image)\n", c[4]
      printf "c_dense\t%.6g\ts per full-gradient or window flop (nominal 6P per image)\n", c[5]
      printf "m_base_mb\t%.1f\tMB resident besides the shard buffers (MNIST arrays)\n", m
    }
    function solve(   i, j, k, A, y, w, piv, t, r) {
      # normal equations of the relative-error fit, columns scaled to 1
      for (j = 1; j <= NC; j++) { y[j] = 0; for (k = 1; k <= NC; k++) A[j, k] = 0 }
      for (i = 1; i <= n; i++) {
        w = 1 / (T[i] * T[i])
        for (j = 1; j <= NC; j++) { if (!on[j]) continue
          y[j] += w * X[i, j] / scale[j] * T[i]
          for (k = 1; k <= NC; k++) if (on[k]) A[j, k] += w * X[i, j] / scale[j] * X[i, k] / scale[k] }
      }
      for (j = 1; j <= NC; j++) if (!on[j]) { A[j, j] = 1; y[j] = 0 }
      for (j = 1; j <= NC; j++) { # Gauss-Jordan with partial pivoting
        piv = j; for (k = j + 1; k <= NC; k++) if (abs(A[k, j]) > abs(A[piv, j])) piv = k
        for (k = 1; k <= NC; k++) { t = A[j, k]; A[j, k] = A[piv, k]; A[piv, k] = t }
        t = y[j]; y[j] = y[piv]; y[piv] = t
        if (A[j, j] == 0) { print "cost.sh: the shards do not determine the model (singular fit)" > "/dev/stderr"; exit 2 }
        for (k = 1; k <= NC; k++) if (k != j) { r = A[k, j] / A[j, j]; for (i = 1; i <= NC; i++) A[k, i] -= r * A[j, i]; y[k] -= r * y[j] }
      }
      for (j = 1; j <= NC; j++) c[j] = on[j] ? y[j] / A[j, j] / scale[j] : 0
    }
    function abs(x) { return x < 0 ? -x : x }'
}

predict() { # predict MODEL CONF [DIR]: name, predicted s, measured s (or -)
    [ $# -ge 2 ] || die "usage: cost.sh predict MODEL CONF [DIR]"
    awk -v model="$1" -v conf="$2" -v dir="${3:-}" "$LIB"'
    BEGIN { model_load(model, M); conf_load(conf, C); n = shard_list(C, NAME, B, S)
      for (i = 1; i <= n; i++) {
        features(C, B[i], S[i], F); meas = "-"
        f = dir "/" NAME[i] ".tsv"
        if (dir != "") while ((getline line < f) > 0) if (line ~ /^time\t/) { split(line, x, "\t"); meas = x[2] }
        close(f)
        printf "%s\t%.2f\t%s\t%.0f\n", NAME[i], predict_s(M, F), meas, predict_mb(M, F) } }'
}

resources() { # resources MODEL CONF: name:cpus:memMB:minutes:seconds tokens
    [ $# -eq 2 ] || die "usage: cost.sh resources MODEL CONF"
    awk -v model="$1" -v conf="$2" -v tf="$TIME_FACTOR" -v mf="$MEM_FACTOR" "$LIB"'
    BEGIN { model_load(model, M); conf_load(conf, C); n = shard_list(C, NAME, B, S)
      for (i = 1; i <= n; i++) {
        features(C, B[i], S[i], F); t = predict_s(M, F)
        mem = 50 * ceil_div(int(mf * predict_mb(M, F) + 0.999), 50)
        printf "%s:1:%dM:%d:%.1f\n", NAME[i], mem, ceil_div(int(tf * t + 0.999), 60) + 1, t } }'
}

plan() { # plan MODEL NODES CORES DIR CONF [SUBDIR...]
    [ $# -ge 5 ] || die "usage: cost.sh plan MODEL NODES CORES DIR CONF [SUBDIR...]"
    local model=$1 nodes=$2 cores=$3 dir=$4 conf=$5
    shift 5
    awk -v model="$model" -v nodes="$nodes" -v cores="$cores" -v dir="$dir" -v conf="$conf" -v subdirs="$*" "$LIB"'
    BEGIN { model_load(model, M); conf_load(conf, C); n = shard_list(C, NAME, B, S)
      copies = split(subdirs, SUB, " "); if (copies == 0) { copies = 1; SUB[1] = "" }
      slots = nodes * cores; all = 0; todo = 0; k = 0
      for (c = 1; c <= copies; c++) for (i = 1; i <= n; i++) {
        features(C, B[i], S[i], F); t = predict_s(M, F); all += t
        f = dir "/" (SUB[c] == "" ? "" : SUB[c] "/") NAME[i] ".tsv"
        if (dir != "" && (getline line < f) > 0) { close(f); continue }
        todo += t; T[++k] = t }
      wall = k ? lpt(T, k, slots) : 0
      printf "cost model: %d jobs (%d shards of %s x %d), %d still to run, 1 core each\n", n * copies, n, conf, copies, k
      printf "cost model: %.3f core-hours in all, %.3f core-hours still to run\n", all / 3600, todo / 3600
      printf "cost model: expected wall time on %d node(s) x %d cores: %.1f min = %.0f s (longest job %.0f s, perfect split %.0f s)\n", nodes, cores, wall / 60, wall, T[1], todo / slots }
    # longest-processing-time-first list schedule onto `slots` slots; sorts T descending
    function lpt(T, k, slots,   i, j, s, best, L, x) {
      for (i = 2; i <= k; i++) { x = T[i]; for (j = i - 1; j >= 1 && T[j] < x; j--) T[j + 1] = T[j]; T[j + 1] = x }
      for (s = 1; s <= slots; s++) L[s] = 0
      for (i = 1; i <= k; i++) { best = 1; for (s = 2; s <= slots; s++) if (L[s] < L[best]) best = s; L[best] += T[i] }
      x = 0; for (s = 1; s <= slots; s++) if (L[s] > x) x = L[s]
      return x }'
}

get() { # get CONF KEY
    [ $# -eq 2 ] || die "usage: cost.sh get CONF KEY"
    awk -v key="$2" -v conf="$1" "$LIB"'BEGIN { conf_load(conf, C, 1); if (!(key in C)) { print "cost.sh: " conf ": no key " key > "/dev/stderr"; exit 2 } print C[key] }'
}

case "$cmd" in
measured | fit | predict | resources | plan | get) "$cmd" "$@" ;;
*) die "usage: cost.sh measured SHARD... | fit < MEASUREMENTS | predict MODEL CONF [DIR] | resources MODEL CONF | plan MODEL NODES CORES DIR CONF [SUBDIR...] | get CONF KEY" ;;
esac
