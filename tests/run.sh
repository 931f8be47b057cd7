#!/bin/bash
# run.sh RESULTS MNIST_DIR - the body of `make test`.
# Counts the Criterion tests (from RESULTS) and the pipeline checks below
# together and ends with "tests: N passed, N failed".
set -uo pipefail
results=$1 mnist=$2
. tests/harness.sh

# 1. Criterion unit tests
while IFS=$'\t' read -r name status; do
    if [ "$status" = PASSED ]; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL unit $name ($status)"; fi
done < "$results"
echo "unit tests: $pass passed, $fail failed"

# For development: TEST_ONLY=REGEX (tests/harness.sh) runs only the matching checks,
# and TEST_BUILD=DIR (a finished quick build directory, e.g. build) is copied in place
# of the end-to-end build, which TEST_ONLY would otherwise skip.
tmp=$(mktemp -d /tmp/stl-test.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

if [ -n "${TEST_BUILD:-}" ]; then cp -a "$TEST_BUILD" "$tmp/build"; fi

# 2. the equation ledger names only tests that exist and passed
check "ledger: every non-pending row's tests exist and passed" tests/ledger.sh check tests/ledger.tsv "$results"
# the verdict rule (ledger header): a row whose verdict is not its defect's is rejected,
# naming the row, the rule and the other row with the same defect
verdict_rule() {
    local bad="$tmp/ledger-rule.tsv"
    awk -F'\t' 'BEGIN { OFS = "\t" } $1 == "9" { $7 = "conditional" } { print }' tests/ledger.tsv > "$bad"
    local out; out=$(tests/ledger.sh check "$bad" "$results" 2>&1) && return 1
    echo "$out" | grep '^ledger: 9:'
    grep -q 'ledger: 9: verdict "conditional" but its defect "kl-order" gives "does not hold"' <<< "$out" &&
        grep -q 'ledger: 9: defect "kl-order" has verdict "conditional" here and "does not hold" in row 8' <<< "$out"
}
check "ledger: rows sharing a defect get one verdict (a row given another is rejected, naming both)" verdict_rule
# the ledger's statements are TeX maths between dollars (the appendix typesets them): ASCII
# maths outside the dollars, an unpaired dollar or a | inside maths is rejected naming the row
ledger_math() { # ledger_math ROW COLUMN TEXT EXPECTED
    local bad="$tmp/ledger-math.tsv"
    LM_TEXT=$3 awk -F'\t' -v id="$1" -v col="$2" 'BEGIN { OFS = "\t" } $1 == id { $col = ENVIRON["LM_TEXT"] } { print }' tests/ledger.tsv > "$bad"
    local out; out=$(tests/ledger.sh check "$bad" "$results" 2>&1) && return 1
    echo "$out" | grep "^ledger: $1:"
    grep -qF "$4" <<< "$out"
}
check "ledger: ASCII maths outside \$...\$ is rejected naming the row" \
    ledger_math 13 6 'DPI I(Theta;B) >= I(X;B)' 'ledger: 13: statement: ASCII maths "DPI I(Theta;B) >= I(X;B)" outside'
check "ledger: an unpaired dollar is rejected naming the row" \
    ledger_math 13 6 'DPI $I(\Theta;B) \ge I(X;B)' 'ledger: 13: statement has an odd number of $'
check "ledger: a | inside maths (the table cell separator) is rejected naming the row" \
    ledger_math 14 4 'short by $S(\Theta|B)$' 'ledger: 14: status: maths $S(\Theta|B)$ holds a |'

# 2b. the mutation gate (make mutants, run by .ci/run) can fail: a mutant no test can see
# (it edits a comment) survives and fails the target, naming it; a pattern found twice is
# a bad row; a pending mutant that survives is reported without failing
mutant_gate() {
    local tab="$tmp/mutants.tsv" out
    printf 'id\tfile\tpattern\treplacement\tsuites\texpected\n' > "$tab"
    printf 'comment-only\tsrc/lib/stats.c\t/* stats.c - jackknife\t/* stats.c (a comment) - jackknife\tstats\tkilled\n' >> "$tab"
    printf 'found-twice\tsrc/lib/thermo.c\treturn s;\treturn -s;\teq5\tkilled\n' >> "$tab"
    printf 'pending-one\tsrc/lib/stats.c\t/* stats.c - jackknife\t/* stats.c (pending) - jackknife\tstats\tpending-issue-0\n' >> "$tab"
    out=$(make_q mutants MUTANTS_TABLE="$tab" MUTANTS_DIR="$tmp/mutants" 2>&1) && { echo "$out"; return 1; }
    grep '^mutant' <<< "$out"
    grep -q '^mutant comment-only  *survived' <<< "$out" && grep -q '^mutant found-twice  *BAD ROW *pattern found 4 times' <<< "$out" &&
        grep -q '^mutant pending-one  *survived (pending-issue-0)' <<< "$out" &&
        grep -q '^mutants: 3 run, 0 killed, 1 survived, 1 pending' <<< "$out"
}
check "mutants: a mutant no test sees fails make mutants naming it; a pattern found twice is a bad row; pending survivors pass" mutant_gate

# 3. the whole quick DAG into a temporary build directory, then verify
quick=(SCALE=quick BUILD="$tmp/build" MNIST_DIR="$(cd "$mnist" && pwd)")
check "e2e: make paper SCALE=quick in a fresh build directory" make_q "${quick[@]}" paper
check "e2e: make verify SCALE=quick against data/reference/quick" make_q "${quick[@]}" verify
check "e2e: a second make paper has nothing to do (make -q)" make_q -q "${quick[@]}" paper
# the build log says each thing once: a false claim and the never-quoted notice one line
# each, and no pandoc warning about maths it cannot turn into text (the claims pass)
log_once() {
    rm -f "$tmp/build/quick/claims.tsv"
    local log; log=$(make_q "${quick[@]}" "$tmp/build/quick/claims.tsv" 2>&1) || { echo "$log"; return 1; }
    ! grep -q 'Could not convert TeX math' <<< "$log" || { echo "pandoc warns about maths"; return 1; }
    local dup; dup=$(grep -E 'FALSE at this scale|never quoted' <<< "$log" | sort | uniq -d)
    [ -z "$dup" ] || { echo "printed more than once: $dup"; return 1; }
}
check "e2e: the claims pass prints each false claim and notice once, and no maths warning" log_once
regenerates() { # a deleted output is noticed and rebuilt, not silently skipped
    rm "$tmp/build/quick/numbers/gauss.tsv" "$tmp/build/quick/data/gauss_ep.tsv"
    make_q -q "${quick[@]}" paper && return 1
    make_q "${quick[@]}" paper > /dev/null 2>&1 && test -s "$tmp/build/quick/numbers/gauss.tsv"
}
check "e2e: a deleted data file is rebuilt by the next make paper" regenerates
check "e2e: the PDF and HTML exist and the HTML quotes the image counts" \
    bash -c "test -s '$tmp/build/quick/paper.pdf' && grep -q '60000' '$tmp/build/quick/paper.html'"

# 4. verify can fail: a perturbed number must be reported with its key
perturbed() {
    local nb="$tmp/build/quick/numbers.tsv" bad="$tmp/perturbed.tsv"
    awk -F'\t' 'BEGIN { OFS = "\t" } $1 == "mnist_n_test" { $2 = $2 + 1 } { print }' "$nb" > "$bad"
    local out; out=$("$tmp/build/bin/numcheck" "$bad" data/reference/quick/numbers.tsv) && return 1
    grep -q '^FAIL mnist_n_test got 10001 expected 10000' <<< "$out"
}
check "verify: a perturbed number fails and is named with got/expected" perturbed

# 4b. verification at two levels: a 5-standard-error shift of one ensemble key fails,
# naming the key; statistical agreement is not a blank cheque.
shifted() {
    local nb="$tmp/build/quick/numbers.tsv" bad="$tmp/shifted.tsv" key=fig51_acc_final_mean_b10
    awk -F'\t' -v k=$key 'BEGIN { OFS = "\t" } FNR == NR { if ($1 == k "_se") se = $2; next }
        $1 == k { $2 = $2 + 5 * se } { print }' data/reference/quick/numbers.tsv "$nb" > "$bad"
    local out; out=$("$tmp/build/bin/numcheck" "$bad" data/reference/quick/numbers.tsv) && return 1
    grep -q "^FAIL $key got .* tolerance se 3" <<< "$out" && grep -q ', 1 failing,' <<< "$out"
}
check "verify: a 5-standard-error shift of one ensemble key fails naming it" shifted

# 4c. portability. OpenBLAS picks its sgemm kernel from the CPU, so what this build can
# promise depends on the kernel it ran: where it is the references' kernel, every number
# equals its reference bit for bit; on any other kernel the float32 numbers agree only
# statistically. Either way nothing may fail against the references.
identical_of() { sed -n 's/^numcheck: [0-9]* keys: \([0-9]*\) identical.*/\1/p' <<< "$1"; }
tolerated_of() { sed -n 's/^numcheck: [0-9]* keys: [0-9]* identical, \([0-9]*\) within tolerance.*/\1/p' <<< "$1"; }
kernel_matches() { # the build's kernel against the references' (numcheck names both)
    local out; out=$("$tmp/build/bin/numcheck" "$tmp/build/quick/numbers.tsv" data/reference/quick/numbers.tsv)
    grep -q '^numcheck: reference kernel: .*(same kernel' <<< "$out"
}
as_blessed() {
    local out; out=$("$tmp/build/bin/numcheck" "$tmp/build/quick/numbers.tsv" data/reference/quick/numbers.tsv) \
        || { echo "$out"; return 1; }
    grep '^numcheck: ' <<< "$out"
    if kernel_matches; then
        [ "$(tolerated_of "$out")" = 0 ] || { echo "same kernel as the references, yet not bit-identical"; return 1; }
    else
        echo "another kernel than the references': statistical agreement required, bit-identity not expected"
    fi
}
check "verify: this build passes against the references, bit for bit where its BLAS kernel is theirs" as_blessed

# The same mathematics in another summation order (the dense instead of the sparse first
# layer, as another kernel would) perturbs every fig51 trajectory at the rounding level.
# Judged against this machine's own unperturbed build (blessed into a temporary reference
# with the committed rules), it must differ in some keys (the perturbation bites) and
# pass through the statistical tolerances; against the references it must not fail.
portable() {
    mkdir -p "$tmp/dense"
    cp data/params/quick/*.conf "$tmp/dense/"
    sed -i 's/^first_layer = sparse/first_layer = dense/' "$tmp/dense/fig51.conf"
    grep -q '^first_layer = dense' "$tmp/dense/fig51.conf" || { echo "could not switch first_layer"; return 1; }
    make_q "${quick[@]}" PARAMS="$tmp/dense" BUILD="$tmp/densebuild" "$tmp/densebuild/quick/numbers/fig51.tsv" || return 1
    local nb="$tmp/build/quick/numbers.tsv" mixed="$tmp/dense-numbers.tsv" base="$tmp/base-reference.tsv"
    { grep -v '^fig51_' "$nb"; grep '^fig51_' "$tmp/densebuild/quick/numbers/fig51.tsv"; } > "$mixed"
    "$tmp/build/bin/numcheck" --bless "$nb" "$base" data/reference/tolerances.tsv 2> /dev/null || return 1
    local own refs
    own=$("$tmp/build/bin/numcheck" "$mixed" "$base") || { echo "$own"; return 1; }
    refs=$("$tmp/build/bin/numcheck" "$mixed" data/reference/quick/numbers.tsv) || { echo "$refs"; return 1; }
    echo "against this build: $(grep '^numcheck: [0-9]* keys' <<< "$own")"
    echo "against the references: $(grep '^numcheck: [0-9]* keys' <<< "$refs")"
    local t; t=$(tolerated_of "$own")
    [ -n "$t" ] && [ "$t" -gt 0 ] || { echo "the dense first layer changed no key of this build"; return 1; }
}
check "verify: the dense first layer (another summation order) differs from this build in some keys, within the statistical tolerances" portable

env_report() { # the kernel, a measured rate; the advice itself is unit-tested (test_blasinfo.c)
    local out; out=$(make_q "${quick[@]}" env-report) || return 1
    grep '^# ' <<< "$out"
    grep -q '^# OpenBLAS kernel: ' <<< "$out" && grep -q '^# sgemm 1 thread: [0-9.]* GFLOP/s measured now' <<< "$out"
}
check "env-report: names this machine's OpenBLAS kernel and its measured sgemm rate" env_report

# 4e. the EBM's numbers come from one float32 trajectory each, which another kernel
# would part from ours; they are compared on the scale of another seed (rule seedsd).
# Stand-in for another kernel: replica 1 of every run (other seeds) in place of the
# run itself, judged on spreads that leave replica 1 out (the run and replicas 2-4,
# in the build and in the reference), must pass; the same with one work shifted by
# 10 combined seed-to-seed deviations must fail, naming that key.
replica_numbers() { # replica_numbers OUT REF_OUT: replica 1's ebm_r* keys, spreads without it
    local q="$tmp/build/quick" held="$tmp/held-out" t
    mkdir -p "$held"
    for t in $(cd "$q/numbers" && ls ebm_tau*.tsv | sed 's/^ebm_tau\(.*\)\.tsv$/\1/'); do
        "$tmp/build/bin/seedspread" "$held/spread_tau$t.tsv" data/reference/tolerances.tsv "$q/numbers/ebm_tau$t.tsv" \
            "$q"/ebm/replicas/tau${t}_rep[2-9].tsv 2> /dev/null || return 1
    done
    local spreads; spreads=$(cat "$held"/spread_tau*.tsv | grep -P '^ebm_r\d+_.*_seedsd\t')
    { grep -v -P '^ebm_r\d+_' "$q/numbers.tsv"; cat "$q"/ebm/replicas/tau*_rep1.tsv | grep -P '^ebm_r\d+_'
      echo "$spreads"; } > "$1"
    [ "$(grep -c -P '^ebm_r\d+_' "$1")" -eq "$(grep -c -P '^ebm_r\d+_' "$q/numbers.tsv")" ] || { echo "key count changed"; return 1; }
    # the reference with the same held-out spreads
    awk -F'\t' 'BEGIN { OFS = "\t" } FNR == NR { sd[$1] = $2; next } ($1 in sd) { $2 = sd[$1] } { print }' \
        <(echo "$spreads") data/reference/quick/numbers.tsv > "$2"
}
replica_passes() {
    local mixed="$tmp/replica-numbers.tsv" ref="$tmp/replica-ref.tsv" out
    replica_numbers "$mixed" "$ref" || return 1
    out=$("$tmp/build/bin/numcheck" "$mixed" "$ref") || { echo "$out"; return 1; }
    echo "$out" | grep '^numcheck: [0-9]* keys'
    grep -q ', 0 failing,' <<< "$out"
}
check "verify: another seed of every EBM run passes through seed-to-seed tolerances that leave it out" replica_passes
replica_shifted() {
    local mixed="$tmp/replica-numbers.tsv" ref="$tmp/replica-ref.tsv" bad="$tmp/replica-shifted.tsv" key=ebm_r1_W out
    replica_numbers "$mixed" "$ref" || return 1
    # 10 combined deviations (the build's and the reference's) from the reference value
    awk -F'\t' -v k=$key 'BEGIN { OFS = "\t"; CONVFMT = "%.17g" } FNR == 1 { f++ }
        f == 1 { if ($1 == k) ref = $2; if ($1 == k "_seedsd") sr = $2; next }
        f == 2 { if ($1 == k "_seedsd") sg = $2; next }
        $1 == k { $2 = ref + 10 * sqrt(sg * sg + sr * sr) } { print }' "$ref" "$mixed" "$mixed" > "$bad"
    out=$("$tmp/build/bin/numcheck" "$bad" "$ref") && return 1
    grep -q "^FAIL $key got .* tolerance seedsd 8" <<< "$out" && grep -q ', 1 failing,' <<< "$out"
}
check "verify: an EBM work 10 seed-to-seed deviations off fails naming it" replica_shifted

spread_by_awk() { # seedspread against the sample standard deviation computed here (the last tau's heat)
    local q="$tmp/build/quick" t r
    t=$(cd "$q/numbers" && ls ebm_tau*.tsv | sed 's/^ebm_tau\(.*\)\.tsv$/\1/' | sort -n | tail -1)
    r=$(( $(cd "$q/numbers" && ls ebm_tau*.tsv | wc -l) - 1 ))
    local key=ebm_r${r}_Q
    local sd; sd=$(awk -F'\t' -v k=$key '$1 == k { x[n++] = $2 } END { for (i = 0; i < n; i++) m += x[i] / n
        for (i = 0; i < n; i++) ss += (x[i] - m) ^ 2; if (n == 5) printf "%.17g", sqrt(ss / (n - 1)) }' \
        "$q/numbers/ebm_tau$t.tsv" "$q"/ebm/replicas/tau${t}_rep*.tsv)
    local got; got=$(awk -F'\t' -v k=${key}_seedsd '$1 == k { print $2 }' "$q/numbers/ebm_spread_tau$t.tsv")
    echo "$key: awk $sd, seedspread $got"
    awk -v a="$sd" -v b="$got" 'BEGIN { exit !(a != "" && b != "" && (a - b) ^ 2 <= (1e-12 * a) ^ 2) }'
}
check "spread: the seed-to-seed deviation seedspread writes is the sample deviation over the run and its 4 replicas" spread_by_awk
# 4d. a verifier that fails never leaves a stale VERIFIED in the paper
stale() {
    local ref="$tmp/dup-reference.tsv" note="$tmp/build/quick/verify.md"
    grep -q '^\*\*VERIFIED' "$note" || { echo "precondition: the quick build should be VERIFIED"; return 1; }
    { cat data/reference/quick/numbers.tsv; grep -m1 '^mnist_' data/reference/quick/numbers.tsv; } > "$ref"
    make_q "${quick[@]}" REFERENCE="$ref" "$note" || return 1
    grep -q '^\*\*UNVERIFIED.\*\* The verifier failed' "$note" && grep -q 'appears twice' "$note"
}
check "verify: a verifier error turns the paper's note into UNVERIFIED with its message" stale
many_failures() { # 2,000 failing keys: reported one by one, no fixed-size buffer to overflow
    local nb="$tmp/many-numbers.tsv" ref="$tmp/many-reference.tsv" md="$tmp/many.md"
    awk 'BEGIN { print "key\tvalue\tunit"; for (i = 0; i < 2000; i++) printf "k%04d_a_rather_long_key_name\t%d\t1\n", i, i }' > "$nb"
    awk 'BEGIN { print "key\tvalue\ttol\twhy"; for (i = 0; i < 2000; i++) printf "k%04d_a_rather_long_key_name\t%d\texact\ttest\n", i, i + 1 }' > "$ref"
    local out status=0; out=$("$tmp/build/bin/numcheck" --md "$md" "$nb" "$ref") || status=$?
    [ "$status" -eq 1 ] && [ "$(grep -c '^FAIL ' <<< "$out")" -eq 2000 ] && grep -q 'k1999_a_rather_long_key_name' "$md"
}
check "verify: 2,000 failing keys are all reported, without a crash" many_failures

# 5. bad data stops the build with a message naming the file
corrupt() {
    local dir="$tmp/corrupt"; mkdir -p "$dir"
    cp "$mnist"/*-ubyte "$dir"/
    printf '\x01' | dd of="$dir/t10k-labels-idx1-ubyte" bs=1 seek=100 conv=notrunc status=none
    local out; out=$(make_q SCALE=quick BUILD="$tmp/bad" MNIST_DIR="$dir" "$tmp/bad/quick/numbers/mnist.tsv" 2>&1) && return 1
    grep -q 'checksum mismatch for t10k-labels-idx1-ubyte' <<< "$out" && test ! -e "$tmp/bad/mnist/verified.stamp"
}
check "data: a corrupted IDX file stops the build naming the file" corrupt
missing() {
    local dir="$tmp/missing"; mkdir -p "$dir"
    cp "$mnist"/train-* "$dir"/
    local out; out=$(make_q SCALE=quick BUILD="$tmp/bad2" MNIST_DIR="$dir" "$tmp/bad2/mnist/verified.stamp" 2>&1) && return 1
    grep -q 'has neither t10k-images-idx3-ubyte nor t10k-images-idx3-ubyte.gz' <<< "$out"
}
check "data: a missing IDX file stops the build naming the file" missing
gz() {
    local dir="$tmp/gz"; mkdir -p "$dir"
    for f in "$mnist"/*-ubyte; do gzip -c "$f" > "$dir/$(basename "$f").gz"; done
    make_q SCALE=quick BUILD="$tmp/gz-build" MNIST_DIR="$dir" "$tmp/gz-build/mnist/verified.stamp"
}
check "data: MNIST_DIR with .gz IDX files is accepted after verification" gz

# 5b. valid IDX files of 2 x 2-pixel images (MNIST's counts, labels 0-9 in turn, with the
# SHA256SUMS of a verified set): every program that reads MNIST stops naming the file
# (src/lib/idx.c mnist_load), none crashes
be32() { printf "$(printf '\\x%02x' $(($1 >> 24 & 255)) $(($1 >> 16 & 255)) $(($1 >> 8 & 255)) $(($1 & 255)))"; }
small="$tmp/idx22"; mkdir -p "$small"
for set in train:60000 t10k:10000; do
    { printf '\x00\x00\x08\x03'; be32 "${set#*:}"; be32 2; be32 2; head -c $((${set#*:} * 4)) /dev/zero; } > "$small/${set%:*}-images-idx3-ubyte"
    { printf '\x00\x00\x08\x01'; be32 "${set#*:}"; yes 0123456789 | tr -d '\n' | head -c "${set#*:}" | tr '0-9' '\000-\011'; } \
        > "$small/${set%:*}-labels-idx1-ubyte"
done
(cd "$small" && sha256sum -- *-ubyte > SHA256SUMS)
small_images() { # small_images PROGRAM ARGS...: fails naming the training images, without a signal or an output
    local out="$tmp/idx22-out" msg status=0; rm -rf "$out"; mkdir -p "$out"
    msg=$(cd "$out" && "$tmp/build/bin/$1" "${@:2}" 2>&1) || status=$?
    echo "$msg"; echo "exit status $status"
    [ "$status" -ne 0 ] && [ "$status" -lt 128 ] && [ -z "$(ls -A "$out")" ] \
        && grep -qF "$small/train-images-idx3-ubyte: each item is 2 x 2, not 28 x 28 pixels" <<< "$msg"
}
make_q "${quick[@]}" "$tmp/build/bin/bench" > /dev/null 2>&1
for prog in "mnist_stats" "fig51 run" "bm train" "bm grid" "ebm_run classifier" "ebm_run train" "ebm_run replica" "bench"; do
    p="$PWD/data/params/quick" clf="$tmp/build/quick/ebm/classifier.bin" wht="$tmp/build/quick/ebm/whiten.bin"
    case $prog in # each program's arguments, outputs in the working directory
        mnist_stats) args=("$small" m.tsv c.tsv n.tsv) ;;
        "fig51 run") args=(run "$p/fig51.conf" "$small" 10 0 s.tsv) ;;
        "bm train") args=(train "$p/bm_train.conf" "$small" t.tsv n.tsv) ;;
        "bm grid") args=(grid "$p/bm_grid.conf" "$small" g.tsv n.tsv) ;;
        "ebm_run classifier") args=(classifier "$p/ebm.conf" "$small" c.bin w.bin n.tsv) ;;
        "ebm_run train") args=(train "$p/ebm.conf" "$small" "$clf" "$wht" 5 t.tsv a.tsv s.tsv q.tsv n.tsv) ;;
        "ebm_run replica") args=(replica "$p/ebm.conf" "$small" "$clf" "$wht" 5 1 r.tsv) ;;
        bench) args=("$small" 1) ;;
    esac
    check "data: 2 x 2-pixel IDX images stop $prog naming the file, without a crash" small_images "${prog%% *}" "${args[@]}"
done
# ... and a valid set of 28 x 28 images with only 10 of each split stops the programs whose
# parameter files ask for more (K, train_subset, test_subset), naming the file and key
few="$tmp/idx10"; mkdir -p "$few"
for set in train t10k; do
    { printf '\x00\x00\x08\x03'; be32 10; be32 28; be32 28; head -c $((10 * 784)) /dev/zero; } > "$few/$set-images-idx3-ubyte"
    { printf '\x00\x00\x08\x01'; be32 10; printf '\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09'; } > "$few/$set-labels-idx1-ubyte"
done
(cd "$few" && sha256sum -- *-ubyte > SHA256SUMS)
few_images() { # few_images EXPECTED-KEY PROGRAM ARGS...
    local out="$tmp/idx10-out" msg status=0; rm -rf "$out"; mkdir -p "$out"
    msg=$(cd "$out" && "$tmp/build/bin/$2" "${@:3}" 2>&1) || status=$?
    echo "$msg"; echo "exit status $status"
    [ "$status" -ne 0 ] && [ "$status" -lt 128 ] && [ -z "$(ls -A "$out")" ] \
        && grep -qF "$few/train-images-idx3-ubyte holds 10 images, fewer than the" <<< "$msg" && grep -qF "key '$1'" <<< "$msg"
}
p=$PWD/data/params/quick
check "data: 10 training images stop fig51 run naming the file and key 'train_subset'" \
    few_images train_subset fig51 run "$p/fig51.conf" "$few" 10 0 s.tsv
check "data: 10 training images stop ebm_run classifier naming the file and key 'K'" \
    few_images K ebm_run classifier "$p/ebm.conf" "$few" c.bin w.bin n.tsv
check "data: 10 training images stop bm train naming the file and key 'K'" \
    few_images K bm train "$p/bm_train.conf" "$few" t.tsv n.tsv

# 6. Fig. 5.1: results do not depend on how trials are split into shards
sharding() {
    mkdir -p "$tmp/params1"
    cp data/params/quick/*.conf "$tmp/params1/"
    sed -i 's/^trials_per_shard = .*/trials_per_shard = 1/' "$tmp/params1/fig51.conf"
    make_q -j2 "${quick[@]}" PARAMS="$tmp/params1" BUILD="$tmp/shard1" "$tmp/shard1/quick/numbers/fig51.tsv" || return 1
    for f in fig51_param fig51_acc fig51_noise fig51_acf fig51_groups fig51_reverse; do
        grep -v '^#' "$tmp/build/quick/data/$f.tsv" > "$tmp/a.tsv"   # numdiff needs seekable files
        grep -v '^#' "$tmp/shard1/quick/data/$f.tsv" > "$tmp/b.tsv"
        numdiff -q -a 0 -r 0 "$tmp/a.tsv" "$tmp/b.tsv" || { echo "$f differs between 2 and 1 trials per shard"; return 1; }
    done
}
check "fig51: 1 trial per shard gives bit-identical data to 2 per shard" sharding
# Appendix A's backward SGD retraces the forward path to a few per cent of the
# displacement at the quick scale's rate (measured 0.01-0.25, |b| = 1 the largest); run with another
# step's batches, or from another theta, it would miss by about the displacement
# itself (rel ~ 1 at w = 1), which this bound catches.
reverse_retraces() {
    local f="$tmp/build/quick/data/fig51_reverse.tsv"
    awk -F'\t' '/^#/ || $1 == "window" { next } { rows++; for (i = 2; i <= NF; i += 2) if (!($i > 0 && $i < 0.6)) { print "window " $1 ": rel " $i " outside (0, 0.6)"; bad = 1 } }
        END { if (rows < 2) { print "only " rows " windows"; bad = 1 }; exit bad }' "$f"
}
check "fig51: backward SGD from theta_n retraces the forward path to under 60% of the displacement at every window" reverse_retraces

# 6b. Fig. 5.1: a hostile shard is rejected naming the shard and the record, writing nothing
merge_victim() { # merge_victim EXPECTED...: merge the quick build's shards, $tmp/badshard/b10_s0.tsv in place
    # of theirs; expect a failure whose message has every EXPECTED string, writing nothing
    local dir="$tmp/badshard" victim="$tmp/build/quick/fig51/b10_s0.tsv" args=() f want
    mkdir -p "$dir/out"
    for f in "$tmp"/build/quick/fig51/*.tsv; do
        if [ "$f" = "$victim" ]; then args+=("$dir/b10_s0.tsv"); else args+=("$f"); fi
    done
    local msg; msg=$("$tmp/build/bin/fig51" merge data/params/quick/fig51.conf "$dir/out" "$dir/out/n.tsv" "${args[@]}" 2>&1) && return 1
    echo "$msg"
    for want in "$@"; do grep -qF -- "$want" <<< "$msg" || return 1; done
    [ -z "$(ls -A "$dir/out")" ]
}
bad_shard() { # bad_shard AWK-PROGRAM EXPECTED: edit one shard of the quick build, merge, expect failure
    local dir="$tmp/badshard"; rm -rf "$dir"; mkdir -p "$dir"
    awk -F'\t' "$1" "$tmp/build/quick/fig51/b10_s0.tsv" > "$dir/b10_s0.tsv"
    merge_victim "$2"
}
check "fig51: a repeated record is rejected naming shard and line" bad_shard '{ print } $1 == "acc" && !d { print; d = 1 }' "b10_s0.tsv:"
check "fig51: a missing record is rejected naming trial and step" bad_shard '$1 == "acc" && $3 == 20 && !d { d = 1; next } { print }' "the acc record of trial 0, evaluation index 1 is missing"
check "fig51: a non-finite value is rejected naming shard and line" bad_shard 'BEGIN { OFS = "\t" } $1 == "noise" && !d { $4 = "nan"; d = 1 } { print }' "noise record: a field is not a finite number"
check "fig51: a trial outside the ensemble is rejected naming shard and line" bad_shard 'BEGIN { OFS = "\t" } $1 == "acc" && !d { $2 = 99; d = 1 } { print }' "outside the parameter file's ranges (trial 99"
check "fig51: an unknown record kind is rejected naming shard and line" bad_shard '{ print } NR == 20 { print "bogus\t0\t0\t1" }' "unknown record kind 'bogus'"
check "fig51: a truncated record is rejected naming shard and line" bad_shard '$1 == "noise" && !d { print "noise\t0\t0\t1"; d = 1; next } { print }' "noise record with 3 fields (expected 7)"

# Every shard carries its parameter file's SHA-256 and ends with an 'end' line
# (src/lib/fig51_shard.h): a shard of another learning rate, or one cut short
# anywhere, even by its last newline, must not merge into plausible numbers.
other_rate() {
    local dir="$tmp/badshard"; rm -rf "$dir"; mkdir -p "$dir"
    sed 's/^learning_rate = [^ ]*/learning_rate = 0.02/' data/params/quick/fig51.conf > "$dir/rate.conf"
    "$tmp/build/bin/fig51" run "$dir/rate.conf" "$mnist" 10 0 "$dir/b10_s0.tsv" || return 1
    merge_victim "$dir/b10_s0.tsv:" "written with another parameter file"
}
check "fig51: a shard of another learning rate is refused naming the shard" other_rate
cut_shard() { # cut_shard N EXPECTED: the shard without its last N bytes
    local dir="$tmp/badshard"; rm -rf "$dir"; mkdir -p "$dir"
    head -c -"$1" "$tmp/build/quick/fig51/b10_s0.tsv" > "$dir/b10_s0.tsv"
    merge_victim "$dir/b10_s0.tsv:" "$2"
}
# (1 and 3 bytes cut into the 'end' line; 25 may land on a line end, the time record's
# length varying with the run's timing, so either refusal may name the cut)
for n in 1 3 25; do
    check "fig51: a shard cut short by $n bytes is refused naming the shard" cut_shard $n "the shard is cut short"
done
check "fig51: a shard without its 'end' line (cut at a line's end) is refused naming the shard" cut_shard 4 "no 'end' line"

# 7. Fig. 5.1: bad parameters and a diverging run stop with the key or step named
fig51_rejects() { # fig51_rejects SED-EXPRESSION EXPECTED-MESSAGE
    local conf="$tmp/bad-fig51.conf" out="$tmp/bad-fig51.tsv"
    sed -e "$1" data/params/quick/fig51.conf > "$conf"
    local msg; msg=$("$tmp/build/bin/fig51" run "$conf" "$mnist" 10 0 "$out" 2>&1) && return 1
    grep -qF "$2" <<< "$msg" && test ! -e "$out" && ! compgen -G "$out.tmp*" > /dev/null
}
check "fig51: |b| = 0 is rejected naming the key" fig51_rejects 's/^batch_sizes = .*/batch_sizes = 0,10/' "key 'batch_sizes' = 0 is outside"
check "fig51: |b| > K is rejected naming the key" fig51_rejects 's/^batch_sizes = .*/batch_sizes = 10,5000/' "key 'batch_sizes': |b| = 5000 exceeds the training set K = 2000"
check "fig51: r <= 0 is rejected naming the key" fig51_rejects 's/^learning_rate = [^ ]*/learning_rate = 0/' "key 'learning_rate' = 0 is outside"
check "fig51: an unknown key is rejected naming it" fig51_rejects 's/^learning_rate/lerning_rate/' "unknown key 'lerning_rate'"
check "fig51: a diverging run stops naming step, trial and batch size, leaving no output" \
    fig51_rejects 's/^learning_rate = [^ ]*/learning_rate = 100/' "loss is not finite at step 4, trial 0, batch size 10"

# 8. generative experiments: invalid parameters are rejected naming the key
rejects() { # rejects PROGRAM-AND-ARGS... -- CONF SED-EXPRESSION EXPECTED
    local conf=$1 expr=$2 want=$3; shift 3
    local bad="$tmp/bad-$(basename "$conf")"
    sed -e "$expr" "$conf" > "$bad"
    local msg; msg=$("$@" "$bad" 2>&1) && return 1
    grep -qF "$want" <<< "$msg"
}
bmrun() { "$tmp/build/bin/bm" train "$1" "$mnist" "$tmp/bm.tsv" "$tmp/bmn.tsv"; }
gaussrun() { "$tmp/build/bin/ppm_gauss" "$1" "$tmp/g1.tsv" "$tmp/g2.tsv" "$tmp/g3.tsv" "$tmp/g4.tsv"; }
check "bm: n > 24 is rejected naming the keys" rejects data/params/quick/bm_train.conf 's/^grid_rows = .*/grid_rows = 5/; s/^grid_cols = .*/grid_cols = 5/' "keys 'grid_rows' x 'grid_cols': n = 25 exceeds 24" bmrun
check "bm: tau < 1 is rejected naming the key" rejects data/params/quick/bm_train.conf 's/^taus = .*/taus = 0/' "key 'taus' = 0 is outside the allowed range [1, 100000000]" bmrun
check "bm: M < 2 is rejected naming the key" rejects data/params/quick/bm_train.conf 's/^models = .*/models = 1/' "key 'models' = 1 is outside the allowed range" bmrun
check "gauss: sigma <= 0 is rejected naming the key" rejects data/params/quick/gauss.conf 's/^sigma = .*/sigma = 0/' "key 'sigma' = 0 is outside the allowed range" gaussrun
check "gauss: eps <= 0 is rejected naming the key" rejects data/params/quick/gauss.conf 's/^eps = .*/eps = -0.1/' "key 'eps' = -0.1 is outside the allowed range" gaussrun
check "gauss: an unknown key is rejected naming it" rejects data/params/quick/gauss.conf 's/^sigma/sigmaa/' "unknown key 'sigmaa'" gaussrun

# 9. the paper's filters fail loudly: an unknown number key, an undefined reference
filter_fails() { # filter_fails MARKDOWN EXPECTED
    local md="$tmp/filter.md"
    printf '%s\n' "$1" > "$md"
    local msg; msg=$(NUMBERS_FILE="$tmp/build/quick/numbers.tsv" FIGURE_DIR="$tmp/build/quick/figures" \
        pandoc --lua-filter paper/filters/figures.lua --lua-filter paper/filters/equations.lua \
        --lua-filter paper/filters/numbers.lua -t html "$md" 2>&1) && return 1
    grep -qF "$2" <<< "$msg"
}
check "paper: an unknown numbers key stops the build naming it" filter_fails 'There are [no_such_key]{.num} images.' "unknown numbers key 'no_such_key'"
check "paper: a reference to an undefined equation stops the build" filter_fails 'As @eq:missing shows.' "reference to undefined equation eq:missing"
check "paper: a reference to an undefined figure stops the build" filter_fails 'As @fig:missing shows.' "reference to undefined figure fig:missing"

# 9b. the paper displays every equation of the ledger (with its verdict line) and no other
ledger_fails() { # ledger_fails SED-EXPRESSION EXTRA-MARKDOWN EXPECTED: the edited paper must stop ledger.lua
    local md="$tmp/ledger.md"
    { sed -e "$1" paper/[0-9]*.md; printf '\n%s\n' "$2"; } > "$md"
    local msg; msg=$(NUMBERS_FILE="$tmp/build/quick/numbers.tsv" LEDGER_FILE=tests/ledger.tsv TEST_RESULTS="$results" \
        TEST_LOCS="$tmp/build/quick/testlocs.tsv" SUMMARY_FILE=paper/summary.tsv CLAIMS_FILE=paper/claims.tsv \
        pandoc --lua-filter paper/filters/ledger.lua -t html "$md" -o /dev/null 2>&1) && return 1
    grep -qF "$3" <<< "$msg"
}
check "paper: a ledger equation missing from the paper stops the build" \
    ledger_fails 's/ {#eq:37}$//' '' "equations in the ledger but not displayed in the paper: 37"
check "paper: a displayed equation of the original without a ledger row stops the build" \
    ledger_fails '' '$$ x = 1 $$ {#eq:53}' "equations displayed in the paper but not in the ledger: 53"

# 9c. the figures as printed (figures/style.gp's rules, tests/figcheck.sh): every SVG and
# PDF renders, text >= 8 pt at the printed width, no overlapping labels, no Symbol font;
# and the check can fail: a 6 pt label, two overprinted labels, a PDF at pdfcairo's
# default font scale (5.3 pt) and a {/Symbol in a script are each refused, named
# (figcheck is a tool, not part of make paper: built here into the test's build)
make_q "${quick[@]}" "$tmp/build/bin/figcheck" > /dev/null 2>&1
check "figures: every figure renders, its text is >= 8 pt at print size, no two labels overlap, no {/Symbol" \
    tests/figcheck.sh "$tmp/build"
fig_refused() { # fig_refused WHAT EXPECTED: a copy of gauss_ep.svg with WHAT added must fail naming it
    local svg="$tmp/figbad.svg" out
    sed "s|</svg>|$1</svg>|" "$tmp/build/quick/figures/gauss_ep.svg" > "$svg"
    out=$("$tmp/build/bin/figcheck" svg 612 2.5cm "$svg") && { echo "$out"; return 1; }
    echo "$out"
    grep -qF "$2" <<< "$out"
}
check "figures: a 6 pt label (8 px in a figure printed at its natural size) is refused, named" \
    fig_refused '<g transform="translate(200,60)" font-size="8.00"><text><tspan>tiny label</tspan></text></g>' 'text "tiny label" is 6.00 pt (less than 8 pt)'
check "figures: a label running off the figure is refused, named" \
    fig_refused '<text x="-40" y="60" font-size="12">cut label</text>' 'text "cut label" runs off the figure'
check "figures: two overprinted labels are refused, both named" \
    fig_refused '<text x="200" y="60" font-size="12">first label</text><text x="210" y="63" font-size="12">second label</text>' 'text "second label" overlaps "first label"'
pdf_small() { # the terminal of before issue 22: 'Helvetica,8' at pdfcairo's default font scale prints 5.3 pt
    gnuplot -e "set terminal pdfcairo enhanced font 'Helvetica,8' size 4.5in,3in; set output '$tmp/small.pdf'; set xlabel 'SGD update'; plot x title 'a line'" || return 1
    pdftotext -bbox "$tmp/small.pdf" "$tmp/small.html" || return 1
    local out; out=$("$tmp/build/bin/figcheck" pdf 612 2.5cm "$tmp/small.pdf" "$tmp/small.html") && { echo "$out"; return 1; }
    echo "$out"
    grep -q 'small.pdf: the median word is 5.33 pt (less than 8 pt)' <<< "$out"
}
check "figures: a PDF figure at pdfcairo's default font scale (5.3 pt text) is refused" pdf_small
symbol_font() {
    mkdir -p "$tmp/symfig"
    cp figures/*.gp "$tmp/symfig/"
    sed -i 's/"σ (nats)"/"{\/Symbol s} (nats)"/' "$tmp/symfig/gauss_ep.gp"
    local out; out=$(FIG_SCRIPTS="$tmp/symfig" tests/figcheck.sh "$tmp/build") && { echo "$out"; return 1; }
    grep -q 'gauss_ep.gp:.*{/Symbol s}' <<< "$out"
}
check "figures: a {/Symbol in a figure script is refused, naming the script" symbol_font
# 9c. with REPO_URL, every test and figure-script link is a permalink to this commit, and a
# test's #L anchor is the line of its Test(...) (paper/filters/links.lua); a bad REPO_URL
# stops the build
permalinks() {
    local md="$tmp/links.md" html="$tmp/links.html" commit url=https://example.org/owner/repo bad=0 n=0
    commit=$(git rev-parse HEAD) || return 1
    cat paper/[0-9]*.md > "$md"
    REPO_URL=$url SOURCE_COMMIT=$commit NUMBERS_FILE="$tmp/build/quick/numbers.tsv" LEDGER_FILE=tests/ledger.tsv \
        TEST_RESULTS="$results" TEST_LOCS="$tmp/build/quick/testlocs.tsv" SUMMARY_FILE=paper/summary.tsv \
        CLAIMS_FILE=paper/claims.tsv FIGURE_DIR="$tmp/build/quick/figures" \
        pandoc --lua-filter paper/filters/ledger.lua --lua-filter paper/filters/figures.lua -t html "$md" -o "$html" || return 1
    local links; links=$(grep -o 'href="[^"]*"' "$html" | sed 's/^href="//; s/"$//' | grep -v '^#' | sort -u)
    while read -r l; do
        case "$l" in
            "$url/blob/$commit/tests/"*'#L'*) n=$((n + 1)); local f=${l#"$url/blob/$commit/"}; local line=${f##*#L}; f=${f%#L*}
                sed -n "${line}p" "$f" | grep -q '^Test(' || { echo "$l: line $line of $f is no Test(...)"; bad=1; } ;;
            "$url/blob/$commit/figures/"*.gp) n=$((n + 1)) ;;
            data/*|numbers.tsv) ;;
            *) echo "not a permalink: $l"; bad=1 ;;
        esac
    done <<< "$links"
    echo "permalinks: $n distinct"
    [ "$n" -gt 20 ] && [ "$bad" -eq 0 ] || return 1
    local msg; msg=$(REPO_URL=example.org/repo/ SOURCE_COMMIT=$commit NUMBERS_FILE="$tmp/build/quick/numbers.tsv" \
        FIGURE_DIR="$tmp/build/quick/figures" pandoc --lua-filter paper/filters/figures.lua -t html "$md" -o /dev/null 2>&1) && return 1
    grep -qF "REPO_URL 'example.org/repo/' is not an http(s) URL" <<< "$msg"
}
check "paper: with REPO_URL every test and script link is a commit permalink, a test's anchor its Test(...) line" permalinks

. tests/faults.sh   # 10. fault tests (issue 14), counted here

. tests/reader.sh  # the quick PDF and HTML read as a reader would (issue 11)

. tests/tools.sh  # reviewer tools: timings, graph, audit, dist, stamps, compare (tools/tools.mk)

echo "tests: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
