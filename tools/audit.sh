#!/bin/bash
# audit.sh FIG SCALE CAPTION BUILD_SCALE_DIR NUMCHECK MNIST_DIR   (make audit FIG=...)
# Rebuilds figure FIG and the data it depends on from the committed sources of the
# commit named in its caption, in a temporary directory, and compares
#   - each data file's SHA-256 with the caption's provenance line,
#   - the numbers written with the data with the caption build's numbers (when
#     BUILD_SCALE_DIR has them) and with data/reference/<scale>, by the references'
#     per-key tolerances (src/tools/numcheck.c).
# CAPTION is the figure's provenance file (build/<scale>/figures/FIG.prov) or the
# paper's HTML, whose caption ends with the same line.
# Verdict (last line): "audit: same data", "audit: statistically equivalent" (bits
# differ, every number within its tolerance) or "audit: different" with the keys.
# Exit 0, 0, 1; 2 when it cannot audit (a -dirty commit, an unknown commit, ...).
set -euo pipefail
fig=$1 scale=$2 caption=$3 built=$4 numcheck=$5 mnist=$6
here=$(cd "$(dirname "$0")/.." && pwd)
numcheck=$(cd "$(dirname "$numcheck")" && pwd)/$(basename "$numcheck")
die() { echo "audit: $*" >&2; exit 2; }
[ -r "$caption" ] || die "no caption provenance '$caption'"

# 1. the caption: data files with their short SHA-256, and the commit
case $caption in
*.prov)
    commit=$(sed -n 's/^commit\t//p' "$caption")
    awk -F'\t' '$1 == "data" { n = split($2, p, "/"); print p[n] "\t" $3 }' "$caption" > "${TMPDIR:-/tmp}/audit-want.$$" ;;
*)  # the paper's HTML: the caption line that names figures/FIG.gp
    # (the caption may be wrapped: join its lines up to "rebuild:")
    line=$(awk -v c="<code>figures/$fig.gp</code>" 'index($0, c) { on = 1 } on { s = s " " $0 } on && /rebuild:/ { print s; exit }' "$caption")
    [ -n "$line" ] || die "$caption has no caption naming figures/$fig.gp"
    commit=$(sed -n 's/.*commit <code>\([^<]*\)<\/code>.*/\1/p' <<< "$line")
    # data names are links (<a href=...><code>name.tsv</code></a> (sha256 ...)): drop the tags
    { sed 's/<[^>]*>//g' <<< "$line" | grep -o '[A-Za-z0-9_.-]*\.tsv (sha256 [0-9a-f]*)' || true; } \
        | sed 's/ (sha256 \([0-9a-f]*\))/\t\1/' > "${TMPDIR:-/tmp}/audit-want.$$" ;;
esac
want=$(cat "${TMPDIR:-/tmp}/audit-want.$$"); rm -f "${TMPDIR:-/tmp}/audit-want.$$"
[ -n "$want" ] || die "the caption in $caption lists no data files"
[ -n "$commit" ] || die "the caption in $caption names no commit"
case $commit in
*-dirty) die "the caption's data were written by '$commit', a working tree with uncommitted changes:" \
             "no committed sources can reproduce them. Commit, rebuild (make paper) and audit the new caption." ;;
unknown) die "the caption's commit is 'unknown' (built outside a git checkout): nothing to rebuild from" ;;
esac
hash=$commit
[[ $commit =~ -g([0-9a-f]+)$ ]] && hash=${BASH_REMATCH[1]}
full=$(git -C "$here" rev-parse --verify -q "$hash^{commit}") || die "commit '$commit' of the caption is not in this repository"
echo "audit: $fig at scale $scale, caption commit $commit; rebuilding from the committed sources of ${full:0:12}"

# 2. rebuild the figure (and its data) from the commit, in a temporary directory
tmp=$(mktemp -d "${TMPDIR:-/tmp}/stl-audit.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/src"
git -C "$here" archive "$full" | tar -x -C "$tmp/src"
mnist_abs=$(cd "$mnist" 2> /dev/null && pwd) || mnist_abs=
rb="$tmp/build/$scale"
start=$(date +%s)
rebuild() { # rebuild TARGET...: make in the committed sources, appending to make.log
    ( cd "$tmp/src" && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u BUILD -u PARAMS -u B -u LAUNCH -u TIME_WRAP -u MNIST_DIR -u FIG -u PROV nice -n 10 make -j2 --no-print-directory \
        SCALE="$scale" BUILD="$tmp/build" PROV_GIT="$commit" ${mnist_abs:+MNIST_DIR="$mnist_abs"} "$@" ) >> "$tmp/make.log" 2>&1
}
if ! rebuild "$rb/figures/$fig.pdf" "$rb/figures/$fig.prov"; then
    tail -n 20 "$tmp/make.log" >&2
    die "the rebuild at ${full:0:12} failed (log above)"
fi
# An EBM run's numbers are compared on the seed-to-seed scale: rebuild the spread of
# each rebuilt run too (its replicas run; the figure itself does not need them).
spreads=$(cd "$rb/numbers" 2> /dev/null && ls ebm_tau*.tsv 2> /dev/null | sed "s|^ebm_tau|$rb/numbers/ebm_spread_tau|") || true
if [ -n "$spreads" ] && ! rebuild $spreads; then
    tail -n 20 "$tmp/make.log" >&2
    die "the rebuild of the EBM spreads at ${full:0:12} failed (log above)"
fi
echo "audit: rebuilt in $(( $(date +%s) - start )) s: $(ls "$rb/numbers" 2> /dev/null | tr '\n' ' ')"

# 3. data: SHA-256 against the caption
same=0 differ=""
while IFS=$'\t' read -r name sha; do
    got=$(sha256sum "$rb/data/$name" 2> /dev/null | cut -c1-${#sha}) || got=missing
    if [ "$got" = "$sha" ]; then same=$((same + 1)); echo "  data $name: $sha same"
    else differ="$differ $name"; echo "  data $name: caption $sha, rebuilt ${got:-missing}"; fi
done <<< "$want"

# 4. numbers written with the data, against the caption build and the references
merge() { # merge NUMBERS-FILES... > one numbers file (kernel line, header, rows)
    awk -F'\t' '/^# blas_kernel: / { if (!k++) kern = $0; next } /^#/ || $1 == "key" || NF == 0 { next }
        { rows[++n] = $0 } END { print (kern ? kern : "# blas_kernel: unknown"); print "key\tvalue\tunit"
        for (i = 1; i <= n; i++) print rows[i] }' "$@"
}
merge "$rb"/numbers/*.tsv > "$tmp/got.tsv"
ref="$tmp/src/data/reference/$scale/numbers.tsv"
failing=""
judge() { # judge LABEL REFERENCE: numcheck on the rebuilt numbers; collects failing keys
    local out status=0
    out=$("$numcheck" "$tmp/got.tsv" "$2") || status=$?
    [ "$status" -le 1 ] || { echo "$out" >&2; die "numcheck failed on $2"; }
    echo "  numbers vs $1: $(sed -n 's/^numcheck: \([0-9]* keys: .*failing\).*/\1/p' <<< "$out")"
    grep '^FAIL ' <<< "$out" | sed 's/^/    /' || true
    failing="$failing $(sed -n 's/^FAIL \([^ ]*\) .*/\1/p' <<< "$out" | tr '\n' ' ')"
}
if [ -f "$ref" ]; then
    # the references restricted to the rebuilt keys, rules kept
    awk -F'\t' 'FNR == NR { if ($0 !~ /^#/ && $1 != "key") want[$1] = 1; next }
        /^#/ || $1 == "key" || ($1 in want)' "$tmp/got.tsv" "$ref" > "$tmp/ref.tsv"
    judge "data/reference/$scale" "$tmp/ref.tsv"
fi
names=$(cd "$rb/numbers" && ls)
if [ -n "$built" ] && [ -d "$built/numbers" ] && (cd "$built/numbers" && ls $names > /dev/null 2>&1); then
    # the caption build's values with the references' rules (exact for a key without one)
    (cd "$built/numbers" && merge $names) > "$tmp/caption-numbers.tsv"
    awk -F'\t' 'BEGIN { OFS = "\t" } FNR == NR { if ($0 !~ /^#/ && $1 != "key") { tol[$1] = $3; why[$1] = $4 }; next }
        /^# blas_kernel: / { print; next } /^#/ { next }
        $1 == "key" { print "key", "value", "tol", "why"; next }
        { print $1, $2, ($1 in tol ? tol[$1] : "exact"), ($1 in tol ? why[$1] : "no rule in the references: must be identical") }' \
        "${ref:-/dev/null}" "$tmp/caption-numbers.tsv" > "$tmp/caption-ref.tsv"
    judge "the caption's build ($built)" "$tmp/caption-ref.tsv"
fi

# 5. verdict
failing=$(tr ' ' '\n' <<< "$failing" | sed '/^$/d' | sort -u | tr '\n' ' ')
if [ -n "$failing" ]; then
    echo "audit: different: ${failing% }${differ:+ (data files differing:$differ)}"
    exit 1
elif [ -z "$differ" ]; then
    echo "audit: same data ($same data files bit-identical to the caption; every number within its tolerance)"
else
    echo "audit: statistically equivalent (data files differ in bits:$differ; every number within its tolerance)"
fi
