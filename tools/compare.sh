#!/bin/bash
# compare.sh OLD NEW NUMCHECK   (make compare OLD=dir NEW=dir)
# The numbers that differ between two builds (build/<scale> directories, or any
# directory with numbers/*.tsv), one line each: key, OLD, NEW, relative difference, the
# key's tolerance rule from data/reference (OLD's scale) and whether NEW is within it of OLD.
# Reads both directories, writes into neither. Exit 0 when every key is within
# tolerance, 1 otherwise, 2 on a usage error (a directory not given, or the same one twice).
set -euo pipefail
usage="usage: make compare OLD=build/quick NEW=other/quick (two build directories)"
[ $# -eq 3 ] && [ -n "$1" ] && [ -n "$2" ] || { echo "compare: $usage" >&2; exit 2; }
# a build compared with itself would pass whatever it holds
[ "$(realpath -m "$1")" != "$(realpath -m "$2")" ] || { echo "compare: OLD and NEW are the same directory ($1); $usage" >&2; exit 2; }
a=$1 b=$2 numcheck=$3
here=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/stl-compare.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
numbers() { # numbers DIR > merged numbers file
    # the build's own merge (numbers.tsv) when there is one: numbers/ may hold the
    # files of parameters since changed (another list of taus), which it leaves out
    local files=("$1"/numbers.tsv)
    [ -f "${files[0]}" ] || files=("$1"/numbers/*.tsv)
    [ -f "${files[0]}" ] || { echo "compare: $1 has no numbers.tsv or numbers/*.tsv (a build/<scale> directory?)" >&2; exit 2; }
    awk -F'\t' '/^# blas_kernel: / { if (!k++) kern = $0; next } /^#/ || $1 == "key" || NF == 0 { next }
        { rows[++n] = $0 } END { print (kern ? kern : "# blas_kernel: unknown"); print "key\tvalue\tunit"
        for (i = 1; i <= n; i++) print rows[i] }' "${files[@]}"
}
numbers "$a" > "$tmp/a.tsv"
numbers "$b" > "$tmp/b.tsv"
scale=$(sed -n 's/^# scale: //p' "$a"/numbers/*.tsv | head -n 1)
rules="$here/data/reference/${scale:-quick}/numbers.tsv"
[ -f "$rules" ] || rules=/dev/null
# OLD as the reference, with each key's rule from data/reference (exact without one)
awk -F'\t' 'BEGIN { OFS = "\t" } FNR == NR { if ($0 !~ /^#/ && $1 != "key") { tol[$1] = $3; why[$1] = $4 }; next }
    /^# blas_kernel: / { print; next } /^#/ { next } $1 == "key" { print "key", "value", "tol", "why"; next }
    { print $1, $2, ($1 in tol ? tol[$1] : "exact"), ($1 in tol ? why[$1] : "no rule in the references") }' \
    "$rules" "$tmp/a.tsv" > "$tmp/a-ref.tsv"
status=0
"$numcheck" "$tmp/b.tsv" "$tmp/a-ref.tsv" > "$tmp/check.log" || status=$?
# numcheck names the merged files it read, temporary files gone by now: name the builds
[ "$status" -le 1 ] || { sed "s|$tmp/a-ref.tsv|$a|g; s|$tmp/b.tsv|$b|g" "$tmp/check.log" >&2; exit 2; }
sed -n 's/^FAIL \([^ ]*\) .*/\1/p' "$tmp/check.log" > "$tmp/failing"
echo "compare: OLD = $a, NEW = $b (tolerances: $rules)"
awk -F'\t' 'FILENAME ~ /failing$/ { bad[$1] = 1; next }
    FILENAME ~ /a-ref/ { if ($0 !~ /^#/ && $1 != "key") { va[$1] = $2; tol[$1] = $3 }; next }
    /^#/ || $1 == "key" { next }
    { vb[$1] = $2 }
    END {
        printf "%-44s %-14s %-14s %-10s %-14s %s\n", "key", "OLD", "NEW", "rel.diff", "tolerance", "verdict"
        for (k in va) keys[k] = 1
        for (k in vb) keys[k] = 1
        for (k in keys) {
            if ((k in va) && (k in vb) && va[k] == vb[k]) continue
            d = ((k in va) && (k in vb) && va[k] != 0) ? sprintf("%.3g", (vb[k] - va[k]) / va[k]) : "-"
            # 7 significant digits to read (the verdict comes from numcheck, on the full values)
            printf "%-44s %-14s %-14s %-10s %-14s %s\n", k, (k in va) ? sprintf("%.7g", va[k]) : "(none)",
                (k in vb) ? sprintf("%.7g", vb[k]) : "(none)", d,
                (k in tol) ? tol[k] : "-", (k in bad) ? "DIFFERENT" : (tol[k] == "skip" ? "recorded only" : "within tolerance") | "sort"
        }
        close("sort")
    }' "$tmp/failing" "$tmp/a-ref.tsv" "$tmp/b.tsv"
grep '^numcheck: [0-9]* keys' "$tmp/check.log" | sed "s/^numcheck:/compare:/; s|$tmp/a-ref.tsv|$a|g; s|$tmp/b.tsv|$b|g"
exit "$status"
